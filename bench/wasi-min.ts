// A minimal `wasi_snapshot_preview1` for the benchmark programs, until wasmbox has WASI: stdout/stderr
// through fd_write into a buffer (so the checksum line can be checked), proc_exit as ExitError, and
// the three calls wasi-libc makes at startup/shutdown answered trivially. The same functions serve the
// wasmbox host module and the raw `WebAssembly.instantiate` baseline, so both do identical work.

import { ExitError } from '../src/api/errors.js';

export interface WasiMin {
  /** Everything written to fd 1 and 2. */
  readonly out: string[];
  /** The functions by import name; each takes its wasm arguments as numbers. */
  readonly fns: Record<string, (...args: number[]) => number | void>;
  readonly sigs: Record<string, { params: ('i32' | 'i64')[]; results: 'i32'[] }>;
}

const ESUCCESS = 0;
const EBADF = 8;
const ESPIPE = 70;

/** `memory` returns the guest's current memory buffer (it changes after growth). */
export function wasiMin(memory: () => ArrayBuffer): WasiMin {
  const out: string[] = [];
  const decoder = new TextDecoder();
  const fns: WasiMin['fns'] = {
    fd_write(fd: number, iovs: number, iovsLen: number, nwritten: number): number {
      const buf = memory();
      const dv = new DataView(buf);
      let n = 0;
      let text = '';
      for (let i = 0; i < iovsLen; i++) {
        const p = dv.getUint32(iovs + 8 * i, true);
        const len = dv.getUint32(iovs + 8 * i + 4, true);
        text += decoder.decode(new Uint8Array(buf, p, len));
        n += len;
      }
      if (fd !== 1 && fd !== 2) return EBADF;
      out.push(text);
      dv.setUint32(nwritten, n, true);
      return ESUCCESS;
    },
    proc_exit(code: number): void {
      throw new ExitError(code);
    },
    fd_close(): number {
      return ESUCCESS;
    },
    fd_seek(): number {
      return ESPIPE;
    },
    fd_fdstat_get(fd: number, stat: number): number {
      if (fd > 2) return EBADF;
      const dv = new DataView(memory());
      for (let i = 0; i < 24; i++) dv.setUint8(stat + i, 0);
      dv.setUint8(stat, 2); // character device
      return ESUCCESS;
    },
  };
  const sigs: WasiMin['sigs'] = {
    fd_write: { params: ['i32', 'i32', 'i32', 'i32'], results: ['i32'] },
    proc_exit: { params: ['i32'], results: [] },
    fd_close: { params: ['i32'], results: ['i32'] },
    fd_seek: { params: ['i32', 'i64', 'i32', 'i32'], results: ['i32'] },
    fd_fdstat_get: { params: ['i32', 'i32'], results: ['i32'] },
  };
  return { out, fns, sigs };
}
