/* The remind verbs (plugins/reminders/README.md): reminders added, listed,
 * snoozed, done, skipped, paused and removed, and the next elapses of a
 * schedule as systemd-analyze calendar shows them. The daemon speaks unix
 * seconds; everything here shows local time. */
#include <inttypes.h>
#include <lumbard/rpc.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lumbarctl.h"

/* ---- a reminder as lumbarctl knows it -------------------------------------------- */

/* A copy of a view: a result lives only until the next call into the
 * client. Text is cleaned of control characters on the way in. */
typedef struct reminder {
  uint64_t id;
  char name[256], schedule[512], message[2048], source[32], from[16], to[16], kind[16];
  int64_t next_at, due_at, snoozed_until, paused_until, skipped_at, held_until;
  uint64_t late_s; /* how late it is, while due */
  char pause[8];   /* what the pause does: "skip" its next elapse, "hold" a one-off, or "" */
} reminder;

static void reminder_read(reminder *r, const msgpack_object *m) {
  r->id = (uint64_t)lbc_msg_map_int0(m, "id");
  lbctl_copy_text(r->name, sizeof(r->name), lbc_msg_map_str(m, "name"));
  lbctl_copy_text(r->schedule, sizeof(r->schedule), lbc_msg_map_str(m, "schedule"));
  lbctl_copy_text(r->message, sizeof(r->message), lbc_msg_map_str(m, "message"));
  lbctl_copy_text(r->source, sizeof(r->source), lbc_msg_map_str(m, "source"));
  lbctl_copy_text(r->from, sizeof(r->from), lbc_msg_map_str(m, "from"));
  lbctl_copy_text(r->to, sizeof(r->to), lbc_msg_map_str(m, "to"));
  r->next_at = lbc_msg_map_int0(m, "next_at");
  r->due_at = lbc_msg_map_int0(m, "due_at");
  r->snoozed_until = lbc_msg_map_int0(m, "snoozed_until");
  r->paused_until = lbc_msg_map_int0(m, "paused_until");
  r->skipped_at = lbc_msg_map_int0(m, "skipped_at");
  r->held_until = lbc_msg_map_int0(m, "held_until");
  int64_t late = lbc_msg_map_int0(m, "late_s");
  r->late_s = late > 0 ? (uint64_t)late : 0;
  lbctl_copy_text(r->pause, sizeof(r->pause), lbc_msg_map_str(m, "pause"));
  lbctl_copy_text(r->kind, sizeof(r->kind), lbc_msg_map_str(m, "kind"));
}

/* A one-off ("in 10m"): the view's kind, or, from a daemon that says none,
 * the schedule. */
static bool is_once(const reminder *r) {
  return r->kind[0] ? strcmp(r->kind, "once") == 0 : strncmp(r->schedule, "in ", 3) == 0;
}

/* "Fri 2026-11-27 17:30:00 CET (in 1d 6h)" */
static void fmt_when(int64_t t, char *buf, size_t len) {
  char full[96], rel[80];
  lbctl_clock_full(t, false, full, sizeof(full));
  lbctl_clock_relative(lbctl_clock_until(t), rel, sizeof(rel));
  snprintf(buf, len, "%s (%s)", full, rel);
}

/* "17:30", "Fri 12:40:16": a time of a reminder, its seconds when it has
 * any ("every" and "in" count from the moment they were added). */
static void fmt_at(int64_t t, char *buf, size_t len) {
  lbctl_clock_short(t, t % 60 != 0, buf, len);
}

/* "next at Fri 2026-11-27 17:30:00 CET (in 1d 6h)" and a newline: what
 * comes after a change, with the pause that holds it back. */
static void print_next(const reminder *r) {
  char when[192];
  if (r->next_at) {
    fmt_when(r->next_at, when, sizeof(when));
    printf("next at %s", when);
  } else if (is_once(r)) {
    printf("it was for once only, and is removed");
  } else {
    printf("it has no further elapse");
  }
  if (r->paused_until) {
    fmt_at(r->paused_until, when, sizeof(when));
    printf(", paused until %s", when);
  }
  putchar('\n');
}

