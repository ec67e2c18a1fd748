/* lumbarctl: the command-line client of lumbard. Global flags, help, and the
 * dispatch over the verb tables; the verbs live one table per file. */
#include <ctype.h>
#include <lumbard/rpc.h>
#include <lumbard/version.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lumbarctl.h"

/* Every verb table, in the order `lumbarctl --help` lists them. A plugin's
 * verbs join with one line here. */
static const lbctl_verb *const verb_tables[] = {
    lbctl_core_verbs,
    lbctl_remind_verbs,
    lbctl_rest_verbs,
    lbctl_pain_verbs,
    lbctl_checkin_verbs,
};

static int help_run(lbctl *ctl, const lbctl_verb *self, int argc, char **argv);

static const lbctl_verb help_verb = {
    .name = "help",
    .args = "[COMMAND]",
    .summary = "show this help, or the help of one command",
    .run = help_run,
};

static const char OPTIONS[] =
    "Options (before or after the command):\n"
    "  -s, --socket PATH  the daemon's socket (default: $LUMBARD_SOCKET, else\n"
    "                     $XDG_RUNTIME_DIR/lumbard.sock)\n"
    "  -j, --json         print JSON instead of text\n"
    "  -h, --help         show help (of the command, when one is given)\n"
    "  -V, --version      print lumbarctl's version\n";

static const char EXIT_STATUS[] =
    "Exit status: 0 done, 1 the daemon answered an error, 2 usage error,\n"
    "3 cannot reach the daemon.\n";

static size_t n_words(const char *s) {
  size_t n = 1;
  for (; *s; s++)
    n += *s == ' ';
  return n;
}

static size_t usage_width(const lbctl_verb *v) {
  return strlen(v->name) + (v->args ? 1 + strlen(v->args) : 0);
}

/* "  VERB ARGS   summary", the summary at column w + 4 (on the next line when
 * the usage is longer). */
static void overview_line(FILE *f, const lbctl_verb *v, size_t w) {
  int pad = (int)w - (int)usage_width(v);
  fprintf(f, "  %s%s%s", v->name, v->args ? " " : "", v->args ? v->args : "");
  if (pad >= 0)
    fprintf(f, "%*s  %s\n", pad, "", v->summary);
  else
    fprintf(f, "\n  %*s  %s\n", (int)w, "", v->summary);
}

static void overview(FILE *f) {
  fprintf(f, "Usage: lumbarctl [--socket PATH] [--json] COMMAND [ARG]...\n"
             "Talk to lumbard, the lower-back-care daemon: warm-up reminders, rest timers\n"
             "between sets and a pain diary.\n\nCommands:\n");
  /* Summaries in a column at most SUMMARY_AT in; a longer usage puts its
   * summary on the next line, so the list stays in 80 columns. */
  enum { SUMMARY_AT = 36 };
  size_t w = usage_width(&help_verb);
  for (size_t t = 0; t < sizeof(verb_tables) / sizeof(verb_tables[0]); t++)
    for (const lbctl_verb *v = verb_tables[t]; v->name; v++)
      if (usage_width(v) > w && usage_width(v) <= SUMMARY_AT)
        w = usage_width(v);
  for (size_t t = 0; t < sizeof(verb_tables) / sizeof(verb_tables[0]); t++)
    for (const lbctl_verb *v = verb_tables[t]; v->name; v++)
      overview_line(f, v, w);
  overview_line(f, &help_verb, w);
  fprintf(f, "\n%s\n%s", OPTIONS, EXIT_STATUS);
}

void lbctl_verb_help(FILE *f, const lbctl_verb *v) {
  fprintf(f, "Usage: lumbarctl %s%s%s\n%c%s.\n", v->name, v->args ? " " : "",
          v->args ? v->args : "", toupper((unsigned char)v->summary[0]), v->summary + 1);
  if (v->help)
    fprintf(f, "\n%s", v->help);
  fprintf(f, "\n%s\n%s", OPTIONS, EXIT_STATUS);
}

static void try_help(const char *verb) {
  if (verb)
    fprintf(stderr, "Try 'lumbarctl help %s'.\n", verb);
  else
    fprintf(stderr, "Try 'lumbarctl --help' for the commands and options.\n");
}

int lbctl_usage_error(const lbctl_verb *self, const char *fmt, ...) {
  va_list ap;
  fprintf(stderr, "lumbarctl %s: ", self->name);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fprintf(stderr, "\nUsage: lumbarctl %s%s%s\n", self->name, self->args ? " " : "",
          self->args ? self->args : "");
  try_help(self->name);
  return LBCTL_USAGE;
}

static int top_usage_error(const char *fmt, const char *what) {
  fprintf(stderr, "lumbarctl: ");
  fprintf(stderr, fmt, what);
  fprintf(stderr, "\nUsage: lumbarctl [--socket PATH] [--json] COMMAND [ARG]...\n");
  try_help(NULL);
  return LBCTL_USAGE;
}

