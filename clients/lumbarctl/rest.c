/* The rest verbs (plugins/rest/README.md): rests between sets, routines that
 * count sets and guided sequences; --wait, rest watch and rest list --wait
 * follow one with the countdown (countdown.c). */
#include <inttypes.h>
#include <lumbard/rpc.h>
#include <string.h>
#include <unistd.h>

#include "lumbarctl.h"

/* ---- starting: rest start, rest preset ---------------------------------------------- */

/* Subscribe (for --wait), call, print; then follow when waiting. */

/* The answer of a call that starts or moves a rest: with --json printed
 * (and that is all, unless waiting); else read into v. An exit status, or
 * -1 to go on. */
static int take_answer(const lbctl *ctl, const msgpack_object *result, bool wait,
                       lbctl_rest_view *v) {
  if (ctl->json && !wait)
    return lbctl_print_json_result(result);
  if (ctl->json && lbctl_json_print(stdout, result, false) < 0)
    return 1;
  lbctl_rest_view_read(v, result);
  return -1;
}

static int start_and_print(lbctl *ctl, const char *method, const msgpack_sbuffer *params,
                           bool wait) {
  sigset_t wait_mask;
  int r = wait ? lbctl_countdown_prepare(ctl, &wait_mask) : LBCTL_OK;
  if (r != LBCTL_OK)
    return r;
  const msgpack_object *result;
  r = lbctl_call(ctl, method, params, &result);
  if (r != LBCTL_OK)
    return r;
  lbctl_rest_view v;
  if ((r = take_answer(ctl, result, wait, &v)) >= 0)
    return r;
  char lead[64];
  snprintf(lead, sizeof(lead), "%s %" PRIu64 " started",
           lbctl_rest_view_is(&v, "in_set") ? "Routine" : "Rest", v.id);
  if (!ctl->json)
    lbctl_rest_view_print_now(&v, lead, true);
  if (wait)
    return lbctl_countdown_run(ctl, &v, &wait_mask, false);
  if (lbctl_rest_view_is(&v, "in_set")) {
    if (v.message[0])
      printf("%s\n", v.message);
    printf("Next: 'lumbarctl rest next %" PRIu64 "' when set %" PRId64
           " is done; 'lumbarctl rest watch %" PRIu64 "' guides you.\n",
           v.id, v.set, v.id);
  }
  return LBCTL_OK;
}

static int start_run(lbctl *ctl, const lbctl_verb *self, int argc, char **argv) {
  bool wait = false;
  lbctl_opt opts[] = {{"label", LBCTL_OPT_TEXT, NULL},
                      {"sets", LBCTL_OPT_COUNT, NULL},
                      {"set", LBCTL_OPT_COUNT, NULL},
                      {"until", LBCTL_OPT_DURATION, NULL},
                      {"warn", LBCTL_OPT_DURATION, NULL}};
  const lbctl_flag flags[] = {{"--label", "a LABEL", &opts[0].value, NULL},
                              {"--sets", "a number", &opts[1].value, NULL},
                              {"--set", "a number", &opts[2].value, NULL},
                              {"--until", "a DURATION", &opts[3].value, NULL},
                              {"--warn", "a DURATION", &opts[4].value, NULL},
                              {"--wait", NULL, NULL, &wait},
                              {0}};
  size_t n_opts = sizeof(opts) / sizeof(opts[0]);
  int r = lbctl_args(self, &argc, argv, flags, 0, 1);
  uint64_t seconds = 0;
  if (r == LBCTL_OK && argc > 1)
    r = lbctl_parse_duration(self, argv[1], "DURATION", "seconds", &seconds);
  if (r == LBCTL_OK)
    r = lbctl_check_options(self, opts, n_opts);
  if (r != LBCTL_OK)
    return r;
  msgpack_sbuffer sb;
  msgpack_packer pk;
  msgpack_sbuffer_init(&sb);
  msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
  msgpack_pack_array(&pk, 2);
  if (argc > 1)
    msgpack_pack_uint64(&pk, seconds);
  else
    msgpack_pack_nil(&pk);
  lbctl_pack_options(&pk, opts, n_opts);
  r = start_and_print(ctl, "rest.start", &sb, wait);
  msgpack_sbuffer_destroy(&sb);
  return r;
}

