// Where the CLI reads and writes: the guest's streams, the CLI's own messages, the environment and the
// working directory — handed to main() so tests can run the CLI in-process on buffers.

import fs from 'node:fs';
import type { StdinSource, StdoutSink } from '../index.js';

export interface CliIO {
  /** The guest's standard input. */
  stdin: StdinSource;
  /** The guest's standard output; also where `version` prints. */
  stdout: StdoutSink;
  /** The guest's standard error; also the CLI's messages and host logging (as wazero). */
  stderr: StdoutSink;
  /** The host environment -env-inherit passes on. */
  env: Record<string, string | undefined>;
  /** What relative paths (the module, -mount, -cachedir) are relative to. */
  cwd: string;
}

/** The process's own streams and environment. */
export function processIO(): CliIO {
  return { stdin: 0, stdout: 1, stderr: 2, env: process.env, cwd: process.cwd() };
}

const enc = new TextEncoder();
const sleeper = new Int32Array(new SharedArrayBuffer(4));

/** Writes all of `s` to a sink, synchronously (a descriptor in non-blocking mode is waited on). */
export function writeTo(sink: StdoutSink, s: string): void {
  const data = enc.encode(s);
  if (typeof sink !== 'number') {
    sink.write(data);
    return;
  }
  let off = 0;
  while (off < data.length) {
    try {
      off += fs.writeSync(sink, data, off, data.length - off);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'EAGAIN' && code !== 'EWOULDBLOCK') throw e;
      Atomics.wait(sleeper, 0, 0, 1);
    }
  }
}

/** A CLI message (to stderr, as wazero writes them). */
export function say(io: CliIO, s: string): void {
  writeTo(io.stderr, s);
}

/** An error's message (with the wasm stack trace traps carry in it). */
export function errText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