/* A schedule is one argument: `remind add tea in 10m` meant "in 10m". When
 * words follow it (argv[first], the last of the argc positionals it should
 * be), a usage error shows it with the quotes it needs. */
static int one_schedule(const lbctl_verb *self, int argc, char **argv, int first) {
  if (argc <= first + 1)
    return LBCTL_OK;
  char joined[512] = "";
  for (int i = first; i < argc; i++)
    snprintf(joined + strlen(joined), sizeof(joined) - strlen(joined), "%s%s", i > first ? " " : "",
             argv[i]);
  return lbctl_usage_error(self,
                           "unexpected argument '%s': a SCHEDULE of several words goes in quotes, "
                           "\"%s\"",
                           argv[first + 1], joined);
}

/* ---- remind add -------------------------------------------------------------------- */

static int add_run(lbctl *ctl, const lbctl_verb *self, int argc, char **argv) {
  lbctl_opt opts[] = {{"message", LBCTL_OPT_TEXT, NULL},
                      {"from", LBCTL_OPT_TEXT, NULL},
                      {"to", LBCTL_OPT_TEXT, NULL}};
  const lbctl_flag flags[] = {{"--message", "a TEXT", &opts[0].value, NULL},
                              {"--from", "a time of day, HH:MM", &opts[1].value, NULL},
                              {"--to", "a time of day, HH:MM", &opts[2].value, NULL},
                              {0}};
  int r = lbctl_args(self, &argc, argv, flags, 0, -1);
  if (r != LBCTL_OK)
    return r;
  lbctl_typed_note("name", "NAME");
  lbctl_typed_note("schedule", "SCHEDULE");
  if (argc < 3)
    return lbctl_usage_error(self, argc == 1
                                       ? "missing NAME and SCHEDULE"
                                       : "missing SCHEDULE: a calendar event such as "
                                         "\"Mon,Wed,Fri 17:30\", \"every 45m\" or \"in 10m\"");
  r = one_schedule(self, argc, argv, 2);
  if (r != LBCTL_OK)
    return r;
  lbctl_request q;
  msgpack_packer *pk = lbctl_request_start(&q, 3);
  lb_rpc_pack_str(pk, argv[1]);
  lb_rpc_pack_str(pk, argv[2]);
  lbctl_pack_options(pk, opts, 3);
  const msgpack_object *result;
  r = lbctl_request_send(ctl, &q, "reminders.add", &result);
  if (r != LBCTL_OK || ctl->json)
    return r != LBCTL_OK ? r : lbctl_print_json_result(result);
  reminder rm;
  reminder_read(&rm, result);
  printf("Reminder %" PRIu64 " (%s) added: ", rm.id, rm.name);
  print_next(&rm);
  return LBCTL_OK;
}

/* ---- remind list ------------------------------------------------------------------- */

enum { C_ID, C_NAME, C_SCHEDULE, C_NEXT, C_STATE, C_SOURCE, N_CELLS };

typedef struct row {
  reminder r;
  char cell[N_CELLS][640];
} row;

/* "due since 17:30 (12min late)", "snoozed until 17:40:05"; then what a
 * pause does: "held until 14:00" (a one-off that falls due in it comes when
 * it ends), "next skipped: paused until 14:00" (the next elapse falls in
 * it), "paused until Fri 09:00"; together when more than one holds; "-"
 * when none. */
