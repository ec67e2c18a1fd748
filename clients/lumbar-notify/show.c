/* What each event shows, and what each button does.
 *
 * A slot is one notification lumbar-notify keeps: a rest's (one per rest id,
 * replaced in place as the rest changes), a reminder's, a check-in's, a red
 * flag's, or a short confirmation. It holds its content, so it can be shown
 * again when a notification server appears, and the server's id once the
 * Notify is answered. While a Notify is in flight the slot is "pending":
 * newer content waits ("dirty") and goes out with the id of the answer, and
 * a slot closed meanwhile is freed only when the answer comes. */
#include "notify.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <lumbard/client_codec.h>
#include <lumbard/client_list.h>
#include <lumbard/rpc.h>

#include "log.h"
#include "util.h"

enum kind { K_REST, K_REMINDER, K_CHECKIN, K_RED_FLAG, K_CONFIRM };

/* A rest as the notification draws it. */
enum phase { P_RUNNING, P_PAUSED, P_STEP_DONE, P_READY, P_OVER, P_OVERDUE, P_IN_SET, P_DONE };

typedef struct rest_state {
  enum phase phase;
  char *label, *message;
  uint64_t seconds, set, sets, step, steps, next_set;
  int64_t ends_at_ms, remaining_ms, window_end_ms;
  bool muted; /* closed by hand: not drawn again until the rest changes state */
} rest_state;

/* A set the train plugin logged (train.logged), by the rest it started:
 * that rest's "Rest over" offers to log it again. The latest few are kept;
 * the one of a rest is forgotten with the rest's notification, or when a
 * newer set of its exercise is logged. */
enum { AGAIN_MAX = 16, EXERCISE_MAX = 64 };

typedef struct again {
  uint64_t rest_id; /* 0: a free place */
  char exercise[EXERCISE_MAX];
  uint64_t reps;
  double weight_kg; /* 0: none */
} again;

typedef struct slot {
  enum kind kind;
  uint64_t obj; /* the rest's or the reminder's id; a serial for the others */
  uint32_t nid; /* the server's id; 0: not shown */
  bool pending, dirty, dead;
  bool once; /* freed once shown: nothing can change it any more */
  /* A reminder's: the elapse it shows (unix s), so that the same one is
   * never shown twice (after a reconnect, or from the list and its live
   * event); and, when closed by hand or expired, kept muted until the
   * reminder is answered or comes due again. */
  int64_t due_at;
  bool muted;
  char *name, *message; /* a reminder's, to draw it again for another server */
  uint64_t late_s;
  char *summary, *body;
  char **actions; /* n_actions (key, label) pairs */
  size_t n_actions;
  ln_note note;      /* urgency, category, hints, timeout; strings above */
  const char *sound; /* played with the next Notify only */
  rest_state rest;
  struct slot *prev, *next;
} slot;

struct ln_show {
  uv_loop_t *loop;
  ln_config config;
  ln_link *link;
  ln_desk *desk;
  slot *slots;
  uint64_t serial;
  uv_timer_t tick; /* redraws the countdowns */
  bool bus_lost;
  /* The lists read after a (re)connect, while their pages come. */
  struct reading *reading_rests, *reading_reminders;
  again again[AGAIN_MAX];
  size_t again_next;
  bool lb; /* the train plugin's weights are shown in lb ([train] unit) */
};

/* ---- slots ---------------------------------------------------------------- */

static slot *slot_find(ln_show *s, enum kind kind, uint64_t obj) {
  for (slot *x = s->slots; x; x = x->next)
    if (x->kind == kind && x->obj == obj && !x->dead)
      return x;
  return NULL;
}

static slot *slot_by_nid(ln_show *s, uint32_t nid) {
  for (slot *x = s->slots; x; x = x->next)
    if (x->nid == nid && nid != 0 && !x->dead)
      return x;
  return NULL;
}

/* ---- the sets train logged --------------------------------------------- */

static const again *again_of(const ln_show *s, uint64_t rest_id) {
  for (size_t i = 0; rest_id && i < AGAIN_MAX; i++)
    if (s->again[i].rest_id == rest_id)
      return &s->again[i];
  return NULL;
}

static void again_forget(ln_show *s, uint64_t rest_id) {
  for (size_t i = 0; rest_id && i < AGAIN_MAX; i++)
    if (s->again[i].rest_id == rest_id)
      s->again[i].rest_id = 0;
}

static slot *slot_new(ln_show *s, enum kind kind, uint64_t obj) {
  slot *x = lbu_xcalloc(1, sizeof(*x));
  x->kind = kind;
  x->obj = obj;
  x->note.value = -1;
  x->next = s->slots;
  if (s->slots)
    s->slots->prev = x;
  s->slots = x;
  return x;
}

static void clear_actions(slot *x) {
  for (size_t i = 0; i < 2 * x->n_actions; i++)
    free(x->actions[i]);
  free(x->actions);
  x->actions = NULL;
  x->n_actions = 0;
}

static void slot_free(ln_show *s, slot *x) {
  if (s->slots == x)
    s->slots = x->next;
  else
    x->prev->next = x->next;
  if (x->next)
    x->next->prev = x->prev;
  if (x->kind == K_REST)
    again_forget(s, x->obj);
  free(x->summary);
  free(x->body);
  clear_actions(x);
  free(x->rest.label);
  free(x->rest.message);
  free(x->name);
  free(x->message);
  free(x);
}

/* Replace the slot's text (summary and body are taken over). */
static void slot_text(slot *x, char *summary, char *body) {
  free(x->summary);
  free(x->body);
  x->summary = summary;
  x->body = body;
}

static void slot_action(slot *x, const char *key, const char *label) {
  x->actions = lbu_xrealloc(x->actions, 2 * (x->n_actions + 1) * sizeof(char *));
  x->actions[2 * x->n_actions] = lbu_xstrdup(key);
  x->actions[2 * x->n_actions + 1] = lbu_xstrdup(label);
  x->n_actions++;
}

static void slot_push(ln_show *s, slot *x);

/* A Notify's answer goes to its slot, in its show. */
typedef struct shown_ctx {
  ln_show *s;
  slot *x;
} shown_ctx;

static void slot_shown(void *ud, uint32_t id) {
  shown_ctx *c = ud;
  ln_show *s = c->s;
  slot *x = c->x;
  free(c);
  x->pending = false;
  x->nid = id;
  if (x->dead) {
    ln_desk_close_note(s->desk, id);
    slot_free(s, x);
  } else if (x->dirty) {
    x->dirty = false;
    slot_push(s, x);
  } else if (x->once) {
    slot_free(s, x);
  }
}

