/* rest — timers between sets, the seed's abduction routine and the guided
 * warm-up. See plugins/rest/README.md for the model: states, routines,
 * sequences, events, config.
 *
 * Every rest lives in memory (a list in id order and a tree by id for
 * lookups) with at most one host timer armed for its next moment; changes
 * are written behind to SQLite once per loop turn, in one transaction. */
#include <errno.h>
#include <lumbard/plugin.h>
#include <search.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "db.h"
#include "xalloc.h"

#define DAY 86400u
#define MAX_STEPS 16

/* ---- presets (config) ---------------------------------------------------- */

typedef struct step {
  uint32_t seconds;
  char text[200];
} step;

typedef struct preset {
  char name[48];
  char label[64];
  char description[300];
  char reps[32], weight[48];
  char done[200];                   /* the message when a sequence ends */
  uint32_t sets, rest, until, warn; /* until 0: no window; warn UINT32_MAX: the default */
  step steps[MAX_STEPS];
  uint32_t n_steps; /* > 0: a sequence that advances by itself */
  bool bad;
} preset;

typedef struct settings {
  uint32_t rest, warn, expire;
  preset *presets;
  size_t n_presets;
} settings;

/* ---- rests ------------------------------------------------------------------- */

typedef enum state { RUNNING, PAUSED, READY, OVERDUE, IN_SET } state;
static const char *const state_names[] = {"running", "paused", "ready", "overdue", "in_set"};

typedef struct rest {
  uint64_t id;
  struct rest *prev, *next;
  state st;
  char label[64], routine[48], message[256];
  uint32_t seconds;                  /* this phase's length, extensions included */
  uint32_t base_seconds;             /* a routine's rest, for the rests that follow */
  uint32_t warn, window;             /* window: until - seconds; 0 none */
  uint32_t set, sets;                /* "rest after set 1 of 3"; sets <= 1: no counting */
  uint32_t step, steps;              /* sequences */
  int64_t deadline;                  /* boottime ms: the end of this phase (RUNNING) */
  int64_t ends_at_ms;                /* wall ms of the same moment, what clients see */
  int64_t remaining_ms;              /* PAUSED */
  int64_t window_end, window_end_ms; /* READY with a window: boottime and wall */
  int64_t expires, expires_ms;       /* READY/OVERDUE/IN_SET of a routine */
  bool warned;
  uint64_t timer;
} rest;

static const lb_host *host;
static lb_plugin *self;
static settings cfg;
static rest *first, *last; /* in id order */
static void *by_id;        /* tsearch tree */
static size_t n_rests;
static uint64_t next_id = 1;

/* ---- small helpers ------------------------------------------------------------ */

static int64_t mono(void) {
  return host->now_ms(LB_CLOCK_MONOTONIC);
}
static int64_t wall(void) {
  return host->now_ms(LB_CLOCK_WALL);
}

static void fmt_duration(uint32_t s, char *buf, size_t len) {
  host->format_duration(s, buf, len); /* the clients' one style: "1min 30s" */
}

/* Config durations: the wire's forms, at most a day. */
static bool parse_duration(const char *text, uint32_t *ret) {
  uint64_t v;
  char err[256];
  if (host->parse_duration(text, &v, err, sizeof(err)) < 0 || v > DAY)
    return false;
  *ret = (uint32_t)v;
  return true;
}

static int cmp_id(const void *a, const void *b) {
  uint64_t x = ((const rest *)a)->id, y = ((const rest *)b)->id;
  return x < y ? -1 : x > y;
}

static rest *find(uint64_t id) {
  rest key = {.id = id};
  void *hit = tfind(&key, &by_id, cmp_id);
  return hit ? *(rest **)hit : NULL;
}

static const preset *find_preset(const char *name) {
  for (size_t i = 0; i < cfg.n_presets; i++)
    if (!cfg.presets[i].bad && strcmp(cfg.presets[i].name, name) == 0)
      return &cfg.presets[i];
  return NULL;
}

/* ---- storage ---------------------------------------------------------------------- */

static const char *const schema[] = {
    "CREATE TABLE rest_rests("
    "  id INTEGER PRIMARY KEY, state TEXT NOT NULL, label TEXT NOT NULL,"
    "  routine TEXT NOT NULL, message TEXT NOT NULL, seconds INTEGER NOT NULL,"
    "  base_seconds INTEGER NOT NULL, warn INTEGER NOT NULL, window INTEGER NOT NULL,"
    "  set_no INTEGER NOT NULL, sets INTEGER NOT NULL, step INTEGER NOT NULL,"
    "  steps INTEGER NOT NULL, ends_at_ms INTEGER NOT NULL, remaining_ms INTEGER NOT NULL,"
    "  window_end_ms INTEGER NOT NULL, expires_at_ms INTEGER NOT NULL, warned INTEGER NOT NULL);"
    "CREATE TABLE rest_meta(key TEXT PRIMARY KEY, value INTEGER NOT NULL);",
    NULL};

/* Write-behind (the host's): the rests noted since the last save, as they
 * are now; a rest that is gone is deleted. */
static int save(lb_plugin *p, sqlite3 *db, const uint64_t *dirty, size_t n_dirty, void *ud) {
  (void)p, (void)ud;
  sqlite3_stmt *up = NULL, *del = NULL, *meta = NULL;
  int rc;
  if ((rc = sqlite3_prepare_v2(db,
                               "INSERT OR REPLACE INTO rest_rests VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,"
                               "?,?,?,?,?)",
                               -1, &up, NULL)) != SQLITE_OK ||
      (rc = sqlite3_prepare_v2(db, "DELETE FROM rest_rests WHERE id = ?", -1, &del, NULL)) !=
          SQLITE_OK ||
      (rc = sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO rest_meta VALUES('next_id', ?)", -1,
                               &meta, NULL)) != SQLITE_OK)
    goto out;
  for (size_t i = 0; i < n_dirty; i++) {
    rest *r = find(dirty[i]);
    sqlite3_stmt *st = r ? up : del;
    sqlite3_reset(st);
    sqlite3_bind_int64(st, 1, (sqlite3_int64)dirty[i]);
    if (r) {
      sqlite3_bind_text(st, 2, state_names[r->st], -1, SQLITE_STATIC);
      sqlite3_bind_text(st, 3, r->label, -1, SQLITE_STATIC);
      sqlite3_bind_text(st, 4, r->routine, -1, SQLITE_STATIC);
      sqlite3_bind_text(st, 5, r->message, -1, SQLITE_STATIC);
      sqlite3_bind_int64(st, 6, r->seconds);
      sqlite3_bind_int64(st, 7, r->base_seconds);
      sqlite3_bind_int64(st, 8, r->warn);
      sqlite3_bind_int64(st, 9, r->window);
      sqlite3_bind_int64(st, 10, r->set);
      sqlite3_bind_int64(st, 11, r->sets);
      sqlite3_bind_int64(st, 12, r->step);
      sqlite3_bind_int64(st, 13, r->steps);
      sqlite3_bind_int64(st, 14, r->ends_at_ms);
      sqlite3_bind_int64(st, 15, r->remaining_ms);
      sqlite3_bind_int64(st, 16, r->window_end_ms);
      sqlite3_bind_int64(st, 17, r->expires_ms);
      sqlite3_bind_int(st, 18, r->warned);
    }
    if (sqlite3_step(st) != SQLITE_DONE) {
      rc = sqlite3_extended_errcode(db);
      goto out;
    }
  }
  sqlite3_bind_int64(meta, 1, (sqlite3_int64)next_id);
  rc = lbp_step(db, meta);
