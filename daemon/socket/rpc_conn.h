/* One client connection: a stream reader (lumbard/reader.h) fed straight
 * from libuv's read buffer, dispatch of each message, a bounded send queue,
 * subscriptions. Refcounted: the libuv handle holds one reference, each call
 * still waiting for its answer another, so nothing is freed inside its own
 * callback. */
#ifndef LB_RPC_CONN_H
#define LB_RPC_CONN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <uv.h>

#include "buf.h"
#include "rpc_server.h"

typedef struct lb_rpc_conn lb_rpc_conn;

/* Bytes a client may leave unread before it is dropped. */
#define LB_RPC_MAX_QUEUED (4u * 1024u * 1024u)

/* Accept a pending connection on the server's listening handle. */
lb_rpc_conn *lb_rpc_conn_accept(lb_rpc_server *s, uv_stream_t *listener, uint64_t id);
void lb_rpc_conn_close(lb_rpc_conn *c, const char *why);
void lb_rpc_conn_ref(lb_rpc_conn *c);
void lb_rpc_conn_unref(lb_rpc_conn *c);

/* Queue a packed message (b is copied when small, else referenced until
 * written); drops the client when its queue is over the limit. Whatever a
 * loop turn queues goes out at its end, in one write (lb_rpc_conn_flush). */
void lb_rpc_conn_send(lb_rpc_conn *c, lb_buf *b);
/* Write what is queued: called by the server once per loop turn. */
void lb_rpc_conn_flush(lb_rpc_conn *c);

/* Subscriptions: glob patterns over event names. */
void lb_rpc_conn_subscribe(lb_rpc_conn *c, const char *pattern);
void lb_rpc_conn_unsubscribe(lb_rpc_conn *c, const char *pattern); /* NULL: all */
size_t lb_rpc_conn_n_patterns(const lb_rpc_conn *c);
const char *lb_rpc_conn_pattern(const lb_rpc_conn *c, size_t i);
bool lb_rpc_conn_wants(const lb_rpc_conn *c, const char *event);

lb_rpc_conn *lb_rpc_conn_next(const lb_rpc_conn *c); /* the server's list */
void lb_rpc_conn_link(lb_rpc_conn **head, lb_rpc_conn *c);
void lb_rpc_conn_unlink(lb_rpc_conn **head, lb_rpc_conn *c);

#endif
