/* The [notify] section of lumbard.conf, read with inih. The daemon ignores
 * this section; lumbar-notify ignores every other one. */
#include "notify.h"

#include <errno.h>
#include <ini.h>
#include <lumbard/rpc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "log.h"
#include "readfile.h"

void ln_config_defaults(ln_config *c) {
  *c = (ln_config){.reminders = true,
                   .rest = true,
                   .checkin = true,
                   .timeout_ms = 0,
                   .rest_timeout_ms = 15000,
                   .countdown_ms = 1000,
                   .sound = true};
}

typedef struct reading {
  const char *path;
  ln_config *c;
} reading;

static void bad(const reading *r, int line, const char *key, const char *value, const char *want) {
  lbu_warn("%s:%d: [notify] %s = %s is not %s; using the default", r->path, line, key, value, want);
}

/* "0", "default" (-1) or a duration, in milliseconds. */
static bool parse_timeout(const char *v, int32_t *ret) {
  if (strcasecmp(v, "default") == 0) {
    *ret = -1;
    return true;
  }
  if (strcmp(v, "0") == 0) {
    *ret = 0;
    return true;
  }
  uint64_t s;
  char err[128];
  if (lb_duration_parse(v, strlen(v), &s, err, sizeof(err)) != 0 || s > 24 * 3600)
    return false;
  *ret = (int32_t)(s * 1000);
  return true;
}

static bool parse_bool(const char *v, bool *ret) {
  static const char *const yes[] = {"yes", "true", "on", "1"}, *const no[] = {"no", "false", "off",
                                                                              "0"};
  for (size_t i = 0; i < 4; i++) {
    if (strcasecmp(v, yes[i]) == 0)
      return *ret = true, true;
    if (strcasecmp(v, no[i]) == 0)
      return *ret = false, true;
  }
  return false;
}

static bool parse_events(const char *v, ln_config *c) {
  bool rem = false, rest = false, checkin = false;
  char buf[256];
  snprintf(buf, sizeof(buf), "%s", v);
  char *save = NULL;
  for (char *w = strtok_r(buf, ", \t", &save); w; w = strtok_r(NULL, ", \t", &save)) {
    if (strcmp(w, "reminders") == 0)
      rem = true;
    else if (strcmp(w, "rest") == 0)
      rest = true;
    else if (strcmp(w, "checkin") == 0)
      checkin = true;
    else if (strcmp(w, "none") != 0)
      return false;
  }
  c->reminders = rem, c->rest = rest, c->checkin = checkin;
  return true;
}

static int on_entry(void *user, const char *section, const char *key, const char *value, int line) {
  reading *r = user;
  ln_config *c = r->c;
  if (!key || strcmp(section, "notify") != 0)
    return 1;
  if (strcmp(key, "events") == 0) {
    if (!parse_events(value, c))
      bad(r, line, key, value, "a list of reminders, rest, checkin (or none)");
  } else if (strcmp(key, "timeout") == 0 || strcmp(key, "rest_timeout") == 0) {
    int32_t *to = key[0] == 't' ? &c->timeout_ms : &c->rest_timeout_ms;
    if (!parse_timeout(value, to))
      bad(r, line, key, value, "0, default or a duration (30s, 1min)");
  } else if (strcmp(key, "countdown") == 0) {
    int32_t ms;
    if (!parse_timeout(value, &ms) || ms < 0)
      bad(r, line, key, value, "0 or a duration (1s, 5s)");
    else
      c->countdown_ms = (uint32_t)ms;
  } else if (strcmp(key, "sound") == 0) {
    if (!parse_bool(value, &c->sound))
      bad(r, line, key, value, "yes or no");
  } else {
    lbu_warn("%s:%d: [notify] has no key '%s' (events, timeout, rest_timeout, countdown, sound); "
             "ignored",
             r->path, line, key);
  }
  return 1;
}

/* inih without the line number in its handler: the reader counts the lines
 * as it hands them over. */
typedef struct counting {
  reading r;
  lbu_readfile_lines lines;
} counting;

static int on_entry_counted(void *user, const char *section, const char *key, const char *value) {
  counting *k = user;
  return on_entry(&k->r, section, key, value, k->lines.line);
}

int ln_config_load(const char *path, ln_config *c) {
  ln_config_defaults(c);
  /* Read as the daemon reads it: a FIFO or a device named here would hang
   * lumbar-notify's loop, at start or on SIGHUP. */
  char *text, err[512];
  size_t len;
  int r = lbu_readfile(path, LBU_READFILE_CONFIG_MAX, &text, &len, err, sizeof(err));
  if (r == -ENOENT)
    return 0;
  if (r == -EISDIR || r == -EBADFD) {
    lbu_warn("%s; lumbar-notify reads its config only from a regular file: replace it with one; "
             "using the defaults of [notify]",
             err);
    return r;
  }
  if (r < 0) {
    lbu_warn("%s; using the defaults of [notify]", err);
    return r;
  }
  counting k = {.r = {path, c}};
  lbu_readfile_lines_init(&k.lines, text, len);
  r = ini_parse_stream(lbu_readfile_next_line, &k.lines, on_entry_counted, &k);
  free(text);
  int bad = k.lines.bad_line; /* a line the reader could not hand over */
  if (bad && (r <= 0 || bad < r)) {
    char why[96];
    if (k.lines.bad_is_nul)
      snprintf(why, sizeof(why), "holds a NUL byte, which a text file cannot");
    else
      snprintf(why, sizeof(why), "the line is longer than %d bytes, the most a line holds",
               k.lines.longest);
    lbu_warn("%s:%d: %s; the rest of [notify] was read", path, bad, why);
  } else if (r > 0)
    lbu_warn("%s:%d: not a [section] header or a key = value line; the rest of [notify] was read",
             path, r);
  return r < 0 ? -EIO : 0;
}
