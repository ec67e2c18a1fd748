/* The train verbs (plugins/train/README.md): `set` logs a set, and the
 * exercise's rest starts in lumbard at once (--wait follows it with the
 * countdown); `train history`, `sessions` and `exercises` read the log back,
 * `train amend` and `train rm` correct it. */
#include <ctype.h>
#include <inttypes.h>
#include <lumbard/rpc.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lumbarctl.h"

/* ---- what the person typed ------------------------------------------------------------ */

/* An exercise's name as lumbard keeps it: lower-case letters, digits, -
 * and _ ("Abduction" is abduction). name is what the person typed
 * (EXERCISE, --exercise). */
static int parse_exercise(const lbctl_verb *self, const char *name, const char *arg, char *buf,
                          size_t len) {
  size_t n = strlen(arg);
  bool ok = n > 0 && n < len && n < 64;
  for (size_t i = 0; ok && i < n; i++) {
    char c = (char)tolower((unsigned char)arg[i]);
    ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    buf[i] = c;
  }
  if (ok) {
    buf[n] = '\0';
    return LBCTL_OK;
  }
  return lbctl_usage_error(self,
                           "%s \"%s\" is not an exercise's name: lower-case letters, digits, - "
                           "and _ (abduction, split-squat); 'lumbarctl train exercises' lists "
                           "them",
                           name, arg);
}

/* A set's ID: a usage error says where the ids are shown. */
static int parse_set_id(const lbctl_verb *self, const char *arg, uint64_t *ret) {
  lbctl_typed_note("id", "ID");
  if (lbctl_parse_u64(arg, ret))
    return LBCTL_OK;
  return lbctl_usage_error(
      self, "ID is a set's number, as 'lumbarctl train history' shows, not \"%s\"", arg);
}

/* --rir: reps in reserve, a number ("2", "1.5"); with clear, "" is none
 * (-1). Its range is the daemon's to check. */
static int parse_rir(const lbctl_verb *self, const char *flag, const char *arg, bool clear,
                     double *ret) {
  lbctl_train_numbers n = {0};
  if (clear && !arg[0]) {
    *ret = -1;
    return LBCTL_OK;
  }
  if (lbctl_train_parse_weight(arg, &n) && !n.unit[0]) {
    *ret = n.weight;
    return LBCTL_OK;
  }
  return lbctl_usage_error(self, "%s \"%s\" is not a number: the reps in reserve, 0 to 10%s", flag,
                           arg, clear ? " (\"\" for none)" : "");
}

/* --unit: kg or lb. */
static int parse_unit_flag(const lbctl_verb *self, const char *flag, const char *arg,
                           char unit[3]) {
  if (lbctl_train_parse_unit(arg, unit))
    return LBCTL_OK;
  return lbctl_usage_error(self, "%s takes kg or lb, not \"%s\"", flag, arg);
}

/* A WEIGHT (the positional, or --weight): a usage error when it does not
 * read. */
static int parse_weight(const lbctl_verb *self, const char *name, const char *arg,
                        lbctl_train_numbers *n) {
  if (lbctl_train_parse_weight(arg, n))
    return LBCTL_OK;
  return lbctl_usage_error(self,
                           "%s \"%s\" is not a weight: a number, with kg or lb after it or not "
                           "(40, 40kg, 90lb, 92.5)",
                           name, arg);
}

/* A number of a map, integer or float; def when absent. */
static double map_number(const msgpack_object *m, const char *key, double def) {
  const msgpack_object *v = lbc_msg_map_get(m, key);
  if (!v)
    return def;
  if (v->type == MSGPACK_OBJECT_FLOAT32 || v->type == MSGPACK_OBJECT_FLOAT64)
    return v->via.f64;
  if (v->type == MSGPACK_OBJECT_POSITIVE_INTEGER)
    return (double)v->via.u64;
  if (v->type == MSGPACK_OBJECT_NEGATIVE_INTEGER)
    return (double)v->via.i64;
  return def;
}

/* ---- set ------------------------------------------------------------------------------- */

/* What train.exercises says of one exercise. */
typedef struct exercise_info {
  bool known;      /* in the config, or logged before */
  char names[256]; /* the exercises of the config, for a note: "abduction, calf-raise" */
} exercise_info;

static int ask_exercise(lbctl *ctl, const char *name, exercise_info *ret) {
  *ret = (exercise_info){0};
  const msgpack_object *list;
  int r = lbctl_call(ctl, "train.exercises", NULL, &list);
  for (uint32_t i = 0;
       r == LBCTL_OK && list->type == MSGPACK_OBJECT_ARRAY && i < list->via.array.size; i++) {
    const msgpack_object *x = &list->via.array.ptr[i];
    char n[64];
    lbctl_copy_text(n, sizeof(n), lbc_msg_map_str(x, "name"));
    if (strcmp(n, name) == 0)
      ret->known = true;
    size_t off = strlen(ret->names);
    if (lbc_msg_map_true(x, "configured") && off < sizeof(ret->names))
      snprintf(ret->names + off, sizeof(ret->names) - off, "%s%s", off ? ", " : "", n);
  }
  return r;
}

/* The numbers of the last set of exercise, for what was not typed.
 * Returns the exit status; *ret_found false when it has none. */
