#include "args.h"

#include <errno.h>
#include <inttypes.h>
#include <lumbard/wire.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "util.h"
#include "value.h"

void lbd_args_signature(const lbd_method_entry *m, char *buf, size_t len) {
  size_t off = 0;
  buf[0] = '\0';
  for (uint32_t i = 0; i < m->n_params && off < len; i++)
    off += (size_t)snprintf(buf + off, len - off, "%s%s%s", i ? ", " : "", m->decl->params[i].name,
                            m->decl->params[i].optional ? "?" : "");
  if (m->n_options && off < len) {
    off += (size_t)snprintf(buf + off, len - off, "%s{", m->n_params ? ", " : "");
    for (uint32_t i = 0; i < m->n_options && off < len; i++)
      off +=
          (size_t)snprintf(buf + off, len - off, "%s%s", i ? ", " : "", m->decl->options[i].name);
    if (off < len)
      snprintf(buf + off, len - off, "}");
  }
}

static const char *expected(lb_type t) {
  switch (t) {
  case LB_T_BOOL:
    return "true or false";
  case LB_T_INT:
    return "an integer";
  case LB_T_UINT:
  case LB_T_U64:
    return "a non-negative integer";
  case LB_T_DOUBLE:
    return "a number";
  case LB_T_STRING:
    return "a string";
  case LB_T_DURATION:
    return "a duration (90, \"90s\", \"1m30s\", \"2min\", \"1h\")";
  case LB_T_TIME:
    return "a time in unix seconds";
  case LB_T_STRINGS:
    return "an array of strings";
  case LB_T_MAP:
    return "a map";
  case LB_T_MAPS:
    return "an array of maps";
  case LB_T_INTS:
    return "an array of integers";
  default:
    return "a value";
  }
}

static int mismatch(const char *what, lb_type t, const lb_value *in, char *err, size_t errlen) {
  char d[96];
  lbd_value_describe(in, d, sizeof(d));
  snprintf(err, errlen, "%s must be %s, got %s", what, expected(t), d);
  return -EINVAL;
}

/* "9999-12-30 23:59:59 UTC" for unix seconds. */
static void utc(int64_t t, char *buf, size_t len) {
  time_t tt = (time_t)t;
  struct tm tm;
  if (!gmtime_r(&tt, &tm) || !strftime(buf, len, "%Y-%m-%d %H:%M:%S UTC", &tm))
    snprintf(buf, len, "?");
}

static int range(const lb_param *p, const char *what, int64_t v, char *err, size_t errlen) {
  if (p->min >= p->max || (v >= p->min && v <= p->max))
    return 0;
  if (p->type == LB_T_DURATION) {
    char lo[32], hi[32];
    char got[32];
    lb_duration_format((uint64_t)p->min, lo, sizeof(lo));
    lb_duration_format((uint64_t)p->max, hi, sizeof(hi));
    lb_duration_format((uint64_t)v, got, sizeof(got));
    snprintf(err, errlen, "%s must be between %s and %s, got %s", what, lo, hi, got);
  } else if (p->type == LB_T_TIME) {
    char lo[40], hi[40];
    utc(p->min, lo, sizeof(lo));
    utc(p->max, hi, sizeof(hi));
    snprintf(err, errlen,
             "%s must be a time between %" PRId64 " (%s) and %" PRId64 " (%s) in unix seconds, "
             "got %" PRId64,
             what, p->min, lo, p->max, hi, v);
  } else {
    snprintf(err, errlen, "%s must be between %" PRId64 " and %" PRId64 ", got %" PRId64, what,
             p->min, p->max, v);
  }
  return -EINVAL;
}

