/* The INI config: a key given again wins (even on the very next line), an
 * indented line continues, big inputs parse (the cost is linear or n log n:
 * the ctest timeout, far above what they take, is what catches a quadratic
 * parse), and a FIFO, a device, a directory, a file over 1 MiB or a line
 * inih would split are refused with words that say what to do, without
 * hanging the caller. */
#include <errno.h>
#include <fcntl.h>
#include <ini.h>
#include <stdarg.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "config.h"
#include "readfile.h"
#include "util.h"

/* ---- helpers ------------------------------------------------------------------------------ */

typedef struct text {
  char *s;
  size_t len, cap;
} text;

__attribute__((format(printf, 2, 3))) static void add(text *t, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  if (t->len + (size_t)n + 1 > t->cap) {
    t->cap = (t->len + (size_t)n + 1) * 2;
    t->s = realloc(t->s, t->cap);
  }
  va_start(ap, fmt);
  vsnprintf(t->s + t->len, (size_t)n + 1, fmt, ap);
  va_end(ap);
  t->len += (size_t)n;
}

static void add_entry(const char *section, const char *key, const char *value, void *ud) {
  add(ud, "[%s] %s = %s\n", section, key, value);
}

/* What lbd_config_each reports under prefix, one "[section] key = value" a
 * line (free it). */
static char *entries_of(const lbd_config *c, const char *prefix) {
  text t = {0};
  add(&t, "%s", "");
  lbd_config_each(c, prefix, add_entry, &t);
  return t.s;
}

#define CHECK_ENTRIES(c, prefix, want)                                                             \
  do {                                                                                             \
    char *got_ = entries_of(c, prefix);                                                            \
    CHECK_STR(got_, want);                                                                         \
    free(got_);                                                                                    \
  } while (0)

static lbd_config *parse(const char *s) {
  char err[512] = "";
  lbd_config *c = lbd_config_parse_string(s, "test.conf", err, sizeof(err));
  CHECK(c != NULL, "the text parses; got: %s", err);
  return c;
}

static char dir[64];

/* dir/name holding len bytes of data; returns the path (static). */
static const char *write_file(const char *name, const char *data, size_t len) {
  static char path[128];
  snprintf(path, sizeof(path), "%s/%s", dir, name);
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  CHECK(fd >= 0, "creating %s: %s", path, strerror(errno));
  for (size_t off = 0; off < len;) {
    ssize_t n = write(fd, data + off, len - off);
    CHECK(n > 0, "writing %s: %s", path, strerror(errno));
    if (n <= 0)
      break;
    off += (size_t)n;
  }
  close(fd);
  return path;
}

/* lbd_config_load(path) refused; returns its message (static). */
static const char *refusal(const char *path) {
  static char err[1024];
  err[0] = '\0';
  lbd_config *c = lbd_config_load(path, err, sizeof(err));
  CHECK(c == NULL, "%s is refused", path);
  lbd_config_free(c);
  return err;
}

TEST(setup) {
  snprintf(dir, sizeof(dir), "/tmp/lumbard-test-config-XXXXXX");
  CHECK(mkdtemp(dir) != NULL, "mkdtemp: %s", strerror(errno));
}

/* ---- last one wins, continuations --------------------------------------------------------- */

TEST(repeated_key_on_the_next_line_last_wins) {
  lbd_config *c = parse("[reminders.x]\nschedule = every 1h\nschedule = every 2h\n");
  CHECK_STR(lbd_config_get(c, "reminders.x", "schedule"), "every 2h");
  CHECK_ENTRIES(c, "reminders", "[reminders.x] schedule = every 2h\n");
  lbd_config_free(c);
}

