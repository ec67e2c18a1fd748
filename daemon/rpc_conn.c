#include "rpc_conn.h"

#include <errno.h>
#include <lumbard/reader.h>
#include <lumbard/rpc.h>
#include <msgpack.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "args.h"
#include "call.h"
#include "log.h"
#include "plugin_host.h"
#include "util.h"
#include "value.h"

/* A connection starts with a small read buffer and asks for more while its
 * reads fill it, up to READ_MAX: the 1024 clients lumbard serves do not each
 * hold 64 KiB for the few bytes most of them send. */
#define READ_INIT (4 * 1024)
#define READ_MAX (64 * 1024)
/* Output: an own buffer up to this size is kept for the next loop turn; a
 * shared message (an event) up to COPY_MAX bytes is copied into it, a larger
 * one queued by reference. */
#define OUT_KEEP (64 * 1024)
#define COPY_MAX 4096
#define MAX_IOV 64

/* Bytes waiting for the client: b->data[off .. b->len). An own buffer is the
 * connection's, where answers are packed; any other is shared (an event
 * packed once for every subscriber) and only referenced. */
typedef struct out_seg {
  lb_buf *b;
  size_t off;
  bool own;
} out_seg;

struct lb_rpc_conn {
  lb_rpc_server *server;
  lb_rpc_conn *prev, *next;
  uv_pipe_t pipe;
  uint64_t id;
  pid_t pid;
  int refs;
  bool closing;
  lb_reader *reader;
  size_t read_size; /* what the next read asks room for */
  /* The method called last, valid while the registry's generation is the
   * same: a client mostly calls one method again and again. */
  const lb_method_entry *last_method;
  size_t last_len;
  unsigned last_generation;
  char **patterns;
  size_t n_patterns;
  /* Output is written once per loop turn (lb_rpc_conn_flush), straight to
   * the socket while it takes it; the rest goes to one uv_write, which holds
   * its segments until it completes. */
  out_seg *out, *wsegs;
  size_t n_out, cap_out, n_wsegs, cap_wsegs;
  size_t out_bytes; /* in out */
  lb_buf *spare;    /* an own buffer kept for the next turn */
  uv_write_t wreq;
  bool writing;      /* wreq is in flight */
  bool flush_queued; /* on the server's list for the end of this turn */
};

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
  lb_reader_free(c->reader);
  lb_rpc_conn_unsubscribe(c, NULL);
  free(c->patterns);
  for (size_t i = 0; i < c->n_out; i++)
    lb_buf_unref(c->out[i].b);
  for (size_t i = 0; i < c->n_wsegs; i++)
    lb_buf_unref(c->wsegs[i].b);
  free(c->out);
  free(c->wsegs);
  lb_buf_unref(c->spare);
  free(c);
  lb_rpc_server_conn_freed(s);
}

static void on_close(uv_handle_t *h) {
  lb_rpc_conn_unref(h->data);
}

static int write_now(lb_rpc_conn *c);

void lb_rpc_conn_close(lb_rpc_conn *c, const char *why) {
  if (c->closing)
    return;
  /* What is queued goes out first, as far as the socket takes it: the error
   * answered just before a connection is closed must reach the client. */
  if (!c->writing)
    write_now(c);
  c->closing = true;
  if (why)
    lb_debug("client %llu (pid %d): closed: %s", (unsigned long long)c->id, (int)c->pid, why);
  lb_rpc_server_conn_closed(c->server, c);
  uv_close((uv_handle_t *)&c->pipe, on_close);
}

/* ---- writing ---------------------------------------------------------------- */

/* A segment is done with: an own buffer of a usual size is kept for reuse. */
static void release(lb_rpc_conn *c, out_seg *seg) {
  lb_buf *b = seg->b;
  if (seg->own && !c->spare && b->refs == 1 && b->cap <= OUT_KEEP) {
    b->len = 0;
    c->spare = b;
  } else {
    lb_buf_unref(b);
  }
}

static void push_seg(lb_rpc_conn *c, lb_buf *b, bool own) {
  if (c->n_out == c->cap_out) {
    c->cap_out = c->cap_out ? c->cap_out * 2 : 4;
    c->out = lb_xrealloc(c->out, c->cap_out * sizeof(out_seg));
  }
  c->out[c->n_out++] = (out_seg){.b = b, .off = 0, .own = own};
}

/* The own buffer at the end of the queue, to pack the next message into. */
static lb_buf *tail(lb_rpc_conn *c) {
  if (c->n_out && c->out[c->n_out - 1].own)
    return c->out[c->n_out - 1].b;
  lb_buf *b = c->spare ? c->spare : lb_buf_new(512);
  c->spare = NULL;
  push_seg(c, b, true);
  return b;
}

/* Write what is queued with as few writev(2) as the socket allows, without
 * waiting. Returns 0 (all written, or the socket is full) or a libuv error. */
