/* The INI config (daemon/config.c on inih): sections, keys, indented
 * continuation lines, a later key replacing an earlier one, the 200-character
 * line limit, and the lb_config_* API over what was parsed.
 *
 * The input is the file's text (up to its first NUL byte). It is parsed twice:
 * from the string (lbd_config_parse_string, as the built-in defaults are) and
 * from a file (lbd_config_load, as lumbard.conf is, through a memfd). Checked:
 * - both agree: both accept with the same entries, or both refuse on the
 *   same line;
 * - a refusal names its line; lbd_config_free takes what either returned;
 * - every entry lbd_config_each reports for a prefix lies under that prefix,
 *   and lbd_config_get finds exactly that entry again. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "config.h"
#include "fuzz.h"

#define ORIGIN "fuzz.conf"

typedef struct visit {
  const lbd_config *c, *other; /* other: the same text, parsed from the file */
  const char *prefix;
  size_t n;
} visit;

static void on_entry(const char *section, const char *key, const char *value, void *ud) {
  visit *v = ud;
  size_t n = strlen(v->prefix);
  FUZZ_CHECK(strncmp(section, v->prefix, n) == 0 && (section[n] == '\0' || section[n] == '.'),
             "lbd_config_each(\"%s\") reported section \"%s\"", v->prefix, section);
  FUZZ_CHECK(lbd_config_get(v->c, section, key) == value,
             "[%s] %s: lbd_config_get does not find the entry lbd_config_each reported", section,
             key);
  const char *there = lbd_config_get(v->other, section, key);
  FUZZ_CHECK(there && strcmp(there, value) == 0,
             "[%s] %s = \"%s\" from the string, but \"%s\" from the file", section, key, value,
             there ? there : "(none)");
  v->n++;
}

/* Every entry under prefix, checked against the other parse; returns how many. */
static size_t walk(const lbd_config *c, const lbd_config *other, const char *prefix) {
  visit v = {c, other, prefix, 0};
  lbd_config_each(c, prefix, on_entry, &v);
  return v.n;
}

/* The sections the text names, as prefixes to walk ("[a.b]" gives "a.b" and
 * "a"), so that most entries are reached. */
static void walk_sections(const lbd_config *c, const lbd_config *other, const char *text) {
  walk(c, other, "");
  for (const char *p = text; (p = strchr(p, '[')); p++) {
    const char *end = strpbrk(p + 1, "]\n");
    if (!end || *end != ']' || end - p > 200)
      continue;
    /* inih keeps a section name as written, cut to 49 bytes. */
    char name[50];
    snprintf(name, sizeof(name), "%.*s", (int)(end - p - 1), p + 1);
    char *s = name;
    size_t a = walk(c, other, s), b = walk(other, c, s);
    FUZZ_CHECK(a == b, "[%s]: %zu entries from the string, %zu from the file", s, a, b);
    char *dot = strchr(s, '.');
    if (dot) {
      *dot = '\0';
      walk(c, other, s);
    }
  }
}

static lbd_config *load_through_file(const char *text, char *err, size_t errlen, char *path,
                                     size_t pathlen) {
  int fd = memfd_create("fuzz.conf", MFD_CLOEXEC);
  FUZZ_CHECK(fd >= 0, "memfd_create failed");
  size_t len = strlen(text), off = 0;
  while (off < len) {
    ssize_t w = write(fd, text + off, len - off);
    FUZZ_CHECK(w > 0, "writing the memfd failed");
    off += (size_t)w;
  }
  snprintf(path, pathlen, "/proc/self/fd/%d", fd);
  lbd_config *c = lbd_config_load(path, err, errlen);
  close(fd);
  return c;
}

/* "fuzz.conf:12: not a ..." and "/proc/self/fd/3:12: not a ...": the same
 * words after the origin. */
static const char *after_origin(const char *err, const char *origin) {
  size_t n = strlen(origin);
  FUZZ_CHECK(strncmp(err, origin, n) == 0, "the error does not start with its origin: %s", err);
  return err + n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char *text = malloc(size + 1);
  memcpy(text, data, size);
  text[size] = '\0';

  char err[1024] = "", ferr[1024] = "", path[64];
  lbd_config *c = lbd_config_parse_string(text, ORIGIN, err, sizeof(err));
  lbd_config *fc = load_through_file(text, ferr, sizeof(ferr), path, sizeof(path));

  if (!c || !fc) {
    FUZZ_CHECK(!c && !fc, "the string parse %s but the file parse %s (%s)",
               c ? "accepts" : "refuses", fc ? "accepts" : "refuses", c ? ferr : err);
    const char *e = after_origin(err, ORIGIN), *fe = after_origin(ferr, path);
    FUZZ_CHECK(e[0] == ':' && e[1] >= '1' && e[1] <= '9', "the error names no line: %s", err);
    FUZZ_CHECK(strcmp(e, fe) == 0, "the string parse says \"%s\", the file parse \"%s\"", err,
               ferr);
  } else {
    FUZZ_CHECK(!lbd_config_from_file(c) && lbd_config_from_file(fc), "from_file is wrong");
    walk_sections(c, fc, text);
    /* Names the text cannot hold: no entry. */
    FUZZ_CHECK(lbd_config_get(c, "no such section\n", "key") == NULL, "a phantom entry");
  }
  lbd_config_free(c);
  lbd_config_free(fc);
  free(text);
  return 0;
}
