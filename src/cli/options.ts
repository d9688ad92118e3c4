// The flags of `wasmbox run` and `wasmbox compile`, and the checks wazero's CLI makes of their values:
// environment entries, mounts, the timeout, host-logging scopes. Kept apart from run.ts so the parsing
// can be read (and tested) without the runtime: nothing here loads it.

import fs from 'node:fs';
import path from 'node:path';
import { parseDuration } from './duration.js';
import type { Flag } from './flags.js';

/** Host logging scopes as `-hostlogging` names them (values: src/wasi/logging.ts LogScope). */
const SCOPES: Record<string, number> = {
  all: -1, clock: 1 << 0, proc: 1 << 1, filesystem: 1 << 2, memory: 1 << 3, poll: 1 << 4, random: 1 << 5, sock: 1 << 6,
};

/** Everything `run` takes from its flags. */
export interface RunOptions {
  help: boolean;
  interpreter: boolean;
  env: string[];
  envInherit: boolean;
  mounts: string[];
  listens: string[];
  /** Nanoseconds; 0 disables, negative is rejected after parsing (as wazero does). */
  timeoutNs: number;
  /** LogScope bits. */
  hostlogging: number;
  cachedir: string;
  overlay: boolean;
  /** Units; 0 disables. */
  fuel: number;
  logFormat: 'text' | 'json';
}

export interface CompileOptions {
  help: boolean;
  cachedir: string;
  interpreter: boolean;
}

const bool = (v: string): boolean => v === 'true' || v === '1' || v === 't' || v === 'T' || v === 'TRUE' || v === 'True';

function cachedirFlag(set: (v: string) => void): Flag {
  return {
    name: 'cachedir',
    valueName: 'string',
    usage: 'Directory where compiled modules are kept and reused by later runs of the same wasmbox version\n(created when missing).',
    set,
  };
}

function helpFlag(o: { help: boolean }): Flag {
  return { name: 'h', bool: true, usage: 'Prints usage.', set: (v) => (o.help = bool(v)) };
}

function interpreterFlag(o: { interpreter: boolean }): Flag {
  return {
    name: 'interpreter',
    bool: true,
    usage: "Runs the module on wasmbox's interpreter instead of compiling it with the host's WebAssembly engine.",
    set: (v) => (o.interpreter = bool(v)),
  };
}

/** The flags of `run`, writing into a fresh RunOptions. */
export function runFlags(): { options: RunOptions; flags: Flag[] } {
  const o: RunOptions = {
    help: false, interpreter: false, env: [], envInherit: false, mounts: [], listens: [], timeoutNs: 0,
    hostlogging: 0, cachedir: '', overlay: false, fuel: 0, logFormat: 'text',
  };
  const flags: Flag[] = [
    helpFlag(o),
    interpreterFlag(o),
    {
      name: 'env',
      usage: 'An environment variable for the guest, as key=value. Repeatable.',
      set: (v) => void o.env.push(v),
    },
    {
      name: 'env-inherit',
      bool: true,
      usage: "Passes this process's environment to the guest; -env entries are added after it and win.",
      set: (v) => (o.envInherit = bool(v)),
    },
    {
      name: 'mount',
      usage:
        'A host directory the guest sees, as <host path>[:<guest path>][:ro]. Repeatable. The guest path\n' +
        'defaults to the host path; :ro makes the mount read-only. -mount=.:/ shows the working directory\n' +
        'as the guest root.',
      set: (v) => void o.mounts.push(v),
    },
    {
      name: 'listen',
      usage: 'A TCP listener to pre-open for the guest, as [host]:port. Repeatable. (Not supported yet.)',
      set: (v) => void o.listens.push(v),
    },
    {
      name: 'timeout',
      valueName: 'duration',
      usage:
        'Stops the guest when it runs longer than this, in Go duration syntax: decimal numbers with\n' +
        'optional fractions and units ns, us (or µs), ms, s, m, h, e.g. "300ms", "1.5h", "2h45m".\n' +
        '0 (the default) means no limit.',
      set: (v) => {
        try {
          o.timeoutNs = parseDuration(v);
        } catch {
          throw new Error('parse error'); // Go's flag package says only this
        }
      },
    },
    {
      name: 'hostlogging',
      usage:
        'Logs calls to host functions in these scopes to stderr: a comma-separated list of\n' +
        'all,clock,filesystem,memory,proc,poll,random,sock. Repeatable.',
      set: (v) => {
        for (const s of v.split(',')) {
          if (s === '') continue;
          const bits = SCOPES[s];
          if (bits === undefined) throw new Error('not a log scope');
          o.hostlogging |= bits;
        }
      },
    },
    cachedirFlag((v) => (o.cachedir = v)),
    {
      name: 'overlay',
      bool: true,
      usage: 'Gives every mount a writable in-memory layer: the guest may change what it sees, the host\ndirectories stay as they are.',
      set: (v) => (o.overlay = bool(v)),
    },
    {
      name: 'fuel',
      valueName: 'int',
      usage: 'Stops the guest (a trap) after this many units of work: one per function call and loop\niteration. 0 (the default) means no limit.',
      set: (v) => {
        if (!/^[+-]?\d+$/.test(v)) throw new Error('parse error');
        const n = Number(v);
        if (!Number.isSafeInteger(n)) throw new Error('value out of range');
        o.fuel = n;
      },
    },
    {
      name: 'log-format',
      valueName: 'string',
      usage: 'How -hostlogging prints calls: text (as wazero) or json (one object per call and line).',
      defaultText: '"text"',
      set: (v) => {
        if (v !== 'text' && v !== 'json') throw new Error('must be text or json');
        o.logFormat = v;
      },
    },
  ];
  return { options: o, flags };
}