/* --after-set N of a preset: a whole number below its sets. Returns
 * LBCTL_OK, or the exit status after saying what is wrong in the words
 * typed (flag: "--after-set", or its old name "--set"). */
static int check_after_set(lbctl *ctl, const lbctl_verb *self, const char *name, const char *flag,
                           const char *value) {
  uint64_t n;
  if (!lbctl_parse_u64(value, &n))
    return lbctl_usage_error(self, "%s takes the number of sets already done, not '%s'", flag,
                             value);
  if (n == 0)
    return LBCTL_OK;
  const msgpack_object *list;
  int r = lbctl_call(ctl, "rest.presets", NULL, &list);
  if (r != LBCTL_OK)
    return r;
  for (uint32_t i = 0; list->type == MSGPACK_OBJECT_ARRAY && i < list->via.array.size; i++) {
    const msgpack_object *p = &list->via.array.ptr[i];
    if (!lbc_msg_str_eq(lbc_msg_map_str(p, "name"), name))
      continue;
    int64_t sets = lbc_msg_map_int0(p, "sets");
    const msgpack_object *steps = lbc_msg_map_get(p, "steps");
    if (steps && steps->type == MSGPACK_OBJECT_ARRAY && steps->via.array.size > 0)
      return lbctl_usage_error(self,
                               "%s counts the sets of a routine; '%s' is a sequence of steps, "
                               "which always starts at its first",
                               flag, name);
    if (sets > 0 && n >= (uint64_t)sets)
      return lbctl_usage_error(self,
                               "%s %s: '%s' has %" PRId64 " sets, so %s takes 0 to %" PRId64
                               " (the sets already done; with all of them done there is "
                               "nothing left to time)",
                               flag, value, name, sets, flag, sets - 1);
  }
  return LBCTL_OK; /* no such preset: rest.preset says so */
}

static int preset_run(lbctl *ctl, const lbctl_verb *self, int argc, char **argv) {
  bool wait = false;
  const char *after = NULL, *set = NULL;
  lbctl_opt opts[] = {{"set", LBCTL_OPT_COUNT, NULL}};
  const lbctl_flag flags[] = {{"--after-set", "a number", &after, NULL, .wire = "set"},
                              {"--set", "a number", &set, NULL, .wire = "set"},
                              {"--wait", NULL, NULL, &wait},
                              {0}};
  int r = lbctl_args(self, &argc, argv, flags, 1, 1);
  if (r == LBCTL_OK && after && set)
    r = lbctl_usage_error(self, "--set is the old name of --after-set: give one of them");
  const char *flag = after ? "--after-set" : "--set";
  opts[0].value = after ? after : set;
  if (r == LBCTL_OK && opts[0].value)
    r = check_after_set(ctl, self, argv[1], flag, opts[0].value);
  if (r != LBCTL_OK)
    return r;
  msgpack_sbuffer sb;
  msgpack_packer pk;
  msgpack_sbuffer_init(&sb);
  msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
  msgpack_pack_array(&pk, 2);
  lb_rpc_pack_str(&pk, argv[1]);
  lbctl_pack_options(&pk, opts, 1);
  r = start_and_print(ctl, "rest.preset", &sb, wait);
  msgpack_sbuffer_destroy(&sb);
  return r;
}

/* ---- one rest by id: pause, resume, cancel, next, extend ---------------------------------- */

/* Call the verb's method on rest ID (and a DURATION: "30s", "+30s").
 * Returns LBCTL_OK with *ret_result, valid until the next call, or the exit
 * status. */
static int id_call(lbctl *ctl, const lbctl_verb *self, const char *id_arg, const char *duration,
                   const msgpack_object **ret_result) {
  uint64_t id, seconds = 0;
  int r = lbctl_parse_id(self, id_arg, "rest", &id);
  /* "+30s" reads as what it means: 30 s more. */
  if (r == LBCTL_OK && duration)
    r = lbctl_parse_duration(self, duration + (duration[0] == '+'), "DURATION", "seconds",
                             &seconds);
  if (r != LBCTL_OK)
    return r;
  char method[32];
  snprintf(method, sizeof(method), "rest.%s", strchr(self->name, ' ') + 1);
  msgpack_sbuffer sb;
  msgpack_packer pk;
  msgpack_sbuffer_init(&sb);
  msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
  msgpack_pack_array(&pk, duration ? 2 : 1);
  msgpack_pack_uint64(&pk, id);
  if (duration)
    msgpack_pack_uint64(&pk, seconds);
  r = lbctl_call(ctl, method, &sb, ret_result);
  msgpack_sbuffer_destroy(&sb);
  return r;
}