/* Show the slot's content now, or when the Notify in flight is answered. */
static void slot_push(ln_show *s, slot *x) {
  if (x->pending) {
    x->dirty = true;
    return;
  }
  if ((x->kind == K_REST && x->rest.muted) || x->muted)
    return;
  ln_note n = x->note;
  n.summary = x->summary;
  n.body = x->body;
  n.actions = (const char *const *)x->actions;
  n.n_actions = x->n_actions;
  n.sound = s->config.sound ? x->sound : NULL;
  shown_ctx *c = lbu_xmalloc(sizeof(*c));
  *c = (shown_ctx){s, x};
  if (!s->desk || !ln_desk_notify(s->desk, x->nid, &n, slot_shown, c)) {
    free(c);
    if (x->once)
      slot_free(s, x);
    return;
  }
  x->pending = true;
  x->sound = NULL;
}

/* Take the notification down and forget the slot. */
static void slot_close(ln_show *s, slot *x) {
  if (x->pending) {
    x->dead = true;
    return;
  }
  if (x->nid)
    ln_desk_close_note(s->desk, x->nid);
  slot_free(s, x);
}

/* ---- text ------------------------------------------------------------------ */

static bool markup(const ln_show *s) {
  return s->desk && ln_desk_has(s->desk, "body-markup");
}

static bool buttons(const ln_show *s) {
  return s->desk && ln_desk_has(s->desk, "actions");
}

/* Servers that draw the "value" hint as a bar say so with these. */
static bool progress(const ln_show *s) {
  return s->desk && (ln_desk_has(s->desk, "x-canonical-private-synchronous") ||
                     ln_desk_has(s->desk, "x-dunst-*") || ln_desk_has(s->desk, "x-kde-*"));
}

/* Body text as the server wants it: with markup, &, < and > escaped. */
static char *body_text(const ln_show *s, const char *text) {
  if (!markup(s))
    return lbu_xstrdup(text);
  size_t n = 0;
  for (const char *p = text; *p; p++)
    n += *p == '&' ? 5 : *p == '<' || *p == '>' ? 4 : 1;
  char *out = lbu_xmalloc(n + 1), *o = out;
  for (const char *p = text; *p; p++) {
    const char *e = *p == '&' ? "&amp;" : *p == '<' ? "&lt;" : *p == '>' ? "&gt;" : NULL;
    if (e) {
      memcpy(o, e, strlen(e));
      o += strlen(e);
    } else {
      *o++ = *p;
    }
  }
  *o = '\0';
  return out;
}

/* "<b>text</b>" with markup, else the text. */
static char *strong(const ln_show *s, const char *text) {
  char *t = body_text(s, text);
  if (!markup(s))
    return t;
  char *b = lbu_xasprintf("<b>%s</b>", t);
  free(t);
  return b;
}

/* Join up to four parts with newlines, leaving out empty ones; frees them. */
static char *lines4(char *a, char *b, char *c, char *d) {
  char *parts[4] = {a, b, c, d};
  size_t n = 0;
  for (int i = 0; i < 4; i++)
    n += parts[i] ? strlen(parts[i]) + 1 : 0;
  char *out = lbu_xmalloc(n + 1);
  out[0] = '\0';
  for (int i = 0; i < 4; i++) {
    if (parts[i] && parts[i][0]) {
      if (out[0])
        strcat(out, "\n");
      strcat(out, parts[i]);
    }
    free(parts[i]);
  }
  return out;
}

static char *lines(char *a, char *b, char *c) {
  return lines4(a, b, c, NULL);
}

static char *msg_text(const msgpack_object *fields, const char *key) {
  char *t = lbc_msg_strdup(lbc_msg_map_get(fields, key));
  if (!t)
    lbu_err("out of memory"), abort();
  return t;
}

static uint64_t msg_uint(const msgpack_object *fields, const char *key) {
  int64_t v = lbc_msg_map_int0(fields, key);
  return v > 0 ? (uint64_t)v : 0;
}

/* "1:30 left" from a minute on, "45s left" below. */
/* What is left is rounded up to whole seconds, less a little slack: an
 * event or a redraw that comes on a second's boundary (the warning at 10 s)
 * reads 1000 ms or 1001 ms by the wall clock, and must say "1 s". */
enum { SLACK_MS = 20 };

static void left_text(int64_t ms, char *buf, size_t len) {
  int64_t sec = ms <= SLACK_MS ? 0 : (ms - SLACK_MS + 999) / 1000;
  if (sec >= 60)
    snprintf(buf, len, "%" PRId64 ":%02" PRId64 " left", sec / 60, sec % 60);
  else
    snprintf(buf, len, "%" PRId64 "s left", sec);
}

static int64_t now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- rests ------------------------------------------------------------------ */

#define LB_KG 0.45359237 /* one pound in kg, as the train plugin counts it */

/* A weight as a person reads it: at most two decimals, no trailing zeros
 * (90 lb typed is 40.8233133 kg, which reads 90 again in lb). */
static void weight_text(double w, char *buf, size_t len) {
  snprintf(buf, len, "%.2f", w);
  char *dot = strchr(buf, '.');
  if (!dot)
    return;
  char *e = buf + strlen(buf) - 1;
  while (e > dot && *e == '0')
    *e-- = '\0';
  if (e == dot)
    *e = '\0';
}

/* The last set, as "25 × 40 kg" (with weight) or "25 reps" (without), in
 * the unit the train plugin shows; and with buttons the "Same again" that
 * logs it, else the command that does. *line and *how are NULL when the
 * rest was not started by a set train logged. */
static void again_text(ln_show *s, slot *x, char **line, char **how) {
  const again *a = again_of(s, x->obj);
  *line = *how = NULL;
  if (!a)
    return;
  char w[48] = "", numbers[96];
  if (a->weight_kg > 0)
    weight_text(s->lb ? a->weight_kg / LB_KG : a->weight_kg, w, sizeof(w));
  if (w[0])
    snprintf(numbers, sizeof(numbers), "%" PRIu64 " \u00d7 %s %s", a->reps, w, s->lb ? "lb" : "kg");
  else
    snprintf(numbers, sizeof(numbers), "%" PRIu64 " reps", a->reps);
  if (buttons(s)) {
    char buf[128];
    snprintf(buf, sizeof(buf), "Same again: %s", numbers);
    *line = body_text(s, buf);
    slot_action(x, "same", "Same again");
  } else if (w[0]) {
    *how = lbu_xasprintf("`lumbarctl call train.log %s %" PRIu64
                         " '{\"weight\": %s, \"unit\": \"%s\"}'` logs the same set again "
                         "(%s).",
                         a->exercise, a->reps, w, s->lb ? "lb" : "kg", numbers);
  } else {
    *how = lbu_xasprintf("`lumbarctl call train.log %s %" PRIu64 "` logs the same set again (%s).",
                         a->exercise, a->reps, numbers);
  }
}

