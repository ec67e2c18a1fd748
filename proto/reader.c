/* The MessagePack-RPC stream, read: the size scan a message ahead of
 * msgpack-c's streaming unpacker, through msgpack-c's public API only. See
 * lumbard/reader.h. */
#include "lumbard/reader.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define HEAD_BYTES 16 /* enough of a request's start to read its msgid */

/* The zone holding the objects of the messages read is let go between
 * messages once they add up to ZONE_BYTES (their objects take at most some
 * 24 times their bytes), and whenever room is asked for with no message in
 * progress. Letting it go after every message would cost more than a small
 * message (a pipelining client sends thousands in one read); keeping it
 * longer would keep the read buffer too, which its strings point into, and
 * msgpack-c could not reuse that from its start. */
#define ZONE_BYTES 4096

struct lb_reader {
  msgpack_unpacker unpacker;
  lb_rpc_scan scan;
  /* Bytes read but not yet given to msgpack-c: the scan hands them over a
   * message at a time. They wait at msgpack_unpacker_buffer(). */
  size_t fresh;
  size_t msg_bytes;               /* of the message in progress, given to msgpack-c */
  size_t zone_bytes;              /* of the messages whose objects the zone holds */
  unsigned char head[HEAD_BYTES]; /* the first bytes of the message in progress */
  size_t head_len;
  lb_reader_refusal refusal;
};

static const char *const fault_text[] = {
    [LB_READER_FINE] = "",
    [LB_READER_TOO_LARGE] = "over the 1 MiB limit",
    [LB_READER_TOO_MANY] = "it announces more elements than 1 MiB can hold",
    /* msgpack-c's parse stack holds 32 levels: deeper nesting fails as if
     * out of memory, as does an array or map header announcing more
     * elements than malloc gives room for (msgpack-c allocates them as it
     * reads the header). */
    [LB_READER_TOO_DEEP] =
        "nested deeper than 32 levels, or announcing more elements than fit in 1 MiB",
    [LB_READER_GARBAGE] = "bytes that are not MessagePack",
};

int lb_reader_new(size_t initial, lb_reader **ret) {
  lb_reader *r = calloc(1, sizeof(*r));
  if (!r)
    return -ENOMEM;
  if (!msgpack_unpacker_init(&r->unpacker, initial)) {
    free(r);
    return -ENOMEM;
  }
  lb_rpc_scan_init(&r->scan);
  r->refusal.what = fault_text[LB_READER_FINE];
  *ret = r;
  return 0;
}

lb_reader *lb_reader_free(lb_reader *r) {
  if (!r)
    return NULL;
  msgpack_unpacker_destroy(&r->unpacker);
  free(r);
  return NULL;
}

msgpack_zone *lb_reader_keep(lb_reader *r) {
  return msgpack_unpacker_release_zone(&r->unpacker);
}

/* Only between messages: a message in progress has its objects there. */
static void drop_zone(lb_reader *r) {
  msgpack_zone_free(lb_reader_keep(r));
  r->zone_bytes = 0;
}

int lb_reader_buffer(lb_reader *r, size_t want, char **ret_buf, size_t *ret_len) {
  msgpack_unpacker *u = &r->unpacker;
  if (r->msg_bytes == 0)
    drop_zone(r);
  if (msgpack_unpacker_buffer_capacity(u) < r->fresh + want) {
    /* msgpack-c moves only the bytes given to it when it makes room: the
     * fresh ones (fed twice without reading messages out) go along here. */
    char *fresh = NULL;
    if (r->fresh && !(fresh = malloc(r->fresh)))
      return -ENOMEM;
    if (fresh)
      memcpy(fresh, msgpack_unpacker_buffer(u), r->fresh);
    bool ok = msgpack_unpacker_reserve_buffer(u, r->fresh + want);
    if (fresh && msgpack_unpacker_buffer_capacity(u) >= r->fresh)
      memcpy(msgpack_unpacker_buffer(u), fresh, r->fresh);
    free(fresh);
    if (!ok)
      return -ENOMEM;
  }
  *ret_buf = msgpack_unpacker_buffer(u) + r->fresh;
  *ret_len = msgpack_unpacker_buffer_capacity(u) - r->fresh;
  return 0;
}

void lb_reader_consumed(lb_reader *r, size_t n) {
  r->fresh += n;
}

int lb_reader_feed(lb_reader *r, const void *data, size_t len) {
  char *buf;
  size_t cap;
  int e = lb_reader_buffer(r, len, &buf, &cap);
  if (e < 0)
    return e;
  memcpy(buf, data, len);
  lb_reader_consumed(r, len);
  return 0;
}

const lb_reader_refusal *lb_reader_refused(const lb_reader *r) {
  return &r->refusal;
}

static int refuse(lb_reader *r, lb_reader_fault fault) {
  r->refusal.fault = fault;
  r->refusal.what = fault_text[fault];
  r->refusal.has_msgid = lb_rpc_peek_msgid(r->head, r->head_len, &r->refusal.msgid);
  return fault == LB_READER_GARBAGE ? -EBADMSG : -EMSGSIZE;
}

int lb_reader_next(lb_reader *r, msgpack_object *ret) {
  msgpack_unpacker *u = &r->unpacker;
  if (r->refusal.fault)
    return r->refusal.fault == LB_READER_GARBAGE ? -EBADMSG : -EMSGSIZE;
  if (r->msg_bytes == 0 && r->zone_bytes >= ZONE_BYTES)
    drop_zone(r);
  while (r->fresh > 0) {
    /* The scan goes first, up to the end of one message: what it refuses
     * never reaches msgpack-c, and what it lets through is one message or
     * the start of one. */
    const unsigned char *p = (const unsigned char *)msgpack_unpacker_buffer(u);
    size_t used;
    int whole = lb_rpc_scan_message(&r->scan, p, r->fresh, &used);
    if (r->head_len < HEAD_BYTES) {
      size_t n = HEAD_BYTES - r->head_len < used ? HEAD_BYTES - r->head_len : used;
      memcpy(r->head + r->head_len, p, n);
      r->head_len += n;
    }
    if (whole < 0)
      return refuse(r, LB_READER_TOO_MANY);
    r->msg_bytes += used;
    if (r->msg_bytes > LB_RPC_MAX_MESSAGE)
      return refuse(r, LB_READER_TOO_LARGE);
    msgpack_unpacker_buffer_consumed(u, used);
    r->fresh -= used;

    int e = msgpack_unpacker_execute(u);
    if (e == MSGPACK_UNPACK_NOMEM_ERROR)
      return refuse(r, LB_READER_TOO_DEEP);
    /* The scan and msgpack-c agree on where a message ends but for bytes
     * msgpack-c refuses (0xc1): either way the stream is out of step. */
    if (e < 0 || (e > 0) != (whole > 0))
      return refuse(r, LB_READER_GARBAGE);
    if (e == 0)
      continue; /* a partial message: fresh is 0, wait for more */
    *ret = msgpack_unpacker_data(u);
    msgpack_unpacker_reset(u);
    r->zone_bytes += r->msg_bytes;
    r->msg_bytes = 0;
    r->head_len = 0;
    return 1;
  }
  return 0;
}