/* What rest.next did, from its answer. */
static void print_next(const lbctl_rest_view *v) {
  char lab[300], lead[64];
  if (lbctl_rest_view_is(v, "running")) { /* the next rest of a routine, or the next step */
    snprintf(lead, sizeof(lead), "Rest %" PRIu64 " started", v->id);
    lbctl_rest_view_print_running(v, lead, true);
  } else if (lbctl_rest_view_is(v, "in_set")) {
    printf("Set %" PRId64 " of %" PRId64 " under way%s: 'lumbarctl rest next %" PRIu64
           "' when it is done\n",
           v->set, v->sets, lbctl_rest_view_label_note(v, lab, sizeof(lab)), v->id);
  } else if (v->steps) {
    printf("Sequence %" PRIu64 " done%s: that was the last step\n", v->id,
           lbctl_rest_view_label_note(v, lab, sizeof(lab)));
  } else if (lbctl_rest_view_is_routine(v)) {
    printf("Routine %" PRIu64 " done%s: that was the last set\n", v->id,
           lbctl_rest_view_label_note(v, lab, sizeof(lab)));
  } else {
    printf("Rest %" PRIu64 " done%s: the next set is under way\n", v->id,
           lbctl_rest_view_label_note(v, lab, sizeof(lab)));
  }
}

static int id_run(lbctl *ctl, const lbctl_verb *self, int argc, char **argv) {
  const msgpack_object *result;
  int r = lbctl_args_positionals(self, &argc, argv, 1, 1);
  if (r == LBCTL_OK)
    r = id_call(ctl, self, argv[1], NULL, &result);
  if (r != LBCTL_OK || ctl->json)
    return r != LBCTL_OK ? r : lbctl_print_json_result(result);
  lbctl_rest_view v;
  lbctl_rest_view_read(&v, result);
  char lab[300], prog[64], left[32], lead[64];
  const char *verb = strchr(self->name, ' ') + 1;
  if (strcmp(verb, "cancel") == 0) {
    printf("Rest %" PRIu64 " cancelled%s\n", v.id,
           lbctl_rest_view_label_note(&v, lab, sizeof(lab)));
  } else if (strcmp(verb, "pause") == 0) {
    lbctl_clock_countdown(v.remaining_ms, left, sizeof(left));
    printf("Rest %" PRIu64 " paused: %s left%s%s; 'lumbarctl rest resume %" PRIu64 "' goes on\n",
           v.id, left, lbctl_rest_view_label_note(&v, lab, sizeof(lab)),
           lbctl_rest_view_progress_note(&v, prog, sizeof(prog)), v.id);
  } else {
    snprintf(lead, sizeof(lead), "Rest %" PRIu64 " resumed", v.id);
    lbctl_rest_view_print_running(&v, lead, false);
  }
  return LBCTL_OK;
}

