// Access to the WebAssembly spec test suite in ../shared/suites/spec, converted to JSON + .wasm files
// by wabt's wast2json into a git-ignored cache (.cache/spec). Shared by the spec runner
// (scripts/spec.ts) and the tests that sweep the suite (e.g. the encoder round-trip).

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { projectRootOf } from '../../scripts/project-root.js';

/** The project's root (dist/test/support -> ../../..; works from the sources too). */
export const projectRoot = projectRootOf(import.meta.url);

export const suiteRoot = path.resolve(projectRoot, '..', 'shared', 'suites', 'spec');
export const cacheRoot = path.join(projectRoot, '.cache', 'spec');

/** wast2json flags per proposal folder (see ../shared/suites/PROVENANCE.md). */
export const proposalFlags: Record<string, string[]> = {
  'tail-call': ['--enable-tail-call'],
  'exception-handling': ['--enable-exceptions'],
  threads: ['--enable-threads'],
  'extended-const': ['--enable-extended-const'],
  memory64: ['--enable-memory64'],
  'multi-memory': ['--enable-multi-memory'],
  'relaxed-simd': ['--enable-relaxed-simd'],
  annotations: ['--enable-annotations'],
};

/** Why the suite cannot be used here, or null when it can. */
export function suiteUnavailable(): string | null {
  if (!fs.existsSync(suiteRoot)) {
    return `the spec suite is not at ${suiteRoot} (it comes with the team's ../shared checkout; see ../shared/README.md)`;
  }
  const probe = spawnSync('wast2json', ['--version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    return 'wast2json (wabt) is not installed: run `apt-get update && apt-get install -y wabt`';
  }
  return null;
}

export interface WastFile {
  /** e.g. `i32.wast`. */
  name: string;
  /** Absolute path of the .wast. */
  path: string;
  /** Proposal folder the file comes from, or null for the core suite. */
  proposal: string | null;
}

/**
 * The .wast files of the core suite, or of the core suite with a proposal's deltas applied (files
 * with the same name replace the core ones; new files are added).
 */
export function listWastFiles(proposal: string | null = null): WastFile[] {
  const files = new Map<string, WastFile>();
  for (const f of fs.readdirSync(suiteRoot).sort()) {
    if (f.endsWith('.wast')) files.set(f, { name: f, path: path.join(suiteRoot, f), proposal: null });
  }
  if (proposal) {
    const dir = path.join(suiteRoot, 'proposals', proposal);
    if (!fs.existsSync(dir)) throw new Error(`no proposal folder ${dir}`);
    for (const f of fs.readdirSync(dir).sort()) {
      if (f.endsWith('.wast')) files.set(f, { name: f, path: path.join(dir, f), proposal });
    }
  }
  return [...files.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/** One command of wast2json's output (only the fields the runner uses are typed). */
export interface WastValue {
  type: string; // i32 i64 f32 f64 v128 funcref externref
  value?: string | string[];
  lane_type?: string;
}
export interface WastAction {
  type: 'invoke' | 'get';
  module?: string;
  field: string;
  args?: WastValue[];
}
export interface WastCommand {
  type: string;
  line: number;
  filename?: string;
  name?: string;
  as?: string;
  text?: string;
  module_type?: 'binary' | 'text';
  action?: WastAction;
  expected?: WastValue[];
  /** assert_return with `(either …)` (relaxed SIMD): the one result must match one of these. */
  either?: WastValue[];
}

export interface ConvertedWast {
  file: WastFile;
  /** Folder holding the JSON and the .wasm files it names. */
  dir: string;
  commands: WastCommand[];
}

/**
 * Converts one .wast (cached: redone only when the .wast is newer than the JSON). Throws with
 * wast2json's message when it cannot convert the file.
 */
export function convertWast(file: WastFile): ConvertedWast {
  const base = file.name.replace(/\.wast$/, '');
  const dir = path.join(cacheRoot, file.proposal ?? 'core', base);
  const json = path.join(dir, `${base}.json`);
  const fresh = fs.existsSync(json) && fs.statSync(json).mtimeMs >= fs.statSync(file.path).mtimeMs;
  if (!fresh) {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    const flags = file.proposal ? (proposalFlags[file.proposal] ?? []) : [];
    const res = spawnSync('wast2json', [...flags, file.path, '-o', json], { encoding: 'utf8', cwd: dir });
    if (res.status !== 0) {
      fs.rmSync(dir, { recursive: true, force: true });
      throw new Error(`wast2json failed on ${file.path}: ${(res.stderr || res.stdout || '').trim()}`);
    }
  }
  const parsed = JSON.parse(fs.readFileSync(json, 'utf8')) as { commands: WastCommand[] };
  return { file, dir, commands: parsed.commands };
}

/** Reads a module file named by a command. */
export function readModuleFile(conv: ConvertedWast, filename: string): Uint8Array {
  return new Uint8Array(fs.readFileSync(path.join(conv.dir, filename)));
}
