/* How a verb is used, and how it is said to be misused: its usage line,
 * its help, and the usage errors of every verb (what was wrong, the usage
 * line, where to find help). main.c's list of commands is made of the same
 * usage lines. */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "lumbarctl.h"

static const char OPTIONS[] =
    "Options (before or after the command):\n"
    "  -s, --socket PATH  the daemon's socket (default: $LUMBARD_SOCKET, else\n"
    "                     $XDG_RUNTIME_DIR/lumbard.sock)\n"
    "  -j, --json         print JSON instead of text\n"
    "  -h, --help         show help (of the command, when one is given)\n"
    "  -V, --version      print lumbarctl's version\n";

static const char EXIT_STATUS[] =
    "Exit status: 0 done, 1 the daemon refused the request (an unknown ID, a\n"
    "conflict), 2 usage error (also a value typed that the daemon refuses: a\n"
    "duration out of its range), 3 cannot reach the daemon.\n";

/* The length of the next group of a usage's arguments: up to a blank
 * outside brackets ("[--format csv|json]" is one), an option with the
 * value that follows it ("-o FILE.html") too. */
static size_t usage_group(const char *p) {
  size_t i = 0;
  for (int depth = 0; p[i] && (depth > 0 || p[i] != ' '); i++)
    depth += p[i] == '[' ? 1 : p[i] == ']' ? -1 : 0;
  if (p[0] == '-' && p[i] == ' ' && p[i + 1] && p[i + 1] != '[' && p[i + 1] != '-')
    i += 1 + usage_group(p + i + 1);
  return i;
}

int lbctl_usage_put(FILE *f, int col, const char *prefix, const lbctl_verb *v) {
  fprintf(f, "%s%s", prefix, v->name);
  int indent = col + (int)strlen(prefix) + (int)strlen(v->name) + 1, at = indent - 1;
  for (const char *p = v->args ? v->args : ""; *p;) {
    size_t n = usage_group(p);
    if (at > indent - 1 && at + 1 + (int)n > LBCTL_HELP_COLUMNS) {
      fprintf(f, "\n%*s", indent, "");
      at = indent;
    } else {
      fputc(' ', f);
      at++;
    }
    fprintf(f, "%.*s", (int)n, p);
    at += (int)n;
    p += n;
    while (*p == ' ')
      p++;
  }
  return at;
}

void lbctl_usage_put_options(FILE *f) {
  fprintf(f, "\n%s\n%s", OPTIONS, EXIT_STATUS);
}

void lbctl_usage_help(FILE *f, const lbctl_verb *v) {
  lbctl_usage_put(f, 0, "Usage: lumbarctl ", v);
  fprintf(f, "\n%c%s.\n", toupper((unsigned char)v->summary[0]), v->summary + 1);
  if (v->help)
    fprintf(f, "\n%s", v->help);
  lbctl_usage_put_options(f);
}

void lbctl_usage_try_help(const char *verb) {
  if (verb)
    fprintf(stderr, "Try 'lumbarctl help %s'.\n", verb);
  else
    fprintf(stderr, "Try 'lumbarctl --help' for the commands and options.\n");
}

int lbctl_usage_error(const lbctl_verb *self, const char *fmt, ...) {
  va_list ap;
  char prefix[128], said[4096];
  snprintf(prefix, sizeof(prefix), "lumbarctl %s: ", self->name);
  va_start(ap, fmt);
  vsnprintf(said, sizeof(said), fmt, ap);
  va_end(ap);
  lbctl_put_said(stderr, prefix, said);
  lbctl_usage_put(stderr, 0, "Usage: lumbarctl ", self);
  fputc('\n', stderr);
  lbctl_usage_try_help(self->name);
  return LBCTL_USAGE;
}