static int next_run(lbctl *ctl, const lbctl_verb *self, int argc, char **argv) {
  bool wait = false;
  const lbctl_flag flags[] = {{"--wait", NULL, NULL, &wait}, {0}};
  int r = lbctl_args(self, &argc, argv, flags, 1, 1);
  uint64_t id;
  if (r == LBCTL_OK)
    r = lbctl_parse_id(self, argv[1], "rest", &id);
  /* Subscribed, so that the events of the next (queued before its answer)
   * can say what it did: a rest that ended early says how early. */
  sigset_t wait_mask;
  if (r == LBCTL_OK && wait)
    r = lbctl_countdown_prepare(ctl, &wait_mask);
  else if (r == LBCTL_OK && !ctl->json)
    r = lbctl_countdown_subscribe(ctl);
  const msgpack_object *result;
  if (r == LBCTL_OK)
    r = id_call(ctl, self, argv[1], NULL, &result);
  if (r != LBCTL_OK)
    return r;
  lbctl_rest_view v;
  if ((r = take_answer(ctl, result, wait, &v)) >= 0)
    return r;
  if (!wait) {
    for (size_t n = lbc_client_n_queued(ctl->client); n > 0; n--) {
      const char *name;
      const msgpack_object *params, *ev;
      if (lbc_client_next_event(ctl->client, 0, NULL, &name, &params) < 0)
        break;
      if (strcmp(name, "rest.finished") == 0 && (ev = lbctl_rest_view_event(&v, name, params)) &&
          lbc_msg_map_true(ev, "early")) {
        char msg[512];
        lbctl_copy_text(msg, sizeof(msg), lbc_msg_map_str(ev, "message"));
        if (msg[0])
          lbctl_put_line(msg); /* "Rest ended 35s early: set 2 of 3 (...)" */
      }
    }
    print_next(&v);
    return LBCTL_OK;
  }
  /* The events of the next, queued before its answer, say what it did: a
   * rest that ended early, a set done, the routine done. */
  return lbctl_countdown_run(ctl, &v, &wait_mask, true);
}

static int extend_run(lbctl *ctl, const lbctl_verb *self, int argc, char **argv) {
  const msgpack_object *result;
  int r = lbctl_args_positionals(self, &argc, argv, 2, 2);
  if (r == LBCTL_OK)
    r = id_call(ctl, self, argv[1], argv[2], &result);
  if (r != LBCTL_OK || ctl->json)
    return r != LBCTL_OK ? r : lbctl_print_json_result(result);
  lbctl_rest_view v;
  lbctl_rest_view_read(&v, result);
  char dur[64], lead[128];
  lbctl_rest_view_duration(v.seconds, dur, sizeof(dur));
  snprintf(lead, sizeof(lead), "Rest %" PRIu64 " extended to %s", v.id, dur);
  lbctl_rest_view_print_running(&v, lead, false);
  return LBCTL_OK;
}

/* ---- rest watch, rest list --wait: following a rest started elsewhere ------------------------ */

/* Follow the rest of lbctl_rest_view v (found after lbctl_countdown_prepare()). */
static int watch_view(lbctl *ctl, const lbctl_rest_view *v, const sigset_t *wait_mask) {
  char lead[64];
  snprintf(lead, sizeof(lead), "Watching %s %" PRIu64, lbctl_rest_view_noun(v), v->id);
  if (!ctl->json)
    lbctl_rest_view_print_now(v, lead, false);
  return lbctl_countdown_run(ctl, v, wait_mask, false);
}

static int watch_run(lbctl *ctl, const lbctl_verb *self, int argc, char **argv) {
  uint64_t id;
  int r = lbctl_args_positionals(self, &argc, argv, 1, 1);
  if (r == LBCTL_OK)
    r = lbctl_parse_id(self, argv[1], "rest", &id);
  sigset_t wait_mask;
  if (r == LBCTL_OK)
    r = lbctl_countdown_prepare(ctl, &wait_mask);
  if (r != LBCTL_OK)
    return r;
  const msgpack_object *item;
  r = lbctl_rest_view_get(ctl, id, &item);
  if (r != LBCTL_OK)
    return r;
  if (!item) {
    fprintf(stderr,
            "lumbarctl: rest watch: no rest %" PRIu64
            " is under way: it has ended or never was; 'lumbarctl rest list' shows the rests\n",
            id);
    return LBCTL_DAEMON_SAID_NO;
  }
  if (ctl->json && lbctl_json_print(stdout, item, false) < 0)
    return 1;
  lbctl_rest_view v;
  lbctl_rest_view_read(&v, item);
  return watch_view(ctl, &v, &wait_mask);
}

