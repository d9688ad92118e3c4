// Host-call cost of WASI functions: wasmbox against node:wasi, on the same guest module. The guest
// loops N times over one call — clock_time_get, random_get of 16 bytes, fd_write of 16 bytes to a
// file, path_open + fd_close — so each figure is nanoseconds per call, guest loop included: CPU time
// of the whole process, best of 7 runs, node:wasi's and wasmbox's runs interleaved.
//
// Usage: node dist/bench/wasi.js [N]     (or import { runWasiBench } from bench/wasi.js)
// Note: wasmbox's defaults (fake clock, seeded PRNG) are what it is compared with; node:wasi reads the
// host clock and the system's random source. Rows for wasmbox's host clock and crypto random show the
// difference.

import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { WASI } from 'node:wasi';
import { cryptoRandSource, instantiateWasi, memoryFS, newFSConfig, newModuleConfig, newRuntime, newRuntimeConfig } from '../src/index.js';
import type { ModuleConfig } from '../src/api/config.js';
import type { FSConfig } from '../src/sys/fsconfig.js';

/**
 * The guest, as binary (no text parser at run time): a module importing clock_time_get, random_get,
 * fd_write, path_open, fd_close from wasi_snapshot_preview1, exporting memory and five functions:
 *   clock(n), random(n), open_file() -> fd, write(n, fd), open_close(n), clock_realtime(n)
 * Written in WAT below and assembled once by hand-written encoding, so the bench needs no tools.
 */
