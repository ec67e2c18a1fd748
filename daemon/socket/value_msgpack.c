#include "value_msgpack.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "args.h"
#include "util.h"
#include "value.h"

static int from_msgpack(lbd_arena *a, const msgpack_object *o, lb_value *ret, char *err,
                        size_t errlen) {
  switch (o->type) {
  case MSGPACK_OBJECT_NIL:
    *ret = lb_v_nil();
    return 0;
  case MSGPACK_OBJECT_BOOLEAN:
    *ret = lb_v_bool(o->via.boolean);
    return 0;
  case MSGPACK_OBJECT_POSITIVE_INTEGER:
    *ret = o->via.u64 > INT64_MAX ? lb_v_uint(o->via.u64) : lb_v_int((int64_t)o->via.u64);
    return 0;
  case MSGPACK_OBJECT_NEGATIVE_INTEGER:
    *ret = lb_v_int(o->via.i64);
    return 0;
  case MSGPACK_OBJECT_FLOAT32:
  case MSGPACK_OBJECT_FLOAT64:
    *ret = lb_v_double(o->via.f64);
    return 0;
  case MSGPACK_OBJECT_STR:
    if (!lbu_utf8_valid(o->via.str.ptr, o->via.str.size)) {
      snprintf(err, errlen, "a string is not valid UTF-8 (or holds a NUL byte)");
      return -EINVAL;
    }
    *ret = lb_v_strn(lbd_arena_strndup(a, o->via.str.ptr, o->via.str.size), o->via.str.size);
    return 0;
  case MSGPACK_OBJECT_BIN:
    snprintf(err, errlen, "binary data is not accepted; send text as a msgpack string");
    return -EINVAL;
  case MSGPACK_OBJECT_EXT:
    snprintf(err, errlen, "msgpack extension values are not accepted");
    return -EINVAL;
  case MSGPACK_OBJECT_ARRAY: {
    lb_value *items = lbd_arena_alloc(a, sizeof(lb_value) * o->via.array.size);
    for (uint32_t i = 0; i < o->via.array.size; i++) {
      int r = from_msgpack(a, &o->via.array.ptr[i], &items[i], err, errlen);
      if (r < 0)
        return r;
    }
    *ret = lb_v_array(items, o->via.array.size);
    return 0;
  }
  case MSGPACK_OBJECT_MAP: {
    lb_pair *pairs = lbd_arena_alloc(a, sizeof(lb_pair) * o->via.map.size);
    for (uint32_t i = 0; i < o->via.map.size; i++) {
      const msgpack_object *k = &o->via.map.ptr[i].key;
      if (k->type != MSGPACK_OBJECT_STR || !lbu_utf8_valid(k->via.str.ptr, k->via.str.size)) {
        snprintf(err, errlen, "map keys must be UTF-8 strings");
        return -EINVAL;
      }
      pairs[i].key = lbd_arena_strndup(a, k->via.str.ptr, k->via.str.size);
      int r = from_msgpack(a, &o->via.map.ptr[i].val, &pairs[i].val, err, errlen);
      if (r < 0)
        return r;
    }
    const char *dup = lbd_pairs_duplicate_key(pairs, o->via.map.size);
    if (dup) {
      snprintf(err, errlen, "map key \"%.64s\" appears twice", dup);
      return -EINVAL;
    }
    *ret = lb_v_map(pairs, o->via.map.size);
    return 0;
  }
  }
  snprintf(err, errlen, "unknown msgpack value");
  return -EINVAL;
}

int lbd_value_from_msgpack(lbd_arena *a, const msgpack_object *o, lb_value *ret, char *err,
                           size_t errlen) {
  return from_msgpack(a, o, ret, err, errlen);
}

void lbd_value_pack(msgpack_packer *pk, const lb_value *v) {
  switch (v->kind) {
  case LB_NIL:
    msgpack_pack_nil(pk);
    break;
  case LB_BOOL:
    v->as.b ? msgpack_pack_true(pk) : msgpack_pack_false(pk);
    break;
  case LB_INT:
    msgpack_pack_int64(pk, v->as.i);
    break;
  case LB_UINT:
    msgpack_pack_uint64(pk, v->as.u);
    break;
  case LB_DOUBLE:
    msgpack_pack_double(pk, v->as.d);
    break;
  case LB_STR:
    msgpack_pack_str(pk, v->as.str.len);
    msgpack_pack_str_body(pk, v->as.str.ptr, v->as.str.len);
    break;
  case LB_ARRAY:
    msgpack_pack_array(pk, v->as.arr.len);
    for (uint32_t i = 0; i < v->as.arr.len; i++)
      lbd_value_pack(pk, &v->as.arr.items[i]);
    break;
  case LB_MAP:
    msgpack_pack_map(pk, v->as.map.len);
    for (uint32_t i = 0; i < v->as.map.len; i++) {
      size_t n = strlen(v->as.map.items[i].key);
      msgpack_pack_str(pk, n);
      msgpack_pack_str_body(pk, v->as.map.items[i].key, n);
      lbd_value_pack(pk, &v->as.map.items[i].val);
    }
    break;
  }
}

/* What a parameter's position is, for a message: "parameter 'seconds'", the
 * options map's "option 'label'", or past the declared ones its number. */
static void position_name(const lbd_method_entry *m, uint32_t i, uint32_t n, bool is_map, char *buf,
                          size_t len) {
  bool positional_map = i < m->n_params && (m->decl->params[i].type == LB_T_MAP ||
                                            m->decl->params[i].type == LB_T_ANY);
  if (i < m->n_params && !(is_map && i == n - 1 && m->n_options && !positional_map))
    snprintf(buf, len, "parameter '%s'", m->decl->params[i].name);
  else if (is_map && i == n - 1)
    snprintf(buf, len, "the options map");
  else
    snprintf(buf, len, "parameter %u", i + 1);
}

int lbd_value_args_from_msgpack(lbd_arena *a, const lbd_method_entry *m,
                                const msgpack_object *params, lb_value *ret, char *err,
                                size_t errlen) {
  uint32_t n = params->via.array.size;
  lb_value *items = lbd_arena_alloc(a, sizeof(lb_value) * n);
  char why[400], what[96];
  for (uint32_t i = 0; i < n; i++) {
    const msgpack_object *o = &params->via.array.ptr[i];
    if (lbd_value_from_msgpack(a, o, &items[i], why, sizeof(why)) == 0)
      continue;
    position_name(m, i, n, o->type == MSGPACK_OBJECT_MAP, what, sizeof(what));
    /* In the options map, name the option whose value is refused. */
    if (strcmp(what, "the options map") == 0) {
      for (uint32_t k = 0; k < o->via.map.size; k++) {
        const msgpack_object *key = &o->via.map.ptr[k].key;
        lb_value tmp;
        char sub[400];
        if (key->type != MSGPACK_OBJECT_STR || !lbu_utf8_valid(key->via.str.ptr, key->via.str.size))
          break; /* the map's own fault: its keys */
        if (lbd_value_from_msgpack(a, &o->via.map.ptr[k].val, &tmp, sub, sizeof(sub)) < 0) {
          char key_text[64];
          lbd_args_escape(key->via.str.ptr, key->via.str.size, key_text, sizeof(key_text));
          snprintf(err, errlen, "option '%s': %s", key_text, sub);
          return -EINVAL;
        }
      }
    }
    snprintf(err, errlen, "%s: %s", what, why);
    return -EINVAL;
  }
  *ret = lb_v_array(items, n);
  return 0;
}
