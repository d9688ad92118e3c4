// The validator against the WebAssembly spec test suite (../shared/suites/spec, converted by wast2json):
//  - every `module` (and `assert_unlinkable`/`assert_uninstantiable`: valid modules that fail later)
//    must decode and validate;
//  - every binary `assert_invalid`/`assert_malformed` must throw a CompileError of that kind whose
//    message starts with the suite's text (or, for the cases listed in `containsOnly` below, contains
//    it).
// The core suite runs with no features; each proposal folder runs its own files with its feature.

import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { CompileError } from '../../src/api/errors.js';
import { featureByName } from '../../src/api/features.js';
import { decodeModule } from '../../src/binary/decode.js';
import { validateModule } from '../../src/validate/index.js';
import {
  type ConvertedWast,
  type WastFile,
  convertWast,
  listWastFiles,
  readModuleFile,
  suiteUnavailable,
} from '../support/spec-suite.js';

/** Proposal folders the validator supports (their files run with that feature on). */
const proposals = [
  'tail-call',
  'extended-const',
  'multi-memory',
  'memory64',
  'threads',
  'exception-handling',
  'relaxed-simd',
];

/**
 * Expectations of proposal files written against an older core spec, which Wasm 2.0 (what wasmbox
 * implements, with the proposal on top) contradicts. Mismatches in these are reported, not failed.
 */
const stale: { proposal: string; file: string; text?: string; why: string }[] = [
  {
    proposal: 'memory64',
    file: 'binary.wast',
    why: 'copied from the MVP binary tests: e.g. section id 12 (data count, Wasm 2.0) is "malformed section id", call_indirect\'s table index is a "zero flag"',
  },
  {
    proposal: 'memory64',
    file: 'binary-leb128.wast',
    why: 'copied from the MVP binary tests: modules whose bodies or limits are laid out as before Wasm 2.0',
  },
  {
    proposal: 'threads',
    file: 'imports.wast',
    text: 'multiple tables',
    why: 'written before reference types: Wasm 2.0 allows several tables',
  },
];

/**
 * Cases whose binary form cannot carry the suite's message: wast2json writes `(select (result) …)`
 * (typed select with no type, "invalid result arity") as the untyped `select` opcode, the same bytes as
 * `(select …)` with too few operands, a "type mismatch". The validator's message for those bytes
 * names both; it can start with only one.
 */
const containsOnly = new Set(['select.wast:324']);

interface Tally {
  passed: number;
  failed: number;
  staleMismatches: number;
  modules: number;
  skippedFiles: string[];
}

const tallies = new Map<string, Tally>();

function tallyOf(suite: string): Tally {
  let t = tallies.get(suite);
  if (!t) tallies.set(suite, (t = { passed: 0, failed: 0, staleMismatches: 0, modules: 0, skippedFiles: [] }));
  return t;
}

function staleReason(file: WastFile, text: string | undefined): string | null {
  for (const s of stale) {
    if (s.proposal === file.proposal && s.file === file.name && (s.text === undefined || s.text === text)) return s.why;
  }
  return null;
}

/** Runs one converted file's commands; returns the failures as readable lines. */
function runFile(conv: ConvertedWast, features: number, tally: Tally): string[] {
  const failures: string[] = [];
  for (const cmd of conv.commands) {
    if (cmd.module_type === 'text' || !cmd.filename) continue; // text-format errors are not ours
    const where = `${conv.file.name}:${cmd.line}`;
    const mustLoad = cmd.type === 'module' || cmd.type === 'assert_unlinkable' || cmd.type === 'assert_uninstantiable';
    const mustFail = cmd.type === 'assert_invalid' || cmd.type === 'assert_malformed';
    if (!mustLoad && !mustFail) continue;
    let err: unknown = null;
    try {
      validateModule(decodeModule(readModuleFile(conv, cmd.filename), { features }), features);
    } catch (e) {
      err = e;
    }
    if (mustLoad) {
      tally.modules++;
      if (err) failures.push(`${where} ${cmd.type}: expected a valid module, got ${String(err)}`);
      continue;
    }
    const text = cmd.text ?? '';
    const kind = cmd.type === 'assert_invalid' ? 'invalid' : 'malformed';
    let problem: string | null = null;
    if (!(err instanceof CompileError)) problem = `no CompileError (${err === null ? 'module accepted' : String(err)})`;
    else if (err.kind !== kind) problem = `kind ${err.kind}, message: ${err.message}`;
    else if (!err.message.startsWith(text) && !(containsOnly.has(where) && err.message.includes(text))) {
      problem = `message: ${err.message}`;
    }
    if (problem === null) {
      tally.passed++;
      continue;
    }
    const why = staleReason(conv.file, text);
    if (why !== null) {
      tally.staleMismatches++;
      continue;
    }
    tally.failed++;
    failures.push(`${where} ${cmd.type} "${text}": ${problem}`);
  }
  return failures;
}

function suiteTests(suite: string, proposal: string | null, features: number): void {
  const files = listWastFiles(proposal).filter((f) => f.proposal === proposal);
  for (const file of files) {
    it(file.name, (t) => {
      const tally = tallyOf(suite);
      let conv: ConvertedWast;
      try {
        conv = convertWast(file);
      } catch (e) {
        // wabt 1.0.32 cannot read a few proposal files (e.g. relaxed_dot_product.wast).
        tally.skippedFiles.push(file.name);
        t.skip(`wast2json cannot convert it: ${String(e).split('\n')[0]}`);
        return;
      }
      const failures = runFile(conv, features, tally);
      assert.deepEqual(failures, [], failures.join('\n'));
    });
  }
}

const unavailable = suiteUnavailable();

describe('spec suite: validation', () => {
  if (unavailable) {
    it('needs the spec suite and wabt', (t) => t.skip(unavailable));
    return;
  }

  describe('core (Wasm 2.0)', () => suiteTests('core', null, 0));

  for (const p of proposals) {
    const flag = featureByName(p);
    if (flag === undefined) throw new Error(`no feature flag for ${p}`);
    describe(`proposal ${p}`, () => suiteTests(p, p, flag));
  }

  after(() => {
    for (const [suite, t] of tallies) {
      const extras = [
        t.staleMismatches ? `${t.staleMismatches} stale expectations not enforced` : '',
        t.skippedFiles.length ? `files not convertible: ${t.skippedFiles.join(', ')}` : '',
      ].filter(Boolean);
      console.log(
        `[validate] ${suite}: assert_invalid+assert_malformed matched ${t.passed}, mismatched ${t.failed}; ` +
          `modules validated ${t.modules}${extras.length ? `; ${extras.join('; ')}` : ''}`,
      );
    }
  });
});
