/* A method's params from a verb's arguments: ids, durations and the map of
 * named options, and what the person called each (for what is said about
 * it). What lumbarctl checks itself is the form (a whole number, a
 * duration, where one is needed); the daemon checks the rest and says what
 * is wrong, in words lbctl_typed_rewrite() (typed.c) turns back into the
 * person's. */
#include <lumbard/rpc.h>
#include <stdlib.h>
#include <string.h>

#include "lumbarctl.h"

bool lbctl_parse_u64(const char *s, uint64_t *ret) {
  if (!*s || strspn(s, "0123456789") != strlen(s) || strlen(s) > 19)
    return false;
  *ret = strtoull(s, NULL, 10);
  return true;
}

int lbctl_parse_id(const lbctl_verb *self, const char *arg, const char *noun, uint64_t *ret) {
  lbctl_typed_note("id", "ID");
  if (lbctl_parse_u64(arg, ret))
    return LBCTL_OK;
  /* The list verb is the first word of the verb's name: "rest", "remind". */
  size_t first = strcspn(self->name, " ");
  return lbctl_usage_error(self, "ID is a %s's number, as 'lumbarctl %.*s list' shows, not '%s'",
                           noun, (int)first, self->name, arg);
}

void lbctl_pack_duration(msgpack_packer *pk, const char *arg) {
  uint64_t n;
  if (lbctl_parse_u64(arg, &n))
    msgpack_pack_uint64(pk, n);
  else if (arg[0] == '-' && lbctl_parse_u64(arg + 1, &n))
    msgpack_pack_int64(pk, -(int64_t)n);
  else
    lb_rpc_pack_str(pk, arg);
}

int lbctl_parse_duration(const lbctl_verb *self, const char *arg, const char *name,
                         const char *wire, uint64_t *ret) {
  char why[256];
  if (wire)
    lbctl_typed_note(wire, name);
  if (lb_duration_parse(arg, strlen(arg), ret, why, sizeof(why)) == 0)
    return LBCTL_OK;
  return lbctl_usage_error(self, "%s: %s", name, why);
}

/* ---- named options ------------------------------------------------------------ */

int lbctl_check_options(const lbctl_verb *self, const lbctl_opt *opts, size_t n) {
  for (size_t i = 0; i < n; i++) {
    if (!opts[i].value)
      continue;
    char fallback[64];
    snprintf(fallback, sizeof(fallback), "--%s", opts[i].key);
    const char *flag = lbctl_typed(&opts[i].value, fallback);
    uint64_t v;
    if (opts[i].kind == LBCTL_OPT_COUNT && !lbctl_parse_u64(opts[i].value, &v))
      return lbctl_usage_error(self, "%s takes a whole number, not '%s'", flag, opts[i].value);
    if (opts[i].kind == LBCTL_OPT_DURATION &&
        lbctl_parse_duration(self, opts[i].value, flag, NULL, &v) != LBCTL_OK)
      return LBCTL_USAGE;
  }
  return LBCTL_OK;
}

static size_t options_given(const lbctl_opt *opts, size_t n) {
  size_t given = 0;
  for (size_t i = 0; i < n; i++)
    given += opts[i].value != NULL;
  return given;
}

void lbctl_pack_options(msgpack_packer *pk, const lbctl_opt *opts, size_t n) {
  msgpack_pack_map(pk, options_given(opts, n));
  for (size_t i = 0; i < n; i++) {
    uint64_t count = 0;
    char why[256];
    /* The flag of the value (given or not) is what the daemon calls key. */
    lbctl_typed_wire(&opts[i].value, opts[i].key);
    if (!opts[i].value)
      continue;
    lb_rpc_pack_str(pk, opts[i].key);
    /* A count or a duration as its number; text, and one that does not
     * read (not checked with lbctl_check_options()), as it is: the daemon
     * refuses that. */
    bool number =
        opts[i].kind == LBCTL_OPT_DURATION
            ? lb_duration_parse(opts[i].value, strlen(opts[i].value), &count, why, sizeof(why)) == 0
            : opts[i].kind == LBCTL_OPT_COUNT && lbctl_parse_u64(opts[i].value, &count);
    if (number)
      msgpack_pack_uint64(pk, count);
    else
      lb_rpc_pack_str(pk, opts[i].value);
  }
}