TEST(indented_line_continues_the_value) {
  lbd_config *c = parse("[rest]\nmessage = one\n  two\n\tthree\n  ; a comment line\nnext = 1\n");
  CHECK_STR(lbd_config_get(c, "rest", "message"), "one two three");
  CHECK_STR(lbd_config_get(c, "rest", "next"), "1");
  lbd_config_free(c);
  /* An indented "key = value" under a key is still a continuation (inih's
   * rule, and configparser's). */
  c = parse("[rest]\nmessage = one\n  two = 2\n");
  CHECK_STR(lbd_config_get(c, "rest", "message"), "one two = 2");
  CHECK(lbd_config_get(c, "rest", "two") == NULL, "no key two");
  lbd_config_free(c);
}

TEST(repeated_key_keeps_its_first_place_and_its_last_value) {
  lbd_config *c = parse("[a]\nx = 1\ny = 2\nx = 3\n  and more\n[a.b]\nz = 4\n[a]\nx = 5\n"
                        "[a.b]\nz = 6\n  continued\n");
  CHECK_ENTRIES(c, "a", "[a] x = 5\n[a] y = 2\n[a.b] z = 6 continued\n");
  CHECK_STR(lbd_config_get(c, "a", "x"), "5");
  CHECK_STR(lbd_config_get(c, "a.b", "z"), "6 continued");
  lbd_config_free(c);
}

TEST(section_header_ends_a_value) {
  /* inih forgets the key at a header: an indented line after it is a key. */
  lbd_config *c = parse("[a]\nk = 1\n[b]\n  j = 2\n");
  CHECK_ENTRIES(c, "a", "[a] k = 1\n");
  CHECK_ENTRIES(c, "b", "[b] j = 2\n");
  lbd_config_free(c);
  c = parse("[a]\nk = 1\n[a]\n  k = 2\n");
  CHECK_ENTRIES(c, "a", "[a] k = 2\n");
  lbd_config_free(c);
}

TEST(long_key_continues_its_own_value) {
  /* inih names the key of a continuation cut to 49 bytes. */
  const char *key = "a_key_name_longer_than_the_forty_nine_bytes_inih_keeps";
  char s[256];
  snprintf(s, sizeof(s), "[s]\n%s = one\n  two\n", key);
  lbd_config *c = parse(s);
  CHECK_STR(lbd_config_get(c, "s", key), "one two");
  CHECK_ENTRIES(c, "s", "[s] a_key_name_longer_than_the_forty_nine_bytes_inih_keeps = one two\n");
  lbd_config_free(c);
}

TEST(empty_name_is_continued_by_nothing) {
  /* inih takes "= a" as the key "", then an indented line as a line of its
   * own, not a continuation. */
  lbd_config *c = parse("[s]\n= a\n  b = c\n");
  CHECK_ENTRIES(c, "s", "[s]  = a\n[s] b = c\n");
  lbd_config_free(c);
}

TEST(get_finds_each_name_and_no_other) {
  lbd_config *c = parse("[a]\nk = 1\nj = 0\n[a.b]\nk = 2\n[ab]\nk = 3\n[a]\nk = 4\n");
  CHECK_STR(lbd_config_get(c, "a", "k"), "4");
  CHECK_STR(lbd_config_get(c, "a", "j"), "0");
  CHECK_STR(lbd_config_get(c, "a.b", "k"), "2");
  CHECK_STR(lbd_config_get(c, "ab", "k"), "3");
  CHECK(lbd_config_get(c, "a", "kk") == NULL, "no [a] kk");
  CHECK(lbd_config_get(c, "b", "k") == NULL, "no [b] k");
  CHECK(lbd_config_get(c, "", "k") == NULL, "no [] k");
  CHECK(lbd_config_get(c, "zz", "k") == NULL, "no [zz] k");
  CHECK(!lbd_config_from_file(c), "a string is not a file");
  lbd_config_free(c);
  c = parse("");
  CHECK(lbd_config_get(c, "a", "k") == NULL, "an empty config has no key");
  CHECK_ENTRIES(c, "a", "");
  lbd_config_free(c);
}

/* ---- the built-in defaults parse as before ------------------------------------------------ */

