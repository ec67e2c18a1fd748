/* The rest verbs (plugins/rest/README.md): rests between sets, routines that
 * count sets, guided sequences, and following one rest (--wait, rest watch)
 * with a live countdown until it is over. */
#include <errno.h>
#include <inttypes.h>
#include <lumbard/rpc.h>
#include <poll.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "lumbarctl.h"

/* ---- a rest as lumbarctl knows it -------------------------------------------- */

/* A copy of a view (or what the events said since): results and events
 * live only until the next call into the client. Text is cleaned of control
 * characters on the way in, so it prints as it is. */
typedef struct view {
  uint64_t id;
  char label[256], state[16], message[512], routine[128];
  int64_t seconds, remaining_ms, ends_at_ms, window_end_ms;
  int64_t set, sets, step, steps, warn;
} view;

static void view_read(view *v, const msgpack_object *m) {
  v->id = (uint64_t)lb_msg_map_int0(m, "id");
  lbctl_copy_text(v->label, sizeof(v->label), lb_msg_map_str(m, "label"));
  lbctl_copy_text(v->state, sizeof(v->state), lb_msg_map_str(m, "state"));
  lbctl_copy_text(v->message, sizeof(v->message), lb_msg_map_str(m, "message"));
  lbctl_copy_text(v->routine, sizeof(v->routine), lb_msg_map_str(m, "routine"));
  v->seconds = lb_msg_map_int0(m, "seconds");
  v->remaining_ms = lb_msg_map_int0(m, "remaining_ms");
  v->ends_at_ms = lb_msg_map_int0(m, "ends_at_ms");
  v->window_end_ms = lb_msg_map_int0(m, "window_end_ms");
  v->set = lb_msg_map_int0(m, "set");
  v->sets = lb_msg_map_int0(m, "sets");
  v->step = lb_msg_map_int0(m, "step");
  v->steps = lb_msg_map_int0(m, "steps");
  v->warn = lb_msg_map_int0(m, "warn");
}

static bool in_state(const view *v, const char *state) {
  return strcmp(v->state, state) == 0;
}

static bool is_routine(const view *v) {
  return v->sets > 1 && !v->steps;
}

/* Over, waiting for the next set: a routine between sets, or a window. */
static bool is_over(const view *v) {
  return in_state(v, "ready") || in_state(v, "overdue");
}

static const char *noun(const view *v) {
  return v->steps ? "sequence" : is_routine(v) ? "routine" : "rest";
}

/* What is left of a running or paused rest, in ms. */
static int64_t left_ms(const view *v) {
  int64_t left = in_state(v, "running") ? v->ends_at_ms - lbctl_clock_now_ms() : v->remaining_ms;
  return left > 0 ? left : 0;
}

/* "0:47", "12:05", "1:02:03": time left, rounded up to the second. */
static void fmt_left(int64_t ms, char *buf, size_t len) {
  long long s = (ms + 999) / 1000;
  if (s >= 3600)
    snprintf(buf, len, "%lld:%02lld:%02lld", s / 3600, s / 60 % 60, s % 60);
  else
    snprintf(buf, len, "%lld:%02lld", s / 60, s % 60);
}

static void fmt_duration(int64_t seconds, char *buf, size_t len) {
  lbctl_clock_duration(seconds > 0 ? (uint64_t)seconds : 0, buf, len);
}

/* " (abduction)", or nothing for the daemon's default label. */
static const char *label_note(const view *v, char *buf, size_t len) {
  if (!v->label[0] || strcmp(v->label, "rest") == 0)
    return "";
  snprintf(buf, len, " (%s)", v->label);
  return buf;
}

/* ", set 1 of 3 done" or ", step 1 of 2": where a routine or sequence is. */
static const char *progress_note(const view *v, char *buf, size_t len) {
  if (v->steps)
    snprintf(buf, len, ", step %" PRId64 " of %" PRId64, v->step, v->steps);
  else if (v->sets > 1)
    snprintf(buf, len, ", set %" PRId64 " of %" PRId64 " done", v->set, v->sets);
  else
    return "";
  return buf;
}

/* prefix, then text wrapped at word boundaries to cols columns (a word
 * longer than a line stays whole), the lines after the first indented as
 * far as the prefix reaches, or by two columns when that leaves too little
 * room. */
static void put_wrapped(const char *prefix, const char *text, int cols) {
  int col = lbctl_text_width(prefix);
  fputs(prefix, stdout);
  lbctl_put_wrapped(stdout, text, col, cols - col < 30 ? 2 : col, cols);
}

