/* Reading msgpack objects from the daemon: map lookups by key. */
#include <lumbard/client_codec.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

bool lbc_msg_str_eq(const msgpack_object *o, const char *s) {
  size_t n = strlen(s);
  return o && o->type == MSGPACK_OBJECT_STR && o->via.str.size == n &&
         memcmp(o->via.str.ptr, s, n) == 0;
}

const msgpack_object *lbc_msg_map_get(const msgpack_object *map, const char *key) {
  if (!map || map->type != MSGPACK_OBJECT_MAP)
    return NULL;
  for (uint32_t i = 0; i < map->via.map.size; i++)
    if (lbc_msg_str_eq(&map->via.map.ptr[i].key, key))
      return &map->via.map.ptr[i].val;
  return NULL;
}

const msgpack_object *lbc_msg_map_str(const msgpack_object *map, const char *key) {
  const msgpack_object *v = lbc_msg_map_get(map, key);
  return v && v->type == MSGPACK_OBJECT_STR ? v : NULL;
}

int64_t lbc_msg_map_int0(const msgpack_object *map, const char *key) {
  int64_t v = 0;
  lbc_msg_map_int(map, key, &v);
  return v;
}

bool lbc_msg_map_number(const msgpack_object *map, const char *key, double *ret) {
  const msgpack_object *v = lbc_msg_map_get(map, key);
  int64_t i;
  if (v && (v->type == MSGPACK_OBJECT_FLOAT32 || v->type == MSGPACK_OBJECT_FLOAT64)) {
    *ret = v->via.f64;
    return true;
  }
  if (!lbc_msg_map_int(map, key, &i))
    return false;
  *ret = (double)i;
  return true;
}

bool lbc_msg_map_true(const msgpack_object *map, const char *key) {
  const msgpack_object *v = lbc_msg_map_get(map, key);
  return v && v->type == MSGPACK_OBJECT_BOOLEAN && v->via.boolean;
}

bool lbc_msg_map_int(const msgpack_object *map, const char *key, int64_t *ret) {
  const msgpack_object *v = lbc_msg_map_get(map, key);
  if (!v)
    return false;
  if (v->type == MSGPACK_OBJECT_POSITIVE_INTEGER && v->via.u64 <= INT64_MAX) {
    *ret = (int64_t)v->via.u64;
    return true;
  }
  if (v->type == MSGPACK_OBJECT_NEGATIVE_INTEGER) {
    *ret = v->via.i64;
    return true;
  }
  return false;
}

char *lbc_msg_strdup(const msgpack_object *o) {
  if (!o || o->type != MSGPACK_OBJECT_STR)
    return strdup("");
  return strndup(o->via.str.ptr, o->via.str.size);
}