out:
  sqlite3_finalize(up);
  sqlite3_finalize(del);
  sqlite3_finalize(meta);
  return rc;
}

/* Remember a change; it is written once the loop turn is over. */
static void touch(uint64_t id) {
  host->db_touch(self, id);
}

/* ---- views and events --------------------------------------------------------------- */

static uint32_t next_set(const rest *r) {
  return r->sets > 1 && r->set < r->sets ? r->set + 1 : 0;
}

static int64_t remaining(const rest *r, int64_t now) {
  if (r->st == PAUSED)
    return r->remaining_ms;
  if (r->st == RUNNING)
    return r->deadline > now ? r->deadline - now : 0;
  return 0;
}

/* The map clients see; pairs is caller storage of 14. */
static lb_value view(const rest *r, lb_pair *f) {
  int64_t now = mono();
  size_t k = 0;
  f[k++] = (lb_pair){"id", lb_v_uint(r->id)};
  f[k++] = (lb_pair){"label", lb_v_str(r->label)};
  f[k++] = (lb_pair){"state", lb_v_str(state_names[r->st])};
  f[k++] = (lb_pair){"seconds", lb_v_uint(r->seconds)};
  f[k++] = (lb_pair){"remaining_ms", lb_v_int(remaining(r, now))};
  f[k++] = (lb_pair){"ends_at_ms", lb_v_int(r->st == RUNNING ? r->ends_at_ms : 0)};
  f[k++] = (lb_pair){"set", lb_v_uint(r->set)};
  f[k++] = (lb_pair){"sets", lb_v_uint(r->sets)};
  f[k++] = (lb_pair){"step", lb_v_uint(r->step)};
  f[k++] = (lb_pair){"steps", lb_v_uint(r->steps)};
  f[k++] = (lb_pair){"routine", lb_v_str(r->routine)};
  f[k++] = (lb_pair){"message", lb_v_str(r->message)};
  f[k++] = (lb_pair){"warn", lb_v_uint(r->warn)};
  f[k++] = (lb_pair){"window_end_ms", lb_v_int(r->st == READY ? r->window_end_ms : 0)};
  return lb_v_map(f, k);
}

static void reply_view(lb_call *call, const rest *r) {
  lb_pair f[14];
  lb_value v = view(r, f);
  host->reply(call, &v);
}

static void emit_started(const rest *r) {
  lb_value ev = LB_MAP({"id", lb_v_uint(r->id)}, {"label", lb_v_str(r->label)},
                       {"seconds", lb_v_uint(r->seconds)}, {"ends_at_ms", lb_v_int(r->ends_at_ms)},
                       {"set", lb_v_uint(r->set)}, {"sets", lb_v_uint(r->sets)},
                       {"step", lb_v_uint(r->step)}, {"steps", lb_v_uint(r->steps)},
                       {"routine", lb_v_str(r->routine)}, {"message", lb_v_str(r->message)});
  host->emit(self, "started", &ev);
}

/* ---- the state machine ------------------------------------------------------------------ */

static void schedule(rest *r);
static void destroy(rest *r);

static void on_timer(lb_plugin *p, uint64_t id, void *ud);

static void arm_at(rest *r, int64_t at) {
  r->timer = host->timer_start(self, LB_CLOCK_MONOTONIC, at, on_timer, r);
}

/* At most one timer per rest: its next moment in its state. */
static void schedule(rest *r) {
  if (r->timer)
    host->timer_stop(self, r->timer);
  r->timer = 0;
  switch (r->st) {
  case RUNNING: {
    int64_t warn_at = r->deadline - (int64_t)r->warn * 1000;
    arm_at(r, !r->warned && r->warn && warn_at > mono() ? warn_at : r->deadline);
    break;
  }
  case READY:
    arm_at(r, r->window ? r->window_end : r->expires);
    break;
  case OVERDUE:
  case IN_SET:
    arm_at(r, r->expires);
    break;
  case PAUSED:
    break;
  }
}

static void set_message_running(rest *r) {
  char d[32];
  fmt_duration(r->seconds, d, sizeof(d));
  const preset *pr = r->routine[0] ? find_preset(r->routine) : NULL;
  if (r->steps && pr && r->step >= 1 && r->step <= pr->n_steps)
    snprintf(r->message, sizeof(r->message), "%s", pr->steps[r->step - 1].text);
  else if (r->sets > 1)
    snprintf(r->message, sizeof(r->message), "Set %u of %u done: rest %s", r->set, r->sets, d);
  else
    snprintf(r->message, sizeof(r->message), "Rest %s", d);
}

/* "Set 2 of 3: go (20-30 reps, light to moderate weight)" */
static void set_message_in_set(rest *r) {
  const preset *pr = r->routine[0] ? find_preset(r->routine) : NULL;
  if (pr && pr->reps[0])
    snprintf(r->message, sizeof(r->message), "Set %u of %u: go (%s reps%s%s)", r->set, r->sets,
             pr->reps, pr->weight[0] ? ", " : "", pr->weight);
  else
    snprintf(r->message, sizeof(r->message), "Set %u of %u: go", r->set, r->sets);
}

static void emit_set_started(const rest *r) {
  lb_value ev = LB_MAP({"id", lb_v_uint(r->id)}, {"label", lb_v_str(r->label)},
                       {"set", lb_v_uint(r->set)}, {"sets", lb_v_uint(r->sets)},
                       {"routine", lb_v_str(r->routine)}, {"message", lb_v_str(r->message)});
  host->emit(self, "set_started", &ev);
}

/* A set was done: what the pain plugin counts sessions by. */
static void emit_set_done(const rest *r, uint32_t set) {
  lb_value ev = LB_MAP({"id", lb_v_uint(r->id)}, {"label", lb_v_str(r->label)},
                       {"routine", lb_v_str(r->routine)}, {"set", lb_v_uint(set)},
                       {"sets", lb_v_uint(r->sets)});
  host->emit(self, "set_done", &ev);
}

/* Start (or restart) the running phase of r for seconds, now. */
static void run_for(rest *r, uint32_t seconds) {
  int64_t now = mono();
  r->st = RUNNING;
  r->seconds = seconds;
  r->deadline = now + (int64_t)seconds * 1000;
  r->ends_at_ms = wall() + (int64_t)seconds * 1000;
  r->warned = false;
  r->window_end = r->window_end_ms = r->expires = r->expires_ms = 0;
  set_message_running(r);
  schedule(r);
  touch(r->id);
}

static void wait_for_next(rest *r, state st, int64_t now) {
  r->st = st;
  r->expires = now + (int64_t)cfg.expire * 1000;
  r->expires_ms = wall() + (int64_t)cfg.expire * 1000;
  schedule(r);
  touch(r->id);
}

static void routine_done(rest *r) {
  const preset *pr = r->routine[0] ? find_preset(r->routine) : NULL;
  char msg[256];
  if (r->steps)
    snprintf(msg, sizeof(msg), "%s", pr && pr->done[0] ? pr->done : "Sequence done");
  else
    snprintf(msg, sizeof(msg), "Routine done: %u sets", r->sets);
  lb_value ev = LB_MAP({"id", lb_v_uint(r->id)}, {"label", lb_v_str(r->label)},
                       {"routine", lb_v_str(r->routine)}, {"sets", lb_v_uint(r->sets)},
                       {"steps", lb_v_uint(r->steps)}, {"message", lb_v_str(msg)});
  host->emit(self, "routine_done", &ev);
  destroy(r);
}

