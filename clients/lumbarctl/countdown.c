/* Following one rest until it is over (rest start --wait, rest watch,
 * rest list --wait, set --wait): a state machine over the rest's events and
 * the person's Enter, in phases (counting down, moving on, waiting for a
 * set to start, a set under way), drawn as a live bar and prompts on a
 * terminal, as plain lines elsewhere, as JSON Lines with --json.
 *
 * The sets of a routine whose preset is an exercise's are logged by the
 * train plugin as they are done (train.logged, source "rest"); the reps and
 * weight typed before the Enter that ends a set amend the set it logs. */
#include <errno.h>
#include <inttypes.h>
#include <lumbard/rpc.h>
#include <poll.h>
#include <stdarg.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "lumbarctl.h"

typedef enum phase {
  COUNTING,  /* running or paused: the countdown */
  MOVING_ON, /* over; the daemon moves on by itself (a step, a set, the routine's end) */
  SET_START, /* a routine waits for its next set to start */
  IN_SET,    /* a routine's set is under way */
} phase;

/* What the train plugin does with the sets of the routine followed. */
typedef enum train_logs {
  TRAIN_NOT_ASKED, /* not a routine guided with Enter */
  TRAIN_NOT_LOADED,
  TRAIN_NO_EXERCISE, /* loaded; no exercise has the routine's preset */
  TRAIN_LOGS,        /* each set done is logged as a set of `exercise` */
} train_logs;

enum { MAX_TYPED = 8 };

typedef struct follow {
  lbctl *ctl;
  lbctl_rest_view v;
  phase ph;
  bool rest_only;     /* lbctl_countdown_run_rest(): the rest, and nothing after it */
  int64_t next_set;   /* SET_START: the set that is to start */
  bool warned;        /* the warning came: the last seconds */
  bool bar;           /* stdout is a terminal: a live bar, redrawn in place */
  bool prompts;       /* stdin too: a routine is guided with Enter */
  bool utf8;          /* the terminal takes block characters */
  bool line_open;     /* the cursor stands at the end of the bar or a prompt */
  bool routine_done;  /* it ended with routine_done: time for a check-in */
  char trigger[256];  /* the routine's name (or label), for the check-in's entry */
  char drawn[1024];   /* the status line as last drawn */
  int64_t reported_s; /* not a terminal: the time left last reported, in s */
  train_logs train;
  char exercise[64], unit[4]; /* TRAIN_LOGS: the exercise, the unit weights are shown in */
  /* The sets done whose train.logged is still to come, oldest first, with
   * what was typed at their Enter (typed false: nothing). */
  lbctl_train_numbers numbers[MAX_TYPED];
  bool typed[MAX_TYPED];
  size_t n_pending;
  bool told_ignored, told_how; /* said once: typed numbers not logged; how to type them */
} follow;

/* Enter during the countdown moves on: a routine's next set starts now, a
 * sequence's next step. A single rest just counts down. */
static bool enter_skips(const follow *f) {
  return f->prompts && (f->v.steps || (lbctl_rest_view_is_routine(&f->v) && f->v.set < f->v.sets));
}

/* End the status line (the bar or a prompt) so that a line can print:
 * erased, or kept as it is with a newline. */
static void line_end(follow *f, bool keep) {
  if (f->line_open)
    fputs(keep ? "\n" : "\r\033[K", stdout);
  f->line_open = false;
  f->drawn[0] = '\0';
}

/* A line of human output while following; nothing with --json. */
__attribute__((format(printf, 2, 3))) static void say(follow *f, const char *fmt, ...) {
  if (f->ctl->json)
    return;
  line_end(f, false);
  va_list ap;
  va_start(ap, fmt);
  vprintf(fmt, ap);
  va_end(ap);
  putchar('\n');
}

/* Append to the line being built; never past its end. */
__attribute__((format(printf, 3, 4))) static void add(char *buf, size_t cap, const char *fmt, ...) {
  size_t len = strlen(buf);
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf + len, cap - len, fmt, ap);
  va_end(ap);
}

/* "abduction  [██████████░░░░░░░░░░]  0:47 left  set 1 of 3  Enter starts
 * set 2", fitted to the terminal: the bar shrinks first, then the Enter
 * hint, the progress and the label go. */
