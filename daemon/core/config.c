#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "readfile.h"
#include "util.h"

/* Every step here is linear or n log n in the text (DESIGN.md §8): inih reads
 * each line once, a continuation appends to a buffer that doubles, and "the
 * last one wins" is settled once, after parsing, by one sort. */

typedef struct entry {
  const char *section, *key; /* in the arena */
  char *value;               /* malloc'd: a continuation line grows it */
} entry;

struct lbd_config {
  entry *entries; /* in file order, each (section, key) once */
  size_t n;
  size_t *index; /* entries sorted by (section, key), for lbd_config_get */
  lbd_arena names;
  bool from_file;
};

#define NO_ENTRY ((size_t)-1)

/* The state of one parse. */
typedef struct parse {
  lbd_config *c;
  size_t cap;                /* of c->entries */
  lbu_readfile_lines lines;  /* the text, line by line */
  bool indented;             /* the line inih is on starts with white space */
  size_t last;               /* the entry the next indented line continues, or NO_ENTRY */
  size_t last_len, last_cap; /* of that entry's value */
} parse;

/* inih's ini_reader. inih continues the previous key's value on an indented
 * line and calls on_entry with that key again: on_entry cannot tell it from
 * the same key given again on the next line unless it knows the line's
 * indentation, and where inih forgets the previous key (at a section header). */
static char *next_line(char *buf, int size, void *user) {
  parse *p = user;
  char *s = lbu_readfile_next_line(buf, size, &p->lines);
  if (s) {
    p->indented = isspace((unsigned char)s[0]); /* inih's lskip() uses isspace() */
    if (s[0] == '[')
      p->last = NO_ENTRY;
  }
  return s;
}

static void append(parse *p, const char *more) {
  entry *e = &p->c->entries[p->last];
  size_t n = strlen(more), want = p->last_len + 1 + n + 1;
  if (want > p->last_cap) {
    p->last_cap = want > 2 * p->last_cap ? want : 2 * p->last_cap;
    e->value = lbu_xrealloc(e->value, p->last_cap);
  }
  e->value[p->last_len] = ' ';
  memcpy(e->value + p->last_len + 1, more, n + 1);
  p->last_len += 1 + n;
}

static int on_entry(void *user, const char *section, const char *key, const char *value) {
  parse *p = user;
  lbd_config *c = p->c;
  if (!key) /* inih reports a bare [section] too, when built to */
    return 1;
  /* An indented line continues the value above, joined with one space. inih
   * names the key again, but cut to its 49 bytes: p->last is the entry. */
  if (p->indented && p->last != NO_ENTRY) {
    append(p, value);
    return 1;
  }
  /* Any other line is a key of its own, even the key of the line before: a
   * repeated key is settled after parsing (dedupe()), the last one winning. */
  if (c->n == p->cap) {
    p->cap = p->cap ? p->cap * 2 : 32;
    c->entries = lbu_xrealloc(c->entries, p->cap * sizeof(entry));
  }
  /* Consecutive entries share their section's name. */
  const char *s = c->n && strcmp(c->entries[c->n - 1].section, section) == 0
                      ? c->entries[c->n - 1].section
                      : lbd_arena_strndup(&c->names, section, strlen(section));
  size_t len = strlen(value);
  c->entries[c->n] =
      (entry){s, lbd_arena_strndup(&c->names, key, strlen(key)), lbu_xstrndup(value, len)};
  /* inih continues no key after "= value" (an empty name): neither do we. */
  p->last = key[0] ? c->n : NO_ENTRY;
  p->last_len = len;
  p->last_cap = len + 1;
  c->n++;
  return 1;
}

static int compare_names(const entry *a, const entry *b) {
  int r = a->section == b->section ? 0 : strcmp(a->section, b->section);
  return r ? r : strcmp(a->key, b->key);
}

/* Sorts entries by name, then by place in the file: the pointers are into
 * one array. */
static int compare_places(const void *pa, const void *pb) {
  const entry *a = *(const entry *const *)pa, *b = *(const entry *const *)pb;
  int r = compare_names(a, b);
  return r ? r : (a > b) - (a < b);
}

/* "The last one wins", in n log n: sort the entries by (section, key, place
 * in the file); in each run of one name, the first place takes the last value
 * and the others go. A repeated key thus keeps the place where it first
 * appeared (lbd_config_each reports it there, once, with its last value), as
 * the linear scan before this did. What is left becomes the index. */
