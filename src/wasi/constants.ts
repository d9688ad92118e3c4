// WASI preview 1 (wasi_snapshot_preview1) and snapshot 0 (wasi_unstable) as data: errnos, rights,
// flags, file types, clock ids, whence values, struct layouts and the function signatures with their
// parameter names. One dependency-free module, shared by the host functions (src/wasi/*.ts), the file
// system layer (src/sys) and host logging, which prints calls in wazero's shape
// (`==> wasi_snapshot_preview1.fd_write(fd=1,iovs=…)` / `<== (nwritten=5,errno=ESUCCESS)`).
//
// Names and values are the witx's: phases/snapshot/witx/typenames.witx (preview 1) and
// phases/old/snapshot_0/witx/typenames.witx (snapshot 0).

/** The two module names WASI preview 1 guests import from. */
export const WASI_P1 = 'wasi_snapshot_preview1';
export const WASI_UNSTABLE = 'wasi_unstable';

// ---- errno (typenames.witx `errno`, u16; the same numbering in both snapshots) ----

export const Errno = {
  ESUCCESS: 0, E2BIG: 1, EACCES: 2, EADDRINUSE: 3, EADDRNOTAVAIL: 4, EAFNOSUPPORT: 5, EAGAIN: 6,
  EALREADY: 7, EBADF: 8, EBADMSG: 9, EBUSY: 10, ECANCELED: 11, ECHILD: 12, ECONNABORTED: 13,
  ECONNREFUSED: 14, ECONNRESET: 15, EDEADLK: 16, EDESTADDRREQ: 17, EDOM: 18, EDQUOT: 19, EEXIST: 20,
  EFAULT: 21, EFBIG: 22, EHOSTUNREACH: 23, EIDRM: 24, EILSEQ: 25, EINPROGRESS: 26, EINTR: 27,
  EINVAL: 28, EIO: 29, EISCONN: 30, EISDIR: 31, ELOOP: 32, EMFILE: 33, EMLINK: 34, EMSGSIZE: 35,
  EMULTIHOP: 36, ENAMETOOLONG: 37, ENETDOWN: 38, ENETRESET: 39, ENETUNREACH: 40, ENFILE: 41,
  ENOBUFS: 42, ENODEV: 43, ENOENT: 44, ENOEXEC: 45, ENOLCK: 46, ENOLINK: 47, ENOMEM: 48, ENOMSG: 49,
  ENOPROTOOPT: 50, ENOSPC: 51, ENOSYS: 52, ENOTCONN: 53, ENOTDIR: 54, ENOTEMPTY: 55,
  ENOTRECOVERABLE: 56, ENOTSOCK: 57, ENOTSUP: 58, ENOTTY: 59, ENXIO: 60, EOVERFLOW: 61, EOWNERDEAD: 62,
  EPERM: 63, EPIPE: 64, EPROTO: 65, EPROTONOSUPPORT: 66, EPROTOTYPE: 67, ERANGE: 68, EROFS: 69,
  ESPIPE: 70, ESRCH: 71, ESTALE: 72, ETIMEDOUT: 73, ETXTBSY: 74, EXDEV: 75, ENOTCAPABLE: 76,
} as const;
export type Errno = number;

const errnoNames: string[] = [];
for (const [k, v] of Object.entries(Errno)) errnoNames[v] = k;
/** `EBADF` for 8, `errno(N)` for unknown numbers. */
export function errnoName(e: number): string {
  return errnoNames[e] ?? `errno(${e})`;
}

/** Node's error codes (`err.code`) to WASI errnos, for host file systems. */
export function errnoFromCode(code: string | undefined): Errno {
  if (code && code in Errno) return (Errno as Record<string, number>)[code]!;
  switch (code) {
    case 'EWOULDBLOCK': return Errno.EAGAIN;
    case 'EOPNOTSUPP': return Errno.ENOTSUP;
    case 'ENOTBLK': return Errno.EINVAL;
    default: return Errno.EIO;
  }
}