/* The parse lumbard did before: inih's own string reader, and a scan of all
 * entries for a repeated key. An oracle for the texts where both must agree:
 * no key repeated on the very next line, no line over 199 bytes. */
typedef struct old_config {
  struct {
    char section[64], key[64], value[1024];
  } e[256];
  size_t n;
  int prev;
} old_config;

static int old_on_entry(void *user, const char *section, const char *key, const char *value) {
  old_config *o = user;
  if (o->prev >= 0 && strcmp(o->e[o->prev].section, section) == 0 &&
      strcmp(o->e[o->prev].key, key) == 0) {
    size_t n = strlen(o->e[o->prev].value);
    snprintf(o->e[o->prev].value + n, sizeof(o->e[0].value) - n, " %s", value);
    return 1;
  }
  for (size_t i = 0; i < o->n; i++)
    if (strcmp(o->e[i].section, section) == 0 && strcmp(o->e[i].key, key) == 0) {
      snprintf(o->e[i].value, sizeof(o->e[i].value), "%s", value);
      o->prev = (int)i;
      return 1;
    }
  if (o->n == LBU_ARRAY_SIZE(o->e))
    return 0;
  snprintf(o->e[o->n].section, sizeof(o->e[0].section), "%s", section);
  snprintf(o->e[o->n].key, sizeof(o->e[0].key), "%s", key);
  snprintf(o->e[o->n].value, sizeof(o->e[0].value), "%s", value);
  o->prev = (int)o->n++;
  return 1;
}

static void check_as_before(const char *s) {
  static old_config o;
  memset(&o, 0, sizeof(o));
  o.prev = -1;
  CHECK_INT(ini_parse_string(s, old_on_entry, &o), 0);
  lbd_config *c = parse(s);
  CHECK(o.n > 0, "the oracle found entries");
  /* Every top-level section, entry by entry, in order. */
  for (size_t i = 0; i < o.n; i++) {
    char prefix[64];
    snprintf(prefix, sizeof(prefix), "%.*s", (int)strcspn(o.e[i].section, "."), o.e[i].section);
    text want = {0};
    add(&want, "%s", "");
    for (size_t j = 0; j < o.n; j++) {
      const char *sj = o.e[j].section;
      size_t n = strlen(prefix);
      if (strncmp(sj, prefix, n) == 0 && (sj[n] == '\0' || sj[n] == '.'))
        add(&want, "[%s] %s = %s\n", sj, o.e[j].key, o.e[j].value);
    }
    CHECK_ENTRIES(c, prefix, want.s);
    free(want.s);
    CHECK_STR(lbd_config_get(c, o.e[i].section, o.e[i].key), o.e[i].value);
  }
  lbd_config_free(c);
}

TEST(defaults_parse_as_before) {
  check_as_before(lbd_default_config);
  check_as_before("[a]\nk = 1\nj = 2\n  more\n[a.b]\nk = 3\n[a]\nk = 4\n; comment\n  # indented\n"
                  "[c]\r\nx = 1\r\n  y\r\n");
}

/* ---- big inputs --------------------------------------------------------------------------- */

TEST(hundred_thousand_keys) {
  enum { N = 100000 };
  text t = {0};
  add(&t, "[bulk]\n");
  for (int i = 0; i < N; i++)
    add(&t, "k%d = v%d\n", i, i);
  /* and every other one again, later: the last one wins */
  for (int i = 0; i < N; i += 2)
    add(&t, "k%d = again%d\n", i, i);
  lbd_config *c = parse(t.s);
  free(t.s);
  size_t lines = 0;
  char *all = entries_of(c, "bulk");
  for (const char *p = all; (p = strchr(p, '\n')); p++)
    lines++;
  CHECK_INT(lines, N);
  const char *first = "[bulk] k0 = again0\n[bulk] k1 = v1\n[bulk] k2 = again2\n";
  CHECK(strncmp(all, first, strlen(first)) == 0, "in file order, with the last values: %.60s", all);
  free(all);
  int wrong = 0;
  char key[32], want[32];
  for (int i = 0; i < N; i++) {
    snprintf(key, sizeof(key), "k%d", i);
    snprintf(want, sizeof(want), i % 2 ? "v%d" : "again%d", i);
    const char *v = lbd_config_get(c, "bulk", key);
    if (!v || strcmp(v, want) != 0)
      wrong++;
  }
  CHECK_INT(wrong, 0);
  lbd_config_free(c);
}

