/* A client connection: accepted from the daemon's own user only, its bytes
 * read through the stream reader and each whole message handed to
 * rpc_conn_dispatch.c, its subscriptions, its references and its close. */
#include "rpc_conn.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "log.h"
#include "rpc_conn_private.h"
#include "util.h"

/* A connection starts with a small read buffer and asks for more while its
 * reads fill it, up to READ_MAX: the 1024 clients lumbard serves do not each
 * hold 64 KiB for the few bytes most of them send. */
#define READ_INIT (4 * 1024)
#define READ_MAX (64 * 1024)

lbd_rpc_conn *lbd_rpc_conn_next(const lbd_rpc_conn *c) {
  return c->next;
}

void lbd_rpc_conn_link(lbd_rpc_conn **head, lbd_rpc_conn *c) {
  c->prev = NULL;
  c->next = *head;
  if (*head)
    (*head)->prev = c;
  *head = c;
}

void lbd_rpc_conn_unlink(lbd_rpc_conn **head, lbd_rpc_conn *c) {
  if (c->prev)
    c->prev->next = c->next;
  else if (*head == c)
    *head = c->next;
  if (c->next)
    c->next->prev = c->prev;
  c->prev = c->next = NULL;
}

void lbd_rpc_conn_ref(lbd_rpc_conn *c) {
  c->refs++;
}

void lbd_rpc_conn_unref(lbd_rpc_conn *c) {
  if (--c->refs > 0)
    return;
  lbd_rpc_server *s = c->server;
  lb_reader_free(c->reader);
  lbd_rpc_conn_unsubscribe(c, NULL);
  free(c->patterns);
  lbd_rpc_conn_out_free(c);
  free(c);
  lbd_rpc_server_conn_freed(s);
}

static void on_close(uv_handle_t *h) {
  lbd_rpc_conn_unref(h->data);
}

void lbd_rpc_conn_close(lbd_rpc_conn *c, const char *why) {
  if (c->closing)
    return;
  /* What is queued goes out first, as far as the socket takes it: the error
   * answered just before a connection is closed must reach the client. */
  if (!c->writing)
    lbd_rpc_conn_write_now(c);
  c->closing = true;
  if (why)
    lbu_debug("client %llu (pid %d): closed: %s", (unsigned long long)c->id, (int)c->pid, why);
  lbd_rpc_server_conn_closed(c->server, c);
  uv_close((uv_handle_t *)&c->pipe, on_close);
}

/* ---- reading ----------------------------------------------------------------- */

/* The reader refused the stream: answer the request over a limit when its
 * msgid could be read, and close. */
static void refused(lbd_rpc_conn *c) {
  const lb_reader_refusal *why = lb_reader_refused(c->reader);
  if (why->fault == LB_READER_GARBAGE) {
    lbu_warn("client %llu (pid %d) sent bytes that are not MessagePack; closing its connection",
             (unsigned long long)c->id, (int)c->pid);
    lbd_rpc_conn_close(c, NULL);
    return;
  }
  char text[256];
  snprintf(text, sizeof(text), "message too large: %s; closing the connection", why->what);
  lbu_warn("client %llu (pid %d): %s", (unsigned long long)c->id, (int)c->pid, text);
  if (why->has_msgid)
    lbd_rpc_conn_send_error(c, why->msgid, NULL, LB_RPC_TOO_LARGE, text);
  lbd_rpc_conn_close(c, NULL);
}

static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf) {
  lbd_rpc_conn *c = h->data;
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
  lbd_rpc_conn *c = stream->data;
  if (nread < 0) {
    lbd_rpc_conn_close(c, nread == UV_EOF ? "end of stream" : uv_strerror((int)nread));
    return;
  }
  if (nread == 0)
    return;
  lb_reader_consumed(c->reader, (size_t)nread);
  if ((size_t)nread == buf->len && c->read_size < READ_MAX)
    c->read_size *= 2; /* it sends more than one read took */

  /* Every whole message this read completes, in order; a partial one waits
   * in the reader for the next read. */
  lbd_rpc_conn_ref(c); /* a handler may close the connection */
  msgpack_object o;
  int r = 0;
  while (!c->closing && (r = lb_reader_next(c->reader, &o)) > 0)
    lbd_rpc_conn_handle(c, &o);
  if (r < 0 && !c->closing)
    refused(c);
  lbd_rpc_conn_unref(c);
}

lbd_rpc_conn *lbd_rpc_conn_accept(lbd_rpc_server *s, uv_stream_t *listener, uint64_t id) {
  lbd_rpc_conn *c = lbu_xcalloc(1, sizeof(*c));
  c->server = s;
  c->id = id;
  c->refs = 1; /* the handle's */
  c->read_size = READ_INIT / 2;
  if (lb_reader_new(READ_INIT, &c->reader) < 0) {
    free(c);
    lbd_rpc_server_conn_freed(s);
    return NULL;
  }
  uv_pipe_init(listener->loop, &c->pipe, 0);
  c->pipe.data = c;
  int r = uv_accept(listener, (uv_stream_t *)&c->pipe);
  if (r < 0) {
    lbu_warn("accepting a client: %s", uv_strerror(r));
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
    lbu_warn("cannot read a client's credentials: %s; refusing it", strerror(errno));
    c->closing = true;
    uv_close((uv_handle_t *)&c->pipe, on_close);
    return NULL;
  }
  c->pid = cred.pid;
  if (cred.uid != geteuid()) {
    lbu_warn("refused a connection from uid %u (pid %d): lumbard serves only its own user (uid %u)",
             (unsigned)cred.uid, (int)cred.pid, (unsigned)geteuid());
    c->closing = true;
    uv_close((uv_handle_t *)&c->pipe, on_close);
    return NULL;
  }
  uv_read_start((uv_stream_t *)&c->pipe, on_alloc, on_read);
  lbu_debug("client %llu (pid %d) connected", (unsigned long long)id, (int)c->pid);
  return c;
}

/* ---- subscriptions ----------------------------------------------------------- */

void lbd_rpc_conn_subscribe(lbd_rpc_conn *c, const char *pattern) {
  for (size_t i = 0; i < c->n_patterns; i++)
    if (strcmp(c->patterns[i], pattern) == 0)
      return;
  c->patterns = lbu_xrealloc(c->patterns, (c->n_patterns + 1) * sizeof(char *));
  c->patterns[c->n_patterns++] = lbu_xstrdup(pattern);
}

void lbd_rpc_conn_unsubscribe(lbd_rpc_conn *c, const char *pattern) {
  size_t j = 0;
  for (size_t i = 0; i < c->n_patterns; i++) {
    if (!pattern || strcmp(c->patterns[i], pattern) == 0)
      free(c->patterns[i]);
    else
      c->patterns[j++] = c->patterns[i];
  }
  c->n_patterns = j;
}

size_t lbd_rpc_conn_n_patterns(const lbd_rpc_conn *c) {
  return c->n_patterns;
}
const char *lbd_rpc_conn_pattern(const lbd_rpc_conn *c, size_t i) {
  return c->patterns[i];
}

bool lbd_rpc_conn_wants(const lbd_rpc_conn *c, const char *event) {
  for (size_t i = 0; i < c->n_patterns; i++)
    if (lbd_event_matches(c->patterns[i], event))
      return true;
  return false;
}
