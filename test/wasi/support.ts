// A guest for testing WASI function by function on a real engine: a WAT module that imports every
// WASI function and re-exports it as `w_<name>`, with a memory the test writes arguments into. Tests
// call `g.call('path_open', …)` and read results back from memory.

import { newModuleConfig, instantiateWasi, type WasiOptions } from '../../src/index.js';
import type { ModuleConfig } from '../../src/api/config.js';
import type { Memory, ModuleInstance, Runtime } from '../../src/api/types.js';
import { Errno, Rights, WASI_FUNCTIONS, WASI_P1, WASI_UNSTABLE, paramWasmType } from '../../src/wasi/constants.js';
import type { TestEngine } from '../support/engines.js';
import { wat } from '../support/wat.js';

function guestWat(module: string): string {
  const lines: string[] = [];
  for (const f of WASI_FUNCTIONS) {
    if (module === WASI_UNSTABLE && f.name === 'sock_accept') continue;
    const ps = f.params.map(([, k]) => paramWasmType(k));
    const params = ps.length ? `(param ${ps.join(' ')})` : '';
    const result = f.returnsErrno ? '(result i32)' : '';
    lines.push(`(import "${module}" "${f.name}" (func $${f.name} ${params} ${result}))`);
  }
  for (const f of WASI_FUNCTIONS) {
    if (module === WASI_UNSTABLE && f.name === 'sock_accept') continue;
    const ps = f.params.map(([, k]) => paramWasmType(k));
    const params = ps.length ? `(param ${ps.join(' ')})` : '';
    const result = f.returnsErrno ? '(result i32)' : '';
    const gets = ps.map((_, i) => `local.get ${i}`).join(' ');
    lines.push(`(func (export "w_${f.name}") ${params} ${result} ${gets} call $${f.name})`);
  }
  lines.push(batchWat(module));
  return `(module\n${lines.join('\n')}\n(memory (export "memory") 2)\n)`;
}

/** The WASI functions of a snapshot, in the order `batch` numbers them. */
function functionsOf(module: string) {
  return WASI_FUNCTIONS.filter((f) => !(module === WASI_UNSTABLE && f.name === 'sock_accept'));
}

/** Bytes per `batch` entry: u32 function number, u32 errno (out), then one 8-byte slot per argument. */
const ENTRY = 8 + 9 * 8;

/**
 * `batch(ptr, n)`: runs n WASI calls described in memory, one after the other, inside one call into
 * the guest — so nothing returns to the host between them (a write-behind buffer stays pending from
 * one to the next). Each entry: function number (functionsOf order), errno written back at +4, and
 * the arguments in 8-byte slots from +8 (i32 in the low half). A call that traps ends the batch.
 */
function batchWat(module: string): string {
  const fns = functionsOf(module);
  const cases = fns.map((f) => {
    const loads = f.params.map(([, k], i) => (paramWasmType(k) === 'i64' ? `(i64.load offset=${8 + 8 * i} (local.get $p))` : `(i32.load offset=${8 + 8 * i} (local.get $p))`)).join(' ');
    const call = `(call $${f.name} ${loads})`;
    return f.returnsErrno ? `(i32.store offset=4 (local.get $p) ${call}) (br $end)` : `${call} (br $end)`;
  });
  // A switch: block $b0 is innermost; after its end comes case 0, and so on.
  let body = `(br_table ${fns.map((_, i) => `$b${i}`).join(' ')} $end (i32.load (local.get $p)))`;
  fns.forEach((_, i) => {
    body = `(block $b${i} ${body}) ${cases[i]}`;
  });
  return `(func (export "batch") (param $p i32) (param $n i32)
  (block $done (loop $next
    (br_if $done (i32.eqz (local.get $n)))
    (block $end ${body})
    (local.set $p (i32.add (local.get $p) (i32.const ${ENTRY})))
    (local.set $n (i32.sub (local.get $n) (i32.const 1)))
    (br $next))))`;
}

/** Scratch memory starts here; [0, 1024) is left for results. */
const HEAP = 1024;

export class Guest {
  readonly inst: ModuleInstance;
  readonly mem: Memory;
  private top = HEAP;