// ---- rights (u64 flags) ----

export const Rights = {
  FD_DATASYNC: 1n << 0n,
  FD_READ: 1n << 1n,
  FD_SEEK: 1n << 2n,
  FD_FDSTAT_SET_FLAGS: 1n << 3n,
  FD_SYNC: 1n << 4n,
  FD_TELL: 1n << 5n,
  FD_WRITE: 1n << 6n,
  FD_ADVISE: 1n << 7n,
  FD_ALLOCATE: 1n << 8n,
  PATH_CREATE_DIRECTORY: 1n << 9n,
  PATH_CREATE_FILE: 1n << 10n,
  PATH_LINK_SOURCE: 1n << 11n,
  PATH_LINK_TARGET: 1n << 12n,
  PATH_OPEN: 1n << 13n,
  FD_READDIR: 1n << 14n,
  PATH_READLINK: 1n << 15n,
  PATH_RENAME_SOURCE: 1n << 16n,
  PATH_RENAME_TARGET: 1n << 17n,
  PATH_FILESTAT_GET: 1n << 18n,
  PATH_FILESTAT_SET_SIZE: 1n << 19n,
  PATH_FILESTAT_SET_TIMES: 1n << 20n,
  FD_FILESTAT_GET: 1n << 21n,
  FD_FILESTAT_SET_SIZE: 1n << 22n,
  FD_FILESTAT_SET_TIMES: 1n << 23n,
  PATH_SYMLINK: 1n << 24n,
  PATH_REMOVE_DIRECTORY: 1n << 25n,
  PATH_UNLINK_FILE: 1n << 26n,
  POLL_FD_READWRITE: 1n << 27n,
  SOCK_SHUTDOWN: 1n << 28n,
  /** Preview 1 only. */
  SOCK_ACCEPT: 1n << 29n,
} as const;

export const RIGHTS_ALL = (1n << 30n) - 1n;
/** What a regular file descriptor can have. */
export const RIGHTS_FILE =
  Rights.FD_DATASYNC | Rights.FD_READ | Rights.FD_SEEK | Rights.FD_FDSTAT_SET_FLAGS | Rights.FD_SYNC |
  Rights.FD_TELL | Rights.FD_WRITE | Rights.FD_ADVISE | Rights.FD_ALLOCATE | Rights.FD_FILESTAT_GET |
  Rights.FD_FILESTAT_SET_SIZE | Rights.FD_FILESTAT_SET_TIMES | Rights.POLL_FD_READWRITE;
/** What a directory descriptor can have (no read/write/seek: directories are not byte streams). */
export const RIGHTS_DIR =
  Rights.FD_FDSTAT_SET_FLAGS | Rights.FD_SYNC | Rights.FD_ADVISE | Rights.PATH_CREATE_DIRECTORY |
  Rights.PATH_CREATE_FILE | Rights.PATH_LINK_SOURCE | Rights.PATH_LINK_TARGET | Rights.PATH_OPEN |
  Rights.FD_READDIR | Rights.PATH_READLINK | Rights.PATH_RENAME_SOURCE | Rights.PATH_RENAME_TARGET |
  Rights.PATH_FILESTAT_GET | Rights.PATH_FILESTAT_SET_SIZE | Rights.PATH_FILESTAT_SET_TIMES |
  Rights.FD_FILESTAT_GET | Rights.FD_FILESTAT_SET_TIMES | Rights.PATH_SYMLINK |
  Rights.PATH_REMOVE_DIRECTORY | Rights.PATH_UNLINK_FILE | Rights.FD_DATASYNC;
/** A terminal: a stream without seek/tell, which is how wasi-libc's isatty() recognises one. */
export const RIGHTS_TTY =
  Rights.FD_READ | Rights.FD_WRITE | Rights.FD_FDSTAT_SET_FLAGS | Rights.FD_FILESTAT_GET |
  Rights.POLL_FD_READWRITE;