static int last_numbers(lbctl *ctl, const char *exercise, lbctl_train_numbers *ret,
                        bool *ret_found) {
  lbctl_request q;
  msgpack_packer *pk = lbctl_request_start(&q, 1);
  msgpack_pack_map(pk, 2);
  lb_rpc_pack_str(pk, "exercise");
  lb_rpc_pack_str(pk, exercise);
  lb_rpc_pack_str(pk, "limit");
  msgpack_pack_uint64(pk, 1);
  const msgpack_object *list;
  int r = lbctl_request_send(ctl, &q, "train.history", &list);
  *ret_found = r == LBCTL_OK && list->type == MSGPACK_OBJECT_ARRAY && list->via.array.size > 0;
  if (!*ret_found)
    return r;
  const msgpack_object *last = &list->via.array.ptr[0];
  /* in kg, as stored: nothing lost to the config's unit */
  double kg = map_number(last, "weight_kg", 0);
  *ret = (lbctl_train_numbers){.reps = (uint64_t)lbc_msg_map_int0(last, "reps"),
                               .has_weight = kg > 0,
                               .weight = kg,
                               .unit = "kg"};
  return LBCTL_OK;
}

/* The options of set as typed. */
typedef struct set_args {
  const char *rir_arg, *note, *unit_arg, *at_arg;
  bool no_rest, wait;
  char exercise[64];
  bool has_reps; /* REPS typed; else the last set's */
  lbctl_train_numbers n;
  double rir;
  int64_t at;
} set_args;

/* EXERCISE [REPS [WEIGHT [UNIT]]] and the flags, read and checked. */
static int set_args_read(const lbctl_verb *self, int argc, char **argv, set_args *a) {
  *a = (set_args){.rir = -1};
  const lbctl_flag flags[] = {{"--rir", "a NUMBER of reps in reserve", &a->rir_arg, .wire = "rir"},
                              {"--note", "a TEXT", &a->note, .wire = "note"},
                              {"--unit", "kg or lb", &a->unit_arg, .wire = "unit"},
                              {"--at", "a TIME", &a->at_arg, .wire = "at"},
                              {"--no-rest", NULL, NULL, &a->no_rest},
                              {"--wait", NULL, NULL, &a->wait},
                              {0}};
  int r = lbctl_args(self, &argc, argv, flags, 1, 4);
  if (r != LBCTL_OK)
    return r;
  lbctl_typed_note("reps", "REPS");
  lbctl_typed_note("weight", "WEIGHT");
  if ((r = parse_exercise(self, "EXERCISE", argv[1], a->exercise, sizeof(a->exercise))) != LBCTL_OK)
    return r;
  if (argc > 2 && !(a->has_reps = lbctl_train_parse_reps(argv[2], &a->n.reps)))
    return lbctl_usage_error(self, "REPS \"%s\" is not a number: the repetitions done, 0 to 1000",
                             argv[2]);
  if (argc > 3) { /* "40kg", "40", or "40 kg" in two words */
    char weight[64];
    snprintf(weight, sizeof(weight), "%s%s%s", argv[3], argc > 4 ? " " : "",
             argc > 4 ? argv[4] : "");
    if ((r = parse_weight(self, "WEIGHT", weight, &a->n)) != LBCTL_OK)
      return r;
  }
  char unit[3] = "";
  const char *unit_flag = lbctl_typed(&a->unit_arg, "--unit");
  if (a->unit_arg && (r = parse_unit_flag(self, unit_flag, a->unit_arg, unit)) != LBCTL_OK)
    return r;
  if (a->unit_arg && argc <= 3)
    return lbctl_usage_error(self, "%s goes with a WEIGHT typed without its unit (40 %s %s)",
                             unit_flag, unit_flag, a->unit_arg);
  if (unit[0] && !a->n.unit[0]) /* a suffix wins */
    memcpy(a->n.unit, unit, sizeof(unit));
  if (a->rir_arg && (r = parse_rir(self, lbctl_typed(&a->rir_arg, "--rir"), a->rir_arg, false,
                                   &a->rir)) != LBCTL_OK)
    return r;
  if ((r = lbctl_clock_parse_arg(self, lbctl_typed(&a->at_arg, "--at"), a->at_arg, &a->at)) !=
      LBCTL_OK)
    return r;
  /* A set done before: its rest is over, and the rest under way is not
   * its. */
  if (a->at_arg)
    a->no_rest = true;
  if (a->wait && a->no_rest)
    return lbctl_usage_error(self, "--wait follows the rest the set starts; %s starts none",
                             a->at_arg ? lbctl_typed(&a->at_arg, "--at") : "--no-rest");
  return LBCTL_OK;
}

static int log_call(lbctl *ctl, const set_args *a, const msgpack_object **ret) {
  const lbctl_train_numbers *n = &a->n;
  bool weight = n->has_weight, unit = weight && n->unit[0];
  lbctl_request q;
  msgpack_packer *pk = lbctl_request_start(&q, 3);
  lb_rpc_pack_str(pk, a->exercise);
  msgpack_pack_uint64(pk, n->reps);
  msgpack_pack_map(pk, weight + unit + (a->rir_arg != NULL) + (a->note != NULL) +
                           (a->at_arg != NULL) + a->no_rest);
  if (weight) {
    lb_rpc_pack_str(pk, "weight");
    msgpack_pack_double(pk, n->weight);
  }
  if (unit) {
    lb_rpc_pack_str(pk, "unit");
    lb_rpc_pack_str(pk, n->unit);
  }
  if (a->rir_arg) {
    lb_rpc_pack_str(pk, "rir");
    msgpack_pack_double(pk, a->rir);
  }
  if (a->note) {
    lb_rpc_pack_str(pk, "note");
    lb_rpc_pack_str(pk, a->note);
  }
  if (a->at_arg) {
    lb_rpc_pack_str(pk, "at");
    msgpack_pack_int64(pk, a->at);
  }
  if (a->no_rest) {
    lb_rpc_pack_str(pk, "rest");
    msgpack_pack_false(pk);
  }
  return lbctl_request_send(ctl, &q, "train.log", ret);
}

/* The rest a set started: its view, read into v. Returns the exit status;
 * *ret_found false when it is not under way (any more). */