  readonly module: string;

  constructor(inst: ModuleInstance, module = WASI_P1) {
    this.inst = inst;
    this.module = module;
    this.mem = inst.memory()!;
  }

  /** Calls WASI function `name` with raw arguments; returns the errno. */
  call(name: string, ...args: (number | bigint)[]): number {
    const r = this.inst.exportedFunction(`w_${name}`)!.call(...args);
    return r[0] as number;
  }

  /**
   * Runs the calls one after the other inside one guest call (see batchWat), returning their errnos.
   * Pointers the calls need must be allocated beforehand (e.g. with `iov`).
   */
  batch(...calls: [name: string, ...args: (number | bigint)[]][]): number[] {
    const fns = functionsOf(this.module);
    const base = this.alloc(calls.length * ENTRY);
    calls.forEach(([name, ...args], i) => {
      const k = fns.findIndex((f) => f.name === name);
      if (k < 0) throw new Error(`batch: no WASI function ${name}`);
      const e = base + i * ENTRY;
      this.mem.writeUint32Le(e, k);
      this.mem.writeUint32Le(e + 4, 0xffffffff);
      args.forEach((a, j) => this.mem.writeUint64Le(e + 8 + 8 * j, BigInt.asUintN(64, BigInt(a))));
    });
    this.inst.exportedFunction('batch')!.call(base, calls.length);
    return calls.map((_, i) => this.u32(base + i * ENTRY + 4));
  }

  /** One iovec over new scratch bytes: [iovecPtr, bufPtr]; with a string, the buffer holds it. */
  iov(data: string | number): [number, number] {
    const [p, l] = typeof data === 'string' ? this.bytes(data) : [this.alloc(data), data];
    const iov = this.alloc(8);
    this.mem.writeUint32Le(iov, p);
    this.mem.writeUint32Le(iov + 4, l);
    return [iov, p];
  }

  reset(): void {
    this.top = HEAP;
  }

  alloc(n: number): number {
    const p = this.top;
    this.top = (this.top + n + 7) & ~7;
    if (this.top > 2 * 65536) throw new Error('guest scratch memory exhausted');
    return p;
  }

  /** Writes bytes (a string as UTF-8) to scratch memory: [ptr, len]. */
  bytes(s: string | Uint8Array): [number, number] {
    const b = typeof s === 'string' ? new TextEncoder().encode(s) : s;
    const p = this.alloc(b.length);
    this.mem.write(p, b);
    return [p, b.length];
  }

  u32(p: number): number {
    return this.mem.readUint32Le(p);
  }
  u64(p: number): bigint {
    return this.mem.readUint64Le(p);
  }
  text(p: number, n: number): string {
    return new TextDecoder().decode(this.mem.read(p, n));
  }

  // ---- convenience wrappers: [errno, result] ----

  open(dirfd: number, path: string, opts: { oflags?: number; rights?: bigint; inheriting?: bigint; fdflags?: number; follow?: boolean } = {}): [number, number] {
    const [p, l] = this.bytes(path);
    const out = this.alloc(4);
    const e = this.call('path_open', dirfd, opts.follow === false ? 0 : 1, p, l, opts.oflags ?? 0,
      opts.rights ?? (Rights.FD_READ | Rights.FD_WRITE | Rights.FD_SEEK | Rights.FD_TELL | Rights.FD_FILESTAT_GET | Rights.FD_READDIR),
      opts.inheriting ?? 0n, opts.fdflags ?? 0, out);
    return [e, e === 0 ? this.u32(out) : -1];
  }

  /** fd_write of one buffer: [errno, nwritten]. */
  write(fd: number, data: string | Uint8Array): [number, number] {
    const [p, l] = this.bytes(data);
    const iov = this.alloc(8);
    this.mem.writeUint32Le(iov, p);
    this.mem.writeUint32Le(iov + 4, l);
    const nw = this.alloc(4);
    const e = this.call('fd_write', fd, iov, 1, nw);
    return [e, e === 0 ? this.u32(nw) : -1];
  }

