/* The training log as lumbarctl reads and writes it (plugins/train/README.md):
 * the numbers of a set as the person types them ("25 40kg", on the command
 * line or at a routine's prompt), and a set of train.* in words. Weights
 * go to the daemon in the unit typed (the config's when none is), which
 * stores them in kg and answers them in the config's unit. */
#include <ctype.h>
#include <lumbard/rpc.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lumbarctl.h"

/* One pound, exactly, in kg: the train.logged event has kg only. */
#define LB_KG 0.45359237

bool lbctl_train_parse_reps(const char *s, uint64_t *ret) {
  return lbctl_parse_u64(s, ret);
}

bool lbctl_train_parse_unit(const char *s, char unit[3]) {
  if (strcasecmp(s, "kg") == 0)
    snprintf(unit, 3, "kg");
  else if (strcasecmp(s, "lb") == 0 || strcasecmp(s, "lbs") == 0)
    snprintf(unit, 3, "lb");
  else
    return false;
  return true;
}

bool lbctl_train_parse_weight(const char *s, lbctl_train_numbers *n) {
  /* digits, a decimal point and digits: no sign, exponent or "inf", which
   * strtod() would take */
  size_t digits = strspn(s, "0123456789"), len = digits;
  if (s[len] == '.')
    len += 1 + strspn(s + len + 1, "0123456789");
  if (len == 0 || len == (s[0] == '.') || len > 32)
    return false;
  char number[40];
  snprintf(number, sizeof(number), "%.*s", (int)len, s);
  const char *rest = s + len;
  while (*rest == ' ')
    rest++;
  char unit[3] = "";
  if (*rest && !lbctl_train_parse_unit(rest, unit))
    return false;
  n->has_weight = true;
  n->weight = strtod(number, NULL);
  memcpy(n->unit, unit, sizeof(unit));
  return isfinite(n->weight);
}

int lbctl_train_parse_typed(const char *line, lbctl_train_numbers *ret, char *err, size_t errlen) {
  char copy[256], *words[4];
  size_t n = 0;
  snprintf(copy, sizeof(copy), "%s", line);
  for (char *save = NULL, *w = strtok_r(copy, " \t\r\n", &save); w;
       w = strtok_r(NULL, " \t\r\n", &save))
    if (n < 4)
      words[n++] = w;
    else
      n++;
  if (n == 0)
    return 0;
  *ret = (lbctl_train_numbers){0};
  if (n > 3 || (n == 3 && !lbctl_train_parse_unit(words[2], ret->unit))) {
    snprintf(err, errlen, "give the reps and the weight, as in 25 40kg");
    return -1;
  }
  if (!lbctl_train_parse_reps(words[0], &ret->reps)) {
    snprintf(err, errlen, "\"%s\" is not a number of reps", words[0]);
    return -1;
  }
  if (n == 1)
    return 1;
  char unit[3];
  memcpy(unit, ret->unit, sizeof(unit));
  if (!lbctl_train_parse_weight(words[1], ret) || (n == 3 && ret->unit[0])) {
    snprintf(err, errlen, "\"%s%s%s\" is not a weight: a number, with kg or lb after it or not",
             words[1], n == 3 ? " " : "", n == 3 ? words[2] : "");
    return -1;
  }
  if (n == 3)
    memcpy(ret->unit, unit, sizeof(unit));
  return 1;
}

void lbctl_train_weight_text(double weight, char *buf, size_t len) {
  snprintf(buf, len, "%.2f", weight);
  char *dot = strchr(buf, '.');
  if (!dot)
    return;
  char *end = buf + strlen(buf);
  while (end > dot && (end[-1] == '0' || end[-1] == '.'))
    *--end = '\0';
  if (strcmp(buf, "-0") == 0)
    snprintf(buf, len, "0");
}

/* "25 reps", "at 40 kg", ", RIR 2" into buf. */
static void numbers(uint64_t reps, double weight, const char *unit, double rir, char *buf,
                    size_t len) {
  char w[32], r[32];
  size_t off =
      (size_t)snprintf(buf, len, "%llu rep%s", (unsigned long long)reps, reps == 1 ? "" : "s");
  if (weight > 0 && off < len) {
    lbctl_train_weight_text(weight, w, sizeof(w));
    off += (size_t)snprintf(buf + off, len - off, " at %s %s", w, unit);
  }
  if (rir >= 0 && off < len) {
    lbctl_train_weight_text(rir, r, sizeof(r));
    snprintf(buf + off, len - off, ", RIR %s", r);
  }
}

/* A number field of a map, integer or float; def when absent. */
static double map_number(const msgpack_object *m, const char *key, double def) {
  const msgpack_object *v = lbc_msg_map_get(m, key);
  if (!v)
    return def;
  switch (v->type) {
  case MSGPACK_OBJECT_FLOAT32:
  case MSGPACK_OBJECT_FLOAT64:
    return v->via.f64;
  case MSGPACK_OBJECT_POSITIVE_INTEGER:
    return (double)v->via.u64;
  case MSGPACK_OBJECT_NEGATIVE_INTEGER:
    return (double)v->via.i64;
  default:
    return def;
  }
}

void lbctl_train_numbers_text(const msgpack_object *set, char *buf, size_t len) {
  char unit[8];
  lbctl_copy_text(unit, sizeof(unit), lbc_msg_map_str(set, "unit"));
  numbers((uint64_t)lbc_msg_map_int0(set, "reps"), map_number(set, "weight", 0),
          unit[0] ? unit : "kg", map_number(set, "rir", -1), buf, len);
}

void lbctl_train_logged_text(const msgpack_object *ev, const char *unit, char *buf, size_t len) {
  bool lb = strcmp(unit, "lb") == 0;
  double kg = map_number(ev, "weight_kg", 0);
  numbers((uint64_t)lbc_msg_map_int0(ev, "reps"), lb ? kg / LB_KG : kg, lb ? "lb" : "kg", -1, buf,
          len);
}

int lbctl_train_amend_numbers(lbctl *ctl, uint64_t id, const lbctl_train_numbers *n,
                              const msgpack_object **ret_set) {
  bool unit = n->has_weight && n->unit[0];
  lbctl_request q;
  msgpack_packer *pk = lbctl_request_start(&q, 2);
  msgpack_pack_uint64(pk, id);
  msgpack_pack_map(pk, 1 + n->has_weight + unit);
  lb_rpc_pack_str(pk, "reps");
  msgpack_pack_uint64(pk, n->reps);
  if (n->has_weight) {
    lb_rpc_pack_str(pk, "weight");
    msgpack_pack_double(pk, n->weight);
  }
  if (unit) {
    lb_rpc_pack_str(pk, "unit");
    lb_rpc_pack_str(pk, n->unit);
  }
  return lbctl_request_send(ctl, &q, "train.amend", ret_set);
}