static void state_cell(const reminder *r, char *buf, size_t len) {
  char at[64];
  buf[0] = '\0';
  if (r->snoozed_until) {
    fmt_at(r->snoozed_until, at, sizeof(at));
    snprintf(buf, len, "snoozed until %s", at);
  } else if (r->due_at) {
    fmt_at(r->due_at, at, sizeof(at));
    snprintf(buf, len, "due since %s", at);
    if (r->late_s >= 60) { /* in whole minutes, as a person says it */
      char late[64];
      lbctl_clock_distance(r->late_s / 60 * 60, late, sizeof(late));
      snprintf(buf + strlen(buf), len - strlen(buf), " (%s late)", late);
    }
  }
  const char *sep = buf[0] ? ", " : "";
  if (strcmp(r->pause, "hold") == 0) {
    fmt_at(r->held_until ? r->held_until : r->paused_until, at, sizeof(at));
    snprintf(buf + strlen(buf), len - strlen(buf), "%sheld until %s", sep, at);
  } else if (r->paused_until) {
    fmt_at(r->paused_until, at, sizeof(at));
    snprintf(buf + strlen(buf), len - strlen(buf), "%s%spaused until %s", sep,
             strcmp(r->pause, "skip") == 0 ? "next skipped: " : "", at);
  }
  if (!buf[0])
    snprintf(buf, len, "-");
}

static void row_cells(row *rw) {
  const reminder *r = &rw->r;
  snprintf(rw->cell[C_ID], sizeof(rw->cell[C_ID]), "%" PRIu64, r->id);
  snprintf(rw->cell[C_NAME], sizeof(rw->cell[C_NAME]), "%s", r->name);
  if (is_once(r)) {
    /* "in 10m" was said when it was added; what stays true is when. */
    int64_t at = r->next_at ? r->next_at : r->due_at ? r->due_at : r->held_until;
    char when[64] = "";
    if (at)
      lbctl_clock_short(at, false, when, sizeof(when));
    snprintf(rw->cell[C_SCHEDULE], sizeof(rw->cell[C_SCHEDULE]), "once%s%s", at ? ", " : "", when);
  } else if (r->from[0] || r->to[0]) {
    snprintf(rw->cell[C_SCHEDULE], sizeof(rw->cell[C_SCHEDULE]), "%s, %s-%s", r->schedule,
             r->from[0] ? r->from : "00:00", r->to[0] ? r->to : "24:00");
  } else {
    snprintf(rw->cell[C_SCHEDULE], sizeof(rw->cell[C_SCHEDULE]), "%s", r->schedule);
  }
  if (r->next_at) {
    char at[64], rel[64];
    fmt_at(r->next_at, at, sizeof(at));
    lbctl_clock_relative(lbctl_clock_until(r->next_at), rel, sizeof(rel));
    snprintf(rw->cell[C_NEXT], sizeof(rw->cell[C_NEXT]), "%s (%s)", at, rel);
  } else {
    snprintf(rw->cell[C_NEXT], sizeof(rw->cell[C_NEXT]), "-");
  }
  state_cell(r, rw->cell[C_STATE], sizeof(rw->cell[C_STATE]));
  snprintf(rw->cell[C_SOURCE], sizeof(rw->cell[C_SOURCE]), "%s", r->source);
}

/* A cell for a terminal: a copy in buf, cut to width columns. */
static const char *cut_cell(const char *cell, int width, bool utf8, char *buf, size_t cap) {
  snprintf(buf, cap, "%s", cell);
  lbctl_text_cut(buf, cap, width, utf8);
  return buf;
}

