/* The client side of the MessagePack-RPC stream: packing requests, reading
 * responses and notifications out of the stream reader (lumbard/reader.h). */
#include "lumbard/client_codec.h"

#include <errno.h>
#include <lumbard/reader.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define READ_CHUNK (64 * 1024)

struct lbc_client_msg {
  /* Owns the zone that every msgpack_object below points into. */
  msgpack_unpacked unpacked;
  lb_rpc_msg m;
  char *method;
  char *error_code, *error_message;
};

struct lbc_client_codec {
  lb_reader *reader;
  uint32_t next_msgid;
  int failed; /* the sticky error once the stream is out of step */
  char error[256];
};

/* ---- messages --------------------------------------------------------------- */

lbc_client_msg *lbc_client_msg_free(lbc_client_msg *m) {
  if (!m)
    return NULL;
  msgpack_unpacked_destroy(&m->unpacked);
  free(m->method);
  free(m->error_code);
  free(m->error_message);
  free(m);
  return NULL;
}

enum lb_rpc_type lbc_client_msg_type(const lbc_client_msg *m) {
  return m->m.type;
}
uint32_t lbc_client_msg_msgid(const lbc_client_msg *m) {
  return m->m.msgid;
}
const char *lbc_client_msg_method(const lbc_client_msg *m) {
  return m->method;
}
const msgpack_object *lbc_client_msg_params(const lbc_client_msg *m) {
  return m->m.params;
}
const char *lbc_client_msg_error_code(const lbc_client_msg *m) {
  return m->error_code;
}
const char *lbc_client_msg_error_message(const lbc_client_msg *m) {
  return m->error_message;
}

const msgpack_object *lbc_client_msg_result(const lbc_client_msg *m) {
  return m->error_code ? NULL : m->m.result;
}

/* The error of a response as two C strings. A daemon is not supposed to send
 * anything but {code, message}; whatever else comes still reads as an error
 * the user can see rather than a crash. */
static int read_error(lbc_client_msg *m) {
  const msgpack_object *e = m->m.error;
  const msgpack_object *code = NULL, *message = NULL;
  if (e->type == MSGPACK_OBJECT_MAP) {
    code = lbc_msg_map_str(e, "code");
    message = lbc_msg_map_str(e, "message");
  } else if (e->type == MSGPACK_OBJECT_STR) {
    message = e; /* some MessagePack-RPC servers send a bare string */
  }
  if (code)
    m->error_code = strndup(code->via.str.ptr, code->via.str.size);
  else
    m->error_code = strdup("internal");
  if (message)
    m->error_message = strndup(message->via.str.ptr, message->via.str.size);
  else
    m->error_message = strdup("the daemon answered an error without a message");
  return m->error_code && m->error_message ? 0 : -ENOMEM;
}

/* ---- the stream ------------------------------------------------------------- */

int lbc_client_codec_new(lbc_client_codec **ret) {
  lbc_client_codec *c = calloc(1, sizeof(*c));
  if (!c)
    return -ENOMEM;
  int r = lb_reader_new(READ_CHUNK, &c->reader);
  if (r < 0) {
    free(c);
    return r;
  }
  c->next_msgid = 1;
  *ret = c;
  return 0;
}

lbc_client_codec *lbc_client_codec_free(lbc_client_codec *c) {
  if (!c)
    return NULL;
  lb_reader_free(c->reader);
  free(c);
  return NULL;
}

const char *lbc_client_codec_error(const lbc_client_codec *c) {
  return c->error;
}

static int sbuffer_write(void *data, const char *buf, size_t len) {
  return msgpack_sbuffer_write(data, buf, len);
}

/* Exactly one complete array, so that a caller's mistake cannot put the
 * stream out of step with the daemon. */
static bool is_one_array(const void *p, size_t len) {
  msgpack_unpacked u;
  size_t off = 0;
  msgpack_unpacked_init(&u);
  msgpack_unpack_return r = msgpack_unpack_next(&u, p, len, &off);
  bool ok = r == MSGPACK_UNPACK_SUCCESS && off == len && u.data.type == MSGPACK_OBJECT_ARRAY;
  msgpack_unpacked_destroy(&u);
  return ok;
}

