/* JSON ⇄ MessagePack through jansson, for `call` arguments and --json. */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lumbarctl.h"

json_t *lbctl_json_from_arg(const char *arg) {
  json_error_t err;
  json_t *j = json_loads(arg, JSON_DECODE_ANY | JSON_ALLOW_NUL, &err);
  if (j)
    return j;
  /* Not JSON: the words themselves, as `call reminders.add tea "in 10m"`
   * means. Unchecked, so bytes that are not UTF-8 reach the daemon, which
   * says what is wrong with them. */
  return json_stringn_nocheck(arg, strlen(arg));
}

void lbctl_json_pack(msgpack_packer *pk, const json_t *j) {
  json_t *mj = (json_t *)j; /* jansson's iterators take non-const */
  switch (json_typeof(j)) {
  case JSON_OBJECT: {
    const char *key;
    size_t n;
    json_t *v;
    msgpack_pack_map(pk, json_object_size(j));
    json_object_keylen_foreach(mj, key, n, v) {
      msgpack_pack_str(pk, n);
      msgpack_pack_str_body(pk, key, n);
      lbctl_json_pack(pk, v);
    }
    break;
  }
  case JSON_ARRAY:
    msgpack_pack_array(pk, json_array_size(j));
    for (size_t i = 0; i < json_array_size(j); i++)
      lbctl_json_pack(pk, json_array_get(j, i));
    break;
  case JSON_STRING:
    msgpack_pack_str(pk, json_string_length(j));
    msgpack_pack_str_body(pk, json_string_value(j), json_string_length(j));
    break;
  case JSON_INTEGER:
    msgpack_pack_int64(pk, json_integer_value(j));
    break;
  case JSON_REAL:
    msgpack_pack_double(pk, json_real_value(j));
    break;
  case JSON_TRUE:
    msgpack_pack_true(pk);
    break;
  case JSON_FALSE:
    msgpack_pack_false(pk);
    break;
  case JSON_NULL:
    msgpack_pack_nil(pk);
    break;
  }
}

/* ---- msgpack → JSON ------------------------------------------------------------ */

