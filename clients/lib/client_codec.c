/* The client side of the MessagePack-RPC stream: packing requests, cutting
 * incoming bytes into messages, reading responses and notifications. */
#include "lumbard/client_codec.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define READ_CHUNK (64 * 1024)

struct lb_client_msg {
  /* Owns the zone that every msgpack_object below points into. */
  msgpack_unpacked unpacked;
  lb_rpc_msg m;
  char *method;
  char *error_code, *error_message;
};

struct lb_client_codec {
  msgpack_unpacker unpacker;
  uint32_t next_msgid;
  int failed; /* the sticky error once the stream is out of step */
  char error[256];
};

/* ---- messages --------------------------------------------------------------- */

lb_client_msg *lb_client_msg_free(lb_client_msg *m) {
  if (!m)
    return NULL;
  msgpack_unpacked_destroy(&m->unpacked);
  free(m->method);
  free(m->error_code);
  free(m->error_message);
  free(m);
  return NULL;
}

enum lb_rpc_type lb_client_msg_type(const lb_client_msg *m) {
  return m->m.type;
}
uint32_t lb_client_msg_msgid(const lb_client_msg *m) {
  return m->m.msgid;
}
const char *lb_client_msg_method(const lb_client_msg *m) {
  return m->method;
}
const msgpack_object *lb_client_msg_params(const lb_client_msg *m) {
  return m->m.params;
}
const char *lb_client_msg_error_code(const lb_client_msg *m) {
  return m->error_code;
}
const char *lb_client_msg_error_message(const lb_client_msg *m) {
  return m->error_message;
}

const msgpack_object *lb_client_msg_result(const lb_client_msg *m) {
  return m->error_code ? NULL : m->m.result;
}

static const msgpack_object *map_str(const msgpack_object *map, const char *key) {
  size_t klen = strlen(key);
  for (uint32_t i = 0; i < map->via.map.size; i++) {
    const msgpack_object_kv *kv = &map->via.map.ptr[i];
    if (kv->key.type == MSGPACK_OBJECT_STR && kv->key.via.str.size == klen &&
        memcmp(kv->key.via.str.ptr, key, klen) == 0)
      return kv->val.type == MSGPACK_OBJECT_STR ? &kv->val : NULL;
  }
  return NULL;
}

/* The error of a response as two C strings. A daemon is not supposed to send
 * anything but {code, message}; whatever else comes still reads as an error
 * the user can see rather than a crash. */
static int read_error(lb_client_msg *m) {
  const msgpack_object *e = m->m.error;
  const msgpack_object *code = NULL, *message = NULL;
  if (e->type == MSGPACK_OBJECT_MAP) {
    code = map_str(e, "code");
    message = map_str(e, "message");
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

int lb_client_codec_new(lb_client_codec **ret) {
  lb_client_codec *c = calloc(1, sizeof(*c));
  if (!c)
    return -ENOMEM;
  if (!msgpack_unpacker_init(&c->unpacker, READ_CHUNK)) {
    free(c);
    return -ENOMEM;
  }
  c->next_msgid = 1;
  *ret = c;
  return 0;
}

lb_client_codec *lb_client_codec_free(lb_client_codec *c) {
  if (!c)
    return NULL;
  msgpack_unpacker_destroy(&c->unpacker);
  free(c);
  return NULL;
}

const char *lb_client_codec_error(const lb_client_codec *c) {
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

int lb_client_codec_pack_request(lb_client_codec *c, msgpack_sbuffer *out, const char *method,
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

int lb_client_codec_buffer(lb_client_codec *c, size_t want, char **ret_buf, size_t *ret_len) {
  if (!msgpack_unpacker_reserve_buffer(&c->unpacker, want))
    return -ENOMEM;
  *ret_buf = msgpack_unpacker_buffer(&c->unpacker);
  *ret_len = msgpack_unpacker_buffer_capacity(&c->unpacker);
  return 0;
}

void lb_client_codec_consumed(lb_client_codec *c, size_t n) {
  msgpack_unpacker_buffer_consumed(&c->unpacker, n);
}

int lb_client_codec_feed(lb_client_codec *c, const void *data, size_t len) {
  char *buf;
  size_t cap;
  int r = lb_client_codec_buffer(c, len, &buf, &cap);
  if (r < 0)
    return r;
  memcpy(buf, data, len);
  lb_client_codec_consumed(c, len);
  return 0;
}

__attribute__((format(printf, 3, 4))) static int fail(lb_client_codec *c, int r, const char *fmt,
                                                      ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(c->error, sizeof(c->error), fmt, ap);
  va_end(ap);
  c->failed = r;
  return r;
}

/* Turn an unpacked object into a message; m already owns the unpacked. */
static int read_msg(lb_client_codec *c, lb_client_msg *m) {
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

int lb_client_codec_next(lb_client_codec *c, lb_client_msg **ret) {
  *ret = NULL;
  if (c->failed)
    return c->failed;
  msgpack_unpacker *u = &c->unpacker;
  /* What is already parsed of a message continued from earlier bytes, so a
   * message that arrives whole in one read is measured as well. */
  size_t parsed_before = msgpack_unpacker_parsed_size(u), off_before = u->off;

  lb_client_msg *m = calloc(1, sizeof(*m));
  if (!m)
    return -ENOMEM;
  msgpack_unpacked_init(&m->unpacked);
  msgpack_unpack_return r = msgpack_unpacker_next(u, &m->unpacked);
  switch (r) {
  case MSGPACK_UNPACK_SUCCESS:
    if (parsed_before + (u->off - off_before) > LB_RPC_MAX_MESSAGE) {
      lb_client_msg_free(m);
      return fail(c, -EMSGSIZE, "the daemon sent a message over the 1 MiB limit");
    }
    break;
  case MSGPACK_UNPACK_CONTINUE:
    lb_client_msg_free(m);
    /* A partial message just waits for more bytes, up to the limit. */
    if (msgpack_unpacker_message_size(u) > LB_RPC_MAX_MESSAGE)
      return fail(c, -EMSGSIZE, "the daemon sent a message over the 1 MiB limit");
    return 0;
  case MSGPACK_UNPACK_NOMEM_ERROR:
    /* msgpack-c's parse stack is 32 levels deep: deeper nesting lands here. */
    lb_client_msg_free(m);
    return fail(c, -EMSGSIZE, "the daemon sent a message nested deeper than 32 levels");
  default:
    lb_client_msg_free(m);
    return fail(c, -EBADMSG, "the daemon sent bytes that are not MessagePack");
  }

  int e = read_msg(c, m);
  if (e < 0) {
    lb_client_msg_free(m);
    return e;
  }
  *ret = m;
  return 1;
}
