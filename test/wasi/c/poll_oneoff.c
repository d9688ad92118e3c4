/*
 * poll_oneoff: an FD_WRITE subscription on stdout is ready at once (one
 * event, type FD_WRITE, error 0, userdata echoed); an FD_READ subscription on
 * stdin with data is ready; a relative clock subscription of 1 ms times out
 * (one CLOCK event with its userdata); an absolute clock subscription in the
 * past fires at once; a clock subscription together with a ready stdout
 * returns the stdout event (the clock has not expired: 10 s timeout);
 * FD_READ and FD_WRITE on a regular file are ready at once; a subscription
 * on a bad fd fails the whole call with EBADF (wasmtime; the spec would also
 * allow an event carrying the error); zero subscriptions -> EINVAL.
 * Only the deterministic fields are printed (not nbytes, except that a file
 * event is reported).
 */
#include "common.h"

static void show(const char *label, int e, __wasi_event_t *ev, __wasi_size_t n) {
  if (e) { report(label, e); return; }
  printf("%s: nevents=%u", label, (unsigned)n);
  for (__wasi_size_t i = 0; i < n; i++)
    printf(" [userdata=%llu type=%u error=%u]", (unsigned long long)ev[i].userdata, (unsigned)ev[i].type,
           (unsigned)ev[i].error);
  printf("\n");
}

static __wasi_subscription_t fdsub(__wasi_userdata_t ud, __wasi_eventtype_t type, __wasi_fd_t fd) {
  __wasi_subscription_t s;
  memset(&s, 0, sizeof s);
  s.userdata = ud;
  s.u.tag = type;
  if (type == __WASI_EVENTTYPE_FD_READ) s.u.u.fd_read.file_descriptor = fd;
  else s.u.u.fd_write.file_descriptor = fd;
  return s;
}

static __wasi_subscription_t clocksub(__wasi_userdata_t ud, __wasi_clockid_t id, __wasi_timestamp_t t, int abs) {
  __wasi_subscription_t s;
  memset(&s, 0, sizeof s);
  s.userdata = ud;
  s.u.tag = __WASI_EVENTTYPE_CLOCK;
  s.u.u.clock.id = id;
  s.u.u.clock.timeout = t;
  s.u.u.clock.precision = 0;
  s.u.u.clock.flags = abs ? __WASI_SUBCLOCKFLAGS_SUBSCRIPTION_CLOCK_ABSTIME : 0;
  return s;
}

int main(void) {
  __wasi_event_t ev[4];
  __wasi_size_t n;
  __wasi_subscription_t s[2];

  s[0] = fdsub(11, __WASI_EVENTTYPE_FD_WRITE, 1);
  show("stdout writable", __wasi_poll_oneoff(s, ev, 1, &n), ev, n);

  s[0] = fdsub(12, __WASI_EVENTTYPE_FD_READ, 0);
  show("stdin readable (has data)", __wasi_poll_oneoff(s, ev, 1, &n), ev, n);

  s[0] = clocksub(13, __WASI_CLOCKID_MONOTONIC, 1000000, 0);
  show("relative 1ms clock", __wasi_poll_oneoff(s, ev, 1, &n), ev, n);

  s[0] = clocksub(14, __WASI_CLOCKID_REALTIME, 1000000, 0);
  show("relative 1ms realtime clock", __wasi_poll_oneoff(s, ev, 1, &n), ev, n);

  s[0] = clocksub(15, __WASI_CLOCKID_MONOTONIC, 0, 1);
  show("absolute clock at 0 (past)", __wasi_poll_oneoff(s, ev, 1, &n), ev, n);

  s[0] = clocksub(16, __WASI_CLOCKID_MONOTONIC, 10000000000ull, 0);
  s[1] = fdsub(17, __WASI_EVENTTYPE_FD_WRITE, 1);
  show("10s clock + stdout writable", __wasi_poll_oneoff(s, ev, 2, &n), ev, n);

  __wasi_fd_t fd;
  make_file(SANDBOX, "f.txt", "data");
  MUST("open", open_at(SANDBOX, "f.txt", 0, 0, &fd));
  s[0] = fdsub(18, __WASI_EVENTTYPE_FD_READ, fd);
  show("regular file readable", __wasi_poll_oneoff(s, ev, 1, &n), ev, n);
  s[0] = fdsub(19, __WASI_EVENTTYPE_FD_WRITE, fd);
  show("regular file writable", __wasi_poll_oneoff(s, ev, 1, &n), ev, n);

  s[0] = fdsub(20, __WASI_EVENTTYPE_FD_READ, 99);
  show("bad fd", __wasi_poll_oneoff(s, ev, 1, &n), ev, n);

  n = 77;
  show("zero subscriptions", __wasi_poll_oneoff(s, ev, 0, &n), ev, 0);
  return 0;
}
