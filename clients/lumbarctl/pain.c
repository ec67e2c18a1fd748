/* The pain verbs (plugins/pain/README.md): log an entry in two seconds, read
 * the diary back (history, stats, export), and see it (chart, in
 * pain_chart.c; an HTML report, in pain_report.c). Red-flag advice from the
 * daemon is shown before anything else; lumbarctl never adds a reading of
 * its own. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <lumbard/rpc.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lumbarctl.h"

/* The colour of a level on a terminal: green, yellow, red. */
static const char *level_color(const lbctl *ctl, int64_t level) {
  if (!ctl->color)
    return "";
  return level >= 7 ? "\033[31m" : level >= 4 ? "\033[33m" : "\033[32m";
}

/* ---- pain log ---------------------------------------------------------------- */

enum { MAX_SYMPTOMS = 32 };

/* A level: a whole number from 0 to 10 ("6", or "6/10" as people write
 * it). name is what the person typed: LEVEL, or edit's --level. */
static int parse_level(const lbctl_verb *self, const char *name, const char *arg, int64_t *ret) {
  char digits[32];
  uint64_t u;
  snprintf(digits, sizeof(digits), "%s", arg);
  size_t n = strlen(digits);
  if (n > 3 && strcmp(digits + n - 3, "/10") == 0)
    digits[n - 3] = '\0';
  if (lbctl_parse_u64(digits, &u) && u <= 10) {
    *ret = (int64_t)u;
    return LBCTL_OK;
  }
  return lbctl_usage_error(self,
                           "%s is a whole number from 0 (no pain) to 10 (the worst "
                           "imaginable), not '%s'",
                           name, arg);
}

/* --where: a place as the wire has it or as lumbarctl shows it, into its
 * key. */
static int parse_place(const lbctl_verb *self, const char *flag, const char *arg, char *key,
                       size_t len) {
  if (lbctl_pain_place_key(arg, key, len))
    return LBCTL_OK;
  char places[512] = "";
  for (size_t i = 0; lbctl_pain_places[i]; i++)
    snprintf(places + strlen(places), sizeof(places) - strlen(places), "%s%s", i ? ", " : "",
             lbctl_pain_places[i]);
  return lbctl_usage_error(self,
                           "%s takes one of %s (or as 'pain history' shows them: \"lower back, "
                           "left\"), not '%s'",
                           flag, places, arg);
}

/* The symptom keys of every --symptom, split at commas as well
 * ("--symptom stiffness,spasm"). Returns how many. */
static int split_symptoms(const char *const *given, int n_given, char (*keys)[64], int max) {
  int n = 0;
  for (int i = 0; i < n_given; i++)
    for (const char *p = given[i]; *p;) {
      size_t len = strcspn(p, ",");
      if (len > 0 && n < max)
        snprintf(keys[n++], sizeof(keys[0]), "%.*s", (int)len, p);
      p += len + (p[len] == ',');
    }
  return n;
}

/* The red flags of an answer, as "URGENT: advice" lines: the daemon's
 * advice as it is (a list of {symptom, advice}, or of advice text). */
static int red_flag_lines(const msgpack_object *flags, char (*lines)[1024], int max) {
  uint32_t n = flags && flags->type == MSGPACK_OBJECT_ARRAY ? flags->via.array.size : 0;
  int out = 0;
  for (uint32_t i = 0; i < n && out < max; i++) {
    const msgpack_object *f = &flags->via.array.ptr[i];
    char advice[1000];
    if (f->type == MSGPACK_OBJECT_STR)
      lbctl_copy_text(advice, sizeof(advice), f);
    else
      lbctl_copy_text(advice, sizeof(advice), lbc_msg_map_str(f, "advice"));
    if (!advice[0])
      lbctl_copy_text(advice, sizeof(advice), lbc_msg_map_str(f, "symptom"));
    snprintf(lines[out++], sizeof(lines[0]), "URGENT: %s", advice);
  }
  return out;
}

/* The advice in a frame: a rule above and below, a bar down the left, each
 * advice wrapped to the terminal, bold red when colour is on. */
static void red_flag_box(FILE *f, const lbctl *ctl, char (*lines)[1024], int n, bool utf8) {
  int width = lbctl_term_columns();
  if (width > 80)
    width = 80;
  const char *mark = utf8 ? "\xe2\x9a\xa0  " : "!! ";
  const char *on = ctl->color ? "\033[1;31m" : "", *off = lbctl_term_reset(ctl);
  const char *rule = utf8 ? "\xe2\x94\x81" : "=", *bar = utf8 ? "\xe2\x94\x83 " : "| ";
  fputs(on, f);
  fputs(utf8 ? "\xe2\x94\x8f" : "+", f);
  for (int i = 1; i < width - 1; i++)
    fputs(rule, f);
  fprintf(f, "%s\n", off);
  int room = width - 2 - lbctl_text_width(mark);
  for (int i = 0; i < n; i++) {
    const char *p = lines[i];
    bool first = true;
    do {
      size_t cut = lbctl_wrap(p, room);
      fprintf(f, "%s%s%s%.*s%s\n", on, bar, first ? mark : "   ", (int)cut, p, off);
      p += cut;
      while (*p == ' ')
        p++;
      first = false;
    } while (*p);
  }
  fputs(on, f);
  fputs(utf8 ? "\xe2\x94\x97" : "+", f);
  for (int i = 1; i < width - 1; i++)
    fputs(rule, f);
  fprintf(f, "%s\n", off);
}

/* Red-flag advice comes before anything else. On a terminal it is framed
 * on stdout; otherwise it is the first lines of stdout, and goes to stderr
 * as well, so that it shows where a person sees it when stdout is read by
 * a program. With --json stdout is the answer, and the advice goes to
 * stderr. */