  /** fd_read into one buffer: [errno, text]. */
  read(fd: number, n = 256): [number, string] {
    const buf = this.alloc(n);
    const iov = this.alloc(8);
    this.mem.writeUint32Le(iov, buf);
    this.mem.writeUint32Le(iov + 4, n);
    const nr = this.alloc(4);
    const e = this.call('fd_read', fd, iov, 1, nr);
    return [e, e === 0 ? this.text(buf, this.u32(nr)) : ''];
  }

  /** A one-path call (path_create_directory, path_unlink_file, path_remove_directory). */
  pathOp(name: string, dirfd: number, path: string): number {
    const [p, l] = this.bytes(path);
    return this.call(name, dirfd, p, l);
  }

  /** path_filestat_get: [errno, {filetype, size, ino, mtim, nlink}] in preview 1's layout. */
  stat(dirfd: number, path: string, follow = true): [number, { filetype: number; size: bigint; ino: bigint; nlink: bigint; mtim: bigint; atim: bigint }] {
    const [p, l] = this.bytes(path);
    const buf = this.alloc(64);
    const e = this.call('path_filestat_get', dirfd, follow ? 1 : 0, p, l, buf);
    return [e, { filetype: this.mem.readByte(buf + 16), nlink: this.u64(buf + 24), size: this.u64(buf + 32), ino: this.u64(buf + 8), atim: this.u64(buf + 40), mtim: this.u64(buf + 48) }];
  }

  readlink(dirfd: number, path: string, n = 64): [number, string] {
    const [p, l] = this.bytes(path);
    const buf = this.alloc(n);
    const used = this.alloc(4);
    const e = this.call('path_readlink', dirfd, p, l, buf, n, used);
    return [e, e === 0 ? this.text(buf, this.u32(used)) : ''];
  }

  rename(dirfd: number, from: string, to: string, todir = dirfd): number {
    const [a, al] = this.bytes(from);
    const [b, bl] = this.bytes(to);
    return this.call('path_rename', dirfd, a, al, todir, b, bl);
  }

  link(dirfd: number, from: string, to: string, follow = false): number {
    const [a, al] = this.bytes(from);
    const [b, bl] = this.bytes(to);
    return this.call('path_link', dirfd, follow ? 1 : 0, a, al, dirfd, b, bl);
  }

  symlink(target: string, dirfd: number, path: string): number {
    const [a, al] = this.bytes(target);
    const [b, bl] = this.bytes(path);
    return this.call('path_symlink', a, al, dirfd, b, bl);
  }

  setTimes(dirfd: number, path: string, atim: bigint, mtim: bigint, fst: number, follow = true): number {
    const [p, l] = this.bytes(path);
    return this.call('path_filestat_set_times', dirfd, follow ? 1 : 0, p, l, atim, mtim, fst);
  }

  /** fd_readdir from cookie 0 with a large buffer: the names in order. */
  readdir(fd: number, size = 4096, cookie = 0n): [number, { name: string; next: bigint; ino: bigint; type: number }[], number] {
    const buf = this.alloc(size);
    const used = this.alloc(4);
    const e = this.call('fd_readdir', fd, buf, size, cookie, used);
    const out: { name: string; next: bigint; ino: bigint; type: number }[] = [];
    if (e !== 0) return [e, out, 0];
    const n = this.u32(used);
    let o = 0;
    while (o + 24 <= n) {
      const namlen = this.u32(buf + o + 16);
      if (o + 24 + namlen > n) break;
      out.push({ next: this.u64(buf + o), ino: this.u64(buf + o + 8), type: this.mem.readByte(buf + o + 20), name: this.text(buf + o + 24, namlen) });
      o += 24 + namlen;
    }
    return [e, out, n];
  }
}

/** A runtime with WASI (and these WASI options) and a guest instantiated with `config` (start functions off). */
export function makeGuest(eng: TestEngine, config: ModuleConfig = newModuleConfig(), module = WASI_P1, wasi: WasiOptions = {}): { rt: Runtime; g: Guest } {
  const rt = eng.runtime();
  instantiateWasi(rt, wasi);
  const inst = rt.instantiate(rt.compile(wat(guestWat(module))), config.withStartFunctions());
  return { rt, g: new Guest(inst, module) };
}

export { Errno };
