// Host logging: every WASI call a guest makes, printed as wazero's host logging prints it, e.g.
//
//   ==> wasi_snapshot_preview1.path_open(fd=3,dirflags=SYMLINK_FOLLOW,path=bear.txt,oflags=,…,fdflags=)
//   <== (opened_fd=4,errno=ESUCCESS)
//
// or as one JSON object per call. It is data-driven: WASI functions are HostFunctionDef records whose
// parameters are described in constants.ts (`WASI_FUNCTIONS`: name and kind of each), so a logger is
// a wrapper made per function from that record at instantiateWasi time — functions outside the chosen
// scopes are not wrapped at all, and a runtime without a logger runs exactly the code it runs today.
//
// What is printed follows wazero (internal/wasip1/logging): parameters by name; `result.*` pointers are
// results, printed after the call and only on success (`prestat=` on EBADF); strings (paths) are read
// from guest memory and their length parameter is not printed; flags are named and joined with `|`,
// empty when 0; clock ids print as `realtime`/`monotonic`; structs print the fields wazero prints;
// fd_read/fd_write on stdin/stdout/stderr are not logged (they would interleave with the guest's own
// output); proc_exit has no `<==` line, as it does not return. Where wazero prints a raw pointer for
// an out-parameter it does not decode (args_sizes_get, environ_sizes_get, fd_tell) wasmbox decodes it
// like every other result: one rule for all 46 functions.

import type { HostCaller, HostFunctionDef } from '../runtime/store.js';
import {
  Filetype,
  type FilestatLayout,
  FilestatP1,
  FilestatUnstable,
  Fdstat,
  type ParamKind,
  Prestat,
  WASI_UNSTABLE,
  type WasiFunctionInfo,
  errnoName,
  flagTables,
  wasiFunctionByName,
} from './constants.js';

/** Groups of host functions to log, as wazero's logging.LogScopes (bit flags; `all` is every bit). */
export const LogScope = {
  none: 0,
  clock: 1 << 0,
  proc: 1 << 1,
  filesystem: 1 << 2,
  memory: 1 << 3,
  poll: 1 << 4,
  random: 1 << 5,
  sock: 1 << 6,
  all: -1,
} as const;

/** The scope names `-hostlogging` accepts, in wazero's order. */
export const LOG_SCOPE_NAMES = ['all', 'clock', 'filesystem', 'memory', 'proc', 'poll', 'random', 'sock'] as const;

/** Parses a comma-separated scope list (`filesystem,clock`; empty items ignored) into bits. */
export function parseLogScopes(list: string): number {
  let bits = 0;
  for (const s of list.split(',')) {
    if (s === '') continue;
    const v = (LogScope as Record<string, number>)[s];
    if (v === undefined || s === 'none') throw new Error('not a log scope');
    bits |= v;
  }
  return bits;
}

export interface HostLoggerOptions {
  /** Which functions to log: LogScope bits, or a comma-separated list of scope names. */
  scopes: number | string;
  /** `text` (default): wazero's `==>`/`<==` lines. `json`: one object per call and line. */
  format?: 'text' | 'json';
  /** Receives each line, newline included. It should write synchronously (e.g. fs.writeSync(2, s)). */
  write(line: string): void;
}

/** Logs host calls; give it to `instantiateWasi(rt, { logger })`. */
export interface HostLogger {
  readonly scopes: number;
  readonly format: 'text' | 'json';
  /**
   * Runs `fn` as a call into the exported guest function `name` (`module.function`). With every scope
   * on, wazero also logs such calls (`--> name()` … `<--`) and indents the host calls made inside
   * them; so does this (text format only). Returns what `fn` returns.
   */
  guestCall<T>(name: string, fn: () => T): T;
}

/** Makes a host logger. */
export function newHostLogger(options: HostLoggerOptions): HostLogger {
  return new HostLoggerImpl(options);
}

