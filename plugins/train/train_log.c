/* The sets and the sessions: train.log (the rest starts at once, through
 * rest.start), amend, remove, history, sessions, exercises, and the sets a
 * rest routine of an exercise's preset counts.
 *
 * Sessions: a set goes to the session it falls within two hours of (its
 * start minus two hours to its end plus two hours), or starts one. The
 * latest session is the open one while its last set is under two hours
 * old: its sets are kept in memory too, so that a set's number in its
 * exercise (set 2 of abduction) is known before the write lands. Two hours
 * after its last set, session_ended. */
#include <errno.h>
#include <lumbard/plugin.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "train.h"
#include "xalloc.h"

#define MAX_WEIGHT_KG 1000.0
#define MAX_NOTE 1000
#define MAX_REST_SETS 100        /* rest.start's most sets */
#define TRAIN_EARLIEST 946684800 /* 2000-01-01 */

/* ---- the open session ------------------------------------------------------------ */

typedef struct open_set {
  char exercise[TRAIN_NAME_MAX];
  int64_t at;
} open_set;

static struct {
  uint64_t id; /* 0: none */
  int64_t start, end;
  open_set *sets;
  size_t n;
  uint64_t timer;
} open;

static uint64_t next_set_id, next_session_id;

/* The rest this plugin started last for each exercise: a set logged while
 * it runs ends it (the set started). */
typedef struct exercise_rest {
  char exercise[TRAIN_NAME_MAX];
  uint64_t rest_id;
} exercise_rest;
static exercise_rest *rests;
static size_t n_rests;

static uint32_t open_count(const char *exercise, int64_t at) {
  uint32_t n = 0;
  for (size_t i = 0; i < open.n; i++)
    n += strcmp(open.sets[i].exercise, exercise) == 0 && open.sets[i].at <= at;
  return n;
}

static void open_add(const char *exercise, int64_t at) {
  open.sets = lbu_xrealloc(open.sets, (open.n + 1) * sizeof(open_set));
  snprintf(open.sets[open.n].exercise, TRAIN_NAME_MAX, "%s", exercise);
  open.sets[open.n++].at = at;
  if (at < open.start)
    open.start = at;
  if (at > open.end)
    open.end = at;
}

static void emit_session_ended(uint64_t id);
static void arm_session_end(void);

static void on_session_end(lb_plugin *p, uint64_t timer, void *ud) {
  (void)p, (void)timer, (void)ud;
  open.timer = 0;
  if (!open.id)
    return;
  if (train_now_s() < open.end + TRAIN_SESSION_GAP_S) { /* a set came since: later */
    arm_session_end();
    return;
  }
  uint64_t id = open.id;
  open.id = 0;
  open.n = 0;
  emit_session_ended(id);
}

static void arm_session_end(void) {
  train_host->timer_stop(train_self, open.timer);
  open.timer = open.id ? train_host->timer_start(train_self, LB_CLOCK_WALL,
                                                 (open.end + TRAIN_SESSION_GAP_S) * 1000,
                                                 on_session_end, NULL)
                       : 0;
}

/* The open session as the database has it: the latest, when its last set is
 * under two hours old. */
static int load_open(void) {
  sqlite3 *db = train_host->db(train_self);
  sqlite3_stmt *st;
  open.id = 0;
  open.n = 0;
  int rc = sqlite3_prepare_v2(db,
                              "SELECT id, start_at, end_at FROM train_sessions ORDER BY end_at "
                              "DESC LIMIT 1",
                              -1, &st, NULL);
  if (rc != SQLITE_OK)
    return rc;
  if (sqlite3_step(st) == SQLITE_ROW &&
      sqlite3_column_int64(st, 2) + TRAIN_SESSION_GAP_S > train_now_s()) {
    open.id = (uint64_t)sqlite3_column_int64(st, 0);
    open.start = sqlite3_column_int64(st, 1);
    open.end = sqlite3_column_int64(st, 2);
  }
  sqlite3_finalize(st);
  if (open.id) {
    rc = sqlite3_prepare_v2(db, "SELECT exercise, at FROM train_sets WHERE session = ?", -1, &st,
                            NULL);
    if (rc != SQLITE_OK)
      return rc;
    sqlite3_bind_int64(st, 1, (sqlite3_int64)open.id);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
      open_add((const char *)sqlite3_column_text(st, 0), sqlite3_column_int64(st, 1));
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
      return rc;
  }
  arm_session_end();
  return SQLITE_OK;
}

static int64_t max_id(const char *sql) {
  sqlite3_stmt *st;
  int64_t v = -1;
  if (sqlite3_prepare_v2(train_host->db(train_self), sql, -1, &st, NULL) == SQLITE_OK) {
    if (sqlite3_step(st) == SQLITE_ROW)
      v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
  }
  return v;
}

int train_log_init(void) {
  int64_t s = max_id("SELECT coalesce(max(id), 0) FROM train_sets");
  int64_t t = max_id("SELECT coalesce(max(id), 0) FROM train_sessions");
  int rc = s < 0 || t < 0 ? SQLITE_ERROR : load_open();
  if (rc != SQLITE_OK) {
    train_host->log(train_self, LB_LOG_ERR, "cannot read the training log: %s",
                    train_host->db_error(train_self, rc));
    return -EIO;
  }
  next_set_id = (uint64_t)s + 1;
  next_session_id = (uint64_t)t + 1;
  return 0;
}

uint64_t train_peek_set_id(void) {
  return next_set_id;
}

uint64_t train_take_set_id(void) {
  return next_set_id++;
}

uint64_t train_take_session_id(void) {
  return next_session_id++;
}

/* Sets placed in the open session whose write has not landed yet: the
 * open session is read again from the database only once there are none,
 * or it would lose them. */
static unsigned logs_pending;
static bool reload_wanted;

void train_log_reload(void) {
  if (logs_pending) {
    reload_wanted = true;
    return;
  }
  reload_wanted = false;
  (void)load_open();
}

static sqlite3_stmt *insert_set, *upsert_session;

void train_log_shutdown(void) {
  sqlite3_finalize(insert_set);
  sqlite3_finalize(upsert_session);
  insert_set = upsert_session = NULL;
  train_host->timer_stop(train_self, open.timer);
  free(open.sets);
  open.sets = NULL;
  open.id = 0;
  open.n = 0;
  free(rests);
  rests = NULL;
  n_rests = 0;
}

/* ---- a set ------------------------------------------------------------------------- */

typedef struct set_in {
  char exercise[TRAIN_NAME_MAX];
  uint32_t reps;
  bool has_weight, has_rir, warmup;
  double weight_kg, rir;
  char *note;
  int64_t at;
  char source[16];
  unsigned given; /* which fields an amendment gives */
} set_in;

enum { G_EXERCISE = 1, G_REPS = 2, G_WEIGHT = 4, G_RIR = 8, G_NOTE = 16, G_AT = 32 };

/* The options of train.log or train.amend into f; false when one is refused
 * (the call has failed). */
