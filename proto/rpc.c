/* MessagePack-RPC message shapes: validation, packing, msgid peeking. */
#include "lumbard/rpc.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static const char *kind_name(msgpack_object_type t) {
  switch (t) {
  case MSGPACK_OBJECT_NIL:
    return "nil";
  case MSGPACK_OBJECT_BOOLEAN:
    return "a boolean";
  case MSGPACK_OBJECT_POSITIVE_INTEGER:
  case MSGPACK_OBJECT_NEGATIVE_INTEGER:
    return "an integer";
  case MSGPACK_OBJECT_FLOAT32:
  case MSGPACK_OBJECT_FLOAT64:
    return "a float";
  case MSGPACK_OBJECT_STR:
    return "a string";
  case MSGPACK_OBJECT_BIN:
    return "binary data";
  case MSGPACK_OBJECT_ARRAY:
    return "an array";
  case MSGPACK_OBJECT_MAP:
    return "a map";
  case MSGPACK_OBJECT_EXT:
    return "an extension value";
  }
  return "an unknown value";
}

static int bad(char *err, size_t errlen, const char *what, const msgpack_object *got) {
  if (got)
    snprintf(err, errlen, "%s, got %s", what, kind_name(got->type));
  else
    snprintf(err, errlen, "%s", what);
  return -EBADMSG;
}

static bool read_msgid(const msgpack_object *o, uint32_t *ret) {
  if (o->type != MSGPACK_OBJECT_POSITIVE_INTEGER || o->via.u64 > UINT32_MAX)
    return false;
  *ret = (uint32_t)o->via.u64;
  return true;
}

static bool is_integer(const msgpack_object *o) {
  return o->type == MSGPACK_OBJECT_POSITIVE_INTEGER || o->type == MSGPACK_OBJECT_NEGATIVE_INTEGER;
}

int lb_rpc_parse(const msgpack_object *o, lb_rpc_msg *ret, char *err, size_t errlen) {
  memset(ret, 0, sizeof(*ret));
  if (o->type != MSGPACK_OBJECT_ARRAY)
    return bad(err, errlen, "a message must be an array [type, ...]", o);
  const msgpack_object_array *a = &o->via.array;
  if (a->size == 0)
    return bad(err, errlen, "a message must be an array [type, ...], got an empty array", NULL);
  const msgpack_object *t = &a->ptr[0];
  /* An unknown type with an integer after it: that is its msgid, to answer. */
  if (t->type == MSGPACK_OBJECT_POSITIVE_INTEGER && t->via.u64 > 2 && a->size >= 2 &&
      is_integer(&a->ptr[1]))
    ret->msgid_obj = &a->ptr[1];
  if (t->type != MSGPACK_OBJECT_POSITIVE_INTEGER || t->via.u64 > 2)
    return bad(err, errlen,
               "the first element of a message must be its type: 0 (request), 1 (response) or "
               "2 (notification)",
               t->type == MSGPACK_OBJECT_POSITIVE_INTEGER ? NULL : t);
  ret->type = (enum lb_rpc_type)t->via.u64;

  switch (ret->type) {
  case LB_RPC_REQUEST:
    if (a->size >= 2 && read_msgid(&a->ptr[1], &ret->msgid))
      ret->has_msgid = true;
    if (a->size >= 2 && is_integer(&a->ptr[1]))
      ret->msgid_obj = &a->ptr[1];
    if (a->size != 4) {
      snprintf(err, errlen, "a request must be [0, msgid, method, params], got %u elements",
               a->size);
      return -EBADMSG;
    }
    if (!ret->msgid_obj)
      return bad(err, errlen, "a request's msgid must be an unsigned 32-bit integer", &a->ptr[1]);
    if (a->ptr[2].type != MSGPACK_OBJECT_STR)
      return bad(err, errlen, "a request's method must be a string", &a->ptr[2]);
    if (a->ptr[3].type != MSGPACK_OBJECT_ARRAY)
      return bad(err, errlen, "a request's params must be an array", &a->ptr[3]);
    if (!ret->has_msgid) { /* the shape is right: only this request is refused */
      if (a->ptr[1].type == MSGPACK_OBJECT_NEGATIVE_INTEGER)
        snprintf(err, errlen,
                 "a request's msgid must be an unsigned 32-bit integer (0 to 4294967295), got "
                 "%lld",
                 (long long)a->ptr[1].via.i64);
      else
        snprintf(err, errlen,
                 "a request's msgid must be an unsigned 32-bit integer (0 to 4294967295), got "
                 "%llu",
                 (unsigned long long)a->ptr[1].via.u64);
      return -ERANGE;
    }
    ret->method = a->ptr[2].via.str.ptr;
    ret->method_len = a->ptr[2].via.str.size;
    ret->params = &a->ptr[3];
    return 0;
  case LB_RPC_RESPONSE:
    if (a->size != 4) {
      snprintf(err, errlen, "a response must be [1, msgid, error, result], got %u elements",
               a->size);
      return -EBADMSG;
    }
    if (!read_msgid(&a->ptr[1], &ret->msgid))
      return bad(err, errlen, "a response's msgid must be an unsigned 32-bit integer", &a->ptr[1]);
    ret->has_msgid = true;
    ret->error = &a->ptr[2];
    ret->result = &a->ptr[3];
    return 0;
  case LB_RPC_NOTIFICATION:
    if (a->size != 3) {
      snprintf(err, errlen, "a notification must be [2, method, params], got %u elements", a->size);
      return -EBADMSG;
    }
    if (a->ptr[1].type != MSGPACK_OBJECT_STR)
      return bad(err, errlen, "a notification's method must be a string", &a->ptr[1]);
    if (a->ptr[2].type != MSGPACK_OBJECT_ARRAY)
      return bad(err, errlen, "a notification's params must be an array", &a->ptr[2]);
    ret->method = a->ptr[1].via.str.ptr;
    ret->method_len = a->ptr[1].via.str.size;
    ret->params = &a->ptr[2];
    return 0;
  }
  return -EBADMSG;
}

