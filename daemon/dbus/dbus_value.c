#include "dbus_value.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "util.h"
#include "value.h"

/* Each declared type's D-Bus signature: integers keep their width and sign,
 * a duration is seconds (u), a map a{sv}. */
static const char *const signatures[] = {
    [LB_T_ANY] = "v",  [LB_T_BOOL] = "b",     [LB_T_INT] = "x",     [LB_T_UINT] = "u",
    [LB_T_U64] = "t",  [LB_T_DOUBLE] = "d",   [LB_T_STRING] = "s",  [LB_T_DURATION] = "u",
    [LB_T_TIME] = "x", [LB_T_STRINGS] = "as", [LB_T_MAP] = "a{sv}", [LB_T_MAPS] = "aa{sv}",
    [LB_T_NONE] = "",  [LB_T_INTS] = "ax",
};

const char *lbd_dbus_signature(lb_type t) {
  return (size_t)t < sizeof(signatures) / sizeof(signatures[0]) && signatures[t] ? signatures[t]
                                                                                 : "";
}

void lbd_dbus_camel(const char *name, char *buf, size_t len) {
  size_t o = 0;
  bool up = true;
  for (const char *p = name; *p && o + 1 < len; p++) {
    if (*p == '_') {
      up = true;
      continue;
    }
    buf[o++] = up ? (char)toupper((unsigned char)*p) : *p;
    up = false;
  }
  buf[o] = '\0';
}

static const lb_field *field_of(const lb_field *fields, const char *key) {
  for (size_t i = 0; fields && fields[i].name; i++)
    if (strcmp(fields[i].name, key) == 0)
      return &fields[i];
  return NULL;
}

/* The type of a value that nothing declares (an `any` value, or a map key no
 * enclosing declaration names). One rule, whatever the content: integers x
 * (t only for one above INT64_MAX, which x cannot hold), doubles d, strings s,
 * booleans b, maps a{sv}, arrays av (an empty one as a full one). */
static lb_type natural_type(const lb_value *v) {
  switch (v->kind) {
  case LB_BOOL:
    return LB_T_BOOL;
  case LB_INT:
    return LB_T_INT;
  case LB_UINT:
    return v->as.u > INT64_MAX ? LB_T_U64 : LB_T_INT;
  case LB_DOUBLE:
    return LB_T_DOUBLE;
  case LB_STR:
    return LB_T_STRING;
  case LB_MAP:
    return LB_T_MAP;
  case LB_ARRAY:
  case LB_NIL:
    break;
  }
  return LB_T_ANY; /* av */
}

static bool append_basic(DBusMessageIter *it, int type, const void *p) {
  return dbus_message_iter_append_basic(it, type, p);
}

/* libdbus refuses (and the bus drops the sender of) a message whose values
 * nest more than 64 containers deep, arrays, dict entries and variants alike;
 * a value from a client can nest deeper once each level costs two or three
 * (av, a{sv}). depth counts the containers around an iterator, from the one
 * lbd_dbus_append was given, which may itself sit 3 deep (a property in
 * GetAll's a{sv}). A container with no room for its items goes out empty. */
#define MAX_DEPTH (2 * DBUS_MAXIMUM_TYPE_RECURSION_DEPTH - 3)

static bool append(DBusMessageIter *it, lb_type t, const lb_field *fields, const char *path,
                   const lb_value *v, int depth);
static bool append_variant(DBusMessageIter *it, const lb_field *fields, const char *path,
                           const lb_value *v, int depth);

/* An av from an array's items (nothing for nil). Items are variants inside the array, their
 * values inside those. */
static bool append_av(DBusMessageIter *it, const lb_field *fields, const char *path,
                      const lb_value *v, int depth) {
  DBusMessageIter arr;
  if (!dbus_message_iter_open_container(it, DBUS_TYPE_ARRAY, "v", &arr))
    return false;
  for (uint32_t i = 0; v->kind == LB_ARRAY && depth + 2 <= MAX_DEPTH && i < v->as.arr.len; i++)
    if (!append_variant(&arr, fields, path, &v->as.arr.items[i], depth + 1))
      return false;
  return dbus_message_iter_close_container(it, &arr);
}