/* [s] long = followed by lines indented lines of width 199 */
static text continued_value(int lines) {
  text t = {0};
  add(&t, "[s]\nlong = start\n");
  char line[200];
  memset(line, 'x', 199);
  line[0] = ' ';
  line[199] = '\0';
  for (int i = 0; i < lines; i++)
    add(&t, "%s\n", line);
  add(&t, "after = 1\n");
  return t;
}

TEST(value_continued_over_25000_lines) {
  /* 5 MB: over the file bound, so as a string */
  text t = continued_value(25000);
  lbd_config *c = parse(t.s);
  free(t.s);
  const char *v = lbd_config_get(c, "s", "long");
  CHECK(v && strlen(v) == 5 + 25000 * 199, "the value holds every line, each after one space");
  CHECK(v && strncmp(v, "start xxx", 9) == 0 && strcmp(v + strlen(v) - 3, "xxx") == 0,
        "joined with one space");
  CHECK_STR(lbd_config_get(c, "s", "after"), "1");
  lbd_config_free(c);
}

TEST(file_just_under_1_MiB_loads) {
  /* a value continued to just under the bound */
  text t = continued_value(5200);
  CHECK(t.len < LBU_READFILE_CONFIG_MAX && t.len > LBU_READFILE_CONFIG_MAX - 10000, "%zu bytes",
        t.len);
  char err[512] = "";
  lbd_config *c = lbd_config_load(write_file("continued.conf", t.s, t.len), err, sizeof(err));
  free(t.s);
  CHECK(c != NULL, "loads; got: %s", err);
  const char *v = c ? lbd_config_get(c, "s", "long") : NULL;
  CHECK(v && strlen(v) == 5 + 5200 * 199, "the value holds every line");
  CHECK(c && lbd_config_from_file(c), "from the file");
  lbd_config_free(c);

  /* exactly 1 MiB of keys loads; one byte more does not */
  t = (text){0};
  add(&t, "[bulk]\n");
  int keys = 0;
  for (; t.len < LBU_READFILE_CONFIG_MAX - 32; keys++)
    add(&t, "k%d = v%d\n", keys, keys);
  while (t.len < LBU_READFILE_CONFIG_MAX - 1)
    add(&t, "#");
  add(&t, "\n");
  CHECK_INT(t.len, LBU_READFILE_CONFIG_MAX);
  c = lbd_config_load(write_file("big.conf", t.s, t.len), err, sizeof(err));
  CHECK(c != NULL, "exactly 1 MiB loads; got: %s", err);
  char last[32];
  snprintf(last, sizeof(last), "k%d", keys - 1);
  CHECK(c && lbd_config_get(c, "bulk", "k0") && lbd_config_get(c, "bulk", last), "%d keys", keys);
  lbd_config_free(c);
  add(&t, "\n");
  const char *path = write_file("big.conf", t.s, t.len);
  char want[256];
  snprintf(want, sizeof(want),
           "%s is larger than 1 MiB; a lumbard config is a few KB: check that this is the right "
           "file",
           path);
  CHECK_STR(refusal(path), want);
  free(t.s);
  unlink(path);
  snprintf(want, sizeof(want), "%s/continued.conf", dir);
  unlink(want);
}

/* ---- what is refused ---------------------------------------------------------------------- */

static void check_not_regular(const char *path, const char *kind) {
  char want[512];
  snprintf(want, sizeof(want),
           "%s is a %s, not a regular file; lumbard reads its config only from a regular file: "
           "replace it with one",
           path, kind);
  CHECK_STR(refusal(path), want);
}