static bool read_options(lb_call *call, const lb_value *opts, int64_t now, set_in *f) {
  const lb_value *v;
  bool lb = train_cfg.lb;
  if ((v = lb_map_get(opts, "unit")) != NULL) {
    if (strcmp(v->as.str.ptr, "kg") != 0 && strcmp(v->as.str.ptr, "lb") != 0) {
      train_host->fail(call, LB_ERR_INVALID_PARAMS, "option 'unit' must be kg or lb, not \"%s\"",
                       v->as.str.ptr);
      return false;
    }
    lb = strcmp(v->as.str.ptr, "lb") == 0;
  }
  if ((v = lb_map_get(opts, "exercise")) != NULL) {
    if (!train_valid_name(v->as.str.ptr)) {
      train_host->fail(call, LB_ERR_INVALID_PARAMS,
                       "option 'exercise' (\"%s\") must be a name of lower-case letters, digits, "
                       "- and _ (abduction, split-squat)",
                       v->as.str.ptr);
      return false;
    }
    snprintf(f->exercise, sizeof(f->exercise), "%s", v->as.str.ptr);
    f->given |= G_EXERCISE;
  }
  if ((v = lb_map_get(opts, "reps")) != NULL) {
    f->reps = (uint32_t)v->as.u;
    f->given |= G_REPS;
  }
  if ((v = lb_map_get(opts, "weight")) != NULL) {
    double kg = v->as.d * (lb ? TRAIN_LB_KG : 1.0);
    if (!isfinite(v->as.d) || v->as.d < 0 || kg > MAX_WEIGHT_KG) {
      train_host->fail(call, LB_ERR_INVALID_PARAMS,
                       "option 'weight' must be from 0 to %g %s, not %g", lb ? 2204.0 : 1000.0,
                       lb ? "lb" : "kg", v->as.d);
      return false;
    }
    f->has_weight = v->as.d > 0;
    f->weight_kg = f->has_weight ? kg : 0;
    f->given |= G_WEIGHT;
  }
  if ((v = lb_map_get(opts, "rir")) != NULL) {
    bool none = v->as.d == -1;
    if (!none && (!isfinite(v->as.d) || v->as.d < 0 || v->as.d > 10)) {
      train_host->fail(call, LB_ERR_INVALID_PARAMS,
                       "option 'rir' (reps in reserve) must be from 0 to 10, not %g", v->as.d);
      return false;
    }
    f->has_rir = !none;
    f->rir = none ? 0 : v->as.d;
    f->given |= G_RIR;
  }
  if ((v = lb_map_get(opts, "note")) != NULL) {
    if (v->as.str.len > MAX_NOTE) {
      train_host->fail(call, LB_ERR_INVALID_PARAMS, "option 'note' is %u bytes long; at most %d",
                       v->as.str.len, MAX_NOTE);
      return false;
    }
    free(f->note);
    f->note = lbu_xstrdup(v->as.str.ptr);
    f->given |= G_NOTE;
  }
  if ((v = lb_map_get(opts, "at")) != NULL) {
    if (v->as.i > now + 60 || v->as.i < TRAIN_EARLIEST) {
      train_host->fail(call, LB_ERR_INVALID_PARAMS,
                       v->as.i > now ? "option 'at' is in the future; log now, or an earlier time"
                                     : "option 'at' is before 2000; a set's time is unix seconds");
      return false;
    }
    f->at = v->as.i;
    f->given |= G_AT;
  }
  return true;
}

/* ---- writes -------------------------------------------------------------------------- */

typedef enum { LOG, AMEND, REMOVE } change_kind;

typedef struct change {
  change_kind kind;
  lb_call *call;
  uint64_t id, session, old_session;
  bool new_session; /* log: the session starts with this set */
  uint32_t set;     /* log: its number in its exercise in the session */
  set_in f;         /* the set (amend: as it is after the write) */
  set_in opts;      /* amend: the options given */
  int64_t logged_at;
  bool missing; /* amend/remove: no such set */
  /* log: the answer waits for the write and for rest.start */
  int pending;
  int write_result;
  char write_error[512];
  uint64_t rest_id;
  char rest_error[512];
  double previous_best; /* log: the heaviest earlier set at its rep count; -1: none */
} change;

static void change_free(change *c) {
  free(c->f.note);
  free(c->opts.note);
  free(c);
}

int train_write_session(sqlite3 *db, uint64_t id, int64_t at) {
  int rc = lbp_prepared(db, &upsert_session,
                        "INSERT INTO train_sessions(id, start_at, end_at) VALUES(?1, ?2, ?2) ON "
                        "CONFLICT(id) DO UPDATE SET start_at = min(start_at, ?2), end_at = "
                        "max(end_at, ?2)");
  if (rc != SQLITE_OK)
    return rc;
  sqlite3_bind_int64(upsert_session, 1, (sqlite3_int64)id);
  sqlite3_bind_int64(upsert_session, 2, at);
  rc = lbp_step(db, upsert_session);
  sqlite3_reset(upsert_session);
  return rc;
}

/* The heaviest earlier set of c's exercise at c's rep count (warm-ups not
 * counted), into c->previous_best; -1 when there is none. */
