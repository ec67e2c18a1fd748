#include "value.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

static int cmp_pair_key(const void *x, const void *y) {
  return strcmp(((const lb_pair *)x)->key, ((const lb_pair *)y)->key);
}

const char *lbd_pairs_duplicate_key(const lb_pair *pairs, uint32_t n) {
  /* Pairwise for small maps; sorted for large ones, so that a message of
   * 100,000 keys costs n log n, not n squared, on the loop thread. */
  if (n <= 32) {
    for (uint32_t i = 1; i < n; i++)
      for (uint32_t j = 0; j < i; j++)
        if (strcmp(pairs[i].key, pairs[j].key) == 0)
          return pairs[i].key;
    return NULL;
  }
  lb_pair *sorted = lbu_xmalloc(sizeof(lb_pair) * n);
  memcpy(sorted, pairs, sizeof(lb_pair) * n);
  qsort(sorted, n, sizeof(lb_pair), cmp_pair_key);
  const char *dup = NULL;
  for (uint32_t i = 1; i < n && !dup; i++)
    if (strcmp(sorted[i].key, sorted[i - 1].key) == 0)
      dup = sorted[i].key;
  free(sorted);
  return dup;
}

size_t lbd_value_copy_size(const lb_value *v) {
  size_t n = 0;
  switch (v->kind) {
  case LB_STR:
    return lbd_arena_size(v->as.str.len + 1);
  case LB_ARRAY:
    n = lbd_arena_size(sizeof(lb_value) * v->as.arr.len);
    for (uint32_t i = 0; i < v->as.arr.len; i++)
      n += lbd_value_copy_size(&v->as.arr.items[i]);
    return n;
  case LB_MAP:
    n = lbd_arena_size(sizeof(lb_pair) * v->as.map.len);
    for (uint32_t i = 0; i < v->as.map.len; i++)
      n += lbd_arena_size(strlen(v->as.map.items[i].key) + 1) +
           lbd_value_copy_size(&v->as.map.items[i].val);
    return n;
  default:
    return 0;
  }
}

lb_value lbd_value_copy(lbd_arena *a, const lb_value *v) {
  switch (v->kind) {
  case LB_STR:
    return lb_v_strn(lbd_arena_strndup(a, v->as.str.ptr, v->as.str.len), v->as.str.len);
  case LB_ARRAY: {
    lb_value *items = lbd_arena_alloc(a, sizeof(lb_value) * v->as.arr.len);
    for (uint32_t i = 0; i < v->as.arr.len; i++)
      items[i] = lbd_value_copy(a, &v->as.arr.items[i]);
    return lb_v_array(items, v->as.arr.len);
  }
  case LB_MAP: {
    lb_pair *pairs = lbd_arena_alloc(a, sizeof(lb_pair) * v->as.map.len);
    for (uint32_t i = 0; i < v->as.map.len; i++) {
      const char *k = v->as.map.items[i].key;
      pairs[i].key = lbd_arena_strndup(a, k, strlen(k));
      pairs[i].val = lbd_value_copy(a, &v->as.map.items[i].val);
    }
    return lb_v_map(pairs, v->as.map.len);
  }
  default:
    return *v;
  }
}

const char *lbd_kind_name(lb_kind k) {
  switch (k) {
  case LB_NIL:
    return "nil";
  case LB_BOOL:
    return "a boolean";
  case LB_INT:
  case LB_UINT:
    return "an integer";
  case LB_DOUBLE:
    return "a float";
  case LB_STR:
    return "a string";
  case LB_ARRAY:
    return "an array";
  case LB_MAP:
    return "a map";
  }
  return "an unknown value";
}

static const struct {
  const char *name;
  bool param;
} types[] = {
    [LB_T_ANY] = {"any", true},       [LB_T_BOOL] = {"bool", true},
    [LB_T_INT] = {"int", true},       [LB_T_UINT] = {"uint", true},
    [LB_T_U64] = {"u64", true},       [LB_T_DOUBLE] = {"double", true},
    [LB_T_STRING] = {"string", true}, [LB_T_DURATION] = {"duration", true},
    [LB_T_TIME] = {"time", true},     [LB_T_STRINGS] = {"strings", true},
    [LB_T_MAP] = {"map", true},       [LB_T_MAPS] = {"maps", true},
    [LB_T_NONE] = {"none", false},    [LB_T_INTS] = {"ints", true},
};