/* rest list --wait: follow the rest under way, the most recent of them. */
static int list_wait(lbctl *ctl) {
  sigset_t wait_mask;
  int r = lbctl_countdown_prepare(ctl, &wait_mask);
  lbc_client_list *l = NULL;
  if (r == LBCTL_OK)
    r = lbctl_call_list(ctl, "rest.list", &l);
  if (r != LBCTL_OK)
    return r;
  const msgpack_object *list = lbc_client_list_items(l);
  uint32_t n = list->via.array.size;
  if (n == 0) {
    lbc_client_list_free(l);
    fprintf(stderr, "lumbarctl: rest list --wait: no rest is under way to follow; 'lumbarctl "
                    "rest start --wait' or 'lumbarctl rest preset NAME --wait' starts one\n");
    return LBCTL_DAEMON_SAID_NO;
  }
  lbctl_rest_view v;
  lbctl_rest_view_read(&v, &list->via.array.ptr[n - 1]); /* ids grow: the last started */
  if (ctl->json && lbctl_json_print(stdout, &list->via.array.ptr[n - 1], false) < 0) {
    lbc_client_list_free(l);
    return 1;
  }
  lbc_client_list_free(l);
  if (n > 1) {
    char lab[300];
    fprintf(ctl->json ? stderr : stdout,
            "%" PRIu32 " rests are under way; this follows the most recent, %s %" PRIu64
            "%s.\n'lumbarctl rest watch ID' follows another one.\n",
            n, lbctl_rest_view_noun(&v), v.id, lbctl_rest_view_label_note(&v, lab, sizeof(lab)));
  }
  return watch_view(ctl, &v, &wait_mask);
}

/* ---- rest list ------------------------------------------------------------------------------ */

static void list_cells(const lbctl_rest_view *v, char *left, size_t left_len, char *prog,
                       size_t prog_len) {
  snprintf(left, left_len, "-");
  if (strcmp(v->state, "running") == 0 || strcmp(v->state, "paused") == 0)
    lbctl_clock_countdown(v->remaining_ms, left, left_len);
  else if (v->window_end_ms > 0) {
    char at[32];
    lbctl_clock_short(v->window_end_ms / 1000, true, at, sizeof(at));
    snprintf(left, left_len, "next set by %s", at);
  }
  snprintf(prog, prog_len, "-");
  if (v->steps)
    snprintf(prog, prog_len, "step %" PRId64 "/%" PRId64, v->step, v->steps);
  else if (v->sets > 1)
    snprintf(prog, prog_len, "set %" PRId64 "/%" PRId64, v->set, v->sets);
}

static int list_run(lbctl *ctl, const lbctl_verb *self, int argc, char **argv) {
  bool wait = false;
  const lbctl_flag flags[] = {{"--wait", NULL, NULL, &wait}, {0}};
  int r = lbctl_args(self, &argc, argv, flags, 0, 0);
  if (r != LBCTL_OK)
    return r;
  if (wait)
    return list_wait(ctl);
  lbc_client_list *l;
  r = lbctl_query_list(ctl, self, argc, argv, "rest.list", &l);
  if (!l)
    return r;
  const msgpack_object *list = lbc_client_list_items(l);
  uint32_t n = list->via.array.size;
  if (n == 0) {
    printf("No rests under way.\n");
    lbc_client_list_free(l);
    return LBCTL_OK;
  }
  /* The cells of each row are read once, for the widths, and kept as text
   * until the table prints. */
  static const char *const head[] = {"ID", "LABEL", "STATE", "LEFT", "PROGRESS", "MESSAGE"};
  int w[5];
  lbctl_table_start(w, head, 5);
  lbctl_rows rows = {0};
  for (uint32_t i = 0; i < n && r == LBCTL_OK; i++) {
    lbctl_rest_view v;
    char cell[5][300];
    lbctl_rest_view_read(&v, &list->via.array.ptr[i]);
    snprintf(cell[0], sizeof(cell[0]), "%" PRIu64, v.id);
    snprintf(cell[1], sizeof(cell[1]), "%s", v.label);
    snprintf(cell[2], sizeof(cell[2]), "%s", v.state);
    list_cells(&v, cell[3], sizeof(cell[3]), cell[4], sizeof(cell[4]));
    lbctl_table_fit(w, 5, cell[0], sizeof(cell[0]));
    if (lbctl_rows_add(&rows, cell[0], sizeof(cell[0]), 5, v.message) < 0) {
      fprintf(stderr, "lumbarctl: rest list: out of memory\n");
      r = 1;
    }
  }
  lbc_client_list_free(l);
  if (r == LBCTL_OK) {
    /* On a terminal the message ends within its width ("…"), as in the
     * other lists; the whole of it is in --json. */
    bool fit = isatty(STDOUT_FILENO), utf8 = fit && lbctl_term_utf8();
    int room = 0;
    for (int c = 0; c < 5; c++)
      room += w[c] + 2;
    room = lbctl_term_columns() - room;
    lbctl_table_head(ctl, head, 5, w);
    for (size_t i = 0; i < rows.n; i++) {
      lbctl_row line = {0};
      for (int c = 0; c < 5; c++)
        lbctl_row_cell(&line, "", lbctl_rows_cell(&rows, i, c), w[c], "");
      char message[300];
      snprintf(message, sizeof(message), "%s", lbctl_rows_cell(&rows, i, 5));
      if (fit)
        lbctl_text_cut(message, sizeof(message), room > 10 ? room : 10, utf8);
      lbctl_row_end(&line, message);
    }
  }
  lbctl_rows_free(&rows);
  return r;
}

