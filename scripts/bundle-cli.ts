// Bundles the CLI (dist/src/cli/entry.js: the command line and run/compile, and everything they import)
// into one script, dist/src/cli/wasmbox.bundle.js, which the bin (bin.cjs) loads instead of the
// modules when it is at least as new as they are (`npm run build` makes it; a plain `tsc -p .` leaves
// it older, and bin.cjs then loads the modules). Why: a process loading ~50 ES modules spends more time resolving, opening and
// instantiating them than running a hello-world guest — see RATIONALE.md, "Why a bundle for the CLI?".
//
// The transform relies on what tsc emits for this code base, and checks it: static `import … from`
// lines, `export` on declarations, `export { … }` lists and re-exports, no `export default`, no
// `export let` (so values captured after a module runs are its exports for good), no import cycles
// (so running modules in dependency order gives each its imports before it runs). Each module
// becomes a function run once in that order, in its own scope; node builtins come from require().
//
// It first stamps the interpreter's build (stampInterpreter below).
//
// Usage: node dist/scripts/bundle-cli.js  (after tsc)

import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const dist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const entry = path.join(dist, 'src', 'cli', 'entry.js');
const out = path.join(dist, 'src', 'cli', 'wasmbox.bundle.js');

interface Mod {
  file: string;
  id: string;
  deps: string[];
  body: string;
}

const mods = new Map<string, Mod>();
const order: Mod[] = [];
const visiting = new Set<string>();
let nextId = 0;

const IMPORT = /^import\s+([^;]*?)\s+from\s+'([^']+)';[ \t]*$/gm;
const REEXPORT = /^export\s+\{([^}]*)\}\s+from\s+'([^']+)';[ \t]*$/gm;

function fail(file: string, why: string): never {
  throw new Error(`bundle-cli: ${path.relative(dist, file)}: ${why}`);
}

/** `{ a, b as c }` → [['a','a'], ['b','c']] (imported name, local name). */
function names(list: string): [string, string][] {
  return list
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map((s) => {
      const m = /^(\w+)(?:\s+as\s+(\w+))?$/.exec(s);
      if (!m) throw new Error(`bundle-cli: cannot read import/export name ${JSON.stringify(s)}`);
      return [m[1]!, m[2] ?? m[1]!];
    });
}