/* A rest the daemon no longer has: a plain rest's end, the overdue of a
 * rest with no set left, a routine's end. Its notification is the last word
 * on it. */
static bool rest_gone(const rest_state *r) {
  return r->phase == P_DONE || (r->phase == P_OVER && r->window_end_ms == 0) ||
         (r->phase == P_OVERDUE && r->next_set == 0);
}

static int64_t rest_left_ms(const rest_state *r) {
  if (r->phase == P_PAUSED)
    return r->remaining_ms;
  return r->ends_at_ms > 0 ? r->ends_at_ms - now_ms() : 0;
}

/* What the rest's notification says in its phase. */
static void rest_render(ln_show *s, slot *x) {
  rest_state *r = &x->rest;
  char left[32], buf[160];
  char *summary, *first = NULL, *second = NULL, *third = NULL, *fourth = NULL;
  bool label = r->label && r->label[0];
  clear_actions(x);
  x->note = (ln_note){.urgency = LN_URGENCY_NORMAL, .category = "x-lumbard.rest", .value = -1};
  left_text(rest_left_ms(r), left, sizeof(left));
  char context[160] = "";
  if (r->steps > 0 && r->message && r->message[0])
    snprintf(context, sizeof(context), "Step %" PRIu64 " of %" PRIu64, r->step, r->steps);
  else if (r->sets > 1)
    snprintf(context, sizeof(context), "Set %" PRIu64 " of %" PRIu64 " done", r->set, r->sets);
  switch (r->phase) {
  case P_RUNNING:
  case P_PAUSED:
    summary = label ? lbu_xasprintf("Rest: %s", r->label) : lbu_xstrdup("Rest");
    if (r->phase == P_PAUSED)
      snprintf(buf, sizeof(buf), "Paused: %s", left);
    else
      snprintf(buf, sizeof(buf), "%s", left);
    first = strong(s, buf);
    second = r->steps > 0 ? body_text(s, r->message ? r->message : "") : NULL;
    third = body_text(s, context);
    x->note.urgency = LN_URGENCY_LOW;
    x->note.transient = true;
    x->note.timeout_ms = 0;
    if (progress(s) && r->seconds > 0) {
      int64_t gone = (int64_t)r->seconds * 1000 - rest_left_ms(r);
      int v = (int)(gone * 100 / ((int64_t)r->seconds * 1000));
      x->note.value = v < 0 ? 0 : v > 100 ? 100 : v;
    }
    /* the next set may start before the rest is over (it ends early) */
    if (r->steps == 0 && r->sets > 1 && r->set < r->sets && buttons(s))
      slot_action(x, "next", "Next set now");
    break;
  case P_STEP_DONE:
    summary = label ? lbu_xasprintf("Rest: %s", r->label) : lbu_xstrdup("Rest");
    snprintf(buf, sizeof(buf), "Step %" PRIu64 " of %" PRIu64 " done", r->step, r->steps);
    first = strong(s, buf);
    x->note.timeout_ms = 0;
    break;
  case P_READY:
  case P_OVERDUE:
    if (r->next_set > 0)
      summary =
          lbu_xasprintf(r->phase == P_READY ? "Rest over: set %" PRIu64 " of %" PRIu64
                                            : "Overdue: set %" PRIu64 " of %" PRIu64 " is waiting",
                        r->next_set, r->sets);
    else
      summary = lbu_xstrdup(r->phase == P_READY ? "Rest over" : "Overdue");
    first = body_text(s, r->phase == P_READY
                             ? "Start the next set now."
                             : "The rest is over and the next set has not started: start it "
                               "when you are ready.");
    if (r->next_set > 0 && buttons(s))
      slot_action(x, "next", "Next set");
    else if (r->next_set > 0)
      third = lbu_xasprintf("`lumbarctl rest next %" PRIu64 "` when it starts.", x->obj);
    again_text(s, x, &second, &fourth);
    /* a button waits for the next set: it stays until answered */
    x->note.timeout_ms = r->next_set > 0 || second || fourth ? 0 : s->config.rest_timeout_ms;
    break;
  case P_OVER:
    summary = lbu_xstrdup("Rest over");
    first = body_text(s, label ? r->label : "");
    again_text(s, x, &second, &fourth);
    x->note.timeout_ms = second || fourth ? 0 : s->config.rest_timeout_ms;
    break;
  case P_IN_SET:
    summary =
        lbu_xasprintf("Set %" PRIu64 " of %" PRIu64 " under way", r->set, r->sets ? r->sets : 1);
    if (buttons(s)) {
      first = body_text(s, "Press Set done when it is over.");
      slot_action(x, "next", "Set done");
    } else {
      first = lbu_xasprintf("`lumbarctl rest next %" PRIu64 "` when it is over.", x->obj);
    }
    x->note.timeout_ms = 0;
    break;
  case P_DONE:
  default:
    summary = lbu_xstrdup(r->message && r->message[0] ? r->message : "Routine done");
    first = body_text(s, label ? r->label : "");
    x->note.timeout_ms = s->config.rest_timeout_ms;
    break;
  }
  slot_text(x, summary, lines4(first, second, third, fourth));
}

static void tick_arm(ln_show *s);

/* The rest's notification in its new phase; sound once, NULL for none. The
 * countdown timer is the caller's to arm again (tick_arm()). */
static void rest_show(ln_show *s, slot *x, const char *sound) {
  x->rest.muted = false;
  x->sound = sound;
  /* The last word on a rest: nothing follows a routine's end, a plain rest's
   * end, or the overdue of a rest with no set left; unless it offers Same
   * again (the set train logged), kept until answered, closed or outdated. */
  x->once = rest_gone(&x->rest) && (x->rest.phase == P_DONE || !again_of(s, x->obj));
  rest_render(s, x);
  slot_push(s, x);
}

static void rest_changed(ln_show *s, slot *x, const char *sound) {
  rest_show(s, x, sound);
  tick_arm(s);
}

