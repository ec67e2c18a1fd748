#include "config.h"

#include <errno.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

typedef struct entry {
  char *section, *key, *value;
} entry;

struct lb_config {
  entry *entries;
  size_t n, cap;
  bool from_file;
  entry *previous; /* the entry of the line before, for continuation lines */
};

static int on_entry(void *user, const char *section, const char *key, const char *value) {
  lb_config *c = user;
  if (!key) /* inih reports a bare [section] too, when built to */
    return 1;
  /* inih hands an indented continuation line over as the same key again:
   * it continues the value (lines are at most 199 characters: inih's INI_MAX_LINE, 200, counts the
   * newline). */
  entry *prev = c->previous;
  if (prev && strcmp(prev->section, section) == 0 && strcmp(prev->key, key) == 0) {
    char *joined = lb_xasprintf("%s %s", prev->value, value);
    free(prev->value);
    prev->value = joined;
    return 1;
  }
  /* A key given again later in a section: the last one wins. */
  for (size_t i = 0; i < c->n; i++)
    if (strcmp(c->entries[i].section, section) == 0 && strcmp(c->entries[i].key, key) == 0) {
      free(c->entries[i].value);
      c->entries[i].value = lb_xstrdup(value);
      c->previous = &c->entries[i];
      return 1;
    }
  if (c->n == c->cap) {
    c->cap = c->cap ? c->cap * 2 : 32;
    c->entries = lb_xrealloc(c->entries, c->cap * sizeof(entry));
  }
  c->entries[c->n++] = (entry){lb_xstrdup(section), lb_xstrdup(key), lb_xstrdup(value)};
  c->previous = &c->entries[c->n - 1];
  return 1;
}

static lb_config *finish(lb_config *c, int r, const char *origin, char *err, size_t errlen) {
  if (r == 0)
    return c;
  if (r > 0)
    snprintf(err, errlen,
             "%s:%d: not a [section] header or a key = value line (a line holds at most 199 "
             "characters: continue a long value on the next line, indented); fix it and reload",
             origin, r);
  else if (r == -1)
    snprintf(err, errlen, "%s: cannot open: %s", origin, strerror(errno));
  else
    snprintf(err, errlen, "%s: out of memory while parsing", origin);
  lb_config_free(c);
  return NULL;
}

lb_config *lb_config_parse_string(const char *text, const char *origin, char *err, size_t errlen) {
  lb_config *c = lb_xcalloc(1, sizeof(*c));
  return finish(c, ini_parse_string(text, on_entry, c), origin, err, errlen);
}

lb_config *lb_config_load(const char *path, char *err, size_t errlen) {
  if (access(path, F_OK) < 0 && errno == ENOENT)
    return lb_config_parse_string(lb_default_config, "built-in defaults", err, errlen);
  lb_config *c = lb_xcalloc(1, sizeof(*c));
  c->from_file = true;
  return finish(c, ini_parse(path, on_entry, c), path, err, errlen);
}

void lb_config_free(lb_config *c) {
  if (!c)
    return;
  for (size_t i = 0; i < c->n; i++) {
    free(c->entries[i].section);
    free(c->entries[i].key);
    free(c->entries[i].value);
  }
  free(c->entries);
  free(c);
}

bool lb_config_from_file(const lb_config *c) {
  return c->from_file;
}

const char *lb_config_get(const lb_config *c, const char *section, const char *key) {
  for (size_t i = 0; i < c->n; i++)
    if (strcmp(c->entries[i].section, section) == 0 && strcmp(c->entries[i].key, key) == 0)
      return c->entries[i].value;
  return NULL;
}

void lb_config_each(const lb_config *c, const char *prefix, lb_config_each_fn fn, void *userdata) {
  size_t n = strlen(prefix);
  for (size_t i = 0; i < c->n; i++) {
    const char *s = c->entries[i].section;
    if (strncmp(s, prefix, n) == 0 && (s[n] == '\0' || s[n] == '.'))
      fn(s, c->entries[i].key, c->entries[i].value, userdata);
  }
}
