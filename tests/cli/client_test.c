/* The blocking client against a socket this test serves itself, one thread:
 * the "daemon's" bytes are written before the client reads them, which the
 * socket buffers allow. Covers what lumbarctl does not reach: timeouts,
 * interruption by a signal, and use after the connection broke. */
#include <errno.h>
#include <lumbard/client.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "check.h" /* tests/unit/check.h */

static int sb_write(void *data, const char *buf, size_t len) {
  return msgpack_sbuffer_write(data, buf, len);
}

/* Send what the packing callback packs, as the daemon's side. */
static void daemon_says(int fd, void (*pack)(msgpack_packer *pk)) {
  msgpack_sbuffer sb;
  msgpack_packer pk;
  msgpack_sbuffer_init(&sb);
  msgpack_packer_init(&pk, &sb, sb_write);
  pack(&pk);
  if (write(fd, sb.data, sb.size) != (ssize_t)sb.size) {
    perror("write");
    exit(1);
  }
  msgpack_sbuffer_destroy(&sb);
}

static void event_then_pong(msgpack_packer *pk) {
  lb_rpc_pack_notification(pk, "rest.started", 1);
  msgpack_pack_map(pk, 1);
  lb_rpc_pack_str(pk, "id");
  msgpack_pack_uint8(pk, 1);
  lb_rpc_pack_response_ok(pk, 1);
  lb_rpc_pack_str(pk, "pong");
  lb_rpc_pack_notification(pk, "rest.finished", 0);
}

static void not_found(msgpack_packer *pk) {
  lb_rpc_pack_response_error(pk, 2, LB_RPC_NOT_FOUND, "no rest 9");
}

static void conflict(msgpack_packer *pk) {
  lb_rpc_pack_response_error(pk, 3, LB_RPC_CONFLICT, "a rest is running");
}

static int64_t now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void on_usr1(int sig) {
  (void)sig;
}

static void connection_round_trip(void) {
  char dir[] = "/tmp/lumbard-client-test.XXXXXX";
  if (!mkdtemp(dir)) {
    perror("mkdtemp");
    exit(1);
  }
  struct sockaddr_un sa = {.sun_family = AF_UNIX};
  snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/s.sock", dir);
  int srv = socket(AF_UNIX, SOCK_STREAM, 0);
  if (srv < 0 || bind(srv, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(srv, 1) < 0) {
    perror("listen");
    exit(1);
  }

  lbc_client *c = NULL;
  CHECK_INT(lbc_client_connect(sa.sun_path, &c), 0);
  if (!c)
    exit(1);
  int peer = accept(srv, NULL, NULL);
  CHECK_STR(lbc_client_path(c), sa.sun_path);

  /* An event before the response and one after: the call gets its answer,
   * both events wait in the queue, in order. */
  daemon_says(peer, event_then_pong);
  const msgpack_object *result = NULL;
  CHECK_INT(lbc_client_call(c, "daemon.ping", NULL, 0, &result), 0);
  CHECK(result && result->type == MSGPACK_OBJECT_STR && result->via.str.size == 4 &&
            memcmp(result->via.str.ptr, "pong", 4) == 0,
        "the result should be \"pong\"");
  CHECK_INT(lbc_client_n_queued(c), 1);
  const char *name = NULL;
  const msgpack_object *params = NULL;
  CHECK_INT(lbc_client_next_event(c, 0, NULL, &name, &params), 0);
  CHECK_STR(name, "rest.started");
  CHECK(params && params->type == MSGPACK_OBJECT_ARRAY && params->via.array.size == 1,
        "params should be [fields]");
  CHECK_INT(lbc_client_next_event(c, 1000, NULL, &name, &params), 0);
  CHECK_STR(name, "rest.finished");

  /* Nothing more comes: the wait ends at its timeout. */
  int64_t t0 = now_ms();
  CHECK_INT(lbc_client_next_event(c, 50, NULL, &name, &params), -ETIMEDOUT);
  int64_t waited = now_ms() - t0;
  CHECK(waited >= 45 && waited < 1000, "waited %lld ms for a 50 ms timeout", (long long)waited);

  /* A signal blocked outside the wait and let in by the wait's mask ends it,
   * even when it came before the wait began. */
  sigset_t usr1, wait_mask;
  sigemptyset(&usr1);
  sigaddset(&usr1, SIGUSR1);
  sigprocmask(SIG_BLOCK, &usr1, &wait_mask);
  sigdelset(&wait_mask, SIGUSR1);
  struct sigaction act = {.sa_handler = on_usr1};
  sigaction(SIGUSR1, &act, NULL);
  raise(SIGUSR1);
  t0 = now_ms();
  CHECK_INT(lbc_client_next_event(c, 5000, &wait_mask, &name, &params), -EINTR);
  CHECK(now_ms() - t0 < 1000, "the signal should end the wait at once");

  /* The daemon says no: its code and message. The connection stays. */
  daemon_says(peer, not_found);
  CHECK_INT(lbc_client_call(c, "rest.cancel", "\x91\x09", 2, &result), -EREMOTEIO);
  CHECK_STR(lbc_client_error_code(c), "not_found");
  CHECK_STR(lbc_client_error_message(c), "no rest 9");
  CHECK(lbc_client_fd(c) >= 0, "an error answer leaves the connection open");

  /* Params that are not one array are refused without sending. */
  CHECK_INT(lbc_client_call(c, "x.y", "\x01", 1, &result), -EINVAL);

  /* The daemon answers and closes before it reads the request (as it does
   * for a message over its limits): the answer still comes through. */
  daemon_says(peer, conflict);
  close(peer);
  CHECK_INT(lbc_client_call(c, "rest.start", NULL, 0, &result), -EREMOTEIO);
  CHECK_STR(lbc_client_error_code(c), "conflict");

  /* Then the end: the call says so, and the client is closed. */
  CHECK_INT(lbc_client_call(c, "daemon.ping", NULL, 0, &result), -ECONNRESET);
  CHECK(strstr(lbc_client_error_message(c), "closed the connection"), "error says: %s",
        lbc_client_error_message(c));
  CHECK_INT(lbc_client_fd(c), -1);
  CHECK_INT(lbc_client_call(c, "daemon.ping", NULL, 0, &result), -ENOTCONN);
  CHECK_INT(lbc_client_next_event(c, 0, NULL, &name, &params), -ENOTCONN);
  lbc_client_close(c);
  CHECK(lbc_client_close(NULL) == NULL, "closing NULL is a no-op");

  /* No daemon at all. */
  unlink(sa.sun_path);
  c = NULL;
  CHECK_INT(lbc_client_connect(sa.sun_path, &c), -ENOENT);
  CHECK(c == NULL, "no client on failure");

  close(srv);
  rmdir(dir);
}

RUN_TESTS(T(connection_round_trip))
