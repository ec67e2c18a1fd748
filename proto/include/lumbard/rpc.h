/* lumbard/rpc.h — the MessagePack-RPC wire contract shared by the daemon and
 * its clients (see proto/PROTOCOL.md). Pure functions over msgpack-c; no I/O
 * but in the socket's helpers (lb_socket_*). */
#ifndef LUMBARD_RPC_H
#define LUMBARD_RPC_H

#include <msgpack.h>
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

/* One decoded message. Pointers point into the msgpack object. */
typedef struct lb_rpc_msg {
  enum lb_rpc_type type;
  bool has_msgid;
  uint32_t msgid;
  /* The msgid as it came, when it can be read (an integer, in range or not;
   * also after an unknown type): a malformed message is answered to it. */
  const msgpack_object *msgid_obj;
  const char *method; /* request, notification; not NUL-terminated */
  uint32_t method_len;
  const msgpack_object *params; /* request, notification: an array */
  const msgpack_object *error;  /* response: nil or {code, message} */
  const msgpack_object *result; /* response */
} lb_rpc_msg;

/* Check that o is one of the three message shapes. Returns 0, or -EBADMSG
 * with err naming exactly what is wrong; when the shape is wrong but a
 * msgid could be read, ret->msgid_obj is set so the caller can answer before
 * closing. -ERANGE: a request of the right shape whose msgid is an integer
 * outside 0 … 2^32-1; it is answered (to ret->msgid_obj), the stream goes on. */
int lb_rpc_parse(const msgpack_object *o, lb_rpc_msg *ret, char *err, size_t errlen);

/* Read the msgid from the first bytes of a request that could not be
 * unpacked whole (too large, too deep). False when head is not the start of
 * [0, msgid, ...] or too short to tell. */
bool lb_rpc_peek_msgid(const void *head, size_t len, uint32_t *ret_msgid);

/* Packers. The request and notification headers leave the params array open:
 * the caller packs nparams values after it. The ok header leaves the result
 * open: the caller packs exactly one value after it. */
void lb_rpc_pack_request(msgpack_packer *pk, uint32_t msgid, const char *method, uint32_t nparams);
void lb_rpc_pack_notification(msgpack_packer *pk, const char *method, uint32_t nparams);
void lb_rpc_pack_response_ok(msgpack_packer *pk, uint32_t msgid);
void lb_rpc_pack_response_error(msgpack_packer *pk, uint32_t msgid, lb_rpc_code code,
                                const char *message);
/* An error response to a msgid as the client sent it (any integer). */
void lb_rpc_pack_response_error_id(msgpack_packer *pk, const msgpack_object *msgid,
                                   lb_rpc_code code, const char *message);
void lb_rpc_pack_str(msgpack_packer *pk, const char *s);

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

/* The sizes a MessagePack stream declares, checked before msgpack-c reads
 * them: msgpack-c allocates the elements an array or map header announces
 * as soon as it reads the header, so 5 bytes could make it ask for
 * gigabytes. The scanner follows the bytes as they arrive, message after
 * message, and adds up the elements each message's headers announce; every
 * element takes at least a byte, so a message within LB_RPC_MAX_MESSAGE
 * announces at most that many. Bytes that are not MessagePack are left to
 * the decoder to refuse. */
typedef struct lb_rpc_scan {
  uint64_t items_left; /* items still to come in the message */
  uint64_t declared;   /* elements its arrays and maps announced */
  uint64_t skip;       /* payload bytes still to come */
  unsigned char hdr[9];
  uint8_t hdr_len, hdr_need;
} lb_rpc_scan;

void lb_rpc_scan_init(lb_rpc_scan *s);
/* Follow the next n bytes of the stream up to the end of one message.
 * Returns 1 when a message ends at p + *ret_used, 0 when all n bytes belong
 * to a message still going on (*ret_used is n), or -EMSGSIZE when a message
 * announces more elements than LB_RPC_MAX_MESSAGE bytes can hold (*ret_used:
 * through the header that says so); the stream is then to be given up. The
 * stream reader (lumbard/reader.h) runs it a message ahead of msgpack-c. */
int lb_rpc_scan_message(lb_rpc_scan *s, const unsigned char *p, size_t n, size_t *ret_used);
/* The same over any number of messages. Returns 0, or -EMSGSIZE; then
 * *ret_start is where the message refused began in p (SIZE_MAX: in an
 * earlier chunk). */
int lb_rpc_scan_feed(lb_rpc_scan *s, const unsigned char *p, size_t n, size_t *ret_start);

#endif