/** Other streams (pipes, buffers, callbacks). */
export const RIGHTS_STREAM = RIGHTS_TTY | Rights.FD_SYNC | Rights.FD_DATASYNC;

// ---- file types, flags ----

export const Filetype = {
  UNKNOWN: 0, BLOCK_DEVICE: 1, CHARACTER_DEVICE: 2, DIRECTORY: 3, REGULAR_FILE: 4,
  SOCKET_DGRAM: 5, SOCKET_STREAM: 6, SYMBOLIC_LINK: 7,
} as const;

export const Fdflags = { APPEND: 1, DSYNC: 2, NONBLOCK: 4, RSYNC: 8, SYNC: 16 } as const;
export const FDFLAGS_ALL = 31;
export const Oflags = { CREAT: 1, DIRECTORY: 2, EXCL: 4, TRUNC: 8 } as const;
export const Lookupflags = { SYMLINK_FOLLOW: 1 } as const;
export const Fstflags = { ATIM: 1, ATIM_NOW: 2, MTIM: 4, MTIM_NOW: 8 } as const;
export const Clockid = { REALTIME: 0, MONOTONIC: 1, PROCESS_CPUTIME_ID: 2, THREAD_CPUTIME_ID: 3 } as const;
export const Advice = { NORMAL: 0, SEQUENTIAL: 1, RANDOM: 2, WILLNEED: 3, DONTNEED: 4, NOREUSE: 5 } as const;
export const Eventtype = { CLOCK: 0, FD_READ: 1, FD_WRITE: 2 } as const;
export const Eventrwflags = { FD_READWRITE_HANGUP: 1 } as const;
export const Subclockflags = { SUBSCRIPTION_CLOCK_ABSTIME: 1 } as const;
export const Preopentype = { DIR: 0 } as const;
export const Riflags = { RECV_PEEK: 1, RECV_WAITALL: 2 } as const;
export const Sdflags = { RD: 1, WR: 2 } as const;

/** Whence values: they differ between the snapshots. */
export const WhenceP1 = { SET: 0, CUR: 1, END: 2 } as const;
export const WhenceUnstable = { CUR: 0, END: 1, SET: 2 } as const;

/** Signal numbers (`signal` enum, u8) for logging proc_raise. */
export const SIGNAL_NAMES = [
  'NONE', 'HUP', 'INT', 'QUIT', 'ILL', 'TRAP', 'ABRT', 'BUS', 'FPE', 'KILL', 'USR1', 'SEGV', 'USR2',
  'PIPE', 'ALRM', 'TERM', 'CHLD', 'CONT', 'STOP', 'TSTP', 'TTIN', 'TTOU', 'URG', 'XCPU', 'XFSZ',
  'VTALRM', 'PROF', 'WINCH', 'POLL', 'PWR', 'SYS',
] as const;

/** Flag tables by name, so a logger can print `oflags=CREAT|TRUNC`. */
export const flagTables: Record<string, Record<string, number | bigint>> = {
  rights: Rights, fdflags: Fdflags, oflags: Oflags, lookupflags: Lookupflags, fstflags: Fstflags,
  riflags: Riflags, sdflags: Sdflags, subclockflags: Subclockflags,
};
/** Enum tables by name (`clockid=MONOTONIC`). */
export const enumTables: Record<string, Record<string, number>> = {
  clockid: Clockid, advice: Advice, filetype: Filetype, whence: WhenceP1, whence_unstable: WhenceUnstable,
  eventtype: Eventtype, preopentype: Preopentype,
};

/** `CREAT|TRUNC` for oflags 9 (unknown bits printed in hex). */
export function flagNames(table: string, v: number | bigint): string {
  const t = flagTables[table];
  if (!t) return String(v);
  const big = BigInt(v);
  if (big === 0n) return '0';
  const out: string[] = [];
  let rest = big;
  for (const [k, bit] of Object.entries(t)) {
    const b = BigInt(bit);
    if ((big & b) === b && b !== 0n) {
      out.push(k);
      rest &= ~b;
    }
  }
  if (rest !== 0n) out.push('0x' + rest.toString(16));
  return out.join('|');
}

