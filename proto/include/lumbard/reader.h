/* lumbard/reader.h — the MessagePack-RPC stream, read: bytes in as they
 * arrive, whole messages out one at a time, each within the wire's limits
 * (LB_RPC_MAX_MESSAGE bytes, LB_RPC_MAX_DEPTH levels). The daemon runs one
 * per connection, fed straight from libuv's read buffer; the client codec
 * (lumbard/client_codec.h) runs one over its socket.
 *
 * The sizes a message's headers announce are followed first (lb_rpc_scan, a
 * message ahead of msgpack-c), so a few bytes announcing gigabytes never
 * reach msgpack-c, and each message's first bytes are kept while it is read:
 * a request refused for a limit can still be answered to its msgid. A loop
 * of lb_reader_next() simply stops on a partial message until more bytes
 * come. */
#ifndef LUMBARD_READER_H
#define LUMBARD_READER_H

#include <lumbard/rpc.h>
#include <msgpack.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct lb_reader lb_reader;

/* initial: the read buffer's first size. Returns 0 or -ENOMEM. */
int lb_reader_new(size_t initial, lb_reader **ret);
lb_reader *lb_reader_free(lb_reader *r); /* accepts NULL, returns NULL */

/* Incoming bytes, without a copy: room for at least want bytes (*ret_len may
 * be more), read into it, then say how many arrived. The objects of the
 * message lb_reader_next() gave last are gone once room is asked for.
 * Returns 0 or -ENOMEM. */
int lb_reader_buffer(lb_reader *r, size_t want, char **ret_buf, size_t *ret_len);
void lb_reader_consumed(lb_reader *r, size_t n);
/* Incoming bytes, copied. Returns 0 or -ENOMEM. */
int lb_reader_feed(lb_reader *r, const void *data, size_t len);

/* The next whole message, any MessagePack value (lb_rpc_parse() checks its
 * shape). Returns 1 and *ret, whose pointers stay valid until the next
 * lb_reader_next() or lb_reader_buffer() unless lb_reader_keep() takes
 * them; 0 when the bytes so far end in a partial message (feed more); or,
 * from then on, the stream's refusal: -EMSGSIZE (a limit) or -EBADMSG (not
 * MessagePack), lb_reader_refused() saying which. */
int lb_reader_next(lb_reader *r, msgpack_object *ret);

/* The memory of the message lb_reader_next() gave last, for the caller to
 * keep (msgpack_zone_free() it; it holds the read buffer's part that the
 * message's strings point into). NULL when the message needed none. */
msgpack_zone *lb_reader_keep(lb_reader *r);

typedef enum lb_reader_fault {
  LB_READER_FINE = 0,
  LB_READER_TOO_LARGE, /* over LB_RPC_MAX_MESSAGE bytes */
  LB_READER_TOO_MANY,  /* announces more elements than that many bytes hold */
  LB_READER_TOO_DEEP,  /* deeper than LB_RPC_MAX_DEPTH (msgpack-c's own limit) */
  LB_READER_GARBAGE,   /* bytes that are not MessagePack */
} lb_reader_fault;

/* Why the stream was refused, and the msgid of the request refused when its
 * first bytes show one. */
typedef struct lb_reader_refusal {
  lb_reader_fault fault;
  const char *what; /* "over the 1 MiB limit", as the daemon says it */
  bool has_msgid;
  uint32_t msgid;
} lb_reader_refusal;

const lb_reader_refusal *lb_reader_refused(const lb_reader *r);

#endif