TEST(fifo_is_refused_without_waiting) {
  char path[128];
  snprintf(path, sizeof(path), "%s/lumbard.conf", dir);
  CHECK(mkfifo(path, 0600) == 0, "mkfifo: %s", strerror(errno));
  /* no writer: opening it to read would wait for one */
  check_not_regular(path, "FIFO");
  /* a writer that never closes: reading it would wait for the end */
  int w = open(path, O_RDWR | O_CLOEXEC);
  CHECK(w >= 0, "opening the FIFO: %s", strerror(errno));
  CHECK(write(w, "[a]\nk = 1\n", 10) == 10, "writing to the FIFO");
  check_not_regular(path, "FIFO");
  close(w);
  unlink(path);
}

TEST(devices_and_directories_are_refused) {
  check_not_regular("/dev/zero", "character device");
  check_not_regular("/dev/urandom", "character device");
  check_not_regular(dir, "directory");
}

TEST(symlink_to_a_regular_file_is_read) {
  const char *target = write_file("real.conf", "[a]\nk = 1\n", 10);
  char link[128];
  snprintf(link, sizeof(link), "%s/link.conf", dir);
  CHECK(symlink(target, link) == 0, "symlink: %s", strerror(errno));
  char err[512] = "";
  lbd_config *c = lbd_config_load(link, err, sizeof(err));
  CHECK(c != NULL, "loads through the link; got: %s", err);
  CHECK(c && lbd_config_from_file(c), "from the file");
  CHECK_STR(c ? lbd_config_get(c, "a", "k") : NULL, "1");
  lbd_config_free(c);
  /* a link to /dev/zero is /dev/zero */
  unlink(link);
  CHECK(symlink("/dev/zero", link) == 0, "symlink: %s", strerror(errno));
  check_not_regular(link, "character device");
  unlink(link);
  unlink(target);
}

TEST(missing_file_gives_the_defaults) {
  char path[128], err[512] = "";
  snprintf(path, sizeof(path), "%s/none.conf", dir);
  lbd_config *c = lbd_config_load(path, err, sizeof(err));
  CHECK(c != NULL, "the defaults; got: %s", err);
  CHECK(c && !lbd_config_from_file(c), "not from a file");
  CHECK_STR(c ? lbd_config_get(c, "daemon", "log_level") : NULL, "info");
  lbd_config_free(c);
}

TEST(overlong_line_is_reported_not_split) {
  /* fgets would cut it at 199 bytes and inih would read "aaa...b" = "c" */
  char s[512], err[512] = "";
  snprintf(s, sizeof(s), "[s]\nk = %0300d b=c\nnext = 1\n", 0);
  lbd_config *c = lbd_config_parse_string(s, "test.conf", err, sizeof(err));
  CHECK(c == NULL, "refused");
  CHECK_STR(err, "test.conf:2: the line is longer than 199 bytes, the most a line holds: continue "
                 "a long value on the next line, indented; fix it and reload");
  lbd_config_free(c);

  /* 199 bytes fit, with either line ending */
  char line[200];
  memset(line, 'y', 199);
  memcpy(line, "k = ", 4);
  line[199] = '\0';
  snprintf(s, sizeof(s), "[s]\n%s\nj = 1\n", line);
  c = parse(s);
  CHECK(c && strlen(lbd_config_get(c, "s", "k")) == 195, "the whole value");
  lbd_config_free(c);
  snprintf(s, sizeof(s), "[s]\r\n%s\r\nj = 1\r\n", line);
  c = parse(s);
  CHECK(c && strlen(lbd_config_get(c, "s", "k")) == 195, "the whole value");
  lbd_config_free(c);
  snprintf(s, sizeof(s), "[s]\n%sy\nj = 1\n", line);
  c = lbd_config_parse_string(s, "test.conf", err, sizeof(err));
  CHECK(c == NULL, "200 bytes are refused");
  CHECK_CONTAINS(err, "test.conf:2: the line is longer than 199 bytes");
  lbd_config_free(c);
}