static int rest_of_set(lbctl *ctl, uint64_t rest_id, lbctl_rest_view *v, bool *ret_found) {
  const msgpack_object *item;
  int r = lbctl_rest_view_get(ctl, rest_id, &item);
  *ret_found = r == LBCTL_OK && item;
  if (*ret_found)
    lbctl_rest_view_read(v, item);
  return r;
}

static int set_run(lbctl *ctl, const lbctl_verb *self, int argc, char **argv) {
  set_args a;
  int r = set_args_read(self, argc, argv, &a);
  if (r != LBCTL_OK)
    return r;
  exercise_info info;
  if ((r = ask_exercise(ctl, a.exercise, &info)) != LBCTL_OK)
    return r;
  /* What was not typed is as in the last set: all of it, or the weight. */
  if (!a.has_reps || !a.n.has_weight) {
    lbctl_train_numbers last;
    bool found;
    if ((r = last_numbers(ctl, a.exercise, &last, &found)) != LBCTL_OK)
      return r;
    if (!found && !a.has_reps)
      return lbctl_usage_error(self,
                               "no set of %s is logged yet to repeat: give its numbers, as in "
                               "'lumbarctl set %s 25 40kg' (REPS, then WEIGHT if any)",
                               a.exercise, a.exercise);
    if (found && !a.has_reps)
      a.n = last;
    else if (found)
      a.n = (lbctl_train_numbers){
          .reps = a.n.reps, .has_weight = last.has_weight, .weight = last.weight, .unit = "kg"};
  }
  /* Subscribed before the set is logged: the rest's events that come
   * before the answer are the countdown's. */
  sigset_t wait_mask;
  if (a.wait && (r = lbctl_countdown_prepare(ctl, &wait_mask)) != LBCTL_OK)
    return r;
  const msgpack_object *set;
  if ((r = log_call(ctl, &a, &set)) != LBCTL_OK)
    return r;
  if (ctl->json && !a.wait)
    return lbctl_print_json_result(set);
  if (ctl->json && lbctl_json_print(stdout, set, false) < 0)
    return 1;
  /* The answer lives until the next call. */
  char numbers[128];
  lbctl_train_numbers_text(set, numbers, sizeof(numbers));
  int64_t number = lbc_msg_map_int0(set, "set"), session = lbc_msg_map_int0(set, "session");
  uint64_t rest_id = (uint64_t)lbc_msg_map_int0(set, "rest_id");
  lbctl_rest_view v;
  bool running = false;
  if (rest_id && (r = rest_of_set(ctl, rest_id, &v, &running)) != LBCTL_OK)
    return r;

  /* "Set 2 of abduction: 25 reps at 40 kg (session 12). Rest 1min 30s,
   * ends at 17:42:10" */
  if (!ctl->json) {
    char line[1024], rest[256] = "", dur[64], end[32];
    if (running) {
      lbctl_rest_view_duration(v.seconds, dur, sizeof(dur));
      lbctl_clock_short(v.ends_at_ms / 1000, true, end, sizeof(end));
      snprintf(rest, sizeof(rest), " Rest %s, ends at %s", dur, end);
    } else if (rest_id) {
      snprintf(rest, sizeof(rest), " Rest %" PRIu64 " is over already.", rest_id);
    } else if (!a.no_rest) {
      snprintf(rest, sizeof(rest), " No rest started: lumbard's log says why.");
    }
    snprintf(line, sizeof(line), "Set %" PRId64 " of %s: %s (session %" PRId64 ").%s", number,
             a.exercise, numbers, session, rest);
    lbctl_put_line(line);
    if (!info.known)
      fprintf(stderr,
              "lumbarctl set: %s is a new exercise: no set of it was logged before, and the "
              "config names %s\n",
              a.exercise, info.names[0] ? info.names : "none");
  }
  if (!a.wait)
    return LBCTL_OK;
  if (!running) {
    fprintf(stderr, "lumbarctl set: --wait: no rest is under way to follow\n");
    return LBCTL_DAEMON_SAID_NO;
  }
  r = lbctl_countdown_run_rest(ctl, &v, &wait_mask);
  if (r != LBCTL_OK || ctl->json || lbctl_stop_requested())
    return r;
  char next[32] = "the next set";
  if (number < v.sets) /* the programme's sets */
    snprintf(next, sizeof(next), "set %" PRId64, number + 1);
  printf("Next: 'lumbarctl set %s' when %s is done: the same numbers, or give its own.\n",
         a.exercise, next);
  return LBCTL_OK;
}

/* ---- train history ----------------------------------------------------------------------- */

enum { H_ID, H_WHEN, H_EXERCISE, H_SET, H_REPS, H_WEIGHT, H_RIR, N_HCELLS };

