/* lumbard/client_codec.h — the client side of lumbard's MessagePack-RPC
 * stream, with no I/O: requests are packed with fresh msgids, bytes are taken
 * in as they arrive, and whole messages come out one at a time. The blocking
 * lbc_client (lumbard/client.h) runs it over a socket; an event-loop client
 * feeds it from its read callback (lbc_client_codec_buffer/_consumed map onto
 * libuv's alloc and read callbacks) and matches responses by msgid itself.
 *
 * Limits are the wire's (proto/include/lumbard/rpc.h): a message over 1 MiB
 * or nested deeper than 32 levels is refused, and the stream is then
 * unusable, as the daemon treats it. */
#ifndef LUMBARD_CLIENT_CODEC_H
#define LUMBARD_CLIENT_CODEC_H

#include <lumbard/rpc.h>
#include <msgpack.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- one message from the daemon ---------------------------------------- */

/* A response, a notification, or (never sent by lumbard, but legal on the
 * wire) a request. It owns the memory every pointer it hands out points
 * into, so it may outlive the codec that produced it. */
typedef struct lbc_client_msg lbc_client_msg;

lbc_client_msg *lbc_client_msg_free(lbc_client_msg *m); /* accepts NULL, returns NULL */

enum lb_rpc_type lbc_client_msg_type(const lbc_client_msg *m);
/* Responses and requests. */
uint32_t lbc_client_msg_msgid(const lbc_client_msg *m);
/* Notifications and requests: the method (event) name, NUL-terminated. */
const char *lbc_client_msg_method(const lbc_client_msg *m);
/* Notifications and requests: the params array. For a lumbard event it is
 * [fields], fields a map. */
const msgpack_object *lbc_client_msg_params(const lbc_client_msg *m);
/* Responses: the result; NULL when the daemon answered an error. */
const msgpack_object *lbc_client_msg_result(const lbc_client_msg *m);
/* Responses: the error's code ("invalid_params", ...) and message,
 * NUL-terminated; NULL on success. An error map of an unexpected shape reads
 * as code "internal" with a message saying so. */
const char *lbc_client_msg_error_code(const lbc_client_msg *m);
const char *lbc_client_msg_error_message(const lbc_client_msg *m);

/* ---- the stream ----------------------------------------------------------- */

typedef struct lbc_client_codec lbc_client_codec;

int lbc_client_codec_new(lbc_client_codec **ret);
lbc_client_codec *lbc_client_codec_free(lbc_client_codec *c); /* accepts NULL, returns NULL */

/* Append the request [0, msgid, method, params] to out. params, params_len:
 * the packed params array, exactly one msgpack array; NULL for []. Returns 0
 * and the request's msgid, -EINVAL when params is not one array or the
 * method is empty, -E2BIG when the request would be over 1 MiB. */
int lbc_client_codec_pack_request(lbc_client_codec *c, msgpack_sbuffer *out, const char *method,
                                  const void *params, size_t params_len, uint32_t *ret_msgid);

/* Incoming bytes, without a copy: get room for at least want bytes, read
 * into it, then report how many arrived. Returns 0 or -ENOMEM. */
int lbc_client_codec_buffer(lbc_client_codec *c, size_t want, char **ret_buf, size_t *ret_len);
void lbc_client_codec_consumed(lbc_client_codec *c, size_t n);
/* Incoming bytes, copied. Returns 0 or -ENOMEM. */
int lbc_client_codec_feed(lbc_client_codec *c, const void *data, size_t len);

/* The next whole message. Returns 1 and *ret (the caller frees it), 0 when
 * the bytes so far end in a partial message (*ret is NULL: feed more), or a
 * negative errno after which the stream is unusable: -EMSGSIZE (over 1 MiB
 * or nested too deep), -EBADMSG (not MessagePack, or not one of the three
 * message shapes), -ENOMEM. lbc_client_codec_error() says what was wrong. */
int lbc_client_codec_next(lbc_client_codec *c, lbc_client_msg **ret);
const char *lbc_client_codec_error(const lbc_client_codec *c);

/* ---- reading what the daemon sent ----------------------------------------- */

/* Map lookups over msgpack objects; NULL when map is not a map, the key is
 * absent, or (for the typed ones) the value has another type. */
const msgpack_object *lbc_msg_map_get(const msgpack_object *map, const char *key);
const msgpack_object *lbc_msg_map_str(const msgpack_object *map, const char *key);
bool lbc_msg_map_int(const msgpack_object *map, const char *key, int64_t *ret);
/* An integer value, 0 when absent or of another type. */
int64_t lbc_msg_map_int0(const msgpack_object *map, const char *key);
/* A number (an integer or a float) as a double. */
bool lbc_msg_map_number(const msgpack_object *map, const char *key, double *ret);
/* A boolean value, false when absent or of another type. */
bool lbc_msg_map_true(const msgpack_object *map, const char *key);
bool lbc_msg_str_eq(const msgpack_object *o, const char *s);
/* A NUL-terminated copy of a string object (the caller frees it); "" for
 * anything that is not a string; NULL only when out of memory. */
char *lbc_msg_strdup(const msgpack_object *o);

#endif
