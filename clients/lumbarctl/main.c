/* lumbarctl: the command-line client of lumbard. Global flags, help, and the
 * dispatch over the verb tables; the verbs live one table per file. */
#include <ctype.h>
#include <lumbard/rpc.h>
#include <lumbard/version.h>
#include <stdint.h>
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
    lbctl_train_verbs,
    lbctl_pain_verbs,
    /* pain checkin, in checkin.c beside pain.c */
    lbctl_checkin_verbs,
};

static int help_run(lbctl *ctl, const lbctl_verb *self, int argc, char **argv);

static const lbctl_verb help_verb = {
    .name = "help",
    .args = "[COMMAND]",
    .summary = "show this help, or the help of one command",
    .run = help_run,
};

static size_t n_words(const char *s) {
  size_t n = 1;
  for (; *s; s++)
    n += *s == ' ';
  return n;
}

/* ---- help, in 80 columns -------------------------------------------------------- */

/* Every line of help fits LBCTL_HELP_COLUMNS. A table of commands has its
 * summaries in a column as far in as its widest usage of at most USAGE_AT
 * columns (the column is then 37 in, and 43 wide: most summaries fit on
 * their line); a longer usage puts its summary on the next line, and a
 * long summary wraps within the column. */
enum { USAGE_AT = 33 };

static size_t usage_width(const char *prefix, const lbctl_verb *v) {
  return strlen(prefix) + strlen(v->name) + (v->args ? 1 + strlen(v->args) : 0);
}

/* The width of a table's usages: w, or v's usage when it is wider and at
 * most USAGE_AT wide. */
static size_t usage_column(size_t w, const char *prefix, const lbctl_verb *v) {
  size_t u = usage_width(prefix, v);
  return u > w && u <= USAGE_AT ? u : w;
}

/* "  PREFIX VERB ARGS   summary": the summary at column w + 4, on the next
 * line when the usage is longer, wrapped within its column. */
static void table_line(FILE *f, const char *prefix, const lbctl_verb *v, size_t w) {
  fputs("  ", f);
  int at = lbctl_usage_put(f, 2, prefix, v);
  int col = (int)w + 4;
  if (at + 2 <= col && usage_width(prefix, v) <= w)
    fprintf(f, "%*s", col - at, "");
  else
    fprintf(f, "\n%*s", col, "");
  lbctl_put_wrapped(f, v->summary, col, col, LBCTL_HELP_COLUMNS);
}

static void overview(FILE *f) {
  fprintf(f, "Usage: lumbarctl [--socket PATH] [--json] COMMAND [ARG]...\n"
             "Talk to lumbard, the lower-back-care daemon: warm-up reminders, rest timers\n"
             "between sets, a training log and a pain diary.\n\nCommands:\n");
  size_t w = usage_width("", &help_verb);
  for (size_t t = 0; t < sizeof(verb_tables) / sizeof(verb_tables[0]); t++)
    for (const lbctl_verb *v = verb_tables[t]; v->name; v++)
      w = usage_column(w, "", v);
  for (size_t t = 0; t < sizeof(verb_tables) / sizeof(verb_tables[0]); t++)
    for (const lbctl_verb *v = verb_tables[t]; v->name; v++)
      table_line(f, "", v, w);
  table_line(f, "", &help_verb, w);
  lbctl_usage_put_options(f);
}

static int top_usage_error(const char *fmt, const char *what) {
  fprintf(stderr, "lumbarctl: ");
  fprintf(stderr, fmt, what);
  fprintf(stderr, "\nUsage: lumbarctl [--socket PATH] [--json] COMMAND [ARG]...\n");
  lbctl_usage_try_help(NULL);
  return LBCTL_USAGE;
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
  bool any = false;
  for (size_t t = 0; t < sizeof(verb_tables) / sizeof(verb_tables[0]); t++)
    for (const lbctl_verb *v = verb_tables[t]; v->name; v++)
      if (strncmp(v->name, word, len) == 0 && v->name[len] == ' ') {
        w = usage_column(w, "lumbarctl ", v);
        any = true;
      }
  if (f && any)
    fprintf(f, "Sub-commands:\n");
  for (size_t t = 0; f && t < sizeof(verb_tables) / sizeof(verb_tables[0]); t++)
    for (const lbctl_verb *v = verb_tables[t]; v->name; v++)
      if (strncmp(v->name, word, len) == 0 && v->name[len] == ' ')
        table_line(f, "lumbarctl ", v, w);
  return any;
}

