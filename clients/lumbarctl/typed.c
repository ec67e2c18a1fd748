/* What the person typed, by the daemon's name for each value: the notes
 * of the one verb this process runs, and the daemon's messages rewritten
 * in the person's words ("--where" for 'location'). */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "lumbarctl.h"

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

void lbctl_typed_wire(const void *value, const char *wire) {
  typed_name *t = find(NULL, value);
  if (t)
    t->wire = wire;
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
