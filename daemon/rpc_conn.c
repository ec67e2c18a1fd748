#include "rpc_conn.h"

#include <errno.h>
#include <lumbard/rpc.h>
#include <msgpack.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "call.h"
#include "log.h"
#include "util.h"
#include "value.h"

#define HEAD_BYTES 16 /* enough of a message's start to read its msgid */
#define READ_CHUNK (64 * 1024)

struct lb_rpc_conn {
  lb_rpc_server *server;
  lb_rpc_conn *prev, *next;
  uv_pipe_t pipe;
  uint64_t id;
  pid_t pid;
  int refs;
  bool closing;
  msgpack_unpacker unpacker;
  msgpack_unpacked unpacked;
  /* The first bytes of the message being read, so that a message over a
   * limit can still be answered by its msgid. */
  unsigned char head[HEAD_BYTES];
  size_t head_len;
  char **patterns;
  size_t n_patterns;
};

typedef struct write_req {
  uv_write_t req;
  lb_buf *buf;
} write_req;

lb_rpc_conn *lb_rpc_conn_next(const lb_rpc_conn *c) {
  return c->next;
}

void lb_rpc_conn_link(lb_rpc_conn **head, lb_rpc_conn *c) {
  c->prev = NULL;
  c->next = *head;
  if (*head)
    (*head)->prev = c;
  *head = c;
}

void lb_rpc_conn_unlink(lb_rpc_conn **head, lb_rpc_conn *c) {
  if (c->prev)
    c->prev->next = c->next;
  else if (*head == c)
    *head = c->next;
  if (c->next)
    c->next->prev = c->prev;
  c->prev = c->next = NULL;
}

void lb_rpc_conn_ref(lb_rpc_conn *c) {
  c->refs++;
}

void lb_rpc_conn_unref(lb_rpc_conn *c) {
  if (--c->refs > 0)
    return;
  lb_rpc_server *s = c->server;
  msgpack_unpacked_destroy(&c->unpacked);
  msgpack_unpacker_destroy(&c->unpacker);
  lb_rpc_conn_unsubscribe(c, NULL);
  free(c->patterns);
  free(c);
  lb_rpc_server_conn_freed(s);
}

static void on_close(uv_handle_t *h) {
  lb_rpc_conn_unref(h->data);
}

void lb_rpc_conn_close(lb_rpc_conn *c, const char *why) {
  if (c->closing)
    return;
  c->closing = true;
  if (why)
    lb_debug("client %llu (pid %d): closed: %s", (unsigned long long)c->id, (int)c->pid, why);
  lb_rpc_server_conn_closed(c->server, c);
  uv_close((uv_handle_t *)&c->pipe, on_close);
}

static void on_write(uv_write_t *req, int status) {
  write_req *w = (write_req *)req;
  lb_rpc_conn *c = req->handle->data;
  lb_buf_unref(w->buf);
  free(w);
  if (status < 0 && status != UV_ECANCELED)
    lb_rpc_conn_close(c, uv_strerror(status));
}

void lb_rpc_conn_send(lb_rpc_conn *c, lb_buf *b) {
  if (c->closing)
    return;
  size_t queued = uv_stream_get_write_queue_size((uv_stream_t *)&c->pipe);
  if (queued + b->len > LB_RPC_MAX_QUEUED) {
    lb_warn("client %llu (pid %d) is not reading: %zu bytes wait for it; dropping the "
            "connection",
            (unsigned long long)c->id, (int)c->pid, queued);
    lb_rpc_conn_close(c, NULL);
    return;
  }
  write_req *w = lb_xmalloc(sizeof(*w));
  w->buf = lb_buf_ref(b);
  uv_buf_t ub = uv_buf_init(b->data, (unsigned)b->len);
  int r = uv_write(&w->req, (uv_stream_t *)&c->pipe, &ub, 1, on_write);
  if (r < 0) {
    lb_buf_unref(w->buf);
    free(w);
    lb_rpc_conn_close(c, uv_strerror(r));
  }
}

static void send_error(lb_rpc_conn *c, uint32_t msgid, lb_rpc_code code, const char *message) {
  lb_buf *b = lb_buf_new(128 + strlen(message));
  msgpack_packer pk;
  msgpack_packer_init(&pk, b, lb_buf_write);
  lb_rpc_pack_response_error(&pk, msgid, code, message);
  lb_rpc_conn_send(c, b);
  lb_buf_unref(b);
}

/* ---- answers ------------------------------------------------------------ */