/* The `finished` event of r's running phase: over at its end (late_us
 * after it), or ended early by `next` with left_ms still to go. */
static void emit_finished(rest *r, int64_t late_us, int64_t left_ms) {
  uint32_t ns = next_set(r);
  const preset *pr = r->routine[0] ? find_preset(r->routine) : NULL;
  char over[64] = "Rest over", left[32];
  if (left_ms > 0) {
    fmt_duration((uint32_t)((left_ms + 999) / 1000), left, sizeof(left));
    snprintf(over, sizeof(over), "Rest ended %s early", left);
  }
  if (r->steps && r->step < r->steps)
    snprintf(r->message, sizeof(r->message), "Step %u of %u done%s", r->step, r->steps,
             left_ms > 0 ? " early" : "");
  else if (r->steps)
    snprintf(r->message, sizeof(r->message), "%s", pr && pr->done[0] ? pr->done : "Sequence done");
  else if (ns && pr && pr->reps[0])
    snprintf(r->message, sizeof(r->message), "%s: set %u of %u (%s reps%s%s)", over, ns, r->sets,
             pr->reps, pr->weight[0] ? ", " : "", pr->weight);
  else if (ns)
    snprintf(r->message, sizeof(r->message), "%s: set %u of %u", over, ns, r->sets);
  else
    snprintf(r->message, sizeof(r->message), "%s", over);
  int64_t late_s = late_us / 1000000;
  if (late_s > 0) /* it ended while the daemon was down */
    host->log(self, LB_LOG_NOTICE,
              "rest %llu (%s) ended while lumbard was not running: %lld s late",
              (unsigned long long)r->id, r->label, (long long)late_s);
  int64_t window_end_ms =
      r->window && !r->steps && left_ms <= 0 ? r->ends_at_ms + (int64_t)r->window * 1000 : 0;
  lb_value ev = LB_MAP(
      {"id", lb_v_uint(r->id)}, {"label", lb_v_str(r->label)}, {"set", lb_v_uint(r->set)},
      {"sets", lb_v_uint(r->sets)}, {"next_set", lb_v_uint(ns)}, {"step", lb_v_uint(r->step)},
      {"steps", lb_v_uint(r->steps)}, {"late_s", lb_v_uint((uint64_t)late_s)},
      {"late_us", lb_v_int(late_us)}, {"message", lb_v_str(r->message)},
      {"routine", lb_v_str(r->routine)}, {"window_end_ms", lb_v_int(window_end_ms)},
      {"early", lb_v_bool(left_ms > 0)}, {"left_ms", lb_v_int(left_ms > 0 ? left_ms : 0)});
  host->emit(self, "finished", &ev);
}

/* Whether a sequence has a step after the one under way (its preset may
 * have lost steps to a reload). */
static bool has_next_step(const rest *r) {
  const preset *pr = r->routine[0] ? find_preset(r->routine) : NULL;
  return pr && r->step < r->steps && r->step < pr->n_steps;
}

/* The next step of a sequence runs (has_next_step(r) said there is one). */
static void next_step(rest *r) {
  const preset *pr = find_preset(r->routine);
  r->step++;
  run_for(r, pr ? pr->steps[r->step - 1].seconds : 1);
  emit_started(r);
}

static void finish(rest *r, int64_t now, int64_t late_us) {
  /* now: the loop turn's time, used for what waits after the rest */
  emit_finished(r, late_us, 0);
  if (r->steps) { /* a sequence moves on by itself */
    if (has_next_step(r))
      next_step(r);
    else
      routine_done(r);
    return;
  }
  if (r->window) {
    r->st = READY;
    r->window_end = r->deadline + (int64_t)r->window * 1000;
    r->window_end_ms = r->ends_at_ms + (int64_t)r->window * 1000;
    r->expires = r->window_end + (int64_t)cfg.expire * 1000;
    r->expires_ms = r->window_end_ms + (int64_t)cfg.expire * 1000;
    schedule(r);
    touch(r->id);
  } else if (r->sets > 1) {
    wait_for_next(r, READY, now);
  } else {
    destroy(r);
  }
}

static void overdue(rest *r, int64_t now) {
  int64_t late_s = (now - r->window_end) / 1000;
  lb_value ev =
      LB_MAP({"id", lb_v_uint(r->id)}, {"label", lb_v_str(r->label)}, {"set", lb_v_uint(r->set)},
             {"sets", lb_v_uint(r->sets)}, {"next_set", lb_v_uint(next_set(r))},
             {"late_s", lb_v_uint(late_s > 0 ? (uint64_t)late_s : 0)});
  host->emit(self, "overdue", &ev);
  if (r->sets > 1 && next_set(r))
    wait_for_next(r, OVERDUE, now); /* the routine still waits for the next set */
  else if (r->sets > 1)
    routine_done(r);
  else
    destroy(r);
}

static void expire(rest *r) {
  lb_value ev = LB_MAP({"id", lb_v_uint(r->id)}, {"label", lb_v_str(r->label)},
                       {"reason", lb_v_str("expired: no next set was started")});
  host->emit(self, "cancelled", &ev);
  destroy(r);
}

static int64_t now_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_BOOTTIME, &ts);
  return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void on_timer(lb_plugin *p, uint64_t id, void *ud) {
  (void)p, (void)id;
  rest *r = ud;
  r->timer = 0;
  int64_t now = mono();
  switch (r->st) {
  case RUNNING:
    if (now >= r->deadline) {
      finish(r, now, now_us() - r->deadline * 1000);
    } else {
      r->warned = true;
      lb_value ev = LB_MAP({"id", lb_v_uint(r->id)}, {"label", lb_v_str(r->label)},
                           {"remaining", lb_v_uint((uint64_t)(r->deadline - now + 999) / 1000)},
                           {"set", lb_v_uint(r->set)}, {"sets", lb_v_uint(r->sets)});
      host->emit(self, "warning", &ev);
      schedule(r);
      touch(r->id);
    }
    break;
  case READY:
    if (r->window && now >= r->window_end)
      overdue(r, now);
    else if (now >= r->expires)
      expire(r);
    else
      schedule(r);
    break;
  case IN_SET:
    if (now >= r->expires && r->sets > 1 && r->set >= r->sets) {
      emit_set_done(r, r->set); /* the last set: nothing waits on its end */
      routine_done(r);
    } else if (now >= r->expires) {
      expire(r);
    } else {
      schedule(r);
    }
    break;
  case OVERDUE:
    if (now >= r->expires)
      expire(r);
    else
      schedule(r);
    break;
  case PAUSED:
    break;
  }
}

static rest *create(void) {
  rest *r = lbu_xcalloc(1, sizeof(*r));
  r->id = next_id++;
  r->prev = last;
  if (last)
    last->next = r;
  else
    first = r;
  last = r;
  tsearch(r, &by_id, cmp_id);
  n_rests++;
  host->property_changed(self, "active");
  return r;
}