static int list_run(lbctl *ctl, const lbctl_verb *self, int argc, char **argv) {
  lbc_client_list *l;
  int r = lbctl_query_list(ctl, self, argc, argv, "reminders.list", &l);
  if (!l)
    return r;
  const msgpack_object *list = lbc_client_list_items(l);
  uint32_t n = list->via.array.size;
  if (n == 0) {
    printf("No reminders.\n");
    lbc_client_list_free(l);
    return LBCTL_OK;
  }
  const char *head[] = {"ID", "NAME", "SCHEDULE", "NEXT", "STATE", "SOURCE", "MESSAGE"};
  char message_head[16] = "MESSAGE";
  int w[N_CELLS];
  lbctl_table_start(w, head, N_CELLS);
  /* The cells of each row are made once, for the widths, and kept as text
   * until the table prints (a copy of the view would take 7 KiB a row). */
  lbctl_rows rows = {0};
  row rw;
  bool *due = calloc(n, sizeof(bool));
  if (!due)
    r = 1;
  for (uint32_t i = 0; i < n && r == LBCTL_OK; i++) {
    reminder_read(&rw.r, &list->via.array.ptr[i]);
    row_cells(&rw);
    lbctl_table_fit(w, N_CELLS, rw.cell[0], sizeof(rw.cell[0]));
    due[i] = rw.r.due_at && !rw.r.snoozed_until;
    if (lbctl_rows_add(&rows, rw.cell[0], sizeof(rw.cell[0]), N_CELLS, rw.r.message) < 0)
      r = 1;
  }
  lbc_client_list_free(l);
  if (r != LBCTL_OK) {
    fprintf(stderr, "lumbarctl: remind list: out of memory\n");
  } else {
    /* On a terminal the table fits its width: the message takes what the
     * other columns leave, and when that is too little the schedule, then
     * the name, give up columns first (the heading too: "MESS…" over a
     * narrow column; at least the mark that something was cut, however
     * narrow). */
    static const lbctl_squeeze give[] = {{C_SCHEDULE, 17}, {C_NAME, 9}};
    bool fit = isatty(STDOUT_FILENO), utf8 = fit && lbctl_term_utf8();
    int room = 0;
    if (fit) {
      room = lbctl_table_squeeze(w, N_CELLS, lbctl_term_columns(), give, 2, 10);
      lbctl_text_cut(message_head, sizeof(message_head), room, utf8);
      head[N_CELLS] = message_head;
    }
    lbctl_table_head(ctl, head, N_CELLS, w);
    for (size_t i = 0; i < rows.n; i++) {
      lbctl_row line = {0};
      for (int c = 0; c < N_CELLS; c++) {
        const char *cell = lbctl_rows_cell(&rows, i, c);
        if (fit && (c == C_SCHEDULE || c == C_NAME))
          cell = cut_cell(cell, w[c], utf8, rw.cell[c], sizeof(rw.cell[c]));
        bool bold = c == C_STATE && due[i];
        lbctl_row_cell(&line, bold ? lbctl_term_bold(ctl) : "", cell, w[c],
                       bold ? lbctl_term_reset(ctl) : "");
      }
      const char *message = lbctl_rows_cell(&rows, i, N_CELLS);
      if (fit)
        message = cut_cell(message, room, utf8, rw.r.message, sizeof(rw.r.message));
      lbctl_row_end(&line, message);
    }
  }
  lbctl_rows_free(&rows);
  free(due);
  return r;
}

/* ---- one reminder by id: snooze, done, skip, rm ------------------------------------------ */

/* The verb's method on reminder ID, with a DURATION (snooze) or --reason
 * (skip); the answer is the reminder's view, which it then describes. */