static void dedupe(lbd_config *c) {
  size_t n = c->n;
  entry **sorted = lbu_xmalloc(n * sizeof(entry *));
  for (size_t i = 0; i < n; i++)
    sorted[i] = &c->entries[i];
  qsort(sorted, n, sizeof(entry *), compare_places);

  size_t names = 0;
  for (size_t i = 0; i < n;) {
    size_t j = i + 1;
    while (j < n && compare_names(sorted[i], sorted[j]) == 0)
      j++;
    if (j - i > 1) {
      free(sorted[i]->value);
      sorted[i]->value = sorted[j - 1]->value;
      for (size_t k = i + 1; k < j - 1; k++)
        free(sorted[k]->value);
      for (size_t k = i + 1; k < j; k++)
        sorted[k]->value = NULL; /* gone */
    }
    sorted[names++] = sorted[i];
    i = j;
  }

  /* Close the gaps, in file order, and point the index at the new places. */
  size_t *moved_to = lbu_xmalloc(n * sizeof(size_t));
  size_t kept = 0;
  for (size_t i = 0; i < n; i++) {
    if (!c->entries[i].value)
      continue;
    moved_to[i] = kept;
    c->entries[kept++] = c->entries[i];
  }
  c->index = lbu_xmalloc(names * sizeof(size_t));
  for (size_t i = 0; i < names; i++)
    c->index[i] = moved_to[sorted[i] - c->entries];
  free(moved_to);
  free(sorted);
  c->n = kept;
}

/* The text is parsed whole, with inih, as origin (a path, or "built-in
 * defaults"). */
static lbd_config *parse_text(const char *text, size_t len, const char *origin, bool from_file,
                              char *err, size_t errlen) {
  lbd_config *c = lbu_xcalloc(1, sizeof(*c));
  lbd_arena_init(&c->names);
  c->from_file = from_file;
  parse p = {.c = c, .last = NO_ENTRY};
  lbu_readfile_lines_init(&p.lines, text, len);
  int r = ini_parse_stream(next_line, &p, on_entry, &p);
  /* inih's error is the first line it could not parse; a line the reader
   * could not hand over is an error too, whichever came first. */
  int bad = p.lines.bad_line;
  if (r == 0 && !bad) {
    dedupe(c);
    return c;
  }
  if (bad && (r <= 0 || bad < r)) {
    if (p.lines.bad_is_nul)
      snprintf(err, errlen, "%s:%d: holds a NUL byte, which a text file cannot; fix it and reload",
               origin, bad);
    else
      snprintf(err, errlen,
               "%s:%d: the line is longer than %d bytes, the most a line holds: continue a long "
               "value on the next line, indented; fix it and reload",
               origin, bad, p.lines.longest);
  } else if (r > 0) {
    snprintf(err, errlen,
             "%s:%d: not a [section] header or a key = value line (a line holds at most 199 "
             "characters: continue a long value on the next line, indented); fix it and reload",
             origin, r);
  } else {
    snprintf(err, errlen, "%s: out of memory while parsing", origin);
  }
  lbd_config_free(c);
  return NULL;
}

lbd_config *lbd_config_parse_string(const char *text, const char *origin, char *err,
                                    size_t errlen) {
  return parse_text(text, strlen(text), origin, false, err, errlen);
}

lbd_config *lbd_config_load(const char *path, char *err, size_t errlen) {
  char *text;
  size_t len;
  int r = lbu_readfile(path, LBU_READFILE_CONFIG_MAX, &text, &len, err, errlen);
  if (r == -ENOENT)
    return lbd_config_parse_string(lbd_default_config, "built-in defaults", err, errlen);
  if (r < 0) {
    size_t n = strlen(err);
    if (r == -EISDIR || r == -EBADFD)
      snprintf(err + n, errlen - n,
               "; lumbard reads its config only from a regular file: replace it with one");
    else if (r == -EFBIG)
      snprintf(err + n, errlen - n,
               "; a lumbard config is a few KB: check that this is the right file");
    return NULL;
  }
  lbd_config *c = parse_text(text, len, path, true, err, errlen);
  free(text);
  return c;
}

void lbd_config_free(lbd_config *c) {
  if (!c)
    return;
  for (size_t i = 0; i < c->n; i++)
    free(c->entries[i].value);
  free(c->entries);
  free(c->index);
  lbd_arena_free(&c->names);
  free(c);
}

bool lbd_config_from_file(const lbd_config *c) {
  return c->from_file;
}

const char *lbd_config_get(const lbd_config *c, const char *section, const char *key) {
  entry want = {section, key, NULL};
  size_t lo = 0, hi = c->n; /* the name is in index[lo, hi) if anywhere */
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    int r = compare_names(&want, &c->entries[c->index[mid]]);
    if (r == 0)
      return c->entries[c->index[mid]].value;
    if (r < 0)
      hi = mid;
    else
      lo = mid + 1;
  }
  return NULL;
}

void lbd_config_each(const lbd_config *c, const char *prefix, lbd_config_each_fn fn,
                     void *userdata) {
  size_t n = strlen(prefix);
  for (size_t i = 0; i < c->n; i++) {
    const char *s = c->entries[i].section;
    if (strncmp(s, prefix, n) == 0 && (s[n] == '\0' || s[n] == '.'))
      fn(s, c->entries[i].key, c->entries[i].value, userdata);
  }
}