/* The fields every rest event may carry. */
static void rest_fields(slot *x, const msgpack_object *f) {
  rest_state *r = &x->rest;
  int64_t v;
  if (lbc_msg_map_str(f, "label")) {
    free(r->label);
    r->label = msg_text(f, "label");
  }
  if (lbc_msg_map_str(f, "message")) {
    free(r->message);
    r->message = msg_text(f, "message");
  }
  if (lbc_msg_map_int(f, "seconds", &v))
    r->seconds = v > 0 ? (uint64_t)v : 0;
  if (lbc_msg_map_int(f, "set", &v))
    r->set = (uint64_t)v;
  if (lbc_msg_map_int(f, "sets", &v))
    r->sets = (uint64_t)v;
  if (lbc_msg_map_int(f, "step", &v))
    r->step = (uint64_t)v;
  if (lbc_msg_map_int(f, "steps", &v))
    r->steps = (uint64_t)v;
  if (lbc_msg_map_int(f, "next_set", &v))
    r->next_set = (uint64_t)v;
  if (lbc_msg_map_int(f, "ends_at_ms", &v))
    r->ends_at_ms = v;
  if (lbc_msg_map_int(f, "remaining_ms", &v))
    r->remaining_ms = v;
  if (lbc_msg_map_int(f, "window_end_ms", &v))
    r->window_end_ms = v;
}

static void rest_event(ln_show *s, const char *what, const msgpack_object *f) {
  uint64_t id = msg_uint(f, "id");
  slot *x = slot_find(s, K_REST, id);
  if (strcmp(what, "cancelled") == 0) {
    if (x)
      slot_close(s, x);
    tick_arm(s);
    return;
  }
  if (!x)
    x = slot_new(s, K_REST, id);
  rest_state *r = &x->rest;
  rest_fields(x, f);
  const char *sound = NULL;
  if (strcmp(what, "started") == 0 || strcmp(what, "resumed") == 0) {
    r->phase = P_RUNNING;
  } else if (strcmp(what, "extended") == 0) {
    if (r->ends_at_ms > 0)
      r->phase = P_RUNNING;
    else if (r->phase == P_PAUSED)
      r->remaining_ms += (int64_t)msg_uint(f, "added") * 1000;
  } else if (strcmp(what, "warning") == 0) {
    r->phase = P_RUNNING;
    sound = "bell";
  } else if (strcmp(what, "paused") == 0) {
    r->phase = P_PAUSED;
  } else if (strcmp(what, "finished") == 0) {
    r->ends_at_ms = 0;
    if (r->steps > 0) {
      /* A step of a sequence: the next step's `started`, or after the last
       * one `routine_done`, follows at once; nothing to draw now. */
      r->phase = P_STEP_DONE;
      tick_arm(s);
      return;
    }
    r->phase = r->next_set > 0 || r->window_end_ms > 0 ? P_READY : P_OVER;
    sound = "complete";
  } else if (strcmp(what, "overdue") == 0) {
    r->phase = P_OVERDUE;
  } else if (strcmp(what, "set_started") == 0) {
    r->phase = P_IN_SET;
  } else if (strcmp(what, "routine_done") == 0) {
    r->phase = P_DONE;
    sound = "complete";
  } else {
    return; /* an event of a later version */
  }
  rest_changed(s, x, sound);
}

/* The countdowns: one timer for all running rests, due when the first of
 * them has another second (or countdown step) to show. */
static void on_tick(uv_timer_t *t) {
  ln_show *s = t->data;
  for (slot *x = s->slots; x; x = x->next) {
    if (x->kind != K_REST || x->dead || x->rest.muted || x->rest.phase != P_RUNNING)
      continue;
    char *old = x->body ? lbu_xstrdup(x->body) : NULL;
    rest_render(s, x);
    if (!old || strcmp(old, x->body) != 0)
      slot_push(s, x);
    free(old);
  }
  tick_arm(s);
}

static void tick_arm(ln_show *s) {
  uint64_t step = s->config.countdown_ms;
  int64_t wait = -1;
  for (slot *x = s->slots; x && step > 0; x = x->next) {
    if (x->kind != K_REST || x->dead || x->rest.muted || x->rest.phase != P_RUNNING)
      continue;
    int64_t left = rest_left_ms(&x->rest);
    left -= SLACK_MS; /* as left_text counts it */
    if (left <= 0)
      continue;
    /* The text changes when left crosses the next multiple of step below it. */
    int64_t until = left - (left - 1) / (int64_t)step * (int64_t)step;
    if (wait < 0 || until < wait)
      wait = until;
  }
  if (wait < 0) {
    uv_timer_stop(&s->tick);
    return;
  }
  uv_timer_start(&s->tick, on_tick, (uint64_t)wait + 2, 0);
}

/* ---- reminders, check-ins, red flags ------------------------------------------ */

/* What a reminder's notification says, with the server's capabilities:
 * its message and lateness, and buttons or the commands that do the
 * same. */
static void reminder_render(ln_show *s, slot *x) {
  clear_actions(x);
  uint64_t late = x->late_s;
  char *lateness = NULL;
  if (late >= 60) { /* whole minutes, in the one duration style: "(1h 5min late)" */
    char d[32];
    lb_duration_format(late / 60 * 60, d, sizeof(d));
    lateness = lbu_xasprintf("(%s late)", d);
  }
  char *how = NULL;
  if (buttons(s)) {
    slot_action(x, "done", "Done");
    slot_action(x, "snooze", "Snooze");
  } else {
    how = lbu_xasprintf("`lumbarctl remind done %" PRIu64 "` or `lumbarctl remind snooze %" PRIu64
                        "`",
                        x->obj, x->obj);
  }
  slot_text(x, lbu_xasprintf("Reminder: %s", x->name),
            lines(body_text(s, x->message), lateness ? body_text(s, lateness) : NULL, how));
  free(lateness);
  x->note = (ln_note){.urgency = LN_URGENCY_NORMAL,
                      .category = "x-lumbard.reminder",
                      .value = -1,
                      .timeout_ms = s->config.timeout_ms};
}

/* A due reminder in its notification (x, or a new one): f holds its id,
 * name, message and late_s, as the due event and reminders.list's views
 * both do; due_at is the elapse it shows. */
static void reminder_show(ln_show *s, slot *x, const msgpack_object *f, int64_t due_at) {
  if (!x)
    x = slot_new(s, K_REMINDER, msg_uint(f, "id"));
  x->due_at = due_at;
  x->muted = false;
  free(x->name);
  free(x->message);
  x->name = msg_text(f, "name");
  x->message = msg_text(f, "message");
  x->late_s = msg_uint(f, "late_s");
  reminder_render(s, x);
  x->sound = "alarm-clock-elapsed";
  slot_push(s, x);
}

/* reminders.due: shown whatever was shown before (a snooze that ended
 * comes due again, its elapse unchanged), in the reminder's notification. */
static void reminder_due(ln_show *s, const msgpack_object *f) {
  reminder_show(s, slot_find(s, K_REMINDER, msg_uint(f, "id")), f, lbc_msg_map_int0(f, "at"));
}

