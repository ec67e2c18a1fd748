/* train.progress: an exercise week by week (sessions, sets, reps, volume,
 * the best set), whether the programme's target was kept, and the bests:
 * the heaviest set at each rep count, and an estimated one-rep max (Epley:
 * weight × (1 + reps / 30)) from sets of 10 reps or fewer only, where the
 * estimate holds. Warm-up sets count in none of it.
 *
 * Weeks are local weeks from Monday 00:00: their starts are found on the
 * loop (mktime reads TZ) and the sets are read on the host's reader thread
 * (db_read): years of sets never hold the loop. */
#include <errno.h>
#include <lumbard/plugin.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "train.h"
#include "xalloc.h"

#define MAX_REPS_E1RM 10

typedef struct week {
  int64_t start, end; /* [start, end) */
  uint64_t sessions, sets, reps;
  double volume_kg;
  bool has_best;
  uint32_t best_reps;
  double best_kg, best_e1rm;
  uint64_t last_session; /* while counting */
} week;

typedef struct best {
  uint32_t reps;
  double weight_kg;
  int64_t at;
  uint64_t id;
} best;

typedef struct progress_job {
  lb_call *call;
  char exercise[TRAIN_NAME_MAX];
  uint32_t target;
  week *weeks;
  size_t n_weeks;
  int64_t now;
  best *bests;
  size_t n_bests;
  bool has_e1rm;
  best e1rm_set;
  double e1rm;
  int rc;
} progress_job;

double train_e1rm(double weight_kg, uint32_t reps) {
  return weight_kg * (1.0 + reps / 30.0);
}

static int progress_read(sqlite3 *db, void *ud) { /* the reader thread: no TZ, no host */
  progress_job *j = ud;
  sqlite3_stmt *st;
  int rc = sqlite3_prepare_v2(db,
                              "SELECT id, at, reps, weight_kg, session FROM train_sets WHERE "
                              "exercise = ? AND warmup = 0 AND at >= ? AND at < ? ORDER BY at, id",
                              -1, &st, NULL);
  if (rc != SQLITE_OK)
    return rc;
  sqlite3_bind_text(st, 1, j->exercise, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 2, j->weeks[0].start);
  sqlite3_bind_int64(st, 3, j->weeks[j->n_weeks - 1].end);
  size_t w = 0;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    int64_t at = sqlite3_column_int64(st, 1);
    while (w + 1 < j->n_weeks && at >= j->weeks[w].end)
      w++;
    week *k = &j->weeks[w];
    uint32_t reps = (uint32_t)sqlite3_column_int64(st, 2);
    double kg = sqlite3_column_double(st, 3); /* NULL: 0 */
    uint64_t session = (uint64_t)sqlite3_column_int64(st, 4);
    k->sets++;
    k->reps += reps;
    k->volume_kg += kg * reps;
    if (session != k->last_session) { /* sets come in time order: a session's together */
      k->sessions++;
      k->last_session = session;
    }
    double e = reps >= 1 && reps <= MAX_REPS_E1RM ? train_e1rm(kg, reps) : 0;
    if (!k->has_best || kg > k->best_kg || (kg == k->best_kg && reps > k->best_reps)) {
      k->has_best = true;
      k->best_kg = kg;
      k->best_reps = reps;
      k->best_e1rm = e;
    }
  }
  sqlite3_finalize(st);
  if (rc != SQLITE_DONE)
    return rc;
  /* the bests of all time: the heaviest set at each rep count (the first to
   * reach it), and the best estimate from sets of 10 reps or fewer */
  /* a rep count at a time (a skip over the index, not a pass over every
   * set): the heaviest, then the first set that weighed it */
  rc = sqlite3_prepare_v2(
      db,
      "WITH RECURSIVE r(reps) AS (SELECT min(reps) FROM train_sets WHERE exercise = ?1 AND reps "
      "> 0 UNION ALL SELECT (SELECT min(reps) FROM train_sets WHERE exercise = ?1 AND reps > "
      "r.reps) FROM r WHERE r.reps IS NOT NULL), b(reps, w) AS (SELECT reps, (SELECT "
      "max(weight_kg) "
      "FROM train_sets WHERE exercise = ?1 AND reps = r.reps AND warmup = 0 AND weight_kg > 0) "
      "FROM r WHERE reps IS NOT NULL) SELECT b.reps, b.w, t.at, t.id FROM b JOIN train_sets t ON "
      "t.id = (SELECT id FROM train_sets u WHERE u.exercise = ?1 AND u.reps = b.reps AND "
      "u.weight_kg = b.w AND u.warmup = 0 ORDER BY u.at, u.id LIMIT 1) WHERE b.w IS NOT NULL "
      "ORDER BY b.reps",
      -1, &st, NULL);
  if (rc != SQLITE_OK)
    return rc;
  sqlite3_bind_text(st, 1, j->exercise, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    best b = {(uint32_t)sqlite3_column_int64(st, 0), sqlite3_column_double(st, 1),
              sqlite3_column_int64(st, 2), (uint64_t)sqlite3_column_int64(st, 3)};
    j->bests = lbu_xrealloc(j->bests, (j->n_bests + 1) * sizeof(best));
    j->bests[j->n_bests++] = b;
    if (b.reps <= MAX_REPS_E1RM && (!j->has_e1rm || train_e1rm(b.weight_kg, b.reps) > j->e1rm)) {
      j->has_e1rm = true;
      j->e1rm = train_e1rm(b.weight_kg, b.reps);
      j->e1rm_set = b;
    }
  }
  sqlite3_finalize(st);
  return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