static int previous_best(sqlite3 *db, change *c) {
  sqlite3_stmt *st;
  c->previous_best = -1;
  int rc = sqlite3_prepare_v2(db,
                              "SELECT max(weight_kg) FROM train_sets WHERE exercise = ? AND reps "
                              "= ? AND warmup = 0",
                              -1, &st, NULL);
  if (rc != SQLITE_OK)
    return rc;
  sqlite3_bind_text(st, 1, c->f.exercise, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 2, c->f.reps);
  rc = sqlite3_step(st);
  if (rc == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
    c->previous_best = sqlite3_column_double(st, 0);
  sqlite3_finalize(st);
  return rc == SQLITE_ROW ? SQLITE_OK : sqlite3_extended_errcode(db);
}

static int write_insert(sqlite3 *db, change *c) {
  int rb = previous_best(db, c);
  if (rb != SQLITE_OK)
    return rb;
  int rc = lbp_prepared(db, &insert_set,
                        "INSERT INTO train_sets(id, at, exercise, reps, weight_kg, rir, note, "
                        "session, source, logged_at) VALUES(?,?,?,?,?,?,?,?,?,?)");
  if (rc != SQLITE_OK)
    return rc;
  sqlite3_stmt *st = insert_set;
  sqlite3_bind_int64(st, 1, (sqlite3_int64)c->id);
  sqlite3_bind_int64(st, 2, c->f.at);
  sqlite3_bind_text(st, 3, c->f.exercise, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 4, c->f.reps);
  if (c->f.has_weight)
    sqlite3_bind_double(st, 5, c->f.weight_kg);
  else
    sqlite3_bind_null(st, 5);
  if (c->f.has_rir)
    sqlite3_bind_double(st, 6, c->f.rir);
  else
    sqlite3_bind_null(st, 6);
  sqlite3_bind_text(st, 7, c->f.note ? c->f.note : "", -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 8, (sqlite3_int64)c->session);
  sqlite3_bind_text(st, 9, c->f.source, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 10, c->logged_at);
  rc = lbp_step(db, st);
  sqlite3_reset(st);
  return rc == SQLITE_OK ? train_write_session(db, c->session, c->f.at) : rc;
}

/* A session's bounds made again from its sets; gone when it has none. */
static int refresh_session(sqlite3 *db, uint64_t id) {
  sqlite3_stmt *st;
  int rc = sqlite3_prepare_v2(db,
                              "UPDATE train_sessions SET start_at = (SELECT min(at) FROM "
                              "train_sets WHERE session = ?1), end_at = (SELECT max(at) FROM "
                              "train_sets WHERE session = ?1) WHERE id = ?1 AND EXISTS (SELECT 1 "
                              "FROM train_sets WHERE session = ?1)",
                              -1, &st, NULL);
  if (rc != SQLITE_OK)
    return rc;
  sqlite3_bind_int64(st, 1, (sqlite3_int64)id);
  if ((rc = lbp_step(db, st)) != SQLITE_OK) {
    sqlite3_finalize(st);
    return rc;
  }
  sqlite3_finalize(st);
  rc = sqlite3_prepare_v2(db,
                          "DELETE FROM train_sessions WHERE id = ?1 AND NOT EXISTS (SELECT 1 FROM "
                          "train_sets WHERE session = ?1)",
                          -1, &st, NULL);
  if (rc != SQLITE_OK)
    return rc;
  sqlite3_bind_int64(st, 1, (sqlite3_int64)id);
  rc = lbp_step(db, st);
  sqlite3_finalize(st);
  return rc;
}

/* The session a set at `at` belongs to, from the database (a set logged
 * later than the open session is the loop's to place): 0 when none. */
int train_find_session(sqlite3 *db, int64_t at, uint64_t exclude_set, uint64_t *ret) {
  sqlite3_stmt *st;
  *ret = 0;
  int rc = sqlite3_prepare_v2(
      db,
      "SELECT s.id FROM train_sessions s WHERE s.start_at - ?2 <= ?1 AND s.end_at + ?2 >= ?1 "
      "AND EXISTS (SELECT 1 FROM train_sets t WHERE t.session = s.id AND t.id != ?3) ORDER BY "
      "abs(s.start_at - ?1) LIMIT 1",
      -1, &st, NULL);
  if (rc != SQLITE_OK)
    return rc;
  sqlite3_bind_int64(st, 1, at);
  sqlite3_bind_int64(st, 2, TRAIN_SESSION_GAP_S);
  sqlite3_bind_int64(st, 3, (sqlite3_int64)exclude_set);
  rc = sqlite3_step(st);
  if (rc == SQLITE_ROW)
    *ret = (uint64_t)sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  return rc == SQLITE_ROW || rc == SQLITE_DONE ? SQLITE_OK : rc;
}

static int read_set(sqlite3 *db, uint64_t id, set_in *f, uint64_t *session, bool *found) {
  sqlite3_stmt *st;
  int rc = sqlite3_prepare_v2(db,
                              "SELECT at, exercise, reps, weight_kg, rir, note, session, source, "
                              "warmup FROM train_sets WHERE id = ?",
                              -1, &st, NULL);
  if (rc != SQLITE_OK)
    return rc;
  sqlite3_bind_int64(st, 1, (sqlite3_int64)id);
  rc = sqlite3_step(st);
  *found = rc == SQLITE_ROW;
  if (rc == SQLITE_ROW) {
    f->at = sqlite3_column_int64(st, 0);
    snprintf(f->exercise, sizeof(f->exercise), "%s", sqlite3_column_text(st, 1));
    f->reps = (uint32_t)sqlite3_column_int64(st, 2);
    f->has_weight = sqlite3_column_type(st, 3) != SQLITE_NULL;
    f->weight_kg = sqlite3_column_double(st, 3);
    f->has_rir = sqlite3_column_type(st, 4) != SQLITE_NULL;
    f->rir = sqlite3_column_double(st, 4);
    free(f->note);
    f->note = lbu_xstrdup((const char *)sqlite3_column_text(st, 5));
    *session = (uint64_t)sqlite3_column_int64(st, 6);
    snprintf(f->source, sizeof(f->source), "%s", sqlite3_column_text(st, 7));
    f->warmup = sqlite3_column_int(st, 8) != 0;
    rc = SQLITE_OK;
  } else {
    rc = rc == SQLITE_DONE ? SQLITE_OK : sqlite3_extended_errcode(db);
  }
  sqlite3_finalize(st);
  return rc;
}

static int write_amend(sqlite3 *db, change *c) {
  /* from c->opts and the database alone: the host may run this again */
  set_in now = {0}, *o = &c->opts;
  bool found;
  int rc = read_set(db, c->id, &now, &c->old_session, &found);
  if (rc != SQLITE_OK || (c->missing = !found)) {
    free(now.note);
    return rc;
  }
  if (o->given & G_EXERCISE)
    memcpy(now.exercise, o->exercise, sizeof(now.exercise));
  if (o->given & G_REPS)
    now.reps = o->reps;
  if (o->given & G_WEIGHT) {
    now.has_weight = o->has_weight;
    now.weight_kg = o->weight_kg;
  }
  if (o->given & G_RIR) {
    now.has_rir = o->has_rir;
    now.rir = o->rir;
  }
  if (o->given & G_NOTE) {
    free(now.note);
    now.note = lbu_xstrdup(o->note);
  }
  if (o->given & G_AT)
    now.at = o->at;
  c->session = c->old_session;
  if (o->given & G_AT) { /* moved: perhaps to another session */
    uint64_t s;
    if ((rc = train_find_session(db, now.at, c->id, &s)) != SQLITE_OK) {
      free(now.note);
      return rc;
    }
    c->session = s ? s : c->old_session;
    if (!s) { /* a session of its own, unless it was alone in its old one */
      sqlite3_stmt *st;
      rc = sqlite3_prepare_v2(db, "SELECT count(*) FROM train_sets WHERE session = ?", -1, &st,
                              NULL);
      if (rc == SQLITE_OK) {
        sqlite3_bind_int64(st, 1, (sqlite3_int64)c->old_session);
        if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int64(st, 0) > 1)
          c->session = next_session_id++;
        sqlite3_finalize(st);
      }
    }
  }
  free(c->f.note);
  c->f = now;
  sqlite3_stmt *st;
  rc = sqlite3_prepare_v2(db,
                          "UPDATE train_sets SET at = ?, exercise = ?, reps = ?, weight_kg = ?, "
                          "rir = ?, note = ?, session = ? WHERE id = ?",
                          -1, &st, NULL);
  if (rc != SQLITE_OK)
    return rc;
  sqlite3_bind_int64(st, 1, now.at);
  sqlite3_bind_text(st, 2, now.exercise, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 3, now.reps);
  if (now.has_weight)
    sqlite3_bind_double(st, 4, now.weight_kg);
  else
    sqlite3_bind_null(st, 4);
  if (now.has_rir)
    sqlite3_bind_double(st, 5, now.rir);
  else
    sqlite3_bind_null(st, 5);
  sqlite3_bind_text(st, 6, now.note, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 7, (sqlite3_int64)c->session);
  sqlite3_bind_int64(st, 8, (sqlite3_int64)c->id);
  rc = lbp_step(db, st);
  sqlite3_finalize(st);
  if (rc == SQLITE_OK)
    rc = train_write_session(db, c->session, now.at);
  if (rc == SQLITE_OK)
    rc = refresh_session(db, c->session);
  if (rc == SQLITE_OK && c->old_session != c->session)
    rc = refresh_session(db, c->old_session);
  return rc;
}