static void print_red_flags(const lbctl *ctl, char (*lines)[1024], int n) {
  if (n == 0)
    return;
  bool utf8 = lbctl_term_utf8();
  const char *mark = utf8 ? "\xe2\x9a\xa0  " : "!! ";
  if (!ctl->json && isatty(STDOUT_FILENO)) {
    red_flag_box(stdout, ctl, lines, n, utf8);
    fflush(stdout);
    return;
  }
  for (int i = 0; i < n; i++) {
    if (!ctl->json)
      printf("%s%s\n", mark, lines[i]);
    fprintf(stderr, "%s%s\n", mark, lines[i]);
  }
  fflush(stdout);
}

/* The flags pain log and pain edit share, as given (pointing into argv),
 * and what was read from them. */
typedef struct entry_args {
  const char *level_arg; /* pain log's LEVEL, pain edit's --level */
  const char *where, *trigger, *note, *at_arg;
  const char *given[MAX_SYMPTOMS];
  int n_given;
  int64_t level, at;
  char place[32]; /* where, as its key */
} entry_args;

/* Take the flags of pain log (with edit, --level as well) out of argv,
 * leaving the one positional argument (LEVEL, or edit's ID), and read the
 * level and --at. Returns the exit status. */
static int entry_args_read(const lbctl_verb *self, int *argc, char **argv, bool edit,
                           entry_args *e) {
  *e = (entry_args){0};
  const lbctl_flag flags[] = {
      {"--level", "a LEVEL, 0-10", &e->level_arg, .wire = "level"},
      {"--where", "a LOCATION", &e->where, .wire = "location"},
      {"-w", "a LOCATION", &e->where, .wire = "location"},
      {"--location", "a LOCATION", &e->where, .wire = "location"},
      {"--trigger", "a TRIGGER", &e->trigger, .wire = "trigger"},
      {"-t", "a TRIGGER", &e->trigger, .wire = "trigger"},
      {"--note", "a TEXT", &e->note, .wire = "note"},
      {"-m", "a TEXT", &e->note, .wire = "note"},
      {"--symptom", "a symptom KEY", NULL, NULL, e->given, MAX_SYMPTOMS, &e->n_given,
       .wire = "symptoms"},
      {"--at", "a TIME", &e->at_arg, .wire = "at"},
      {0},
  };
  int r = lbctl_args(self, argc, argv, edit ? flags : flags + 1, 1, 1);
  if (r != LBCTL_OK)
    return r;
  if (!edit) {
    e->level_arg = argv[1];
    lbctl_typed_note("level", "LEVEL");
  }
  if (e->level_arg && (r = parse_level(self, lbctl_typed(&e->level_arg, "LEVEL"), e->level_arg,
                                       &e->level)) != LBCTL_OK)
    return r;
  if (e->where && (r = parse_place(self, lbctl_typed(&e->where, "--where"), e->where, e->place,
                                   sizeof(e->place))) != LBCTL_OK)
    return r;
  return lbctl_clock_parse_arg(self, lbctl_typed(&e->at_arg, "--at"), e->at_arg, &e->at);
}

/* The options map of pain.log (without the level, its first param) and of
 * pain.amend (with it): what was given. An empty --symptom is an empty
 * list. */
static void entry_args_pack(msgpack_packer *pk, const entry_args *e, bool with_level) {
  char symptoms[MAX_SYMPTOMS][64];
  int n_symptoms = split_symptoms(e->given, e->n_given, symptoms, MAX_SYMPTOMS);
  bool level = with_level && e->level_arg;
  msgpack_pack_map(pk, level + (e->where != NULL) + (e->trigger != NULL) + (e->note != NULL) +
                           (e->n_given > 0) + (e->at_arg != NULL));
  if (level) {
    lb_rpc_pack_str(pk, "level");
    msgpack_pack_int64(pk, e->level);
  }
  const char *texts[][2] = {
      {"location", e->where ? e->place : NULL}, {"trigger", e->trigger}, {"note", e->note}};
  for (size_t i = 0; i < 3; i++)
    if (texts[i][1]) {
      lb_rpc_pack_str(pk, texts[i][0]);
      lb_rpc_pack_str(pk, texts[i][1]);
    }
  if (e->n_given > 0) {
    lb_rpc_pack_str(pk, "symptoms");
    msgpack_pack_array(pk, (uint32_t)n_symptoms);
    for (int i = 0; i < n_symptoms; i++)
      lb_rpc_pack_str(pk, symptoms[i]);
  }
  if (e->at_arg) {
    lb_rpc_pack_str(pk, "at");
    msgpack_pack_int64(pk, e->at);
  }
}

/* "6/10 (lower back, left; deadlift) at 21:04." after lead, and a newline:
 * an entry as a sentence. location and trigger as given or as the diary
 * keeps them; NULL or "" for none. */
static void print_entry(const lbctl *ctl, const char *lead, int64_t level, const char *location,
                        const char *trigger, int64_t at) {
  char place[128] = "", what[256] = "", when[64], clean[96];
  if (location && *location) {
    lbctl_clean_text(clean, sizeof(clean), location, strlen(location));
    lbctl_pain_place(clean, place, sizeof(place));
  }
  if (trigger && *trigger) {
    lbctl_clean_text(clean, sizeof(clean), trigger, strlen(trigger));
    for (char *p = clean; *p; p++) /* as the diary keeps it */
      *p = (char)tolower((unsigned char)*p);
    snprintf(what, sizeof(what), " (%s%s%s)", place, place[0] ? "; " : "", clean);
  } else if (place[0]) {
    snprintf(what, sizeof(what), " (%s)", place);
  }
  lbctl_clock_short(at, false, when, sizeof(when));
  printf("%s%s%" PRId64 "/10%s%s at %s.\n", lead, level_color(ctl, level), level,
         lbctl_term_reset(ctl), what, when);
}