static uint64_t be(const unsigned char *p, size_t n) {
  uint64_t v = 0;
  for (size_t i = 0; i < n; i++)
    v = v << 8 | p[i];
  return v;
}

bool lb_rpc_peek_msgid(const void *head, size_t len, uint32_t *ret_msgid) {
  const unsigned char *p = head;
  size_t i = 0;
  /* fixarray of 4, or array16 / array32 holding 4 */
  if (len < 1)
    return false;
  if (p[0] == 0x94)
    i = 1;
  else if (p[0] == 0xdc && len >= 3 && be(p + 1, 2) == 4)
    i = 3;
  else if (p[0] == 0xdd && len >= 5 && be(p + 1, 4) == 4)
    i = 5;
  else
    return false;
  if (len < i + 2 || p[i] != 0x00) /* type 0 as positive fixint */
    return false;
  i++;
  unsigned char m = p[i++];
  uint64_t id;
  if (m <= 0x7f) {
    id = m;
  } else {
    size_t n = m == 0xcc ? 1 : m == 0xcd ? 2 : m == 0xce ? 4 : m == 0xcf ? 8 : 0;
    if (n == 0 || len < i + n)
      return false;
    id = be(p + i, n);
  }
  if (id > UINT32_MAX)
    return false;
  *ret_msgid = (uint32_t)id;
  return true;
}

void lb_rpc_pack_str(msgpack_packer *pk, const char *s) {
  size_t n = strlen(s);
  msgpack_pack_str(pk, n);
  msgpack_pack_str_body(pk, s, n);
}

void lb_rpc_pack_request(msgpack_packer *pk, uint32_t msgid, const char *method, uint32_t nparams) {
  msgpack_pack_array(pk, 4);
  msgpack_pack_uint8(pk, LB_RPC_REQUEST);
  msgpack_pack_uint32(pk, msgid);
  lb_rpc_pack_str(pk, method);
  msgpack_pack_array(pk, nparams);
}

void lb_rpc_pack_notification(msgpack_packer *pk, const char *method, uint32_t nparams) {
  msgpack_pack_array(pk, 3);
  msgpack_pack_uint8(pk, LB_RPC_NOTIFICATION);
  lb_rpc_pack_str(pk, method);
  msgpack_pack_array(pk, nparams);
}

void lb_rpc_pack_response_ok(msgpack_packer *pk, uint32_t msgid) {
  msgpack_pack_array(pk, 4);
  msgpack_pack_uint8(pk, LB_RPC_RESPONSE);
  msgpack_pack_uint32(pk, msgid);
  msgpack_pack_nil(pk);
}

static void pack_error(msgpack_packer *pk, lb_rpc_code code, const char *message) {
  msgpack_pack_map(pk, 2);
  lb_rpc_pack_str(pk, "code");
  lb_rpc_pack_str(pk, lb_rpc_code_name(code));
  lb_rpc_pack_str(pk, "message");
  lb_rpc_pack_str(pk, message);
  msgpack_pack_nil(pk);
}

void lb_rpc_pack_response_error(msgpack_packer *pk, uint32_t msgid, lb_rpc_code code,
                                const char *message) {
  msgpack_pack_array(pk, 4);
  msgpack_pack_uint8(pk, LB_RPC_RESPONSE);
  msgpack_pack_uint32(pk, msgid);
  pack_error(pk, code, message);
}

void lb_rpc_pack_response_error_id(msgpack_packer *pk, const msgpack_object *msgid,
                                   lb_rpc_code code, const char *message) {
  msgpack_pack_array(pk, 4);
  msgpack_pack_uint8(pk, LB_RPC_RESPONSE);
  msgpack_pack_object(pk, *msgid);
  pack_error(pk, code, message);
}