static int write_remove(sqlite3 *db, change *c) {
  bool found;
  int rc = read_set(db, c->id, &c->f, &c->old_session, &found);
  if (rc != SQLITE_OK)
    return rc;
  if ((c->missing = !found))
    return SQLITE_OK;
  sqlite3_stmt *st;
  rc = sqlite3_prepare_v2(db, "DELETE FROM train_sets WHERE id = ?", -1, &st, NULL);
  if (rc != SQLITE_OK)
    return rc;
  sqlite3_bind_int64(st, 1, (sqlite3_int64)c->id);
  rc = lbp_step(db, st);
  sqlite3_finalize(st);
  return rc == SQLITE_OK ? refresh_session(db, c->old_session) : rc;
}

static int write_change(lb_plugin *p, sqlite3 *db, void *ud) {
  (void)p;
  change *c = ud;
  switch (c->kind) {
  case LOG:
    return write_insert(db, c);
  case AMEND:
    return write_amend(db, c);
  case REMOVE:
    return write_remove(db, c);
  }
  return SQLITE_MISUSE;
}

/* ---- answers ------------------------------------------------------------------------- */

/* A set as clients see it, into f (13 pairs). */
static lb_value set_value(uint64_t id, const set_in *s, uint32_t set, uint64_t session,
                          lb_pair *f) {
  size_t n = 0;
  f[n++] = (lb_pair){"id", lb_v_uint(id)};
  f[n++] = (lb_pair){"at", lb_v_int(s->at)};
  f[n++] = (lb_pair){"exercise", lb_v_str(s->exercise)};
  f[n++] = (lb_pair){"set", lb_v_uint(set)};
  f[n++] = (lb_pair){"reps", lb_v_uint(s->reps)};
  /* every field always there (0: no weight; -1: no rir said) */
  double kg = s->has_weight ? s->weight_kg : 0;
  f[n++] = (lb_pair){"weight_kg", lb_v_double(kg)};
  f[n++] = (lb_pair){"weight", lb_v_double(train_cfg.lb ? kg / TRAIN_LB_KG : kg)};
  f[n++] = (lb_pair){"unit", lb_v_str(train_cfg.lb ? "lb" : "kg")};
  f[n++] = (lb_pair){"rir", lb_v_double(s->has_rir ? s->rir : -1)};
  f[n++] = (lb_pair){"note", lb_v_str(s->note ? s->note : "")};
  f[n++] = (lb_pair){"session", lb_v_uint(session)};
  f[n++] = (lb_pair){"warmup", lb_v_bool(s->warmup)};
  f[n++] = (lb_pair){"source", lb_v_str(s->source)};
  return lb_v_map(f, n);
}

static void set_rest_of(const char *exercise, uint64_t rest_id) {
  for (size_t i = 0; i < n_rests; i++)
    if (strcmp(rests[i].exercise, exercise) == 0) {
      rests[i].rest_id = rest_id;
      return;
    }
  rests = lbu_xrealloc(rests, (n_rests + 1) * sizeof(*rests));
  snprintf(rests[n_rests].exercise, TRAIN_NAME_MAX, "%s", exercise);
  rests[n_rests++].rest_id = rest_id;
}

static uint64_t rest_of(const char *exercise) {
  for (size_t i = 0; i < n_rests; i++)
    if (strcmp(rests[i].exercise, exercise) == 0)
      return rests[i].rest_id;
  return 0;
}

/* The log's answer, once the write has landed and the rest (if asked) has
 * started. */
static void log_finish(change *c) {
  if (--c->pending > 0)
    return;
  logs_pending--;
  if (c->write_result < 0) {
    train_log_reload(); /* the set placed in the open session is not there */
    train_host->log(train_self, LB_LOG_ERR, "cannot save a set of %s: %s", c->f.exercise,
                    c->write_error);
    if (c->call)
      train_host->fail(c->call, LB_ERR_INTERNAL,
                       "the set could not be saved (%s); nothing was logged%s", c->write_error,
                       c->rest_id ? ", but the rest runs" : "");
  } else {
    lb_value ev = LB_MAP({"id", lb_v_uint(c->id)}, {"at", lb_v_int(c->f.at)},
                         {"exercise", lb_v_str(c->f.exercise)}, {"set", lb_v_uint(c->set)},
                         {"reps", lb_v_uint(c->f.reps)},
                         {"weight_kg", lb_v_double(c->f.has_weight ? c->f.weight_kg : 0)},
                         {"session", lb_v_uint(c->session)}, {"rest_id", lb_v_uint(c->rest_id)},
                         {"source", lb_v_str(c->f.source)});
    train_host->emit(train_self, "logged", &ev);
    /* a best: heavier than every earlier set at its rep count */
    if (c->f.has_weight && c->f.reps > 0 && c->previous_best >= 0 &&
        c->f.weight_kg > c->previous_best) {
      lb_value rec = LB_MAP(
          {"id", lb_v_uint(c->id)}, {"exercise", lb_v_str(c->f.exercise)},
          {"reps", lb_v_uint(c->f.reps)}, {"weight_kg", lb_v_double(c->f.weight_kg)},
          {"previous_kg", lb_v_double(c->previous_best)},
          {"e1rm_kg", lb_v_double(c->f.reps <= 10 ? train_e1rm(c->f.weight_kg, c->f.reps) : 0)});
      train_host->emit(train_self, "record", &rec);
    }
    if (c->call) {
      lb_pair f[16];
      lb_value v = set_value(c->id, &c->f, c->set, c->session, f);
      size_t n = v.as.map.len;
      f[n++] = (lb_pair){"rest_id", lb_v_uint(c->rest_id)};
      v = lb_v_map(f, n);
      train_host->reply(c->call, &v);
    }
  }
  if (reload_wanted)
    train_log_reload(); /* once no set is pending, the one put off */
  change_free(c);
}

static void log_written(lb_plugin *p, int result, const char *error, void *ud) {
  (void)p;
  change *c = ud;
  c->write_result = result;
  if (result < 0)
    snprintf(c->write_error, sizeof(c->write_error), "%s", error);
  log_finish(c);
}