/* ---- rest presets --------------------------------------------------------------------------- */

static void print_preset(const lbctl *ctl, const msgpack_object *p) {
  char name[128], label[256], text[1024], d1[64], d2[64];
  lbctl_copy_text(name, sizeof(name), lbc_msg_map_str(p, "name"));
  lbctl_copy_text(label, sizeof(label), lbc_msg_map_str(p, "label"));
  printf("%s%s%s", lbctl_term_bold(ctl), name, lbctl_term_reset(ctl));
  if (label[0] && strcmp(label, name) != 0)
    printf(" (%s)", label);
  const msgpack_object *steps = lbc_msg_map_get(p, "steps");
  uint32_t n_steps = steps && steps->type == MSGPACK_OBJECT_ARRAY ? steps->via.array.size : 0;
  if (n_steps) {
    int64_t total = 0;
    for (uint32_t i = 0; i < n_steps; i++)
      total += lbc_msg_map_int0(&steps->via.array.ptr[i], "seconds");
    lbctl_rest_view_duration(total, d1, sizeof(d1));
    printf(": a sequence of %" PRIu32 " step%s, %s in all\n", n_steps, n_steps == 1 ? "" : "s", d1);
  } else {
    int64_t sets = lbc_msg_map_int0(p, "sets");
    lbctl_copy_text(text, sizeof(text), lbc_msg_map_str(p, "reps"));
    printf(": %" PRId64 " set%s", sets, sets == 1 ? "" : "s");
    if (text[0])
      printf(" of %s reps", text);
    lbctl_copy_text(text, sizeof(text), lbc_msg_map_str(p, "weight"));
    if (text[0])
      printf(", %s", text);
    lbctl_rest_view_duration(lbc_msg_map_int0(p, "rest"), d1, sizeof(d1));
    printf("; rest %s", d1);
    if (lbc_msg_map_int0(p, "until") > 0) {
      lbctl_rest_view_duration(lbc_msg_map_int0(p, "until"), d2, sizeof(d2));
      printf(" (next set within %s)", d2);
    }
    putchar('\n');
  }
  lbctl_copy_text(text, sizeof(text), lbc_msg_map_str(p, "description"));
  if (text[0])
    lbctl_put_hanging("  ", text, 78);
  for (uint32_t i = 0; i < n_steps; i++) {
    const msgpack_object *s = &steps->via.array.ptr[i];
    lbctl_rest_view_duration(lbc_msg_map_int0(s, "seconds"), d1, sizeof(d1));
    lbctl_copy_text(text, sizeof(text), lbc_msg_map_str(s, "text"));
    char prefix[96];
    snprintf(prefix, sizeof(prefix), "  %" PRIu32 ". %s: ", i + 1, d1);
    lbctl_put_hanging(prefix, text, 78);
  }
  if (n_steps)
    lbctl_put_hanging("  ", "Starts with step 1; each step moves on to the next by itself.", 78);
  else if (lbc_msg_map_int0(p, "sets") > 1)
    lbctl_put_hanging(
        "  ",
        "Starts with set 1 under way: say when each set is done (Enter with --wait, or "
        "'lumbarctl rest next ID') and the rest before the next one counts down.",
        78);
  printf("  %slumbarctl rest preset %s --wait%s\n", lbctl_term_dim(ctl), name,
         lbctl_term_reset(ctl));
}