static void checkin_due(ln_show *s, const msgpack_object *f) {
  /* One check-in on screen: a newer one takes its place. */
  slot *x = NULL;
  for (slot *y = s->slots; y; y = y->next)
    if (y->kind == K_CHECKIN && !y->dead)
      x = y;
  if (!x)
    x = slot_new(s, K_CHECKIN, ++s->serial);
  clear_actions(x);
  const msgpack_object *scores = lbc_msg_map_get(f, "scores");
  char list[128] = "";
  size_t o = 0;
  if (scores && scores->type == MSGPACK_OBJECT_ARRAY) {
    for (uint32_t i = 0; i < scores->via.array.size && i < 11; i++) {
      const msgpack_object *v = &scores->via.array.ptr[i];
      if (v->type != MSGPACK_OBJECT_POSITIVE_INTEGER || v->via.u64 > 10)
        continue;
      char key[16], label[8];
      snprintf(key, sizeof(key), "score-%u", (unsigned)v->via.u64);
      snprintf(label, sizeof(label), "%u", (unsigned)v->via.u64);
      if (buttons(s))
        slot_action(x, key, label);
      o += (size_t)snprintf(list + o, sizeof(list) - o, "%s%s", o ? ", " : "", label);
    }
  }
  char *message = msg_text(f, "message");
  /* The daemon's message says what the scale means; without buttons the
   * body says how to answer. */
  char *how = buttons(s)
                  ? NULL
                  : lbu_xasprintf("`lumbarctl pain log N` (0-10%s%s)", o ? "; e.g. " : "", list);
  slot_text(x, lbu_xstrdup("How is your back?"), lines(body_text(s, message), how, NULL));
  free(message);
  x->note = (ln_note){.urgency = LN_URGENCY_NORMAL,
                      .category = "x-lumbard.checkin",
                      .value = -1,
                      .timeout_ms = s->config.timeout_ms};
  x->sound = "message-new-instant";
  slot_push(s, x);
}

static void red_flag(ln_show *s, const msgpack_object *f) {
  slot *x = slot_new(s, K_RED_FLAG, ++s->serial);
  char *advice = msg_text(f, "advice");
  if (!advice[0]) {
    free(advice);
    advice = lbu_xstrdup("A red-flag symptom was logged: seek urgent medical care.");
  }
  slot_text(x, lbu_xstrdup("Seek urgent medical care"), body_text(s, advice));
  free(advice);
  x->note = (ln_note){.urgency = LN_URGENCY_CRITICAL,
                      .category = "x-lumbard.red-flag",
                      .resident = true,
                      .value = -1,
                      .timeout_ms = 0};
  x->sound = "dialog-warning";
  slot_push(s, x);
}

static void confirm(ln_show *s, char *summary) {
  slot *x = slot_new(s, K_CONFIRM, ++s->serial);
  slot_text(x, summary, lbu_xstrdup(""));
  x->note =
      (ln_note){.urgency = LN_URGENCY_LOW, .transient = true, .value = -1, .timeout_ms = 4000};
  x->once = true;
  slot_push(s, x);
}

static void reading_touch(ln_show *s, enum kind kind, uint64_t id);

/* Close the slots of a kind for one object (or all of that kind). */
static void close_kind(ln_show *s, enum kind kind, const uint64_t *obj) {
  slot *x = s->slots;
  while (x) {
    slot *next = x->next;
    if (x->kind == kind && !x->dead && (!obj || x->obj == *obj))
      slot_close(s, x);
    x = next;
  }
}

/* Whether the rest's notification shows Same again in its phase. */
static bool shows_again(const slot *x) {
  return x->rest.phase == P_READY || x->rest.phase == P_OVERDUE || x->rest.phase == P_OVER;
}

/* A set no longer offered again (outdated, or the oldest kept): a rest
 * over and gone that was kept for it is closed, one that goes on is drawn
 * without the button. */
static void again_drop(ln_show *s, again *a) {
  uint64_t old = a->rest_id;
  a->rest_id = 0;
  slot *x = old ? slot_find(s, K_REST, old) : NULL;
  if (x && rest_gone(&x->rest)) {
    slot_close(s, x);
  } else if (x && shows_again(x)) {
    rest_render(s, x);
    slot_push(s, x);
  }
}

/* train.logged: a newer set of an exercise outdates the Same again of its
 * earlier sets; a set logged with train.log (not one a rest routine
 * counted) that started a rest is offered again when that rest is over. */
static void train_logged(ln_show *s, const msgpack_object *f) {
  const msgpack_object *ex = lbc_msg_map_str(f, "exercise");
  uint64_t rest_id = msg_uint(f, "rest_id");
  if (!ex || ex->via.str.size == 0 || ex->via.str.size >= EXERCISE_MAX)
    return;
  for (size_t i = 0; i < AGAIN_MAX; i++) {
    again *a = &s->again[i];
    if (a->rest_id && a->rest_id != rest_id && strlen(a->exercise) == ex->via.str.size &&
        memcmp(a->exercise, ex->via.str.ptr, ex->via.str.size) == 0)
      again_drop(s, a);
  }
  double kg = 0;
  if (!rest_id || !lbc_msg_str_eq(lbc_msg_map_get(f, "source"), "log") ||
      (lbc_msg_map_get(f, "weight_kg") && !lbc_msg_map_number(f, "weight_kg", &kg)) || kg < 0)
    return;
  again *a = NULL;
  for (size_t i = 0; i < AGAIN_MAX && !a; i++)
    if (s->again[i].rest_id == rest_id)
      a = &s->again[i];
  if (!a) {
    a = &s->again[s->again_next];
    s->again_next = (s->again_next + 1) % AGAIN_MAX;
    again_drop(s, a);
  }
  a->rest_id = rest_id;
  memcpy(a->exercise, ex->via.str.ptr, ex->via.str.size);
  a->exercise[ex->via.str.size] = '\0';
  a->reps = msg_uint(f, "reps");
  a->weight_kg = kg;
  /* The rest is under way (its `started` came first); should its end have
   * come already, it is drawn again with the button. */
  slot *x = slot_find(s, K_REST, rest_id);
  if (x && shows_again(x) && !x->once) {
    rest_render(s, x);
    slot_push(s, x);
  }
}