/* ---- did you mean ------------------------------------------------------------------ */

typedef struct word {
  const char *p;
  size_t len;
} word;

/* The optimal string alignment distance: insertions, deletions,
 * substitutions and swaps of two neighbours ("lgo" for "log") one edit
 * each. Words longer than the table are far from everything. */
static size_t edit_distance(const char *a, size_t la, const char *b, size_t lb) {
  enum { MAX = 32 };
  if (la >= MAX || lb >= MAX)
    return SIZE_MAX;
  size_t d[MAX][MAX];
  for (size_t i = 0; i <= la; i++)
    d[i][0] = i;
  for (size_t j = 0; j <= lb; j++)
    d[0][j] = j;
  for (size_t i = 1; i <= la; i++)
    for (size_t j = 1; j <= lb; j++) {
      size_t cost = tolower((unsigned char)a[i - 1]) != tolower((unsigned char)b[j - 1]);
      size_t best = d[i - 1][j - 1] + cost;
      if (d[i - 1][j] + 1 < best)
        best = d[i - 1][j] + 1;
      if (d[i][j - 1] + 1 < best)
        best = d[i][j - 1] + 1;
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
          d[i - 2][j - 2] + 1 < best)
        best = d[i - 2][j - 2] + 1;
      d[i][j] = best;
    }
  return d[la][lb];
}

/* The words a command may have where typed stands: the first words of the
 * verbs (and help) when first is NULL, else the second words of first's. */
static size_t command_words(const word *first, word *ret, size_t max) {
  size_t n = 0;
  if (!first && n < max)
    ret[n++] = (word){help_verb.name, strlen(help_verb.name)};
  for (size_t t = 0; t < sizeof(verb_tables) / sizeof(verb_tables[0]); t++)
    for (const lbctl_verb *v = verb_tables[t]; v->name; v++) {
      size_t len = strcspn(v->name, " ");
      word w = {v->name, len};
      if (first) {
        if (len != first->len || strncmp(v->name, first->p, len) != 0 || !v->name[len])
          continue;
        w = (word){v->name + len + 1, strcspn(v->name + len + 1, " ")};
      }
      bool seen = false;
      for (size_t i = 0; i < n; i++)
        seen |= ret[i].len == w.len && strncmp(ret[i].p, w.p, w.len) == 0;
      if (!seen && n < max)
        ret[n++] = w;
    }
  return n;
}

/* The words where typed stands that are closest to it, within a slip: one
 * edit in a word of up to 4 letters, two in a longer one. Ties are all
 * returned, up to max. Returns how many. */
static size_t closest_words(const word *first, const char *typed, word *ret, size_t max) {
  word all[64];
  size_t n = command_words(first, all, 64), found = 0, limit = strlen(typed) <= 4 ? 1 : 2;
  size_t best = limit + 1;
  for (size_t i = 0; i < n; i++) {
    size_t d = edit_distance(typed, strlen(typed), all[i].p, all[i].len);
    if (d > limit || d > best)
      continue;
    if (d < best)
      found = 0;
    best = d;
    if (found < max)
      ret[found++] = all[i];
  }
  return found;
}

/* "; did you mean 'pain log'?" (or "'rest start' or 'rest list'") for the
 * words typed, argv[at] being the one no command has, into buf; "" when no
 * command is that close. */
