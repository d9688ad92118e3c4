// Shared by the CLI tests: the test programs (test/cli/programs, C sources with their .wasm), running
// main() in-process on buffers, and running the built CLI as a real process.

import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from '../../src/cli/main.js';

/** The repository root (tests run from dist/test/cli). */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const PROGRAMS = path.join(ROOT, 'test', 'cli', 'programs');
export const HARNESS = path.join(ROOT, 'test', 'cli', 'harness');
/** The CLI as installed: package.json's bin. */
export const CLI = path.join(ROOT, 'dist', 'src', 'cli', 'bin.cjs');

export const program = (name: string): string => path.join(PROGRAMS, `${name}.wasm`);

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  stdin?: string | Uint8Array;
  env?: Record<string, string | undefined>;
  cwd?: string;
}

/** Runs main() in this process with buffers for the streams. */
export async function runMain(argv: string[], o: RunOptions = {}): Promise<CliResult> {
  const out: Uint8Array[] = [];
  const err: Uint8Array[] = [];
  const code = await main(argv, {
    stdin: o.stdin ?? '',
    stdout: { write: (b: Uint8Array) => void out.push(b.slice()) },
    stderr: { write: (b: Uint8Array) => void err.push(b.slice()) },
    env: o.env ?? {},
    cwd: o.cwd ?? ROOT,
  });
  const text = (parts: Uint8Array[]) => Buffer.concat(parts).toString('utf8');
  return { code, stdout: text(out), stderr: text(err) };
}

/** Runs `node dist/src/cli/bin.cjs ARGS` (the package's bin) as a process. */
export function spawnCli(args: string[], o: SpawnSyncOptions & { input?: string | Uint8Array } = {}): CliResult & { signal: NodeJS.Signals | null } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', cwd: ROOT, timeout: 60_000, ...o });
  if (r.error) throw r.error;
  return { code: r.status ?? -1, signal: r.signal, stdout: String(r.stdout), stderr: String(r.stderr) };
}

/** A fresh temporary directory, removed when the process exits. */
export function tempDir(prefix = 'wasmbox-cli-'): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  process.on('exit', () => fs.rmSync(d, { recursive: true, force: true }));
  return d;
}

/** Every file under `dir` with its bytes and mtime, for "nothing changed" checks. */
export function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = path.join(d, e.name);
      const st = fs.lstatSync(p, { bigint: true });
      const rel = path.relative(dir, p);
      if (e.isDirectory()) {
        out.set(rel + '/', `dir mtime=${st.mtimeNs}`);
        walk(p);
      } else out.set(rel, `${fs.readFileSync(p).toString('base64')} mtime=${st.mtimeNs} mode=${st.mode}`);
    }
  };
  walk(dir);
  return out;
}

/** Whether the runtime has deadlines (RuntimeConfig.withCloseOnContextDone), i.e. -timeout works. */
export async function deadlinesUnsupported(): Promise<string | null> {
  const { newRuntimeConfig } = await import('../../src/index.js');
  return typeof (newRuntimeConfig() as unknown as { withCloseOnContextDone?: unknown }).withCloseOnContextDone === 'function'
    ? null
    : 'the runtime has no deadlines yet (RuntimeConfig.withCloseOnContextDone lands with the compiler branch): -timeout reports "not supported by this build yet"';
}

/** Whether the runtime has fuel (RuntimeConfig.withFuel). */
export async function fuelUnsupported(): Promise<string | null> {
  const { newRuntimeConfig } = await import('../../src/index.js');
  return typeof (newRuntimeConfig() as unknown as { withFuel?: unknown }).withFuel === 'function'
    ? null
    : 'the runtime has no fuel yet (RuntimeConfig.withFuel lands with the compiler branch): -fuel reports "not supported by this build yet"';
}