static bool is_negative_number(const char *a) {
  return a[0] == '-' && ((a[1] >= '0' && a[1] <= '9') || a[1] == '.');
}

static const lbctl_flag *find_flag(const lbctl_flag *flags, const char *a, size_t len) {
  for (const lbctl_flag *f = flags; f && f->name; f++)
    if (strlen(f->name) == len && strncmp(f->name, a, len) == 0)
      return f;
  return NULL;
}

int lbctl_args(const lbctl_verb *self, int *argc, char **argv, const lbctl_flag *flags, int min,
               int max) {
  int n = 1;
  bool flags_end = false;
  for (int i = 1; i < *argc; i++) {
    const char *a = argv[i];
    if (!flags_end && strcmp(a, "--") == 0) {
      flags_end = true;
      continue;
    }
    if (flags_end || a[0] != '-' || !a[1] || is_negative_number(a)) {
      argv[n++] = argv[i];
      continue;
    }
    const char *eq = strchr(a, '=');
    size_t len = eq ? (size_t)(eq - a) : strlen(a);
    const lbctl_flag *f = find_flag(flags, a, len);
    if (!f)
      return lbctl_usage_error(self, "unknown flag '%.*s'", (int)len, a);
    if (!f->value) {
      if (eq)
        return lbctl_usage_error(self, "%s takes no value", f->name);
      *f->ret_on = true;
      continue;
    }
    const char *value;
    if (eq)
      value = eq + 1;
    else if (i + 1 < *argc)
      value = argv[++i];
    else
      return lbctl_usage_error(self, "%s needs %s", f->name, f->value);
    if (!f->ret_values) {
      *f->ret_value = value;
    } else if (*f->ret_n < f->max_values) {
      f->ret_values[(*f->ret_n)++] = value;
    } else {
      return lbctl_usage_error(self, "%s is given more than %d times", f->name, f->max_values);
    }
  }
  *argc = n;
  if (n - 1 < min)
    return lbctl_usage_error(self, "missing argument");
  if (max >= 0 && n - 1 > max)
    return lbctl_usage_error(self, "unexpected argument '%s'", argv[max + 1]);
  return LBCTL_OK;
}

int lbctl_positionals(const lbctl_verb *self, int *argc, char **argv, int min, int max) {
  return lbctl_args(self, argc, argv, NULL, min, max);
}

/* ---- finding a verb ----------------------------------------------------------- */

/* Does argv start with the words of name? */
static bool words_match(const char *name, int argc, char **argv) {
  size_t n = n_words(name);
  if ((size_t)argc < n)
    return false;
  const char *p = name;
  for (size_t i = 0; i < n; i++) {
    size_t len = strcspn(p, " ");
    if (strlen(argv[i]) != len || strncmp(argv[i], p, len) != 0)
      return false;
    p += len + (p[len] == ' ');
  }
  return true;
}

static const lbctl_verb *find_verb(int argc, char **argv) {
  if (argc > 0 && strcmp(argv[0], help_verb.name) == 0)
    return &help_verb;
  for (size_t t = 0; t < sizeof(verb_tables) / sizeof(verb_tables[0]); t++)
    for (const lbctl_verb *v = verb_tables[t]; v->name; v++)
      if (words_match(v->name, argc, argv))
        return v;
  return NULL;
}

/* When word is the first word of two-word verbs ("rest" of "rest start"),
 * name them on f (when not NULL), so `lumbarctl rest` says what it can do. */
static bool list_sub_verbs(FILE *f, const char *word) {
  size_t len = strlen(word), w = 0;
  for (size_t t = 0; t < sizeof(verb_tables) / sizeof(verb_tables[0]); t++)
    for (const lbctl_verb *v = verb_tables[t]; v->name; v++)
      if (strncmp(v->name, word, len) == 0 && v->name[len] == ' ' && usage_width(v) > w)
        w = usage_width(v);
  if (f && w)
    fprintf(f, "Sub-commands:\n");
  for (size_t t = 0; f && t < sizeof(verb_tables) / sizeof(verb_tables[0]); t++)
    for (const lbctl_verb *v = verb_tables[t]; v->name; v++)
      if (strncmp(v->name, word, len) == 0 && v->name[len] == ' ')
        fprintf(f, "  lumbarctl %s%s%-*s  %s\n", v->name, v->args ? " " : "",
                (int)(w - strlen(v->name) - (v->args ? 1 : 0)), v->args ? v->args : "", v->summary);
  return w > 0;
}

static int unknown_command(int argc, char **argv) {
  if (argc > 0 && list_sub_verbs(NULL, argv[0])) {
    if (argc > 1)
      fprintf(stderr, "lumbarctl %s: unknown sub-command '%s'\n", argv[0], argv[1]);
    else
      fprintf(stderr, "lumbarctl %s: needs a sub-command\n", argv[0]);
    list_sub_verbs(stderr, argv[0]);
    return LBCTL_USAGE;
  }
  return top_usage_error("unknown command '%s'", argc > 0 ? argv[0] : "");
}