static void did_you_mean(int argc, char **argv, int at, char *buf, size_t len) {
  enum { MAX = 3 };
  word firsts[MAX];
  char said[MAX][80];
  size_t n_first = 1, n = 0;
  firsts[0] = (word){argv[0], strlen(argv[0])};
  if (at == 0)
    n_first = closest_words(NULL, argv[0], firsts, MAX);
  for (size_t i = 0; i < n_first; i++) {
    /* The second word: as typed when the first has it, else the closest. */
    word all[64], subs[MAX];
    size_t n_sub = 0, n_all = argc > 1 ? command_words(&firsts[i], all, 64) : 0;
    for (size_t j = 0; j < n_all && !n_sub; j++)
      if (all[j].len == strlen(argv[1]) && strncmp(all[j].p, argv[1], all[j].len) == 0)
        subs[n_sub++] = all[j];
    if (n_all && !n_sub)
      n_sub = closest_words(&firsts[i], argv[1], subs, MAX);
    if (at == 1 && !n_sub)
      break;
    for (size_t j = 0; j < (n_sub ? n_sub : 1) && n < MAX; j++)
      snprintf(said[n++], sizeof(said[0]), "'%.*s%s%.*s'", (int)firsts[i].len, firsts[i].p,
               n_sub ? " " : "", n_sub ? (int)subs[j].len : 0, n_sub ? subs[j].p : "");
  }
  buf[0] = '\0';
  for (size_t i = 0; i < n; i++) {
    size_t off = strlen(buf);
    snprintf(buf + off, len - off, "%s%s",
             i == 0      ? "; did you mean "
             : i + 1 < n ? ", "
                         : " or ",
             said[i]);
  }
  if (n)
    snprintf(buf + strlen(buf), len - strlen(buf), "?");
}

static int unknown_command(int argc, char **argv) {
  char hint[256];
  if (argc > 0 && list_sub_verbs(NULL, argv[0])) {
    if (argc > 1) {
      did_you_mean(argc, argv, 1, hint, sizeof(hint));
      fprintf(stderr, "lumbarctl %s: unknown sub-command '%s'%s\n", argv[0], argv[1], hint);
    } else {
      fprintf(stderr, "lumbarctl %s: needs a sub-command\n", argv[0]);
    }
    list_sub_verbs(stderr, argv[0]);
    return LBCTL_USAGE;
  }
  if (argc == 0)
    return top_usage_error("%s", "missing command");
  did_you_mean(argc, argv, 0, hint, sizeof(hint));
  fprintf(stderr, "lumbarctl: unknown command '%s'%s\n", argv[0], hint);
  fprintf(stderr, "Usage: lumbarctl [--socket PATH] [--json] COMMAND [ARG]...\n");
  lbctl_usage_try_help(NULL);
  return LBCTL_USAGE;
}

static int help_run(lbctl *ctl, const lbctl_verb *self, int argc, char **argv) {
  (void)ctl;
  int r = lbctl_args_positionals(self, &argc, argv, 0, -1);
  if (r != LBCTL_OK)
    return r;
  if (argc == 1) {
    overview(stdout);
    return LBCTL_OK;
  }
  const lbctl_verb *v = find_verb(argc - 1, argv + 1);
  if (v && n_words(v->name) == (size_t)(argc - 1)) {
    lbctl_usage_help(stdout, v);
    return LBCTL_OK;
  }
  if (!v && argc == 2 && list_sub_verbs(stdout, argv[1]))
    return LBCTL_OK; /* lumbarctl help rest */
  char hint[256];
  /* The first word that no command has: the second when the first is one. */
  bool first_known = list_sub_verbs(NULL, argv[1]) || (v && argc > 2);
  did_you_mean(argc - 1, argv + 1, first_known ? 1 : 0, hint, sizeof(hint));
  return lbctl_usage_error(self, "no command '%s%s%s'%s", argv[1], argc > 2 ? " " : "",
                           argc > 2 ? argv[2] : "", hint);
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
    lbctl_usage_help(stdout, v);
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
    lbc_client_close(ctl.client);
    return r;
  }
  const lbctl_verb *v = find_verb(n, args);
  if (!v)
    return unknown_command(n, args);
  size_t words = n_words(v->name);
  ctl.verb = v;
  int r = v->run(&ctl, v, n - (int)words + 1, args + words - 1);
  lbc_client_close(ctl.client);
  if (fflush(stdout) != 0 && r == LBCTL_OK) {
    perror("lumbarctl: writing the output");
    return 1; /* none of the statuses of DESIGN §7 fits; any failure beats 0 */
  }
  return r;
}
