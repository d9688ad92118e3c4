/*
 * Shared helpers for the WASI conformance programs in test/wasi/c.
 *
 * Every program talks to WASI mostly through the raw `__wasi_*` calls of
 * <wasi/api.h>, so the printed errnos are WASI's own numbers (not wasi-libc's
 * translation). Lines look like
 *     path_open missing: errno=44 NOENT
 *     path_open existing: ok
 * and are compared byte for byte with the program's .expected.json.
 *
 * Conventions:
 *   - fd 3 is the first preopen (the fixture mounted at /sandbox), fd 4 the
 *     second when a case mounts two directories.
 *   - Output goes through printf on stdout; a program exits 0 when it ran to
 *     the end (the verdict is in stdout), and 2 with a message on stderr when a
 *     step it needs as a precondition failed (so a broken setup is not mistaken
 *     for a behaviour difference further down).
 *   - Nothing printed depends on wall-clock time, host inode numbers or
 *     readdir order (unless the order is what is being tested).
 */
#ifndef WASI_CONFORMANCE_COMMON_H
#define WASI_CONFORMANCE_COMMON_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wasi/api.h>

#define SANDBOX 3

/* Line-buffered stdout, so every line printed before a trap or proc_exit is out. */
__attribute__((constructor)) static void line_buffered_stdout(void) { setvbuf(stdout, NULL, _IOLBF, 0); }

static const char *errname(int e) {
  static const char *names[] = {
      "SUCCESS", "2BIG", "ACCES", "ADDRINUSE", "ADDRNOTAVAIL", "AFNOSUPPORT", "AGAIN", "ALREADY", "BADF",
      "BADMSG", "BUSY", "CANCELED", "CHILD", "CONNABORTED", "CONNREFUSED", "CONNRESET", "DEADLK",
      "DESTADDRREQ", "DOM", "DQUOT", "EXIST", "FAULT", "FBIG", "HOSTUNREACH", "IDRM", "ILSEQ",
      "INPROGRESS", "INTR", "INVAL", "IO", "ISCONN", "ISDIR", "LOOP", "MFILE", "MLINK", "MSGSIZE",
      "MULTIHOP", "NAMETOOLONG", "NETDOWN", "NETRESET", "NETUNREACH", "NFILE", "NOBUFS", "NODEV",
      "NOENT", "NOEXEC", "NOLCK", "NOLINK", "NOMEM", "NOMSG", "NOPROTOOPT", "NOSPC", "NOSYS",
      "NOTCONN", "NOTDIR", "NOTEMPTY", "NOTRECOVERABLE", "NOTSOCK", "NOTSUP", "NOTTY", "NXIO",
      "OVERFLOW", "OWNERDEAD", "PERM", "PIPE", "PROTO", "PROTONOSUPPORT", "PROTOTYPE", "RANGE",
      "ROFS", "SPIPE", "SRCH", "STALE", "TIMEDOUT", "TXTBSY", "XDEV", "NOTCAPABLE"};
  if (e >= 0 && e < (int)(sizeof names / sizeof names[0])) return names[e];
  return "?";
}

/* Prints "label: ok" or "label: errno=N NAME"; returns the errno. */
static int report(const char *label, int err) {
  if (err == 0) printf("%s: ok\n", label);
  else printf("%s: errno=%d %s\n", label, err, errname(err));
  return err;
}

/* A precondition failed: say so on stderr and stop with exit code 2. */
static void die(const char *what, int err) {
  fflush(stdout);
  fprintf(stderr, "setup failed: %s: errno=%d %s\n", what, err, errname(err));
  exit(2);
}

#define MUST(what, expr)              \
  do {                                \
    int e_ = (expr);                  \
    if (e_ != 0) die((what), e_);     \
  } while (0)

static const char *ftname(int t) {
  static const char *names[] = {"UNKNOWN",      "BLOCK_DEVICE",  "CHARACTER_DEVICE", "DIRECTORY",
                                "REGULAR_FILE", "SOCKET_DGRAM", "SOCKET_STREAM",    "SYMBOLIC_LINK"};
  if (t >= 0 && t < 8) return names[t];
  return "?";
}

/* Rights wide enough for any file or directory operation. */
#define ALL_RIGHTS ((__wasi_rights_t)0x1fffffff)

/*
 * Opens `path` under dirfd the way wasi-libc's openat() does: every right dirfd
 * can hand down, less the read or write rights the access mode excludes.
 * mode is 'r', 'w' or 'b' (both). Returns 0 or an errno.
 */