static int help_run(lbctl *ctl, const lbctl_verb *self, int argc, char **argv) {
  (void)ctl;
  int r = lbctl_positionals(self, &argc, argv, 0, -1);
  if (r != LBCTL_OK)
    return r;
  if (argc == 1) {
    overview(stdout);
    return LBCTL_OK;
  }
  const lbctl_verb *v = find_verb(argc - 1, argv + 1);
  if (!v || n_words(v->name) != (size_t)(argc - 1)) {
    if (!v && list_sub_verbs(stdout, argv[1]))
      return LBCTL_OK;
    return lbctl_usage_error(self, "no command '%s'", argv[1]);
  }
  lbctl_verb_help(stdout, v);
  return LBCTL_OK;
}

/* ---- global flags ------------------------------------------------------------ */

typedef struct flags {
  bool help, version;
} flags;

/* One global flag at argv[*i]: 1 when taken (with its value), 0 when it is not
 * a global flag, -1 after a usage error. */
static int global_flag(lbctl *ctl, flags *fl, int argc, char **argv, int *i) {
  const char *a = argv[*i];
  if (strcmp(a, "--json") == 0 || strcmp(a, "-j") == 0) {
    ctl->json = true;
  } else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
    fl->help = true;
  } else if (strcmp(a, "--version") == 0 || strcmp(a, "-V") == 0) {
    fl->version = true;
  } else if (strcmp(a, "--socket") == 0 || strcmp(a, "-s") == 0) {
    if (*i + 1 >= argc) {
      top_usage_error("%s needs a PATH", a);
      return -1;
    }
    ctl->socket_flag = argv[++*i];
  } else if (strncmp(a, "--socket=", 9) == 0) {
    ctl->socket_flag = a + 9;
  } else {
    return 0;
  }
  if (ctl->socket_flag && !*ctl->socket_flag) {
    top_usage_error("%s", "--socket needs a PATH, not an empty string");
    return -1;
  }
  return 1;
}

int main(int argc, char **argv) {
  lbctl ctl = {0};
  flags fl = {0};

  /* Flags before the command. */
  int i = 1;
  for (; i < argc; i++) {
    const char *a = argv[i];
    if (strcmp(a, "--") == 0) {
      i++;
      break;
    }
    if (a[0] != '-' || !a[1])
      break;
    int r = global_flag(&ctl, &fl, argc, argv, &i);
    if (r < 0)
      return LBCTL_USAGE;
    if (r == 0)
      return top_usage_error("unknown flag '%s'", a);
  }
  int cmd = i;

  /* Global flags after the command, up to a "--", which the verb sees. */
  int n = cmd < argc ? 1 : 0;
  for (int j = cmd + 1; j < argc; j++) {
    if (strcmp(argv[j], "--") == 0) {
      while (j < argc)
        argv[cmd + n++] = argv[j++];
      break;
    }
    int r = global_flag(&ctl, &fl, argc, argv, &j);
    if (r < 0)
      return LBCTL_USAGE;
    if (r == 0)
      argv[cmd + n++] = argv[j];
  }
  char **args = argv + cmd;

  if (fl.help) {
    if (n == 0) {
      overview(stdout);
      return LBCTL_OK;
    }
    const lbctl_verb *v = find_verb(n, args);
    if (!v && n == 1 && list_sub_verbs(stdout, args[0]))
      return LBCTL_OK; /* lumbarctl rest --help */
    if (!v)
      return unknown_command(n, args);
    lbctl_verb_help(stdout, v);
    return LBCTL_OK;
  }
  if (fl.version) {
    printf("lumbarctl %s\n", LUMBARD_VERSION);
    return LBCTL_OK;
  }
  if (n == 0)
    return top_usage_error("%s", "missing command");

  const char *no_color = getenv("NO_COLOR");
  ctl.color = isatty(STDOUT_FILENO) && !(no_color && *no_color);
  if (ctl.socket_flag)
    snprintf(ctl.socket, sizeof(ctl.socket), "%s", ctl.socket_flag);
  else if (lb_socket_path_default(ctl.socket, sizeof(ctl.socket)) < 0)
    return top_usage_error("%s", "$LUMBARD_SOCKET or $XDG_RUNTIME_DIR is too long for a path");

  if (strcmp(args[0], "__complete") == 0) { /* for the shell completions only */
    int r = lbctl_complete(&ctl, n, args);
    lb_client_close(ctl.client);
    return r;
  }
  const lbctl_verb *v = find_verb(n, args);
  if (!v)
    return unknown_command(n, args);
  size_t words = n_words(v->name);
  int r = v->run(&ctl, v, n - (int)words + 1, args + words - 1);
  lb_client_close(ctl.client);
  if (fflush(stdout) != 0 && r == LBCTL_OK) {
    perror("lumbarctl: writing the output");
    return 1; /* none of the statuses of DESIGN §7 fits; any failure beats 0 */
  }
  return r;
}