static bool type_known(lb_type t) {
  return (size_t)t < LBU_ARRAY_SIZE(types) && types[t].name;
}

const char *lbd_type_name(lb_type t) {
  return type_known(t) ? types[t].name : "unknown";
}
bool lbd_type_is_param(lb_type t) {
  return type_known(t) && types[t].param;
}

void lbd_value_describe(const lb_value *v, char *buf, size_t len) {
  switch (v->kind) {
  case LB_STR:
    snprintf(buf, len, "the string \"%.*s%s\"", v->as.str.len > 40 ? 40 : (int)v->as.str.len,
             v->as.str.ptr, v->as.str.len > 40 ? "..." : "");
    break;
  case LB_INT:
    snprintf(buf, len, "the integer %" PRId64, v->as.i);
    break;
  case LB_UINT:
    snprintf(buf, len, "the integer %" PRIu64, v->as.u);
    break;
  case LB_DOUBLE: {
    /* The shortest text that reads back as the same double, always with a
     * point or an exponent: "the float 3.0", not "the number 3". */
    char num[40];
    for (int digits = 15; digits <= 17; digits++) {
      snprintf(num, sizeof(num), "%.*g", digits, v->as.d);
      if (strtod(num, NULL) == v->as.d)
        break;
    }
    if (!strpbrk(num, ".eni")) /* not 1e+30, inf or nan */
      strcat(num, ".0");
    snprintf(buf, len, "the float %s", num);
    break;
  }
  case LB_BOOL:
    snprintf(buf, len, "the boolean %s", v->as.b ? "true" : "false");
    break;
  default:
    snprintf(buf, len, "%s", lbd_kind_name(v->kind));
  }
}

/* An integer value as a signed and an unsigned reading. */
static bool as_int64(const lb_value *v, int64_t *ret) {
  if (v->kind == LB_INT) {
    *ret = v->as.i;
    return true;
  }
  if (v->kind == LB_UINT && v->as.u <= INT64_MAX) {
    *ret = (int64_t)v->as.u;
    return true;
  }
  return false;
}

static bool as_uint64(const lb_value *v, uint64_t *ret) {
  if (v->kind == LB_UINT) {
    *ret = v->as.u;
    return true;
  }
  if (v->kind == LB_INT && v->as.i >= 0) {
    *ret = (uint64_t)v->as.i;
    return true;
  }
  return false;
}

bool lbd_value_has_type(const lb_value *v, lb_type t, char *err, size_t errlen) {
  int64_t i;
  uint64_t u;
  bool ok = false;
  switch (t) {
  case LB_T_ANY:
    ok = true;
    break;
  case LB_T_BOOL:
    ok = v->kind == LB_BOOL;
    break;
  case LB_T_INT:
  case LB_T_TIME:
    ok = as_int64(v, &i);
    break;
  case LB_T_UINT:
  case LB_T_DURATION:
    ok = as_uint64(v, &u) && u <= UINT32_MAX;
    break;
  case LB_T_U64:
    ok = as_uint64(v, &u);
    break;
  case LB_T_DOUBLE:
    ok = v->kind == LB_DOUBLE || v->kind == LB_INT || v->kind == LB_UINT;
    break;
  case LB_T_STRING:
    ok = v->kind == LB_STR;
    break;
  case LB_T_STRINGS:
  case LB_T_MAPS:
    ok = v->kind == LB_ARRAY;
    for (uint32_t k = 0; ok && k < v->as.arr.len; k++)
      ok = v->as.arr.items[k].kind == (t == LB_T_STRINGS ? LB_STR : LB_MAP);
    break;
  case LB_T_INTS:
    ok = v->kind == LB_ARRAY;
    for (uint32_t k = 0; ok && k < v->as.arr.len; k++)
      ok = as_int64(&v->as.arr.items[k], &i);
    break;
  case LB_T_MAP:
    ok = v->kind == LB_MAP;
    break;
  case LB_T_NONE:
    ok = v->kind == LB_NIL;
    break;
  }
  if (!ok) {
    char d[96];
    lbd_value_describe(v, d, sizeof(d));
    snprintf(err, errlen, "expected %s, got %s", lbd_type_name(t), d);
  }
  return ok;
}
