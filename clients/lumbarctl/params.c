/* A method's params from a verb's arguments: ids, durations and the map of
 * named options. What lumbarctl checks itself is the form (a whole number
 * where one is needed); the daemon checks the rest and says what is wrong. */
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

int lbctl_check_options(const lbctl_verb *self, const lbctl_opt *opts, size_t n) {
  for (size_t i = 0; i < n; i++) {
    uint64_t v;
    if (opts[i].value && opts[i].kind == LBCTL_OPT_COUNT && !lbctl_parse_u64(opts[i].value, &v))
      return lbctl_usage_error(self, "--%s takes a whole number, not '%s'", opts[i].key,
                               opts[i].value);
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
    if (!opts[i].value)
      continue;
    lb_rpc_pack_str(pk, opts[i].key);
    if (opts[i].kind == LBCTL_OPT_DURATION)
      lbctl_pack_duration(pk, opts[i].value);
    else if (opts[i].kind == LBCTL_OPT_TEXT)
      lb_rpc_pack_str(pk, opts[i].value);
    else if (lbctl_parse_u64(opts[i].value, &count))
      msgpack_pack_uint64(pk, count);
  }
}