export function guestBytes(): Uint8Array {
  const b: number[] = [];
  const u = (n: number) => {
    do {
      let byte = n & 0x7f;
      n >>>= 7;
      if (n) byte |= 0x80;
      b.push(byte);
    } while (n);
  };
  const s = (n: number) => {
    for (;;) {
      const byte = n & 0x7f;
      n >>= 7;
      if ((n === 0 && !(byte & 0x40)) || (n === -1 && byte & 0x40)) {
        b.push(byte);
        return;
      }
      b.push(byte | 0x80);
    }
  };
  const str = (t: string) => {
    u(t.length);
    for (const ch of t) b.push(ch.charCodeAt(0));
  };
  const section = (id: number, body: () => void) => {
    const save = b.splice(0);
    body();
    const content = b.splice(0);
    b.push(...save, id);
    u(content.length);
    b.push(...content);
  };
  const I32 = 0x7f, I64 = 0x7e;
  b.push(0, 0x61, 0x73, 0x6d, 1, 0, 0, 0);
  // types: 0 clock (i32 i64 i32)->i32, 1 (i32 i32)->i32, 2 (i32 i32 i32 i32)->i32,
  // 3 path_open (i32 i32 i32 i32 i32 i64 i64 i32 i32)->i32, 4 (i32)->i32, 5 (i32)->(), 6 ()->i32, 7 (i32 i32)->()
  const types: [number[], number[]][] = [
    [[I32, I64, I32], [I32]], [[I32, I32], [I32]], [[I32, I32, I32, I32], [I32]],
    [[I32, I32, I32, I32, I32, I64, I64, I32, I32], [I32]], [[I32], [I32]], [[I32], []], [[], [I32]], [[I32, I32], []],
  ];
  section(1, () => {
    u(types.length);
    for (const [p, r] of types) {
      b.push(0x60);
      u(p.length);
      b.push(...p);
      u(r.length);
      b.push(...r);
    }
  });
  const imports: [string, number][] = [['clock_time_get', 0], ['random_get', 1], ['fd_write', 2], ['path_open', 3], ['fd_close', 4]];
  section(2, () => {
    u(imports.length);
    for (const [name, t] of imports) {
      str('wasi_snapshot_preview1');
      str(name);
      b.push(0);
      u(t);
    }
  });
  // functions 5..10: clock(n) random(n) open_file() write(n fd) open_close(n) clock_realtime(n)
  const funcTypes = [5, 5, 6, 7, 5, 5];
  section(3, () => {
    u(funcTypes.length);
    for (const t of funcTypes) u(t);
  });
  section(5, () => {
    u(1);
    b.push(0);
    u(1);
  });
  const exports: [string, number, number][] = [['memory', 2, 0], ['clock', 0, 5], ['random', 0, 6], ['open_file', 0, 7], ['write', 0, 8], ['open_close', 0, 9], ['clock_realtime', 0, 10]];
  section(7, () => {
    u(exports.length);
    for (const [name, kind, idx] of exports) {
      str(name);
      b.push(kind);
      u(idx);
    }
  });
  // Code. Memory: 0..8 results, 16 iovec {buf=64,len=16}, 64 data, 128 "f.txt".
  const LOOP_START = [0x02, 0x40, 0x03, 0x40]; // block loop
  const loopEnd = (counter: number) => [
    0x20, counter, 0x41, 1, 0x6b, 0x22, counter, // local.get n; i32.const 1; i32.sub; local.tee n
    0x0d, 0, 0x0b, 0x0b, // br_if 0 (loop); end loop; end block
  ];
  const body = (locals: number[], code: number[]) => {
    const save = b.splice(0);
    u(locals.length);
    for (const l of locals) {
      u(1);
      b.push(l);
    }
    b.push(...code, 0x0b);
    const content = b.splice(0);
    b.push(...save);
    u(content.length);
    b.push(...content);
  };
  const i32 = (v: number) => {
    const save = b.splice(0);
    s(v);
    const out = b.splice(0);
    b.push(...save);
    return [0x41, ...out];
  };
  const call = (f: number) => [0x10, f];
  const drop = [0x1a];
  section(10, () => {
    u(6);
    // clock(n): clock_time_get(1, 0, 0)
    body([], [...LOOP_START, ...i32(1), 0x42, 0, ...i32(0), ...call(0), ...drop, ...loopEnd(0)]);
    // random(n): random_get(64, 16)
    body([], [...LOOP_START, ...i32(64), ...i32(16), ...call(1), ...drop, ...loopEnd(0)]);
    // open_file(): path_open(3, 0, 128, 5, CREAT|TRUNC, FD_WRITE, 0, 0, 0) then i32.load 0
    body([], [...i32(3), ...i32(0), ...i32(128), ...i32(5), ...i32(9), 0x42, 0xc0, 0x00, 0x42, 0, ...i32(0), ...i32(0), ...call(3), ...drop, ...i32(0), 0x28, 2, 0]);
    // write(n, fd): fd_write(fd, 16, 1, 8)
    body([], [...i32(16), ...i32(64), 0x36, 2, 0, ...i32(20), ...i32(16), 0x36, 2, 0,
      ...LOOP_START, 0x20, 1, ...i32(16), ...i32(1), ...i32(8), ...call(2), ...drop, ...loopEnd(0)]);
    // open_close(n): path_open(3, 0, 128, 5, 0, FD_READ, 0, 0, 0); fd_close(load 0)
    body([], [...LOOP_START, ...i32(3), ...i32(0), ...i32(128), ...i32(5), ...i32(0), 0x42, 2, 0x42, 0, ...i32(0), ...i32(0), ...call(3), ...drop,
      ...i32(0), 0x28, 2, 0, ...call(4), ...drop, ...loopEnd(0)]);
    // clock_realtime(n): clock_time_get(0, 0, 0)
    body([], [...LOOP_START, ...i32(0), 0x42, 0, ...i32(0), ...call(0), ...drop, ...loopEnd(0)]);
  });
  section(11, () => {
    u(1);
    b.push(0, 0x41, 128, 1, 0x0b);
    str('f.txt');
  });
  return new Uint8Array(b);
}

interface Guest {
  clock(n: number): void;
  clockRealtime(n: number): void;
  random(n: number): void;
  write(n: number): void;
  openClose(n: number): void;
}

function nodeGuest(bytes: Uint8Array, dir: string): Guest {
  const wasi = new WASI({ version: 'preview1', preopens: { '/': dir }, returnOnExit: true });
  const inst = new WebAssembly.Instance(new WebAssembly.Module(bytes), wasi.getImportObject() as WebAssembly.Imports);
  wasi.initialize(inst);
  const x = inst.exports as Record<string, (...a: number[]) => number>;
  const fd = x.open_file!();
  return { clock: (n) => x.clock!(n), clockRealtime: (n) => x.clock_realtime!(n), random: (n) => x.random!(n), write: (n) => x.write!(n, fd), openClose: (n) => x.open_close!(n) };
}

function wasmboxGuest(bytes: Uint8Array, engine: 'compiler' | 'interpreter', config: ModuleConfig): Guest {
  const rt = newRuntime(newRuntimeConfig().withEngine(engine));
  instantiateWasi(rt);
  const inst = rt.instantiate(rt.compile(bytes), config.withStartFunctions());
  const f = (n: string) => inst.exportedFunction(n)!;
  const fd = f('open_file').call()[0] as number;
  const [clock, clockRt, random, write, oc] = [f('clock'), f('clock_realtime'), f('random'), f('write'), f('open_close')];
  return { clock: (n) => clock.call(n), clockRealtime: (n) => clockRt.call(n), random: (n) => random.call(n), write: (n) => write.call(n, fd), openClose: (n) => oc.call(n) };
}

