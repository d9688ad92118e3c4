// Small hand-written modules for the CLI's import-mode and error-path tests, assembled from WAT into
// a temporary directory (tests skip them, saying why, where wat2wasm is missing).

import fs from 'node:fs';
import path from 'node:path';
import { wat, watUnavailable } from '../support/wat.js';
import { tempDir } from './support.js';

const sources: Record<string, string> = {
  // wasi_unstable: writes "unstable\n" with the snapshot-0 import names, then exits with 2.
  unstable: `(module
    (import "wasi_unstable" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
    (import "wasi_unstable" "proc_exit" (func $proc_exit (param i32)))
    (memory (export "memory") 1)
    (data (i32.const 16) "unstable\\n")
    (func (export "_start")
      (i32.store (i32.const 0) (i32.const 16))
      (i32.store (i32.const 4) (i32.const 9))
      (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
      (call $proc_exit (i32.const 2))))`,
  // Go's GOOS=js ABI.
  gojs: `(module
    (import "gojs" "runtime.wasmExit" (func (param i32)))
    (memory (export "mem") 1)
    (func (export "run") (param i32 i32)))`,
  plain_ok: `(module (func (export "_start")))`,
  plain_trap: `(module $app
    (func $boom unreachable)
    (func $main (export "_start") call $boom))`,
  plain_import: `(module
    (import "env" "missing" (func $missing))
    (func (export "_start") call $missing))`,
  start_trap: `(module (func $init unreachable) (start $init))`,
  loop: `(module (func (export "_start") (loop $l (br $l))))`,
  // WASI through fd_write only, for host logging of a module that has a name section.
  named_hello: `(module $named
    (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
    (memory (export "memory") 1)
    (data (i32.const 16) "hi\\n")
    (func $main (export "_start")
      (i32.store (i32.const 0) (i32.const 16))
      (i32.store (i32.const 4) (i32.const 3))
      (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))`,
};

let dir: string | null = null;

/** Why the WAT modules cannot be made here, or null. */
export const modulesUnavailable = (): string | null => watUnavailable();

/** The path of module `name` as a .wasm file. */
export function moduleFile(name: keyof typeof sources | string): string {
  dir ??= tempDir('wasmbox-cli-modules-');
  const p = path.join(dir, `${name}.wasm`);
  if (!fs.existsSync(p)) fs.writeFileSync(p, wat(sources[name]!));
  return p;
}