export function enumName(table: string, v: number): string {
  const t = enumTables[table];
  if (t) for (const [k, x] of Object.entries(t)) if (x === v) return k;
  return String(v);
}

// ---- struct layouts (offsets and sizes in bytes, little-endian) ----

/** iovec / ciovec: buf u32 @0, buf_len u32 @4. */
export const IOVEC_SIZE = 8;
/** fdstat: fs_filetype u8 @0, fs_flags u16 @2, fs_rights_base u64 @8, fs_rights_inheriting u64 @16. */
export const Fdstat = { size: 24, filetype: 0, flags: 2, rightsBase: 8, rightsInheriting: 16 } as const;
/** prestat: tag u8 @0, u.dir.pr_name_len u32 @4. */
export const Prestat = { size: 8, tag: 0, nameLen: 4 } as const;
/** dirent (both snapshots): d_next u64 @0, d_ino u64 @8, d_namlen u32 @16, d_type u8 @20; the name follows. */
export const Dirent = { size: 24, next: 0, ino: 8, namlen: 16, type: 20 } as const;
/** event (both snapshots): userdata u64 @0, error u16 @8, type u8 @10, fd_readwrite.nbytes u64 @16, .flags u16 @24. */
export const Event = { size: 32, userdata: 0, error: 8, type: 10, nbytes: 16, flags: 24 } as const;

/** A filestat layout: preview 1 has a u64 nlink, snapshot 0 a u32 one (so everything after shifts). */
export interface FilestatLayout {
  size: number; dev: number; ino: number; filetype: number; nlink: number; nlink64: boolean;
  fileSize: number; atim: number; mtim: number; ctim: number;
}
export const FilestatP1: FilestatLayout = {
  size: 64, dev: 0, ino: 8, filetype: 16, nlink: 24, nlink64: true, fileSize: 32, atim: 40, mtim: 48, ctim: 56,
};
export const FilestatUnstable: FilestatLayout = {
  size: 56, dev: 0, ino: 8, filetype: 16, nlink: 20, nlink64: false, fileSize: 24, atim: 32, mtim: 40, ctim: 48,
};

/**
 * A subscription layout. Preview 1: userdata u64 @0, tag u8 @8, then the union at 16 —
 * clock {id u32 @16, timeout u64 @24, precision u64 @32, flags u16 @40}, fd_readwrite {fd u32 @16}; 48 bytes.
 * Snapshot 0's clock has an extra `identifier` u64 first: {identifier @16, id u32 @24, timeout @32,
 * precision @40, flags u16 @48}; 56 bytes.
 */
export interface SubscriptionLayout {
  size: number; userdata: number; tag: number; clockId: number; timeout: number; precision: number;
  flags: number; fd: number;
}
export const SubscriptionP1: SubscriptionLayout = {
  size: 48, userdata: 0, tag: 8, clockId: 16, timeout: 24, precision: 32, flags: 40, fd: 16,
};
export const SubscriptionUnstable: SubscriptionLayout = {
  size: 56, userdata: 0, tag: 8, clockId: 24, timeout: 32, precision: 40, flags: 48, fd: 16,
};

// ---- functions ----

/**
 * How a parameter is shown and what it is: `fd`, `u32`/`u64`/`s64` numbers, `ptr` (a guest address),
 * `size` (a length), `path`/`string` (a pointer whose length is the next parameter), `iovs`/`ciovs`,
 * `flags:T` / `enum:T` (named by the tables above), or `out:T` — a pointer the function writes a
 * result of type T to (those are the results a logger prints after the call).
 */
export type ParamKind =
  | 'fd' | 'u32' | 'u64' | 's64' | 'ptr' | 'size' | 'path' | 'string' | 'iovs' | 'ciovs'
  | `flags:${string}` | `enum:${string}` | `out:${string}`;