static void destroy(rest *r) {
  if (r->timer)
    host->timer_stop(self, r->timer);
  touch(r->id);
  tdelete(r, &by_id, cmp_id);
  if (r->prev)
    r->prev->next = r->next;
  else
    first = r->next;
  if (r->next)
    r->next->prev = r->prev;
  else
    last = r->prev;
  n_rests--;
  host->property_changed(self, "active");
  free(r);
}

/* ---- methods -------------------------------------------------------------------------------- */

static uint32_t opt_uint(const lb_value *opts, const char *key, uint32_t def) {
  const lb_value *v = lb_map_get(opts, key);
  return v ? (uint32_t)v->as.u : def;
}

static rest *lookup(lb_call *call, const lb_value *id) {
  rest *r = find(id->as.u);
  if (!r)
    host->fail(call, LB_ERR_NOT_FOUND,
               "no rest %llu: it has ended or never was; `lumbarctl rest list` shows the rests",
               (unsigned long long)id->as.u);
  return r;
}

/* A rest with its parameters checked, not yet running; NULL after failing
 * the call. */
static rest *new_rest(lb_call *call, uint32_t seconds, const char *label, uint32_t set,
                      uint32_t sets, uint32_t warn, uint32_t until, const char *routine) {
  char a[32], b[32];
  if (until && until <= seconds) {
    fmt_duration(until, a, sizeof(a));
    fmt_duration(seconds, b, sizeof(b));
    host->fail(call, LB_ERR_INVALID_PARAMS,
               "option 'until' (%s) must be longer than the rest (%s): it is when the window "
               "for the next set closes",
               a, b);
    return NULL;
  }
  if (sets && set > sets) {
    host->fail(call, LB_ERR_INVALID_PARAMS, "option 'set' (%u) is past option 'sets' (%u)", set,
               sets);
    return NULL;
  }
  rest *r = create();
  snprintf(r->label, sizeof(r->label), "%s", label && *label ? label : "rest");
  snprintf(r->routine, sizeof(r->routine), "%s", routine ? routine : "");
  r->set = sets > 1 ? (set ? set : 1) : set;
  r->sets = sets;
  r->warn = warn;
  r->window = until ? until - seconds : 0;
  r->base_seconds = r->seconds = seconds;
  return r;
}

static void m_start(lb_call *call, const lb_value *args, void *ud) {
  (void)ud;
  const lb_value *opts = &args[1];
  uint32_t seconds = lb_is_nil(&args[0]) ? cfg.rest : (uint32_t)args[0].as.u;
  const lb_value *label = lb_map_get(opts, "label");
  rest *r = new_rest(call, seconds, label ? label->as.str.ptr : NULL, opt_uint(opts, "set", 0),
                     opt_uint(opts, "sets", 0), opt_uint(opts, "warn", cfg.warn),
                     opt_uint(opts, "until", 0), NULL);
  if (!r)
    return;
  run_for(r, seconds);
  if (r->set)
    emit_set_done(r, r->set);
  emit_started(r);
  reply_view(call, r);
}

static void m_preset(lb_call *call, const lb_value *args, void *ud) {
  (void)ud;
  const preset *pr = find_preset(args[0].as.str.ptr);
  if (!pr) {
    char names[400] = "";
    size_t off = 0;
    for (size_t i = 0; i < cfg.n_presets && off < sizeof(names); i++)
      if (!cfg.presets[i].bad)
        off += (size_t)snprintf(names + off, sizeof(names) - off, "%s%s", off ? ", " : "",
                                cfg.presets[i].name);
    host->fail(call, LB_ERR_NOT_FOUND,
               "no preset \"%s\"; the presets are: %s (sections [rest.preset.NAME] in "
               "lumbard.conf)",
               args[0].as.str.ptr, off ? names : "none");
    return;
  }
  uint32_t warn = pr->warn != UINT32_MAX ? pr->warn : cfg.warn;
  rest *r;
  if (pr->n_steps) {
    r = create();
    snprintf(r->label, sizeof(r->label), "%s", pr->label);
    snprintf(r->routine, sizeof(r->routine), "%s", pr->name);
    r->steps = pr->n_steps;
    r->step = 1;
    r->warn = warn;
    run_for(r, pr->steps[0].seconds);
    emit_started(r);
  } else if (pr->sets > 1) {
    /* set: the sets already done; none: set 1 starts now */
    uint32_t set = opt_uint(&args[1], "set", 0);
    if (set >= pr->sets) {
      host->fail(call, LB_ERR_INVALID_PARAMS,
                 "option 'set' (%u): the routine has %u sets, so at most %u can be done before "
                 "it starts",
                 set, pr->sets, pr->sets - 1);
      return;
    }
    r = new_rest(call, pr->rest, pr->label, set ? set : 1, pr->sets, warn, pr->until, pr->name);
    if (!r)
      return;
    if (set) { /* the rest after it runs */
      run_for(r, pr->rest);
      emit_set_done(r, set);
      emit_started(r);
    } else {
      set_message_in_set(r);
      wait_for_next(r, IN_SET, mono());
      emit_set_started(r);
    }
  } else { /* a single rest */
    r = new_rest(call, pr->rest, pr->label, 0, pr->sets, warn, pr->until, pr->name);
    if (!r)
      return;
    run_for(r, pr->rest);
    emit_started(r);
  }
  reply_view(call, r);
}

static void m_cancel(lb_call *call, const lb_value *args, void *ud) {
  (void)ud;
  rest *r = lookup(call, &args[0]);
  if (!r)
    return;
  lb_value ev = LB_MAP({"id", lb_v_uint(r->id)}, {"label", lb_v_str(r->label)},
                       {"reason", lb_v_str("cancelled")});
  host->emit(self, "cancelled", &ev);
  lb_pair f[14];
  lb_value v = view(r, f); /* points into r: answer before it goes */
  f[2].val = lb_v_str("cancelled");
  host->reply(call, &v);
  destroy(r);
}

static const char *conflict_text(const rest *r) {
  switch (r->st) {
  case PAUSED:
    return "is paused";
  case RUNNING:
    return "is running";
  case READY:
    return "has finished";
  case OVERDUE:
    return "is overdue";
  case IN_SET:
    return "waits for the set in progress";
  }
  return "";
}

static void m_pause(lb_call *call, const lb_value *args, void *ud) {
  (void)ud;
  rest *r = lookup(call, &args[0]);
  if (!r)
    return;
  if (r->st != RUNNING) {
    host->fail(call, LB_ERR_CONFLICT, "rest %llu %s: only a running rest can be paused",
               (unsigned long long)r->id, conflict_text(r));
    return;
  }
  r->remaining_ms = remaining(r, mono());
  r->st = PAUSED;
  schedule(r);
  touch(r->id);
  lb_value ev = LB_MAP({"id", lb_v_uint(r->id)}, {"label", lb_v_str(r->label)},
                       {"remaining_ms", lb_v_int(r->remaining_ms)});
  host->emit(self, "paused", &ev);
  reply_view(call, r);
}

static void m_resume(lb_call *call, const lb_value *args, void *ud) {
  (void)ud;
  rest *r = lookup(call, &args[0]);
  if (!r)
    return;
  if (r->st != PAUSED) {
    host->fail(call, LB_ERR_CONFLICT, "rest %llu %s: only a paused rest can be resumed",
               (unsigned long long)r->id, conflict_text(r));
    return;
  }
  r->st = RUNNING;
  r->deadline = mono() + r->remaining_ms;
  r->ends_at_ms = wall() + r->remaining_ms;
  r->remaining_ms = 0;
  schedule(r);
  touch(r->id);
  lb_value ev = LB_MAP({"id", lb_v_uint(r->id)}, {"label", lb_v_str(r->label)},
                       {"ends_at_ms", lb_v_int(r->ends_at_ms)});
  host->emit(self, "resumed", &ev);
  reply_view(call, r);
}