static void rest_started(lb_plugin *p, const lb_value *result, int error, const char *message,
                         void *ud) {
  (void)p;
  change *c = ud;
  const lb_value *id = result ? lb_map_get(result, "id") : NULL;
  if (error || !id) {
    /* the set is logged all the same: a rest is a timer, the set is the record */
    train_host->log(train_self, LB_LOG_WARNING, "the rest after a set of %s did not start: %s",
                    c->f.exercise, message ? message : "no id in rest.start's answer");
  } else {
    c->rest_id = id->as.u;
    set_rest_of(c->f.exercise, c->rest_id);
  }
  /* the rest runs: now the set to disk (the answer waits for both) */
  train_host->db_write(train_self, write_change, log_written, c);
  log_finish(c);
}

/* The exercise's rest, at once: the one a set of it started before ends
 * (this set began). */
static bool start_rest(change *c) {
  const train_exercise *e = train_exercise_find(c->f.exercise);
  uint64_t running = rest_of(c->f.exercise);
  if (running) {
    lb_value cancel[] = {lb_v_uint(running)};
    (void)train_host->call(train_self, "rest.cancel", cancel, 1, NULL, NULL);
    set_rest_of(c->f.exercise, 0);
  }
  lb_pair o[4];
  size_t n = 0;
  o[n++] = (lb_pair){"label", lb_v_str(e ? e->label : c->f.exercise)};
  uint32_t sets = e && e->sets > c->set ? e->sets : c->set;
  if (sets <= MAX_REST_SETS) { /* past the rest plugin's 100 sets: a plain rest */
    o[n++] = (lb_pair){"set", lb_v_uint(c->set)};
    o[n++] = (lb_pair){"sets", lb_v_uint(sets)};
  }
  if (e && e->until && e->until > e->rest && e->rest)
    o[n++] = (lb_pair){"until", lb_v_uint(e->until)};
  lb_value params[] = {e && e->rest ? lb_v_uint(e->rest) : lb_v_nil(), lb_v_map(o, n)};
  c->pending++;
  if (train_host->call(train_self, "rest.start", params, 2, rest_started, c) < 0) {
    c->pending--;
    return false;
  }
  return true;
}

/* Where a new set goes: its session and its number in its exercise there. */
static bool place(change *c) {
  int64_t at = c->f.at;
  if (open.id && at >= open.start - TRAIN_SESSION_GAP_S && at <= open.end + TRAIN_SESSION_GAP_S) {
    c->session = open.id;
    c->set = open_count(c->f.exercise, at) + 1;
    open_add(c->f.exercise, at);
    arm_session_end();
    return true;
  }
  if (at > open.end && at > train_now_s() - TRAIN_SESSION_GAP_S) {
    /* a new session, the open one from now (a set older than two hours
     * opens none: its session is over; the database places it) */
    if (open.id) {
      uint64_t ended = open.id;
      open.id = 0;
      emit_session_ended(ended);
    }
    open.id = c->session = next_session_id++;
    open.start = open.end = at;
    open.n = 0;
    open_add(c->f.exercise, at);
    c->set = 1;
    c->new_session = true;
    arm_session_end();
    return true;
  }
  /* an earlier set: the session the database has there */
  sqlite3 *db = train_host->db(train_self);
  uint64_t s;
  if (train_find_session(db, at, 0, &s) != SQLITE_OK)
    return false;
  c->session = s ? s : next_session_id++;
  c->set = 1;
  if (s) {
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db,
                           "SELECT count(*) FROM train_sets WHERE session = ? AND exercise = ? "
                           "AND at <= ?",
                           -1, &st, NULL) == SQLITE_OK) {
      sqlite3_bind_int64(st, 1, (sqlite3_int64)s);
      sqlite3_bind_text(st, 2, c->f.exercise, -1, SQLITE_STATIC);
      sqlite3_bind_int64(st, 3, at);
      if (sqlite3_step(st) == SQLITE_ROW)
        c->set = (uint32_t)sqlite3_column_int64(st, 0) + 1;
      sqlite3_finalize(st);
    }
  }
  return true;
}

/* A set into the log: from train.log (call), or counted by a routine
 * (call NULL). Starts the rest when start is true. */
static void log_set(lb_call *call, change *c, bool start) {
  c->kind = LOG;
  c->call = call;
  c->logged_at = train_now_s();
  if (!place(c)) {
    if (call)
      train_host->fail(call, LB_ERR_INTERNAL, "the training log cannot be read; see the log");
    change_free(c);
    return;
  }
  c->id = next_set_id++;
  c->pending = 1; /* the write */
  logs_pending++;
  /* The rest first: the write's fsync would otherwise come before the call
   * runs (on a later loop turn), and the person would wait for the disk to
   * start resting. The write follows as soon as the rest has started. */
  if (!start || !start_rest(c))
    train_host->db_write(train_self, write_change, log_written, c);
}

void train_m_log(lb_call *call, const lb_value *args, void *ud) {
  (void)ud;
  int64_t now = train_now_s();
  change *c = lbu_xcalloc(1, sizeof(*c));
  if (!train_valid_name(args[0].as.str.ptr)) {
    train_host->fail(call, LB_ERR_INVALID_PARAMS,
                     "the exercise (\"%s\") must be a name of lower-case letters, digits, - and _ "
                     "(abduction, split-squat); `lumbarctl train exercises` lists them",
                     args[0].as.str.ptr);
    change_free(c);
    return;
  }
  if (!read_options(call, &args[2], now, &c->f)) {
    change_free(c);
    return;
  }
  snprintf(c->f.exercise, sizeof(c->f.exercise), "%s", args[0].as.str.ptr);
  c->f.reps = (uint32_t)args[1].as.u;
  snprintf(c->f.source, sizeof(c->f.source), "log");
  if (!(c->f.given & G_AT))
    c->f.at = now;
  /* a set written down afterwards starts no rest unless asked: its rest is
   * over, and the one running now is another set's */
  const lb_value *rest = lb_map_get(&args[2], "rest");
  bool earlier = (c->f.given & G_AT) && c->f.at < now - 60;
  log_set(call, c, rest ? rest->as.b : !earlier);
}