static int write_now(lb_rpc_conn *c) {
  while (c->n_out) {
    uv_buf_t iov[MAX_IOV];
    size_t n = c->n_out < MAX_IOV ? c->n_out : MAX_IOV, want = 0;
    for (size_t i = 0; i < n; i++) {
      out_seg *seg = &c->out[i];
      iov[i] = uv_buf_init(seg->b->data + seg->off, (unsigned)(seg->b->len - seg->off));
      want += iov[i].len;
    }
    int r = uv_try_write((uv_stream_t *)&c->pipe, iov, (unsigned)n);
    if (r == UV_EAGAIN)
      return 0;
    if (r < 0)
      return r;
    c->out_bytes -= (size_t)r;
    size_t done = 0, left = (size_t)r;
    while (done < c->n_out && left >= c->out[done].b->len - c->out[done].off) {
      left -= c->out[done].b->len - c->out[done].off;
      release(c, &c->out[done++]);
    }
    if (left)
      c->out[done].off += left;
    memmove(c->out, c->out + done, (c->n_out - done) * sizeof(out_seg));
    c->n_out -= done;
    if ((size_t)r < want)
      return 0; /* the socket is full */
  }
  return 0;
}

static void flush_later(lb_rpc_conn *c) {
  if (!c->flush_queued && !c->closing) {
    c->flush_queued = true;
    lb_rpc_server_flush_later(c->server, c);
  }
}

static void on_write(uv_write_t *req, int status) {
  lb_rpc_conn *c = req->handle->data;
  c->writing = false;
  for (size_t i = 0; i < c->n_wsegs; i++)
    release(c, &c->wsegs[i]);
  c->n_wsegs = 0;
  if (status < 0) {
    if (status != UV_ECANCELED)
      lb_rpc_conn_close(c, uv_strerror(status));
    return;
  }
  if (c->n_out)
    flush_later(c);
}

void lb_rpc_conn_flush(lb_rpc_conn *c) {
  c->flush_queued = false;
  if (c->closing || c->writing || !c->n_out)
    return;
  int r = write_now(c);
  if (r < 0) {
    lb_rpc_conn_close(c, uv_strerror(r));
    return;
  }
  if (!c->n_out)
    return;
  /* The socket is full: libuv writes the rest as it drains, and what comes
   * meanwhile waits in out for the next flush. */
  out_seg *segs = c->out;
  size_t cap = c->cap_out;
  c->out = c->wsegs;
  c->cap_out = c->cap_wsegs;
  c->wsegs = segs;
  c->cap_wsegs = cap;
  c->n_wsegs = c->n_out;
  c->n_out = 0;
  c->out_bytes = 0;
  uv_buf_t small[MAX_IOV], *iov = small;
  if (c->n_wsegs > MAX_IOV)
    iov = lb_xmalloc(c->n_wsegs * sizeof(uv_buf_t));
  for (size_t i = 0; i < c->n_wsegs; i++)
    iov[i] = uv_buf_init(c->wsegs[i].b->data + c->wsegs[i].off,
                         (unsigned)(c->wsegs[i].b->len - c->wsegs[i].off));
  r = uv_write(&c->wreq, (uv_stream_t *)&c->pipe, iov, (unsigned)c->n_wsegs, on_write);
  if (iov != small)
    free(iov); /* libuv keeps its own copy of the array */
  if (r < 0) {
    for (size_t i = 0; i < c->n_wsegs; i++)
      release(c, &c->wsegs[i]);
    c->n_wsegs = 0;
    lb_rpc_conn_close(c, uv_strerror(r));
    return;
  }
  c->writing = true;
}

/* n bytes were queued: drop a client that does not read what it is sent,
 * else write them at the end of this loop turn. */
static void queued(lb_rpc_conn *c, size_t n) {
  c->out_bytes += n;
  size_t waiting = c->out_bytes + uv_stream_get_write_queue_size((uv_stream_t *)&c->pipe);
  if (waiting > LB_RPC_MAX_QUEUED) {
    lb_warn("client %llu (pid %d) is not reading: %zu bytes wait for it; dropping the "
            "connection",
            (unsigned long long)c->id, (int)c->pid, waiting);
    lb_rpc_conn_close(c, NULL);
    return;
  }
  flush_later(c);
}

void lb_rpc_conn_send(lb_rpc_conn *c, lb_buf *b) {
  if (c->closing || !b->len)
    return;
  if (b->len <= COPY_MAX)
    lb_buf_write(tail(c), b->data, b->len);
  else
    push_seg(c, lb_buf_ref(b), false);
  queued(c, b->len);
}