/* A variant of type t, or of the undeclared rule's type when t is LB_T_ANY.
 * fields go on to the maps inside, with path the dotted name of where they
 * are ("" at the top, "steps" in the maps of steps). */
static bool append_typed_variant(DBusMessageIter *it, lb_type t, const lb_field *fields,
                                 const char *path, const lb_value *v, int depth) {
  if (t == LB_T_ANY)
    t = natural_type(v);
  DBusMessageIter var;
  if (!dbus_message_iter_open_container(it, DBUS_TYPE_VARIANT,
                                        t == LB_T_ANY ? "av" : lbd_dbus_signature(t), &var))
    return false;
  bool ok = t == LB_T_ANY ? append_av(&var, fields, path, v, depth + 1)
                          : append(&var, t, fields, path, v, depth + 1);
  return ok && dbus_message_iter_close_container(it, &var);
}

static bool append_variant(DBusMessageIter *it, const lb_field *fields, const char *path,
                           const lb_value *v, int depth) {
  return append_typed_variant(it, LB_T_ANY, fields, path, v, depth);
}

/* The declaration of key in the map at path: its dotted name ("steps.seconds")
 * first; else, for a nested map, the top-level field of that name (a count
 * inside a week is typed as the count at the top), else the first nested
 * one of that last name (the "fields" of a field in daemon.plugins, however
 * deep). */
static const lb_field *field_at(const lb_field *fields, const char *path, const char *key,
                                char *sub, size_t len) {
  int n = snprintf(sub, len, "%s%s%s", path, *path ? "." : "", key);
  const lb_field *f = n > 0 && (size_t)n < len ? field_of(fields, sub) : NULL;
  if (f || !*path)
    return f;
  if ((f = field_of(fields, key)))
    return f;
  size_t klen = strlen(key);
  for (size_t i = 0; fields && fields[i].name; i++) {
    size_t nlen = strlen(fields[i].name);
    if (nlen > klen && fields[i].name[nlen - klen - 1] == '.' &&
        strcmp(fields[i].name + nlen - klen, key) == 0)
      return &fields[i];
  }
  return NULL;
}

/* Entries inside the array, key and variant inside an entry, the value inside the variant. */
static bool append_map(DBusMessageIter *it, const lb_field *fields, const char *path,
                       const lb_value *v, int depth) {
  DBusMessageIter arr, entry;
  if (!dbus_message_iter_open_container(it, DBUS_TYPE_ARRAY, "{sv}", &arr))
    return false;
  for (uint32_t i = 0; v->kind == LB_MAP && depth + 3 <= MAX_DEPTH && i < v->as.map.len; i++) {
    const lb_pair *kv = &v->as.map.items[i];
    if (kv->val.kind == LB_NIL)
      continue;
    char sub[256];
    const lb_field *f = field_at(fields, path, kv->key, sub, sizeof(sub));
    /* A declared type the value does not fit (a plugin bug the core has
     * already logged, or a nested key that means something else than the
     * enclosing declaration's) falls back to the undeclared rule. */
    char why[8];
    lb_type t = f && lbd_value_has_type(&kv->val, f->type, why, sizeof(why)) ? f->type : LB_T_ANY;
    if (!dbus_message_iter_open_container(&arr, DBUS_TYPE_DICT_ENTRY, NULL, &entry) ||
        !append_basic(&entry, DBUS_TYPE_STRING, &kv->key) ||
        !append_typed_variant(&entry, t, fields, sub, &kv->val, depth + 2) ||
        !dbus_message_iter_close_container(&arr, &entry))
      return false;
  }
  return dbus_message_iter_close_container(it, &arr);
}

bool lbd_dbus_append(DBusMessageIter *it, lb_type t, const lb_field *fields, const lb_value *v) {
  return append(it, t, fields, "", v, 0);
}

