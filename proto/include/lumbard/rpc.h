/* lumbard/rpc.h — the MessagePack-RPC wire contract shared by the daemon and
 * its clients (see proto/PROTOCOL.md): message shapes over msgpack-c. What
 * needs no msgpack (limits, error codes, durations, the socket's path) is in
 * lumbard/wire.h, which the daemon's core uses alone. */
#ifndef LUMBARD_RPC_H
#define LUMBARD_RPC_H

#include <lumbard/wire.h>
#include <msgpack.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

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
