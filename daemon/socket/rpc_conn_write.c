/* A connection's output: answers packed straight into its own buffer,
 * events (packed once for every subscriber) copied or referenced, all written
 * once per loop turn, straight to the socket while it takes it, the rest in
 * one uv_write; a client that leaves too much unread is dropped. */
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "rpc_conn_private.h"
#include "util.h"

/* An own buffer up to this size is kept for the next loop turn; a shared
 * message (an event) up to COPY_MAX bytes is copied into it, a larger one
 * queued by reference. */
#define OUT_KEEP (64 * 1024)
#define COPY_MAX 4096
#define MAX_IOV 64

/* A segment is done with: an own buffer of a usual size is kept for reuse. */
static void release(lbd_rpc_conn *c, out_seg *seg) {
  lbd_buf *b = seg->b;
  if (seg->own && !c->spare && b->refs == 1 && b->cap <= OUT_KEEP) {
    b->len = 0;
    c->spare = b;
  } else {
    lbd_buf_unref(b);
  }
}

static void push_seg(lbd_rpc_conn *c, lbd_buf *b, bool own) {
  if (c->n_out == c->cap_out) {
    c->cap_out = c->cap_out ? c->cap_out * 2 : 4;
    c->out = lbu_xrealloc(c->out, c->cap_out * sizeof(out_seg));
  }
  c->out[c->n_out++] = (out_seg){.b = b, .off = 0, .own = own};
}

lbd_buf *lbd_rpc_conn_out(lbd_rpc_conn *c) {
  if (c->n_out && c->out[c->n_out - 1].own)
    return c->out[c->n_out - 1].b;
  lbd_buf *b = c->spare ? c->spare : lbd_buf_new(512);
  c->spare = NULL;
  push_seg(c, b, true);
  return b;
}

/* With as few writev(2) as the socket allows; 0 also when the socket is full. */
int lbd_rpc_conn_write_now(lbd_rpc_conn *c) {
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

static void flush_later(lbd_rpc_conn *c) {
  if (!c->flush_queued && !c->closing) {
    c->flush_queued = true;
    lbd_rpc_server_flush_later(c->server, c);
  }
}

static void on_write(uv_write_t *req, int status) {
  lbd_rpc_conn *c = req->handle->data;
  c->writing = false;
  for (size_t i = 0; i < c->n_wsegs; i++)
    release(c, &c->wsegs[i]);
  c->n_wsegs = 0;
  if (status < 0) {
    if (status != UV_ECANCELED)
      lbd_rpc_conn_close(c, uv_strerror(status));
    return;
  }
  if (c->n_out)
    flush_later(c);
}

void lbd_rpc_conn_flush(lbd_rpc_conn *c) {
  c->flush_queued = false;
  if (c->closing || c->writing || !c->n_out)
    return;
  int r = lbd_rpc_conn_write_now(c);
  if (r < 0) {
    lbd_rpc_conn_close(c, uv_strerror(r));
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
    iov = lbu_xmalloc(c->n_wsegs * sizeof(uv_buf_t));
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
    lbd_rpc_conn_close(c, uv_strerror(r));
    return;
  }
  c->writing = true;
}

/* n bytes were queued: drop a client that does not read what it is sent,
 * else write them at the end of this loop turn. */
void lbd_rpc_conn_queued(lbd_rpc_conn *c, size_t n) {
  c->out_bytes += n;
  size_t waiting = c->out_bytes + uv_stream_get_write_queue_size((uv_stream_t *)&c->pipe);
  if (waiting > LBD_RPC_MAX_QUEUED) {
    lbu_warn("client %llu (pid %d) is not reading: %zu bytes wait for it; dropping the "
             "connection",
             (unsigned long long)c->id, (int)c->pid, waiting);
    lbd_rpc_conn_close(c, NULL);
    return;
  }
  flush_later(c);
}

void lbd_rpc_conn_send(lbd_rpc_conn *c, lbd_buf *b) {
  if (c->closing || !b->len)
    return;
  if (b->len <= COPY_MAX)
    lbd_buf_write(lbd_rpc_conn_out(c), b->data, b->len);
  else
    push_seg(c, lbd_buf_ref(b), false);
  lbd_rpc_conn_queued(c, b->len);
}

void lbd_rpc_conn_out_free(lbd_rpc_conn *c) {
  for (size_t i = 0; i < c->n_out; i++)
    lbd_buf_unref(c->out[i].b);
  for (size_t i = 0; i < c->n_wsegs; i++)
    lbd_buf_unref(c->wsegs[i].b);
  free(c->out);
  free(c->wsegs);
  lbd_buf_unref(c->spare);
}