static void bar_line(const follow *f, char *buf, size_t cap) {
  const lbctl *ctl = f->ctl;
  bool paused = lbctl_rest_view_is(&f->v, "paused");
  int64_t left = lbctl_rest_view_left_ms(&f->v), total = f->v.seconds * 1000;
  char time_left[32], prog[64] = "", label[64], hint[64] = "";
  lbctl_clock_countdown(left, time_left, sizeof(time_left));
  strcat(time_left, " left");
  if (f->v.steps)
    snprintf(prog, sizeof(prog), "step %" PRId64 " of %" PRId64, f->v.step, f->v.steps);
  else if (f->v.sets > 1)
    snprintf(prog, sizeof(prog), "set %" PRId64 " of %" PRId64, f->v.set, f->v.sets);
  if (enter_skips(f) && f->v.steps)
    snprintf(hint, sizeof(hint), "%s",
             f->v.step < f->v.steps ? "Enter: next step" : "Enter ends it");
  else if (enter_skips(f))
    snprintf(hint, sizeof(hint), "Enter starts set %" PRId64, f->v.set + 1);
  const char *note = paused ? "paused" : f->warned ? "get ready" : "";
  /* At most 24 columns of the label. */
  size_t cut = 0;
  for (int w = 0; f->v.label[cut] && w < 24; w++)
    do
      cut++;
    while (((unsigned char)f->v.label[cut] & 0xc0) == 0x80);
  snprintf(label, sizeof(label), "%.*s", (int)cut, f->v.label);

  /* The last column would wrap on some terminals, and a Ctrl-C echoes "^C"
   * after the bar. */
  int cols = lbctl_term_columns() - 3;
  int width = 0;
  for (int attempt = 0; attempt < 4; attempt++) {
    int fixed = 4 + lbctl_text_width(time_left) + (label[0] ? lbctl_text_width(label) + 2 : 0) +
                (prog[0] ? (int)strlen(prog) + 2 : 0) + (note[0] ? (int)strlen(note) + 2 : 0) +
                (hint[0] ? (int)strlen(hint) + 2 : 0);
    width = cols - fixed;
    if (width >= 10)
      break;
    if (attempt == 0)
      hint[0] = '\0';
    else if (attempt == 1)
      prog[0] = '\0';
    else
      label[0] = '\0';
  }
  if (width > 30)
    width = 30;
  int filled = width > 0 && total > 0 ? (int)((total - left) * width / total) : 0;
  if (filled < 0)
    filled = 0;

  buf[0] = '\0';
  if (label[0])
    add(buf, cap, "%s%s%s  ", lbctl_term_bold(ctl), label, lbctl_term_reset(ctl));
  if (width >= 4) {
    const char *on = !ctl->color ? "" : paused ? "\033[2m" : f->warned ? "\033[33m" : "\033[32m";
    add(buf, cap, "[%s", on);
    for (int i = 0; i < width; i++)
      add(buf, cap, "%s", i < filled ? (f->utf8 ? "█" : "#") : (f->utf8 ? "░" : "-"));
    add(buf, cap, "%s]  ", ctl->color ? "\033[0m" : "");
  }
  add(buf, cap, "%s", time_left);
  if (prog[0])
    add(buf, cap, "  %s", prog);
  if (note[0])
    add(buf, cap, "  %s%s%s", ctl->color ? "\033[1;33m" : "", note, lbctl_term_reset(ctl));
  if (hint[0])
    add(buf, cap, "  %s%s%s", lbctl_term_dim(ctl), hint, lbctl_term_reset(ctl));
}

/* The prompt of a set under way: the daemon's "Set 2 of 3: go (20-30 reps,
 * light to moderate weight)" and "— Enter when done", or the short "Set 2
 * of 3: go — Enter when done" where that does not fit. */
static void set_prompt(const follow *f, char *buf, size_t cap) {
  const char *dash = f->utf8 ? " — " : " - ";
  int cols = lbctl_term_columns() - 1;
  if (strncmp(f->v.message, "Set ", 4) == 0) {
    snprintf(buf, cap, "%s%sEnter when done ", f->v.message, dash);
    if (lbctl_text_width(buf) <= cols)
      return;
  }
  snprintf(buf, cap, "Set %" PRId64 " of %" PRId64 ": go%sEnter when done ", f->v.set, f->v.sets,
           dash);
}