static void on_event(void *ud, const char *name, const msgpack_object *f) {
  ln_show *s = ud;
  lbu_debug("event %s", name);
  /* a list being read learns what changed meanwhile */
  if (strncmp(name, "rest.", 5) == 0)
    reading_touch(s, K_REST, msg_uint(f, "id"));
  else if (strncmp(name, "reminders.", 10) == 0)
    reading_touch(s, K_REMINDER, msg_uint(f, "id"));
  if (strncmp(name, "rest.", 5) == 0) {
    if (s->config.rest)
      rest_event(s, name + 5, f);
  } else if (strcmp(name, "reminders.due") == 0) {
    if (s->config.reminders)
      reminder_due(s, f);
  } else if (strcmp(name, "reminders.done") == 0 || strcmp(name, "reminders.snoozed") == 0 ||
             strcmp(name, "reminders.skipped") == 0 || strcmp(name, "reminders.removed") == 0) {
    uint64_t id = msg_uint(f, "id");
    close_kind(s, K_REMINDER, &id);
  } else if (strcmp(name, "pain.checkin_due") == 0) {
    if (s->config.checkin)
      checkin_due(s, f);
  } else if (strcmp(name, "pain.logged") == 0) {
    close_kind(s, K_CHECKIN, NULL);
  } else if (strcmp(name, "pain.red_flag") == 0) {
    red_flag(s, f);
  } else if (strcmp(name, "train.logged") == 0) {
    train_logged(s, f);
  }
}

/* ---- after a (re)connect: what is under way now --------------------------- */

static enum phase phase_of(const msgpack_object *state, const rest_state *r) {
  if (lbc_msg_str_eq(state, "paused"))
    return P_PAUSED;
  if (lbc_msg_str_eq(state, "ready"))
    return r->next_set > 0 || r->window_end_ms > 0 ? P_READY : P_OVER;
  if (lbc_msg_str_eq(state, "overdue"))
    return P_OVERDUE;
  if (lbc_msg_str_eq(state, "in_set"))
    return P_IN_SET;
  return P_RUNNING;
}

/* A list read after a (re)connect, a page at a time (lumbard/client_list.h):
 * each page is asked from the answer to the one before, and nothing changes
 * until the last one is in, so a page that fails leaves the notifications
 * as they were rather than closing those a half list lacks. An event that
 * comes meanwhile is newer than the pages answered before it: an item of
 * those pages is left as the event made it, and a notification an event
 * touched is not closed for being absent. Freed when it ends (the link
 * answers every call, "unavailable" when the connection is lost or the link
 * freed, so none outlives the link). */
typedef struct touch {
  uint64_t id;
  size_t read; /* items read when the event came */
} touch;

typedef struct reading {
  ln_show *s;
  enum kind kind; /* K_REST or K_REMINDER */
  const char *method;
  lbc_client_list *list;
  touch *touched; /* the events meanwhile; sorted by id once the list is whole */
  size_t n_touched, cap_touched;
} reading;

static struct reading **reading_of(ln_show *s, enum kind kind) {
  return kind == K_REST ? &s->reading_rests : &s->reading_reminders;
}

static void reading_touch(ln_show *s, enum kind kind, uint64_t id) {
  reading *rd = *reading_of(s, kind);
  if (!rd || !id)
    return;
  if (rd->n_touched == rd->cap_touched) {
    rd->cap_touched = rd->cap_touched ? 2 * rd->cap_touched : 16;
    rd->touched = lbu_xrealloc(rd->touched, rd->cap_touched * sizeof(touch));
  }
  rd->touched[rd->n_touched++] = (touch){id, lbc_client_list_count(rd->list)};
}

/* By id, the latest event of an id first. */
static int touch_order(const void *a, const void *b) {
  const touch *x = a, *y = b;
  if (x->id != y->id)
    return x->id < y->id ? -1 : 1;
  return x->read > y->read ? -1 : x->read < y->read;
}

static int touch_find(const void *key, const void *elem) {
  uint64_t id = *(const uint64_t *)key, other = ((const touch *)elem)->id;
  return id < other ? -1 : id > other;
}

/* The latest event of id while the list was read, or NULL. */
static const touch *reading_touched(const reading *rd, uint64_t id) {
  if (!rd->n_touched)
    return NULL;
  const touch *t = bsearch(&id, rd->touched, rd->n_touched, sizeof(touch), touch_find);
  while (t && t > rd->touched && t[-1].id == id)
    t--;
  return t;
}

static void reading_end(reading *rd) {
  *reading_of(rd->s, rd->kind) = NULL;
  lbc_client_list_free(rd->list);
  free(rd->touched);
  free(rd);
}

/* Whether the notification's object is gone: not in the whole list, and
 * not touched by an event meanwhile. A last word ("Routine done") is left to
 * expire. */
static bool absent(const reading *rd, const slot *x) {
  return x->kind == rd->kind && !x->dead && !x->once && !lbc_client_list_has(rd->list, x->obj) &&
         !reading_touched(rd, x->obj);
}

static int slot_order(const void *a, const void *b) {
  uint64_t x = (*(slot *const *)a)->obj, y = (*(slot *const *)b)->obj;
  return x < y ? -1 : x > y;
}

static int slot_seek(const void *key, const void *elem) {
  uint64_t id = *(const uint64_t *)key, obj = (*(slot *const *)elem)->obj;
  return id < obj ? -1 : id > obj;
}

/* Close the notifications of objects that ended while lumbar-notify was not
 * listening, and answer the slots of the list's kind that stay, sorted by
 * id: thousands of items are not looked up one by one in the list of
 * slots. Returns the array (free() it) and its length in *ret_n. */
static slot **slots_by_id(ln_show *s, const reading *rd, size_t *ret_n) {
  size_t n = 0, cap = 0;
  slot **had = NULL;
  for (slot *x = s->slots, *next; x; x = next) {
    next = x->next;
    if (absent(rd, x)) {
      slot_close(s, x);
      continue;
    }
    if (x->kind != rd->kind || x->dead)
      continue;
    if (n == cap) {
      cap = cap ? 2 * cap : 64;
      had = lbu_xrealloc(had, cap * sizeof(*had));
    }
    had[n++] = x;
  }
  if (n)
    qsort(had, n, sizeof(*had), slot_order);
  *ret_n = n;
  return had;
}

/* The rests under way, shown again in the notifications they had; those of
 * rests that ended closed. */
static void rests_read(ln_show *s, const reading *rd, const msgpack_object *list) {
  size_t n;
  slot **had = slots_by_id(s, rd, &n);
  for (uint32_t i = 0; i < list->via.array.size; i++) {
    const msgpack_object *v = &list->via.array.ptr[i];
    uint64_t id = msg_uint(v, "id");
    const touch *t = reading_touched(rd, id);
    if (!id || (t && t->read > i)) /* an event came after this item's page */
      continue;
    slot **found = n ? bsearch(&id, had, n, sizeof(*had), slot_seek) : NULL;
    slot *x = found ? *found : slot_new(s, K_REST, id);
    x->rest.next_set = 0;
    rest_fields(x, v);
    rest_state *r = &x->rest;
    if (r->sets > 1 && r->set < r->sets && !lbc_msg_str_eq(lbc_msg_map_get(v, "state"), "in_set"))
      r->next_set = r->set + 1;
    r->phase = phase_of(lbc_msg_map_get(v, "state"), r);
    rest_show(s, x, NULL);
  }
  free(had);
  tick_arm(s);
}