export interface WasiFunctionInfo {
  readonly name: string;
  /** [name, kind] per wasm parameter, in order. */
  readonly params: readonly (readonly [string, ParamKind])[];
  /** Whether it returns an errno (all but proc_exit). */
  readonly returnsErrno: boolean;
}

/** The wasm type of a parameter kind: i64 for u64/s64/rights, i32 otherwise. */
export function paramWasmType(kind: ParamKind): 'i32' | 'i64' {
  return kind === 'u64' || kind === 's64' || kind === 'flags:rights' ? 'i64' : 'i32';
}

const fn = (name: string, params: [string, ParamKind][], returnsErrno = true): WasiFunctionInfo => ({
  name,
  params,
  returnsErrno,
});

/** The 46 functions of wasi_snapshot_preview1 in witx order (snapshot 0 has all but sock_accept). */
export const WASI_FUNCTIONS: readonly WasiFunctionInfo[] = [
  fn('args_get', [['argv', 'ptr'], ['argv_buf', 'ptr']]),
  fn('args_sizes_get', [['result.argc', 'out:u32'], ['result.argv_len', 'out:u32']]),
  fn('environ_get', [['environ', 'ptr'], ['environ_buf', 'ptr']]),
  fn('environ_sizes_get', [['result.environc', 'out:u32'], ['result.environv_len', 'out:u32']]),
  fn('clock_res_get', [['id', 'enum:clockid'], ['result.resolution', 'out:u64']]),
  fn('clock_time_get', [['id', 'enum:clockid'], ['precision', 'u64'], ['result.timestamp', 'out:u64']]),
  fn('fd_advise', [['fd', 'fd'], ['offset', 'u64'], ['len', 'u64'], ['advice', 'enum:advice']]),
  fn('fd_allocate', [['fd', 'fd'], ['offset', 'u64'], ['len', 'u64']]),
  fn('fd_close', [['fd', 'fd']]),
  fn('fd_datasync', [['fd', 'fd']]),
  fn('fd_fdstat_get', [['fd', 'fd'], ['result.stat', 'out:fdstat']]),
  fn('fd_fdstat_set_flags', [['fd', 'fd'], ['flags', 'flags:fdflags']]),
  fn('fd_fdstat_set_rights', [['fd', 'fd'], ['fs_rights_base', 'flags:rights'], ['fs_rights_inheriting', 'flags:rights']]),
  fn('fd_filestat_get', [['fd', 'fd'], ['result.buf', 'out:filestat']]),
  fn('fd_filestat_set_size', [['fd', 'fd'], ['size', 'u64']]),
  fn('fd_filestat_set_times', [['fd', 'fd'], ['atim', 'u64'], ['mtim', 'u64'], ['fst_flags', 'flags:fstflags']]),
  fn('fd_pread', [['fd', 'fd'], ['iovs', 'iovs'], ['iovs_len', 'size'], ['offset', 'u64'], ['result.nread', 'out:u32']]),
  fn('fd_prestat_get', [['fd', 'fd'], ['result.prestat', 'out:prestat']]),
  fn('fd_prestat_dir_name', [['fd', 'fd'], ['path', 'path'], ['path_len', 'size']]),
  fn('fd_pwrite', [['fd', 'fd'], ['iovs', 'ciovs'], ['iovs_len', 'size'], ['offset', 'u64'], ['result.nwritten', 'out:u32']]),
  fn('fd_read', [['fd', 'fd'], ['iovs', 'iovs'], ['iovs_len', 'size'], ['result.nread', 'out:u32']]),
  fn('fd_readdir', [['fd', 'fd'], ['buf', 'ptr'], ['buf_len', 'size'], ['cookie', 'u64'], ['result.bufused', 'out:u32']]),
  fn('fd_renumber', [['fd', 'fd'], ['to', 'fd']]),
  fn('fd_seek', [['fd', 'fd'], ['offset', 's64'], ['whence', 'enum:whence'], ['result.newoffset', 'out:u64']]),
  fn('fd_sync', [['fd', 'fd']]),
  fn('fd_tell', [['fd', 'fd'], ['result.offset', 'out:u64']]),
  fn('fd_write', [['fd', 'fd'], ['iovs', 'ciovs'], ['iovs_len', 'size'], ['result.nwritten', 'out:u32']]),
  fn('path_create_directory', [['fd', 'fd'], ['path', 'path'], ['path_len', 'size']]),
  fn('path_filestat_get', [['fd', 'fd'], ['flags', 'flags:lookupflags'], ['path', 'path'], ['path_len', 'size'], ['result.buf', 'out:filestat']]),
  fn('path_filestat_set_times', [['fd', 'fd'], ['flags', 'flags:lookupflags'], ['path', 'path'], ['path_len', 'size'], ['atim', 'u64'], ['mtim', 'u64'], ['fst_flags', 'flags:fstflags']]),
  fn('path_link', [['old_fd', 'fd'], ['old_flags', 'flags:lookupflags'], ['old_path', 'path'], ['old_path_len', 'size'], ['new_fd', 'fd'], ['new_path', 'path'], ['new_path_len', 'size']]),
  fn('path_open', [['fd', 'fd'], ['dirflags', 'flags:lookupflags'], ['path', 'path'], ['path_len', 'size'], ['oflags', 'flags:oflags'], ['fs_rights_base', 'flags:rights'], ['fs_rights_inheriting', 'flags:rights'], ['fdflags', 'flags:fdflags'], ['result.opened_fd', 'out:fd']]),
  fn('path_readlink', [['fd', 'fd'], ['path', 'path'], ['path_len', 'size'], ['buf', 'ptr'], ['buf_len', 'size'], ['result.bufused', 'out:u32']]),
  fn('path_remove_directory', [['fd', 'fd'], ['path', 'path'], ['path_len', 'size']]),
  fn('path_rename', [['fd', 'fd'], ['old_path', 'path'], ['old_path_len', 'size'], ['new_fd', 'fd'], ['new_path', 'path'], ['new_path_len', 'size']]),
  fn('path_symlink', [['old_path', 'string'], ['old_path_len', 'size'], ['fd', 'fd'], ['new_path', 'path'], ['new_path_len', 'size']]),
  fn('path_unlink_file', [['fd', 'fd'], ['path', 'path'], ['path_len', 'size']]),
  fn('poll_oneoff', [['in', 'ptr'], ['out', 'ptr'], ['nsubscriptions', 'size'], ['result.nevents', 'out:u32']]),
  fn('proc_exit', [['rval', 'u32']], false),
  fn('proc_raise', [['sig', 'u32']]),
  fn('sched_yield', []),
  fn('random_get', [['buf', 'ptr'], ['buf_len', 'size']]),
  fn('sock_accept', [['fd', 'fd'], ['flags', 'flags:fdflags'], ['result.fd', 'out:fd']]),
  fn('sock_recv', [['fd', 'fd'], ['ri_data', 'iovs'], ['ri_data_len', 'size'], ['ri_flags', 'flags:riflags'], ['result.ro_datalen', 'out:u32'], ['result.ro_flags', 'out:u16']]),
  fn('sock_send', [['fd', 'fd'], ['si_data', 'ciovs'], ['si_data_len', 'size'], ['si_flags', 'u32'], ['result.so_datalen', 'out:u32']]),
  fn('sock_shutdown', [['fd', 'fd'], ['how', 'flags:sdflags']]),
];

/** Function records by name. */
export const wasiFunctionByName: ReadonlyMap<string, WasiFunctionInfo> = new Map(WASI_FUNCTIONS.map((f) => [f.name, f]));

/** Result names of a function (its `out:` parameters without the `result.` prefix), then `errno`. */
export function resultNames(f: WasiFunctionInfo): string[] {
  const out = f.params.filter(([, k]) => k.startsWith('out:')).map(([n]) => n.replace(/^result\./, ''));
  if (f.returnsErrno) out.push('errno');
  return out;
}