/* What the status line shows now: the bar, a prompt, or nothing; or, when
 * stdout is not a terminal, a progress line every 10 s. */
static void draw(follow *f) {
  if (f->ctl->json)
    return;
  char line[1024] = "";
  if (f->ph == COUNTING && !f->bar) {
    int64_t s = (lbctl_rest_view_left_ms(&f->v) + 999) / 1000;
    if (lbctl_rest_view_is(&f->v, "running") && s > 0 && s % 10 == 0 && s < f->reported_s) {
      char left[32];
      lbctl_clock_countdown(s * 1000, left, sizeof(left));
      say(f, "%s: %s left", f->v.label, left);
      f->reported_s = s;
    }
    return;
  }
  if (f->ph == COUNTING)
    bar_line(f, line, sizeof(line));
  else if (f->ph == SET_START && f->prompts)
    snprintf(line, sizeof(line), "Press Enter when set %" PRId64 " starts: ", f->next_set);
  else if (f->ph == IN_SET && f->prompts)
    set_prompt(f, line, sizeof(line));
  if (!line[0] || (f->line_open && strcmp(line, f->drawn) == 0))
    return;
  printf("\r%s\033[K", line);
  snprintf(f->drawn, sizeof(f->drawn), "%s", line);
  f->line_open = true;
}

/* A phase that reads Enter begins: what was typed before it is not its
 * answer. */
static void ask(follow *f, phase ph) {
  f->ph = ph;
  if (f->prompts)
    tcflush(STDIN_FILENO, TCIFLUSH);
}

/* Where a person must act and no prompt can ask: say how to go on. Returns
 * LBCTL_OK, the end of the wait. */
static int how_to_go_on(follow *f) {
  const lbctl_rest_view *v = &f->v;
  if (lbctl_rest_view_is(v, "in_set")) {
    if (strncmp(v->message, "Set ", 4) == 0)
      say(f, "%s", v->message);
    say(f, "Next: 'lumbarctl rest next %" PRIu64 "' when set %" PRId64 " is done.", v->id, v->set);
  } else if (lbctl_rest_view_is_routine(v)) {
    say(f,
        "Next: 'lumbarctl rest next %" PRIu64 "' when set %" PRId64
        " starts, and again when it is done.",
        v->id, v->set + 1);
  } else {
    say(f, "Next: 'lumbarctl rest next %" PRIu64 "' when the next set starts.", v->id);
  }
  return LBCTL_OK;
}

/* Ctrl-C, SIGTERM, or the end of stdin at a prompt: stop watching, leave
 * the rest to lumbard. */
static int detach(follow *f) {
  line_end(f, true);
  uint64_t id = f->v.id;
  char c[4][96];
  size_t n = 0;
  /* The rest after a set logged counts the programme's sets, but it is a
   * rest to the person: the next set is logged, not moved on to. */
  snprintf(c[n++], sizeof(c[0]), "The %s goes on in lumbard (id %" PRIu64 "):",
           f->rest_only ? "rest" : lbctl_rest_view_noun(&f->v), id);
  snprintf(c[n++], sizeof(c[0]), "'lumbarctl rest watch %" PRIu64 "' follows it again,", id);
  if (lbctl_rest_view_is_routine(&f->v) && !f->rest_only)
    snprintf(c[n++], sizeof(c[0]), "'lumbarctl rest next %" PRIu64 "' moves it on,", id);
  snprintf(c[n++], sizeof(c[0]), "'lumbarctl rest cancel %" PRIu64 "' stops it.", id);
  /* Lines broken between the clauses, never inside a command to copy. */
  FILE *out = f->ctl->json ? stderr : stdout;
  int cols = f->bar ? lbctl_term_columns() : 80, at = 0;
  for (size_t i = 0; i < n; i++) {
    int w = lbctl_text_width(c[i]);
    if (at > 0 && at + 1 + w > cols) {
      fputc('\n', out);
      at = 0;
    }
    fprintf(out, "%s%s", at > 0 ? " " : "", c[i]);
    at += (at > 0) + w;
  }
  fputc('\n', out);
  return LBCTL_OK;
}