/** CPU nanoseconds (user + system, whole process) per iteration of one run of fn(n). */
function cpuPerCall(fn: (n: number) => void, n: number): number {
  const c0 = process.cpuUsage();
  fn(n);
  const c = process.cpuUsage(c0);
  return ((c.user + c.system) * 1000) / n;
}

/**
 * Best-of-`runs` CPU nanoseconds per iteration of `a` and of `b`, their runs interleaved (a, b, a, b,
 * ...): on a shared machine, load that comes and goes then weighs on both sides alike, and CPU time
 * leaves out the time the process waits for a core.
 */
function timePair(a: (n: number) => void, b: (n: number) => void, n: number, runs = 7): [number, number] {
  a(Math.max(1, n >> 4));
  b(Math.max(1, n >> 4));
  let ba = Infinity, bb = Infinity;
  for (let i = 0; i < runs; i++) {
    ba = Math.min(ba, cpuPerCall(a, n));
    bb = Math.min(bb, cpuPerCall(b, n));
  }
  return [ba, bb];
}

export interface WasiBenchRow {
  op: string;
  nodeWasiNs: number;
  wasmboxNs: number;
  variant: string;
}

export function runWasiBench(n = 200_000): WasiBenchRow[] {
  const bytes = guestBytes();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wasmbox-bench-'));
  try {
    fs.writeFileSync(path.join(dir, 'f.txt'), '');
    const node = nodeGuest(bytes, dir);
    const hostFS: FSConfig = newFSConfig().withDirMount(dir, '/');
    const base = newModuleConfig().withFSConfig(hostFS);
    const wb = wasmboxGuest(bytes, 'compiler', base);
    const sys = wasmboxGuest(bytes, 'compiler', base.withSysNanotime().withSysWalltime().withRandSource(cryptoRandSource()));
    const mem = wasmboxGuest(bytes, 'compiler', newModuleConfig().withFSConfig(newFSConfig().withFSMount(memoryFS({ 'f.txt': '' }), '/')));
    const ioN = Math.max(1000, n >> 3);
    const rows: WasiBenchRow[] = [];
    const row = (op: string, variant: string, a: (k: number) => void, b: (k: number) => void, k: number) => {
      const [nodeWasiNs, wasmboxNs] = timePair(a, b, k);
      rows.push({ op, variant, nodeWasiNs, wasmboxNs });
    };
    row('clock_time_get', 'defaults (fake clock)', node.clock, wb.clock, n);
    row('clock_time_get', 'withSysNanotime', node.clock, sys.clock, n);
    row('clock_time_get REALTIME', 'defaults (fake clock)', node.clockRealtime, wb.clockRealtime, n);
    row('clock_time_get REALTIME', 'withSysWalltime', node.clockRealtime, sys.clockRealtime, n);
    row('random_get 16 B', 'defaults (seeded PRNG)', node.random, wb.random, n);
    row('random_get 16 B', 'cryptoRandSource()', node.random, sys.random, n);
    row('fd_write 16 B (file)', 'host directory', node.write, wb.write, ioN);
    row('fd_write 16 B (file)', 'memory FS', node.write, mem.write, ioN);
    row('path_open + fd_close', 'host directory', node.openClose, wb.openClose, ioN);
    row('path_open + fd_close', 'memory FS', node.openClose, mem.openClose, ioN);
    return rows;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export function formatWasiBench(rows: WasiBenchRow[]): string {
  const lines = ['| call | wasmbox config | node:wasi CPU ns/call | wasmbox (compiler) CPU ns/call | speed-up |', '|---|---|---:|---:|---:|'];
  for (const r of rows) {
    lines.push(`| ${r.op} | ${r.variant} | ${r.nodeWasiNs.toFixed(0)} | ${r.wasmboxNs.toFixed(0)} | ${(r.nodeWasiNs / r.wasmboxNs).toFixed(1)}× |`);
  }
  return lines.join('\n');
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const n = Number(process.argv[2] ?? 200_000);
  process.stdout.write(formatWasiBench(runWasiBench(n)) + '\n');
}