static int presets_run(lbctl *ctl, const lbctl_verb *self, int argc, char **argv) {
  const msgpack_object *list;
  int r = lbctl_query(ctl, self, argc, argv, "rest.presets", MSGPACK_OBJECT_ARRAY, &list);
  if (!list)
    return r;
  if (list->via.array.size == 0)
    printf("No presets: lumbard.conf has no [rest.preset.NAME] section.\n");
  for (uint32_t i = 0; i < list->via.array.size; i++) {
    if (i)
      putchar('\n');
    print_preset(ctl, &list->via.array.ptr[i]);
  }
  return LBCTL_OK;
}

/* ---- the table ------------------------------------------------------------------------------ */

#define WAIT_HELP                                                                                  \
  "--wait follows the rest until it is over. On a terminal a countdown bar is\n"                   \
  "redrawn in place, about ten times a second; a pause or resume made elsewhere\n"                 \
  "shows at once, an extend prints the new end time, and the last seconds (after\n"                \
  "lumbard's warning) read 'get ready'. When the rest is over its message prints\n"                \
  "on a line of its own (\"Rest over: set 2 of 3 (20-30 reps, light to moderate\n"                 \
  "weight)\"), with a bell. When stdout is not a terminal, plain lines come\n"                     \
  "instead: the time left every 10 s, one for each change, and the message at\n"                   \
  "the end.\n"                                                                                     \
  "\n"                                                                                             \
  "A routine (more than one set) is guided when stdin and stdout are terminals:\n"                 \
  "\"Set 1 of 3: go — Enter when done\"; press Enter when the set is done and the\n"             \
  "rest counts down. Enter during the rest ends it early: the next set starts\n"                   \
  "now. Once the rest is over, press Enter as the next set starts, and again\n"                    \
  "when it is done, up to the last set, whose Enter ends the routine. When the\n"                  \
  "routine's preset is an exercise's ([train.exercise.NAME] preset), the train\n"                  \
  "plugin logs each set done: type its reps and weight before the Enter that\n"                    \
  "ends it (25 40kg, or 25) and lumbarctl amends the set logged. Then, when\n"                     \
  "the pain diary has a check-in due, lumbarctl asks \"How is your back now?\n"                    \
  "0-10, Enter to skip\" and logs the answer with the routine as its trigger.\n"                   \
  "Otherwise lumbarctl ends where a person must act and says how to go on\n"                       \
  "('lumbarctl rest next ID'). A sequence (the warm-up) moves on by itself: each\n"                \
  "step's text, then its countdown; Enter moves to the next step now.\n"                           \
  "\n"                                                                                             \
  "Ctrl-C (or SIGTERM, or Ctrl-D at a prompt) stops watching, not the rest: it\n"                  \
  "goes on in lumbard, and lumbarctl says its id, how to follow it again\n"                        \
  "('lumbarctl rest watch ID') and how to cancel it, and exits 0. If the rest is\n"                \
  "cancelled meanwhile (elsewhere, or a routine that waited too long),\n"                          \
  "lumbarctl says so and exits 1; if lumbard goes away, 3.\n"                                      \
  "\n"                                                                                             \
  "With --json: the answer (the rest's view: id, label, state, seconds,\n"                         \
  "remaining_ms, ends_at_ms, set, sets, step, steps, message, ...); with --wait,\n"                \
  "JSON Lines: the answer, then each event of the rest as 'lumbarctl watch\n"                      \
  "--json' prints it. Nothing is asked.\n"