static int history_run(lbctl *ctl, const lbctl_verb *self, int argc, char **argv) {
  const char *since_arg = NULL, *until_arg = NULL, *limit_arg = NULL;
  const lbctl_flag flags[] = {{"--since", "a TIME", &since_arg, .wire = "since"},
                              {"--until", "a TIME", &until_arg, .wire = "until"},
                              {"-n", "a COUNT", &limit_arg, .wire = "limit"},
                              {"--limit", "a COUNT", &limit_arg, .wire = "limit"},
                              {0}};
  int64_t since, until;
  uint64_t limit = 0;
  char exercise[64] = "";
  int r = lbctl_args(self, &argc, argv, flags, 0, 1);
  if (r == LBCTL_OK && argc > 1)
    r = parse_exercise(self, "EXERCISE", argv[1], exercise, sizeof(exercise));
  if (r == LBCTL_OK)
    r = lbctl_clock_parse_arg(self, lbctl_typed(&since_arg, "--since"), since_arg, &since);
  if (r == LBCTL_OK)
    r = lbctl_clock_parse_arg(self, lbctl_typed(&until_arg, "--until"), until_arg, &until);
  if (r == LBCTL_OK && limit_arg && (!lbctl_parse_u64(limit_arg, &limit) || limit == 0))
    r = lbctl_usage_error(self, "%s takes a whole number of sets, 1 or more, not \"%s\"",
                          lbctl_typed(&limit_arg, "-n"), limit_arg);
  if (r != LBCTL_OK)
    return r;
  lbctl_request q;
  msgpack_packer *pk = lbctl_request_start(&q, 1);
  msgpack_pack_map(pk, (exercise[0] != 0) + (since_arg != NULL) + (until_arg != NULL) +
                           (limit_arg != NULL));
  if (exercise[0]) {
    lb_rpc_pack_str(pk, "exercise");
    lb_rpc_pack_str(pk, exercise);
  }
  if (since_arg) {
    lb_rpc_pack_str(pk, "since");
    msgpack_pack_int64(pk, since);
  }
  if (until_arg) {
    lb_rpc_pack_str(pk, "until");
    msgpack_pack_int64(pk, until);
  }
  if (limit_arg) {
    lb_rpc_pack_str(pk, "limit");
    msgpack_pack_uint64(pk, limit);
  }
  const msgpack_object *list;
  r = lbctl_request_send(ctl, &q, "train.history", &list);
  if (r != LBCTL_OK || ctl->json)
    return r != LBCTL_OK ? r : lbctl_print_json_result(list);
  if (list->type != MSGPACK_OBJECT_ARRAY) {
    lbctl_print_value(stdout, list); /* a newer daemon's answer, as it is */
    return LBCTL_OK;
  }
  uint32_t n = list->via.array.size;
  if (n == 0) {
    if (since_arg || until_arg)
      printf("No sets%s%s in that time.\n", exercise[0] ? " of " : "", exercise);
    else if (exercise[0])
      printf("No sets of %s yet: 'lumbarctl set %s REPS [WEIGHT]' logs one.\n", exercise, exercise);
    else
      printf("No sets yet: 'lumbarctl set EXERCISE REPS [WEIGHT]' logs one.\n");
    return LBCTL_OK;
  }
  static const char *const head[] = {"ID",   "WHEN",   "EXERCISE", "SET",
                                     "REPS", "WEIGHT", "RIR",      "NOTE"};
  int w[N_HCELLS];
  lbctl_table_start(w, head, N_HCELLS);
  lbctl_rows rows = {0};
  for (uint32_t i = 0; i < n && r == LBCTL_OK; i++) {
    const msgpack_object *s = &list->via.array.ptr[i];
    char cell[N_HCELLS][80], unit[8], note[4096];
    double weight = map_number(s, "weight", 0), rir = map_number(s, "rir", -1);
    snprintf(cell[H_ID], sizeof(cell[0]), "%" PRId64, lbc_msg_map_int0(s, "id"));
    lbctl_clock_short(lbc_msg_map_int0(s, "at"), false, cell[H_WHEN], sizeof(cell[0]));
    lbctl_copy_text(cell[H_EXERCISE], sizeof(cell[0]), lbc_msg_map_str(s, "exercise"));
    snprintf(cell[H_SET], sizeof(cell[0]), "%" PRId64, lbc_msg_map_int0(s, "set"));
    snprintf(cell[H_REPS], sizeof(cell[0]), "%" PRId64, lbc_msg_map_int0(s, "reps"));
    lbctl_copy_text(unit, sizeof(unit), lbc_msg_map_str(s, "unit"));
    snprintf(cell[H_WEIGHT], sizeof(cell[0]), "-");
    if (weight > 0) {
      lbctl_train_weight_text(weight, cell[H_WEIGHT], sizeof(cell[0]));
      snprintf(cell[H_WEIGHT] + strlen(cell[H_WEIGHT]), sizeof(cell[0]) - strlen(cell[H_WEIGHT]),
               " %s", unit);
    }
    snprintf(cell[H_RIR], sizeof(cell[0]), "-");
    if (rir >= 0)
      lbctl_train_weight_text(rir, cell[H_RIR], sizeof(cell[0]));
    lbctl_copy_text(note, sizeof(note), lbc_msg_map_str(s, "note"));
    lbctl_table_fit(w, N_HCELLS, cell[0], sizeof(cell[0]));
    if (lbctl_rows_add(&rows, cell[0], sizeof(cell[0]), N_HCELLS, note) < 0) {
      fprintf(stderr, "lumbarctl train history: out of memory\n");
      r = 1;
    }
  }
  if (r == LBCTL_OK) {
    /* On a terminal the note ends within its width ("…"); --json and a
     * pipe have it whole. */
    bool fit = isatty(STDOUT_FILENO), utf8 = fit && lbctl_term_utf8();
    static const lbctl_squeeze give[] = {{H_EXERCISE, 10}};
    int room = fit ? lbctl_table_squeeze(w, N_HCELLS, lbctl_term_columns(), give, 1, 10) : 0;
    lbctl_table_head(ctl, head, N_HCELLS, w);
    for (size_t i = 0; i < rows.n; i++) {
      lbctl_row row = {0};
      for (int c = 0; c < N_HCELLS; c++) {
        char cell[80];
        snprintf(cell, sizeof(cell), "%s", lbctl_rows_cell(&rows, i, c));
        if (fit)
          lbctl_text_cut(cell, sizeof(cell), w[c], utf8);
        lbctl_row_cell(&row, "", cell, w[c], "");
      }
      char note[4096];
      snprintf(note, sizeof(note), "%s", lbctl_rows_cell(&rows, i, N_HCELLS));
      if (fit)
        lbctl_text_cut(note, sizeof(note), room, utf8);
      lbctl_row_end(&row, note);
    }
  }
  lbctl_rows_free(&rows);
  return r;
}