#define RW_RIGHTS                                                                                   \
  (__WASI_RIGHTS_FD_DATASYNC | __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_FD_ALLOCATE | \
   __WASI_RIGHTS_FD_READDIR | __WASI_RIGHTS_FD_FILESTAT_SET_SIZE)
static __wasi_rights_t mode_rights(int dirfd, char mode) {
  __wasi_fdstat_t st;
  __wasi_rights_t inherit = ALL_RIGHTS;
  if (__wasi_fd_fdstat_get(dirfd, &st) == 0) inherit = st.fs_rights_inheriting;
  __wasi_rights_t max = ~RW_RIGHTS;
  if (mode == 'r' || mode == 'b') max |= __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_READDIR;
  if (mode == 'w' || mode == 'b')
    max |= __WASI_RIGHTS_FD_DATASYNC | __WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_FD_ALLOCATE |
           __WASI_RIGHTS_FD_FILESTAT_SET_SIZE;
  return max & inherit;
}
static int open_mode(int dirfd, const char *path, __wasi_oflags_t oflags, __wasi_fdflags_t fdflags, char mode,
                     __wasi_fd_t *fd) {
  __wasi_rights_t r = mode_rights(dirfd, mode);
  __wasi_fdstat_t st;
  __wasi_rights_t inherit = ALL_RIGHTS;
  if (__wasi_fd_fdstat_get(dirfd, &st) == 0) inherit = st.fs_rights_inheriting;
  return __wasi_path_open(dirfd, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, path, oflags, r, inherit, fdflags, fd);
}
/* Read-write for files, read-only when O_DIRECTORY is asked for. */
static int open_at(int dirfd, const char *path, __wasi_oflags_t oflags, __wasi_fdflags_t fdflags,
                   __wasi_fd_t *fd) {
  return open_mode(dirfd, path, oflags, fdflags, (oflags & __WASI_OFLAGS_DIRECTORY) ? 'r' : 'b', fd);
}

/* Creates (or truncates) `path` under dirfd with the given contents; exits on failure. */
static void make_file(int dirfd, const char *path, const char *contents) {
  __wasi_fd_t fd;
  MUST(path, open_at(dirfd, path, __WASI_OFLAGS_CREAT | __WASI_OFLAGS_TRUNC, 0, &fd));
  size_t len = strlen(contents);
  if (len) {
    __wasi_ciovec_t iov = {(const uint8_t *)contents, len};
    __wasi_size_t n;
    MUST(path, __wasi_fd_write(fd, &iov, 1, &n));
    if (n != len) die("short write", 0);
  }
  MUST("close", __wasi_fd_close(fd));
}

/* Writes the whole buffer; returns an errno. */
static int write_all(__wasi_fd_t fd, const void *buf, size_t len) {
  __wasi_ciovec_t iov = {(const uint8_t *)buf, len};
  __wasi_size_t n;
  int e = __wasi_fd_write(fd, &iov, 1, &n);
  if (e) return e;
  return n == len ? 0 : __WASI_ERRNO_IO;
}

/* Reads up to cap-1 bytes and NUL-terminates; returns an errno, *got the count. */
static int read_str(__wasi_fd_t fd, char *buf, size_t cap, size_t *got) {
  __wasi_iovec_t iov = {(uint8_t *)buf, cap - 1};
  __wasi_size_t n = 0;
  int e = __wasi_fd_read(fd, &iov, 1, &n);
  buf[e ? 0 : n] = 0;
  if (got) *got = e ? 0 : n;
  return e;
}

/* Filestat of a path (following symlinks when follow != 0). */
static int stat_at(int dirfd, const char *path, int follow, __wasi_filestat_t *st) {
  return __wasi_path_filestat_get(dirfd, follow ? __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW : 0, path, st);
}

/*
 * Raw imports that take (pointer, length) strings, for paths with an embedded
 * NUL or of an exact byte length; <wasi/api.h> measures paths with strlen.
 */
#define WASI_IMPORT(name) __attribute__((import_module("wasi_snapshot_preview1"), import_name(name)))
WASI_IMPORT("path_open")
int32_t raw_path_open(int32_t fd, int32_t dirflags, int32_t path, int32_t path_len, int32_t oflags,
                      int64_t rights_base, int64_t rights_inheriting, int32_t fdflags, int32_t retfd);
WASI_IMPORT("path_filestat_get")
int32_t raw_path_filestat_get(int32_t fd, int32_t flags, int32_t path, int32_t path_len, int32_t retbuf);

#endif