static int log_run(lbctl *ctl, const lbctl_verb *self, int argc, char **argv) {
  entry_args e;
  int r = entry_args_read(self, &argc, argv, false, &e);
  if (r != LBCTL_OK)
    return r;
  lbctl_request q;
  msgpack_packer *pk = lbctl_request_start(&q, 2);
  msgpack_pack_int64(pk, e.level);
  entry_args_pack(pk, &e, false);
  const msgpack_object *result;
  r = lbctl_request_send(ctl, &q, "pain.log", &result);
  if (r != LBCTL_OK)
    return r;
  char lines[16][1024];
  print_red_flags(ctl, lines, red_flag_lines(lbc_msg_map_get(result, "red_flags"), lines, 16));
  if (ctl->json)
    return lbctl_print_json_result(result);
  /* "Logged 6/10 (lower back, left; deadlift) at 21:04." */
  print_entry(ctl, "Logged ", e.level, e.place, e.trigger, lbc_msg_map_int0(result, "at"));
  return LBCTL_OK;
}

/* ---- pain edit, pain rm ------------------------------------------------------------------ */

static const char *json_text(const json_t *o, const char *key) {
  const char *s = json_string_value(json_object_get(o, key));
  return s ? s : "";
}

/* The red flags an amendment raised: pain.amend's answer has no advice,
 * but the daemon emits red_flag, with its advice, before it answers; the
 * events of this connection's subscription wait in the client's queue. */
static int amend_red_flags(lbctl *ctl, uint64_t id, char (*lines)[1024], int max) {
  int n = 0;
  while (lbc_client_n_queued(ctl->client) > 0) {
    const char *name;
    const msgpack_object *params;
    if (lbc_client_next_event(ctl->client, 0, NULL, &name, &params) < 0)
      break;
    const msgpack_object *f =
        params && params->type == MSGPACK_OBJECT_ARRAY && params->via.array.size > 0
            ? &params->via.array.ptr[0]
            : NULL;
    if (!f || strcmp(name, "pain.red_flag") != 0 || lbc_msg_map_int0(f, "id") != (int64_t)id ||
        n >= max)
      continue;
    char advice[1000];
    lbctl_copy_text(advice, sizeof(advice), lbc_msg_map_str(f, "advice"));
    if (!advice[0]) /* never without advice: urgent care, in any case */
      snprintf(advice, sizeof(advice), "%s", lbctl_pain_urgent_care);
    snprintf(lines[n++], sizeof(lines[0]), "URGENT: %s", advice);
  }
  return n;
}

/* An entry's ID: a usage error says where the ids are shown. */
static int parse_entry_id(const lbctl_verb *self, const char *arg, uint64_t *ret) {
  lbctl_typed_note("id", "ID");
  if (lbctl_parse_u64(arg, ret))
    return LBCTL_OK;
  return lbctl_usage_error(self,
                           "ID is a diary entry's number, as 'lumbarctl pain history' "
                           "shows, not '%s'",
                           arg);
}

static int edit_run(lbctl *ctl, const lbctl_verb *self, int argc, char **argv) {
  entry_args e;
  uint64_t id;
  int r = entry_args_read(self, &argc, argv, true, &e);
  if (r == LBCTL_OK)
    r = parse_entry_id(self, argv[1], &id);
  if (r != LBCTL_OK)
    return r;
  if (!e.level_arg && !e.where && !e.trigger && !e.note && !e.n_given && !e.at_arg)
    return lbctl_usage_error(self, "nothing to change: give --level, --where, --trigger, --note, "
                                   "--symptom or --at");
  /* Hear the red flags the change raises, with the daemon's advice. */
  static const char *const patterns[] = {"pain.red_flag"};
  if ((r = lbctl_connect(ctl)) != LBCTL_OK)
    return r;
  if ((r = lbc_client_subscribe(ctl->client, patterns, 1, NULL)) < 0)
    return lbctl_status(ctl, "daemon.subscribe", r);
  lbctl_request q;
  msgpack_packer *pk = lbctl_request_start(&q, 2);
  msgpack_pack_uint64(pk, id);
  entry_args_pack(pk, &e, true);
  const msgpack_object *result;
  r = lbctl_request_send(ctl, &q, "pain.amend", &result);
  if (r != LBCTL_OK)
    return r;
  /* The answer is copied: reading the events is a call into the client. */
  json_t *entry = lbctl_json_from_msgpack(result);
  if (!entry) {
    fprintf(stderr, "lumbarctl: pain edit: out of memory\n");
    return 1;
  }
  char lines[16][1024];
  print_red_flags(ctl, lines, amend_red_flags(ctl, id, lines, 16));
  if (ctl->json) {
    r = lbctl_json_print_json(stdout, entry, true) < 0 ? 1 : LBCTL_OK;
    json_decref(entry);
    return r;
  }
  char lead[64], text[4096];
  snprintf(lead, sizeof(lead), "Changed entry %" PRIu64 ": ", id);
  print_entry(ctl, lead, json_integer_value(json_object_get(entry, "level")),
              json_text(entry, "location"), json_text(entry, "trigger"),
              json_integer_value(json_object_get(entry, "at")));
  /* The rest of what the entry now holds. */
  const json_t *symptoms = json_object_get(entry, "symptoms");
  size_t i, off = 0;
  const json_t *key;
  json_array_foreach(symptoms, i, key) {
    if (json_string_value(key) && off < sizeof(text))
      off += (size_t)snprintf(text + off, sizeof(text) - off, "%s%s", off ? ", " : "",
                              json_string_value(key));
  }
  if (off) {
    char clean[4096];
    lbctl_clean_text(clean, sizeof(clean), text, strlen(text));
    printf("  symptoms: %s\n", clean);
  }
  const char *note = json_text(entry, "note");
  if (*note) {
    lbctl_clean_text(text, sizeof(text), note, strlen(note));
    printf("  note: %s\n", text);
  }
  json_decref(entry);
  return LBCTL_OK;
}