/* ---- train sessions ------------------------------------------------------------------------- */

enum { S_ID, S_DATE, S_TIME, S_SETS, S_WARMED, N_SCELLS };

static int sessions_run(lbctl *ctl, const lbctl_verb *self, int argc, char **argv) {
  lbctl_opt opts[] = {{"days", LBCTL_OPT_COUNT, NULL}};
  const lbctl_flag flags[] = {{"--days", "a number of DAYS", &opts[0].value, NULL}, {0}};
  int r = lbctl_args(self, &argc, argv, flags, 0, 0);
  if (r == LBCTL_OK)
    r = lbctl_check_options(self, opts, 1);
  if (r != LBCTL_OK)
    return r;
  lbctl_request q;
  lbctl_pack_options(lbctl_request_start(&q, 1), opts, 1);
  const msgpack_object *list;
  r = lbctl_request_send(ctl, &q, "train.sessions", &list);
  if (r != LBCTL_OK || ctl->json)
    return r != LBCTL_OK ? r : lbctl_print_json_result(list);
  if (list->type != MSGPACK_OBJECT_ARRAY) {
    lbctl_print_value(stdout, list);
    return LBCTL_OK;
  }
  uint32_t n = list->via.array.size;
  if (n == 0) {
    printf("No training sessions in the last %s days.\n", opts[0].value ? opts[0].value : "30");
    return LBCTL_OK;
  }
  static const char *const head[] = {"ID", "DATE", "TIME", "SETS", "WARMED UP", "EXERCISES"};
  const char *dash = lbctl_term_utf8() ? "\xe2\x80\x93" : "-";
  int w[N_SCELLS];
  lbctl_table_start(w, head, N_SCELLS);
  lbctl_rows rows = {0};
  for (uint32_t i = 0; i < n && r == LBCTL_OK; i++) {
    const msgpack_object *s = &list->via.array.ptr[i];
    char cell[N_SCELLS][64], from[16], to[16], exercises[1024] = "";
    int64_t start = lbc_msg_map_int0(s, "start"), end = lbc_msg_map_int0(s, "end");
    snprintf(cell[S_ID], sizeof(cell[0]), "%" PRId64, lbc_msg_map_int0(s, "id"));
    lbctl_clock_format(start, "%a %Y-%m-%d", cell[S_DATE], sizeof(cell[0]));
    lbctl_clock_format(start, "%H:%M", from, sizeof(from));
    lbctl_clock_format(end, "%H:%M", to, sizeof(to));
    snprintf(cell[S_TIME], sizeof(cell[0]), "%s%s%s", from, dash, to);
    snprintf(cell[S_SETS], sizeof(cell[0]), "%" PRId64, lbc_msg_map_int0(s, "sets"));
    snprintf(cell[S_WARMED], sizeof(cell[0]), "%s",
             lbc_msg_map_true(s, "warmed_up") ? "yes" : "no");
    const msgpack_object *names = lbc_msg_map_get(s, "exercises");
    for (uint32_t j = 0; names && names->type == MSGPACK_OBJECT_ARRAY && j < names->via.array.size;
         j++) {
      char name[64];
      size_t off = strlen(exercises);
      lbctl_copy_text(name, sizeof(name), &names->via.array.ptr[j]);
      snprintf(exercises + off, sizeof(exercises) - off, "%s%s", off ? ", " : "", name);
    }
    lbctl_table_fit(w, N_SCELLS, cell[0], sizeof(cell[0]));
    if (lbctl_rows_add(&rows, cell[0], sizeof(cell[0]), N_SCELLS, exercises) < 0) {
      fprintf(stderr, "lumbarctl train sessions: out of memory\n");
      r = 1;
    }
  }
  if (r == LBCTL_OK) {
    lbctl_table_head(ctl, head, N_SCELLS, w);
    for (size_t i = 0; i < rows.n; i++) {
      lbctl_row row = {0};
      for (int c = 0; c < N_SCELLS; c++)
        lbctl_row_cell(&row, "", lbctl_rows_cell(&rows, i, c), w[c], "");
      lbctl_row_end(&row, lbctl_rows_cell(&rows, i, N_SCELLS));
    }
  }
  lbctl_rows_free(&rows);
  return r;
}

/* ---- train exercises ------------------------------------------------------------------------ */

enum { X_NAME, X_LABEL, X_PROGRAMME, X_REST, X_TARGET, X_LOGGED, X_LAST, N_XCELLS };

/* "3 × 20-30", "3 sets", "20-30 reps", or "-". */
static void programme_cell(const msgpack_object *x, bool utf8, char *buf, size_t len) {
  char reps[40];
  int64_t sets = lbc_msg_map_int0(x, "sets");
  lbctl_copy_text(reps, sizeof(reps), lbc_msg_map_str(x, "reps"));
  if (sets > 0 && reps[0])
    snprintf(buf, len, "%" PRId64 " %s %s", sets, utf8 ? "\xc3\x97" : "x", reps);
  else if (sets > 0)
    snprintf(buf, len, "%" PRId64 " set%s", sets, sets == 1 ? "" : "s");
  else if (reps[0])
    snprintf(buf, len, "%s reps", reps);
  else
    snprintf(buf, len, "-");
}

/* "1min 30s-2min" (the rest, and the window's end), "default" for the rest
 * plugin's, "-" for an exercise the config does not name. */