static int id_run(lbctl *ctl, const lbctl_verb *self, int argc, char **argv) {
  const char *verb = strchr(self->name, ' ') + 1, *reason = NULL;
  bool snooze = strcmp(verb, "snooze") == 0, skip = strcmp(verb, "skip") == 0;
  const lbctl_flag flags[] = {{"--reason", "a TEXT", &reason, .wire = "reason"}, {0}};
  uint64_t id, seconds = 0;
  int r = lbctl_args(self, &argc, argv, skip ? flags : NULL, 1, snooze ? 2 : 1);
  if (r == LBCTL_OK)
    r = lbctl_parse_id(self, argv[1], "reminder", &id);
  const char *duration = snooze && argc > 2 ? argv[2] : NULL; /* else the daemon's default */
  if (r == LBCTL_OK && duration)
    r = lbctl_parse_duration(self, duration, "DURATION", "seconds", &seconds);
  if (r != LBCTL_OK)
    return r;
  lbctl_request q;
  msgpack_packer *pk = lbctl_request_start(&q, duration || reason ? 2 : 1);
  msgpack_pack_uint64(pk, id);
  if (duration)
    msgpack_pack_uint64(pk, seconds);
  else if (reason)
    lb_rpc_pack_str(pk, reason);
  char method[32], when[192];
  snprintf(method, sizeof(method), "reminders.%s", strcmp(verb, "rm") == 0 ? "remove" : verb);
  const msgpack_object *result;
  r = lbctl_request_send(ctl, &q, method, &result);
  if (r != LBCTL_OK || ctl->json)
    return r != LBCTL_OK ? r : lbctl_print_json_result(result);

  reminder rm;
  reminder_read(&rm, result);
  printf("Reminder %" PRIu64 " (%s) ", rm.id, rm.name);
  if (snooze) {
    fmt_when(rm.snoozed_until, when, sizeof(when));
    printf("snoozed: due again at %s\n", when);
  } else if (skip) {
    lbctl_clock_full(rm.skipped_at, false, when, sizeof(when));
    printf("skipped %s", when);
    if (reason && *reason)
      printf(" (%s)", reason);
    printf("; ");
    print_next(&rm);
  } else if (strcmp(verb, "done") == 0) {
    printf("done; ");
    print_next(&rm);
  } else {
    printf("removed\n");
  }
  return LBCTL_OK;
}

/* ---- pause, resume ------------------------------------------------------------------------ */

static int pause_run(lbctl *ctl, const lbctl_verb *self, int argc, char **argv) {
  lbctl_opt opts[] = {{"id", LBCTL_OPT_COUNT, NULL}};
  const lbctl_flag flags[] = {{"--id", "an ID", &opts[0].value, NULL}, {0}};
  uint64_t seconds;
  int r = lbctl_args(self, &argc, argv, flags, 0, 1);
  if (r == LBCTL_OK && argc < 2)
    r = lbctl_usage_error(self, "missing DURATION: a pause always ends by itself (2h, 3d; "
                                "'lumbarctl remind resume' ends it early)");
  if (r == LBCTL_OK)
    r = lbctl_parse_duration(self, argv[1], "DURATION", "seconds", &seconds);
  if (r == LBCTL_OK)
    r = lbctl_check_options(self, opts, 1);
  if (r != LBCTL_OK)
    return r;
  lbctl_request q;
  msgpack_packer *pk = lbctl_request_start(&q, 2);
  msgpack_pack_uint64(pk, seconds);
  lbctl_pack_options(pk, opts, 1);
  const msgpack_object *result;
  r = lbctl_request_send(ctl, &q, "reminders.pause", &result);
  if (r != LBCTL_OK || ctl->json)
    return r != LBCTL_OK ? r : lbctl_print_json_result(result);
  char when[192];
  fmt_when(lbc_msg_map_int0(result, "until"), when, sizeof(when));
  if (opts[0].value)
    printf("Reminder %s paused until %s; 'lumbarctl remind resume --id %s' ends it early\n",
           opts[0].value, when, opts[0].value);
  else
    printf("All reminders paused until %s; 'lumbarctl remind resume' ends it early\n", when);
  return LBCTL_OK;
}

static int resume_run(lbctl *ctl, const lbctl_verb *self, int argc, char **argv) {
  lbctl_opt opts[] = {{"id", LBCTL_OPT_COUNT, NULL}};
  const lbctl_flag flags[] = {{"--id", "an ID", &opts[0].value, NULL}, {0}};
  int r = lbctl_args(self, &argc, argv, flags, 0, -1);
  if (r == LBCTL_OK && argc > 1)
    r = lbctl_usage_error(self, "unexpected argument '%s' (one reminder: --id %s)", argv[1],
                          argv[1]);
  if (r == LBCTL_OK)
    r = lbctl_check_options(self, opts, 1);
  if (r != LBCTL_OK)
    return r;
  lbctl_request q;
  lbctl_pack_options(lbctl_request_start(&q, 1), opts, 1);
  const msgpack_object *result;
  r = lbctl_request_send(ctl, &q, "reminders.resume", &result);
  if (r != LBCTL_OK || ctl->json)
    return r != LBCTL_OK ? r : lbctl_print_json_result(result);
  if (opts[0].value)
    printf("Reminder %s resumed\n", opts[0].value);
  else
    printf("All reminders resumed\n");
  return LBCTL_OK;
}