/* The rest is over (finished): what comes next. */
static int on_finished(follow *f, const msgpack_object *ev) {
  lbctl_rest_view *v = &f->v;
  char left[32];
  lbctl_copy_text(v->message, sizeof(v->message), lbc_msg_map_str(ev, "message"));
  int64_t next = lbc_msg_map_int0(ev, "next_set");
  if (lbc_msg_map_true(ev, "early")) { /* rest.next during the rest: no bell, the person chose it */
    /* lumbard says "Rest ended 35s early: set 2 of 3 (...)", "Step 1 of 2
     * done early", or a sequence's done message */
    lbctl_clock_countdown(lbc_msg_map_int0(ev, "left_ms"), left, sizeof(left));
    if (v->message[0])
      say(f, "%s", v->message);
    else
      say(f, "Rest ended early, %s before its end", left);
    if (f->rest_only || (!v->steps && !(next > 0 && lbctl_rest_view_is_routine(v))))
      return LBCTL_OK; /* a single rest: the next set is under way, nothing to follow */
    f->ph = MOVING_ON; /* the next set or step starts at once, or the sequence is done */
    return -1;
  }
  say(f, "%s%s", v->message, f->bar ? "\a" : "");
  if (f->rest_only)
    return LBCTL_OK;
  if (v->steps) {
    f->ph = MOVING_ON; /* the next step starts by itself, or the sequence is done */
  } else if (next > 0 && lbctl_rest_view_is_routine(v) && f->prompts) {
    snprintf(v->state, sizeof(v->state), "ready");
    f->next_set = next;
    ask(f, SET_START);
  } else if (next > 0 && lbctl_rest_view_is_routine(v)) {
    snprintf(v->state, sizeof(v->state), "ready");
    v->set = next - 1;
    return how_to_go_on(f);
  } else {
    return LBCTL_OK;
  }
  return -1;
}

/* ---- the sets the train plugin logs ------------------------------------------------- */

/* Whether the train plugin logs the sets of the routine followed, and as
 * which exercise; subscribed to train.logged when it does. Returns the exit
 * status when the daemon cannot be asked, else -1. */
static int train_prepare(follow *f) {
  lbctl *ctl = f->ctl;
  const msgpack_object *list;
  int e = lbc_client_call(ctl->client, "train.exercises", NULL, 0, &list);
  if (e == -EREMOTEIO) { /* no train plugin (no_such_method), or it cannot say */
    f->train = TRAIN_NOT_LOADED;
    return -1;
  }
  if (e < 0)
    return lbctl_status(ctl, "train.exercises", e);
  f->train = TRAIN_NO_EXERCISE;
  for (uint32_t i = 0; list->type == MSGPACK_OBJECT_ARRAY && i < list->via.array.size; i++) {
    const msgpack_object *x = &list->via.array.ptr[i];
    if (!lbc_msg_str_eq(lbc_msg_map_str(x, "preset"), f->v.routine))
      continue;
    f->train = TRAIN_LOGS;
    lbctl_copy_text(f->exercise, sizeof(f->exercise), lbc_msg_map_str(x, "name"));
    lbctl_copy_text(f->unit, sizeof(f->unit), lbc_msg_map_str(x, "unit"));
    break;
  }
  if (f->train != TRAIN_LOGS)
    return -1;
  static const char *const pattern[] = {"train.logged"};
  e = lbc_client_subscribe(ctl->client, pattern, 1, NULL);
  return e < 0 ? lbctl_status(ctl, "daemon.subscribe", e) : -1;
}

/* A set of the routine is logged (train.logged): amended with what was
 * typed at its Enter, and said. Returns the exit status when the daemon
 * went away, else -1. */