static void answer(void *ctx, const lb_call *call, const lb_value *result, lb_rpc_code code,
                   const char *message) {
  lb_rpc_conn *c = ctx;
  const lb_call_origin *o = lb_call_origin_of(call);
  if (!o->wants_reply) {
    if (code != LB_RPC_OK)
      lb_debug("client %llu: notification %s failed: %s", (unsigned long long)c->id,
               lb_call_method(call)->name, message);
  } else if (!c->closing) {
    lb_buf *b = lb_buf_new(256);
    msgpack_packer pk;
    msgpack_packer_init(&pk, b, lb_buf_write);
    if (code == LB_RPC_OK) {
      lb_rpc_pack_response_ok(&pk, o->msgid);
      lb_value_pack(&pk, result);
    } else {
      lb_rpc_pack_response_error(&pk, o->msgid, code, message);
    }
    if (b->len > LB_RPC_MAX_MESSAGE) {
      char msg[256];
      snprintf(msg, sizeof(msg),
               "the answer of %s would be %zu bytes, over the 1 MiB limit of one message; ask for "
               "less (a shorter time range or a limit)",
               lb_call_method(call)->name, b->len);
      b->len = 0;
      lb_rpc_pack_response_error(&pk, o->msgid, LB_RPC_TOO_LARGE, msg);
    }
    lb_rpc_conn_send(c, b);
    lb_buf_unref(b);
  }
  lb_rpc_conn_unref(c);
}

/* ---- reading -------------------------------------------------------------- */

static void dispatch(lb_rpc_conn *c, const lb_rpc_msg *msg) {
  lb_daemon *d = lb_rpc_server_daemon(c->server);
  bool wants_reply = msg->type == LB_RPC_REQUEST;
  const lb_method_entry *m = lb_registry_method(d->registry, msg->method, msg->method_len);
  if (!m) {
    char text[320];
    snprintf(text, sizeof(text),
             "no method \"%.*s\"; `lumbarctl plugins` lists the methods this daemon serves",
             (int)(msg->method_len > 100 ? 100 : msg->method_len), msg->method);
    if (wants_reply)
      send_error(c, msg->msgid, LB_RPC_NO_SUCH_METHOD, text);
    else
      lb_debug("client %llu: %s", (unsigned long long)c->id, text);
    return;
  }
  lb_call_origin o = {
      .answer = answer, .ctx = c, .msgid = msg->msgid, .wants_reply = wants_reply, .conn = c};
  lb_rpc_conn_ref(c); /* released by answer() */
  lb_call *call = lb_call_new(d, m, &o);
  lb_value params;
  char err[512];
  if (lb_value_from_msgpack(lb_call_arena(call), msg->params, &params, err, sizeof(err)) < 0) {
    lb_call_fail(call, LB_RPC_INVALID_PARAMS, "%s", err);
    return;
  }
  lb_call_dispatch(call, params.as.arr.items, params.as.arr.len);
}

static void handle(lb_rpc_conn *c, const msgpack_object *o) {
  lb_rpc_msg msg;
  char err[256];
  if (lb_rpc_parse(o, &msg, err, sizeof(err)) < 0) {
    lb_warn("client %llu (pid %d) sent a malformed message (%s); closing its connection",
            (unsigned long long)c->id, (int)c->pid, err);
    if (msg.has_msgid) {
      char text[400];
      snprintf(text, sizeof(text), "malformed message: %s; closing the connection", err);
      send_error(c, msg.msgid, LB_RPC_INVALID_PARAMS, text);
    }
    lb_rpc_conn_close(c, NULL);
    return;
  }
  if (msg.type == LB_RPC_RESPONSE) {
    lb_debug("client %llu sent a response to msgid %u; lumbard sends no requests, ignored",
             (unsigned long long)c->id, msg.msgid);
    return;
  }
  dispatch(c, &msg);
}

static void over_limit(lb_rpc_conn *c, const char *what) {
  uint32_t msgid;
  char text[256];
  snprintf(text, sizeof(text), "message too large: %s; closing the connection", what);
  lb_warn("client %llu (pid %d): %s", (unsigned long long)c->id, (int)c->pid, text);
  if (lb_rpc_peek_msgid(c->head, c->head_len, &msgid))
    send_error(c, msgid, LB_RPC_TOO_LARGE, text);
  lb_rpc_conn_close(c, NULL);
}

/* Keep the first bytes of the message being parsed: whatever the unpacker
 * has not consumed yet continues it. */
static void track_head(lb_rpc_conn *c) {
  msgpack_unpacker *u = &c->unpacker;
  if (c->head_len >= HEAD_BYTES)
    return;
  size_t avail = u->used - u->off, n = HEAD_BYTES - c->head_len;
  if (n > avail)
    n = avail;
  memcpy(c->head + c->head_len, u->buffer + u->off, n);
  c->head_len += n;
}

static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf) {
  lb_rpc_conn *c = h->data;
  (void)suggested;
  if (!msgpack_unpacker_reserve_buffer(&c->unpacker, READ_CHUNK)) {
    *buf = uv_buf_init(NULL, 0); /* read_cb gets UV_ENOBUFS */
    return;
  }
  *buf = uv_buf_init(msgpack_unpacker_buffer(&c->unpacker),
                     (unsigned)msgpack_unpacker_buffer_capacity(&c->unpacker));
}