static int rm_run(lbctl *ctl, const lbctl_verb *self, int argc, char **argv) {
  uint64_t id;
  int r = lbctl_args_positionals(self, &argc, argv, 1, 1);
  if (r == LBCTL_OK)
    r = parse_entry_id(self, argv[1], &id);
  if (r != LBCTL_OK)
    return r;
  lbctl_request q;
  msgpack_pack_uint64(lbctl_request_start(&q, 1), id);
  const msgpack_object *result;
  r = lbctl_request_send(ctl, &q, "pain.remove", &result);
  if (r != LBCTL_OK || ctl->json)
    return r != LBCTL_OK ? r : lbctl_print_json_result(result);
  printf("Removed entry %" PRIu64 ".\n", id);
  return LBCTL_OK;
}

/* ---- pain history -------------------------------------------------------------------- */

enum { H_ID, H_WHEN, H_LEVEL, H_WHERE, H_TRIGGER, H_SYMPTOMS, N_HCELLS };

/* "6 ███▌ ": the level and a bar of 5 cells, a full block for 2 points. */
static void level_cell(int64_t level, bool utf8, char *buf, size_t len) {
  snprintf(buf, len, "%2" PRId64 " ", level);
  for (int64_t i = 0; i < 5; i++) {
    int64_t left = level - 2 * i;
    const char *c = left >= 2   ? (utf8 ? "\xe2\x96\x88" : "#")
                    : left == 1 ? (utf8 ? "\xe2\x96\x8c" : ":")
                                : " ";
    snprintf(buf + strlen(buf), len - strlen(buf), "%s", c);
  }
}

typedef struct hrow {
  int64_t level;
  char cell[N_HCELLS][256];
  char note[4096];
} hrow;

static int history_run(lbctl *ctl, const lbctl_verb *self, int argc, char **argv) {
  const char *since_arg = NULL, *until_arg = NULL, *limit_arg = NULL;
  const lbctl_flag flags[] = {{"--since", "a TIME", &since_arg, .wire = "since"},
                              {"--until", "a TIME", &until_arg, .wire = "until"},
                              {"-n", "a COUNT", &limit_arg, .wire = "limit"},
                              {"--limit", "a COUNT", &limit_arg, .wire = "limit"},
                              {0}};
  int64_t since, until;
  uint64_t limit = 0;
  int r = lbctl_args(self, &argc, argv, flags, 0, 0);
  if (r == LBCTL_OK)
    r = lbctl_clock_parse_arg(self, "--since", since_arg, &since);
  if (r == LBCTL_OK)
    r = lbctl_clock_parse_arg(self, "--until", until_arg, &until);
  if (r == LBCTL_OK && limit_arg && (!lbctl_parse_u64(limit_arg, &limit) || limit == 0))
    r = lbctl_usage_error(self, "%s takes a whole number of entries, 1 or more, not '%s'",
                          lbctl_typed(&limit_arg, "-n"), limit_arg);
  if (r != LBCTL_OK)
    return r;
  const msgpack_object *list;
  r = lbctl_pain_history_call(ctl, since, until, limit, &list);
  if (r != LBCTL_OK || ctl->json)
    return r != LBCTL_OK ? r : lbctl_print_json_result(list);
  if (list->type != MSGPACK_OBJECT_ARRAY) {
    lbctl_print_value(stdout, list); /* a newer daemon's answer, as it is */
    return LBCTL_OK;
  }
  lbctl_pain_entry *e;
  size_t n;
  if (lbctl_pain_entries_read(list, &e, &n) < 0) {
    fprintf(stderr, "lumbarctl: pain history: out of memory\n");
    return 1;
  }
  if (n == 0) {
    printf(since_arg || until_arg ? "No entries in that time.\n"
                                  : "No entries yet: 'lumbarctl pain log LEVEL' adds one.\n");
    lbctl_pain_entries_free(e, n);
    return LBCTL_OK;
  }
  hrow *rows = calloc(n, sizeof(*rows));
  if (!rows) {
    lbctl_pain_entries_free(e, n);
    fprintf(stderr, "lumbarctl: pain history: out of memory\n");
    return 1;
  }
  static const char *const head[] = {"ID", "WHEN", "LEVEL", "WHERE", "TRIGGER", "SYMPTOMS", "NOTE"};
  int w[N_HCELLS];
  bool utf8 = lbctl_term_utf8();
  lbctl_table_start(w, head, N_HCELLS);
  for (size_t i = 0; i < n; i++) {
    hrow *rw = &rows[i];
    char clean[256];
    rw->level = e[i].level;
    snprintf(rw->cell[H_ID], sizeof(rw->cell[H_ID]), "%" PRId64, e[i].id);
    lbctl_clock_short(e[i].at, false, rw->cell[H_WHEN], sizeof(rw->cell[H_WHEN]));
    level_cell(e[i].level, utf8, rw->cell[H_LEVEL], sizeof(rw->cell[H_LEVEL]));
    lbctl_clean_text(clean, sizeof(clean), e[i].location, strlen(e[i].location));
    lbctl_pain_place(clean, rw->cell[H_WHERE], sizeof(rw->cell[H_WHERE]));
    lbctl_clean_text(rw->cell[H_TRIGGER], sizeof(rw->cell[H_TRIGGER]), e[i].trigger,
                     strlen(e[i].trigger));
    lbctl_clean_text(rw->cell[H_SYMPTOMS], sizeof(rw->cell[H_SYMPTOMS]), e[i].symptoms,
                     strlen(e[i].symptoms));
    lbctl_clean_text(rw->note, sizeof(rw->note), e[i].note, strlen(e[i].note));
    for (int c = H_WHERE; c < N_HCELLS; c++)
      if (!rw->cell[c][0])
        snprintf(rw->cell[c], sizeof(rw->cell[c]), "-");
    lbctl_table_fit(w, N_HCELLS, rw->cell[0], sizeof(rw->cell[0]));
  }
  /* On a terminal the table fits its width: the note takes what the other
   * columns leave, at least 10, the symptoms, trigger and place giving up
   * columns first; `--json` and a pipe have it all. */
  if (isatty(STDOUT_FILENO)) {
    static const lbctl_squeeze give[] = {{H_SYMPTOMS, 8}, {H_TRIGGER, 8}, {H_WHERE, 8}};
    int room = lbctl_table_squeeze(w, N_HCELLS, lbctl_term_columns(), give, 3, 10);
    for (size_t i = 0; i < n; i++) {
      for (int c = H_WHERE; c < N_HCELLS; c++)
        lbctl_text_cut(rows[i].cell[c], sizeof(rows[i].cell[c]), w[c], utf8);
      lbctl_text_cut(rows[i].note, sizeof(rows[i].note), room, utf8);
    }
  }
  lbctl_table_head(ctl, head, N_HCELLS, w);
  for (size_t i = 0; i < n; i++) {
    lbctl_row row = {0};
    for (int c = 0; c < N_HCELLS; c++) {
      bool lvl = c == H_LEVEL;
      lbctl_row_cell(&row, lvl ? level_color(ctl, rows[i].level) : "", rows[i].cell[c], w[c],
                     lvl ? lbctl_term_reset(ctl) : "");
    }
    lbctl_row_end(&row, rows[i].note);
  }
  free(rows);
  lbctl_pain_entries_free(e, n);
  return LBCTL_OK;
}