/* msgid_obj: the msgid as the client sent it (any integer), else msgid. */
static void send_error_to(lb_rpc_conn *c, uint32_t msgid, const msgpack_object *msgid_obj,
                          lb_rpc_code code, const char *message) {
  if (c->closing)
    return;
  lb_buf *b = tail(c);
  size_t start = b->len;
  msgpack_packer pk;
  msgpack_packer_init(&pk, b, lb_buf_write);
  if (msgid_obj)
    lb_rpc_pack_response_error_id(&pk, msgid_obj, code, message);
  else
    lb_rpc_pack_response_error(&pk, msgid, code, message);
  queued(c, b->len - start);
}

static void send_error(lb_rpc_conn *c, uint32_t msgid, lb_rpc_code code, const char *message) {
  send_error_to(c, msgid, NULL, code, message);
}

/* ---- answers ------------------------------------------------------------ */

static bool has_option(const lb_method_entry *m, const char *name) {
  for (uint32_t i = 0; i < m->n_options; i++)
    if (strcmp(m->decl->options[i].name, name) == 0)
      return true;
  return false;
}

/* Advice a client can follow with what the method takes. */
static const char *how_to_ask_for_less(const lb_method_entry *m) {
  if (has_option(m, "limit") && has_option(m, "after"))
    return "ask for it in pages: {\"limit\": 1000}, then {\"limit\": 1000, \"after\": the last "
           "id} until a page is shorter";
  if (has_option(m, "since") && has_option(m, "limit"))
    return "ask for less: a shorter time range (since, until) or a smaller limit";
  if (has_option(m, "since"))
    return "ask for less: a shorter time range (since, until)";
  if (has_option(m, "limit"))
    return "ask for less: a smaller limit";
  return "this method cannot answer in pieces; tell lumbard's developers";
}

static void answer(void *ctx, const lb_call *call, const lb_value *result, lb_rpc_code code,
                   const char *message) {
  lb_rpc_conn *c = ctx;
  const lb_call_origin *o = lb_call_origin_of(call);
  if (!o->wants_reply) {
    if (code != LB_RPC_OK)
      lb_debug("client %llu: notification %s failed: %s", (unsigned long long)c->id,
               lb_call_method(call)->name, message);
  } else if (!c->closing) {
    /* Packed straight into the connection's output, written at the end of
     * the loop turn with whatever else the turn answered. */
    lb_buf *b = tail(c);
    size_t start = b->len;
    msgpack_packer pk;
    msgpack_packer_init(&pk, b, lb_buf_write);
    if (code == LB_RPC_OK) {
      lb_rpc_pack_response_ok(&pk, o->msgid);
      lb_value_pack(&pk, result);
    } else {
      lb_rpc_pack_response_error(&pk, o->msgid, code, message);
    }
    if (b->len - start > LB_RPC_MAX_MESSAGE) {
      char msg[512];
      const lb_method_entry *m = lb_call_method(call);
      snprintf(msg, sizeof(msg),
               "the answer of %s would be %zu bytes, over the 1 MiB limit of one message; %s",
               m->name, b->len - start, how_to_ask_for_less(m));
      b->len = start;
      lb_rpc_pack_response_error(&pk, o->msgid, LB_RPC_TOO_LARGE, msg);
    }
    queued(c, b->len - start);
  }
  lb_rpc_conn_unref(c);
}

/* ---- reading -------------------------------------------------------------- */