/* ---- remind preview ---------------------------------------------------------------------- */

/* A line as systemd-analyze calendar writes one: the label right-aligned
 * on 16 columns, as wide as its "Normalized form:". */
static void preview_line(const lbctl *ctl, const char *label, const char *value, bool bold) {
  printf("%16s %s%s%s\n", label, bold ? lbctl_term_bold(ctl) : "", value,
         bold ? lbctl_term_reset(ctl) : "");
}

/* systemd's own test: the local zone is UTC when it has neither an offset
 * nor summer time, and then it writes no "(in UTC)" line. */
static bool local_zone_is_utc(void) {
  tzset();
  return timezone == 0 && daylight == 0;
}

static void print_elapses(const lbctl *ctl, const msgpack_object *list) {
  bool utc = local_zone_is_utc();
  if (list->via.array.size == 0)
    preview_line(ctl, "Next elapse:", "never", true);
  for (uint32_t i = 0; i < list->via.array.size; i++) {
    const msgpack_object *o = &list->via.array.ptr[i];
    int64_t t = o->type == MSGPACK_OBJECT_POSITIVE_INTEGER   ? (int64_t)o->via.u64
                : o->type == MSGPACK_OBJECT_NEGATIVE_INTEGER ? o->via.i64
                                                             : 0;
    char label[32], when[96], dist[64], from_now[80];
    if (i == 0)
      snprintf(label, sizeof(label), "Next elapse:");
    else
      snprintf(label, sizeof(label), "Iter. #%" PRIu32 ":", i + 1);
    lbctl_clock_full(t, false, when, sizeof(when));
    preview_line(ctl, label, when, true);
    if (!utc) {
      lbctl_clock_full(t, true, when, sizeof(when));
      preview_line(ctl, "(in UTC):", when, false);
    }
    int64_t until = lbctl_clock_until(t);
    lbctl_clock_distance(until > 0 ? (uint64_t)until : (uint64_t)-until, dist, sizeof(dist));
    snprintf(from_now, sizeof(from_now),
             until == 0  ? "now"
             : until > 0 ? "%s left"
                         : "%s ago",
             dist);
    preview_line(ctl, "From now:", from_now, false);
  }
}

