/* The blocking client: the codec of client_codec.c over a connected socket. */
#include "lumbard/client.h"

#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define READ_CHUNK (64 * 1024)

struct lbc_client {
  int fd;
  int timeout_ms; /* how long a call waits for its answer; < 0: for ever */
  char *path;
  lbc_client_codec *codec;
  /* The last response or event handed out: what the caller's pointers point
   * into, freed at the next call. */
  lbc_client_msg *current;
  /* Events that came while a call waited for its response, oldest first.
   * Unbounded: a caller that subscribes drains it with next_event(). */
  lbc_client_msg **queue;
  size_t q_head, q_len, q_cap;
  /* After -EREMOTEIO these point into current; else code is NULL and
   * message is error[], our own words. */
  const char *error_code, *error_message;
  char error[512];
};

static int finish_connect(int fd) {
  struct pollfd pfd = {.fd = fd, .events = POLLOUT};
  int n, err = 0;
  socklen_t len = sizeof(err);
  do
    n = poll(&pfd, 1, -1);
  while (n < 0 && errno == EINTR);
  if (n < 0 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
    return -errno;
  return -err;
}

int lbc_client_connect_err(const char *path, lbc_client **ret, char *err, size_t errlen) {
  char def[sizeof(((struct sockaddr_un *)0)->sun_path)];
  struct sockaddr_un sa = {.sun_family = AF_UNIX};
  if (!path && lb_socket_path_default(def, sizeof(def)) < 0) {
    if (err && errlen)
      snprintf(err, errlen, "the default socket path is longer than %zu bytes; pass --socket",
               sizeof(sa.sun_path) - 1);
    return -ENAMETOOLONG;
  }
  if (!path)
    path = def;
  if (strlen(path) >= sizeof(sa.sun_path)) {
    if (err && errlen)
      snprintf(err, errlen, "the socket path %s is longer than %zu bytes", path,
               sizeof(sa.sun_path) - 1);
    return -ENAMETOOLONG;
  }
  strcpy(sa.sun_path, path);

  lbc_client *c = calloc(1, sizeof(*c));
  if (!c) {
    if (err && errlen)
      snprintf(err, errlen, "cannot connect to %s: %s", path, strerror(ENOMEM));
    return -ENOMEM;
  }
  c->fd = -1;
  c->timeout_ms = -1;
  int r = -ENOMEM;
  c->path = strdup(path);
  if (!c->path || lbc_client_codec_new(&c->codec) < 0)
    goto fail;
  c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (c->fd < 0) {
    r = -errno;
    goto fail;
  }
  if (connect(c->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
    r = -errno;
    /* Interrupted, the connection goes on by itself: wait for its outcome
     * rather than connect again, which would say EALREADY. */
    if (r == -EINTR)
      r = finish_connect(c->fd);
    if (r < 0)
      goto fail;
  }
  /* Before a byte goes out: on the /tmp fallback another user may have
   * listened first, and would be sent every request (a whole diary entry). A
   * peer that cannot be told is refused too. */
  r = lb_socket_check_peer(c->fd, path, err, errlen);
  if (r < 0) {
    r = -EPERM;
    goto fail_said;
  }
  *ret = c;
  return 0;

fail:
  if (err && errlen)
    snprintf(err, errlen, "cannot connect to %s: %s", path, strerror(-r));
fail_said:
  lbc_client_close(c);
  return r;
}

int lbc_client_connect(const char *path, lbc_client **ret) {
  return lbc_client_connect_err(path, ret, NULL, 0);
}

static void drop_queue(lbc_client *c) {
  for (size_t i = c->q_head; i < c->q_len; i++)
    lbc_client_msg_free(c->queue[i]);
  c->q_head = c->q_len = 0;
}

lbc_client *lbc_client_close(lbc_client *c) {
  if (!c)
    return NULL;
  if (c->fd >= 0)
    close(c->fd);
  drop_queue(c);
  free(c->queue);
  lbc_client_msg_free(c->current);
  lbc_client_codec_free(c->codec);
  free(c->path);
  free(c);
  return NULL;
}

void lbc_client_set_timeout(lbc_client *c, int timeout_ms) {
  c->timeout_ms = timeout_ms;
}

const char *lbc_client_path(const lbc_client *c) {
  return c->path;
}
int lbc_client_fd(const lbc_client *c) {
  return c->fd;
}
size_t lbc_client_n_queued(const lbc_client *c) {
  return c->q_len - c->q_head;
}
const char *lbc_client_error_code(const lbc_client *c) {
  return c->error_code;
}
const char *lbc_client_error_message(const lbc_client *c) {
  return c->error_message ? c->error_message : c->error;
}

/* A new call or wait starts: what the caller held from the last one goes. */
static void begin(lbc_client *c) {
  c->current = lbc_client_msg_free(c->current);
  c->error_code = c->error_message = NULL;
  c->error[0] = '\0';
}

/* The connection is out of use from here on; say why. */
__attribute__((format(printf, 3, 4))) static int broken(lbc_client *c, int r, const char *fmt,
                                                        ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(c->error, sizeof(c->error), fmt, ap);
  va_end(ap);
  if (c->fd >= 0) {
    close(c->fd);
    c->fd = -1;
  }
  return r;
}

static int closed_error(lbc_client *c) {
  snprintf(c->error, sizeof(c->error), "the connection to the daemon is closed");
  return -ENOTCONN;
}

static int enqueue(lbc_client *c, lbc_client_msg *m) {
  if (c->q_head > 0 && c->q_head == c->q_len)
    c->q_head = c->q_len = 0;
  if (c->q_len == c->q_cap) {
    if (c->q_head > 0) {
      memmove(c->queue, c->queue + c->q_head, (c->q_len - c->q_head) * sizeof(*c->queue));
      c->q_len -= c->q_head;
      c->q_head = 0;
    } else {
      size_t cap = c->q_cap ? c->q_cap * 2 : 16;
      lbc_client_msg **q = realloc(c->queue, cap * sizeof(*q));
      if (!q)
        return -ENOMEM;
      c->queue = q;
      c->q_cap = cap;
    }
  }
  c->queue[c->q_len++] = m;
  return 0;
}

static int send_all(lbc_client *c, const char *p, size_t len) {
  while (len > 0) {
    ssize_t n = send(c->fd, p, len, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      return -errno;
    }
    p += n;
    len -= (size_t)n;
  }
  return 0;
}

static int64_t now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Wait for bytes (until deadline_ms on CLOCK_MONOTONIC, for ever when < 0)
 * and hand what came to the codec. */
static int fill(lbc_client *c, int64_t deadline_ms, const sigset_t *sigmask) {
  struct pollfd pfd = {.fd = c->fd, .events = POLLIN};
  struct timespec ts, *tsp = NULL;
  if (deadline_ms >= 0) {
    int64_t left = deadline_ms - now_ms();
    if (left < 0)
      left = 0;
    ts.tv_sec = left / 1000;
    ts.tv_nsec = left % 1000 * 1000000;
    tsp = &ts;
  }
  int n = ppoll(&pfd, 1, tsp, sigmask);
  if (n < 0) {
    int e = errno;
    if (e != EINTR)
      snprintf(c->error, sizeof(c->error), "waiting for the daemon: %s", strerror(e));
    return -e;
  }
  if (n == 0)
    return -ETIMEDOUT;

  char *buf;
  size_t cap;
  if (lbc_client_codec_buffer(c->codec, READ_CHUNK, &buf, &cap) < 0)
    return -ENOMEM;
  ssize_t got;
  do
    got = recv(c->fd, buf, cap, 0);
  while (got < 0 && errno == EINTR);
  /* A reset comes when the daemon closed before reading all we sent; what
   * it sent before closing has been read by then, so it is the same end. */
  if (got == 0 || (got < 0 && errno == ECONNRESET))
    return broken(c, -ECONNRESET, "the daemon closed the connection");
  if (got < 0) {
    int e = errno;
    return broken(c, -e, "reading from the daemon: %s", strerror(e));
  }
  lbc_client_codec_consumed(c->codec, (size_t)got);
  return 0;
}

/* The next message the codec has whole, or NULL when it needs bytes. */
static int next_msg(lbc_client *c, lbc_client_msg **ret) {
  int r = lbc_client_codec_next(c->codec, ret);
  if (r == -ENOMEM)
    return r;
  if (r < 0)
    return broken(c, r, "%s", lbc_client_codec_error(c->codec));
  return 0;
}

int lbc_client_call(lbc_client *c, const char *method, const void *params, size_t params_len,
                    const msgpack_object **ret_result) {
  begin(c);
  if (c->fd < 0)
    return closed_error(c);

  msgpack_sbuffer sb;
  msgpack_sbuffer_init(&sb);
  uint32_t msgid;
  int r = lbc_client_codec_pack_request(c->codec, &sb, method, params, params_len, &msgid);
  if (r == 0) {
    r = send_all(c, sb.data, sb.size);
    /* The daemon closed its end; it may have said why first (an answer to
     * this request, then a close), so read on: what it sent, or the end. */
    if (r == -EPIPE || r == -ECONNRESET)
      r = 0;
    else if (r < 0)
      broken(c, r, "sending to the daemon: %s", strerror(-r));
  } else if (r == -E2BIG) {
    snprintf(c->error, sizeof(c->error), "the request is over the 1 MiB limit of one message");
  } else if (r == -EINVAL) {
    snprintf(c->error, sizeof(c->error), "the params of %s are not one packed array", method);
  }
  msgpack_sbuffer_destroy(&sb);
  if (r < 0)
    return r;

  int64_t deadline = c->timeout_ms < 0 ? -1 : now_ms() + c->timeout_ms;
  for (;;) {
    lbc_client_msg *m;
    r = next_msg(c, &m);
    if (r < 0)
      return r;
    if (!m) {
      r = fill(c, deadline, NULL);
      if (r == -ETIMEDOUT) /* its answer, should it come, is dropped as stale */
        snprintf(c->error, sizeof(c->error),
                 "no answer to %s within %d s: is lumbard stopped (kill -CONT) or stuck?", method,
                 (c->timeout_ms + 999) / 1000);
      if (r < 0)
        return r;
      continue;
    }
    switch (lbc_client_msg_type(m)) {
    case LB_RPC_NOTIFICATION:
      r = enqueue(c, m);
      if (r < 0) {
        lbc_client_msg_free(m);
        return r;
      }
      continue;
    case LB_RPC_RESPONSE:
      if (lbc_client_msg_msgid(m) == msgid)
        break;
      /* An answer to a call given up on earlier (interrupted): stale. */
      lbc_client_msg_free(m);
      continue;
    case LB_RPC_REQUEST:
      /* lumbard sends no requests; a server that does gets no answer. */
      lbc_client_msg_free(m);
      continue;
    }
    c->current = m;
    if (lbc_client_msg_error_code(m)) {
      c->error_code = lbc_client_msg_error_code(m);
      c->error_message = lbc_client_msg_error_message(m);
      return -EREMOTEIO;
    }
    if (ret_result)
      *ret_result = lbc_client_msg_result(m);
    return 0;
  }
}

int lbc_client_subscribe(lbc_client *c, const char *const *patterns, size_t n,
                         const msgpack_object **ret_result) {
  msgpack_sbuffer sb;
  msgpack_packer pk;
  msgpack_sbuffer_init(&sb);
  msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
  msgpack_pack_array(&pk, 1);
  msgpack_pack_array(&pk, n);
  for (size_t i = 0; i < n; i++)
    lb_rpc_pack_str(&pk, patterns[i]);
  int r = lbc_client_call(c, "daemon.subscribe", sb.data, sb.size, ret_result);
  msgpack_sbuffer_destroy(&sb);
  return r;
}

static int hand_out(lbc_client *c, lbc_client_msg *m, const char **ret_name,
                    const msgpack_object **ret_params) {
  c->current = m;
  if (ret_name)
    *ret_name = lbc_client_msg_method(m);
  if (ret_params)
    *ret_params = lbc_client_msg_params(m);
  return 0;
}

int lbc_client_next_event(lbc_client *c, int timeout_ms, const sigset_t *sigmask,
                          const char **ret_name, const msgpack_object **ret_params) {
  begin(c);
  if (c->q_head < c->q_len)
    return hand_out(c, c->queue[c->q_head++], ret_name, ret_params);
  if (c->fd < 0)
    return closed_error(c);

  int64_t deadline = timeout_ms < 0 ? -1 : now_ms() + timeout_ms;
  for (;;) {
    lbc_client_msg *m;
    int r = next_msg(c, &m);
    if (r < 0)
      return r;
    if (!m) {
      r = fill(c, deadline, sigmask);
      if (r < 0)
        return r;
      continue;
    }
    if (lbc_client_msg_type(m) == LB_RPC_NOTIFICATION)
      return hand_out(c, m, ret_name, ret_params);
    /* Stale responses and requests, as in lbc_client_call(). */
    lbc_client_msg_free(m);
  }
}