/* "Step 1 of 2 (1min): Left side: deep massage ...": a step and what to do,
 * wrapped to the terminal. */
static void print_step(const view *v) {
  char dur[64], prefix[128];
  fmt_duration(v->seconds, dur, sizeof(dur));
  snprintf(prefix, sizeof(prefix), "Step %" PRId64 " of %" PRId64 " (%s): ", v->step, v->steps,
           dur);
  put_wrapped(prefix, v->message, lbctl_term_columns());
}

/* A line of text; on a terminal wrapped at word boundaries to its width,
 * which would otherwise break it anywhere. */
static void put_line(const char *text) {
  if (isatty(STDOUT_FILENO))
    put_wrapped("", text, lbctl_term_columns());
  else
    printf("%s\n", text);
}

/* "LEAD: 1min 30s (abduction), set 1 of 3 done, ends at 17:42:10" for a rest
 * that just started (fresh: its length), else "LEAD: 0:47 left (abduction),
 * ..., ends at 17:42:10" (or ", paused"). A step of a sequence that just
 * started adds its text. */
static void print_running(const view *v, const char *lead, bool fresh) {
  char dur[64], lab[300], prog[64], end[32], line[1024];
  if (fresh) {
    fmt_duration(v->seconds, dur, sizeof(dur));
  } else {
    fmt_left(left_ms(v), dur, sizeof(dur));
    strcat(dur, " left");
  }
  if (in_state(v, "running")) {
    lbctl_clock_short(v->ends_at_ms / 1000, true, end, sizeof(end));
  } else {
    snprintf(end, sizeof(end), "%s", v->state);
  }
  snprintf(line, sizeof(line), "%s: %s%s%s, %s%s", lead, dur, label_note(v, lab, sizeof(lab)),
           progress_note(v, prog, sizeof(prog)), in_state(v, "running") ? "ends at " : "", end);
  put_line(line);
  if (v->steps && fresh)
    print_step(v);
}

/* The line that says what a rest is doing now, after lead ("Rest 3
 * started", "Watching routine 7"): its countdown, or where its routine
 * is. */
static void print_now(const view *v, const char *lead, bool fresh) {
  char lab[300], at[32], what[128], line[1024];
  if (in_state(v, "running") || in_state(v, "paused")) {
    print_running(v, lead, fresh);
    return;
  }
  if (in_state(v, "in_set")) {
    snprintf(what, sizeof(what), "set %" PRId64 " of %" PRId64 " under way", v->set, v->sets);
  } else if (is_routine(v) && in_state(v, "ready")) {
    snprintf(what, sizeof(what), "rest over, set %" PRId64 " of %" PRId64 " next", v->set + 1,
             v->sets);
  } else if (is_routine(v) && in_state(v, "overdue")) {
    snprintf(what, sizeof(what), "set %" PRId64 " of %" PRId64 " is overdue", v->set + 1, v->sets);
  } else if (in_state(v, "ready") && v->window_end_ms > 0) {
    lbctl_clock_short(v->window_end_ms / 1000, true, at, sizeof(at));
    snprintf(what, sizeof(what), "rest over, the next set by %s", at);
  } else if (in_state(v, "overdue")) {
    snprintf(what, sizeof(what), "rest over, the next set is overdue");
  } else {
    snprintf(what, sizeof(what), "%s", v->state);
  }
  snprintf(line, sizeof(line), "%s%s: %s", lead, label_note(v, lab, sizeof(lab)), what);
  put_line(line);
}

/* ---- following one rest: --wait and rest watch ---------------------------------------- */

typedef enum phase {
  COUNTING,  /* running or paused: the countdown */
  MOVING_ON, /* over; the daemon moves on by itself (a step, a set, the routine's end) */
  SET_START, /* a routine waits for its next set to start */
  IN_SET,    /* a routine's set is under way */
} phase;

typedef struct follow {
  lbctl *ctl;
  view v;
  phase ph;
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
} follow;

/* Enter during the countdown moves on: a routine's next set starts now, a
 * sequence's next step. A single rest just counts down. */