static void change_written(lb_plugin *p, int result, const char *error, void *ud) {
  (void)p;
  change *c = ud;
  if (result < 0) {
    train_host->fail(c->call, LB_ERR_INTERNAL, "the set could not be %s (%s); nothing changed",
                     c->kind == AMEND ? "amended" : "removed", error);
  } else if (c->missing) {
    train_host->fail(c->call, LB_ERR_NOT_FOUND,
                     "no set %llu in the log; `lumbarctl train history` shows the sets and their "
                     "ids",
                     (unsigned long long)c->id);
  } else {
    train_log_reload(); /* a set moved into, out of or within the open session */
    if (c->kind == AMEND) {
      lb_value ev = LB_MAP({"id", lb_v_uint(c->id)}, {"exercise", lb_v_str(c->f.exercise)});
      train_host->emit(train_self, "amended", &ev);
      /* its number in its exercise, as the history counts it */
      uint32_t set = 1;
      sqlite3_stmt *st;
      if (sqlite3_prepare_v2(train_host->db(train_self),
                             "SELECT count(*) FROM train_sets WHERE session = ? AND exercise = ? "
                             "AND (at < ? OR (at = ? AND id <= ?))",
                             -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_int64(st, 1, (sqlite3_int64)c->session);
        sqlite3_bind_text(st, 2, c->f.exercise, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 3, c->f.at);
        sqlite3_bind_int64(st, 4, c->f.at);
        sqlite3_bind_int64(st, 5, (sqlite3_int64)c->id);
        if (sqlite3_step(st) == SQLITE_ROW)
          set = (uint32_t)sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
      }
      lb_pair f[16];
      lb_value v = set_value(c->id, &c->f, set, c->session, f);
      train_host->reply(c->call, &v);
    } else {
      lb_value ev = LB_MAP({"id", lb_v_uint(c->id)});
      train_host->emit(train_self, "removed", &ev);
      train_host->reply(c->call, &ev);
    }
  }
  change_free(c);
}

void train_m_amend(lb_call *call, const lb_value *args, void *ud) {
  (void)ud;
  change *c = lbu_xcalloc(1, sizeof(*c));
  c->kind = AMEND;
  c->call = call;
  c->id = args[0].as.u;
  if (!read_options(call, &args[1], train_now_s(), &c->opts)) {
    change_free(c);
    return;
  }
  train_host->db_write(train_self, write_change, change_written, c);
}

void train_m_remove(lb_call *call, const lb_value *args, void *ud) {
  (void)ud;
  change *c = lbu_xcalloc(1, sizeof(*c));
  c->kind = REMOVE;
  c->call = call;
  c->id = args[0].as.u;
  train_host->db_write(train_self, write_change, change_written, c);
}

/* ---- reads ------------------------------------------------------------------------ */

/* Strings and memory an answer points into, freed after the reply. */
typedef struct keep {
  void **items;
  size_t n;
} keep;

static void *keep_mem(keep *k, size_t size) {
  k->items = lbu_xrealloc(k->items, (k->n + 1) * sizeof(void *));
  return k->items[k->n++] = lbu_xcalloc(1, size ? size : 1);
}

static const char *keep_str(keep *k, const unsigned char *s) {
  char *copy = keep_mem(k, strlen(s ? (const char *)s : "") + 1);
  strcpy(copy, s ? (const char *)s : "");
  return copy;
}

static void keep_free(keep *k) {
  for (size_t i = 0; i < k->n; i++)
    free(k->items[i]);
  free(k->items);
}

static void fail_read(lb_call *call, int rc) {
  train_host->fail(call, LB_ERR_INTERNAL, "the training log cannot be read: %s",
                   train_host->db_error(train_self, rc));
}

void train_m_history(lb_call *call, const lb_value *args, void *ud) {
  (void)ud;
  const lb_value *v, *opts = &args[0];
  const char *exercise = (v = lb_map_get(opts, "exercise")) ? v->as.str.ptr : NULL;
  int64_t since = (v = lb_map_get(opts, "since")) ? v->as.i : INT64_MIN;
  int64_t until = (v = lb_map_get(opts, "until")) ? v->as.i : INT64_MAX;
  int64_t limit = (v = lb_map_get(opts, "limit")) ? (int64_t)v->as.u : 100;
  sqlite3 *db = train_host->db(train_self);
  sqlite3_stmt *st;
  int rc = sqlite3_prepare_v2(
      db,
      "SELECT id, at, exercise, reps, weight_kg, rir, note, session, source, warmup, (SELECT "
      "count(*) "
      "FROM train_sets t WHERE t.session = s.session AND t.exercise = s.exercise AND (t.at < "
      "s.at OR (t.at = s.at AND t.id <= s.id))) FROM train_sets s WHERE (?1 IS NULL OR "
      "exercise = ?1) AND at >= ?2 AND at <= ?3 ORDER BY at DESC, id DESC LIMIT ?4",
      -1, &st, NULL);
  if (rc != SQLITE_OK) {
    fail_read(call, rc);
    return;
  }
  if (exercise)
    sqlite3_bind_text(st, 1, exercise, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 2, since);
  sqlite3_bind_int64(st, 3, until);
  sqlite3_bind_int64(st, 4, limit);
  keep k = {0};
  lb_value *items = keep_mem(&k, (size_t)limit * sizeof(lb_value));
  size_t n = 0;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    set_in s = {0};
    s.at = sqlite3_column_int64(st, 1);
    snprintf(s.exercise, sizeof(s.exercise), "%s", sqlite3_column_text(st, 2));
    s.reps = (uint32_t)sqlite3_column_int64(st, 3);
    s.has_weight = sqlite3_column_type(st, 4) != SQLITE_NULL;
    s.weight_kg = sqlite3_column_double(st, 4);
    s.has_rir = sqlite3_column_type(st, 5) != SQLITE_NULL;
    s.rir = sqlite3_column_double(st, 5);
    s.note = (char *)keep_str(&k, sqlite3_column_text(st, 6));
    snprintf(s.source, sizeof(s.source), "%s", sqlite3_column_text(st, 8));
    s.warmup = sqlite3_column_int(st, 9) != 0;
    /* the map points into s's arrays: kept */
    set_in *kept = keep_mem(&k, sizeof(set_in));
    *kept = s;
    lb_pair *f = keep_mem(&k, 16 * sizeof(lb_pair));
    items[n++] =
        set_value((uint64_t)sqlite3_column_int64(st, 0), kept,
                  (uint32_t)sqlite3_column_int64(st, 10), (uint64_t)sqlite3_column_int64(st, 7), f);
  }
  sqlite3_finalize(st);
  if (rc != SQLITE_DONE) {
    fail_read(call, rc);
  } else {
    lb_value r = lb_v_array(items, n);
    train_host->reply(call, &r);
  }
  keep_free(&k);
}

/* A session's row (id, start, end, sets, exercises "a,b", warmed up) as a
 * map; k keeps what it points to. */
static lb_value session_value(sqlite3_stmt *st, keep *k) {
  const char *list = keep_str(k, sqlite3_column_text(st, 4));
  size_t n = *list ? 1 : 0;
  for (const char *c = list; *c; c++)
    n += *c == ',';
  lb_value *names = keep_mem(k, (n ? n : 1) * sizeof(lb_value));
  char *copy = (char *)keep_str(k, (const unsigned char *)list);
  size_t i = 0;
  for (char *save = NULL, *tok = strtok_r(copy, ",", &save); tok && i < n;
       tok = strtok_r(NULL, ",", &save))
    names[i++] = lb_v_str(tok);
  lb_pair *f = keep_mem(k, 6 * sizeof(lb_pair));
  f[0] = (lb_pair){"id", lb_v_uint((uint64_t)sqlite3_column_int64(st, 0))};
  f[1] = (lb_pair){"start", lb_v_int(sqlite3_column_int64(st, 1))};
  f[2] = (lb_pair){"end", lb_v_int(sqlite3_column_int64(st, 2))};
  f[3] = (lb_pair){"exercises", lb_v_array(names, i)};
  f[4] = (lb_pair){"sets", lb_v_uint((uint64_t)sqlite3_column_int64(st, 3))};
  f[5] = (lb_pair){"warmed_up", lb_v_bool(sqlite3_column_int(st, 5) != 0)};
  return lb_v_map(f, 6);
}