TEST(errors_name_the_first_bad_line) {
  char s[512], err[512] = "";
  snprintf(s, sizeof(s), "[s]\nnot ini\nk = 1\nj = %0300d\n", 0);
  lbd_config *c = lbd_config_parse_string(s, "test.conf", err, sizeof(err));
  CHECK(c == NULL, "refused");
  CHECK_STR(err, "test.conf:2: not a [section] header or a key = value line (a line holds at most "
                 "199 characters: continue a long value on the next line, indented); fix it and "
                 "reload");
  snprintf(s, sizeof(s), "[s]\nj = %0300d\nk = 1\nnot ini\n", 0);
  c = lbd_config_parse_string(s, "test.conf", err, sizeof(err));
  CHECK(c == NULL, "refused");
  CHECK_CONTAINS(err, "test.conf:2: the line is longer than 199 bytes");
}

TEST(nul_byte_is_refused) {
  const char *path = write_file("nul.conf", "[s]\nk = 1\nj = a\0b\n", 17);
  char want[256];
  snprintf(want, sizeof(want),
           "%s:3: holds a NUL byte, which a text file cannot; fix it and reload", path);
  CHECK_STR(refusal(path), want);
  unlink(path);
}

/* ---- lbu_readfile itself ------------------------------------------------------------------- */

TEST(readfile_bounds_what_fstat_does_not) {
  /* /proc files say they are empty: the bound still holds */
  char *s = NULL, err[256] = "";
  size_t len = 0;
  CHECK_INT(lbu_readfile("/proc/self/status", 64, &s, &len, err, sizeof(err)), -EFBIG);
  CHECK_STR(err, "/proc/self/status is larger than 64 bytes");
  CHECK_INT(lbu_readfile("/proc/self/status", 1 << 20, &s, &len, err, sizeof(err)), 0);
  CHECK(s != NULL, "the whole file read");
  if (s)
    CHECK(len == strlen(s) && strncmp(s, "Name:", 5) == 0, "the whole file: %.20s", s);
  free(s);
  const char *path = write_file("small", "12345", 5);
  CHECK_INT(lbu_readfile(path, 5, &s, &len, err, sizeof(err)), 0);
  CHECK_STR(s, "12345");
  free(s);
  CHECK_INT(lbu_readfile(path, 4, &s, &len, err, sizeof(err)), -EFBIG);
  unlink(path);
  CHECK_INT(lbu_readfile(path, 4, &s, &len, err, sizeof(err)), -ENOENT);
  CHECK_INT(lbu_readfile("/dev/null", 4, &s, &len, err, sizeof(err)), -EBADFD);
  CHECK_INT(lbu_readfile("/", 4, &s, &len, err, sizeof(err)), -EISDIR);
}

TEST(teardown) {
  CHECK(rmdir(dir) == 0, "%s is left empty: %s", dir, strerror(errno));
}

RUN_TESTS(T(setup), T(repeated_key_on_the_next_line_last_wins),
          T(indented_line_continues_the_value),
          T(repeated_key_keeps_its_first_place_and_its_last_value), T(section_header_ends_a_value),
          T(long_key_continues_its_own_value), T(empty_name_is_continued_by_nothing),
          T(get_finds_each_name_and_no_other), T(defaults_parse_as_before),
          T(hundred_thousand_keys), T(value_continued_over_25000_lines),
          T(file_just_under_1_MiB_loads), T(fifo_is_refused_without_waiting),
          T(devices_and_directories_are_refused), T(symlink_to_a_regular_file_is_read),
          T(missing_file_gives_the_defaults), T(overlong_line_is_reported_not_split),
          T(errors_name_the_first_bad_line), T(nul_byte_is_refused),
          T(readfile_bounds_what_fstat_does_not), T(teardown))