static void progress_done(lb_plugin *p, int result, const char *error, void *ud) {
  (void)p;
  progress_job *j = ud;
  if (result < 0) {
    train_host->fail(j->call, LB_ERR_INTERNAL, "the training log cannot be read: %s", error);
    goto out;
  }
  lb_value *weeks = lbu_xcalloc(j->n_weeks, sizeof(lb_value));
  lb_pair *wf = lbu_xcalloc(j->n_weeks * 12, sizeof(lb_pair));
  uint64_t kept = 0, counted = 0;
  for (size_t i = 0; i < j->n_weeks; i++) {
    const week *k = &j->weeks[i];
    bool current = j->now < k->end;
    bool ok = j->target ? k->sessions >= j->target : k->sessions > 0;
    /* the week under way counts once it is kept; until then it may still be */
    if (!current || ok) {
      counted++;
      kept += ok;
    }
    lb_pair *f = &wf[i * 12];
    f[0] = (lb_pair){"start", lb_v_int(k->start)};
    f[1] = (lb_pair){"end", lb_v_int(k->end)};
    f[2] = (lb_pair){"sessions", lb_v_uint(k->sessions)};
    f[3] = (lb_pair){"sets", lb_v_uint(k->sets)};
    f[4] = (lb_pair){"reps", lb_v_uint(k->reps)};
    f[5] = (lb_pair){"volume_kg", lb_v_double(k->volume_kg)};
    f[6] = (lb_pair){"best_reps", lb_v_uint(k->has_best ? k->best_reps : 0)};
    f[7] = (lb_pair){"best_kg", lb_v_double(k->has_best ? k->best_kg : 0)};
    f[8] = (lb_pair){"best_e1rm_kg", lb_v_double(k->has_best ? k->best_e1rm : 0)};
    f[9] = (lb_pair){"kept", lb_v_bool(ok)};
    f[10] = (lb_pair){"current", lb_v_bool(current)};
    weeks[i] = lb_v_map(f, 11);
  }
  lb_value *bests = lbu_xcalloc(j->n_bests ? j->n_bests : 1, sizeof(lb_value));
  lb_pair *bf = lbu_xcalloc(j->n_bests ? j->n_bests * 5 : 1, sizeof(lb_pair));
  for (size_t i = 0; i < j->n_bests; i++) {
    const best *b = &j->bests[i];
    lb_pair *f = &bf[i * 5];
    f[0] = (lb_pair){"reps", lb_v_uint(b->reps)};
    f[1] = (lb_pair){"weight_kg", lb_v_double(b->weight_kg)};
    f[2] = (lb_pair){"at", lb_v_int(b->at)};
    f[3] = (lb_pair){"id", lb_v_uint(b->id)};
    f[4] = (lb_pair){"e1rm_kg",
                     lb_v_double(b->reps <= MAX_REPS_E1RM ? train_e1rm(b->weight_kg, b->reps) : 0)};
    bests[i] = lb_v_map(f, 5);
  }
  lb_value e1rm = LB_MAP({"kg", lb_v_double(j->has_e1rm ? j->e1rm : 0)},
                         {"reps", lb_v_uint(j->has_e1rm ? j->e1rm_set.reps : 0)},
                         {"weight_kg", lb_v_double(j->has_e1rm ? j->e1rm_set.weight_kg : 0)},
                         {"at", lb_v_int(j->has_e1rm ? j->e1rm_set.at : 0)},
                         {"formula", lb_v_str("Epley: weight x (1 + reps / 30), sets of 10 reps "
                                              "or fewer")});
  lb_value v = LB_MAP({"exercise", lb_v_str(j->exercise)}, {"target", lb_v_uint(j->target)},
                      {"unit", lb_v_str(train_cfg.lb ? "lb" : "kg")},
                      {"weeks", lb_v_array(weeks, j->n_weeks)},
                      {"weeks_counted", lb_v_uint(counted)}, {"weeks_kept", lb_v_uint(kept)},
                      {"adherence", lb_v_double(counted ? (double)kept / (double)counted : 0)},
                      {"bests", lb_v_array(bests, j->n_bests)}, {"e1rm", e1rm});
  train_host->reply(j->call, &v);
  free(weeks);
  free(wf);
  free(bests);
  free(bf);
out:
  free(j->weeks);
  free(j->bests);
  free(j);
}

/* Local Monday 00:00 of the week t is in, and n weeks on (mktime normalizes
 * the day, DST included). */
static int64_t week_start(int64_t t, int n) {
  time_t tt = (time_t)t;
  struct tm tm;
  localtime_r(&tt, &tm);
  tm.tm_mday -= (tm.tm_wday + 6) % 7 - 7 * n;
  tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
  tm.tm_isdst = -1;
  return (int64_t)mktime(&tm);
}

void train_m_progress(lb_call *call, const lb_value *args, void *ud) {
  (void)ud;
  const lb_value *v;
  progress_job *j = lbu_xcalloc(1, sizeof(*j));
  j->call = call;
  snprintf(j->exercise, sizeof(j->exercise), "%s", args[0].as.str.ptr);
  const train_exercise *e = train_exercise_find(j->exercise);
  j->target = e ? e->target : 0;
  j->n_weeks = (v = lb_map_get(&args[1], "weeks")) ? (size_t)v->as.u : 12;
  j->now = train_now_s();
  j->weeks = lbu_xcalloc(j->n_weeks, sizeof(week));
  int64_t first = j->now;
  for (size_t i = 0; i < j->n_weeks; i++) { /* oldest first, the current one last */
    int back = (int)(j->n_weeks - 1 - i);
    j->weeks[i].start = week_start(first, -back);
    j->weeks[i].end = week_start(first, -back + 1);
  }
  train_host->db_read(train_self, progress_read, progress_done, j);
}
