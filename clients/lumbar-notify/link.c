/* The link to the daemon: a libuv pipe to its socket, MessagePack-RPC
 * through the client codec, answers matched by msgid, and a reconnect with
 * backoff whenever the daemon is not there. Each connection attempt has a
 * pipe and a codec of its own; a pipe is freed in its close callback. */
#include "notify.h"

#include <errno.h>
#include <lumbard/client_codec.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "util.h"

enum { BACKOFF_FIRST_MS = 250, BACKOFF_MAX_MS = 10000 };

typedef struct pending {
  uint32_t msgid;
  ln_reply_fn fn;
  void *ud;
  struct pending *next;
} pending;

typedef struct conn {
  uv_pipe_t pipe;
  uv_connect_t connect;
  ln_link *link; /* NULL once the link dropped it */
  lbc_client_codec *codec;
} conn;

struct ln_link {
  uv_loop_t *loop;
  char *path;
  char **patterns;
  size_t n_patterns;
  ln_link_cbs cbs;
  void *ud;
  conn *conn;        /* the current attempt or connection; NULL while waiting */
  bool up;           /* subscribed */
  bool said_down;    /* "not running" said since the last connection */
  bool said_refused; /* "another user's socket" said since the last connection */
  uint32_t subscribe_msgid;
  uint64_t backoff_ms;
  uv_timer_t retry;
  pending *pending;
};

static void connect_now(ln_link *l);

static void retry_now(uv_timer_t *t) {
  connect_now(t->data);
}

static void conn_closed(uv_handle_t *h) {
  conn *c = h->data;
  lbc_client_codec_free(c->codec);
  free(c);
}

static void fail_pending(ln_link *l) {
  pending *p = l->pending;
  l->pending = NULL;
  while (p) {
    pending *next = p->next;
    if (p->fn)
      p->fn(p->ud, NULL, "unavailable", "the connection to lumbard was lost");
    free(p);
    p = next;
  }
}

/* Drop the current connection and try again after the backoff. */
static void drop(ln_link *l, const char *why) {
  conn *c = l->conn;
  bool was_up = l->up;
  l->conn = NULL;
  l->up = false;
  if (c) {
    c->link = NULL;
    uv_close((uv_handle_t *)&c->pipe, conn_closed);
  }
  if (was_up)
    lbu_notice("lost lumbard (%s); trying again", why);
  else if (!l->said_down)
    lbu_notice("lumbard is not there on %s (%s); waiting for it", l->path, why);
  else
    lbu_debug("lumbard still not there (%s); next try in %llu ms", why,
              (unsigned long long)l->backoff_ms);
  l->said_down = true;
  fail_pending(l);
  uv_timer_start(&l->retry, retry_now, l->backoff_ms, 0);
  l->backoff_ms = l->backoff_ms * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS : l->backoff_ms * 2;
}

typedef struct write_req {
  uv_write_t req;
  char *data;
} write_req;

static void written(uv_write_t *req, int status) {
  write_req *w = (write_req *)req;
  conn *c = req->handle->data;
  free(w->data);
  free(w);
  if (status < 0 && status != UV_ECANCELED && c->link && c->link->conn == c)
    drop(c->link, uv_strerror(status));
}

static int send_request(ln_link *l, const char *method, const void *params, size_t len,
                        uint32_t *ret_msgid) {
  msgpack_sbuffer sb;
  msgpack_sbuffer_init(&sb);
  int r = lbc_client_codec_pack_request(l->conn->codec, &sb, method, params, len, ret_msgid);
  if (r < 0) {
    msgpack_sbuffer_destroy(&sb);
    return r;
  }
  write_req *w = lbu_xmalloc(sizeof(*w));
  size_t size = sb.size;
  w->data = msgpack_sbuffer_release(&sb); /* ours now; sb is empty */
  uv_buf_t buf = uv_buf_init(w->data, (unsigned)size);
  r = uv_write(&w->req, (uv_stream_t *)&l->conn->pipe, &buf, 1, written);
  if (r < 0) {
    free(w->data);
    free(w);
    return -EPIPE;
  }
  return 0;
}

static void on_message(ln_link *l, lbc_client_msg *m) {
  switch (lbc_client_msg_type(m)) {
  case LB_RPC_NOTIFICATION: {
    const msgpack_object *params = lbc_client_msg_params(m);
    const msgpack_object *fields =
        params && params->type == MSGPACK_OBJECT_ARRAY && params->via.array.size > 0
            ? &params->via.array.ptr[0]
            : NULL;
    if (fields && fields->type == MSGPACK_OBJECT_MAP && l->cbs.event)
      l->cbs.event(l->ud, lbc_client_msg_method(m), fields);
    else
      lbu_debug("event %s without a map of fields: ignored", lbc_client_msg_method(m));
    break;
  }
  case LB_RPC_RESPONSE: {
    uint32_t id = lbc_client_msg_msgid(m);
    if (id == l->subscribe_msgid && !l->up) {
      if (!lbc_client_msg_result(m)) {
        lbu_err("lumbard refused the subscription: %s", lbc_client_msg_error_message(m));
        return;
      }
      l->up = true;
      l->said_down = l->said_refused = false;
      l->backoff_ms = BACKOFF_FIRST_MS;
      lbu_notice("connected to lumbard on %s", l->path);
      if (l->cbs.up)
        l->cbs.up(l->ud);
      return;
    }
    for (pending **pp = &l->pending; *pp; pp = &(*pp)->next) {
      if ((*pp)->msgid != id)
        continue;
      pending *p = *pp;
      *pp = p->next;
      if (p->fn)
        p->fn(p->ud, lbc_client_msg_result(m), lbc_client_msg_error_code(m),
              lbc_client_msg_error_message(m));
      free(p);
      return;
    }
    lbu_debug("an answer to no call of ours (msgid %u): ignored", id);
    break;
  }
  default:
    lbu_debug("a request from lumbard: ignored");
  }
}