int lbd_args_coerce(lbd_arena *a, const lb_param *p, const char *what, const lb_value *in,
                    lb_value *out, char *err, size_t errlen) {
  (void)a;
  switch (p->type) {
  case LB_T_ANY:
    *out = *in;
    return 0;
  case LB_T_BOOL:
    if (in->kind != LB_BOOL)
      return mismatch(what, p->type, in, err, errlen);
    *out = *in;
    return 0;
  case LB_T_INT:
  case LB_T_TIME:
    if (in->kind == LB_INT)
      *out = *in;
    else if (in->kind == LB_UINT && in->as.u <= INT64_MAX)
      *out = lb_v_int((int64_t)in->as.u);
    else
      return mismatch(what, p->type, in, err, errlen);
    return range(p, what, out->as.i, err, errlen);
  case LB_T_UINT:
  case LB_T_U64:
  case LB_T_DURATION: {
    uint64_t u;
    if (in->kind == LB_INT && in->as.i >= 0) {
      u = (uint64_t)in->as.i;
    } else if (in->kind == LB_UINT) {
      u = in->as.u;
    } else if (in->kind == LB_INT) {
      snprintf(err, errlen, "%s must not be negative, got %" PRId64, what, in->as.i);
      return -EINVAL;
    } else if (p->type == LB_T_DURATION && in->kind == LB_STR) {
      char why[256];
      if (lb_duration_parse(in->as.str.ptr, in->as.str.len, &u, why, sizeof(why)) < 0) {
        snprintf(err, errlen, "%s: %s", what, why);
        return -EINVAL;
      }
    } else {
      return mismatch(what, p->type, in, err, errlen);
    }
    if (p->type != LB_T_U64 && u > UINT32_MAX) {
      snprintf(err, errlen, "%s is too large: %" PRIu64, what, u);
      return -EINVAL;
    }
    *out = lb_v_uint(u);
    return u > INT64_MAX ? 0 : range(p, what, (int64_t)u, err, errlen);
  }
  case LB_T_DOUBLE:
    if (in->kind == LB_DOUBLE)
      *out = *in;
    else if (in->kind == LB_INT)
      *out = lb_v_double((double)in->as.i);
    else if (in->kind == LB_UINT)
      *out = lb_v_double((double)in->as.u);
    else
      return mismatch(what, p->type, in, err, errlen);
    return 0;
  case LB_T_STRING:
  case LB_T_MAP:
    if (in->kind != (p->type == LB_T_STRING ? LB_STR : LB_MAP))
      return mismatch(what, p->type, in, err, errlen);
    *out = *in;
    return 0;
  case LB_T_STRINGS:
  case LB_T_MAPS:
  case LB_T_INTS:
    if (in->kind != LB_ARRAY)
      return mismatch(what, p->type, in, err, errlen);
    for (uint32_t i = 0; i < in->as.arr.len; i++)
      if (p->type == LB_T_INTS
              ? in->as.arr.items[i].kind != LB_INT
              : in->as.arr.items[i].kind != (p->type == LB_T_STRINGS ? LB_STR : LB_MAP)) {
        char d[96];
        lbd_value_describe(&in->as.arr.items[i], d, sizeof(d));
        snprintf(err, errlen, "%s must be %s; item %u is %s", what, expected(p->type), i + 1, d);
        return -EINVAL;
      }
    *out = *in;
    return 0;
  case LB_T_NONE:
    break;
  }
  return mismatch(what, p->type, in, err, errlen);
}

