/* A method's params from a verb's arguments: ids, durations and the map of
 * named options, and what the person called each (for what is said about
 * it). What lumbarctl checks itself is the form (a whole number, a
 * duration, where one is needed); the daemon checks the rest and says what
 * is wrong, in words lbctl_typed_rewrite() turns back into the person's. */
#include <lumbard/rpc.h>
#include <stdlib.h>
#include <string.h>

#include "lumbarctl.h"

/* ---- what the person typed ---------------------------------------------------- */

/* The values of the one verb this process runs, by their names on the
 * wire. Every string is a literal or a flag table's name: nothing here
 * owns anything. */
enum { MAX_TYPED = 32 };
typedef struct typed_name {
  const char *wire;  /* "location"; NULL until known */
  const char *name;  /* "--where", "-w", "LEVEL" */
  const void *value; /* the flag's ret_value (or ret_values); NULL for a positional */
  bool typed;        /* else a flag of the verb that was not given, by its first name */
} typed_name;
static typed_name notes[MAX_TYPED];
static size_t n_notes;

static typed_name *find(const char *wire, const void *value) {
  for (size_t i = 0; i < n_notes; i++)
    if ((value && notes[i].value == value) ||
        (wire && notes[i].wire && strcmp(notes[i].wire, wire) == 0))
      return &notes[i];
  return NULL;
}

static void note(const char *wire, const char *name, const void *value, bool typed) {
  typed_name *n = find(wire, value);
  if (!n && n_notes < MAX_TYPED)
    notes[n_notes++] = (typed_name){wire, name, value, typed};
  else if (n && (typed || !n->typed)) /* what was typed wins, else the first name */
    *n = (typed_name){wire ? wire : n->wire, typed || !n->name ? name : n->name, value, typed};
}

void lbctl_typed_note(const char *wire, const char *name) {
  note(wire, name, NULL, true);
}

void lbctl_typed_flag(const char *wire, const char *flag, const void *value) {
  note(wire, flag, value, true);
}

void lbctl_typed_known(const char *wire, const char *flag, const void *value) {
  note(wire, flag, value, false);
}

const char *lbctl_typed(const void *value, const char *fallback) {
  for (size_t i = 0; value && i < n_notes; i++)
    if (notes[i].value == value && notes[i].typed)
      return notes[i].name;
  return fallback;
}

static const typed_name *by_wire(const char *wire, size_t len) {
  for (size_t i = 0; i < n_notes; i++)
    if (notes[i].wire && strlen(notes[i].wire) == len && strncmp(notes[i].wire, wire, len) == 0)
      return &notes[i];
  return NULL;
}

bool lbctl_typed_rewrite(const char *message, char *buf, size_t len) {
  /* The daemon quotes the names of values ('location'), after "option" or
   * "parameter" (proto/PROTOCOL.md: the message names the parameter); a quoted
   * name the person typed becomes what they typed, the word before it
   * going with it: "option 'location'" is "--where". */
  static const char *const before[] = {"options ", "option ", "parameters ", "parameter "};
  bool any = false;
  size_t out = 0;
  buf[0] = '\0';
  for (const char *p = message; *p && out + 1 < len;) {
    const char *q = strchr(p, '\'');
    const char *end = q ? strchr(q + 1, '\'') : NULL;
    const typed_name *t = end ? by_wire(q + 1, (size_t)(end - q - 1)) : NULL;
    const char *name = t ? t->name : NULL;
    if (!name) { /* up to and with the quote, as it is */
      size_t n = q ? (size_t)(q - p) + 1 : strlen(p);
      out += (size_t)snprintf(buf + out, len - out, "%.*s", (int)n, p);
      p += n;
      continue;
    }
    size_t keep = (size_t)(q - p);
    for (size_t i = 0; i < sizeof(before) / sizeof(before[0]); i++) {
      size_t b = strlen(before[i]);
      if (keep >= b && !strncmp(q - b, before[i], b) && (q - b == message || q[-b - 1] == ' ')) {
        keep -= b;
        break;
      }
    }
    out += (size_t)snprintf(buf + out, len - out, "%.*s%s", (int)keep, p, name);
    p = end + 1;
    any |= t->typed;
  }
  return any;
}

/* ---- values ------------------------------------------------------------------------- */

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
    typed_name *t = find(NULL, &opts[i].value);
    if (t)
      t->wire = opts[i].key;
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