/* Length of the valid UTF-8 sequence at p (at most n bytes), 0 if invalid. */
static size_t utf8_seq(const unsigned char *p, size_t n) {
  if (p[0] < 0x80)
    return 1;
  size_t len;
  uint32_t cp;
  if ((p[0] & 0xe0) == 0xc0)
    len = 2, cp = p[0] & 0x1f;
  else if ((p[0] & 0xf0) == 0xe0)
    len = 3, cp = p[0] & 0x0f;
  else if ((p[0] & 0xf8) == 0xf0)
    len = 4, cp = p[0] & 0x07;
  else
    return 0;
  if (len > n)
    return 0;
  for (size_t i = 1; i < len; i++) {
    if ((p[i] & 0xc0) != 0x80)
      return 0;
    cp = cp << 6 | (p[i] & 0x3f);
  }
  static const uint32_t min[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < min[len] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
    return 0;
  return len;
}

/* The text with each invalid byte replaced by U+FFFD. */
static json_t *string_json(const char *s, size_t n) {
  json_t *j = json_stringn(s, n);
  if (j)
    return j;
  char *buf = malloc(n * 3 + 1);
  if (!buf)
    return NULL;
  size_t out = 0;
  const unsigned char *p = (const unsigned char *)s;
  for (size_t i = 0; i < n;) {
    size_t len = utf8_seq(p + i, n - i);
    if (len) {
      memcpy(buf + out, p + i, len);
      out += len;
      i += len;
    } else {
      memcpy(buf + out, "\xef\xbf\xbd", 3);
      out += 3;
      i++;
    }
  }
  j = json_stringn(buf, out);
  free(buf);
  return j;
}

static json_t *base64_json(const char *data, size_t n) {
  static const char abc[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  const unsigned char *p = (const unsigned char *)data;
  char *out = malloc((n + 2) / 3 * 4 + 1);
  if (!out)
    return NULL;
  size_t o = 0;
  for (size_t i = 0; i < n; i += 3) {
    uint32_t v = (uint32_t)p[i] << 16 | (i + 1 < n ? (uint32_t)p[i + 1] << 8 : 0) |
                 (i + 2 < n ? p[i + 2] : 0);
    out[o++] = abc[v >> 18 & 63];
    out[o++] = abc[v >> 12 & 63];
    out[o++] = i + 1 < n ? abc[v >> 6 & 63] : '=';
    out[o++] = i + 2 < n ? abc[v & 63] : '=';
  }
  json_t *j = json_stringn(out, o);
  free(out);
  return j;
}

/* A map key as JSON object keys must be: text. */
static json_t *key_text(const msgpack_object *k) {
  if (k->type == MSGPACK_OBJECT_STR)
    return string_json(k->via.str.ptr, k->via.str.size);
  json_t *j = lbctl_json_from_msgpack(k);
  if (!j)
    return NULL;
  if (json_is_string(j))
    return j; /* bin and ext: already base64 text */
  char *s = json_dumps(j, JSON_ENCODE_ANY | JSON_COMPACT);
  json_decref(j);
  if (!s)
    return NULL;
  j = json_string(s);
  free(s);
  return j;
}

json_t *lbctl_json_from_msgpack(const msgpack_object *o) {
  switch (o->type) {
  case MSGPACK_OBJECT_NIL:
    return json_null();
  case MSGPACK_OBJECT_BOOLEAN:
    return json_boolean(o->via.boolean);
  case MSGPACK_OBJECT_POSITIVE_INTEGER:
    if (o->via.u64 > INT64_MAX)
      return json_real((double)o->via.u64);
    return json_integer((json_int_t)o->via.u64);
  case MSGPACK_OBJECT_NEGATIVE_INTEGER:
    return json_integer((json_int_t)o->via.i64);
  case MSGPACK_OBJECT_FLOAT32:
  case MSGPACK_OBJECT_FLOAT64:
    return isfinite(o->via.f64) ? json_real(o->via.f64) : json_null();
  case MSGPACK_OBJECT_STR:
    return string_json(o->via.str.ptr, o->via.str.size);
  case MSGPACK_OBJECT_BIN:
    return base64_json(o->via.bin.ptr, o->via.bin.size);
  case MSGPACK_OBJECT_EXT:
    return base64_json(o->via.ext.ptr, o->via.ext.size);
  case MSGPACK_OBJECT_ARRAY: {
    json_t *a = json_array();
    for (uint32_t i = 0; a && i < o->via.array.size; i++)
      json_array_append_new(a, lbctl_json_from_msgpack(&o->via.array.ptr[i]));
    return a;
  }
  case MSGPACK_OBJECT_MAP: {
    json_t *m = json_object();
    for (uint32_t i = 0; m && i < o->via.map.size; i++) {
      json_t *k = key_text(&o->via.map.ptr[i].key);
      if (!k)
        continue;
      json_object_setn_new(m, json_string_value(k), json_string_length(k),
                           lbctl_json_from_msgpack(&o->via.map.ptr[i].val));
      json_decref(k);
    }
    return m;
  }
  }
  return json_null();
}

int lbctl_json_print_json(FILE *f, const json_t *j, bool pretty) {
  /* Without an indent, jansson writes one line with a space after ':' and ','. */
  size_t flags = JSON_ENCODE_ANY | (pretty ? JSON_INDENT(2) : 0);
  if (!j || json_dumpf(j, f, flags) < 0 || fputc('\n', f) == EOF)
    return -EIO;
  return 0;
}

int lbctl_json_print(FILE *f, const msgpack_object *o, bool pretty) {
  json_t *j = lbctl_json_from_msgpack(o);
  int r = lbctl_json_print_json(f, j, pretty);
  json_decref(j);
  return r;
}