static void m_extend(lb_call *call, const lb_value *args, void *ud) {
  (void)ud;
  rest *r = lookup(call, &args[0]);
  if (!r)
    return;
  uint32_t add = (uint32_t)args[1].as.u;
  if (r->st == IN_SET) {
    host->fail(call, LB_ERR_CONFLICT,
               "rest %llu waits for the set in progress: `next` starts the next rest",
               (unsigned long long)r->id);
    return;
  }
  uint32_t base = r->st == RUNNING || r->st == PAUSED ? r->seconds : 0;
  if ((uint64_t)base + add > DAY) {
    char a[32], b[32];
    fmt_duration(base, a, sizeof(a));
    fmt_duration(add, b, sizeof(b));
    host->fail(call, LB_ERR_INVALID_PARAMS,
               "parameter 'seconds': the rest would last over 24h (%s + %s)", a, b);
    return;
  }
  int64_t ms = (int64_t)add * 1000;
  if (r->st == RUNNING) {
    r->deadline += ms;
    r->ends_at_ms += ms;
    r->seconds += add;
    if (r->deadline - mono() > (int64_t)r->warn * 1000)
      r->warned = false; /* warn again before the new end */
    set_message_running(r);
    schedule(r);
  } else if (r->st == PAUSED) {
    r->remaining_ms += ms;
    r->seconds += add;
    if (r->remaining_ms > (int64_t)r->warn * 1000)
      r->warned = false;
    set_message_running(r);
  } else { /* finished, in its window or overdue: rest some more */
    run_for(r, add);
  }
  touch(r->id);
  lb_value ev = LB_MAP({"id", lb_v_uint(r->id)}, {"label", lb_v_str(r->label)},
                       {"added", lb_v_uint(add)}, {"seconds", lb_v_uint(r->seconds)},
                       {"ends_at_ms", lb_v_int(r->st == RUNNING ? r->ends_at_ms : 0)},
                       {"message", lb_v_str(r->message)});
  host->emit(self, "extended", &ev);
  reply_view(call, r);
}

/* Answer r's view with state "done" and end the routine (or the rest). */
static void reply_done(lb_call *call, rest *r, bool routine) {
  lb_pair f[14];
  lb_value v = view(r, f); /* points into r: answer before it goes */
  f[2].val = lb_v_str("done");
  host->reply(call, &v);
  if (routine)
    routine_done(r);
  else
    destroy(r);
}

static void m_next(lb_call *call, const lb_value *args, void *ud) {
  (void)ud;
  rest *r = lookup(call, &args[0]);
  if (!r)
    return;
  if (r->st == IN_SET) { /* the set is done: the rest after it, or the end */
    emit_set_done(r, r->set);
    if (r->set < r->sets) {
      run_for(r, r->base_seconds);
      emit_started(r);
      reply_view(call, r);
    } else {
      reply_done(call, r, true);
    }
    return;
  }
  if (r->st == RUNNING || r->st == PAUSED) { /* the rest ends early */
    emit_finished(r, 0, remaining(r, mono()));
    if (r->steps) {
      if (has_next_step(r)) {
        next_step(r);
        reply_view(call, r);
      } else {
        reply_done(call, r, true);
      }
      return;
    }
  }
  /* over (ready or overdue), or ended early: the next set starts now */
  uint32_t ns = next_set(r);
  if (r->sets > 1 && ns) {
    r->set = ns;
    set_message_in_set(r);
    wait_for_next(r, IN_SET, mono());
    emit_set_started(r);
    reply_view(call, r);
    return;
  }
  /* a single rest's next set (or a routine past its last set): nothing
   * more to time */
  lb_value ev = LB_MAP({"id", lb_v_uint(r->id)}, {"label", lb_v_str(r->label)},
                       {"set", lb_v_uint(r->set + 1)}, {"sets", lb_v_uint(r->sets)},
                       {"routine", lb_v_str(r->routine)}, {"message", lb_v_str("")});
  if (r->sets <= 1)
    host->emit(self, "set_started", &ev);
  reply_done(call, r, r->sets > 1);
}

static void m_list(lb_call *call, const lb_value *args, void *ud) {
  (void)ud;
  /* A page: the rests after id `after`, at most `limit` of them (all by
   * default), in id order; a client with thousands pages through them. */
  const lb_value *o = lb_map_get(&args[0], "after");
  uint64_t after = o ? o->as.u : 0;
  size_t limit = (o = lb_map_get(&args[0], "limit")) ? (size_t)o->as.u : n_rests;
  size_t n = limit < n_rests ? limit : n_rests;
  lb_value *items = lbu_xcalloc(n ? n : 1, sizeof(lb_value));
  lb_pair *pairs = lbu_xcalloc((n ? n : 1) * 14, sizeof(lb_pair));
  size_t i = 0;
  for (rest *r = first; r && i < n; r = r->next)
    if (r->id > after) {
      items[i] = view(r, pairs + i * 14);
      i++;
    }
  lb_value v = lb_v_array(items, i);
  host->reply(call, &v);
  free(items);
  free(pairs);
}

static void m_presets(lb_call *call, const lb_value *args, void *ud) {
  (void)args, (void)ud;
  size_t n = cfg.n_presets;
  lb_value *items = lbu_xcalloc(n ? n : 1, sizeof(lb_value));
  lb_pair *pairs = lbu_xcalloc((n ? n : 1) * 11, sizeof(lb_pair));
  lb_value *steps = lbu_xcalloc(n * MAX_STEPS + 1, sizeof(lb_value));
  lb_pair *step_pairs = lbu_xcalloc(n * MAX_STEPS * 2 + 1, sizeof(lb_pair));
  size_t k = 0;
  for (size_t i = 0; i < n; i++) {
    const preset *pr = &cfg.presets[i];
    if (pr->bad)
      continue;
    lb_pair *f = pairs + k * 11;
    lb_value *st = steps + i * MAX_STEPS;
    for (uint32_t s = 0; s < pr->n_steps; s++) {
      lb_pair *sp = step_pairs + (i * MAX_STEPS + s) * 2;
      sp[0] = (lb_pair){"seconds", lb_v_uint(pr->steps[s].seconds)};
      sp[1] = (lb_pair){"text", lb_v_str(pr->steps[s].text)};
      st[s] = lb_v_map(sp, 2);
    }
    size_t j = 0;
    f[j++] = (lb_pair){"name", lb_v_str(pr->name)};
    f[j++] = (lb_pair){"label", lb_v_str(pr->label)};
    f[j++] = (lb_pair){"description", lb_v_str(pr->description)};
    f[j++] = (lb_pair){"kind", lb_v_str(pr->n_steps ? "sequence" : "sets")};
    f[j++] = (lb_pair){"sets", lb_v_uint(pr->sets)};
    f[j++] = (lb_pair){"reps", lb_v_str(pr->reps)};
    f[j++] = (lb_pair){"weight", lb_v_str(pr->weight)};
    f[j++] = (lb_pair){"rest", lb_v_uint(pr->rest)};
    f[j++] = (lb_pair){"until", lb_v_uint(pr->until)};
    f[j++] = (lb_pair){"steps", lb_v_array(st, pr->n_steps)};
    items[k++] = lb_v_map(f, j);
  }
  lb_value v = lb_v_array(items, k);
  host->reply(call, &v);
  free(items);
  free(pairs);
  free(steps);
  free(step_pairs);
}