/* The reminders that are due, each in a notification of its own: one that
 * fell due while lumbar-notify was not there (a catch-up at log-in, before
 * it connected) shows now, with its lateness. A reminder's notification
 * shows one elapse once: one already shown (or closed by hand) for the
 * same elapse is left as it is, and an event newer than the item's page
 * wins over it. Those no longer due (done, snoozed or skipped meanwhile)
 * are closed, as those no longer there. */
static void reminders_read(ln_show *s, const reading *rd, const msgpack_object *list) {
  size_t n;
  slot **had = slots_by_id(s, rd, &n);
  for (uint32_t i = 0; i < list->via.array.size; i++) {
    const msgpack_object *v = &list->via.array.ptr[i];
    uint64_t id = msg_uint(v, "id");
    const touch *t = reading_touched(rd, id);
    if (!id || (t && t->read > i)) /* an event came after this item's page */
      continue;
    slot **found = n ? bsearch(&id, had, n, sizeof(*had), slot_seek) : NULL;
    slot *x = found ? *found : NULL;
    int64_t due_at = lbc_msg_map_int0(v, "due_at");
    bool due = due_at > 0 && lbc_msg_map_int0(v, "snoozed_until") == 0;
    if (!due && x)
      slot_close(s, x);
    else if (due && s->config.reminders && (!x || x->due_at != due_at))
      reminder_show(s, x, v, due_at);
  }
  free(had);
}

static void reading_ask(reading *rd);

static void on_page(void *ud, const msgpack_object *result, const char *code, const char *msg) {
  reading *rd = ud;
  ln_show *s = rd->s;
  int r = result ? lbc_client_list_add(rd->list, result) : -EREMOTEIO;
  if (r == 1) {
    reading_ask(rd);
    return;
  }
  const msgpack_object *list = r == 0 ? lbc_client_list_items(rd->list) : NULL;
  if (r == 0 && !list)
    r = -ENOMEM;
  if (!list) {
    const char *why = r == -EBADMSG   ? lbc_client_list_error(rd->list)
                      : r == -ENOMEM  ? "out of memory"
                      : msg && msg[0] ? msg
                                      : "no answer";
    if (code && strcmp(code, "unavailable") == 0) /* the link said it lost lumbard */
      lbu_debug("%s: %s", rd->method, why);
    else
      lbu_warn("%s: %s%s%s; the %s' notifications stay as they were until they change", rd->method,
               code ? code : "", code ? ": " : "", why, rd->kind == K_REST ? "rests" : "reminders");
    reading_end(rd);
    return;
  }
  if (rd->n_touched)
    qsort(rd->touched, rd->n_touched, sizeof(touch), touch_order);
  if (rd->kind == K_REST)
    rests_read(s, rd, list);
  else
    reminders_read(s, rd, list);
  lbu_debug("%s: %zu read", rd->method, lbc_client_list_count(rd->list));
  reading_end(rd);
}

/* Ask the next page. */
static void reading_ask(reading *rd) {
  msgpack_sbuffer sb;
  msgpack_sbuffer_init(&sb);
  int r = lbc_client_list_params(rd->list, &sb);
  if (r == 0)
    r = ln_link_call(rd->s->link, rd->method, sb.data, sb.size, on_page, rd);
  msgpack_sbuffer_destroy(&sb);
  if (r < 0) {
    lbu_debug("%s: cannot ask (%s)", rd->method, strerror(-r));
    reading_end(rd);
  }
}

static void reading_start(ln_show *s, enum kind kind, const char *method) {
  if (*reading_of(s, kind))
    return; /* one in flight already; a reconnect ends it before the next up */
  reading *rd = lbu_xcalloc(1, sizeof(*rd));
  *rd = (reading){.s = s, .kind = kind, .method = method};
  if (lbc_client_list_new(&rd->list) < 0) {
    lbu_err("%s: out of memory", method);
    free(rd);
    return;
  }
  *reading_of(s, kind) = rd;
  reading_ask(rd);
}

/* train.exercises: the unit the train plugin shows weights in. Without the
 * plugin (no_such_method) nothing is offered again anyway. */
static void on_exercises(void *ud, const msgpack_object *result, const char *code,
                         const char *msg) {
  ln_show *s = ud;
  if (!result) {
    lbu_debug("train.exercises: %s: %s", code ? code : "error", msg ? msg : "");
    return;
  }
  if (result->type == MSGPACK_OBJECT_ARRAY && result->via.array.size > 0)
    s->lb = lbc_msg_str_eq(lbc_msg_map_get(&result->via.array.ptr[0], "unit"), "lb");
}

static void on_up(void *ud) {
  ln_show *s = ud;
  static const char no_params[] = {(char)0x90}; /* [] */
  if (ln_link_call(s->link, "train.exercises", no_params, sizeof(no_params), on_exercises, s) < 0)
    lbu_debug("train.exercises: cannot ask");
  if (s->config.rest)
    reading_start(s, K_REST, "rest.list");
  reading_start(s, K_REMINDER, "reminders.list");
}

const ln_link_cbs ln_show_link_cbs = {.up = on_up, .event = on_event};

/* ---- buttons -------------------------------------------------------------------- */

typedef struct asked {
  ln_show *s;
  char what[128];
  uint64_t level; /* score-N: the level logged */
} asked;

static void on_answer(void *ud, const msgpack_object *result, const char *code, const char *msg) {
  asked *a = ud;
  if (!result)
    lbu_warn("%s: lumbard said %s: %s", a->what, code ? code : "error", msg ? msg : "");
  else if (strncmp(a->what, "pain.log", 8) == 0)
    confirm(a->s, lbu_xasprintf("Logged %" PRIu64 "/10", a->level));
  free(a);
}