static int on_logged(follow *f, const msgpack_object *params) {
  const msgpack_object *ev =
      params && params->type == MSGPACK_OBJECT_ARRAY && params->via.array.size == 1
          ? &params->via.array.ptr[0]
          : NULL;
  int64_t rest_id;
  if (!ev || !lbc_msg_str_eq(lbc_msg_map_str(ev, "source"), "rest") ||
      !lbc_msg_map_int(ev, "rest_id", &rest_id) || (uint64_t)rest_id != f->v.id)
    return -1;
  lbctl_train_numbers numbers = f->numbers[0];
  bool typed = f->n_pending > 0 && f->typed[0];
  if (f->n_pending > 0) {
    f->n_pending--;
    memmove(f->numbers, f->numbers + 1, f->n_pending * sizeof(f->numbers[0]));
    memmove(f->typed, f->typed + 1, f->n_pending * sizeof(f->typed[0]));
  }
  uint64_t id = (uint64_t)lbc_msg_map_int0(ev, "id");
  int64_t set = lbc_msg_map_int0(ev, "set");
  char exercise[64], text[128];
  lbctl_copy_text(exercise, sizeof(exercise), lbc_msg_map_str(ev, "exercise"));
  lbctl_train_logged_text(ev, f->unit, text, sizeof(text));
  if (typed) {
    line_end(f, false);
    const msgpack_object *now;
    int r = lbctl_train_amend_numbers(f->ctl, id, &numbers, &now);
    if (r == LBCTL_UNREACHABLE)
      return r;
    if (r == LBCTL_OK) /* else lumbarctl said what lumbard refused; the set stays as logged */
      lbctl_train_numbers_text(now, text, sizeof(text));
  }
  say(f, "Logged set %" PRId64 " of %s: %s.", set, exercise, text);
  if (!typed && !f->told_how) {
    say(f, "(Type the reps and weight before the Enter that ends a set to log them: 25 40kg.)");
    f->told_how = true;
  }
  return -1;
}

/* After the routine: the sets whose train.logged is still to come, waited
 * for a few seconds at most. Returns the exit status. */
static int drain_logged(follow *f, const sigset_t *wait_mask) {
  int64_t deadline = lbctl_clock_now_ms() + 5000;
  while (f->n_pending > 0 && !lbctl_stop_requested()) {
    int64_t left = deadline - lbctl_clock_now_ms();
    const char *name;
    const msgpack_object *params;
    int e = left > 0 ? lbc_client_next_event(f->ctl->client, (int)left, wait_mask, &name, &params)
                     : -ETIMEDOUT;
    if (e == -ETIMEDOUT)
      break;
    if (e == -EINTR)
      continue;
    if (e < 0)
      return lbctl_connection_lost(f->ctl, "rest --wait", e);
    if (strcmp(name, "train.logged") == 0 && on_logged(f, params) == LBCTL_UNREACHABLE)
      return LBCTL_UNREACHABLE;
  }
  return LBCTL_OK;
}

/* ---- the rest's events ------------------------------------------------------------- */