/* ---- config ------------------------------------------------------------------------------------
 */

static preset *preset_for(settings *s, const char *name) {
  for (size_t i = 0; i < s->n_presets; i++)
    if (strcmp(s->presets[i].name, name) == 0)
      return &s->presets[i];
  s->presets = lbu_xrealloc(s->presets, (s->n_presets + 1) * sizeof(preset));
  preset *p = &s->presets[s->n_presets++];
  memset(p, 0, sizeof(*p));
  snprintf(p->name, sizeof(p->name), "%s", name);
  snprintf(p->label, sizeof(p->label), "%s", name);
  p->sets = 1;
  p->rest = 0;
  p->warn = UINT32_MAX;
  return p;
}

static void bad_value(const char *section, const char *key, const char *value, const char *why) {
  host->log(self, LB_LOG_WARNING, "[rest%s%s] %s = %s: %s", section[0] ? "." : "", section, key,
            value, why);
}

static void on_config(lb_plugin *p, const char *section, const char *key, const char *value,
                      void *ud) {
  (void)p;
  settings *s = ud;
  uint32_t d;
  if (section[0] == '\0') {
    uint32_t *slot = !strcmp(key, "default")  ? &s->rest
                     : !strcmp(key, "warn")   ? &s->warn
                     : !strcmp(key, "expire") ? &s->expire
                                              : NULL;
    if (!slot)
      bad_value("", key, value, "unknown key (default, warn, expire); ignored");
    else if (!parse_duration(value, &d) || (slot != &s->warn && d == 0))
      bad_value("", key, value, "not a duration such as 90s, 2min, 1h; the built-in value stays");
    else
      *slot = d;
    return;
  }
  if (strncmp(section, "preset.", 7) != 0 || !section[7]) {
    bad_value(section, key, value, "unknown section; presets are [rest.preset.NAME]");
    return;
  }
  preset *pr = preset_for(s, section + 7);
  if (!strcmp(key, "description"))
    snprintf(pr->description, sizeof(pr->description), "%s", value);
  else if (!strcmp(key, "label"))
    snprintf(pr->label, sizeof(pr->label), "%s", value);
  else if (!strcmp(key, "reps"))
    snprintf(pr->reps, sizeof(pr->reps), "%s", value);
  else if (!strcmp(key, "weight"))
    snprintf(pr->weight, sizeof(pr->weight), "%s", value);
  else if (!strcmp(key, "done"))
    snprintf(pr->done, sizeof(pr->done), "%s", value);
  else if (!strcmp(key, "sets")) {
    char *end;
    unsigned long n = strtoul(value, &end, 10);
    if (*end || n < 1 || n > 100) {
      bad_value(section, key, value, "sets is a number from 1 to 100; preset skipped");
      pr->bad = true;
    } else {
      pr->sets = (uint32_t)n;
    }
  } else if (!strcmp(key, "rest") || !strcmp(key, "until") || !strcmp(key, "warn")) {
    if (!parse_duration(value, &d) || (d == 0 && strcmp(key, "warn") != 0)) {
      bad_value(section, key, value, "not a duration such as 90s, 2min; preset skipped");
      pr->bad = true;
    } else {
      *(!strcmp(key, "rest") ? &pr->rest : !strcmp(key, "until") ? &pr->until : &pr->warn) = d;
    }
  } else if (!strncmp(key, "step", 4)) {
    char *end;
    unsigned long n = strtoul(key + 4, &end, 10);
    const char *bar = strchr(value, '|');
    char dur[32] = "";
    if (bar && (size_t)(bar - value) < sizeof(dur))
      memcpy(dur, value, (size_t)(bar - value));
    if (*end || n < 1 || n > MAX_STEPS || !bar || !parse_duration(dur, &d) || d == 0) {
      bad_value(section, key, value,
                "a step is stepN = DURATION | TEXT, N from 1 to 16; preset skipped");
      pr->bad = true;
      return;
    }
    const char *text = bar + 1;
    while (*text == ' ')
      text++;
    pr->steps[n - 1].seconds = d;
    snprintf(pr->steps[n - 1].text, sizeof(pr->steps[n - 1].text), "%s", text);
    if (n > pr->n_steps)
      pr->n_steps = (uint32_t)n;
  } else {
    bad_value(section, key, value,
              "unknown key (description, label, sets, reps, weight, rest, until, warn, stepN, "
              "done)");
  }
}

static void load_config(void) {
  settings s = {.rest = 90, .warn = 10, .expire = 30 * 60};
  host->config_each(self, on_config, &s);
  for (size_t i = 0; i < s.n_presets; i++) {
    preset *pr = &s.presets[i];
    if (pr->bad)
      continue;
    for (uint32_t k = 0; k < pr->n_steps; k++)
      if (pr->steps[k].seconds == 0) {
        host->log(self, LB_LOG_WARNING, "[rest.preset.%s] step%u is missing; preset skipped",
                  pr->name, k + 1);
        pr->bad = true;
      }
    if (!pr->n_steps && !pr->rest)
      pr->rest = s.rest;
    if (!pr->bad && !pr->n_steps && pr->until && pr->until <= pr->rest) {
      host->log(self, LB_LOG_WARNING,
                "[rest.preset.%s] until must be longer than rest; preset skipped", pr->name);
      pr->bad = true;
    }
  }
  free(cfg.presets);
  cfg = s;
}

static void reload(lb_plugin *p) {
  (void)p;
  load_config();
}

/* ---- restore ------------------------------------------------------------------------------- */

/* The rests of the last run. A read that fails (a damaged database) fails
 * the plugin's start, with why: a rest silently lost is worse. */
