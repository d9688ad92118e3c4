// The smallest WASI host the benchmark programs need (bench/programs/README.md lists their imports:
// fd_write, fd_seek, fd_close, fd_fdstat_get, proc_exit), in two forms with the same behaviour:
// plain JS functions for a raw `WebAssembly.Instance`, and a wasmbox host module. stdout and stderr are
// collected as text; nothing else is supported. Benchmark support only, not a WASI implementation.

import type { Runtime } from '../src/api/types.js';

const ERRNO_SUCCESS = 0;
const ERRNO_BADF = 8;
const ERRNO_SPIPE = 70;
const FILETYPE_CHARACTER_DEVICE = 2;

/** Thrown by proc_exit (raw form); wasmbox's host module throws wasmbox's ExitError instead. */
export class ProcExit extends Error {
  constructor(readonly code: number) {
    super(`proc_exit(${code})`);
  }
}

/** What a run printed. */
export interface Output {
  stdout: string;
  stderr: string;
}

/** The five functions, over a memory obtained lazily (the instance's, once it exists). */
function functions(memory: () => ArrayBuffer, out: Output, exit: (code: number) => never) {
  const decoder = new TextDecoder();
  return {
    fd_write(fd: number, iovs: number, iovsLen: number, nwritten: number): number {
      if (fd !== 1 && fd !== 2) return ERRNO_BADF;
      const buf = memory();
      const dv = new DataView(buf);
      let total = 0;
      let text = '';
      for (let i = 0; i < iovsLen; i++) {
        const ptr = dv.getUint32(iovs + i * 8, true);
        const len = dv.getUint32(iovs + i * 8 + 4, true);
        text += decoder.decode(new Uint8Array(buf, ptr, len));
        total += len;
      }
      if (fd === 1) out.stdout += text;
      else out.stderr += text;
      dv.setUint32(nwritten, total, true);
      return ERRNO_SUCCESS;
    },
    fd_seek(fd: number, _offset: bigint, _whence: number, _newOffset: number): number {
      return fd <= 2 ? ERRNO_SPIPE : ERRNO_BADF;
    },
    fd_close(fd: number): number {
      return fd <= 2 ? ERRNO_SUCCESS : ERRNO_BADF;
    },
    fd_fdstat_get(fd: number, stat: number): number {
      if (fd > 2) return ERRNO_BADF;
      const dv = new DataView(memory());
      dv.setUint8(stat, FILETYPE_CHARACTER_DEVICE);
      dv.setUint16(stat + 2, 0, true);
      dv.setBigUint64(stat + 8, 0n, true);
      dv.setBigUint64(stat + 16, 0n, true);
      return ERRNO_SUCCESS;
    },
    proc_exit(code: number): never {
      return exit(code);
    },
  };
}

/** Imports for a raw instance; call `bind(instance)` before running it. */
export function rawWasi(): { imports: WebAssembly.Imports; out: Output; bind(i: WebAssembly.Instance): void } {
  const out: Output = { stdout: '', stderr: '' };
  let mem: WebAssembly.Memory | null = null;
  const fns = functions(() => mem!.buffer as ArrayBuffer, out, (code) => {
    throw new ProcExit(code);
  });
  return {
    imports: { wasi_snapshot_preview1: fns as unknown as Record<string, Function> },
    out,
    bind(i) {
      mem = i.exports.memory as WebAssembly.Memory;
    },
  };
}

/** Registers `wasi_snapshot_preview1` in a wasmbox runtime; returns where output goes. */
export function wasmboxWasi(rt: Runtime, exitError: (code: number) => Error): Output {
  const out: Output = { stdout: '', stderr: '' };
  let current: (() => ArrayBuffer) | null = null;
  const fns = functions(() => current!(), out, (code) => {
    throw exitError(code);
  });
  const b = rt.newHostModuleBuilder('wasi_snapshot_preview1');
  const sig = {
    fd_write: [['i32', 'i32', 'i32', 'i32'], ['i32']],
    fd_seek: [['i32', 'i64', 'i32', 'i32'], ['i32']],
    fd_close: [['i32'], ['i32']],
    fd_fdstat_get: [['i32', 'i32'], ['i32']],
    proc_exit: [['i32'], []],
  } as const;
  for (const [name, [params, results]] of Object.entries(sig)) {
    const fn = (fns as unknown as Record<string, (...a: unknown[]) => unknown>)[name]!;
    b.exportFunction(name, { params, results }, (caller, ...args: unknown[]) => {
      const mem = caller.memory()!;
      current = () => mem.buffer();
      return fn(...args);
    });
  }
  b.instantiate();
  return out;
}