static int preview_run(lbctl *ctl, const lbctl_verb *self, int argc, char **argv) {
  const char *count = NULL, *base_arg = NULL;
  lbctl_opt opts[] = {{"from", LBCTL_OPT_TEXT, NULL}, {"to", LBCTL_OPT_TEXT, NULL}};
  const lbctl_flag flags[] = {{"-n", "a COUNT", &count, .wire = "count"},
                              {"--count", "a COUNT", &count, .wire = "count"},
                              {"--base", "a TIME", &base_arg, .wire = "base"},
                              {"--from", "a time of day, HH:MM", &opts[0].value, NULL},
                              {"--to", "a time of day, HH:MM", &opts[1].value, NULL},
                              {0}};
  int r = lbctl_args(self, &argc, argv, flags, 1, -1);
  if (r == LBCTL_OK)
    r = one_schedule(self, argc, argv, 1);
  if (r != LBCTL_OK)
    return r;
  lbctl_typed_note("schedule", "SCHEDULE");
  uint64_t n = 0;
  if (count && !lbctl_parse_u64(count, &n))
    return lbctl_usage_error(self, "%s takes a whole number, not '%s'", lbctl_typed(&count, "-n"),
                             count);
  int64_t base = 0;
  char err[256];
  if (base_arg && lbctl_clock_parse(base_arg, &base, err, sizeof(err)) < 0)
    return lbctl_usage_error(self, "--base: %s", err);

  lbctl_request q;
  msgpack_packer *pk = lbctl_request_start(&q, 4);
  lb_rpc_pack_str(pk, argv[1]);
  if (count) /* else the daemon's default, 5 */
    msgpack_pack_uint64(pk, n);
  else
    msgpack_pack_nil(pk);
  if (base_arg) /* else now */
    msgpack_pack_int64(pk, base);
  else
    msgpack_pack_nil(pk);
  lbctl_pack_options(pk, opts, 2);
  const msgpack_object *list;
  r = lbctl_request_send(ctl, &q, "reminders.preview", &list);
  if (r != LBCTL_OK || ctl->json)
    return r != LBCTL_OK ? r : lbctl_print_json_result(list);
  if (list->type != MSGPACK_OBJECT_ARRAY) {
    lbctl_print_value(stdout, list); /* a newer daemon's answer, as it is */
    return LBCTL_OK;
  }
  preview_line(ctl, "Original form:", argv[1], false);
  if (opts[0].value || opts[1].value) {
    char hours[64];
    snprintf(hours, sizeof(hours), "%s-%s", opts[0].value ? opts[0].value : "00:00",
             opts[1].value ? opts[1].value : "24:00");
    preview_line(ctl, "Active hours:", hours, false);
  }
  if (base_arg) {
    char when[96];
    lbctl_clock_full(base, false, when, sizeof(when));
    preview_line(ctl, "Base time:", when, false);
  }
  print_elapses(ctl, list);
  return LBCTL_OK;
}

/* ---- the table ------------------------------------------------------------------------------ */

#define SCHEDULE_HELP                                                                              \
  "SCHEDULE is one argument (quote it when it has spaces), one of:\n"                              \
  "  a calendar event, the whole grammar of systemd.time(7): \"Mon,Wed,Fri 17:30\",\n"             \
  "      \"Mon..Fri 08:30\", \"*-*-1 09:00\", daily, \"Sat 10:00 Europe/Berlin\"\n"                \
  "  every DURATION   \"every 45m\": from the moment it is added; with --from and\n"               \
  "                   --to, on a grid from --from each day, up to --to\n"                          \
  "  in DURATION      \"in 10m\": once; removed when done or skipped\n"

