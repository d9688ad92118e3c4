// Write-behind for small sequential writes to host files: the bookkeeping every host call shares.
//
// A guest writing a file 16 bytes at a time would pay a system call (and node:fs's argument checks)
// per fd_write. Instead, the host FS may keep such writes in one buffer and write them out together,
// as long as nobody can tell. The rules that make it so (RATIONALE.md, "Why may fd_write to a host
// file be buffered?"):
//  - At most one file in a thread holds buffered bytes (`pending.file`), in one run of contiguous
//    positioned writes from fd_write.
//  - Every host call flushes it first — every WASI function but an fd_write to that same file, and
//    every host function an embedder wrote — and so does every return (or throw) from guest code to
//    the host (ExportedFunction.call), closing the file or the instance, and a full buffer. So
//    whenever any code but the guest's own runs, nothing is pending: the guest, the embedder and
//    other instances in this thread all see every byte that fd_write reported written.
//  - A thread that has seen a shared memory never buffers (another thread could learn of a write
//    through that memory, without a host call here).
//  - A write error found when flushing is kept on the file and returned by the next operation on it
//    (fd_write, fd_close, …), or reported as a process warning if the file is closed with the
//    instance before the guest could hear of it.

/** What holds buffered writes (the host FS's files). */
export interface WriteBehind {
  /** Writes the buffered bytes out now; errors are kept for the file's next operation. Never throws. */
  flushBuffered(): void;
}

/**
 * The file with buffered writes in this thread, or null. Hot: host calls test `pending.file !== null`
 * before calling `flushWrites()`. Kept on the global object so that two copies of wasmbox loaded in
 * one thread share it (a flush point of either flushes both).
 */
export const pending: { file: WriteBehind | null; disabled: boolean } = ((globalThis as Record<symbol, unknown>)[
  Symbol.for('wasmbox.writeBehind')
] ??= { file: null, disabled: false }) as { file: WriteBehind | null; disabled: boolean };

/** Writes out whatever is buffered (a no-op when nothing is). */
export function flushWrites(): void {
  const f = pending.file;
  if (f !== null) f.flushBuffered();
}

/** Turns write-behind off for the rest of this thread's life (a shared memory was seen). */
export function disableWriteBehind(): void {
  flushWrites();
  pending.disabled = true;
}

/**
 * The method by which WASI's fd_write offers a file a write it may buffer: `(src, off, len,
 * position) -> bytes written or -errno`, like File.write of `src[off, off+len)` at `position`. Only
 * files that follow the rules above implement it; others get plain writes.
 */
export const writeBehindKey = Symbol('wasmbox.writeBehind');

export type WriteBehindFn = (src: Uint8Array, off: number, len: number, position: number) => number;