/** The flags of `compile`. */
export function compileFlags(): { options: CompileOptions; flags: Flag[] } {
  const o: CompileOptions = { help: false, cachedir: '', interpreter: false };
  return { options: o, flags: [helpFlag(o), cachedirFlag((v) => (o.cachedir = v)), interpreterFlag(o)] };
}

/**
 * The guest's environment: the host's first with -env-inherit, then each -env entry. A key set twice
 * keeps its first place and takes the later value (wazero's WithEnv replaces). Returns an error
 * message for an entry without `=`.
 */
export function buildEnv(entries: readonly string[], inherit: boolean, hostEnv: Record<string, string | undefined>): [string, string][] | string {
  const all: string[] = [];
  if (inherit) for (const [k, v] of Object.entries(hostEnv)) if (v !== undefined) all.push(`${k}=${v}`);
  all.push(...entries);
  const out = new Map<string, string>();
  for (const e of all) {
    const eq = e.indexOf('=');
    if (eq < 0) return `invalid environment variable: ${e}`;
    out.set(e.slice(0, eq), e.slice(eq + 1));
  }
  return [...out];
}

export interface MountSpec {
  /** Absolute host directory. */
  host: string;
  guest: string;
  readOnly: boolean;
}

/** Go's wording for the usual errno codes ("no such file or directory"), from Node's error. */
export function goErrText(e: unknown): string {
  const m = /^[A-Z0-9_]+: ([^,]+)/.exec((e as Error)?.message ?? '');
  return m ? m[1]! : String((e as Error)?.message ?? e);
}

/**
 * Parses `HOST[:GUEST][:ro]` as wazero does (the guest path is after the last colon; it defaults to
 * HOST as written) and checks the host directory now, so a typo fails before anything runs.
 */
export function parseMount(spec: string, cwd: string): MountSpec | string {
  if (spec === '') return 'invalid mount: empty string';
  let s = spec;
  let readOnly = false;
  if (s.endsWith(':ro')) {
    s = s.slice(0, -3);
    readOnly = true;
  }
  const colon = s.lastIndexOf(':');
  const dir = colon >= 0 ? s.slice(0, colon) : s;
  const guest = colon >= 0 ? s.slice(colon + 1) : s;
  const host = path.resolve(cwd, dir);
  let st: fs.Stats;
  try {
    st = fs.statSync(host);
  } catch (e) {
    return `invalid mount: path ${JSON.stringify(host)} error: stat ${host}: ${goErrText(e)}`;
  }
  if (!st.isDirectory()) return `invalid mount: path ${JSON.stringify(host)} is not a directory`;
  return { host, guest, readOnly };
}

/** The import mode wazero's CLI detects from a module's function imports. */
export type ImportMode = 'wasi' | 'wasi_unstable' | 'gojs' | 'plain';

/** The first WASI (or Go js) module a function is imported from decides, as in wazero. */
export function detectImports(moduleNames: readonly string[]): ImportMode {
  for (const m of moduleNames) {
    if (m === 'wasi_snapshot_preview1') return 'wasi';
    if (m === 'wasi_unstable') return 'wasi_unstable';
    if (m === 'go' || m === 'gojs') return 'gojs';
  }
  return 'plain';
}
