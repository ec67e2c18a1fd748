/* The MessagePack-RPC path of the daemon, from the socket's bytes to the
 * answers: the stream reader and its limits (proto/reader.c), the message
 * shapes (proto/rpc.c), values from the wire (daemon/socket/value_msgpack.c),
 * method lookup (daemon/core/registry.c), argument binding
 * (daemon/core/args.c), calls and their answers, deferred ones too
 * (daemon/core/call.c), the core methods (daemon/core_methods.c), and events
 * sent to subscribers.
 *
 * There is no seam: the target runs the real server of a daemon made of the
 * real modules in this process (no plugins, no D-Bus; the fuzz.* methods of
 * fuzz_methods.c stand in for the plugins), connects to its socket, and
 * writes the input as a client would. The input is the byte stream a client
 * sends, as it would go to the socket:
 *
 *   python3 -c 'import msgpack,sys; sys.stdout.buffer.write(msgpack.packb([0,1,"daemon.ping",[]]))'
 *
 * It is written in up to four pieces cut where a hash of the input says, the
 * loop running in between, so that messages also arrive split across reads.
 * Then one fuzz.tick event is emitted (to whatever the input subscribed),
 * the client closes its end, and the loop runs until the connection is freed
 * and every deferred call answered.
 *
 * Checked, besides what AddressSanitizer and UBSan see: every byte the daemon
 * sends back is a MessagePack response or notification of the right shape,
 * an error is {code, message} with a code of the protocol, and every string
 * in it is valid UTF-8 (PROTOCOL.md promises clients that); the connection is
 * closed and freed after the client leaves, whatever it sent; and the size
 * scanner the daemon reads first (proto/scan.c) never refuses a message that
 * msgpack-c reads whole. */
#include <errno.h>
#include <lumbard/rpc.h>
#include <msgpack.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "call.h"
#include "daemon.h"
#include "fuzz.h"
#include "fuzz_methods.h"
#include "log.h"
#include "plugin_host.h"
#include "rpc_server.h"
#include "timers.h"
#include "util.h"

/* A message may declare 2^32 elements in six bytes, and msgpack-c asks for
 * their memory when it reads the header. Outside AddressSanitizer that costs
 * address space only (see README.md); under it, the shadow of gigabytes is
 * written, and libFuzzer reports an out-of-memory. So memory here is as on a
 * small machine: an allocation over 32 MiB (twice what a 1 MiB message can
 * need) fails, with NULL, and the daemon must take that as it takes any
 * failed allocation in msgpack-c. */
const char *__asan_default_options(void);
const char *__asan_default_options(void) {
  return "allocator_may_return_null=1:max_allocation_size_mb=32";
}

#define MAX_TURNS 100000 /* loop turns a connection may take to go away */

static struct {
  bool ready;
  uv_loop_t loop;
  lbd_daemon *d;
  char dir[64], sock[100], conf[100];
  int baseline; /* handles of the idle daemon */
  msgpack_unpacker replies;
} F;

static void count_handle(uv_handle_t *h, void *arg) {
  (void)h;
  (*(int *)arg)++;
}

/* Open handles, closing ones included until their close callback has run. */
static int n_handles(void) {
  int n = 0;
  uv_walk(&F.loop, count_handle, &n);
  return n;
}

