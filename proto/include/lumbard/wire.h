/* lumbard/wire.h — the parts of the wire contract that need no MessagePack
 * (see proto/PROTOCOL.md): the limits, the error codes and their names,
 * durations as the wire writes them, and where the socket is and who serves
 * it (lb_socket_*, the only I/O). The daemon's core uses this alone;
 * lumbard/rpc.h adds the message shapes over msgpack-c. */
#ifndef LUMBARD_WIRE_H
#define LUMBARD_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LB_RPC_MAX_MESSAGE (1024u * 1024u) /* bytes in one message */
#define LB_RPC_MAX_DEPTH 32                /* nested arrays and maps */
#define LB_RPC_MAX_CLIENTS 1024

enum lb_rpc_type { LB_RPC_REQUEST = 0, LB_RPC_RESPONSE = 1, LB_RPC_NOTIFICATION = 2 };

/* The error codes of the wire, in the order of PROTOCOL.md. */
typedef enum lb_rpc_code {
  LB_RPC_OK = 0,
  LB_RPC_INVALID_PARAMS,
  LB_RPC_NOT_FOUND,
  LB_RPC_CONFLICT,
  LB_RPC_INTERNAL,
  LB_RPC_NO_SUCH_METHOD,
  LB_RPC_TOO_LARGE,
} lb_rpc_code;

const char *lb_rpc_code_name(lb_rpc_code code);
/* The code for a name from the wire; LB_RPC_INTERNAL for an unknown name. */
lb_rpc_code lb_rpc_code_from_name(const char *name, size_t len);

/* Durations as the wire accepts them: "90", "90s", "1m30s", "2min", "1.5min",
 * "1h", "1h 30m", "1d" (units s/sec/second(s), m/min/minute(s),
 * h/hr/hour(s), d/day(s)). The total must be whole seconds. Returns 0 or
 * -EINVAL with err saying what is wrong. */
int lb_duration_parse(const char *s, size_t len, uint64_t *ret_seconds, char *err, size_t errlen);
/* "1h 2min 5s"-style text for a number of seconds ("0s" for 0). */
void lb_duration_format(uint64_t seconds, char *buf, size_t len);

/* The socket: where it is and who serves it. */

/* The socket path every program uses: LUMBARD_SOCKET, else
 * $XDG_RUNTIME_DIR/lumbard.sock, else /run/user/UID/lumbard.sock when that
 * directory exists, else /tmp/lumbard-UID/lumbard.sock. Returns 0 or
 * -ENAMETOOLONG. */
int lb_socket_path_default(char *buf, size_t len);
/* The last resort's directory, /tmp/lumbard-UID (UID the real uid): made in a
 * directory every user can write to, so another user may have made it
 * first. Returns 0 or -ENAMETOOLONG. */
int lb_socket_fallback_dir(char *buf, size_t len);
/* Is the process behind the connected socket fd (reached at path) of our own
 * effective uid? Call it right after connect(), before sending anything: on
 * the /tmp fallback another user can listen first, and would be sent every
 * request. Returns 0; -EPERM when another uid serves it, or the errno of
 * SO_PEERCRED; then err (may be NULL) names the path, the other user and
 * what to do. */
int lb_socket_check_peer(int fd, const char *path, char *err, size_t errlen);

#endif