static bool enter_skips(const follow *f) {
  return f->prompts && (f->v.steps || (is_routine(&f->v) && f->v.set < f->v.sets));
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
  bool paused = in_state(&f->v, "paused");
  int64_t left = left_ms(&f->v), total = f->v.seconds * 1000;
  char time_left[32], prog[64] = "", label[64], hint[64] = "";
  fmt_left(left, time_left, sizeof(time_left));
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
    int64_t s = (left_ms(&f->v) + 999) / 1000;
    if (in_state(&f->v, "running") && s > 0 && s % 10 == 0 && s < f->reported_s) {
      char left[32];
      fmt_left(s * 1000, left, sizeof(left));
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
  const view *v = &f->v;
  if (in_state(v, "in_set")) {
    if (strncmp(v->message, "Set ", 4) == 0)
      say(f, "%s", v->message);
    say(f, "Next: 'lumbarctl rest next %" PRIu64 "' when set %" PRId64 " is done.", v->id, v->set);
  } else if (is_routine(v)) {
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
  snprintf(c[n++], sizeof(c[0]), "The %s goes on in lumbard (id %" PRIu64 "):", noun(&f->v), id);
  snprintf(c[n++], sizeof(c[0]), "'lumbarctl rest watch %" PRIu64 "' follows it again,", id);
  if (is_routine(&f->v))
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

/* The fields of an event of the rest followed, or NULL. */
static const msgpack_object *own_event(const follow *f, const char *name,
                                       const msgpack_object *params) {
  const msgpack_object *ev = NULL;
  if (params && params->type == MSGPACK_OBJECT_ARRAY && params->via.array.size == 1)
    ev = &params->via.array.ptr[0];
  int64_t id;
  if (strncmp(name, "rest.", 5) != 0 || !lb_msg_map_int(ev, "id", &id) || (uint64_t)id != f->v.id)
    return NULL;
  return ev;
}

/* The rest is over (finished): what comes next. */
static int on_finished(follow *f, const msgpack_object *ev) {
  view *v = &f->v;
  char left[32];
  lbctl_copy_text(v->message, sizeof(v->message), lb_msg_map_str(ev, "message"));
  int64_t next = lb_msg_map_int0(ev, "next_set");
  if (lb_msg_map_true(ev, "early")) { /* rest.next during the rest: no bell, the person chose it */
    /* lumbard says "Rest ended 35s early: set 2 of 3 (...)", "Step 1 of 2
     * done early", or a sequence's done message */
    fmt_left(lb_msg_map_int0(ev, "left_ms"), left, sizeof(left));
    if (v->message[0])
      say(f, "%s", v->message);
    else
      say(f, "Rest ended early, %s before its end", left);
    if (!v->steps && !(next > 0 && is_routine(v)))
      return LBCTL_OK; /* a single rest: the next set is under way, nothing to follow */
    f->ph = MOVING_ON; /* the next set or step starts at once, or the sequence is done */
    return -1;
  }
  say(f, "%s%s", v->message, f->bar ? "\a" : "");
  if (v->steps) {
    f->ph = MOVING_ON; /* the next step starts by itself, or the sequence is done */
  } else if (next > 0 && is_routine(v) && f->prompts) {
    snprintf(v->state, sizeof(v->state), "ready");
    f->next_set = next;
    ask(f, SET_START);
  } else if (next > 0 && is_routine(v)) {
    snprintf(v->state, sizeof(v->state), "ready");
    v->set = next - 1;
    return how_to_go_on(f);
  } else {
    return LBCTL_OK;
  }
  return -1;
}

/* One event; the exit status when it ends the wait, else -1. */
static int on_event(follow *f, const char *name, const msgpack_object *params) {
  const msgpack_object *ev = own_event(f, name, params);
  if (!ev)
    return -1;
  const char *what = name + 5;
  if (f->ctl->json && lbctl_print_event_json(name, params) < 0)
    return 1; /* see main(): no status of DESIGN §7 fits */
  view *v = &f->v;
  char left[32], end[32], dur[64], lab[300];

  if (strcmp(what, "started") == 0) {
    int64_t ends = lb_msg_map_int0(ev, "ends_at_ms");
    if (f->ph == COUNTING && ends == v->ends_at_ms && lb_msg_map_int0(ev, "step") == v->step)
      return -1; /* the start this wait began with */
    snprintf(v->state, sizeof(v->state), "running");
    v->ends_at_ms = ends;
    v->seconds = lb_msg_map_int0(ev, "seconds");
    v->set = lb_msg_map_int0(ev, "set");
    v->step = lb_msg_map_int0(ev, "step");
    lbctl_copy_text(v->message, sizeof(v->message), lb_msg_map_str(ev, "message"));
    ask(f, COUNTING); /* an Enter typed ahead would end this rest at once */
    f->warned = false;
    f->reported_s = v->seconds;
    if (v->steps && !f->ctl->json) {
      line_end(f, false);
      print_step(v);
    } else {
      say(f, "%s", v->message);
    }
  } else if (strcmp(what, "warning") == 0) {
    f->warned = true;
    if (!f->bar) {
      f->reported_s = lb_msg_map_int0(ev, "remaining");
      fmt_left(f->reported_s * 1000, left, sizeof(left));
      say(f, "%s: %s left, get ready", v->label, left);
    }
  } else if (strcmp(what, "paused") == 0) {
    snprintf(v->state, sizeof(v->state), "paused");
    v->remaining_ms = lb_msg_map_int0(ev, "remaining_ms");
    fmt_left(v->remaining_ms, left, sizeof(left));
    if (!f->bar)
      say(f, "%s: paused with %s left", v->label, left);
  } else if (strcmp(what, "resumed") == 0 || strcmp(what, "extended") == 0) {
    bool extended = what[0] == 'e';
    int64_t ends = lb_msg_map_int0(ev, "ends_at_ms");
    if (ends > 0) {
      snprintf(v->state, sizeof(v->state), "running");
      v->ends_at_ms = ends;
    } else {
      v->remaining_ms += lb_msg_map_int0(ev, "added") * 1000;
    }
    if (extended) {
      v->seconds = lb_msg_map_int0(ev, "seconds");
      if (lb_msg_map_str(ev, "message"))
        lbctl_copy_text(v->message, sizeof(v->message), lb_msg_map_str(ev, "message"));
    }
    if (left_ms(v) > v->warn * 1000)
      f->warned = false;
    if (f->ph != COUNTING) { /* a finished rest rests some more */
      line_end(f, false);
      f->ph = COUNTING;
    }
    f->reported_s = (left_ms(v) + 999) / 1000;
    fmt_left(left_ms(v), left, sizeof(left));
    fmt_duration(lb_msg_map_int0(ev, "added"), dur, sizeof(dur));
    lbctl_clock_short(v->ends_at_ms / 1000, true, end, sizeof(end));
    /* The end time the first line said has moved: say the new one, also
     * above the bar. */
    if (extended && in_state(v, "running"))
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
    v->set = lb_msg_map_int0(ev, "set");
    lbctl_copy_text(v->message, sizeof(v->message), lb_msg_map_str(ev, "message"));
    snprintf(v->state, sizeof(v->state), "in_set");
    line_end(f, false);
    if (!is_routine(v))
      return LBCTL_OK; /* a single rest's window: the next set is under way */
    if (!f->prompts)
      return how_to_go_on(f);
    ask(f, IN_SET);
  } else if (strcmp(what, "set_done") == 0) {
    v->set = lb_msg_map_int0(ev, "set");
    line_end(f, false);
    f->ph = MOVING_ON; /* the next rest starts, or the routine is done */
  } else if (strcmp(what, "cancelled") == 0) {
    line_end(f, true);
    const msgpack_object *reason = lb_msg_map_str(ev, "reason");
    char why[256];
    lbctl_copy_text(why, sizeof(why), reason);
    fprintf(stderr, "lumbarctl: rest %" PRIu64 "%s ", v->id, label_note(v, lab, sizeof(lab)));
    if (!reason || strcmp(why, "cancelled") == 0)
      fprintf(stderr, "was cancelled while this waited\n");
    else
      fprintf(stderr, "ended: %s\n", why);
    return LBCTL_DAEMON_SAID_NO;
  } else if (strcmp(what, "routine_done") == 0) {
    if (!v->steps) /* a sequence's `finished` said its done message */
      say(f, "Routine done: %" PRId64 " sets%s.", v->sets, label_note(v, lab, sizeof(lab)));
    f->routine_done = true;
    lbctl_copy_text(f->trigger, sizeof(f->trigger), lb_msg_map_str(ev, "routine"));
    if (!f->trigger[0])
      snprintf(f->trigger, sizeof(f->trigger), "%s", v->routine[0] ? v->routine : v->label);
    return LBCTL_OK;
  }
  return -1;
}

/* Enter: rest.next. Its events say what came of it. */
static int on_input(follow *f) {
  char buf[256];
  ssize_t n = read(STDIN_FILENO, buf, sizeof(buf));
  if (n < 0)
    return errno == EINTR || errno == EAGAIN ? -1 : detach(f);
  if (n == 0)
    return detach(f);
  if (!memchr(buf, '\n', (size_t)n))
    return -1; /* text, then Ctrl-D: not an Enter */
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
  /* The daemon said no: the rest has moved on meanwhile, and its events,
   * read next, say how. */
  return r == LBCTL_UNREACHABLE ? r : -1;
}

/* Where a follow starts, from the state the rest is in. Returns the exit
 * status when there is nothing to follow, else -1. */
static int settle(follow *f) {
  view *v = &f->v;
  if (in_state(v, "running") || in_state(v, "paused")) {
    f->ph = COUNTING;
    return -1;
  }
  if (in_state(v, "in_set") && is_routine(v)) {
    if (!f->prompts)
      return how_to_go_on(f);
    ask(f, IN_SET);
    return -1;
  }
  if (is_over(v) && is_routine(v) && f->prompts) {
    f->next_set = v->set + 1;
    ask(f, SET_START);
    return -1;
  }
  if (is_over(v))
    return how_to_go_on(f);
  return LBCTL_OK; /* done: nothing left to follow */
}

/* Follow rest start (subscribed to rest.* before its view was asked for)
 * until it is over, or until a person must act and no prompt can ask.
 * The events that came before the view are in it already: with replay
 * they are shown (they say what the call that answered start did, as for
 * rest next), else only passed on with --json. A routine that ends here,
 * with stdin and stdout terminals, is followed by the check-in. */
static int follow_rest(lbctl *ctl, const view *start, const sigset_t *wait_mask, bool replay) {
  follow f = {.ctl = ctl, .v = *start, .ph = COUNTING};
  f.bar = !ctl->json && isatty(STDOUT_FILENO);
  f.prompts = f.bar && isatty(STDIN_FILENO);
  f.utf8 = f.bar && lbctl_term_utf8();
  f.reported_s = (left_ms(&f.v) + 999) / 1000;
  if (ctl->json)
    fflush(stdout);

  int r = -1;
  bool own = false;
  size_t before = lb_client_n_queued(ctl->client);
  for (size_t i = 0; i < before && r < 0; i++) {
    const char *name;
    const msgpack_object *params;
    if (lb_client_next_event(ctl->client, 0, NULL, &name, &params) < 0 ||
        !own_event(&f, name, params))
      continue;
    own = true;
    if (replay)
      r = on_event(&f, name, params);
    else if (ctl->json && lbctl_print_event_json(name, params) < 0)
      r = 1;
  }
  if (r < 0 && !(replay && own))
    r = settle(&f);

  while (r < 0) {
    if (lbctl_stop_requested()) {
      r = detach(&f);
      break;
    }
    /* Whatever has come, before waiting: the client may hold events it
     * read along with others, which no poll of its socket would show. */
    const char *name;
    const msgpack_object *params;
    int e = lb_client_next_event(ctl->client, 0, NULL, &name, &params);
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
    bool ticking = f.ph == COUNTING && in_state(&f.v, "running");
    struct pollfd pfd[2] = {{.fd = lb_client_fd(ctl->client), .events = POLLIN},
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
  fflush(stdout);
  if (r == LBCTL_OK && f.routine_done && f.prompts)
    r = lbctl_checkin_after(ctl, f.trigger, wait_mask);
  return r;
}

static int subscribe_rest(lbctl *ctl) {
  int r = lbctl_connect(ctl);
  if (r != LBCTL_OK)
    return r;
  static const char *const pattern[] = {"rest.*"};
  return lbctl_status(ctl, "daemon.subscribe", lb_client_subscribe(ctl->client, pattern, 1, NULL));
}

/* Catch Ctrl-C and subscribe to the rest events, for a follow that begins
 * with the next call. */
static int follow_prepare(lbctl *ctl, sigset_t *ret_wait_mask) {
  lbctl_stop_catch(ret_wait_mask);
  return subscribe_rest(ctl);
}

/* ---- starting: rest start, rest preset ---------------------------------------------- */

/* Subscribe (for --wait), call, print; then follow when waiting. */

/* The answer of a call that starts or moves a rest: with --json printed
 * (and that is all, unless waiting); else read into v. An exit status, or
 * -1 to go on. */
static int take_answer(const lbctl *ctl, const msgpack_object *result, bool wait, view *v) {
  if (ctl->json && !wait)
    return lbctl_print_json_result(result);
  if (ctl->json && lbctl_json_print(stdout, result, false) < 0)
    return 1;
  view_read(v, result);
  return -1;
}

static int start_and_print(lbctl *ctl, const char *method, const msgpack_sbuffer *params,
                           bool wait) {
  sigset_t wait_mask;
  int r = wait ? follow_prepare(ctl, &wait_mask) : LBCTL_OK;
  if (r != LBCTL_OK)
    return r;
  const msgpack_object *result;
  r = lbctl_call(ctl, method, params, &result);
  if (r != LBCTL_OK)
    return r;
  view v;
  if ((r = take_answer(ctl, result, wait, &v)) >= 0)
    return r;
  char lead[64];
  snprintf(lead, sizeof(lead), "%s %" PRIu64 " started",
           in_state(&v, "in_set") ? "Routine" : "Rest", v.id);
  if (!ctl->json)
    print_now(&v, lead, true);
  if (wait)
    return follow_rest(ctl, &v, &wait_mask, false);
  if (in_state(&v, "in_set")) {
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
    if (!lb_msg_str_eq(lb_msg_map_str(p, "name"), name))
      continue;
    int64_t sets = lb_msg_map_int0(p, "sets");
    const msgpack_object *steps = lb_msg_map_get(p, "steps");
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
static void print_next(const view *v) {
  char lab[300], lead[64];
  if (in_state(v, "running")) { /* the next rest of a routine, or the next step */
    snprintf(lead, sizeof(lead), "Rest %" PRIu64 " started", v->id);
    print_running(v, lead, true);
  } else if (in_state(v, "in_set")) {
    printf("Set %" PRId64 " of %" PRId64 " under way%s: 'lumbarctl rest next %" PRIu64
           "' when it is done\n",
           v->set, v->sets, label_note(v, lab, sizeof(lab)), v->id);
  } else if (v->steps) {
    printf("Sequence %" PRIu64 " done%s: that was the last step\n", v->id,
           label_note(v, lab, sizeof(lab)));
  } else if (is_routine(v)) {
    printf("Routine %" PRIu64 " done%s: that was the last set\n", v->id,
           label_note(v, lab, sizeof(lab)));
  } else {
    printf("Rest %" PRIu64 " done%s: the next set is under way\n", v->id,
           label_note(v, lab, sizeof(lab)));
  }
}

static int id_run(lbctl *ctl, const lbctl_verb *self, int argc, char **argv) {
  const msgpack_object *result;
  int r = lbctl_positionals(self, &argc, argv, 1, 1);
  if (r == LBCTL_OK)
    r = id_call(ctl, self, argv[1], NULL, &result);
  if (r != LBCTL_OK || ctl->json)
    return r != LBCTL_OK ? r : lbctl_print_json_result(result);
  view v;
  view_read(&v, result);
  char lab[300], prog[64], left[32], lead[64];
  const char *verb = strchr(self->name, ' ') + 1;
  if (strcmp(verb, "cancel") == 0) {
    printf("Rest %" PRIu64 " cancelled%s\n", v.id, label_note(&v, lab, sizeof(lab)));
  } else if (strcmp(verb, "pause") == 0) {
    fmt_left(v.remaining_ms, left, sizeof(left));
    printf("Rest %" PRIu64 " paused: %s left%s%s; 'lumbarctl rest resume %" PRIu64 "' goes on\n",
           v.id, left, label_note(&v, lab, sizeof(lab)), progress_note(&v, prog, sizeof(prog)),
           v.id);
  } else {
    snprintf(lead, sizeof(lead), "Rest %" PRIu64 " resumed", v.id);
    print_running(&v, lead, false);
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
    r = follow_prepare(ctl, &wait_mask);
  else if (r == LBCTL_OK && !ctl->json)
    r = subscribe_rest(ctl);
  const msgpack_object *result;
  if (r == LBCTL_OK)
    r = id_call(ctl, self, argv[1], NULL, &result);
  if (r != LBCTL_OK)
    return r;
  view v;
  if ((r = take_answer(ctl, result, wait, &v)) >= 0)
    return r;
  if (!wait) {
    for (size_t n = lb_client_n_queued(ctl->client); n > 0; n--) {
      const char *name;
      const msgpack_object *params, *ev;
      if (lb_client_next_event(ctl->client, 0, NULL, &name, &params) < 0)
        break;
      follow f = {.v = v};
      if (strcmp(name, "rest.finished") == 0 && (ev = own_event(&f, name, params)) &&
          lb_msg_map_true(ev, "early")) {
        char msg[512];
        lbctl_copy_text(msg, sizeof(msg), lb_msg_map_str(ev, "message"));
        if (msg[0])
          put_line(msg); /* "Rest ended 35s early: set 2 of 3 (...)" */
      }
    }
    print_next(&v);
    return LBCTL_OK;
  }
  /* The events of the next, queued before its answer, say what it did: a
   * rest that ended early, a set done, the routine done. */
  return follow_rest(ctl, &v, &wait_mask, true);
}

static int extend_run(lbctl *ctl, const lbctl_verb *self, int argc, char **argv) {
  const msgpack_object *result;
  int r = lbctl_positionals(self, &argc, argv, 2, 2);
  if (r == LBCTL_OK)
    r = id_call(ctl, self, argv[1], argv[2], &result);
  if (r != LBCTL_OK || ctl->json)
    return r != LBCTL_OK ? r : lbctl_print_json_result(result);
  view v;
  view_read(&v, result);
  char dur[64], lead[128];
  fmt_duration(v.seconds, dur, sizeof(dur));
  snprintf(lead, sizeof(lead), "Rest %" PRIu64 " extended to %s", v.id, dur);
  print_running(&v, lead, false);
  return LBCTL_OK;
}

/* ---- rest watch, rest list --wait: following a rest started elsewhere ------------------------ */

/* Follow the rest of view v (found after follow_prepare()). */
static int watch_view(lbctl *ctl, const view *v, const sigset_t *wait_mask) {
  char lead[64];
  snprintf(lead, sizeof(lead), "Watching %s %" PRIu64, noun(v), v->id);
  if (!ctl->json)
    print_now(v, lead, false);
  return follow_rest(ctl, v, wait_mask, false);
}

static int watch_run(lbctl *ctl, const lbctl_verb *self, int argc, char **argv) {
  uint64_t id;
  int r = lbctl_positionals(self, &argc, argv, 1, 1);
  if (r == LBCTL_OK)
    r = lbctl_parse_id(self, argv[1], "rest", &id);
  sigset_t wait_mask;
  if (r == LBCTL_OK)
    r = follow_prepare(ctl, &wait_mask);
  if (r != LBCTL_OK)
    return r;
  /* The page of one rest that starts at id. */
  lbctl_request q;
  msgpack_packer *pk = lbctl_request_start(&q, 1);
  msgpack_pack_map(pk, id > 0 ? 2 : 1);
  lb_rpc_pack_str(pk, "limit");
  msgpack_pack_uint64(pk, 1);
  if (id > 0) {
    lb_rpc_pack_str(pk, "after");
    msgpack_pack_uint64(pk, id - 1);
  }
  const msgpack_object *page;
  r = lbctl_request_send(ctl, &q, "rest.list", &page);
  if (r != LBCTL_OK)
    return r;
  if (page->type != MSGPACK_OBJECT_ARRAY || page->via.array.size == 0 ||
      (uint64_t)lb_msg_map_int0(&page->via.array.ptr[0], "id") != id) {
    fprintf(stderr,
            "lumbarctl: rest watch: no rest %" PRIu64
            " is under way: it has ended or never was; 'lumbarctl rest list' shows the rests\n",
            id);
    return LBCTL_DAEMON_SAID_NO;
  }
  if (ctl->json && lbctl_json_print(stdout, &page->via.array.ptr[0], false) < 0)
    return 1;
  view v;
  view_read(&v, &page->via.array.ptr[0]);
  return watch_view(ctl, &v, &wait_mask);
}

/* rest list --wait: follow the rest under way, the most recent of them. */
static int list_wait(lbctl *ctl) {
  sigset_t wait_mask;
  int r = follow_prepare(ctl, &wait_mask);
  lb_client_list *l = NULL;
  if (r == LBCTL_OK)
    r = lbctl_call_list(ctl, "rest.list", &l);
  if (r != LBCTL_OK)
    return r;
  const msgpack_object *list = lb_client_list_items(l);
  uint32_t n = list->via.array.size;
  if (n == 0) {
    lb_client_list_free(l);
    fprintf(stderr, "lumbarctl: rest list --wait: no rest is under way to follow; 'lumbarctl "
                    "rest start --wait' or 'lumbarctl rest preset NAME --wait' starts one\n");
    return LBCTL_DAEMON_SAID_NO;
  }
  view v;
  view_read(&v, &list->via.array.ptr[n - 1]); /* ids grow: the last started */
  if (ctl->json && lbctl_json_print(stdout, &list->via.array.ptr[n - 1], false) < 0) {
    lb_client_list_free(l);
    return 1;
  }
  lb_client_list_free(l);
  if (n > 1) {
    char lab[300];
    fprintf(ctl->json ? stderr : stdout,
            "%" PRIu32 " rests are under way; this follows the most recent, %s %" PRIu64
            "%s.\n'lumbarctl rest watch ID' follows another one.\n",
            n, noun(&v), v.id, label_note(&v, lab, sizeof(lab)));
  }
  return watch_view(ctl, &v, &wait_mask);
}

/* ---- rest list ------------------------------------------------------------------------------ */

static void list_cells(const view *v, char *left, size_t left_len, char *prog, size_t prog_len) {
  snprintf(left, left_len, "-");
  if (strcmp(v->state, "running") == 0 || strcmp(v->state, "paused") == 0)
    fmt_left(v->remaining_ms, left, left_len);
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
  lb_client_list *l;
  r = lbctl_query_list(ctl, self, argc, argv, "rest.list", &l);
  if (!l)
    return r;
  const msgpack_object *list = lb_client_list_items(l);
  uint32_t n = list->via.array.size;
  if (n == 0) {
    printf("No rests under way.\n");
    lb_client_list_free(l);
    return LBCTL_OK;
  }
  /* The cells of each row are read once, for the widths, and kept as text
   * until the table prints. */
  static const char *const head[] = {"ID", "LABEL", "STATE", "LEFT", "PROGRESS", "MESSAGE"};
  int w[5];
  lbctl_table_start(w, head, 5);
  lbctl_rows rows = {0};
  for (uint32_t i = 0; i < n && r == LBCTL_OK; i++) {
    view v;
    char cell[5][300];
    view_read(&v, &list->via.array.ptr[i]);
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
  lb_client_list_free(l);
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
  lbctl_copy_text(name, sizeof(name), lb_msg_map_str(p, "name"));
  lbctl_copy_text(label, sizeof(label), lb_msg_map_str(p, "label"));
  printf("%s%s%s", lbctl_term_bold(ctl), name, lbctl_term_reset(ctl));
  if (label[0] && strcmp(label, name) != 0)
    printf(" (%s)", label);
  const msgpack_object *steps = lb_msg_map_get(p, "steps");
  uint32_t n_steps = steps && steps->type == MSGPACK_OBJECT_ARRAY ? steps->via.array.size : 0;
  if (n_steps) {
    int64_t total = 0;
    for (uint32_t i = 0; i < n_steps; i++)
      total += lb_msg_map_int0(&steps->via.array.ptr[i], "seconds");
    fmt_duration(total, d1, sizeof(d1));
    printf(": a sequence of %" PRIu32 " step%s, %s in all\n", n_steps, n_steps == 1 ? "" : "s", d1);
  } else {
    int64_t sets = lb_msg_map_int0(p, "sets");
    lbctl_copy_text(text, sizeof(text), lb_msg_map_str(p, "reps"));
    printf(": %" PRId64 " set%s", sets, sets == 1 ? "" : "s");
    if (text[0])
      printf(" of %s reps", text);
    lbctl_copy_text(text, sizeof(text), lb_msg_map_str(p, "weight"));
    if (text[0])
      printf(", %s", text);
    fmt_duration(lb_msg_map_int0(p, "rest"), d1, sizeof(d1));
    printf("; rest %s", d1);
    if (lb_msg_map_int0(p, "until") > 0) {
      fmt_duration(lb_msg_map_int0(p, "until"), d2, sizeof(d2));
      printf(" (next set within %s)", d2);
    }
    putchar('\n');
  }
  lbctl_copy_text(text, sizeof(text), lb_msg_map_str(p, "description"));
  if (text[0])
    put_wrapped("  ", text, 78);
  for (uint32_t i = 0; i < n_steps; i++) {
    const msgpack_object *s = &steps->via.array.ptr[i];
    fmt_duration(lb_msg_map_int0(s, "seconds"), d1, sizeof(d1));
    lbctl_copy_text(text, sizeof(text), lb_msg_map_str(s, "text"));
    char prefix[96];
    snprintf(prefix, sizeof(prefix), "  %" PRIu32 ". %s: ", i + 1, d1);
    put_wrapped(prefix, text, 78);
  }
  if (n_steps)
    put_wrapped("  ", "Starts with step 1; each step moves on to the next by itself.", 78);
  else if (lb_msg_map_int0(p, "sets") > 1)
    put_wrapped("  ",
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
  "when it is done, up to the last set, whose Enter ends the routine. Then, when\n"                \
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