static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf) {
  conn *c = h->data;
  char *p;
  size_t len;
  if (lbc_client_codec_buffer(c->codec, suggested, &p, &len) < 0) {
    *buf = uv_buf_init(NULL, 0); /* UV_ENOBUFS in on_read */
    return;
  }
  *buf = uv_buf_init(p, (unsigned)len);
}

static void on_read(uv_stream_t *s, ssize_t n, const uv_buf_t *buf) {
  (void)buf;
  conn *c = s->data;
  ln_link *l = c->link;
  if (!l || n == 0)
    return;
  if (n < 0) {
    drop(l, n == UV_EOF ? "it closed the connection" : uv_strerror((int)n));
    return;
  }
  lbc_client_codec_consumed(c->codec, (size_t)n);
  for (;;) {
    lbc_client_msg *m = NULL;
    int r = lbc_client_codec_next(c->codec, &m);
    if (r == 0)
      return;
    if (r < 0) {
      drop(l, lbc_client_codec_error(c->codec));
      return;
    }
    on_message(l, m);
    lbc_client_msg_free(m);
    /* A callback may have dropped this connection. */
    if (l->conn != c)
      return;
  }
}

static void on_connect(uv_connect_t *req, int status) {
  conn *c = req->data;
  ln_link *l = c->link;
  if (!l || status == UV_ECANCELED)
    return;
  if (status < 0) {
    drop(l, status == UV_ENOENT ? "no socket" : uv_strerror(status));
    return;
  }
  /* Before the subscribe goes out: on the /tmp fallback another user may
   * have listened first. Said once; the retries go on, since the socket may
   * be cleaned up and our daemon start. */
  uv_os_fd_t fd;
  char why[1024] = "";
  int r = uv_fileno((uv_handle_t *)&c->pipe, &fd);
  if (r < 0) {
    drop(l, uv_strerror(r));
    return;
  }
  if (lb_socket_check_peer(fd, l->path, l->said_refused ? NULL : why, sizeof(why)) < 0) {
    if (!l->said_refused)
      lbu_err("%s", why);
    l->said_refused = l->said_down = true; /* a "not there" notice would mislead */
    drop(l, "another user's socket");
    return;
  }
  /* Subscribe as many patterns as were given: ["daemon.subscribe", [[p...]]]. */
  msgpack_sbuffer sb;
  msgpack_sbuffer_init(&sb);
  msgpack_packer pk;
  msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
  msgpack_pack_array(&pk, 1);
  msgpack_pack_array(&pk, l->n_patterns);
  for (size_t i = 0; i < l->n_patterns; i++)
    lb_rpc_pack_str(&pk, l->patterns[i]);
  r = uv_read_start((uv_stream_t *)&c->pipe, on_alloc, on_read);
  if (r == 0)
    r = send_request(l, "daemon.subscribe", sb.data, sb.size, &l->subscribe_msgid);
  msgpack_sbuffer_destroy(&sb);
  if (r < 0)
    drop(l, "cannot subscribe");
}

static void connect_now(ln_link *l) {
  conn *c = lbu_xcalloc(1, sizeof(*c));
  c->link = l;
  if (lbc_client_codec_new(&c->codec) < 0 || uv_pipe_init(l->loop, &c->pipe, 0) < 0) {
    lbc_client_codec_free(c->codec);
    free(c);
    l->conn = NULL;
    drop(l, "out of memory");
    return;
  }
  c->pipe.data = c;
  c->connect.data = c;
  l->conn = c;
  uv_pipe_connect(&c->connect, &c->pipe, l->path, on_connect);
}

ln_link *ln_link_new(uv_loop_t *loop, const char *path, const char *const *patterns,
                     size_t n_patterns, const ln_link_cbs *cbs, void *ud) {
  ln_link *l = lbu_xcalloc(1, sizeof(*l));
  l->loop = loop;
  l->path = lbu_xstrdup(path);
  l->patterns = lbu_xcalloc(n_patterns, sizeof(char *));
  for (size_t i = 0; i < n_patterns; i++)
    l->patterns[i] = lbu_xstrdup(patterns[i]);
  l->n_patterns = n_patterns;
  l->cbs = *cbs;
  l->ud = ud;
  l->backoff_ms = BACKOFF_FIRST_MS;
  uv_timer_init(loop, &l->retry);
  l->retry.data = l;
  connect_now(l);
  return l;
}

int ln_link_call(ln_link *l, const char *method, const void *params, size_t params_len,
                 ln_reply_fn fn, void *fn_ud) {
  if (!l->up)
    return -ENOTCONN;
  uint32_t msgid;
  int r = send_request(l, method, params, params_len, &msgid);
  if (r < 0)
    return r;
  pending *p = lbu_xmalloc(sizeof(*p));
  *p = (pending){msgid, fn, fn_ud, l->pending};
  l->pending = p;
  return 0;
}

static void link_freed(uv_handle_t *h) {
  ln_link *l = h->data;
  for (size_t i = 0; i < l->n_patterns; i++)
    free(l->patterns[i]);
  free(l->patterns);
  free(l->path);
  free(l);
}

void ln_link_free(ln_link *l) {
  if (!l)
    return;
  if (l->conn) {
    l->conn->link = NULL;
    uv_close((uv_handle_t *)&l->conn->pipe, conn_closed);
    l->conn = NULL;
  }
  l->up = false;
  fail_pending(l);
  uv_close((uv_handle_t *)&l->retry, link_freed);
}