static void rest_cell(const msgpack_object *x, bool utf8, char *buf, size_t len) {
  int64_t rest = lbc_msg_map_int0(x, "rest"), until = lbc_msg_map_int0(x, "until");
  char a[32], b[32];
  if (!lbc_msg_map_true(x, "configured")) {
    snprintf(buf, len, "-");
  } else if (rest <= 0) {
    snprintf(buf, len, "default");
  } else {
    lbctl_rest_view_duration(rest, a, sizeof(a));
    lbctl_rest_view_duration(until, b, sizeof(b));
    snprintf(buf, len, "%s%s%s", a, until > rest ? (utf8 ? "\xe2\x80\x93" : "-") : "",
             until > rest ? b : "");
  }
}

static int exercises_run(lbctl *ctl, const lbctl_verb *self, int argc, char **argv) {
  const msgpack_object *list;
  int r = lbctl_query(ctl, self, argc, argv, "train.exercises", MSGPACK_OBJECT_ARRAY, &list);
  if (!list)
    return r;
  if (list->via.array.size == 0) {
    printf("No exercises: the config names none and no set is logged.\n");
    return LBCTL_OK;
  }
  static const char *const head[] = {"NAME",   "LABEL",  "PROGRAMME", "REST",
                                     "TARGET", "LOGGED", "LAST",      "WEIGHT"};
  bool utf8 = lbctl_term_utf8();
  int w[N_XCELLS];
  lbctl_table_start(w, head, N_XCELLS);
  lbctl_rows rows = {0};
  for (uint32_t i = 0; i < list->via.array.size && r == LBCTL_OK; i++) {
    const msgpack_object *x = &list->via.array.ptr[i];
    char cell[N_XCELLS][80], weight[256];
    int64_t target = lbc_msg_map_int0(x, "target"), last = lbc_msg_map_int0(x, "last_at");
    lbctl_copy_text(cell[X_NAME], sizeof(cell[0]), lbc_msg_map_str(x, "name"));
    lbctl_copy_text(cell[X_LABEL], sizeof(cell[0]), lbc_msg_map_str(x, "label"));
    programme_cell(x, utf8, cell[X_PROGRAMME], sizeof(cell[0]));
    rest_cell(x, utf8, cell[X_REST], sizeof(cell[0]));
    if (target > 0)
      snprintf(cell[X_TARGET], sizeof(cell[0]), "%" PRId64 "/week", target);
    else
      snprintf(cell[X_TARGET], sizeof(cell[0]), "-");
    snprintf(cell[X_LOGGED], sizeof(cell[0]), "%" PRId64, lbc_msg_map_int0(x, "logged"));
    if (last > 0)
      lbctl_clock_short(last, false, cell[X_LAST], sizeof(cell[0]));
    else
      snprintf(cell[X_LAST], sizeof(cell[0]), "never");
    lbctl_copy_text(weight, sizeof(weight), lbc_msg_map_str(x, "weight"));
    if (!weight[0])
      snprintf(weight, sizeof(weight), "-");
    lbctl_table_fit(w, N_XCELLS, cell[0], sizeof(cell[0]));
    if (lbctl_rows_add(&rows, cell[0], sizeof(cell[0]), N_XCELLS, weight) < 0) {
      fprintf(stderr, "lumbarctl train exercises: out of memory\n");
      r = 1;
    }
  }
  if (r == LBCTL_OK) {
    bool fit = isatty(STDOUT_FILENO);
    int room = fit ? lbctl_table_squeeze(w, N_XCELLS, lbctl_term_columns(), NULL, 0, 10) : 0;
    lbctl_table_head(ctl, head, N_XCELLS, w);
    for (size_t i = 0; i < rows.n; i++) {
      lbctl_row row = {0};
      for (int c = 0; c < N_XCELLS; c++)
        lbctl_row_cell(&row, "", lbctl_rows_cell(&rows, i, c), w[c], "");
      char weight[256];
      snprintf(weight, sizeof(weight), "%s", lbctl_rows_cell(&rows, i, N_XCELLS));
      if (fit)
        lbctl_text_cut(weight, sizeof(weight), room, utf8);
      lbctl_row_end(&row, weight);
    }
  }
  lbctl_rows_free(&rows);
  return r;
}

/* ---- train amend, train rm ------------------------------------------------------------------ */