/* ---- pain stats ------------------------------------------------------------------------- */

static void heading(const lbctl *ctl, const char *text) {
  printf("\n%s%s%s\n", lbctl_term_bold(ctl), text, lbctl_term_reset(ctl));
}

static void print_episode(const lbctl_pain_episode *ep) {
  char from[64], to[64], len[32], avg[32];
  lbctl_clock_day_format(lbctl_clock_day(ep->start), "%a %Y-%m-%d", from, sizeof(from));
  lbctl_clock_day_format(lbctl_clock_day(ep->end), "%a %Y-%m-%d", to, sizeof(to));
  lbctl_pain_days_text(ep->days, len, sizeof(len));
  lbctl_pain_average(ep->average, avg, sizeof(avg));
  if (ep->current)
    printf("  now:  since %s, %s so far; worst %" PRId64 ", average %s\n", from, len, ep->worst,
           avg);
  else
    printf("  past: %s to %s, %s; worst %" PRId64 ", average %s\n", from, to, len, ep->worst, avg);
}

/* by_trigger and by_location: "  deadlift           4 entries, average 6.5". */
static void print_groups(const msgpack_object *list, bool places) {
  uint32_t n = list && list->type == MSGPACK_OBJECT_ARRAY ? list->via.array.size : 0;
  char name[128], shown[160], summary[160];
  int width = 0;
  for (int pass = 0; pass < 2; pass++)
    for (uint32_t i = 0; i < n; i++) {
      const msgpack_object *g = &list->via.array.ptr[i];
      lbctl_copy_text(name, sizeof(name), lbc_msg_map_str(g, "name"));
      if (places)
        lbctl_pain_place(name, shown, sizeof(shown));
      else
        snprintf(shown, sizeof(shown), "%s", name);
      if (!shown[0])
        snprintf(shown, sizeof(shown), places ? "(no place given)" : "(no trigger given)");
      if (pass == 0) {
        if (lbctl_text_width(shown) > width)
          width = lbctl_text_width(shown);
        continue;
      }
      lbctl_pain_summary(g, summary, sizeof(summary));
      char *worst = strstr(summary, ", worst"); /* the groups have none */
      if (worst && !lbc_msg_map_get(g, "worst"))
        *worst = '\0';
      printf("  %s%*s  %s\n", shown, width - lbctl_text_width(shown), "", summary);
    }
  if (n == 0)
    printf("  none in these days\n");
}

/* Text wrapped to 80 columns, each line indented. */
static void print_wrapped(const char *text, int indent) {
  printf("%*s", indent, "");
  lbctl_put_wrapped(stdout, text, indent, indent, 80);
}

/* The sessions the warm-up comparison looked at, one a line, in columns
 * that fit 80: "Mon 2026-11-16 18:02  3 sets  warm-up preset    pain 2.0
 * (1 entry)". Returns 0 or -ENOMEM. */
static int print_sessions(const msgpack_object *warmup, const char *days) {
  lbctl_pain_session *ss;
  size_t n;
  if (lbctl_pain_sessions_read(warmup, &ss, &n) < 0)
    return -ENOMEM;
  if (n == 0) {
    printf("\n  No training sessions in the last %s days.\n", days);
    print_wrapped(lbctl_pain_session_rule, 2);
    free(ss);
    return 0;
  }
  int w[3] = {0};
  char cells[4][64];
  for (size_t i = 0; i < n; i++) {
    lbctl_pain_session_texts(&ss[i], cells);
    for (int c = 0; c < 3; c++)
      if (lbctl_text_width(cells[c]) > w[c])
        w[c] = lbctl_text_width(cells[c]);
  }
  printf("\n  The sessions of the last %s days, oldest first:\n", days);
  for (size_t i = 0; i < n; i++) {
    lbctl_pain_session_texts(&ss[i], cells);
    printf("    %s%*s  %*s  %s%*s  %s\n", cells[0], w[0] - lbctl_text_width(cells[0]), "", w[1],
           cells[1], cells[2], w[2] - lbctl_text_width(cells[2]), "", cells[3]);
  }
  free(ss);
  return 0;
}

