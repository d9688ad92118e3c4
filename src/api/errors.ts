// The errors wasmbox throws. Every message starts with the spec's own wording for the case (what the
// spec test suite matches on), then says where it happened.

/** A module that is malformed (cannot be decoded) or invalid (fails validation). */
export class CompileError extends Error {
  /** Byte offset in the module where the problem was found, or -1 when unknown. */
  readonly offset: number;
  /** The spec's wording alone (e.g. `unexpected end`), without the location. */
  readonly reason: string;
  /** `malformed` for decoding errors, `invalid` for validation errors, `unsupported` for engine limits. */
  readonly kind: 'malformed' | 'invalid' | 'unsupported';

  constructor(kind: 'malformed' | 'invalid' | 'unsupported', reason: string, where: string, offset = -1) {
    const at = offset >= 0 ? ` at offset 0x${offset.toString(16)}` : '';
    super(`${reason}${where ? ` (${where}${at})` : at ? ` (${at.slice(1)})` : ''}`);
    this.name = 'CompileError';
    this.kind = kind;
    this.reason = reason;
    this.offset = offset;
  }
}

/** An import that could not be resolved or does not match (spec §4.5.4 / "unlinkable"). */
export class LinkError extends Error {
  readonly reason: string;
  constructor(reason: string, where: string) {
    super(where ? `${reason}: ${where}` : reason);
    this.name = 'LinkError';
    this.reason = reason;
  }
}

/**
 * Runtime traps: a closed set. Each value is the text the spec (and its test suite) uses, so
 * `err.message` starts with it.
 */
export const TrapCode = {
  unreachable: 'unreachable',
  integerDivideByZero: 'integer divide by zero',
  integerOverflow: 'integer overflow',
  invalidConversionToInteger: 'invalid conversion to integer',
  outOfBoundsMemoryAccess: 'out of bounds memory access',
  outOfBoundsTableAccess: 'out of bounds table access',
  undefinedElement: 'undefined element',
  uninitializedElement: 'uninitialized element',
  indirectCallTypeMismatch: 'indirect call type mismatch',
  callStackExhausted: 'call stack exhausted',
  nullReference: 'null reference',
  unalignedAtomic: 'unaligned atomic',
  expectedSharedMemory: 'expected shared memory',
  uncaughtException: 'uncaught exception',
  fuelExhausted: 'fuel exhausted',
  hostFunctionError: 'host function error',
} as const;
export type TrapCode = (typeof TrapCode)[keyof typeof TrapCode];

/** One frame of a wasm stack trace. */
export interface WasmFrame {
  /** `module.function` with names from the name section, or `$N` for unnamed functions. */
  readonly name: string;
  /** Parameter types (e.g. `i32,i64`) as shown in traces. */
  readonly params: string;
  /** Result types as shown in traces. */
  readonly results: string;
}

/** Formats frames as wazero does: `wasm stack trace:` then `\tmodule.func(params) results` per frame. */
export function formatWasmStack(frames: readonly WasmFrame[]): string {
  if (frames.length === 0) return '';
  let s = 'wasm stack trace:';
  for (const f of frames) s += `\n\t${f.name}(${f.params})${f.results ? ' ' + f.results : ''}`;
  return s;
}

/** A WebAssembly trap: execution stopped because an instruction's semantics could not proceed. */
export class Trap extends Error {
  readonly code: TrapCode;
  /** Frames innermost first; empty when the trap did not happen in wasm code. */
  wasmStack: WasmFrame[];

  constructor(code: TrapCode, detail = '', frames: WasmFrame[] = []) {
    super(detail ? `${code}: ${detail}` : code);
    this.name = 'Trap';
    this.code = code;
    this.wasmStack = frames;
    if (frames.length) this.message += '\n' + formatWasmStack(frames);
  }

  /** Replaces the frames (engines fill them in while unwinding) and refreshes the message. */
  setWasmStack(frames: WasmFrame[], cause?: string): void {
    this.wasmStack = frames;
    const base = this.message.split('\nwasm stack trace:')[0]!;
    this.message = frames.length ? `${base}\n${formatWasmStack(frames)}` : base;
    if (cause) this.message += `\n${cause}`;
  }
}

/**
 * The guest asked to exit (WASI `proc_exit`) with a non-zero code, or it was stopped by a deadline or
 * cancellation (wazero's exit codes). The module is closed either way.
 */
export class ExitError extends Error {
  readonly exitCode: number;
  constructor(exitCode: number, message?: string) {
    super(message ?? `module exited with code ${exitCode}`);
    this.name = 'ExitError';
    this.exitCode = exitCode;
  }
}

/** Exit codes used when the runtime, not the guest, ends a call (the values wazero uses). */
export const ExitCode = {
  /** The call's deadline passed (wazero's sys.ExitCodeDeadlineExceeded). */
  deadlineExceeded: 0xefffffff,
  /** The call was cancelled (wazero's sys.ExitCodeContextCanceled). */
  canceled: 0xeffffffe,
} as const;