static void dispatch(lb_rpc_conn *c, const lb_rpc_msg *msg) {
  lb_daemon *d = lb_rpc_server_daemon(c->server);
  bool wants_reply = msg->type == LB_RPC_REQUEST;
  const lb_method_entry *m = c->last_method;
  unsigned generation = lb_registry_generation(d->registry);
  if (!m || c->last_generation != generation || c->last_len != msg->method_len ||
      !msg->method_len || memcmp(m->name, msg->method, msg->method_len) != 0) {
    m = lb_registry_method(d->registry, msg->method, msg->method_len);
    c->last_method = m;
    c->last_len = msg->method_len;
    c->last_generation = generation;
  }
  if (!m && msg->method_len > 0 &&
      (memchr(msg->method, '\0', msg->method_len) ||
       !lb_utf8_valid(msg->method, msg->method_len))) {
    /* Not a name any method can have: say what is wrong with it, with its
     * bytes escaped (a NUL would cut it short, 0xff is no text). */
    char name[256], text[512];
    lb_args_escape(msg->method, msg->method_len, name, sizeof(name));
    snprintf(text, sizeof(text), "the method name \"%s\" %s; a method name is \"plugin.method\"",
             name,
             memchr(msg->method, '\0', msg->method_len) ? "holds a NUL byte (\\x00)"
                                                        : "is not valid UTF-8");
    if (wants_reply)
      send_error(c, msg->msgid, LB_RPC_INVALID_PARAMS, text);
    else
      lb_debug("client %llu: %s", (unsigned long long)c->id, text);
    return;
  }
  if (!m) {
    char text[1024];
    char why[768];
    const char *dot = msg->method_len ? memchr(msg->method, '.', msg->method_len) : NULL;
    if (dot && lb_plugins_why_missing(d->plugins, msg->method, (size_t)(dot - msg->method), why,
                                      sizeof(why)))
      snprintf(text, sizeof(text), "no method \"%.*s\": %s",
               (int)(msg->method_len > 100 ? 100 : msg->method_len), msg->method, why);
    else
      snprintf(text, sizeof(text),
               "no method \"%.*s\"; `lumbarctl plugins` lists the methods this daemon serves",
               (int)(msg->method_len > 100 ? 100 : msg->method_len), msg->method);
    lb_utf8_scrub(text); /* the name is the client's bytes, cut anywhere */
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
  lb_value params = {0}; /* [] (daemon.ping, most calls) needs no decoding */
  char err[512];
  if (msg->params->via.array.size > 0 &&
      lb_args_from_msgpack(lb_call_arena(call), m, msg->params, &params, err, sizeof(err)) < 0) {
    lb_call_fail(call, LB_RPC_INVALID_PARAMS, "%s", err);
    return;
  }
  lb_call_dispatch(call, params.as.arr.items, params.as.arr.len);
}

static void handle(lb_rpc_conn *c, const msgpack_object *o) {
  lb_rpc_msg msg;
  char err[256];
  int r = lb_rpc_parse(o, &msg, err, sizeof(err));
  if (r == -ERANGE) { /* a request of the right shape: refuse it alone */
    if (msg.type == LB_RPC_REQUEST)
      send_error_to(c, 0, msg.msgid_obj, LB_RPC_INVALID_PARAMS, err);
    return;
  }
  if (r < 0) {
    lb_warn("client %llu (pid %d) sent a malformed message (%s); closing its connection",
            (unsigned long long)c->id, (int)c->pid, err);
    if (msg.msgid_obj) {
      char text[400];
      snprintf(text, sizeof(text), "malformed message: %s; closing the connection", err);
      send_error_to(c, msg.msgid, msg.msgid_obj, LB_RPC_INVALID_PARAMS, text);
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

/* The reader refused the stream: answer the request over a limit when its
 * msgid could be read, and close. */
static void refused(lb_rpc_conn *c) {
  const lb_reader_refusal *why = lb_reader_refused(c->reader);
  if (why->fault == LB_READER_GARBAGE) {
    lb_warn("client %llu (pid %d) sent bytes that are not MessagePack; closing its connection",
            (unsigned long long)c->id, (int)c->pid);
    lb_rpc_conn_close(c, NULL);
    return;
  }
  char text[256];
  snprintf(text, sizeof(text), "message too large: %s; closing the connection", why->what);
  lb_warn("client %llu (pid %d): %s", (unsigned long long)c->id, (int)c->pid, text);
  if (why->has_msgid)
    send_error(c, why->msgid, LB_RPC_TOO_LARGE, text);
  lb_rpc_conn_close(c, NULL);
}

static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf) {
  lb_rpc_conn *c = h->data;
  char *base;
  size_t len;
  (void)suggested;
  if (lb_reader_buffer(c->reader, c->read_size, &base, &len) < 0) {
    *buf = uv_buf_init(NULL, 0); /* read_cb gets UV_ENOBUFS */
    return;
  }
  *buf = uv_buf_init(base, (unsigned)len);
}

static void on_read(uv_stream_t *stream, ssize_t nread, const uv_buf_t *buf) {
  lb_rpc_conn *c = stream->data;
  if (nread < 0) {
    lb_rpc_conn_close(c, nread == UV_EOF ? "end of stream" : uv_strerror((int)nread));
    return;
  }
  if (nread == 0)
    return;
  lb_reader_consumed(c->reader, (size_t)nread);
  if ((size_t)nread == buf->len && c->read_size < READ_MAX)
    c->read_size *= 2; /* it sends more than one read took */

  /* Every whole message this read completes, in order; a partial one waits
   * in the reader for the next read. */
  lb_rpc_conn_ref(c); /* a handler may close the connection */
  msgpack_object o;
  int r = 0;
  while (!c->closing && (r = lb_reader_next(c->reader, &o)) > 0)
    handle(c, &o);
  if (r < 0 && !c->closing)
    refused(c);
  lb_rpc_conn_unref(c);
}

lb_rpc_conn *lb_rpc_conn_accept(lb_rpc_server *s, uv_stream_t *listener, uint64_t id) {
  lb_rpc_conn *c = lb_xcalloc(1, sizeof(*c));
  c->server = s;
  c->id = id;
  c->refs = 1; /* the handle's */
  c->read_size = READ_INIT / 2;
  if (lb_reader_new(READ_INIT, &c->reader) < 0) {
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