/** Which scope a WASI function belongs to (wazero's grouping), or 0 for none but `all`. */
export function scopeOf(name: string): number {
  if (name.startsWith('clock_')) return LogScope.clock;
  if (name === 'proc_exit') return LogScope.proc;
  if (name.startsWith('path_') || name.startsWith('fd_')) return LogScope.filesystem;
  if (name === 'poll_oneoff') return LogScope.poll;
  if (name === 'random_get') return LogScope.random;
  if (name.startsWith('sock_')) return LogScope.sock;
  return 0;
}

function inScope(name: string, scopes: number): boolean {
  return scopes === LogScope.all || (scopeOf(name) & scopes) !== 0;
}

// wazero's names for rights (bit 3 differs from the witx's FD_FDSTAT_SET_FLAGS).
const RIGHT_NAMES = Object.keys(flagTables.rights!).map((k) => (k === 'FD_FDSTAT_SET_FLAGS' ? 'FDSTAT_SET_FLAGS' : k));
const FILETYPE_NAMES = Object.keys(Filetype);

/** `CREAT|TRUNC`; '' for 0; unknown bits in hex. */
export function flagsText(table: string, v: number | bigint): string {
  const big = BigInt.asUintN(64, BigInt(v));
  if (big === 0n) return '';
  const names = table === 'rights' ? RIGHT_NAMES : Object.keys(flagTables[table] ?? {});
  const bits = Object.values(flagTables[table] ?? {}).map((b) => BigInt(b));
  const out: string[] = [];
  let rest = big;
  bits.forEach((b, i) => {
    if ((big & b) !== 0n) {
      out.push(names[i]!);
      rest &= ~b;
    }
  });
  if (rest !== 0n) out.push('0x' + rest.toString(16));
  return out.join('|');
}

const filetypeName = (t: number): string => FILETYPE_NAMES[t] ?? `filetype(${t})`;

/** A decoded value: numbers stay numbers and structs objects (for JSON); text prints them as wazero. */
type Decoded = number | string | bigint | { readonly [field: string]: number | string | bigint };

function text(v: Decoded): string {
  if (typeof v !== 'object') return String(v);
  return `{${Object.entries(v).map(([k, x]) => `${k}=${x}`).join(',')}}`;
}

/** How one wasm parameter is logged. */
interface ParamPlan {
  name: string;
  index: number;
  /** Decodes the value (given all arguments and the caller). */
  decode(args: readonly unknown[], caller: HostCaller): Decoded;
}

/** One function's logging plan, built once from its constants record. */
interface Plan {
  params: ParamPlan[];
  /** Out-parameters, read after a successful call. */
  results: ParamPlan[];
  errno: boolean;
  /** fd_read/fd_write: not logged for fds 0-2. */
  skipStdio: boolean;
}

const u8Of = (caller: HostCaller): Uint8Array | null => {
  const m = caller.memory();
  return m ? new Uint8Array(m.buffer, 0, m.byteLength) : null;
};
const dvOf = (u8: Uint8Array): DataView => new DataView(u8.buffer, u8.byteOffset, u8.byteLength);
const dec = new TextDecoder();

function readString(caller: HostCaller, ptr: number, len: number): string {
  const u8 = u8Of(caller);
  ptr >>>= 0;
  len >>>= 0;
  if (!u8 || ptr + len > u8.length) return `OOM(${ptr},${len})`;
  return dec.decode(u8.subarray(ptr, ptr + len));
}

/** Reads `size` bytes at ptr and formats them, or '' when out of memory (as wazero). */
function readStruct(caller: HostCaller, ptr: number, size: number, f: (dv: DataView, at: number) => Decoded): Decoded {
  const u8 = u8Of(caller);
  ptr >>>= 0;
  if (!u8 || ptr + size > u8.length) return '';
  return f(dvOf(u8), ptr);
}