static int stats_run(lbctl *ctl, const lbctl_verb *self, int argc, char **argv) {
  lbctl_opt opts[] = {{"days", LBCTL_OPT_COUNT, NULL}};
  const lbctl_flag flags[] = {{"--days", "a number of DAYS", &opts[0].value, NULL}, {0}};
  int r = lbctl_args(self, &argc, argv, flags, 0, 0);
  if (r == LBCTL_OK)
    r = lbctl_check_options(self, opts, 1);
  if (r != LBCTL_OK)
    return r;
  lbctl_request q;
  lbctl_pack_options(lbctl_request_start(&q, 1), opts, 1);
  const msgpack_object *st;
  r = lbctl_request_send(ctl, &q, "pain.stats", &st);
  if (r != LBCTL_OK || ctl->json)
    return r != LBCTL_OK ? r : lbctl_print_json_result(st);
  if (st->type != MSGPACK_OBJECT_MAP) {
    lbctl_print_value(stdout, st);
    return LBCTL_OK;
  }
  bool utf8 = lbctl_term_utf8();
  char days[32], text[1024];
  snprintf(days, sizeof(days), "%s", opts[0].value ? opts[0].value : "30");
  lbctl_pain_summary(st, text, sizeof(text));
  printf("%sYour entries of the last %s days:%s %s\n", lbctl_term_bold(ctl), days,
         lbctl_term_reset(ctl), text);
  lbctl_pain_summary(lbc_msg_map_get(st, "week"), text, sizeof(text));
  printf("  this week (the last 7 days):   %s\n", text);
  lbctl_pain_summary(lbc_msg_map_get(st, "month"), text, sizeof(text));
  printf("  this month (the last 30 days): %s\n", text);

  heading(ctl, "Trend");
  lbctl_pain_trend(lbc_msg_map_get(st, "trend"), text, sizeof(text));
  printf("  %s\n", text);

  heading(ctl, "Episodes (flare-ups)");
  lbctl_pain_episode *eps;
  size_t n_eps;
  if (lbctl_pain_episodes_read(st, &eps, &n_eps) < 0) {
    fprintf(stderr, "lumbarctl: pain stats: out of memory\n");
    return 1;
  }
  /* The one under way first, then the past ones, newest first. */
  for (size_t i = n_eps; i-- > 0;)
    if (eps[i].current)
      print_episode(&eps[i]);
  for (size_t i = n_eps; i-- > 0;)
    if (!eps[i].current)
      print_episode(&eps[i]);
  if (n_eps == 0)
    printf("  none in your entries\n");
  free(eps);
  printf("  (%s)\n", lbctl_pain_episode_rule);

  snprintf(text, sizeof(text), "By trigger (the last %s days)", days);
  heading(ctl, text);
  print_groups(lbc_msg_map_get(st, "by_trigger"), false);
  snprintf(text, sizeof(text), "By place (the last %s days)", days);
  heading(ctl, text);
  print_groups(lbc_msg_map_get(st, "by_location"), true);

  heading(ctl, "Warm-up before training");
  const msgpack_object *warmup = lbc_msg_map_get(st, "warmup");
  lbctl_pain_warmup(warmup, utf8, text, sizeof(text));
  snprintf(text + strlen(text), sizeof(text) - strlen(text), ".");
  print_wrapped(text, 2);
  printf("  (pain after a session: the average of the entries in the 48 hours after it)\n");
  if (print_sessions(warmup, days) < 0) {
    fprintf(stderr, "lumbarctl: pain stats: out of memory\n");
    return 1;
  }

  printf("\n%s%s%s\n", lbctl_term_dim(ctl), lbctl_pain_disclaimer, lbctl_term_reset(ctl));
  return LBCTL_OK;
}

/* ---- pain export ---------------------------------------------------------------------- */

/* The export's text: byte for byte, but on a terminal with control
 * characters shown as "?", as anything from lumbard is there. */
static void export_put(FILE *f, const msgpack_object *text) {
  if (text->type == MSGPACK_OBJECT_STR && !isatty(fileno(f)))
    fwrite(text->via.str.ptr, 1, text->via.str.size, f);
  else
    lbctl_print_value(f, text);
}

/* The same to a descriptor other than stdout. Returns 0 or -errno. */
static int export_put_fd(int fd, const msgpack_object *text) {
  int copy = dup(fd);
  FILE *f = copy < 0 ? NULL : fdopen(copy, "w");
  if (!f) {
    int r = -errno;
    if (copy >= 0)
      close(copy);
    return r;
  }
  export_put(f, text);
  int r = ferror(f) ? -EIO : 0;
  if (fclose(f) != 0 && r == 0)
    r = -errno;
  return r;
}

static int export_run(lbctl *ctl, const lbctl_verb *self, int argc, char **argv) {
  const char *format = NULL, *out = NULL, *since_arg = NULL, *until_arg = NULL;
  const lbctl_flag flags[] = {{"--format", "csv or json", &format, .wire = "format"},
                              {"-o", "a FILE", &out, .wire = "path"},
                              {"--output", "a FILE", &out, .wire = "path"},
                              {"--since", "a TIME", &since_arg, .wire = "since"},
                              {"--until", "a TIME", &until_arg, .wire = "until"},
                              {0}};
  int64_t since, until;
  int r = lbctl_args(self, &argc, argv, flags, 0, 0);
  if (r == LBCTL_OK)
    r = lbctl_clock_parse_arg(self, "--since", since_arg, &since);
  if (r == LBCTL_OK)
    r = lbctl_clock_parse_arg(self, "--until", until_arg, &until);
  if (r != LBCTL_OK)
    return r;
  lbctl_output o;
  if ((r = lbctl_output_open(self, out, &o)) != LBCTL_OK)
    return r;
  bool to_file = o.fd < 0;

  lbctl_request q;
  msgpack_packer *pk = lbctl_request_start(&q, to_file ? 2 : 1);
  if (to_file)
    lb_rpc_pack_str(pk, o.path);
  msgpack_pack_map(pk, (format != NULL) + (since_arg != NULL) + (until_arg != NULL));
  if (format) {
    lb_rpc_pack_str(pk, "format");
    lb_rpc_pack_str(pk, format);
  }
  if (since_arg) {
    lb_rpc_pack_str(pk, "since");
    msgpack_pack_int64(pk, since);
  }
  if (until_arg) {
    lb_rpc_pack_str(pk, "until");
    msgpack_pack_int64(pk, until);
  }
  const msgpack_object *result;
  r = lbctl_request_send(ctl, &q, to_file ? "pain.export_file" : "pain.export", &result);
  if (r != LBCTL_OK || to_file || o.fd == STDOUT_FILENO) {
    lbctl_output_close(&o); /* a FIFO's reader sees its end */
    if (r != LBCTL_OK || ctl->json)
      return r != LBCTL_OK ? r : lbctl_print_json_result(result);
    if (to_file) {
      int64_t rows = lbc_msg_map_int0(result, "rows");
      printf("Wrote %" PRId64 " entr%s to %s\n", rows, rows == 1 ? "y" : "ies", out);
    } else {
      export_put(stdout, result); /* main() says when stdout cannot be written */
    }
    return LBCTL_OK;
  }
  /* A stream lumbarctl writes itself: nothing else is said, but with --json
   * (the data went elsewhere; stdout is free for the answer). */
  r = export_put_fd(o.fd, result);
  int closed = lbctl_output_close(&o);
  if (r == 0)
    r = closed;
  if (r < 0) {
    fprintf(stderr, "lumbarctl: pain export: cannot write %s: %s\n", out, strerror(-r));
    return 1;
  }
  if (!ctl->json)
    return LBCTL_OK;
  size_t bytes = result->type == MSGPACK_OBJECT_STR ? result->via.str.size : 0;
  json_t *j = json_pack("{s:s, s:I}", "path", o.path, "bytes", (json_int_t)bytes);
  r = lbctl_json_print_json(stdout, j, true);
  json_decref(j);
  return r < 0 ? 1 : LBCTL_OK;
}