const lbctl_verb lbctl_rest_verbs[] = {
    {
        .name = "rest start",
        .args = "[DURATION] [OPTION]...",
        .summary = "start a rest between sets",
        .help = "DURATION is 90, 90s, 1m30s, 2min, 1.5min or 1h, from 1 s to 24 h;\n"
                "lumbard's default ([rest] default, 90 s) when omitted. Prints the rest's id\n"
                "and when it ends.\n"
                "\n"
                "  --label LABEL      what the rest is for: abduction\n"
                "  --sets N           sets in the routine; over 1, lumbard counts them\n"
                "  --set N            the set just done (default 1)\n"
                "  --until DURATION   a window, as the 1.5-2 minutes between sets of\n"
                "                     abduction: '90s --until 2min' is over at 90 s, overdue\n"
                "                     at 2 min unless the next set started\n"
                "  --warn DURATION    warn this long before the end (default 10s; 0: never)\n"
                "  --wait             follow the rest until it is over (below)\n"
                "\n" WAIT_HELP,
        .run = start_run,
    },
    {
        .name = "rest list",
        .args = "[--wait]",
        .summary = "the rests, routines and sequences under way",
        .help = "One line each: id, label, state (running, paused, ready, overdue, in_set),\n"
                "the time left (or when the window for the next set closes), the set or step\n"
                "it is at, and its message.\n"
                "\n"
                "  --wait   follow the one under way, as 'lumbarctl rest watch ID' does; when\n"
                "           there are several, the most recently started (lumbarctl says\n"
                "           which); when there is none, exit 1\n",
        .run = list_run,
    },
    {
        .name = "rest watch",
        .args = "ID",
        .summary = "follow a rest or routine started elsewhere",
        .help = "Follows rest ID with the countdown, the set counting and the Enter of\n"
                "--wait (below): a rest started in another terminal, from the desktop or by\n"
                "a script, or one left with Ctrl-C. It takes the rest as it finds it:\n"
                "running, paused, over and waiting for the next set (ready, overdue), or\n"
                "with a set under way (in_set). 'lumbarctl rest list --wait' follows the one\n"
                "under way.\n"
                "\n" WAIT_HELP,
        .run = watch_run,
    },
    {
        .name = "rest pause",
        .args = "ID",
        .summary = "pause a running rest",
        .run = id_run,
    },
    {
        .name = "rest resume",
        .args = "ID",
        .summary = "resume a paused rest",
        .run = id_run,
    },
    {
        .name = "rest extend",
        .args = "ID DURATION",
        .summary = "rest longer",
        .help = "Adds DURATION (30, 30s, +30s, 1min) to a running or paused rest; a rest\n"
                "that is over (waiting for the next set) rests that much more.\n",
        .run = extend_run,
    },
    {
        .name = "rest next",
        .args = "ID [--wait]",
        .summary = "the next set starts, or is done",
        .help = "Moves rest ID on, whatever it is doing:\n"
                "  running, paused   the rest ends early: in a routine the next set starts\n"
                "                    now, in a sequence the next step; a single rest is done\n"
                "  ready, overdue    (over) the next set starts now; a window closes\n"
                "                    without being overdue\n"
                "  in_set            the set is done: the next rest starts; after the last\n"
                "                    set the routine is done\n"
                "\n"
                "  --wait   then follow it as 'rest start --wait' does ('lumbarctl help rest\n"
                "           start'): Enter for the sets, the check-in after the last one\n",
        .run = next_run,
    },
    {
        .name = "rest cancel",
        .args = "ID",
        .summary = "stop a rest, routine or sequence for good",
        .run = id_run,
    },
    {
        .name = "rest preset",
        .args = "NAME [OPTION]...",
        .summary = "start a routine or sequence of the config",
        .help = "Starts [rest.preset.NAME] of lumbard.conf ('lumbarctl rest presets' lists\n"
                "them): a routine of sets (abduction: 3 sets, 90 s rest, the next set within\n"
                "2 min) or a sequence of timed steps (warmup). A routine starts with set 1\n"
                "under way: say when it is done (Enter with --wait, or 'lumbarctl rest next\n"
                "ID') and the rest after it counts down.\n"
                "\n"
                "  --after-set N   N sets are done already: the rest after set N starts now\n"
                "                  (--set N, its old name, does the same)\n"
                "  --wait          follow it until it is done (below)\n"
                "\n" WAIT_HELP,
        .run = preset_run,
    },
    {
        .name = "rest presets",
        .summary = "the presets of the config, described",
        .help = "Each preset of lumbard.conf ([rest.preset.NAME]): its sets, reps, weight and\n"
                "rest, or its steps, what it is for, and how it starts.\n",
        .run = presets_run,
    },
    {0},
};
