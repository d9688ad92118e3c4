// Cancellation from another thread. While a guest runs, the JS event loop of its thread does not: an
// AbortController can only be triggered by code that runs during the call (a host function). A
// CancelToken is a flag in a SharedArrayBuffer instead, which a Worker can set at any time; the guest
// sees it at its next checkpoint (function entry or loop header, about every millisecond).

/** A cancellation flag that other threads can set (pass `buffer` to a Worker). */
export interface CancelToken {
  /** The shared memory behind the flag: post it to a Worker and use `cancelTokenFrom` there. */
  readonly buffer: SharedArrayBuffer | ArrayBuffer;
  /** Cancels: calls bounded by this token stop at their next checkpoint. Cannot be undone. */
  cancel(): void;
  readonly canceled: boolean;
}

class CancelTokenImpl implements CancelToken {
  readonly buffer: SharedArrayBuffer | ArrayBuffer;
  /** Element 0 is the flag (non-zero = canceled). */
  readonly flag: Int32Array;

  constructor(buffer: SharedArrayBuffer | ArrayBuffer) {
    this.buffer = buffer;
    this.flag = new Int32Array(buffer, 0, 1);
  }
  cancel(): void {
    Atomics.store(this.flag, 0, 1);
  }
  get canceled(): boolean {
    return Atomics.load(this.flag, 0) !== 0;
  }
}

const hasSab = typeof SharedArrayBuffer === 'function';

/**
 * A new token. Its flag lives in a SharedArrayBuffer where the host has one (browsers only give them
 * to cross-origin isolated pages); elsewhere in a plain ArrayBuffer, which still works from the thread
 * that made it.
 */
export function newCancelToken(): CancelToken {
  return new CancelTokenImpl(hasSab ? new SharedArrayBuffer(4) : new ArrayBuffer(4));
}

/** The token whose `buffer` this is (in a Worker that received it): `cancelTokenFrom(buf).cancel()`. */
export function cancelTokenFrom(buffer: SharedArrayBuffer | ArrayBuffer): CancelToken {
  if (!(buffer instanceof ArrayBuffer) && !(hasSab && buffer instanceof SharedArrayBuffer)) {
    throw new TypeError('cancelTokenFrom needs the buffer of a CancelToken');
  }
  if (buffer.byteLength < 4) throw new TypeError('cancelTokenFrom: the buffer is too small to hold a flag');
  return new CancelTokenImpl(buffer);
}

/** The flag of a token made here, or null for anything else. */
export function cancelFlagOf(t: unknown): Int32Array | null {
  return t instanceof CancelTokenImpl ? t.flag : null;
}