/* Call method([id]) for a button. */
static void command(ln_show *s, const char *method, uint64_t arg, uint64_t level) {
  msgpack_sbuffer sb;
  msgpack_sbuffer_init(&sb);
  msgpack_packer pk;
  msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
  msgpack_pack_array(&pk, 1);
  msgpack_pack_uint64(&pk, arg);
  asked *a = lbu_xcalloc(1, sizeof(*a));
  a->s = s;
  a->level = level;
  snprintf(a->what, sizeof(a->what), "%s(%" PRIu64 ")", method, arg);
  int r = ln_link_call(s->link, method, sb.data, sb.size, on_answer, a);
  msgpack_sbuffer_destroy(&sb);
  if (r < 0) {
    lbu_warn("%s: lumbard is not connected; the button did nothing", a->what);
    free(a);
  } else {
    lbu_info("button: %s", a->what);
  }
}

/* Same again: train.log(exercise, reps, {weight, unit}) with the numbers of
 * the set that started the rest. The train plugin logs it and starts the
 * next rest; its train.logged closes this notification (or its rest's
 * cancel does). */
static void log_again(ln_show *s, const again *g) {
  msgpack_sbuffer sb;
  msgpack_sbuffer_init(&sb);
  msgpack_packer pk;
  msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
  msgpack_pack_array(&pk, g->weight_kg > 0 ? 3 : 2);
  lb_rpc_pack_str(&pk, g->exercise);
  msgpack_pack_uint64(&pk, g->reps);
  if (g->weight_kg > 0) {
    msgpack_pack_map(&pk, 2);
    lb_rpc_pack_str(&pk, "weight");
    msgpack_pack_double(&pk, g->weight_kg); /* exactly the kg logged */
    lb_rpc_pack_str(&pk, "unit");
    lb_rpc_pack_str(&pk, "kg");
  }
  asked *a = lbu_xcalloc(1, sizeof(*a));
  a->s = s;
  snprintf(a->what, sizeof(a->what), "train.log(%s, %" PRIu64 ", %g kg)", g->exercise, g->reps,
           g->weight_kg);
  int r = ln_link_call(s->link, "train.log", sb.data, sb.size, on_answer, a);
  msgpack_sbuffer_destroy(&sb);
  if (r < 0) {
    lbu_warn("%s: lumbard is not connected; the button did nothing", a->what);
    free(a);
  } else {
    lbu_info("button: %s", a->what);
  }
}

/* "score-N", N 0-10. */
static bool score_key(const char *key, unsigned *ret) {
  if (strncmp(key, "score-", 6) != 0 || !isdigit((unsigned char)key[6]))
    return false;
  char *end;
  unsigned long v = strtoul(key + 6, &end, 10);
  if (*end != '\0' || v > 10)
    return false;
  *ret = (unsigned)v;
  return true;
}

static void on_action(void *ud, uint32_t nid, const char *key) {
  ln_show *s = ud;
  slot *x = slot_by_nid(s, nid);
  if (!x) {
    lbu_debug("action %s on notification %u, not one of ours", key, nid);
    return;
  }
  unsigned level;
  if (x->kind == K_REMINDER && strcmp(key, "done") == 0)
    command(s, "reminders.done", x->obj, 0);
  else if (x->kind == K_REMINDER && strcmp(key, "snooze") == 0)
    command(s, "reminders.snooze", x->obj, 0);
  else if (x->kind == K_REST && strcmp(key, "next") == 0)
    command(s, "rest.next", x->obj, 0);
  else if (x->kind == K_REST && strcmp(key, "same") == 0 && again_of(s, x->obj))
    log_again(s, again_of(s, x->obj));
  else if (x->kind == K_CHECKIN && score_key(key, &level))
    command(s, "pain.log", level, level);
  else
    lbu_debug("action %s on notification %u: nothing to do", key, nid);
}

static void on_closed(void *ud, uint32_t nid, uint32_t reason) {
  ln_show *s = ud;
  slot *x = slot_by_nid(s, nid);
  if (!x)
    return;
  x->nid = 0;
  if (reason == 3) /* we closed it */
    return;
  if (x->kind == K_REST && rest_gone(&x->rest)) {
    /* A rest over and gone, kept for its Same again: nothing more to show. */
    if (x->pending)
      x->dead = true;
    else
      slot_free(s, x);
  } else if (x->kind == K_REST) {
    /* Closed by hand or expired: not pushed back every second. */
    x->rest.muted = true;
    tick_arm(s);
  } else if (x->kind == K_REMINDER && !x->pending) {
    /* Closed by hand or expired: its elapse was shown, and is not shown
     * again after a reconnect; the slot goes when the reminder is
     * answered, and comes back when it is due again. */
    x->muted = true;
  } else if (!x->pending) {
    slot_free(s, x);
  } else {
    x->dead = true;
  }
}

static void on_server(void *ud, bool present) {
  ln_show *s = ud;
  for (slot *x = s->slots; x; x = x->next)
    x->nid = 0;
  if (!present)
    return;
  /* A server came: what is under way shows there. */
  slot *x = s->slots;
  while (x) {
    slot *next = x->next;
    if (!x->dead && !x->pending && x->kind != K_CONFIRM) {
      /* drawn for this server's capabilities (buttons, markup) */
      if (x->kind == K_REST)
        rest_render(s, x);
      else if (x->kind == K_REMINDER)
        reminder_render(s, x);
      slot_push(s, x);
    }
    x = next;
  }
  tick_arm(s);
}

static void on_lost(void *ud) {
  ln_show *s = ud;
  s->bus_lost = true;
  uv_stop(s->loop);
}

const ln_desk_cbs ln_show_desk_cbs = {
    .action = on_action, .closed = on_closed, .server = on_server, .lost = on_lost};

/* ---- life --------------------------------------------------------------------- */

ln_show *ln_show_new(uv_loop_t *loop, const ln_config *config) {
  ln_show *s = lbu_xcalloc(1, sizeof(*s));
  s->loop = loop;
  s->config = *config;
  uv_timer_init(loop, &s->tick);
  s->tick.data = s;
  return s;
}

void ln_show_attach(ln_show *s, ln_link *link, ln_desk *desk) {
  s->link = link;
  s->desk = desk;
}

void ln_show_set_config(ln_show *s, const ln_config *config) {
  s->config = *config;
  tick_arm(s);
}

bool ln_show_bus_lost(const ln_show *s) {
  return s->bus_lost;
}

void ln_show_shutdown(ln_show *s) {
  for (slot *x = s->slots; x; x = x->next)
    if (x->kind == K_REST && x->nid && x->rest.phase <= P_PAUSED)
      ln_desk_close_note(s->desk, x->nid);
  uv_timer_stop(&s->tick);
}

static void show_freed(uv_handle_t *h) {
  free(h->data);
}

void ln_show_free(ln_show *s) {
  if (!s)
    return;
  while (s->slots)
    slot_free(s, s->slots);
  uv_close((uv_handle_t *)&s->tick, show_freed);
}
