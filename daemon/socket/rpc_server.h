/* The AF_UNIX MessagePack-RPC server: the listening socket, its clients, and
 * the event sink that sends each event to the subscribed ones. */
#ifndef LB_RPC_SERVER_H
#define LB_RPC_SERVER_H

#include <stddef.h>

#include "core.h"

typedef struct lb_rpc_server lb_rpc_server;

/* The socket's tag on the calls it makes (lb_call_origin.transport). */
extern const char lb_rpc_transport[];

/* Declare the socket's own methods, daemon.subscribe and daemon.unsubscribe
 * (rpc_methods.c). */
int lb_rpc_methods_register(const lb_core *core);

/* Bind and listen on path (mode 0600), holding path.lock (flock) until the
 * server closes. A stale socket file is replaced; another daemon on the path
 * (holding the lock, or answering on it) is -EADDRINUSE. Returns NULL with
 * err (and errno) on failure. */
lb_rpc_server *lb_rpc_server_listen(const lb_core *core, const char *path, char *err,
                                    size_t errlen);
/* Stop listening, close every client, remove the socket file if it is still
 * the one this server made, release the lock. Freed once the last handle has
 * closed. */
void lb_rpc_server_close(lb_rpc_server *s);

size_t lb_rpc_server_n_clients(const lb_rpc_server *s);
size_t lb_rpc_server_n_subscribers(const lb_rpc_server *s);

/* For rpc_conn.c. */
struct lb_rpc_conn;
void lb_rpc_server_conn_closed(lb_rpc_server *s, struct lb_rpc_conn *c);
void lb_rpc_server_conn_freed(lb_rpc_server *s);
/* Call lb_rpc_conn_flush(c) at the end of this loop turn (holds a reference). */
void lb_rpc_server_flush_later(lb_rpc_server *s, struct lb_rpc_conn *c);
const lb_core *lb_rpc_server_core(lb_rpc_server *s);

#endif