/* ---- the table ------------------------------------------------------------------------- */

#define TIME_HELP                                                                                  \
  "TIME is a local time (\"2026-11-19 21:00\", 21:00 today, \"yesterday 21:00\",\n"                \
  "today, yesterday), how long ago (\"2h ago\", \"1h 30min ago\", \"3d ago\"), now,\n"             \
  "or unix seconds (1792281600 or @1792281600).\n"

const lbctl_verb lbctl_pain_verbs[] = {
    {
        .name = "pain log",
        .args = "LEVEL [OPTION]...",
        .summary = "log how the back is, 0-10",
        .help = "LEVEL is the Numeric Rating Scale: 0 no pain, 10 the worst imaginable (6 or\n"
                "6/10). Prints what was logged: \"Logged 6/10 (lower back, left; deadlift) at\n"
                "21:04.\" The entry is on disk when lumbarctl says so.\n"
                "\n"
                "  -w, --where LOCATION  lower-back, lower-back-left, lower-back-right,\n"
                "                        glute-left, glute-right, hip-left, hip-right,\n"
                "                        leg-left, leg-right, or as 'pain history' shows\n"
                "                        them (\"lower back, left\"), in any case\n"
                "                        (--location too)\n"
                "  -t, --trigger T       what set it off, free text: deadlift, bending,\n"
                "                        lifting, cleaning, sitting, skipped-warm-up, stress,\n"
                "                        sleep, travel\n"
                "  -m, --note TEXT       anything else, up to 1,000 characters\n"
                "  --symptom KEY         again for each (or KEY,KEY): stiffness, spasm,\n"
                "                        radiating, tingling; and the red flags\n"
                "                        saddle-numbness, bladder-bowel, leg-weakness, fever,\n"
                "                        weight-loss, night-pain, trauma\n"
                "  --at TIME             an earlier moment (default: now)\n"
                "\n" TIME_HELP "\n"
                "A red-flag symptom brings lumbard's advice to seek urgent medical care. It\n"
                "is printed first, before the logged line: framed (bold red where colour is\n"
                "on) on a terminal; otherwise as the first lines of the output, each marked\n"
                "with a warning sign and 'URGENT:', and on stderr as well. With --json the\n"
                "advice goes to stderr and the answer (id, at, red_flags) to stdout.\n"
                "\n"
                "Examples:\n"
                "  lumbarctl pain log 6 --where lower-back-left --trigger deadlift \\\n"
                "      --note \"no belt\"\n"
                "  lumbarctl pain log 3 -w glute-right -t sitting --at \"yesterday 21:00\"\n"
                "  lumbarctl pain log 4 --symptom stiffness --at \"2h ago\"\n",
        .run = log_run,
    },
    {
        .name = "pain edit",
        .args = "ID [OPTION]...",
        .summary = "correct an entry of the diary",
        .help = "ID is the entry's number, as 'lumbarctl pain history' shows it. Changes what\n"
                "is given and keeps the rest; prints the entry as it now is: \"Changed entry\n"
                "12: 3/10 (lower back, left) at Mon 21:04.\" The change is on disk when\n"
                "lumbarctl says so, and the stats follow it at once.\n"
                "\n"
                "  --level N             the level, 0-10 (3 or 3/10)\n"
                "  -w, --where LOCATION  as for 'pain log'; --where \"\" clears it\n"
                "  -t, --trigger T       as for 'pain log'; --trigger \"\" clears it\n"
                "  -m, --note TEXT       as for 'pain log'; --note \"\" clears it\n"
                "  --symptom KEY         the symptoms, all of them: the list given replaces\n"
                "                        the entry's (again for each, or KEY,KEY);\n"
                "                        --symptom \"\" clears them\n"
                "  --at TIME             when it was\n"
                "\n" TIME_HELP "\n"
                "A red-flag symptom the change adds brings lumbard's advice to seek urgent\n"
                "medical care, printed first, as 'pain log' prints it.\n"
                "\n"
                "Examples:\n"
                "  lumbarctl pain edit 12 --level 3\n"
                "  lumbarctl pain edit 12 --where lower-back-left --at \"yesterday 21:00\"\n"
                "  lumbarctl pain edit 12 --symptom stiffness --symptom spasm\n"
                "\n"
                "With --json: the entry as it now is (id, at, level, location, trigger, note,\n"
                "symptoms); the advice of a red flag goes to stderr.\n",
        .run = edit_run,
    },
    {
        .name = "pain rm",
        .args = "ID",
        .summary = "remove an entry from the diary",
        .help = "ID is the entry's number, as 'lumbarctl pain history' shows it. The entry is\n"
                "gone from the diary, its stats and its exports when lumbarctl says so.\n"
                "\n"
                "With --json: {id}.\n",
        .run = rm_run,
    },
    {
        .name = "pain history",
        .args = "[--since TIME] [--until TIME] [-n N]",
        .summary = "the entries of the diary, newest first",
        .help = "A table: the entry's ID (for 'pain edit' and 'pain rm'), when (local time),\n"
                "the level with a small bar, where, the trigger, the symptoms and the note.\n"
                "On a terminal long notes are cut to its width.\n"
                "\n"
                "  --since TIME   entries from TIME on\n"
                "  --until TIME   entries before TIME\n"
                "  -n, --limit N  at most N entries, the newest (default 100, at most\n"
                "                 10,000)\n"
                "\n" TIME_HELP "\n"
                "With --json: the entries as pain.history answers them (id, at, level,\n"
                "location, trigger, note, symptoms; at in unix seconds).\n",
        .run = history_run,
    },
    {
        .name = "pain stats",
        .args = "[--days N]",
        .summary = "averages, trend, flare-ups, triggers and the warm-up",
        .help = "What your entries show: the average and worst of this week and this month,\n"
                "the trend (the last 7 days against the 7 before, with its rule), each\n"
                "flare-up with its length, pain by trigger and by place, and the pain after\n"
                "training sessions warmed up against those without a warm-up, with the\n"
                "sessions it compared: when, how many sets, the warm-up (the warm-up preset\n"
                "or the warm-up reminder done in the 3 hours before), the pain in the 48\n"
                "hours after. A session is the sets lumbard timed ('rest preset abduction',\n"
                "'rest start --sets 3 --set 1'). Each figure describes your own entries;\n"
                "none is a diagnosis.\n"
                "\n"
                "  --days N   the days the overall figures, triggers and places cover\n"
                "             (default 30)\n"
                "\n"
                "With --json: the answer of pain.stats as it is.\n",
        .run = stats_run,
    },
    {
        .name = "pain export",
        .args = "[--format csv|json] [-o FILE] [--since TIME] [--until TIME]",
        .summary = "the diary as CSV or JSON",
        .help = "Without -o, or with -o - or -o /dev/stdout, the export is printed (at most\n"
                "1 MiB). With -o FILE, a new file or a regular one to replace, lumbard\n"
                "writes it whole, of any size, and lumbarctl says how many entries it holds;\n"
                "a relative FILE is taken from the current directory. A FILE that exists and\n"
                "is not a regular file (a FIFO, a terminal, /dev/null), /dev/stderr and\n"
                "/dev/fd/N (the descriptor itself) lumbarctl writes itself, as it prints: at\n"
                "most 1 MiB (past that lumbard says so and lumbarctl exits 1), and nothing\n"
                "else is said, as with cat.\n"
                "\n"
                "  --format F     csv: a header row, then id,at,level,location,trigger,note,\n"
                "                 symptoms; at in ISO 8601, the local time of lumbard's\n"
                "                 time zone with its offset from UTC\n"
                "                 (2026-11-19T21:04:00+01:00). json: an array of entries;\n"
                "                 at in unix seconds. csv when left out\n"
                "  -o, --output FILE\n"
                "  --since TIME, --until TIME   only the entries of that time\n"
                "\n" TIME_HELP "\n"
                "With --json: the answer as JSON: the export as one JSON string, or with\n"
                "-o {path, rows, bytes}; with -o to a FIFO, a device or /dev/fd/N the export\n"
                "goes there and the answer is {path, bytes}.\n"
                "\n"
                "Examples:\n"
                "  lumbarctl pain export --format csv -o back.csv --since \"2026-01-01\"\n"
                "  lumbarctl pain export -o >(gzip >back.csv.gz)     # bash: /dev/fd/63\n",
        .run = export_run,
    },
    {
        .name = "pain chart",
        .args = "[--days N]",
        .summary = "the last days at a glance, in the terminal",
        .help = "One column per day, the day's worst level on a 0-10 scale, from the\n"
                "entries of pain.history; a dot marks a day without an entry. A line of\n"
                "\xe2\x94\x81 under the days marks a flare-up (an episode of pain.stats). Dates\n"
                "label the days; a legend says what is what. Block characters in a UTF-8\n"
                "locale, plain ASCII otherwise; colour on a terminal unless NO_COLOR is set.\n"
                "30 days fit 80 columns; more than fit the terminal are cut to the last\n"
                "ones that do.\n"
                "\n"
                "  --days N   how many days up to today (default 30, at most 3660)\n"
                "\n"
                "With --json: the days, oldest first ({date, start, worst, entries, episode};\n"
                "worst null without an entry), and the episodes.\n",
        .run = lbctl_pain_chart_run,
    },
    {
        .name = "pain report",
        .args = "-o FILE.html [--days N] [--oldest-first]",
        .summary = "an HTML page of the diary to show a therapist",
        .help = "One self-contained page (no external files, works offline, prints well):\n"
                "first, framed, the entries with a red-flag symptom, each with the advice to\n"
                "seek urgent medical care; then the dates it covers, a chart of each day's\n"
                "worst level with the flare-ups shaded, the flare-ups with their lengths, the\n"
                "figures of 'pain stats' with the training sessions of the warm-up\n"
                "comparison, and every entry with its note, symptoms in words.\n"
                "\n"
                "  -o, --output FILE   where to write it (needed): a file ending in .html or\n"
                "                      .htm (another extension, such as back.pdf, is\n"
                "                      refused), written whole or not at all; -o - or\n"
                "                      -o /dev/stdout prints the page; a FIFO, a device,\n"
                "                      /dev/stderr or /dev/fd/N gets it as a stream, as\n"
                "                      'pain export -o' writes one\n"
                "  --days N            how many days up to today (default 30, at most 3660)\n"
                "  --oldest-first      list the entries oldest first (default: newest first)\n"
                "\n"
                "With --json: {path, days, entries, logged_days, bytes}.\n"
                "\n"
                "Example:\n"
                "  lumbarctl pain report -o back.html --days 90\n",
        .run = lbctl_pain_report_run,
    },
    {0},
};