/* One event; the exit status when it ends the wait, else -1. */
static int on_event(follow *f, const char *name, const msgpack_object *params) {
  if (strcmp(name, "train.logged") == 0)
    return on_logged(f, params);
  const msgpack_object *ev = lbctl_rest_view_event(&f->v, name, params);
  if (!ev)
    return -1;
  const char *what = name + 5;
  if (f->ctl->json && lbctl_print_event_json(name, params) < 0)
    return 1; /* see main(): no status of DESIGN §7 fits */
  lbctl_rest_view *v = &f->v;
  char left[32], end[32], dur[64], lab[300];

  if (strcmp(what, "started") == 0) {
    int64_t ends = lbc_msg_map_int0(ev, "ends_at_ms");
    if (f->ph == COUNTING && ends == v->ends_at_ms && lbc_msg_map_int0(ev, "step") == v->step)
      return -1; /* the start this wait began with */
    snprintf(v->state, sizeof(v->state), "running");
    v->ends_at_ms = ends;
    v->seconds = lbc_msg_map_int0(ev, "seconds");
    v->set = lbc_msg_map_int0(ev, "set");
    v->step = lbc_msg_map_int0(ev, "step");
    lbctl_copy_text(v->message, sizeof(v->message), lbc_msg_map_str(ev, "message"));
    ask(f, COUNTING); /* an Enter typed ahead would end this rest at once */
    f->warned = false;
    f->reported_s = v->seconds;
    if (v->steps && !f->ctl->json) {
      line_end(f, false);
      lbctl_rest_view_print_step(v);
    } else {
      say(f, "%s", v->message);
    }
  } else if (strcmp(what, "warning") == 0) {
    f->warned = true;
    if (!f->bar) {
      f->reported_s = lbc_msg_map_int0(ev, "remaining");
      lbctl_clock_countdown(f->reported_s * 1000, left, sizeof(left));
      say(f, "%s: %s left, get ready", v->label, left);
    }
  } else if (strcmp(what, "paused") == 0) {
    snprintf(v->state, sizeof(v->state), "paused");
    v->remaining_ms = lbc_msg_map_int0(ev, "remaining_ms");
    lbctl_clock_countdown(v->remaining_ms, left, sizeof(left));
    if (!f->bar)
      say(f, "%s: paused with %s left", v->label, left);
  } else if (strcmp(what, "resumed") == 0 || strcmp(what, "extended") == 0) {
    bool extended = what[0] == 'e';
    int64_t ends = lbc_msg_map_int0(ev, "ends_at_ms");
    if (ends > 0) {
      snprintf(v->state, sizeof(v->state), "running");
      v->ends_at_ms = ends;
    } else {
      v->remaining_ms += lbc_msg_map_int0(ev, "added") * 1000;
    }
    if (extended) {
      v->seconds = lbc_msg_map_int0(ev, "seconds");
      if (lbc_msg_map_str(ev, "message"))
        lbctl_copy_text(v->message, sizeof(v->message), lbc_msg_map_str(ev, "message"));
    }
    if (lbctl_rest_view_left_ms(v) > v->warn * 1000)
      f->warned = false;
    if (f->ph != COUNTING) { /* a finished rest rests some more */
      line_end(f, false);
      f->ph = COUNTING;
    }
    f->reported_s = (lbctl_rest_view_left_ms(v) + 999) / 1000;
    lbctl_clock_countdown(lbctl_rest_view_left_ms(v), left, sizeof(left));
    lbctl_rest_view_duration(lbc_msg_map_int0(ev, "added"), dur, sizeof(dur));
    lbctl_clock_short(v->ends_at_ms / 1000, true, end, sizeof(end));
    /* The end time the first line said has moved: say the new one, also
     * above the bar. */
    if (extended && lbctl_rest_view_is(v, "running"))
      say(f, "%s: extended by %s, %s left, ends at %s", v->label, dur, left, end);
    else if (extended)
      say(f, "%s: extended by %s, %s left, paused", v->label, dur, left);
    else if (!f->bar)
      say(f, "%s: resumed, %s left, ends at %s", v->label, left, end);
  } else if (strcmp(what, "finished") == 0) {
    return on_finished(f, ev);
  } else if (strcmp(what, "overdue") == 0) {
    snprintf(v->state, sizeof(v->state), "overdue");
    if (f->ph == SET_START)
      say(f, "Set %" PRId64 " is overdue: its window has closed.", f->next_set);
  } else if (strcmp(what, "set_started") == 0) {
    v->set = lbc_msg_map_int0(ev, "set");
    lbctl_copy_text(v->message, sizeof(v->message), lbc_msg_map_str(ev, "message"));
    snprintf(v->state, sizeof(v->state), "in_set");
    line_end(f, false);
    if (!lbctl_rest_view_is_routine(v))
      return LBCTL_OK; /* a single rest's window: the next set is under way */
    if (!f->prompts)
      return how_to_go_on(f);
    ask(f, IN_SET);
  } else if (strcmp(what, "set_done") == 0) {
    v->set = lbc_msg_map_int0(ev, "set");
    line_end(f, false);
    f->ph = MOVING_ON; /* the next rest starts, or the routine is done */
  } else if (strcmp(what, "cancelled") == 0) {
    line_end(f, true);
    const msgpack_object *reason = lbc_msg_map_str(ev, "reason");
    char why[256];
    lbctl_copy_text(why, sizeof(why), reason);
    fprintf(stderr, "lumbarctl: rest %" PRIu64 "%s ", v->id,
            lbctl_rest_view_label_note(v, lab, sizeof(lab)));
    if (!reason || strcmp(why, "cancelled") == 0)
      fprintf(stderr, "was cancelled while this waited\n");
    else
      fprintf(stderr, "ended: %s\n", why);
    return LBCTL_DAEMON_SAID_NO;
  } else if (strcmp(what, "routine_done") == 0) {
    if (!v->steps) /* a sequence's `finished` said its done message */
      say(f, "Routine done: %" PRId64 " sets%s.", v->sets,
          lbctl_rest_view_label_note(v, lab, sizeof(lab)));
    f->routine_done = true;
    lbctl_copy_text(f->trigger, sizeof(f->trigger), lbc_msg_map_str(ev, "routine"));
    if (!f->trigger[0])
      snprintf(f->trigger, sizeof(f->trigger), "%s", v->routine[0] ? v->routine : v->label);
    return LBCTL_OK;
  }
  return -1;
}