static void on_read(uv_stream_t *stream, ssize_t nread, const uv_buf_t *buf) {
  lb_rpc_conn *c = stream->data;
  (void)buf;
  if (nread < 0) {
    lb_rpc_conn_close(c, nread == UV_EOF ? "end of stream" : uv_strerror((int)nread));
    return;
  }
  if (nread == 0)
    return;
  msgpack_unpacker_buffer_consumed(&c->unpacker, (size_t)nread);

  lb_rpc_conn_ref(c); /* a handler may close the connection */
  while (!c->closing) {
    track_head(c);
    msgpack_unpack_return r = msgpack_unpacker_next(&c->unpacker, &c->unpacked);
    if (r == MSGPACK_UNPACK_SUCCESS) {
      c->head_len = 0;
      handle(c, &c->unpacked.data);
    } else if (r == MSGPACK_UNPACK_CONTINUE) {
      /* A partial message just waits for more bytes, up to the limit. */
      if (msgpack_unpacker_message_size(&c->unpacker) > LB_RPC_MAX_MESSAGE)
        over_limit(c, "over the 1 MiB limit");
      break;
    } else if (r == MSGPACK_UNPACK_NOMEM_ERROR) {
      /* msgpack-c's parse stack holds 32 levels: deeper nesting lands here. */
      over_limit(c, "nested deeper than 32 levels");
      break;
    } else {
      lb_warn("client %llu (pid %d) sent bytes that are not MessagePack; closing its connection",
              (unsigned long long)c->id, (int)c->pid);
      lb_rpc_conn_close(c, NULL);
      break;
    }
  }
  /* Release the last message's zone now rather than at the next read. */
  msgpack_unpacked_destroy(&c->unpacked);
  msgpack_unpacked_init(&c->unpacked);
  lb_rpc_conn_unref(c);
}

lb_rpc_conn *lb_rpc_conn_accept(lb_rpc_server *s, uv_stream_t *listener, uint64_t id) {
  lb_rpc_conn *c = lb_xcalloc(1, sizeof(*c));
  c->server = s;
  c->id = id;
  c->refs = 1; /* the handle's */
  msgpack_unpacked_init(&c->unpacked);
  if (!msgpack_unpacker_init(&c->unpacker, READ_CHUNK)) {
    free(c);
    lb_rpc_server_conn_freed(s);
    return NULL;
  }
  uv_pipe_init(listener->loop, &c->pipe, 0);
  c->pipe.data = c;
  int r = uv_accept(listener, (uv_stream_t *)&c->pipe);
  if (r < 0) {
    lb_warn("accepting a client: %s", uv_strerror(r));
    c->closing = true;
    uv_close((uv_handle_t *)&c->pipe, on_close);
    return NULL;
  }

  /* Only the daemon's own user may talk to it. */
  uv_os_fd_t fd;
  struct ucred cred;
  socklen_t len = sizeof(cred);
  if (uv_fileno((uv_handle_t *)&c->pipe, &fd) < 0 ||
      getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0) {
    lb_warn("cannot read a client's credentials: %s; refusing it", strerror(errno));
    c->closing = true;
    uv_close((uv_handle_t *)&c->pipe, on_close);
    return NULL;
  }
  c->pid = cred.pid;
  if (cred.uid != geteuid()) {
    lb_warn("refused a connection from uid %u (pid %d): lumbard serves only its own user (uid %u)",
            (unsigned)cred.uid, (int)cred.pid, (unsigned)geteuid());
    c->closing = true;
    uv_close((uv_handle_t *)&c->pipe, on_close);
    return NULL;
  }
  uv_read_start((uv_stream_t *)&c->pipe, on_alloc, on_read);
  lb_debug("client %llu (pid %d) connected", (unsigned long long)id, (int)c->pid);
  return c;
}

void lb_rpc_conn_subscribe(lb_rpc_conn *c, const char *pattern) {
  for (size_t i = 0; i < c->n_patterns; i++)
    if (strcmp(c->patterns[i], pattern) == 0)
      return;
  c->patterns = lb_xrealloc(c->patterns, (c->n_patterns + 1) * sizeof(char *));
  c->patterns[c->n_patterns++] = lb_xstrdup(pattern);
}

void lb_rpc_conn_unsubscribe(lb_rpc_conn *c, const char *pattern) {
  size_t j = 0;
  for (size_t i = 0; i < c->n_patterns; i++) {
    if (!pattern || strcmp(c->patterns[i], pattern) == 0)
      free(c->patterns[i]);
    else
      c->patterns[j++] = c->patterns[i];
  }
  c->n_patterns = j;
}

size_t lb_rpc_conn_n_patterns(const lb_rpc_conn *c) {
  return c->n_patterns;
}
const char *lb_rpc_conn_pattern(const lb_rpc_conn *c, size_t i) {
  return c->patterns[i];
}

bool lb_rpc_conn_wants(const lb_rpc_conn *c, const char *event) {
  for (size_t i = 0; i < c->n_patterns; i++)
    if (lb_event_matches(c->patterns[i], event))
      return true;
  return false;
}
