// npm run spec -- --engine <interpreter|compiler|auto> [--proposal NAME] [--only TYPE,...] [--verbose]
//                 [--instrument | --interrupt] [FILE.wast...]
//
// --instrument runs every module with fuel metering and interruption on (a tank too large to run out),
// so the suite also checks the engines' instrumentation: same results, traps and texts. --interrupt
// runs them with interruption only (no fuel), whose instrumentation differs (src/runtime/check-points.ts).
//
// Runs the WebAssembly spec test suite from ../shared/suites/spec against wasmbox. Prints every failure
// and skip, then a last line exactly `N passed, N failed, N skipped`. Exits 1 when anything failed, 0
// otherwise (also when the suite or wast2json is unavailable, after saying why).

import { featureByName } from '../src/api/features.js';
import { type EngineName, type Outcome, runWast } from '../test/support/spec-runner.js';
import { convertWast, listWastFiles, suiteUnavailable } from '../test/support/spec-suite.js';

function usage(msg?: string): never {
  if (msg) process.stderr.write(`spec: ${msg}\n`);
  process.stderr.write(
    'usage: npm run spec -- --engine <interpreter|compiler|auto> [--proposal NAME] [--only TYPE,...] [--verbose] [--instrument | --interrupt] [FILE.wast...]\n',
  );
  process.exit(2);
}

function main(argv: string[]): number {
  let engine: EngineName = 'auto';
  let proposal: string | null = null;
  const only = new Set<string>();
  const files: string[] = [];
  let verbose = false;
  let instrument: boolean | 'interrupt' = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const next = () => argv[++i] ?? usage(`${a} needs a value`);
    if (a === '--engine') {
      const e = next();
      if (e !== 'interpreter' && e !== 'compiler' && e !== 'auto') usage(`unknown engine ${e}`);
      engine = e;
    } else if (a === '--proposal') proposal = next();
    else if (a === '--only') for (const t of next().split(',')) only.add(t.trim());
    else if (a === '--verbose') verbose = true;
    else if (a === '--instrument') instrument = true;
    else if (a === '--interrupt') instrument = 'interrupt';
    else if (a === '-h' || a === '--help') usage();
    else if (a.startsWith('-')) usage(`unknown flag ${a}`);
    else files.push(a);
  }

  const why = suiteUnavailable();
  if (why) {
    process.stdout.write(`spec suite not run: ${why}\n0 passed, 0 failed, 0 skipped\n`);
    return 0;
  }
  // The core files test Wasm 2.0 exactly (e.g. that later proposals' opcodes are malformed); a proposal
  // run enables just that proposal.
  let features = 0;
  if (proposal) {
    const f = featureByName(proposal);
    if (f === undefined) usage(`unknown proposal ${proposal}`);
    features = f;
  }

  let all = listWastFiles(proposal);
  if (files.length) {
    const want = new Set(files.map((f) => f.replace(/^.*\//, '')));
    all = all.filter((f) => want.has(f.name));
    if (all.length !== want.size) usage(`unknown file(s): ${[...want].filter((w) => !all.some((f) => f.name === w)).join(', ')}`);
  }

  let passed = 0;
  let failed = 0;
  let skipped = 0;
  const skips = new Map<string, string[]>();
  for (const file of all) {
    let outcomes: Outcome[];
    try {
      outcomes = runWast(convertWast(file), { engine, features, only, verbose, instrument });
    } catch (e) {
      failed++;
      process.stdout.write(`FAIL ${file.name}: ${(e as Error).message}\n`);
      continue;
    }
    for (const o of outcomes) {
      if (o.status === 'pass') {
        passed++;
        if (verbose) process.stdout.write(`ok   ${o.name}\n`);
      } else if (o.status === 'fail') {
        failed++;
        process.stdout.write(`FAIL ${o.name}: ${o.detail}\n`);
      } else {
        skipped++;
        const list = skips.get(o.detail!) ?? [];
        list.push(o.name);
        skips.set(o.detail!, list);
      }
    }
  }
  for (const [reason, names] of skips) {
    process.stdout.write(`skipped ${names.length} (${reason}):\n`);
    for (const n of names) process.stdout.write(`  skip ${n}\n`);
  }
  process.stdout.write(`${passed} passed, ${failed} failed, ${skipped} skipped\n`);
  return failed > 0 ? 1 : 0;
}

process.exitCode = main(process.argv.slice(2));