/* Enter: rest.next. Its events say what came of it. The Enter that ends a
 * set may come after its reps and weight ("25 40kg"), for the set the
 * train plugin logs. */
static int on_input(follow *f) {
  char buf[256];
  ssize_t n = read(STDIN_FILENO, buf, sizeof(buf) - 1);
  if (n < 0)
    return errno == EINTR || errno == EAGAIN ? -1 : detach(f);
  if (n == 0)
    return detach(f);
  buf[n] = '\0';
  char *newline = strchr(buf, '\n');
  if (!newline)
    return -1; /* text, then Ctrl-D: not an Enter */
  *newline = '\0';
  bool set_done = f->ph == IN_SET;
  lbctl_train_numbers numbers = {0};
  char err[256];
  int typed = set_done ? lbctl_train_parse_typed(buf, &numbers, err, sizeof(err)) : 0;
  /* The terminal's echo of Enter ended the status line: a prompt stays as
   * it was answered, the bar goes (the line with it). Without echo the
   * cursor is still on the line. */
  struct termios t;
  bool echo = tcgetattr(STDIN_FILENO, &t) == 0 && (t.c_lflag & ECHO);
  if (f->line_open && f->ph == COUNTING)
    fputs(echo ? "\033[A\r\033[K" : "\r\033[K", stdout);
  else if (f->line_open && !echo)
    putchar('\n');
  f->line_open = false;
  f->drawn[0] = '\0';
  if (typed < 0) { /* the set goes on until an Enter that reads */
    char clean[256];
    lbctl_clean_text(clean, sizeof(clean), err, strlen(err));
    say(f, "%s: type the reps and the weight (25 40kg), or only Enter", clean);
    return -1;
  }
  if (typed > 0 && f->train != TRAIN_LOGS && !f->told_ignored) {
    say(f, "%s",
        f->train == TRAIN_NOT_LOADED
            ? "(The train plugin is not loaded: the numbers typed are not logged.)"
            : "(No exercise of the train plugin counts the sets of this routine: the "
              "numbers typed are not logged.)");
    f->told_ignored = true;
  }
  fflush(stdout);
  msgpack_sbuffer sb;
  msgpack_packer pk;
  msgpack_sbuffer_init(&sb);
  msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
  msgpack_pack_array(&pk, 1);
  msgpack_pack_uint64(&pk, f->v.id);
  const msgpack_object *result;
  int r = lbctl_call(f->ctl, "rest.next", &sb, &result);
  msgpack_sbuffer_destroy(&sb);
  /* The set is done: the train plugin logs it, after this answer. */
  if (r == LBCTL_OK && set_done && f->train == TRAIN_LOGS && f->n_pending < MAX_TYPED) {
    f->numbers[f->n_pending] = numbers;
    f->typed[f->n_pending++] = typed > 0;
  }
  /* The daemon said no: the rest has moved on meanwhile, and its events,
   * read next, say how. */
  return r == LBCTL_UNREACHABLE ? r : -1;
}

/* Where a follow starts, from the state the rest is in. Returns the exit
 * status when there is nothing to follow, else -1. */
static int settle(follow *f) {
  lbctl_rest_view *v = &f->v;
  if (lbctl_rest_view_is(v, "running") || lbctl_rest_view_is(v, "paused")) {
    f->ph = COUNTING;
    return -1;
  }
  if (f->rest_only)
    return LBCTL_OK; /* over already */
  if (lbctl_rest_view_is(v, "in_set") && lbctl_rest_view_is_routine(v)) {
    if (!f->prompts)
      return how_to_go_on(f);
    ask(f, IN_SET);
    return -1;
  }
  if (lbctl_rest_view_is_over(v) && lbctl_rest_view_is_routine(v) && f->prompts) {
    f->next_set = v->set + 1;
    ask(f, SET_START);
    return -1;
  }
  if (lbctl_rest_view_is_over(v))
    return how_to_go_on(f);
  return LBCTL_OK; /* done: nothing left to follow */
}