const lbctl_verb lbctl_remind_verbs[] = {
    {
        .name = "remind add",
        .args = "NAME SCHEDULE [OPTION]...",
        .summary = "add a reminder",
        .help = SCHEDULE_HELP
        "'lumbarctl remind preview SCHEDULE' shows when one elapses before you add it.\n"
        "Prints the reminder's id and when it is next due.\n"
        "\n"
        "  --message TEXT   what it says when due (default: its name)\n"
        "  --from HH:MM     \"every\" only: active from this time of day\n"
        "  --to HH:MM       \"every\" only: active until this time of day\n"
        "\n"
        "Examples:\n"
        "  lumbarctl remind add warmup \"Mon,Wed,Fri 17:30\" \\\n"
        "      --message \"Warm up before training: upper-glute massage, 1-2 min a side\"\n"
        "  lumbarctl remind add stand \"every 45m\" --from 09:00 --to 18:00\n"
        "  lumbarctl remind add tea \"in 10m\"\n"
        "\n"
        "With --json: the reminder's view (id, name, schedule, message, next_at, ...;\n"
        "times in unix seconds).\n",
        .run = add_run,
    },
    {
        .name = "remind list",
        .summary = "the reminders and when they are next due",
        .help = "A table: id, name, schedule (and the active hours of an \"every\"; a\n"
                "one-off, \"in 10m\", shows as once and the time it is for: \"once, 21:20\",\n"
                "\"once, Tue 08:00\"), the next elapse in local time and how far off it is,\n"
                "the state, where it comes from (config: lumbard.conf, runtime: added with\n"
                "'remind add') and its message.\n"
                "The state: due since 17:30 (bold on a terminal; \"(12min late)\" once it has\n"
                "waited a minute), snoozed until 17:40; and what a running pause does: \"next\n"
                "skipped: paused until 14:00\" (the next elapse falls in it and is skipped),\n"
                "\"held until 14:00\" (a one-off due in it comes when it ends), or paused until\n"
                "Fri 09:00; - when waiting. On a terminal the table fits its width: long\n"
                "messages are cut.\n"
                "\n"
                "With --json: the views, as reminders.list answers them.\n",
        .run = list_run,
    },
    {
        .name = "remind snooze",
        .args = "ID [DURATION]",
        .summary = "remind of a due reminder again later",
        .help = "DURATION is 10m, 1h, 90 (seconds), ...; when omitted, lumbard's\n"
                "[reminders] snooze (10min). Only a due reminder can be snoozed.\n"
                "\n"
                "Example:\n"
                "  lumbarctl remind snooze 1 15m\n",
        .run = id_run,
    },
    {
        .name = "remind done",
        .args = "ID",
        .summary = "a due reminder is done",
        .help = "Prints when it is next due; a reminder \"in DURATION\" is removed.\n"
                "Only a due reminder can be done.\n",
        .run = id_run,
    },
    {
        .name = "remind skip",
        .args = "ID [--reason TEXT]",
        .summary = "skip the due elapse, or the next one",
        .help = "Skips the elapse that is due; when none is, the next one, ahead of time.\n"
                "The reason is logged with it.\n"
                "\n"
                "Example:\n"
                "  lumbarctl remind skip 1 --reason \"rest day\"\n",
        .run = id_run,
    },
    {
        .name = "remind pause",
        .args = "DURATION [--id ID]",
        .summary = "pause the reminders, or one, for a while",
        .help = "A pause always ends by itself, after DURATION (2h, 3d; at most 30d). An\n"
                "elapse during the pause is skipped; a one-off (\"in 10m\") that falls due in\n"
                "it is held, and comes when the pause ends. --id pauses that reminder only.\n"
                "'lumbarctl remind list' shows what the pause does to each.\n"
                "\n"
                "Example:\n"
                "  lumbarctl remind pause 2d   (an episode: no training for two days)\n",
        .run = pause_run,
    },
    {
        .name = "remind resume",
        .args = "[--id ID]",
        .summary = "end a pause early",
        .help = "Without --id every pause ends, also those of single reminders.\n",
        .run = resume_run,
    },
    {
        .name = "remind rm",
        .args = "ID",
        .summary = "remove a reminder added at run time",
        .help = "A reminder of lumbard.conf (source config) is removed there: delete its\n"
                "[reminders.NAME] section and reload ('systemctl --user reload lumbard'),\n"
                "or pause it.\n",
        .run = id_run,
    },
    {
        .name = "remind preview",
        .args = "SCHEDULE [OPTION]...",
        .summary = "the next elapses of a schedule",
        .help = SCHEDULE_HELP
        "\n"
        "Prints the next elapses in local time (TZ is respected) as\n"
        "'systemd-analyze calendar --iterations=N' does, with the same times.\n"
        "\n"
        "  -n, --count N    how many elapses (default 5, at most 1000)\n"
        "  --base TIME      count from TIME rather than now: unix seconds\n"
        "                   (1792281600, @1792281600) or a local time\n"
        "                   \"YYYY-MM-DD HH:MM[:SS]\"\n"
        "  --from HH:MM     \"every\" only: active from this time of day\n"
        "  --to HH:MM       \"every\" only: active until this time of day\n"
        "\n"
        "Examples:\n"
        "  lumbarctl remind preview \"Mon,Wed,Fri 17:30\"\n"
        "  lumbarctl remind preview \"Mon..Fri 08:30\" -n 10 --base \"2026-10-19 00:00\"\n"
        "  lumbarctl remind preview \"every 45m\" --from 09:00 --to 18:00\n"
        "\n"
        "With --json: the elapses, a list of unix seconds.\n",
        .run = preview_run,
    },
    {0},
};