function outDecoder(type: string, filestat: FilestatLayout): [number, (dv: DataView, at: number) => Decoded] {
  switch (type) {
    case 'u16':
      return [2, (dv, at) => dv.getUint16(at, true)];
    case 'u64':
      return [8, (dv, at) => BigInt.asIntN(64, dv.getBigUint64(at, true))];
    case 'filestat': // the fields wazero prints
      return [filestat.size, (dv, at) => ({
        filetype: filetypeName(dv.getUint8(at + filestat.filetype)),
        size: BigInt.asIntN(64, dv.getBigUint64(at + filestat.fileSize, true)),
        mtim: BigInt.asIntN(64, dv.getBigUint64(at + filestat.mtim, true)),
      })];
    case 'fdstat':
      return [Fdstat.size, (dv, at) => ({
        filetype: filetypeName(dv.getUint8(at + Fdstat.filetype)),
        fdflags: flagsText('fdflags', dv.getUint16(at + Fdstat.flags, true)),
        fs_rights_base: flagsText('rights', dv.getBigUint64(at + Fdstat.rightsBase, true)),
        fs_rights_inheriting: flagsText('rights', dv.getBigUint64(at + Fdstat.rightsInheriting, true)),
      })];
    case 'prestat':
      return [Prestat.size, (dv, at) => ({ pr_name_len: dv.getUint32(at + Prestat.nameLen, true) })];
    default: // u32, fd: signed, as wazero prints i32s
      return [4, (dv, at) => dv.getInt32(at, true)];
  }
}

/** The plan for one function of one snapshot (module). */
export function planFor(info: WasiFunctionInfo, module: string): Plan {
  const filestat = module === WASI_UNSTABLE ? FilestatUnstable : FilestatP1;
  const params: ParamPlan[] = [];
  const results: ParamPlan[] = [];
  const ps = info.params;
  for (let i = 0; i < ps.length; i++) {
    const [rawName, kind] = ps[i]!;
    const index = i;
    // fd_prestat_dir_name fills its `path` buffer: a result (wazero: result.path), not an input.
    if (info.name === 'fd_prestat_dir_name' && rawName === 'path') {
      results.push({ name: 'path', index, decode: (a, c) => readString(c, a[index] as number, a[index + 1] as number) });
      i++;
      continue;
    }
    if (kind.startsWith('out:')) {
      const type = kind.slice(4);
      const name = type === 'filestat' ? 'filestat' : rawName.replace(/^result\./, '');
      const [size, f] = outDecoder(type, filestat);
      results.push({ name, index, decode: (a, c) => readStruct(c, a[index] as number, size, f) });
      continue;
    }
    if (kind === 'path' || kind === 'string') {
      params.push({ name: rawName, index, decode: (a, c) => readString(c, a[index] as number, a[index + 1] as number) });
      i++; // the length is part of the string
      continue;
    }
    params.push({ name: rawName, index, decode: valueDecoder(kind, index, info.name) });
  }
  return { params, results, errno: info.returnsErrno, skipStdio: info.name === 'fd_read' || info.name === 'fd_write' };
}

function valueDecoder(kind: ParamKind, i: number, fname: string): (a: readonly unknown[]) => Decoded {
  if (kind.startsWith('flags:')) {
    const table = kind.slice(6);
    return (a) => flagsText(table, a[i] as number | bigint);
  }
  if (kind === 'enum:clockid' && fname.startsWith('clock_')) {
    return (a) => ((a[i] as number) === 0 ? 'realtime' : (a[i] as number) === 1 ? 'monotonic' : (a[i] as number) | 0);
  }
  if (kind === 'u64' || kind === 's64') return (a) => BigInt.asIntN(64, BigInt(a[i] as bigint));
  return (a) => (a[i] as number) | 0;
}

/** JSON has no bigint: exact numbers where they fit, else decimal strings. */
function jsonValue(v: Decoded): unknown {
  if (typeof v === 'bigint') return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString();
  if (typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, jsonValue(x)]));
  return v;
}

class HostLoggerImpl implements HostLogger {
  readonly scopes: number;
  readonly format: 'text' | 'json';
  private readonly write: (line: string) => void;
  /** Guest calls in progress (their host calls are indented by this many tabs). */
  private depth = 0;

  constructor(o: HostLoggerOptions) {
    if (!o || typeof o.write !== 'function') throw new TypeError('newHostLogger: options.write must be a function');
    this.scopes = typeof o.scopes === 'string' ? parseLogScopes(o.scopes) : o.scopes | 0;
    const format = o.format ?? 'text';
    if (format !== 'text' && format !== 'json') throw new TypeError(`newHostLogger: format must be "text" or "json", not ${JSON.stringify(format)}`);
    this.format = format;
    this.write = o.write;
  }