int lbc_client_codec_pack_request(lbc_client_codec *c, msgpack_sbuffer *out, const char *method,
                                  const void *params, size_t params_len, uint32_t *ret_msgid) {
  static const char empty_array = (char)0x90;
  if (!method || !*method)
    return -EINVAL;
  if (!params) {
    params = &empty_array;
    params_len = 1;
  } else if (!is_one_array(params, params_len)) {
    return -EINVAL;
  }
  if (params_len + strlen(method) + 16 > LB_RPC_MAX_MESSAGE)
    return -E2BIG;

  uint32_t msgid = c->next_msgid++;
  msgpack_packer pk;
  msgpack_packer_init(&pk, out, sbuffer_write);
  msgpack_pack_array(&pk, 4);
  msgpack_pack_uint8(&pk, LB_RPC_REQUEST);
  msgpack_pack_uint32(&pk, msgid);
  lb_rpc_pack_str(&pk, method);
  if (msgpack_sbuffer_write(out, params, params_len) < 0)
    return -ENOMEM;
  if (ret_msgid)
    *ret_msgid = msgid;
  return 0;
}

int lbc_client_codec_buffer(lbc_client_codec *c, size_t want, char **ret_buf, size_t *ret_len) {
  return lb_reader_buffer(c->reader, want, ret_buf, ret_len);
}

void lbc_client_codec_consumed(lbc_client_codec *c, size_t n) {
  lb_reader_consumed(c->reader, n);
}

int lbc_client_codec_feed(lbc_client_codec *c, const void *data, size_t len) {
  return lb_reader_feed(c->reader, data, len);
}

__attribute__((format(printf, 3, 4))) static int fail(lbc_client_codec *c, int r, const char *fmt,
                                                      ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(c->error, sizeof(c->error), fmt, ap);
  va_end(ap);
  c->failed = r;
  return r;
}

/* Turn an unpacked object into a message; m already owns the unpacked. */
static int read_msg(lbc_client_codec *c, lbc_client_msg *m) {
  char err[256];
  if (lb_rpc_parse(&m->unpacked.data, &m->m, err, sizeof(err)) < 0)
    return fail(c, -EBADMSG, "the daemon sent a malformed message: %s", err);
  if (m->m.method) {
    m->method = strndup(m->m.method, m->m.method_len);
    if (!m->method)
      return -ENOMEM;
  }
  if (m->m.type == LB_RPC_RESPONSE && m->m.error->type != MSGPACK_OBJECT_NIL)
    return read_error(m);
  return 0;
}

/* The reader's refusal, as a user reads it. */
static int refused(lbc_client_codec *c, int r) {
  switch (lb_reader_refused(c->reader)->fault) {
  case LB_READER_TOO_DEEP:
    return fail(c, r, "the daemon sent a message nested deeper than 32 levels");
  case LB_READER_GARBAGE:
    return fail(c, r, "the daemon sent bytes that are not MessagePack");
  default:
    return fail(c, r, "the daemon sent a message over the 1 MiB limit");
  }
}

int lbc_client_codec_next(lbc_client_codec *c, lbc_client_msg **ret) {
  *ret = NULL;
  if (c->failed)
    return c->failed;
  msgpack_object o;
  int r = lb_reader_next(c->reader, &o);
  if (r == 0)
    return 0; /* a partial message just waits for more bytes */
  if (r < 0)
    return refused(c, r);

  lbc_client_msg *m = calloc(1, sizeof(*m));
  if (!m) {
    msgpack_zone_free(lb_reader_keep(c->reader));
    return -ENOMEM;
  }
  msgpack_unpacked_init(&m->unpacked);
  m->unpacked.zone = lb_reader_keep(c->reader);
  m->unpacked.data = o;
  int e = read_msg(c, m);
  if (e < 0) {
    lbc_client_msg_free(m);
    return e;
  }
  *ret = m;
  return 1;
}