static int amend_run(lbctl *ctl, const lbctl_verb *self, int argc, char **argv) {
  const char *reps_arg = NULL, *weight_arg = NULL, *unit_arg = NULL, *rir_arg = NULL, *note = NULL,
             *exercise_arg = NULL, *at_arg = NULL;
  const lbctl_flag flags[] = {
      {"--reps", "a NUMBER of reps", &reps_arg, .wire = "reps"},
      {"--weight", "a WEIGHT (40kg, 90lb, 0 for none)", &weight_arg, .wire = "weight"},
      {"--unit", "kg or lb", &unit_arg, .wire = "unit"},
      {"--rir", "a NUMBER of reps in reserve", &rir_arg, .wire = "rir"},
      {"--note", "a TEXT", &note, .wire = "note"},
      {"--exercise", "an EXERCISE", &exercise_arg, .wire = "exercise"},
      {"--at", "a TIME", &at_arg, .wire = "at"},
      {0}};
  uint64_t id, reps = 0;
  lbctl_train_numbers weight = {0};
  double rir = -1;
  int64_t at;
  char exercise[64] = "", unit[3] = "";
  int r = lbctl_args(self, &argc, argv, flags, 1, 1);
  if (r == LBCTL_OK)
    r = parse_set_id(self, argv[1], &id);
  if (r == LBCTL_OK && reps_arg && !lbctl_train_parse_reps(reps_arg, &reps))
    r = lbctl_usage_error(self, "%s \"%s\" is not a number: the repetitions done, 0 to 1000",
                          lbctl_typed(&reps_arg, "--reps"), reps_arg);
  if (r == LBCTL_OK && weight_arg && weight_arg[0])
    r = parse_weight(self, lbctl_typed(&weight_arg, "--weight"), weight_arg, &weight);
  if (r == LBCTL_OK && unit_arg)
    r = parse_unit_flag(self, lbctl_typed(&unit_arg, "--unit"), unit_arg, unit);
  if (r == LBCTL_OK && unit_arg && !weight_arg)
    r = lbctl_usage_error(self, "%s goes with --weight (--weight 40 %s %s)",
                          lbctl_typed(&unit_arg, "--unit"), lbctl_typed(&unit_arg, "--unit"),
                          unit_arg);
  if (r == LBCTL_OK && rir_arg)
    r = parse_rir(self, lbctl_typed(&rir_arg, "--rir"), rir_arg, true, &rir);
  if (r == LBCTL_OK && exercise_arg)
    r = parse_exercise(self, lbctl_typed(&exercise_arg, "--exercise"), exercise_arg, exercise,
                       sizeof(exercise));
  if (r == LBCTL_OK)
    r = lbctl_clock_parse_arg(self, lbctl_typed(&at_arg, "--at"), at_arg, &at);
  if (r != LBCTL_OK)
    return r;
  if (!reps_arg && !weight_arg && !rir_arg && !note && !exercise_arg && !at_arg)
    return lbctl_usage_error(self, "nothing to change: give --reps, --weight, --rir, --note, "
                                   "--exercise or --at");
  if (!weight.unit[0]) /* a suffix wins */
    memcpy(weight.unit, unit, sizeof(unit));
  lbctl_request q;
  msgpack_packer *pk = lbctl_request_start(&q, 2);
  msgpack_pack_uint64(pk, id);
  bool with_unit = weight_arg && weight.unit[0];
  msgpack_pack_map(pk, (reps_arg != NULL) + (weight_arg != NULL) + with_unit + (rir_arg != NULL) +
                           (note != NULL) + (exercise_arg != NULL) + (at_arg != NULL));
  if (reps_arg) {
    lb_rpc_pack_str(pk, "reps");
    msgpack_pack_uint64(pk, reps);
  }
  if (weight_arg) { /* "" or 0: none */
    lb_rpc_pack_str(pk, "weight");
    msgpack_pack_double(pk, weight.has_weight ? weight.weight : 0);
  }
  if (with_unit) {
    lb_rpc_pack_str(pk, "unit");
    lb_rpc_pack_str(pk, weight.unit);
  }
  if (rir_arg) {
    lb_rpc_pack_str(pk, "rir");
    msgpack_pack_double(pk, rir);
  }
  if (note) {
    lb_rpc_pack_str(pk, "note");
    lb_rpc_pack_str(pk, note);
  }
  if (exercise_arg) {
    lb_rpc_pack_str(pk, "exercise");
    lb_rpc_pack_str(pk, exercise);
  }
  if (at_arg) {
    lb_rpc_pack_str(pk, "at");
    msgpack_pack_int64(pk, at);
  }
  const msgpack_object *set;
  r = lbctl_request_send(ctl, &q, "train.amend", &set);
  if (r != LBCTL_OK || ctl->json)
    return r != LBCTL_OK ? r : lbctl_print_json_result(set);
  /* "Changed set 12: set 2 of abduction, 25 reps at 40 kg, at Mon 18:02
   * (session 3)." */
  char name[64], numbers[128], when[64], line[512], text[4096];
  lbctl_copy_text(name, sizeof(name), lbc_msg_map_str(set, "exercise"));
  lbctl_train_numbers_text(set, numbers, sizeof(numbers));
  lbctl_clock_short(lbc_msg_map_int0(set, "at"), false, when, sizeof(when));
  snprintf(line, sizeof(line),
           "Changed set %" PRIu64 ": set %" PRId64 " of %s, %s, at %s (session %" PRId64 ").", id,
           lbc_msg_map_int0(set, "set"), name, numbers, when, lbc_msg_map_int0(set, "session"));
  lbctl_put_line(line);
  lbctl_copy_text(text, sizeof(text), lbc_msg_map_str(set, "note"));
  if (text[0])
    printf("  note: %s\n", text);
  return LBCTL_OK;
}

static int rm_run(lbctl *ctl, const lbctl_verb *self, int argc, char **argv) {
  uint64_t id;
  int r = lbctl_args_positionals(self, &argc, argv, 1, 1);
  if (r == LBCTL_OK)
    r = parse_set_id(self, argv[1], &id);
  if (r != LBCTL_OK)
    return r;
  lbctl_request q;
  msgpack_pack_uint64(lbctl_request_start(&q, 1), id);
  const msgpack_object *result;
  r = lbctl_request_send(ctl, &q, "train.remove", &result);
  if (r != LBCTL_OK || ctl->json)
    return r != LBCTL_OK ? r : lbctl_print_json_result(result);
  printf("Removed set %" PRIu64 ".\n", id);
  return LBCTL_OK;
}

/* ---- the table ------------------------------------------------------------------------------ */

#define TRAIN_TIME_HELP                                                                            \
  "TIME is a local time (\"2026-11-19 18:00\", 18:00 today, \"yesterday 18:00\",\n"                \
  "today, yesterday), how long ago (\"2h ago\", \"3d ago\"), now, or unix seconds.\n"