static int restore(void) {
  sqlite3 *db = host->db(self);
  sqlite3_stmt *st;
  int rc =
      sqlite3_prepare_v2(db, "SELECT value FROM rest_meta WHERE key = 'next_id'", -1, &st, NULL);
  if (rc == SQLITE_OK) {
    if ((rc = sqlite3_step(st)) == SQLITE_ROW)
      next_id = (uint64_t)sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
  }
  if (rc != SQLITE_OK && rc != SQLITE_ROW && rc != SQLITE_DONE) {
    host->log(self, LB_LOG_ERR, "cannot restore the rests: %s", host->db_error(self, rc));
    return -EIO;
  }
  if ((rc = sqlite3_prepare_v2(db,
                               "SELECT id, state, label, routine, message, seconds, base_seconds,"
                               " warn, window, set_no, sets, step, steps, ends_at_ms,"
                               " remaining_ms, window_end_ms, expires_at_ms, warned FROM"
                               " rest_rests ORDER BY id",
                               -1, &st, NULL)) != SQLITE_OK) {
    host->log(self, LB_LOG_ERR, "cannot restore the rests: %s", host->db_error(self, rc));
    return -EIO;
  }
  int64_t now = mono(), now_wall = wall();
  size_t n = 0;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    rest *r = lbu_xcalloc(1, sizeof(*r));
    r->id = (uint64_t)sqlite3_column_int64(st, 0);
    const char *s = (const char *)sqlite3_column_text(st, 1);
    r->st = RUNNING;
    for (int k = 0; k < 5; k++)
      if (s && !strcmp(s, state_names[k]))
        r->st = (state)k;
    snprintf(r->label, sizeof(r->label), "%s", sqlite3_column_text(st, 2));
    snprintf(r->routine, sizeof(r->routine), "%s", sqlite3_column_text(st, 3));
    snprintf(r->message, sizeof(r->message), "%s", sqlite3_column_text(st, 4));
    r->seconds = (uint32_t)sqlite3_column_int64(st, 5);
    r->base_seconds = (uint32_t)sqlite3_column_int64(st, 6);
    r->warn = (uint32_t)sqlite3_column_int64(st, 7);
    r->window = (uint32_t)sqlite3_column_int64(st, 8);
    r->set = (uint32_t)sqlite3_column_int64(st, 9);
    r->sets = (uint32_t)sqlite3_column_int64(st, 10);
    r->step = (uint32_t)sqlite3_column_int64(st, 11);
    r->steps = (uint32_t)sqlite3_column_int64(st, 12);
    r->ends_at_ms = sqlite3_column_int64(st, 13);
    r->remaining_ms = sqlite3_column_int64(st, 14);
    r->window_end_ms = sqlite3_column_int64(st, 15);
    r->expires_ms = sqlite3_column_int64(st, 16);
    r->warned = sqlite3_column_int(st, 17);
    /* The original deadlines, on this boot's monotonic clock. A deadline
     * that passed while the daemon was down comes out in the past: its
     * timer fires on the first loop turn, once, and reports how late. */
    r->deadline = now + (r->ends_at_ms - now_wall);
    r->window_end = now + (r->window_end_ms - now_wall);
    r->expires = now + (r->expires_ms - now_wall);
    if (r->st == RUNNING && r->deadline - now < (int64_t)r->warn * 1000)
      r->warned = true; /* no late warning */
    if (r->id >= next_id)
      next_id = r->id + 1;
    r->prev = last;
    if (last)
      last->next = r;
    else
      first = r;
    last = r;
    tsearch(r, &by_id, cmp_id);
    n_rests++;
    schedule(r);
    n++;
  }
  sqlite3_finalize(st);
  if (rc != SQLITE_DONE) {
    host->log(self, LB_LOG_ERR, "cannot restore the rests: %s", host->db_error(self, rc));
    return -EIO;
  }
  if (n)
    host->log(self, LB_LOG_INFO, "restored %zu rest%s", n, n == 1 ? "" : "s");
  return 0;
}

/* ---- declarations ---------------------------------------------------------------------------- */

#define ID_PARAM                                                                                   \
  { .name = "id", .type = LB_T_U64, .doc = "the rest's id" }

static const lb_param start_params[] = {
    {.name = "seconds",
     .type = LB_T_DURATION,
     .optional = true,
     .min = 1,
     .max = DAY,
     .doc = "how long to rest; the config's default (1min 30s) when omitted"},
    {0}};
static const lb_param start_options[] = {
    {.name = "label", .type = LB_T_STRING, .doc = "what the rest is for: abduction"},
    {.name = "sets",
     .type = LB_T_UINT,
     .min = 1,
     .max = 100,
     .doc = "sets in the routine; over 1 makes the rest a routine that counts them"},
    {.name = "set", .type = LB_T_UINT, .min = 1, .max = 100, .doc = "the set just done"},
    {.name = "warn",
     .type = LB_T_DURATION,
     .min = 0,
     .max = DAY,
     .doc = "warn this long before the end; 0: no warning (default 10s)"},
    {.name = "until",
     .type = LB_T_DURATION,
     .min = 1,
     .max = DAY,
     .doc = "a window: overdue at this time unless the next set started"},
    {0}};
static const lb_param id_params[] = {ID_PARAM, {0}};
static const lb_param extend_params[] = {
    ID_PARAM,
    {.name = "seconds", .type = LB_T_DURATION, .min = 1, .max = DAY, .doc = "how much longer"},
    {0}};
static const lb_param list_options[] = {
    {.name = "limit",
     .type = LB_T_UINT,
     .min = 1,
     .max = 100000,
     .doc = "at most this many (all when omitted)"},
    {.name = "after", .type = LB_T_U64, .doc = "only those with a greater id: the next page"},
    {0}};
static const lb_param preset_params[] = {
    {.name = "name", .type = LB_T_STRING, .doc = "a [rest.preset.NAME] of the config"}, {0}};
static const lb_param preset_options[] = {{.name = "set",
                                           .type = LB_T_UINT,
                                           .min = 0,
                                           .max = 100,
                                           .doc = "the sets already done: the rest after the "
                                                  "last of them starts (default 0: set 1 starts "
                                                  "now)"},
                                          {0}};

static const lb_field view_fields[] = {{.name = "id", .type = LB_T_U64},
                                       {.name = "label", .type = LB_T_STRING},
                                       {.name = "state", .type = LB_T_STRING},
                                       {.name = "seconds", .type = LB_T_UINT},
                                       {.name = "remaining_ms", .type = LB_T_INT},
                                       {.name = "ends_at_ms", .type = LB_T_INT},
                                       {.name = "set", .type = LB_T_UINT},
                                       {.name = "sets", .type = LB_T_UINT},
                                       {.name = "step", .type = LB_T_UINT},
                                       {.name = "steps", .type = LB_T_UINT},
                                       {.name = "routine", .type = LB_T_STRING},
                                       {.name = "message", .type = LB_T_STRING},
                                       {.name = "warn", .type = LB_T_UINT},
                                       {.name = "window_end_ms", .type = LB_T_INT},
                                       {0}};

/* A preset, and each step of a sequence (its seconds and text): one type
 * per field, whether the list of steps is empty or not. */
static const lb_field preset_fields[] = {{.name = "name", .type = LB_T_STRING},
                                         {.name = "label", .type = LB_T_STRING},
                                         {.name = "description", .type = LB_T_STRING},
                                         {.name = "kind", .type = LB_T_STRING},
                                         {.name = "sets", .type = LB_T_UINT},
                                         {.name = "reps", .type = LB_T_STRING},
                                         {.name = "weight", .type = LB_T_STRING},
                                         {.name = "rest", .type = LB_T_UINT},
                                         {.name = "until", .type = LB_T_UINT},
                                         {.name = "steps", .type = LB_T_MAPS},
                                         {.name = "steps.seconds", .type = LB_T_UINT},
                                         {.name = "steps.text", .type = LB_T_STRING},
                                         {0}};