static void remove_files(void) {
  fuzz_remove_dir(F.dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc, (void)argv;
  if (F.ready)
    return 0;
  signal(SIGPIPE, SIG_IGN);
  /* A malformed message is a warning per input: quiet, unless asked. */
  if (!getenv("LUMBARD_FUZZ_VERBOSE"))
    lbu_log_set_max_level(LBU_ERR - 1);

  /* /tmp, not $TMPDIR: a socket path has room for 107 bytes only. */
  snprintf(F.dir, sizeof(F.dir), "/tmp/lumbard-fuzz-XXXXXX");
  FUZZ_CHECK(mkdtemp(F.dir) != NULL, "mkdtemp %s: %s", F.dir, strerror(errno));
  snprintf(F.sock, sizeof(F.sock), "%s/lumbard.sock", F.dir);
  snprintf(F.conf, sizeof(F.conf), "%s/lumbard.conf", F.dir);
  atexit(remove_files);
  /* What daemon.reload reads. No [daemon] log_level: the log stays quiet. */
  FILE *f = fopen(F.conf, "w");
  FUZZ_CHECK(f != NULL, "cannot write %s", F.conf);
  fputs("[fuzz]\nlabel = warm-up\n  with a continuation\n", f);
  fclose(f);

  char err[512];
  uv_loop_init(&F.loop);
  /* The daemon main() makes, on this directory, with the fuzz methods and
   * no plugin. */
  lbd_daemon_options o = {.config_path = F.conf,
                          .data_dir = F.dir,
                          .socket_path = F.sock,
                          .no_dbus = true,
                          .dbus_state = "disabled (fuzzing)"};
  F.d = lbd_daemon_new(&F.loop, &o, NULL, err, sizeof(err));
  FUZZ_CHECK(F.d != NULL, "%s", err);
  FUZZ_CHECK(lbd_daemon_start(F.d, err, sizeof(err)) == 0, "%s", err);
  const lbd_core *d = lbd_daemon_core(F.d);
  fuzz_methods_register(d);
  F.baseline = n_handles();
  FUZZ_CHECK(msgpack_unpacker_init(&F.replies, 64 * 1024), "out of memory");
  F.ready = true;
  return 0;
}

/* ---- what the daemon sends ------------------------------------------------- */

static void check_strings(const msgpack_object *o, const char *where) {
  switch (o->type) {
  case MSGPACK_OBJECT_STR:
    FUZZ_CHECK(lbu_utf8_valid(o->via.str.ptr, o->via.str.size),
               "%s: the daemon sent a string that is not UTF-8 (or holds a NUL): \"%.*s\"", where,
               (int)o->via.str.size, o->via.str.ptr);
    break;
  case MSGPACK_OBJECT_ARRAY:
    for (uint32_t i = 0; i < o->via.array.size; i++)
      check_strings(&o->via.array.ptr[i], where);
    break;
  case MSGPACK_OBJECT_MAP:
    for (uint32_t i = 0; i < o->via.map.size; i++) {
      check_strings(&o->via.map.ptr[i].key, where);
      check_strings(&o->via.map.ptr[i].val, where);
    }
    break;
  case MSGPACK_OBJECT_BIN:
  case MSGPACK_OBJECT_EXT:
    FUZZ_CHECK(false, "%s: the daemon sent binary data or an extension value", where);
    break;
  default:
    break;
  }
}

static bool str_is(const msgpack_object *o, const char *s) {
  return o->type == MSGPACK_OBJECT_STR && o->via.str.size == strlen(s) &&
         memcmp(o->via.str.ptr, s, o->via.str.size) == 0;
}

/* The answer to a request whose msgid is an integer out of the 32-bit
 * range: invalid_params to that msgid as it came (PROTOCOL.md, "msgid"). */
static bool answers_a_wide_msgid(const msgpack_object *o) {
  if (o->type != MSGPACK_OBJECT_ARRAY || o->via.array.size != 4)
    return false;
  const msgpack_object *a = o->via.array.ptr;
  bool wide = a[1].type == MSGPACK_OBJECT_NEGATIVE_INTEGER ||
              (a[1].type == MSGPACK_OBJECT_POSITIVE_INTEGER && a[1].via.u64 > UINT32_MAX);
  if (!wide || a[0].type != MSGPACK_OBJECT_POSITIVE_INTEGER || a[0].via.u64 != 1)
    return false;
  FUZZ_CHECK(a[2].type == MSGPACK_OBJECT_MAP && a[3].type == MSGPACK_OBJECT_NIL,
             "the answer to a msgid out of range is not an error");
  return true;
}

static void check_reply(const msgpack_object *o) {
  lb_rpc_msg msg;
  char err[256];
  if (answers_a_wide_msgid(o)) {
    check_strings(o, "a response");
    return;
  }
  int r = lb_rpc_parse(o, &msg, err, sizeof(err));
  FUZZ_CHECK(r == 0, "the daemon sent a malformed message: %s", err);
  FUZZ_CHECK(msg.type != LB_RPC_REQUEST, "the daemon sent a request");
  check_strings(o, msg.type == LB_RPC_RESPONSE ? "a response" : "a notification");
  if (msg.type == LB_RPC_NOTIFICATION) {
    FUZZ_CHECK(msg.params->via.array.size == 1 &&
                   msg.params->via.array.ptr[0].type == MSGPACK_OBJECT_MAP,
               "an event's params are not [fields]");
    return;
  }
  if (msg.error->type == MSGPACK_OBJECT_NIL)
    return;
  FUZZ_CHECK(msg.error->type == MSGPACK_OBJECT_MAP && msg.error->via.map.size == 2,
             "an error is not a map {code, message}");
  FUZZ_CHECK(msg.result->type == MSGPACK_OBJECT_NIL, "an error response carries a result");
  const msgpack_object_kv *kv = msg.error->via.map.ptr;
  FUZZ_CHECK(str_is(&kv[0].key, "code") && str_is(&kv[1].key, "message") &&
                 kv[1].val.type == MSGPACK_OBJECT_STR && kv[1].val.via.str.size > 0,
             "an error is not {code, message}");
  static const char *const codes[] = {"no_such_method", "invalid_params", "not_found",
                                      "conflict",       "too_large",      "internal"};
  bool known = false;
  for (size_t i = 0; i < LBU_ARRAY_SIZE(codes); i++)
    known |= str_is(&kv[0].val, codes[i]);
  FUZZ_CHECK(known, "the error code \"%.*s\" is not one of the protocol's",
             (int)kv[0].val.via.str.size, kv[0].val.via.str.ptr);
}

/* Read what the daemon has sent so far, checking each whole message. */
static void drain(int fd) {
  for (;;) {
    FUZZ_CHECK(msgpack_unpacker_reserve_buffer(&F.replies, 64 * 1024), "out of memory");
    ssize_t n = recv(fd, msgpack_unpacker_buffer(&F.replies),
                     msgpack_unpacker_buffer_capacity(&F.replies), 0);
    if (n <= 0) {
      FUZZ_CHECK(n == 0 || errno == EAGAIN || errno == ECONNRESET, "recv: %s", strerror(errno));
      return;
    }
    msgpack_unpacker_buffer_consumed(&F.replies, (size_t)n);
    msgpack_unpacked u;
    msgpack_unpacked_init(&u);
    msgpack_unpack_return r;
    while ((r = msgpack_unpacker_next(&F.replies, &u)) == MSGPACK_UNPACK_SUCCESS)
      check_reply(&u.data);
    FUZZ_CHECK(r == MSGPACK_UNPACK_CONTINUE, "the daemon sent bytes that are not MessagePack");
    msgpack_unpacked_destroy(&u);
  }
}

/* ---- the client ---------------------------------------------------------------- */

static void turn(void) {
  /* A deferred answer waits on a timer a few ms away: sleep until it, rather
   * than spin. Otherwise only what is ready now. */
  uv_run(&F.loop, fuzz_methods_deferred() > 0 ? UV_RUN_ONCE : UV_RUN_NOWAIT);
}

/* Write all of buf unless the daemon has closed the connection; false then. */
static bool write_all(int fd, const uint8_t *buf, size_t len) {
  size_t off = 0;
  for (int turns = 0; off < len; turns++) {
    FUZZ_CHECK(turns < MAX_TURNS, "the daemon stopped reading");
    ssize_t n = send(fd, buf + off, len - off, MSG_NOSIGNAL);
    if (n > 0) {
      off += (size_t)n;
      continue;
    }
    if (errno == EPIPE || errno == ECONNRESET)
      return false;
    FUZZ_CHECK(errno == EAGAIN, "send: %s", strerror(errno));
    turn();
    drain(fd);
  }
  return true;
}

static void emit_tick(void) {
  char err[256];
  lb_value fields = LB_MAP({"n", lb_v_uint(0)}, {"payload", lb_v_str("end of input")});
  int r = lbd_events_emit(lbd_daemon_core(F.d)->events, NULL, "fuzz", "tick", &fields, err,
                          sizeof(err));
  FUZZ_CHECK(r == 0, "emitting fuzz.tick: %s", err);
}

/* ---- the size scanner against msgpack-c ------------------------------------ */

/* lb_rpc_scan (proto/scan.c) reads the sizes a message's headers announce
 * before msgpack-c does, and the daemon gives up a connection on its word: it
 * must never refuse a message msgpack-c reads whole. (Every element takes a
 * byte, so a whole message under 1 MiB, as every input here is, announces
 * less than the limit.) The stream goes to the scanner in the pieces the
 * daemon gets; msgpack-c says where each message begins and ends. */
static void check_scanner(const uint8_t *data, size_t size, const size_t cut[5]) {
  size_t refused_at = SIZE_MAX; /* a byte of the refused message */
  lb_rpc_scan scan;
  lb_rpc_scan_init(&scan);
  for (int i = 0; i < 4 && refused_at == SIZE_MAX; i++) {
    size_t start;
    if (lb_rpc_scan_feed(&scan, data + cut[i], cut[i + 1] - cut[i], &start) < 0)
      refused_at = start != SIZE_MAX ? cut[i] + start : cut[i]; /* SIZE_MAX: still going */
  }
  if (refused_at == SIZE_MAX)
    return;
  msgpack_unpacked u;
  msgpack_unpacked_init(&u);
  size_t off = 0, begin = 0;
  while (msgpack_unpack_next(&u, (const char *)data, size, &off) == MSGPACK_UNPACK_SUCCESS) {
    /* A message the scanner refused started before refused_at, and took in
     * its byte unless it began exactly there. */
    FUZZ_CHECK(!(begin <= refused_at && refused_at < off),
               "lb_rpc_scan refused the message at bytes %zu..%zu, which msgpack-c reads "
               "whole",
               begin, off);
    begin = off;
  }
  msgpack_unpacked_destroy(&u);
}

static int by_value(const void *a, const void *b) {
  size_t x = *(const size_t *)a, y = *(const size_t *)b;
  return (x > y) - (x < y);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  LLVMFuzzerInitialize(NULL, NULL);

  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  FUZZ_CHECK(fd >= 0, "socket: %s", strerror(errno));
  struct sockaddr_un sa = {.sun_family = AF_UNIX};
  snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", F.sock);
  FUZZ_CHECK(connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0, "connect: %s", strerror(errno));
  for (int turns = 0; lbd_daemon_n_clients(F.d) == 0; turns++) {
    FUZZ_CHECK(turns < MAX_TURNS, "the daemon does not accept the connection");
    turn();
  }

  /* Cut points from a hash of the input (FNV-1a): the same input is always
   * delivered the same way. */
  uint64_t h = 1469598103934665603ull;
  for (size_t i = 0; i < size; i++)
    h = (h ^ data[i]) * 1099511628211ull;
  size_t cut[5] = {0, (h & 0xffff) % (size + 1), (h >> 16 & 0xffff) % (size + 1),
                   (h >> 32 & 0xffff) % (size + 1), size};
  qsort(cut + 1, 3, sizeof(cut[0]), by_value);
  check_scanner(data, size, cut);
  bool open = true;
  for (int i = 0; i < 4 && open; i++) {
    if (cut[i + 1] > cut[i])
      open = write_all(fd, data + cut[i], cut[i + 1] - cut[i]);
    turn();
    drain(fd);
  }

  emit_tick();
  turn();
  drain(fd);
  shutdown(fd, SHUT_WR);

  /* Until the connection is gone: closed, freed, every deferred call answered. */
  for (int turns = 0;; turns++) {
    turn();
    drain(fd);
    if (lbd_daemon_n_clients(F.d) == 0 && lbd_calls_pending(lbd_daemon_core(F.d)->calls) == 0 &&
        fuzz_methods_deferred() == 0 && n_handles() == F.baseline)
      break;
    FUZZ_CHECK(turns < MAX_TURNS,
               "the connection is still there %d loop turns after the client left (%zu clients, "
               "%zu calls pending, %d handles, %d when idle)",
               MAX_TURNS, lbd_daemon_n_clients(F.d), lbd_calls_pending(lbd_daemon_core(F.d)->calls),
               n_handles(), F.baseline);
  }
  drain(fd);
  close(fd);
  /* A message cut off by the close is not checked: start the next input clean. */
  msgpack_unpacker_destroy(&F.replies);
  FUZZ_CHECK(msgpack_unpacker_init(&F.replies, 64 * 1024), "out of memory");
  return 0;
}