static bool append(DBusMessageIter *it, lb_type t, const lb_field *fields, const char *path,
                   const lb_value *v, int depth) {
  switch (t) {
  case LB_T_BOOL: {
    dbus_bool_t b = v->kind == LB_BOOL && v->as.b;
    return append_basic(it, DBUS_TYPE_BOOLEAN, &b);
  }
  case LB_T_INT:
  case LB_T_TIME: {
    dbus_int64_t x = v->kind == LB_UINT ? (dbus_int64_t)v->as.u : v->as.i;
    return append_basic(it, DBUS_TYPE_INT64, &x);
  }
  case LB_T_UINT:
  case LB_T_DURATION: {
    dbus_uint32_t u = (dbus_uint32_t)(v->kind == LB_INT ? (uint64_t)v->as.i : v->as.u);
    return append_basic(it, DBUS_TYPE_UINT32, &u);
  }
  case LB_T_U64: {
    dbus_uint64_t u = v->kind == LB_INT ? (dbus_uint64_t)v->as.i : v->as.u;
    return append_basic(it, DBUS_TYPE_UINT64, &u);
  }
  case LB_T_DOUBLE: {
    double d = v->kind == LB_DOUBLE ? v->as.d
               : v->kind == LB_INT  ? (double)v->as.i
                                    : (double)v->as.u;
    return append_basic(it, DBUS_TYPE_DOUBLE, &d);
  }
  case LB_T_STRING: {
    const char *s = v->kind == LB_STR ? v->as.str.ptr : "";
    return append_basic(it, DBUS_TYPE_STRING, &s);
  }
  case LB_T_STRINGS: {
    DBusMessageIter arr;
    if (!dbus_message_iter_open_container(it, DBUS_TYPE_ARRAY, "s", &arr))
      return false;
    for (uint32_t i = 0; v->kind == LB_ARRAY && depth + 1 <= MAX_DEPTH && i < v->as.arr.len; i++)
      if (!lbd_dbus_append(&arr, LB_T_STRING, NULL, &v->as.arr.items[i]))
        return false;
    return dbus_message_iter_close_container(it, &arr);
  }
  case LB_T_MAP:
    return append_map(it, fields, path, v, depth);
  case LB_T_INTS: {
    DBusMessageIter arr;
    if (!dbus_message_iter_open_container(it, DBUS_TYPE_ARRAY, "x", &arr))
      return false;
    for (uint32_t i = 0; v->kind == LB_ARRAY && depth + 1 <= MAX_DEPTH && i < v->as.arr.len; i++)
      if (!lbd_dbus_append(&arr, LB_T_INT, NULL, &v->as.arr.items[i]))
        return false;
    return dbus_message_iter_close_container(it, &arr);
  }
  case LB_T_MAPS: {
    DBusMessageIter arr;
    if (!dbus_message_iter_open_container(it, DBUS_TYPE_ARRAY, "a{sv}", &arr))
      return false;
    for (uint32_t i = 0; v->kind == LB_ARRAY && depth + 1 <= MAX_DEPTH && i < v->as.arr.len; i++)
      if (!append_map(&arr, fields, path, &v->as.arr.items[i], depth + 1))
        return false;
    return dbus_message_iter_close_container(it, &arr);
  }
  case LB_T_ANY:
    return append_variant(it, fields, path, v, depth);
  case LB_T_NONE:
    return true;
  }
  return false;
}