function load(file: string): Mod {
  const done = mods.get(file);
  if (done) return done;
  if (visiting.has(file)) fail(file, 'import cycle');
  visiting.add(file);
  let src = fs.readFileSync(file, 'utf8');
  if (/^export\s+(default|let|var)\b/m.test(src)) fail(file, 'export default/let/var is not supported');
  if (/(^|[^.\w])import\s*\(\s*['"`]/m.test(src)) fail(file, 'dynamic import is not supported');
  const id = `__mod${nextId++}`;
  const mod: Mod = { file, id, deps: [], body: '' };
  const exportsList: string[] = [];
  const depId = (spec: string): string => {
    const dep = load(path.resolve(path.dirname(file), spec));
    mod.deps.push(dep.id);
    return dep.id;
  };
  src = src.replace(REEXPORT, (_all, list: string, spec: string) => {
    const from = spec.startsWith('.') ? depId(spec) : null;
    if (!from) fail(file, `re-export from ${spec}`);
    for (const [orig, as] of names(list)) exportsList.push(`${as}: ${from}.${orig}`);
    return '';
  });
  src = src.replace(IMPORT, (_all, clause: string, spec: string) => {
    const source = spec.startsWith('.') ? depId(spec) : `__require(${JSON.stringify(spec)})`;
    const star = /^\*\s+as\s+(\w+)$/.exec(clause);
    if (star) return `const ${star[1]} = ${source};`;
    const named = /^(?:(\w+)\s*,\s*)?\{([^}]*)\}$/.exec(clause);
    const dflt = /^(\w+)$/.exec(clause);
    if (dflt) {
      if (spec.startsWith('.')) fail(file, `default import from ${spec}`);
      return `const ${dflt[1]} = ${source};`;
    }
    if (!named) fail(file, `cannot read import clause ${JSON.stringify(clause)}`);
    const parts = names(named[2]!).map(([orig, local]) => (orig === local ? orig : `${orig}: ${local}`));
    const lines: string[] = [];
    if (named[1]) {
      if (spec.startsWith('.')) fail(file, `default import from ${spec}`);
      lines.push(`const ${named[1]} = ${source};`);
    }
    lines.push(`const { ${parts.join(', ')} } = ${source};`);
    return lines.join(' ');
  });
  if (/^import\s/m.test(src)) fail(file, 'an import the bundler does not understand');
  src = src.replace(/^export\s+\{([^}]*)\};[ \t]*$/gm, (_all, list: string) => {
    for (const [local, as] of names(list)) exportsList.push(`${as}: ${local}`);
    return '';
  });
  src = src.replace(/^export\s+((?:async\s+)?function\*?|class|const)\s+(\w+)/gm, (_all, kind: string, name: string) => {
    exportsList.push(name);
    return `${kind} ${name}`;
  });
  if (/^export\s/m.test(src)) fail(file, 'an export the bundler does not understand');
  if (/\bimport\.meta\b/.test(src)) src = src.replace(/\bimport\.meta\.url\b/g, '__bundleUrl');
  mod.body = `${src}\nreturn { ${exportsList.join(', ')} };`;
  visiting.delete(file);
  mods.set(file, mod);
  order.push(mod);
  return mod;
}

/**
 * Stamps the interpreter build (src/engine/interpreter/build-stamp.ts): a sha256 of its emitted code,
 * so a cached lowered form is only ever run by the executor it was made for. Before bundling, so the
 * bundle carries the stamp too.
 */
function stampInterpreter(): void {
  const dir = path.join(dist, 'src', 'engine', 'interpreter');
  const h = createHash('sha256');
  for (const f of fs.readdirSync(dir).filter((f) => f.endsWith('.js') && f !== 'build-stamp.js').sort()) {
    h.update(f);
    h.update(fs.readFileSync(path.join(dir, f)));
  }
  const file = path.join(dir, 'build-stamp.js');
  const text = fs.readFileSync(file, 'utf8');
  const stamped = text.replace(/^export const LOWERED_STAMP = '[0-9a-f]*';$/m, `export const LOWERED_STAMP = '${h.digest('hex')}';`);
  if (stamped === text) throw new Error('bundle-cli: build-stamp.js has no LOWERED_STAMP line to stamp');
  fs.writeFileSync(file, stamped);
}

stampInterpreter();
const top = load(entry);
// A script, not a module: one function expression that bin.cjs compiles with node:vm, so V8 can keep
// its compiled code in a code cache beside the bundle (main.ts, loadBundle) — modules cannot.
const parts = [
  // First line: the modules it was made from, so bin.cjs can tell a stale bundle (any module newer).
  `// wasmbox-bundle-modules: ${order.map((m) => path.relative(path.join(dist, 'src'), m.file)).join(' ')}`,
  '// Generated by scripts/bundle-cli.ts from the modules beside it: do not edit. See that script.',
  '(function (__require, __bundleUrl) {',
  "'use strict';",
];
for (const m of order) parts.push(`// ${path.relative(path.join(dist, 'src'), m.file)}\nconst ${m.id} = (() => {\n${m.body}\n})();`);
parts.push(`return { cli: ${top.id}.cli };`);
parts.push('})');
// ASCII only: every other character becomes a \\u escape, which means the same in string, template
// and regex literals and identifiers (nothing here uses raw template strings), so bin.cjs can read
// the file as latin1 — several times faster than decoding UTF-8 into a two-byte string.
const text = parts.join('\n').replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
if (/\bString\.raw\b|\.raw\b/.test(text)) throw new Error('bundle-cli: raw template strings would see the \\u escapes');
const tmp = `${out}.${process.pid}.tmp`;
fs.writeFileSync(tmp, text, 'latin1');
fs.renameSync(tmp, out);
// A code cache made for the previous bundle is worthless now.
fs.rmSync(`${out}.v8cache`, { force: true });
console.log(`bundled ${order.length} modules into ${path.relative(process.cwd(), out)} (${(fs.statSync(out).size / 1024).toFixed(0)} KiB)`);
