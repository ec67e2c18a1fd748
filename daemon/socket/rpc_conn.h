/* One client connection: a stream reader (lumbard/reader.h) fed straight
 * from libuv's read buffer, dispatch of each message, a bounded send queue,
 * subscriptions. Refcounted: the libuv handle holds one reference, each call
 * still waiting for its answer another, so nothing is freed inside its own
 * callback. */
#ifndef LBD_RPC_CONN_H
#define LBD_RPC_CONN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <uv.h>

#include "buf.h"
#include "rpc_server.h"

typedef struct lbd_rpc_conn lbd_rpc_conn;

/* Bytes a client may leave unread before it is dropped. */
#define LBD_RPC_MAX_QUEUED (4u * 1024u * 1024u)

/* Accept a pending connection on the server's listening handle. */
lbd_rpc_conn *lbd_rpc_conn_accept(lbd_rpc_server *s, uv_stream_t *listener, uint64_t id);
void lbd_rpc_conn_close(lbd_rpc_conn *c, const char *why);
void lbd_rpc_conn_ref(lbd_rpc_conn *c);
void lbd_rpc_conn_unref(lbd_rpc_conn *c);

/* Queue a packed message (b is copied when small, else referenced until
 * written); drops the client when its queue is over the limit. Whatever a
 * loop turn queues goes out at its end, in one write (lbd_rpc_conn_flush). */
void lbd_rpc_conn_send(lbd_rpc_conn *c, lbd_buf *b);
/* Write what is queued: called by the server once per loop turn. */
void lbd_rpc_conn_flush(lbd_rpc_conn *c);

/* Subscriptions: glob patterns over event names. */
void lbd_rpc_conn_subscribe(lbd_rpc_conn *c, const char *pattern);
void lbd_rpc_conn_unsubscribe(lbd_rpc_conn *c, const char *pattern); /* NULL: all */
size_t lbd_rpc_conn_n_patterns(const lbd_rpc_conn *c);
const char *lbd_rpc_conn_pattern(const lbd_rpc_conn *c, size_t i);
bool lbd_rpc_conn_wants(const lbd_rpc_conn *c, const char *event);

lbd_rpc_conn *lbd_rpc_conn_next(const lbd_rpc_conn *c); /* the server's list */
void lbd_rpc_conn_link(lbd_rpc_conn **head, lbd_rpc_conn *c);
void lbd_rpc_conn_unlink(lbd_rpc_conn **head, lbd_rpc_conn *c);

#endif