#define SESSION_SQL                                                                                \
  "SELECT s.id, s.start_at, s.end_at, (SELECT count(*) FROM train_sets t WHERE t.session = "       \
  "s.id), (SELECT group_concat(exercise) FROM (SELECT DISTINCT exercise FROM train_sets t WHERE "  \
  "t.session = s.id ORDER BY exercise)), EXISTS (SELECT 1 FROM train_warmups w WHERE w.at >= "     \
  "s.start_at - ?2 AND w.at <= s.start_at) FROM train_sessions s "

static void emit_session_ended(uint64_t id) {
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(train_host->db(train_self), SESSION_SQL "WHERE s.id = ?1", -1, &st,
                         NULL) != SQLITE_OK)
    return;
  sqlite3_bind_int64(st, 1, (sqlite3_int64)id);
  sqlite3_bind_int64(st, 2, TRAIN_WARMED_UP_S);
  if (sqlite3_step(st) == SQLITE_ROW) {
    keep k = {0};
    lb_value v = session_value(st, &k);
    train_host->emit(train_self, "session_ended", &v);
    keep_free(&k);
  }
  sqlite3_finalize(st);
}

/* train.sessions reads on the host's reader thread (db_read): ten years
 * of sessions are thousands of rows. */
typedef struct sessions_job {
  lb_call *call;
  int64_t since;
  keep k;
  lb_value *items;
  size_t n;
} sessions_job;

static int sessions_read(sqlite3 *db, void *ud) { /* the reader thread: no host */
  sessions_job *j = ud;
  sqlite3_stmt *st;
  int rc = sqlite3_prepare_v2(db, SESSION_SQL "WHERE s.start_at >= ?1 ORDER BY s.start_at DESC", -1,
                              &st, NULL);
  if (rc != SQLITE_OK)
    return rc;
  sqlite3_bind_int64(st, 1, j->since);
  sqlite3_bind_int64(st, 2, TRAIN_WARMED_UP_S);
  size_t cap = 0;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    if (j->n == cap) {
      cap = cap ? cap * 2 : 16;
      lb_value *grown = keep_mem(&j->k, cap * sizeof(lb_value));
      if (j->n)
        memcpy(grown, j->items, j->n * sizeof(lb_value));
      j->items = grown;
    }
    j->items[j->n++] = session_value(st, &j->k);
  }
  sqlite3_finalize(st);
  return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

static void sessions_done(lb_plugin *p, int result, const char *error, void *ud) {
  (void)p;
  sessions_job *j = ud;
  if (result < 0) {
    train_host->fail(j->call, LB_ERR_INTERNAL, "the training log cannot be read: %s", error);
  } else {
    lb_value r = lb_v_array(j->items, j->n);
    train_host->reply(j->call, &r);
  }
  keep_free(&j->k);
  free(j);
}

void train_m_sessions(lb_call *call, const lb_value *args, void *ud) {
  (void)ud;
  const lb_value *v = lb_map_get(&args[0], "days");
  sessions_job *j = lbu_xcalloc(1, sizeof(*j));
  j->call = call;
  j->since = train_now_s() - (v ? (int64_t)v->as.u : 30) * 86400;
  train_host->db_read(train_self, sessions_read, sessions_done, j);
}

/* train.exercises: how many sets of each exercise and when the last was,
 * counted on the host's reader thread (a pass over every set); the config's
 * programme joined on the loop. */
typedef struct logged_row {
  const char *name;
  uint64_t count;
  int64_t last;
} logged_row;

typedef struct exercises_job {
  lb_call *call;
  keep k;
  logged_row *rows;
  size_t n;
} exercises_job;

static int exercises_read(sqlite3 *db, void *ud) { /* the reader thread: no host */
  exercises_job *j = ud;
  sqlite3_stmt *st;
  int rc = sqlite3_prepare_v2(db,
                              "SELECT exercise, count(*), max(at) FROM train_sets GROUP BY "
                              "exercise ORDER BY exercise",
                              -1, &st, NULL);
  if (rc != SQLITE_OK)
    return rc;
  size_t cap = 0;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    if (j->n == cap) {
      cap = cap ? cap * 2 : 16;
      logged_row *grown = keep_mem(&j->k, cap * sizeof(logged_row));
      if (j->n)
        memcpy(grown, j->rows, j->n * sizeof(logged_row));
      j->rows = grown;
    }
    j->rows[j->n++] =
        (logged_row){keep_str(&j->k, sqlite3_column_text(st, 0)),
                     (uint64_t)sqlite3_column_int64(st, 1), sqlite3_column_int64(st, 2)};
  }
  sqlite3_finalize(st);
  return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

