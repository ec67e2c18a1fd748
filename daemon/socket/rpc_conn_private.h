/* The connection's parts, shared by the files that each do one of its jobs:
 * rpc_conn.c (the connection: accept, references, reading, subscriptions),
 * rpc_conn_dispatch.c (a message to a call, the call's answer to bytes) and
 * rpc_conn_write.c (the output queue). Nothing else includes it. */
#ifndef LBD_RPC_CONN_PRIVATE_H
#define LBD_RPC_CONN_PRIVATE_H

#include <lumbard/reader.h>
#include <lumbard/rpc.h>
#include <msgpack.h>

#include "buf.h"
#include "registry.h"
#include "rpc_conn.h"

/* Bytes waiting for the client: b->data[off .. b->len). An own buffer is the
 * connection's, where answers are packed; any other is shared (an event
 * packed once for every subscriber) and only referenced. */
typedef struct out_seg {
  lbd_buf *b;
  size_t off;
  bool own;
} out_seg;

struct lbd_rpc_conn {
  lbd_rpc_server *server;
  lbd_rpc_conn *prev, *next;
  uv_pipe_t pipe;
  uint64_t id;
  pid_t pid;
  int refs;
  bool closing;
  lb_reader *reader;
  size_t read_size; /* what the next read asks room for */
  /* The method called last, valid while the registry's generation is the
   * same: a client mostly calls one method again and again. */
  const lbd_method_entry *last_method;
  size_t last_len;
  unsigned last_generation;
  char **patterns;
  size_t n_patterns;
  /* Output is written once per loop turn (lbd_rpc_conn_flush), straight to
   * the socket while it takes it; the rest goes to one uv_write, which holds
   * its segments until it completes. */
  out_seg *out, *wsegs;
  size_t n_out, cap_out, n_wsegs, cap_wsegs;
  size_t out_bytes; /* in out */
  lbd_buf *spare;   /* an own buffer kept for the next turn */
  uv_write_t wreq;
  bool writing;      /* wreq is in flight */
  bool flush_queued; /* on the server's list for the end of this turn */
};

/* rpc_conn_dispatch.c: one message read whole, checked and dispatched. */
void lbd_rpc_conn_handle(lbd_rpc_conn *c, const msgpack_object *o);
/* An error response to msgid (msgid_obj, when not NULL: the msgid as the
 * client sent it, any integer). */
void lbd_rpc_conn_send_error(lbd_rpc_conn *c, uint32_t msgid, const msgpack_object *msgid_obj,
                             lb_rpc_code code, const char *message);

/* rpc_conn_write.c. The own buffer at the end of the queue, to pack the next
 * message into; then say how many bytes were packed (lbd_rpc_conn_queued). */
lbd_buf *lbd_rpc_conn_out(lbd_rpc_conn *c);
void lbd_rpc_conn_queued(lbd_rpc_conn *c, size_t n);
/* Write what is queued without waiting, as far as the socket takes it.
 * Returns 0 or a libuv error. */
int lbd_rpc_conn_write_now(lbd_rpc_conn *c);
/* Let go of everything queued (the connection is being freed). */
void lbd_rpc_conn_out_free(lbd_rpc_conn *c);

#endif