int lbd_dbus_read(lbd_arena *a, DBusMessageIter *it, lb_value *ret, char *err, size_t errlen) {
  int type = dbus_message_iter_get_arg_type(it);
  DBusBasicValue b;
  switch (type) {
  case DBUS_TYPE_BOOLEAN:
    dbus_message_iter_get_basic(it, &b);
    *ret = lb_v_bool(b.bool_val);
    return 0;
  case DBUS_TYPE_BYTE:
    dbus_message_iter_get_basic(it, &b);
    *ret = lb_v_int(b.byt);
    return 0;
  case DBUS_TYPE_INT16:
    dbus_message_iter_get_basic(it, &b);
    *ret = lb_v_int(b.i16);
    return 0;
  case DBUS_TYPE_UINT16:
    dbus_message_iter_get_basic(it, &b);
    *ret = lb_v_int(b.u16);
    return 0;
  case DBUS_TYPE_INT32:
    dbus_message_iter_get_basic(it, &b);
    *ret = lb_v_int(b.i32);
    return 0;
  case DBUS_TYPE_UINT32:
    dbus_message_iter_get_basic(it, &b);
    *ret = lb_v_int(b.u32);
    return 0;
  case DBUS_TYPE_INT64:
    dbus_message_iter_get_basic(it, &b);
    *ret = lb_v_int(b.i64);
    return 0;
  case DBUS_TYPE_UINT64:
    dbus_message_iter_get_basic(it, &b);
    *ret = b.u64 > INT64_MAX ? lb_v_uint(b.u64) : lb_v_int((int64_t)b.u64);
    return 0;
  case DBUS_TYPE_DOUBLE:
    dbus_message_iter_get_basic(it, &b);
    *ret = lb_v_double(b.dbl);
    return 0;
  case DBUS_TYPE_STRING:
  case DBUS_TYPE_OBJECT_PATH:
  case DBUS_TYPE_SIGNATURE: {
    dbus_message_iter_get_basic(it, &b);
    size_t n = strlen(b.str); /* libdbus has checked the UTF-8 */
    *ret = lb_v_strn(lbd_arena_strndup(a, b.str, n), n);
    return 0;
  }
  case DBUS_TYPE_VARIANT: {
    DBusMessageIter sub;
    dbus_message_iter_recurse(it, &sub);
    return lbd_dbus_read(a, &sub, ret, err, errlen);
  }
  case DBUS_TYPE_ARRAY:
  case DBUS_TYPE_STRUCT: {
    DBusMessageIter sub;
    bool dict =
        type == DBUS_TYPE_ARRAY && dbus_message_iter_get_element_type(it) == DBUS_TYPE_DICT_ENTRY;
    size_t n = 0;
    dbus_message_iter_recurse(it, &sub);
    for (DBusMessageIter c = sub; dbus_message_iter_get_arg_type(&c) != DBUS_TYPE_INVALID;
         dbus_message_iter_next(&c))
      n++;
    if (dict) {
      lb_pair *pairs = lbd_arena_alloc(a, sizeof(lb_pair) * n);
      for (size_t i = 0; i < n; i++, dbus_message_iter_next(&sub)) {
        DBusMessageIter kv;
        dbus_message_iter_recurse(&sub, &kv);
        if (dbus_message_iter_get_arg_type(&kv) != DBUS_TYPE_STRING) {
          snprintf(err, errlen, "dictionary keys must be strings (a{sv})");
          return -EINVAL;
        }
        dbus_message_iter_get_basic(&kv, &b);
        pairs[i].key = lbd_arena_strndup(a, b.str, strlen(b.str));
        dbus_message_iter_next(&kv);
        int r = lbd_dbus_read(a, &kv, &pairs[i].val, err, errlen);
        if (r < 0)
          return r;
      }
      const char *dup = lbd_pairs_duplicate_key(pairs, (uint32_t)n);
      if (dup) {
        snprintf(err, errlen, "map key \"%.64s\" appears twice", dup);
        return -EINVAL;
      }
      *ret = lb_v_map(pairs, n);
    } else {
      lb_value *items = lbd_arena_alloc(a, sizeof(lb_value) * n);
      for (size_t i = 0; i < n; i++, dbus_message_iter_next(&sub)) {
        int r = lbd_dbus_read(a, &sub, &items[i], err, errlen);
        if (r < 0)
          return r;
      }
      *ret = lb_v_array(items, n);
    }
    return 0;
  }
  case DBUS_TYPE_UNIX_FD:
    snprintf(err, errlen, "file descriptors are not accepted");
    return -EINVAL;
  default:
    snprintf(err, errlen, "unsupported D-Bus type '%c'", type);
    return -EINVAL;
  }
}