static void exercises_done(lb_plugin *p, int result, const char *error, void *ud) {
  (void)p;
  exercises_job *j = ud;
  lb_call *call = j->call;
  if (result < 0) {
    train_host->fail(call, LB_ERR_INTERNAL, "the training log cannot be read: %s", error);
    keep_free(&j->k);
    free(j);
    return;
  }
  keep k = {0};
  size_t cap = train_cfg.n_exercises + 16, n = 0;
  lb_value *items = keep_mem(&k, cap * sizeof(lb_value));
  uint64_t *logged = keep_mem(&k, train_cfg.n_exercises * sizeof(uint64_t));
  int64_t *last = keep_mem(&k, train_cfg.n_exercises * sizeof(int64_t));
  const char *unit = train_cfg.lb ? "lb" : "kg";
  lb_value *extra = NULL;
  size_t n_extra = 0, cap_extra = 0;
  for (size_t r = 0; r < j->n; r++) {
    const char *name = j->rows[r].name;
    const train_exercise *e = train_exercise_find(name);
    if (e) {
      size_t i = (size_t)(e - train_cfg.exercises);
      logged[i] = j->rows[r].count;
      last[i] = j->rows[r].last;
      continue;
    }
    if (n_extra == cap_extra) {
      cap_extra = cap_extra ? cap_extra * 2 : 16;
      lb_value *grown = keep_mem(&k, cap_extra * sizeof(lb_value));
      if (n_extra)
        memcpy(grown, extra, n_extra * sizeof(lb_value));
      extra = grown;
    }
    const char *kept = keep_str(&k, (const unsigned char *)name);
    lb_pair *f = keep_mem(&k, 16 * sizeof(lb_pair));
    size_t m = 0;
    f[m++] = (lb_pair){"name", lb_v_str(kept)};
    f[m++] = (lb_pair){"label", lb_v_str(kept)};
    f[m++] = (lb_pair){"description", lb_v_str("")};
    f[m++] = (lb_pair){"reps", lb_v_str("")};
    f[m++] = (lb_pair){"weight", lb_v_str("")};
    f[m++] = (lb_pair){"preset", lb_v_str("")};
    f[m++] = (lb_pair){"rest", lb_v_uint(0)};
    f[m++] = (lb_pair){"until", lb_v_uint(0)};
    f[m++] = (lb_pair){"sets", lb_v_uint(0)};
    f[m++] = (lb_pair){"target", lb_v_uint(0)};
    f[m++] = (lb_pair){"configured", lb_v_bool(false)};
    f[m++] = (lb_pair){"logged", lb_v_uint(j->rows[r].count)};
    f[m++] = (lb_pair){"last_at", lb_v_int(j->rows[r].last)};
    f[m++] = (lb_pair){"unit", lb_v_str(unit)};
    extra[n_extra++] = lb_v_map(f, m);
  }
  if (n_extra + train_cfg.n_exercises > cap) {
    lb_value *grown = keep_mem(&k, (n_extra + train_cfg.n_exercises) * sizeof(lb_value));
    items = grown;
  }
  for (size_t i = 0; i < train_cfg.n_exercises; i++) {
    const train_exercise *e = &train_cfg.exercises[i];
    lb_pair *f = keep_mem(&k, 16 * sizeof(lb_pair));
    size_t m = 0;
    f[m++] = (lb_pair){"name", lb_v_str(e->name)};
    f[m++] = (lb_pair){"label", lb_v_str(e->label)};
    f[m++] = (lb_pair){"description", lb_v_str(e->description)};
    f[m++] = (lb_pair){"reps", lb_v_str(e->reps)};
    f[m++] = (lb_pair){"weight", lb_v_str(e->weight)};
    f[m++] = (lb_pair){"preset", lb_v_str(e->preset)};
    f[m++] = (lb_pair){"rest", lb_v_uint(e->rest)};
    f[m++] = (lb_pair){"until", lb_v_uint(e->until)};
    f[m++] = (lb_pair){"sets", lb_v_uint(e->sets)};
    f[m++] = (lb_pair){"target", lb_v_uint(e->target)};
    f[m++] = (lb_pair){"configured", lb_v_bool(true)};
    f[m++] = (lb_pair){"logged", lb_v_uint(logged[i])};
    f[m++] = (lb_pair){"last_at", lb_v_int(logged[i] ? last[i] : 0)}; /* 0: never */
    f[m++] = (lb_pair){"unit", lb_v_str(unit)};
    items[n++] = lb_v_map(f, m);
  }
  for (size_t i = 0; i < n_extra; i++)
    items[n++] = extra[i];
  lb_value r = lb_v_array(items, n);
  train_host->reply(call, &r);
  keep_free(&k);
  keep_free(&j->k);
  free(j);
}

void train_m_exercises(lb_call *call, const lb_value *args, void *ud) {
  (void)args, (void)ud;
  exercises_job *j = lbu_xcalloc(1, sizeof(*j));
  j->call = call;
  train_host->db_read(train_self, exercises_read, exercises_done, j);
}

/* ---- what other plugins tell ---------------------------------------------------------- */

static const char *str_field(const lb_value *fields, const char *key) {
  const lb_value *v = lb_map_get(fields, key);
  return v && v->kind == LB_STR ? v->as.str.ptr : "";
}

static int write_warmup(lb_plugin *p, sqlite3 *db, void *ud) {
  (void)p;
  sqlite3_stmt *st;
  int rc = sqlite3_prepare_v2(db, "INSERT INTO train_warmups(at, how) VALUES(?, ?)", -1, &st, NULL);
  if (rc != SQLITE_OK)
    return rc;
  sqlite3_bind_int64(st, 1, train_now_s());
  sqlite3_bind_text(st, 2, ud, -1, SQLITE_STATIC);
  rc = lbp_step(db, st);
  sqlite3_finalize(st);
  return rc;
}

static void warmup_written(lb_plugin *p, int result, const char *error, void *ud) {
  (void)p, (void)ud;
  if (result < 0)
    train_host->log(train_self, LB_LOG_ERR, "cannot record a warm-up: %s", error);
}

/* The numbers of the last set of an exercise, or those its programme says
 * ("20-30": 20); false when there are none. */
static bool last_numbers(const train_exercise *e, set_in *f) {
  sqlite3_stmt *st;
  bool found = false;
  if (sqlite3_prepare_v2(train_host->db(train_self),
                         "SELECT reps, weight_kg FROM train_sets WHERE exercise = ? ORDER BY at "
                         "DESC, id DESC LIMIT 1",
                         -1, &st, NULL) == SQLITE_OK) {
    sqlite3_bind_text(st, 1, e->name, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW) {
      f->reps = (uint32_t)sqlite3_column_int64(st, 0);
      f->has_weight = sqlite3_column_type(st, 1) != SQLITE_NULL;
      f->weight_kg = sqlite3_column_double(st, 1);
      found = true;
    }
    sqlite3_finalize(st);
  }
  if (!found) {
    char *end;
    unsigned long reps = strtoul(e->reps, &end, 10);
    found = end != e->reps && reps > 0 && reps <= 1000;
    f->reps = (uint32_t)reps;
  }
  return found;
}

void train_on_event(lb_plugin *p, const char *name, const lb_value *fields, void *ud) {
  (void)p, (void)ud;
  if (strcmp(name, "reminders.done") == 0) {
    if (train_cfg.warmup_reminder[0] &&
        strcmp(str_field(fields, "name"), train_cfg.warmup_reminder) == 0)
      train_host->db_write(train_self, write_warmup, warmup_written, "warm-up reminder");
    return;
  }
  const char *routine = str_field(fields, "routine");
  if (strcmp(name, "rest.routine_done") == 0) {
    if (train_cfg.warmup_preset[0] && strcmp(routine, train_cfg.warmup_preset) == 0)
      train_host->db_write(train_self, write_warmup, warmup_written, "warm-up preset");
    return;
  }
  /* rest.set_done: a set of a routine of an exercise's preset is a set of
   * that exercise, with its last numbers (lumbarctl amends it with what the
   * person types) */
  if (!routine[0])
    return;
  const train_exercise *e = NULL;
  for (size_t i = 0; i < train_cfg.n_exercises && !e; i++)
    if (strcmp(train_cfg.exercises[i].preset, routine) == 0)
      e = &train_cfg.exercises[i];
  if (!e)
    return;
  change *c = lbu_xcalloc(1, sizeof(*c));
  snprintf(c->f.exercise, sizeof(c->f.exercise), "%s", e->name);
  snprintf(c->f.source, sizeof(c->f.source), "rest");
  if (!last_numbers(e, &c->f)) {
    train_host->log(train_self, LB_LOG_WARNING,
                    "a set of %s was done, but neither a set before nor its reps (\"%s\") say "
                    "how many: not logged",
                    e->name, e->reps);
    change_free(c);
    return;
  }
  c->f.at = train_now_s();
  const lb_value *id = lb_map_get(fields, "id");
  c->rest_id = id && id->kind == LB_UINT ? id->as.u : 0;
  log_set(NULL, c, false);
}
