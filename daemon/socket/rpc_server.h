/* The AF_UNIX MessagePack-RPC server: the listening socket, its clients, and
 * the event sink that sends each event to the subscribed ones. */
#ifndef LBD_RPC_SERVER_H
#define LBD_RPC_SERVER_H

#include <stddef.h>

#include "core.h"

typedef struct lbd_rpc_server lbd_rpc_server;

/* The socket's tag on the calls it makes (lbd_call_origin.transport). */
extern const char lbd_rpc_transport[];

/* Declare the socket's own methods, daemon.subscribe and daemon.unsubscribe
 * (rpc_methods.c). */
int lbd_rpc_methods_register(const lbd_core *core);

/* Bind and listen on path (mode 0600), holding path.lock (flock) until the
 * server closes. A stale socket file is replaced; another daemon on the path
 * (holding the lock, or answering on it) is -EADDRINUSE. Returns NULL with
 * err (and errno) on failure. */
lbd_rpc_server *lbd_rpc_server_listen(const lbd_core *core, const char *path, char *err,
                                      size_t errlen);
/* Stop listening, close every client, remove the socket file if it is still
 * the one this server made, release the lock. Freed once the last handle has
 * closed. */
void lbd_rpc_server_close(lbd_rpc_server *s);

size_t lbd_rpc_server_n_clients(const lbd_rpc_server *s);
size_t lbd_rpc_server_n_subscribers(const lbd_rpc_server *s);

/* For rpc_conn.c. */
struct lbd_rpc_conn;
void lbd_rpc_server_conn_closed(lbd_rpc_server *s, struct lbd_rpc_conn *c);
void lbd_rpc_server_conn_freed(lbd_rpc_server *s);
/* Call lbd_rpc_conn_flush(c) at the end of this loop turn (holds a reference). */
void lbd_rpc_server_flush_later(lbd_rpc_server *s, struct lbd_rpc_conn *c);
const lbd_core *lbd_rpc_server_core(lbd_rpc_server *s);

#endif