static const lb_method methods[] = {
    {.name = "start",
     .doc = "Start a rest between sets.",
     .params = start_params,
     .options = start_options,
     .result = LB_T_MAP,
     .result_fields = view_fields,
     .handler = m_start},
    {.name = "cancel",
     .doc = "Stop a rest (or a routine) for good.",
     .params = id_params,
     .result = LB_T_MAP,
     .result_fields = view_fields,
     .handler = m_cancel},
    {.name = "pause",
     .doc = "Pause a running rest.",
     .params = id_params,
     .result = LB_T_MAP,
     .result_fields = view_fields,
     .handler = m_pause},
    {.name = "resume",
     .doc = "Resume a paused rest.",
     .params = id_params,
     .result = LB_T_MAP,
     .result_fields = view_fields,
     .handler = m_resume},
    {.name = "extend",
     .doc = "Rest longer: +seconds to a running or paused rest; a finished "
            "one rests that much more.",
     .params = extend_params,
     .result = LB_T_MAP,
     .result_fields = view_fields,
     .handler = m_extend},
    {.name = "next",
     .doc = "The next set starts now: after a rest, or during one (it ends "
            "early). In a routine, once that set is done: the next rest starts "
            "now, or after the last set the routine is done.",
     .params = id_params,
     .result = LB_T_MAP,
     .result_fields = view_fields,
     .handler = m_next},
    {.name = "list",
     .doc = "The rests and routines under way, in id order.",
     .options = list_options,
     .result = LB_T_MAPS,
     .result_fields = view_fields,
     .handler = m_list},
    {.name = "preset",
     .doc = "Start a routine or a guided sequence from the config.",
     .params = preset_params,
     .options = preset_options,
     .result = LB_T_MAP,
     .result_fields = view_fields,
     .handler = m_preset},
    {.name = "presets",
     .doc = "The presets of the config.",
     .result = LB_T_MAPS,
     .result_fields = preset_fields,
     .handler = m_presets},
};

#define F(n, t)                                                                                    \
  { .name = (n), .type = (t) }
static const lb_field started_fields[] = {F("id", LB_T_U64),
                                          F("label", LB_T_STRING),
                                          F("seconds", LB_T_UINT),
                                          F("ends_at_ms", LB_T_INT),
                                          F("set", LB_T_UINT),
                                          F("sets", LB_T_UINT),
                                          F("step", LB_T_UINT),
                                          F("steps", LB_T_UINT),
                                          F("routine", LB_T_STRING),
                                          F("message", LB_T_STRING),
                                          {0}};
static const lb_field warning_fields[] = {F("id", LB_T_U64),         F("label", LB_T_STRING),
                                          F("remaining", LB_T_UINT), F("set", LB_T_UINT),
                                          F("sets", LB_T_UINT),      {0}};
static const lb_field finished_fields[] = {
    F("id", LB_T_U64),         F("label", LB_T_STRING),   F("set", LB_T_UINT),
    F("sets", LB_T_UINT),      F("next_set", LB_T_UINT),  F("step", LB_T_UINT),
    F("steps", LB_T_UINT),     F("late_s", LB_T_UINT),    F("late_us", LB_T_INT),
    F("message", LB_T_STRING), F("routine", LB_T_STRING), F("window_end_ms", LB_T_INT),
    F("early", LB_T_BOOL),     F("left_ms", LB_T_INT),    {0}};
static const lb_field overdue_fields[] = {F("id", LB_T_U64),
                                          F("label", LB_T_STRING),
                                          F("set", LB_T_UINT),
                                          F("sets", LB_T_UINT),
                                          F("next_set", LB_T_UINT),
                                          F("late_s", LB_T_UINT),
                                          {0}};
static const lb_field paused_fields[] = {
    F("id", LB_T_U64), F("label", LB_T_STRING), F("remaining_ms", LB_T_INT), {0}};
static const lb_field resumed_fields[] = {
    F("id", LB_T_U64), F("label", LB_T_STRING), F("ends_at_ms", LB_T_INT), {0}};
static const lb_field extended_fields[] = {F("id", LB_T_U64),
                                           F("label", LB_T_STRING),
                                           F("added", LB_T_UINT),
                                           F("seconds", LB_T_UINT),
                                           F("ends_at_ms", LB_T_INT),
                                           F("message", LB_T_STRING),
                                           {0}};
static const lb_field cancelled_fields[] = {
    F("id", LB_T_U64), F("label", LB_T_STRING), F("reason", LB_T_STRING), {0}};
static const lb_field set_fields[] = {F("id", LB_T_U64),
                                      F("label", LB_T_STRING),
                                      F("set", LB_T_UINT),
                                      F("sets", LB_T_UINT),
                                      F("routine", LB_T_STRING),
                                      F("message", LB_T_STRING),
                                      {0}};
static const lb_field set_done_fields[] = {F("id", LB_T_U64),         F("label", LB_T_STRING),
                                           F("routine", LB_T_STRING), F("set", LB_T_UINT),
                                           F("sets", LB_T_UINT),      {0}};
static const lb_field done_fields[] = {F("id", LB_T_U64),
                                       F("label", LB_T_STRING),
                                       F("routine", LB_T_STRING),
                                       F("sets", LB_T_UINT),
                                       F("steps", LB_T_UINT),
                                       F("message", LB_T_STRING),
                                       {0}};

static const lb_event events[] = {
    {.name = "started", .doc = "A rest (or a step of a sequence) began.", .fields = started_fields},
    {.name = "warning", .doc = "A rest ends in `remaining` seconds.", .fields = warning_fields},
    {.name = "finished",
     .doc = "A rest is over: ready for the next set.",
     .fields = finished_fields},
    {.name = "overdue",
     .doc = "The window closed and no next set was started.",
     .fields = overdue_fields},
    {.name = "paused", .doc = "A running rest was paused.", .fields = paused_fields},
    {.name = "resumed", .doc = "A paused rest runs again.", .fields = resumed_fields},
    {.name = "extended", .doc = "A rest was made longer.", .fields = extended_fields},
    {.name = "cancelled",
     .doc = "A rest was stopped, or a routine expired waiting.",
     .fields = cancelled_fields},
    {.name = "set_started", .doc = "The next set of a routine is under way.", .fields = set_fields},
    {.name = "set_done",
     .doc = "A set was done (the rest after it starts, or the routine ends).",
     .fields = set_done_fields},
    {.name = "routine_done", .doc = "A routine or sequence is complete.", .fields = done_fields},
};

static void on_active_rests(lb_plugin *p, lb_value *ret, void *ud) {
  (void)p, (void)ud;
  *ret = lb_v_uint(n_rests);
}

static const lb_property props[] = {
    {.name = "active",
     .doc = "rests and routines under way",
     .type = LB_T_U64,
     .get = on_active_rests},
};

static void shutdown(lb_plugin *p);

static int init(lb_plugin *p, const lb_host *h) {
  host = h;
  self = p;
  if (!LB_HOST_HAS(h, output_close)) {
    h->log(p, LB_LOG_ERR, "this lumbard is too old for the rest plugin (host API %u)", h->api);
    return -ENOTSUP;
  }
  if (lb_declare_all(h, p, methods, LB_COUNT(methods), events, LB_COUNT(events)) < 0)
    return -EINVAL;
  if (h->declare_property(p, &props[0]) < 0 || h->db_migrate(p, schema) < 0 ||
      h->db_save_behind(p, save, NULL, NULL) < 0)
    return -EIO;
  load_config();
  if (restore() < 0) {
    shutdown(p); /* what was restored, and the config */
    return -EIO;
  }
  return 0;
}

static void shutdown(lb_plugin *p) {
  (void)p; /* the host saved what changed in the last turn */
  while (first) {
    rest *r = first;
    first = r->next;
    tdelete(r, &by_id, cmp_id);
    free(r); /* the host removes their timers */
  }
  last = NULL;
  n_rests = 0;
  free(cfg.presets);
  cfg.presets = NULL;
  cfg.n_presets = 0;
}

LB_PLUGIN_DEFINE(.name = "rest", .version = "1.0",
                 .description = "rest timers between sets, the abduction routine and the warm-up",
                 .init = init, .shutdown = shutdown, .reload = reload);