  guestCall<T>(name: string, fn: () => T): T {
    if (this.scopes !== LogScope.all || this.format !== 'text') return fn();
    this.write(`${'\t'.repeat(this.depth)}--> ${name}()\n`);
    this.depth++;
    let ok = false;
    try {
      const r = fn();
      ok = true;
      return r;
    } finally {
      this.depth--;
      // Like wazero, a call that ends by throwing (proc_exit, a trap) gets no closing line.
      if (ok) this.write(`${'\t'.repeat(this.depth)}<--\n`);
    }
  }

  /** The definition to register: `d` itself when it is not logged, else a logging wrapper. */
  wrap(module: string, d: HostFunctionDef): HostFunctionDef {
    const info = wasiFunctionByName.get(d.name);
    if (!info || !inScope(d.name, this.scopes)) return d;
    const plan = planFor(info, module);
    const inner = d.fn;
    const label = `${module}.${d.name}`;
    const fn = this.format === 'json' ? this.jsonCall(plan, module, d.name, inner) : this.textCall(plan, label, inner);
    return { ...d, fn };
  }

  private textCall(plan: Plan, label: string, inner: HostFunctionDef['fn']): HostFunctionDef['fn'] {
    return (caller: HostCaller, ...args: unknown[]) => {
      if (plan.skipStdio && ((args[0] as number) | 0) <= 2) return inner(caller, ...args);
      const indent = '\t'.repeat(this.depth);
      let s = `${indent}==> ${label}(`;
      plan.params.forEach((p, i) => (s += `${i ? ',' : ''}${p.name}=${text(p.decode(args, caller))}`));
      this.write(s + ')\n');
      const r = inner(caller, ...args); // a throw (proc_exit, a host failure) ends the call unlogged
      const errno = plan.errno ? (r as number) : -1;
      const parts: string[] = plan.results.map((p) => `${p.name}=${errno === 0 ? text(p.decode(args, caller)) : ''}`);
      if (plan.errno) parts.push(`errno=${errnoName(errno)}`);
      if (parts.length) this.write(`${indent}<== ${parts.length === 1 ? parts[0] : `(${parts.join(',')})`}\n`);
      return r;
    };
  }

  private jsonCall(plan: Plan, module: string, name: string, inner: HostFunctionDef['fn']): HostFunctionDef['fn'] {
    return (caller: HostCaller, ...args: unknown[]) => {
      if (plan.skipStdio && ((args[0] as number) | 0) <= 2) return inner(caller, ...args);
      const params: Record<string, unknown> = {};
      for (const p of plan.params) params[p.name] = jsonValue(p.decode(args, caller));
      const t0 = process.hrtime.bigint();
      const rec: Record<string, unknown> = { module, function: name, params };
      let r: unknown;
      try {
        r = inner(caller, ...args);
      } catch (e) {
        rec.results = {};
        rec.errno = null;
        rec.duration_ns = Number(process.hrtime.bigint() - t0);
        const code = (e as { exitCode?: unknown }).exitCode;
        if (typeof code === 'number') rec.exit_code = code;
        else rec.error = (e as Error)?.message ?? String(e);
        this.write(JSON.stringify(rec) + '\n');
        throw e;
      }
      const duration = Number(process.hrtime.bigint() - t0);
      const errno = plan.errno ? (r as number) : -1;
      const results: Record<string, unknown> = {};
      for (const p of plan.results) results[p.name] = errno === 0 ? jsonValue(p.decode(args, caller)) : null;
      rec.results = results;
      rec.errno = plan.errno ? errnoName(errno) : null;
      rec.duration_ns = duration;
      this.write(JSON.stringify(rec) + '\n');
      return r;
    };
  }
}

/** The wrapper instantiateWasi applies (internal: the public HostLogger type does not show it). */
export function wrapForLogging(logger: HostLogger, module: string, d: HostFunctionDef): HostFunctionDef {
  if (!(logger instanceof HostLoggerImpl)) throw new TypeError('instantiateWasi: options.logger must come from newHostLogger()');
  return logger.wrap(module, d);
}