const lbctl_verb lbctl_train_verbs[] = {
    {
        .name = "set",
        .args = "EXERCISE [REPS [WEIGHT]] [OPTION]...",
        .summary = "log a set; its rest starts at once",
        .help = "Logs a set of EXERCISE (abduction, deadlift: lower-case letters, digits, - and\n"
                "_) in lumbard's training log; the exercise's rest ([train.exercise.NAME] rest,\n"
                "until) starts at once, and a rest a set of it started before ends. Prints the\n"
                "set and its rest, once the set is on disk:\n"
                "\n"
                "  Set 2 of abduction: 25 reps at 40 kg (session 12). Rest 1min 30s, ends at\n"
                "  17:42:10\n"
                "\n"
                "REPS is the repetitions done, 0 to 1000. WEIGHT is the load: 40kg, 90lb, or a\n"
                "bare number (40, 92.5) in the config's unit ([train] unit, kg by default)\n"
                "or --unit's; 0 for none. What is not typed is as in the last set of the\n"
                "exercise: 'lumbarctl set abduction' repeats its reps and weight, and\n"
                "'lumbarctl set abduction 22' its weight.\n"
                "\n"
                "  --rir N       reps in reserve, 0 to 10 (an RPE of 8 is an RIR of 2)\n"
                "  --note TEXT   anything else, up to 1,000 bytes\n"
                "  --unit U      kg or lb: the unit of a bare WEIGHT (a suffix wins)\n"
                "  --at TIME     a set done before (default: now); no rest starts\n"
                "  --no-rest     start no rest (nor end the one under way)\n"
                "  --wait        follow the rest with the countdown until it is over, as\n"
                "                'rest start --wait' does; then say how to log the next set\n"
                "\n" TRAIN_TIME_HELP "\n"
                "Examples:\n"
                "  lumbarctl set abduction 25 40kg --wait\n"
                "  lumbarctl set deadlift 5 100kg --rir 2\n"
                "  lumbarctl set abduction\n"
                "\n"
                "With --json: the answer of train.log (id, at, exercise, set, reps, weight_kg,\n"
                "weight, unit, rir, note, session, warmup, source, rest_id); with --wait, JSON\n"
                "Lines: the answer, then each event of the rest.\n",
        .run = set_run,
    },
    {
        .name = "train history",
        .args = "[EXERCISE] [--since TIME] [--until TIME] [-n N]",
        .summary = "the sets of the training log, newest first",
        .help = "A table: the set's ID (for 'train amend' and 'train rm'), when (local time),\n"
                "the exercise, the set's number in its exercise that session, the reps, the\n"
                "weight (in the config's unit), the reps in reserve and the note. With\n"
                "EXERCISE, its sets only. On a terminal long notes are cut to its width.\n"
                "\n"
                "  --since TIME   sets from TIME on\n"
                "  --until TIME   sets up to TIME\n"
                "  -n, --limit N  at most N sets, the newest (default 100, at most 100,000)\n"
                "\n" TRAIN_TIME_HELP "\n"
                "With --json: the sets as train.history answers them (id, at, exercise, set,\n"
                "reps, weight_kg, weight, unit, rir (-1: none), note, session, warmup,\n"
                "source).\n",
        .run = history_run,
    },
    {
        .name = "train sessions",
        .args = "[--days N]",
        .summary = "the training sessions, newest first",
        .help = "A session is a stretch of training: sets with no gap of two hours between\n"
                "two of them. One line each: its ID, the date and the time it started and\n"
                "ended (local time), its sets, whether it was warmed up (the warm-up preset\n"
                "run to its end, or the warm-up reminder done, in the three hours before\n"
                "its first set) and its exercises.\n"
                "\n"
                "  --days N   the sessions that started in the last N days (default 30)\n"
                "\n"
                "With --json: the answer of train.sessions (id, start, end, exercises, sets,\n"
                "warmed_up).\n",
        .run = sessions_run,
    },
    {
        .name = "train exercises",
        .summary = "the exercises: programme, sets logged",
        .help =
            "Each exercise of the config ([train.exercise.NAME]), then those only\n"
            "logged: its name (what 'set' takes) and label, the programme (sets \xc3\x97 reps),\n"
            "the rest after a set (and when the next set is due), the sessions a week it\n"
            "asks for, how many sets were logged and when the last one was, and the\n"
            "weight the programme says.\n"
            "\n"
            "With --json: the answer of train.exercises (name, label, description, reps,\n"
            "weight, preset, rest, until, sets, target, configured, logged, last_at,\n"
            "unit).\n",
        .run = exercises_run,
    },
    {
        .name = "train amend",
        .args = "ID [OPTION]...",
        .summary = "correct a set of the training log",
        .help = "ID is the set's number, as 'lumbarctl train history' shows it. Changes what\n"
                "is given and keeps the rest; prints the set as it now is: \"Changed set 12:\n"
                "set 2 of abduction, 25 reps at 40 kg, at Mon 18:02 (session 3).\" The change\n"
                "is on disk when lumbarctl says so.\n"
                "\n"
                "  --reps N        the repetitions, 0 to 1000\n"
                "  --weight W      40kg, 90lb, or a bare number in the config's unit (or\n"
                "                  --unit's); 0 or \"\" for none\n"
                "  --unit U        kg or lb: the unit of a bare --weight\n"
                "  --rir N         reps in reserve, 0 to 10; \"\" for none\n"
                "  --note TEXT     --note \"\" clears it\n"
                "  --exercise E    the exercise it was a set of\n"
                "  --at TIME       when it was done (it may move to another session)\n"
                "\n" TRAIN_TIME_HELP "\n"
                "With --json: the set as it now is, as train.history has it.\n",
        .run = amend_run,
    },
    {
        .name = "train rm",
        .args = "ID",
        .summary = "remove a set from the training log",
        .help = "ID is the set's number, as 'lumbarctl train history' shows it. The set is\n"
                "gone from the log and its session when lumbarctl says so.\n"
                "\n"
                "With --json: {id}.\n",
        .run = rm_run,
    },
    {0},
};