static int run(lbctl *ctl, const lbctl_rest_view *start, const sigset_t *wait_mask, bool replay,
               bool rest_only) {
  follow f = {.ctl = ctl, .v = *start, .ph = COUNTING, .rest_only = rest_only};
  f.bar = !ctl->json && isatty(STDOUT_FILENO);
  f.prompts = f.bar && isatty(STDIN_FILENO) && !rest_only;
  f.utf8 = f.bar && lbctl_term_utf8();
  f.reported_s = (lbctl_rest_view_left_ms(&f.v) + 999) / 1000;
  if (ctl->json)
    fflush(stdout);

  int r = -1;
  bool own = false;
  size_t before = lbc_client_n_queued(ctl->client);
  for (size_t i = 0; i < before && r < 0; i++) {
    const char *name;
    const msgpack_object *params;
    if (lbc_client_next_event(ctl->client, 0, NULL, &name, &params) < 0 ||
        !lbctl_rest_view_event(&f.v, name, params))
      continue;
    own = true;
    if (replay)
      r = on_event(&f, name, params);
    else if (ctl->json && lbctl_print_event_json(name, params) < 0)
      r = 1;
  }
  if (r < 0 && !(replay && own))
    r = settle(&f);
  /* Asked after the events of the start are read: those that come during
   * the call are the wait's. */
  if (r < 0 && f.prompts && lbctl_rest_view_is_routine(&f.v) && f.v.routine[0])
    r = train_prepare(&f);

  while (r < 0) {
    if (lbctl_stop_requested()) {
      r = detach(&f);
      break;
    }
    /* Whatever has come, before waiting: the client may hold events it
     * read along with others, which no poll of its socket would show. */
    const char *name;
    const msgpack_object *params;
    int e = lbc_client_next_event(ctl->client, 0, NULL, &name, &params);
    if (e == 0) {
      r = on_event(&f, name, params);
      continue;
    }
    if (e != -ETIMEDOUT) {
      line_end(&f, true);
      r = lbctl_connection_lost(ctl, "rest --wait", e);
      break;
    }
    draw(&f);
    fflush(stdout);

    bool reading =
        f.prompts && (f.ph == SET_START || f.ph == IN_SET || (f.ph == COUNTING && enter_skips(&f)));
    bool ticking = f.ph == COUNTING && lbctl_rest_view_is(&f.v, "running");
    struct pollfd pfd[2] = {{.fd = lbc_client_fd(ctl->client), .events = POLLIN},
                            {.fd = STDIN_FILENO, .events = POLLIN}};
    struct timespec tick = {.tv_nsec = (f.bar ? 100 : 250) * 1000000L};
    int n = ppoll(pfd, reading ? 2 : 1, ticking ? &tick : NULL, wait_mask);
    if (n < 0 && errno != EINTR) {
      line_end(&f, true);
      r = lbctl_connection_lost(ctl, "rest --wait", -errno);
      break;
    }
    if (n > 0 && reading && pfd[1].revents)
      r = on_input(&f);
  }
  if (r == LBCTL_OK && f.n_pending > 0)
    r = drain_logged(&f, wait_mask);
  fflush(stdout);
  if (r == LBCTL_OK && f.routine_done && f.prompts)
    r = lbctl_checkin_after(ctl, f.trigger, wait_mask);
  return r;
}

int lbctl_countdown_run(lbctl *ctl, const lbctl_rest_view *start, const sigset_t *wait_mask,
                        bool replay) {
  return run(ctl, start, wait_mask, replay, false);
}

int lbctl_countdown_run_rest(lbctl *ctl, const lbctl_rest_view *start, const sigset_t *wait_mask) {
  return run(ctl, start, wait_mask, false, true);
}

int lbctl_countdown_subscribe(lbctl *ctl) {
  int r = lbctl_connect(ctl);
  if (r != LBCTL_OK)
    return r;
  static const char *const pattern[] = {"rest.*"};
  return lbctl_status(ctl, "daemon.subscribe", lbc_client_subscribe(ctl->client, pattern, 1, NULL));
}

int lbctl_countdown_prepare(lbctl *ctl, sigset_t *ret_wait_mask) {
  lbctl_stop_catch(ret_wait_mask);
  return lbctl_countdown_subscribe(ctl);
}