int lbd_args_bind(lbd_arena *a, const lbd_method_entry *m, const lb_value *given, uint32_t n_given,
                  lb_value **ret_args, char *err, size_t errlen) {
  const lb_method *d = m->decl;
  bool has_options = m->n_options > 0;
  uint32_t n_pos = n_given;
  const lb_value *opts = NULL;
  char sig[256], what[96];

  /* nil means omitted (PROTOCOL.md): trailing nils, the options map's
   * place among them, are not there at all. */
  while (n_pos > 0 && given[n_pos - 1].kind == LB_NIL)
    n_pos--;
  /* A trailing map is the options map unless it fills a positional map
   * parameter (PROTOCOL.md); a method without options takes one too (an
   * empty one, or an unknown option is named below). */
  if (n_pos > 0 && given[n_pos - 1].kind == LB_MAP) {
    uint32_t last = n_pos - 1;
    bool positional_map = last < m->n_params &&
                          (d->params[last].type == LB_T_MAP || d->params[last].type == LB_T_ANY);
    if (!positional_map) {
      opts = &given[last];
      n_pos = last;
    }
  }
  if (n_pos > m->n_params) {
    lbd_args_signature(m, sig, sizeof(sig));
    snprintf(err, errlen, "too many parameters: %s takes (%s), got %u", m->name, sig, n_given);
    return -EINVAL;
  }

  lb_value *args = lbd_arena_alloc(a, sizeof(lb_value) * (m->n_params + (has_options ? 1 : 0)));
  for (uint32_t i = 0; i < m->n_params; i++) {
    const lb_param *p = &d->params[i];
    snprintf(what, sizeof(what), "parameter '%s'", p->name);
    if (i >= n_pos || given[i].kind == LB_NIL) {
      if (!p->optional) {
        lbd_args_signature(m, sig, sizeof(sig));
        snprintf(err, errlen, "missing parameter '%s': %s takes (%s)", p->name, m->name, sig);
        return -EINVAL;
      }
      args[i] = p->def;
      continue;
    }
    int r = lbd_args_coerce(a, p, what, &given[i], &args[i], err, errlen);
    if (r < 0)
      return r;
  }

  if (!has_options && opts) {
    for (uint32_t k = 0; k < opts->as.map.len; k++) {
      if (opts->as.map.items[k].val.kind == LB_NIL)
        continue;
      lbd_args_signature(m, sig, sizeof(sig));
      snprintf(err, errlen, "unknown option '%s': %s takes (%s)", opts->as.map.items[k].key,
               m->name, sig);
      return -EINVAL;
    }
  }
  if (has_options) {
    uint32_t n_in = opts ? opts->as.map.len : 0;
    lb_pair *out = lbd_arena_alloc(a, sizeof(lb_pair) * m->n_options);
    uint32_t n_out = 0;
    for (uint32_t k = 0; k < n_in; k++) {
      const lb_pair *in = &opts->as.map.items[k];
      const lb_param *p = NULL;
      for (uint32_t j = 0; j < m->n_options; j++)
        if (strcmp(d->options[j].name, in->key) == 0)
          p = &d->options[j];
      if (!p) {
        lbd_args_signature(m, sig, sizeof(sig));
        snprintf(err, errlen, "unknown option '%s': %s takes (%s)", in->key, m->name, sig);
        return -EINVAL;
      }
      if (in->val.kind == LB_NIL)
        continue;
      snprintf(what, sizeof(what), "option '%s'", p->name);
      out[n_out].key = p->name;
      int r = lbd_args_coerce(a, p, what, &in->val, &out[n_out].val, err, errlen);
      if (r < 0)
        return r;
      n_out++;
    }
    /* Defaults for the options not given. */
    for (uint32_t j = 0; j < m->n_options; j++) {
      const lb_param *p = &d->options[j];
      if (lb_is_nil(&p->def))
        continue;
      bool given_here = false;
      for (uint32_t k = 0; k < n_out; k++)
        given_here |= out[k].key == p->name;
      if (!given_here)
        out[n_out++] = (lb_pair){p->name, p->def};
    }
    args[m->n_params] = lb_v_map(out, n_out);
  }
  *ret_args = args;
  return 0;
}

void lbd_args_escape(const char *s, size_t n, char *buf, size_t len) {
  size_t o = 0;
  for (size_t i = 0; i < n && o + 8 < len; i++) {
    unsigned char ch = (unsigned char)s[i];
    if (ch == '\\' || ch == '"')
      o += (size_t)snprintf(buf + o, len - o, "\\%c", ch);
    else if (ch < 0x20 || ch >= 0x7f)
      o += (size_t)snprintf(buf + o, len - o, "\\x%02x", ch);
    else
      buf[o++] = (char)ch;
    if (i + 1 < n && o + 8 >= len) {
      snprintf(buf + o, len - o, "...");
      return;
    }
  }
  buf[o < len ? o : len - 1] = '\0';
}
