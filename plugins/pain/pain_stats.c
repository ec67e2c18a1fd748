/* pain.stats: averages, the trend, flare-up episodes, entries by trigger and
 * by location, and the warm-up comparison. */
#include <lumbard/plugin.h>
#include <search.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pain.h"
#include "xalloc.h"

#define FLARE_AT 7
#define CALM_AT 2
#define CALM_DAYS 3
#define MIN_SESSIONS 3
#define MIN_WEEKS 3            /* weeks on each side before the programme comparison counts */
#define WARMED_UP_S (3 * 3600) /* a warm-up this long before a session's first set */

/* A meaningful change: 2 points, or 30 % of the higher of the two. */
static bool meaningful(double a, double b) {
  double d = a > b ? a - b : b - a, hi = a > b ? a : b;
  return d >= 2.0 || (hi > 0 && d >= 0.3 * hi);
}

/* Entries counted by trigger or by location. */
typedef struct group {
  char *name;
  int64_t count;
  double sum;
} group;

typedef struct groups {
  void *tree; /* tsearch, by name */
  group **items;
  size_t n;
} groups;

typedef struct summary {
  int64_t count, worst;
  double average;
} summary;

typedef struct episode {
  int64_t first_day, last_day, worst;
  double sum;
  int64_t n_days;
  bool current;
} episode;

/* One pain.stats: asked on the loop, read on a worker thread (db_read) with
 * the worker's connection, answered on the loop. Everything the read needs
 * is taken before it starts (the time, the windows). */
typedef struct stats_job {
  lb_call *call;
  sqlite3 *db; /* the worker's, while the read runs */
  int rc;      /* the first read that failed */
  int64_t days, now;
  /* the windows' starts, local midnights: computed on the loop, since
   * mktime reads TZ, which the loop may be changing meanwhile (the calendar
   * engine sets it while it computes in a reminder's zone) */
  int64_t window_start, week_start, month_start, prev_start, prev_end;
  episode *eps; /* raw: their days become times on the loop */
  size_t n_eps;
  summary all, week, month;
  lb_value by_trigger, by_location, warmup;
  pain_keep k;
  groups triggers, places;
  lb_pair tf[4], wf[3], mf[3];
  /* the programme (the train plugin's, asked through lb_host.call before
   * the read): its weeks that are over, each kept or not */
  bool prog_known;
  char prog_why[160];
  char **prog_ex;
  size_t n_prog_ex, prog_next;
  uint32_t prog_weeks;
  int64_t *wk_start, *wk_end;
  bool *wk_kept;
  size_t n_wk;
  /* read: each side's weeks with entries and the sum of their averages */
  uint64_t side_weeks[2];
  double side_sum[2];
} stats_job;

/* The first failed read is the answer: a short diary read as if it were
 * whole is the one thing the diary may never give. */
static void job_note(stats_job *j, int rc) {
  if (rc != SQLITE_OK && rc != SQLITE_ROW && rc != SQLITE_DONE && !j->rc)
    j->rc = rc;
}

static sqlite3_stmt *job_prepare(stats_job *j, const char *sql) {
  sqlite3_stmt *st = NULL;
  int rc = sqlite3_prepare_v2(j->db, sql, -1, &st, NULL);
  if (rc != SQLITE_OK) {
    job_note(j, rc);
    return NULL;
  }
  return st;
}

static summary summarize(stats_job *j, int64_t since, int64_t until) {
  summary s = {0};
  sqlite3_stmt *st = job_prepare(j, "SELECT count(*), avg(level), max(level) FROM pain_entries "
                                    "WHERE at >= ? AND at <= ?");
  if (!st)
    return s;
  sqlite3_bind_int64(st, 1, since);
  sqlite3_bind_int64(st, 2, until);
  int rc = sqlite3_step(st);
  if (rc == SQLITE_ROW) {
    s.count = sqlite3_column_int64(st, 0);
    s.average = sqlite3_column_double(st, 1);
    s.worst = sqlite3_column_int64(st, 2);
  }
  job_note(j, rc);
  sqlite3_finalize(st);
  return s;
}

static lb_value summary_value(summary s, lb_pair *f) {
  f[0] = (lb_pair){"count", lb_v_uint((uint64_t)s.count)};
  f[1] = (lb_pair){"average", lb_v_double(s.average)};
  f[2] = (lb_pair){"worst", lb_v_uint((uint64_t)s.worst)};
  return lb_v_map(f, 3);
}

/* Flare-ups over the days with entries: a day's pain is its worst. Starts on a
 * day >= FLARE_AT; ends when CALM_DAYS logged days in a row are <= CALM_AT,
 * on the last day before them. */
static episode *find_episodes(stats_job *j, size_t *ret_n) {
  episode *eps = NULL;
  size_t n = 0;
  sqlite3_stmt *st = job_prepare(j, "SELECT day, worst FROM pain_days ORDER BY day");
  if (!st) {
    *ret_n = 0;
    return NULL;
  }
  episode cur = {0};
  bool in = false;
  int calm = 0, rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    int64_t day = sqlite3_column_int64(st, 0), worst = sqlite3_column_int64(st, 1);
    if (!in) {
      if (worst >= FLARE_AT) {
        cur = (episode){
            .first_day = day, .last_day = day, .worst = worst, .sum = (double)worst, .n_days = 1};
        in = true;
        calm = 0;
      }
      continue;
    }
    if (worst <= CALM_AT) {
      if (++calm >= CALM_DAYS) {
        eps = lbu_xrealloc(eps, (n + 1) * sizeof(episode));
        eps[n++] = cur;
        in = false;
      }
      continue;
    }
    /* not calm: the episode goes on through this day */
    calm = 0;
    cur.last_day = day;
    cur.sum += (double)worst;
    cur.n_days++;
    if (worst > cur.worst)
      cur.worst = worst;
  }
  job_note(j, rc);
  sqlite3_finalize(st);
  if (in) {
    cur.current = true;
    eps = lbu_xrealloc(eps, (n + 1) * sizeof(episode));
    eps[n++] = cur;
  }
  *ret_n = n;
  return eps;
}

static lb_value episode_value(const episode *e, pain_keep *k) {
  lb_pair *f = pain_keep_mem(k, sizeof(lb_pair) * 6);
  f[0] = (lb_pair){"start", lb_v_int(pain_day_start(e->first_day))};
  f[1] = (lb_pair){"end", lb_v_int(e->current ? 0 : pain_day_start(e->last_day))};
  f[2] = (lb_pair){"days", lb_v_uint((uint64_t)(e->last_day - e->first_day + 1))};
  f[3] = (lb_pair){"worst", lb_v_uint((uint64_t)e->worst)};
  f[4] = (lb_pair){"average", lb_v_double(e->sum / (double)e->n_days)};
  f[5] = (lb_pair){"current", lb_v_bool(e->current)};
  return lb_v_map(f, 6);
}

static int cmp_group(const void *a, const void *b) {
  return strcmp(((const group *)a)->name, ((const group *)b)->name);
}

static void group_add(groups *g, const unsigned char *name, int64_t count, double sum) {
  if (!name || !*name)
    return;
  group key = {.name = (char *)name};
  void *hit = tfind(&key, &g->tree, cmp_group);
  group *it = hit ? *(group **)hit : NULL;
  if (!it) {
    it = lbu_xcalloc(1, sizeof(*it));
    it->name = lbu_xstrdup((const char *)name);
    tsearch(it, &g->tree, cmp_group);
    g->items = lbu_xrealloc(g->items, (g->n + 1) * sizeof(group *));
    g->items[g->n++] = it;
  }
  it->count += count;
  it->sum += sum;
}

static int cmp_by_count(const void *a, const void *b) {
  const group *x = *(group *const *)a, *y = *(group *const *)b;
  return x->count != y->count ? (x->count < y->count ? 1 : -1) : strcmp(x->name, y->name);
}

static void groups_free(groups *g) {
  for (size_t i = 0; i < g->n; i++) {
    tdelete(g->items[i], &g->tree, cmp_group);
    free(g->items[i]->name);
    free(g->items[i]);
  }
  free(g->items);
}

static lb_value groups_value(groups *g, pain_keep *k) {
  if (g->n > 1)
    qsort(g->items, g->n, sizeof(group *), cmp_by_count);
  lb_value *items = pain_keep_mem(k, sizeof(lb_value) * (g->n ? g->n : 1));
  for (size_t i = 0; i < g->n; i++) {
    lb_pair *f = pain_keep_mem(k, sizeof(lb_pair) * 3);
    f[0] = (lb_pair){"name", lb_v_str(pain_keep_str(k, (const unsigned char *)g->items[i]->name))};
    f[1] = (lb_pair){"count", lb_v_uint((uint64_t)g->items[i]->count)};
    f[2] = (lb_pair){"average", lb_v_double(g->items[i]->sum / (double)g->items[i]->count)};
    items[i] = lb_v_map(f, 3);
  }
  return lb_v_array(items, g->n);
}

/* The entries of [since, until] one by one, into s and the groups. */
static void scan_entries(stats_job *j, int64_t since, int64_t until, summary *s, double *sum) {
  if (since > until)
    return;
  sqlite3_stmt *st = job_prepare(j, "SELECT level, trigger, location FROM pain_entries WHERE "
                                    "at >= ? AND at <= ?");
  if (!st)
    return;
  sqlite3_bind_int64(st, 1, since);
  sqlite3_bind_int64(st, 2, until);
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    int64_t level = sqlite3_column_int64(st, 0);
    s->count++;
    *sum += (double)level;
    if (level > s->worst)
      s->worst = level;
    group_add(&j->triggers, sqlite3_column_text(st, 1), 1, (double)level);
    group_add(&j->places, sqlite3_column_text(st, 2), 1, (double)level);
  }
  job_note(j, rc);
  sqlite3_finalize(st);
}

static int64_t floor_bucket(int64_t t) {
  return t >= 0 ? t / PAIN_BUCKET_S : (t - PAIN_BUCKET_S + 1) / PAIN_BUCKET_S;
}

/* The whole buckets first..last from the sums the triggers keep (schema
 * version 4), into s and the groups. */
static void scan_buckets(stats_job *j, int64_t first, int64_t last, summary *s, double *sum) {
  sqlite3_stmt *st = job_prepare(j, "SELECT sum(n), sum(n * level), max(level) FROM pain_levels "
                                    "WHERE bucket >= ? AND bucket <= ? AND n > 0");
  if (!st)
    return;
  sqlite3_bind_int64(st, 1, first);
  sqlite3_bind_int64(st, 2, last);
  int rc = sqlite3_step(st);
  if (rc == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL) {
    s->count += sqlite3_column_int64(st, 0);
    *sum += (double)sqlite3_column_int64(st, 1);
    if (sqlite3_column_int64(st, 2) > s->worst)
      s->worst = sqlite3_column_int64(st, 2);
  }
  job_note(j, rc);
  sqlite3_finalize(st);
  st = job_prepare(j, "SELECT kind, name, sum(n), sum(total) FROM pain_groups WHERE bucket >= ? "
                      "AND bucket <= ? GROUP BY kind, name");
  if (!st)
    return;
  sqlite3_bind_int64(st, 1, first);
  sqlite3_bind_int64(st, 2, last);
  while ((rc = sqlite3_step(st)) == SQLITE_ROW)
    group_add(sqlite3_column_int(st, 0) == 1 ? &j->triggers : &j->places,
              sqlite3_column_text(st, 1), sqlite3_column_int64(st, 2),
              (double)sqlite3_column_int64(st, 3));
  job_note(j, rc);
  sqlite3_finalize(st);
}

/* The window's summary, and its entries by trigger and by location: the
 * whole buckets (weeks) inside it from the sums, its ends entry by entry, so
 * that ten years cost some 10,000 rows of sums and under two weeks of
 * entries. */
static summary scan_window(stats_job *j, int64_t since, int64_t until) {
  summary s = {0};
  double sum = 0;
  /* the first bucket that starts at or after since; the last that ends by
   * until (both are times of this century: days is at most 36500) */
  int64_t first = floor_bucket(since + PAIN_BUCKET_S - 1), last = floor_bucket(until + 1) - 1;
  if (first <= last) {
    scan_entries(j, since, first * PAIN_BUCKET_S - 1, &s, &sum);
    scan_buckets(j, first, last, &s, &sum);
    scan_entries(j, (last + 1) * PAIN_BUCKET_S, until, &s, &sum);
  } else {
    scan_entries(j, since, until, &s, &sum);
  }
  s.average = s.count ? sum / (double)s.count : 0;
  return s;
}

/* The warm-up comparison: the training sessions that started in
 * [since, until], each warmed up or not (see "Training sessions" in
 * pain_checkin.c), and the pain in the 48 h after each; sessions with no
 * entry in those hours tell nothing and are listed but not counted. */
static lb_value warmup_value(stats_job *j, int64_t since, int64_t until) {
  pain_keep *k = &j->k;
  int64_t sessions[2] = {0};
  double sums[2] = {0};
  sqlite3_stmt *st = job_prepare(
      j, "SELECT t.start_at, t.end_at, t.sets, (SELECT how FROM pain_warmups w WHERE w.at >= "
         "t.start_at - ?1 AND w.at <= t.start_at ORDER BY w.at DESC LIMIT 1), t.entries_after, "
         "t.sum_after FROM pain_training t WHERE t.start_at >= ?2 AND t.start_at <= ?3 "
         "ORDER BY t.start_at");
  lb_value *list = NULL;
  size_t n = 0, cap = 0;
  if (st) {
    sqlite3_bind_int64(st, 1, WARMED_UP_S);
    sqlite3_bind_int64(st, 2, since);
    sqlite3_bind_int64(st, 3, until);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
      const unsigned char *how = sqlite3_column_text(st, 3);
      int64_t entries = sqlite3_column_int64(st, 4);
      /* the entries in the 48 hours after the session, kept by triggers */
      double after = entries ? (double)sqlite3_column_int64(st, 5) / (double)entries : 0;
      int i = how ? 0 : 1;
      if (entries > 0) {
        sessions[i]++;
        sums[i] += after;
      }
      if (n == cap) {
        cap = cap ? cap * 2 : 16;
        lb_value *grown = pain_keep_mem(k, cap * sizeof(lb_value));
        if (n)
          memcpy(grown, list, n * sizeof(lb_value));
        list = grown;
      }
      lb_pair *f = pain_keep_mem(k, sizeof(lb_pair) * 7);
      f[0] = (lb_pair){"start", lb_v_int(sqlite3_column_int64(st, 0))};
      f[1] = (lb_pair){"end", lb_v_int(sqlite3_column_int64(st, 1))};
      f[2] = (lb_pair){"sets", lb_v_uint((uint64_t)sqlite3_column_int64(st, 2))};
      f[3] = (lb_pair){"warmed_up", lb_v_bool(how != NULL)};
      f[4] = (lb_pair){"how", lb_v_str(pain_keep_str(k, how))};
      f[5] = (lb_pair){"entries_after", lb_v_uint((uint64_t)entries)};
      f[6] = (lb_pair){"average_after", lb_v_double(entries ? after : 0)};
      list[n++] = lb_v_map(f, 7);
    }
    job_note(j, rc);
    sqlite3_finalize(st);
  }
  double averages[2] = {sessions[0] ? sums[0] / (double)sessions[0] : 0,
                        sessions[1] ? sums[1] / (double)sessions[1] : 0};
  bool enough = sessions[0] >= MIN_SESSIONS && sessions[1] >= MIN_SESSIONS;
  lb_pair *d = pain_keep_mem(k, sizeof(lb_pair) * 2), *s = pain_keep_mem(k, sizeof(lb_pair) * 2);
  d[0] = (lb_pair){"sessions", lb_v_uint((uint64_t)sessions[0])};
  d[1] = (lb_pair){"average_after", lb_v_double(averages[0])};
  s[0] = (lb_pair){"sessions", lb_v_uint((uint64_t)sessions[1])};
  s[1] = (lb_pair){"average_after", lb_v_double(averages[1])};
  lb_pair *f = pain_keep_mem(k, sizeof(lb_pair) * 6);
  /* "done": warmed up; "skipped": not (the names scripts know) */
  f[0] = (lb_pair){"done", lb_v_map(d, 2)};
  f[1] = (lb_pair){"skipped", lb_v_map(s, 2)};
  f[2] = (lb_pair){"difference", lb_v_double(averages[1] - averages[0])};
  f[3] = (lb_pair){"meaningful", lb_v_bool(enough && meaningful(averages[0], averages[1]))};
  f[4] = (lb_pair){"enough_data", lb_v_bool(enough)};
  f[5] = (lb_pair){"sessions", lb_v_array(list, n)};
  return lb_v_map(f, 6);
}

/* The weekly pain average of each week the programme's plugin counted,
 * on the side of the weeks it was kept or of those it was not; weeks with
 * no entry say nothing and are left out. */
static void programme_read(stats_job *j) {
  if (!j->prog_known)
    return;
  sqlite3_stmt *st = job_prepare(j, "SELECT count(*), avg(level) FROM pain_entries WHERE at >= "
                                    "? AND at < ?");
  if (!st)
    return;
  for (size_t i = 0; i < j->n_wk; i++) {
    sqlite3_reset(st);
    sqlite3_bind_int64(st, 1, j->wk_start[i]);
    sqlite3_bind_int64(st, 2, j->wk_end[i]);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW && sqlite3_column_int64(st, 0) > 0) {
      int side = j->wk_kept[i] ? 0 : 1;
      j->side_weeks[side]++;
      j->side_sum[side] += sqlite3_column_double(st, 1);
    }
    job_note(j, rc);
  }
  sqlite3_finalize(st);
}

static lb_value programme_value(stats_job *j) {
  pain_keep *k = &j->k;
  double avg[2];
  for (int i = 0; i < 2; i++)
    avg[i] = j->side_weeks[i] ? j->side_sum[i] / (double)j->side_weeks[i] : 0;
  bool enough = j->side_weeks[0] >= MIN_WEEKS && j->side_weeks[1] >= MIN_WEEKS;
  lb_value *names = pain_keep_mem(k, sizeof(lb_value) * (j->n_prog_ex ? j->n_prog_ex : 1));
  for (size_t i = 0; i < j->n_prog_ex; i++)
    names[i] = lb_v_str(pain_keep_str(k, (const unsigned char *)j->prog_ex[i]));
  lb_pair *kept = pain_keep_mem(k, sizeof(lb_pair) * 2),
          *missed = pain_keep_mem(k, sizeof(lb_pair) * 2);
  kept[0] = (lb_pair){"weeks", lb_v_uint(j->side_weeks[0])};
  kept[1] = (lb_pair){"average", lb_v_double(avg[0])};
  missed[0] = (lb_pair){"weeks", lb_v_uint(j->side_weeks[1])};
  missed[1] = (lb_pair){"average", lb_v_double(avg[1])};
  lb_pair *f = pain_keep_mem(k, sizeof(lb_pair) * 8);
  f[0] = (lb_pair){"known", lb_v_bool(j->prog_known)};
  f[1] = (lb_pair){"why", lb_v_str(pain_keep_str(k, (const unsigned char *)j->prog_why))};
  f[2] = (lb_pair){"exercises", lb_v_array(names, j->n_prog_ex)};
  f[3] = (lb_pair){"kept", lb_v_map(kept, 2)};
  f[4] = (lb_pair){"missed", lb_v_map(missed, 2)};
  f[5] = (lb_pair){"difference", lb_v_double(avg[1] - avg[0])};
  f[6] = (lb_pair){"meaningful", lb_v_bool(enough && meaningful(avg[0], avg[1]))};
  f[7] = (lb_pair){"enough_data", lb_v_bool(enough)};
  return lb_v_map(f, 8);
}

static int stats_read(sqlite3 *db, void *ud) { /* a worker thread: no TZ, no host */
  stats_job *j = ud;
  j->db = db;
  j->all = scan_window(j, j->window_start, j->now);
  j->week = summarize(j, j->week_start, j->now);
  j->month = summarize(j, j->month_start, j->now);
  summary prev = summarize(j, j->prev_start, j->prev_end);
  const char *direction = "unknown";
  if (j->week.count && prev.count)
    direction = !meaningful(j->week.average, prev.average) ? "steady"
                : j->week.average < prev.average           ? "better"
                                                           : "worse";
  j->tf[0] = (lb_pair){"direction", lb_v_str(direction)};
  j->tf[1] = (lb_pair){
      "change", lb_v_double(j->week.count && prev.count ? j->week.average - prev.average : 0)};
  j->tf[2] = (lb_pair){"last_average", lb_v_double(j->week.average)};
  j->tf[3] = (lb_pair){"previous_average", lb_v_double(prev.average)};
  j->eps = find_episodes(j, &j->n_eps);
  j->by_trigger = groups_value(&j->triggers, &j->k);
  j->by_location = groups_value(&j->places, &j->k);
  j->warmup = warmup_value(j, j->window_start, j->now);
  programme_read(j);
  j->db = NULL;
  return j->rc;
}

static void stats_done(lb_plugin *p, int result, const char *error, void *ud) {
  (void)p;
  stats_job *j = ud;
  pain_keep *k = &j->k;
  if (result < 0) {
    pain_host->fail(j->call, LB_ERR_INTERNAL, "the diary cannot be read: %s", error);
  } else {
    lb_value *ev = pain_keep_mem(k, sizeof(lb_value) * (j->n_eps ? j->n_eps : 1));
    lb_value current = lb_v_map(NULL, 0);
    for (size_t i = 0; i < j->n_eps; i++) {
      ev[i] = episode_value(&j->eps[i], k); /* days to times, here on the loop */
      if (j->eps[i].current)
        current = ev[i];
    }
    lb_value v = LB_MAP(
        {"days", lb_v_uint((uint64_t)j->days)}, {"count", lb_v_uint((uint64_t)j->all.count)},
        {"average", lb_v_double(j->all.average)}, {"worst", lb_v_uint((uint64_t)j->all.worst)},
        {"week", summary_value(j->week, j->wf)}, {"month", summary_value(j->month, j->mf)},
        {"trend", lb_v_map(j->tf, 4)}, {"episodes", lb_v_array(ev, j->n_eps)},
        {"current_episode", current}, {"by_trigger", j->by_trigger},
        {"by_location", j->by_location}, {"warmup", j->warmup}, {"programme", programme_value(j)});
    pain_host->reply(j->call, &v);
  }
  free(j->eps);
  for (size_t i = 0; i < j->n_prog_ex; i++)
    free(j->prog_ex[i]);
  free(j->prog_ex);
  free(j->wk_start);
  free(j->wk_end);
  free(j->wk_kept);
  pain_keep_free(k);
  groups_free(&j->triggers);
  groups_free(&j->places);
  free(j);
}

static void prog_next(stats_job *j);

/* train.progress of one exercise of the programme: its weeks that are over,
 * kept or not; the programme is kept in a week when each exercise is. */
static void prog_progress(lb_plugin *p, const lb_value *result, int error, const char *message,
                          void *ud) {
  (void)p, (void)message;
  stats_job *j = ud;
  const lb_value *weeks = result ? lb_map_get(result, "weeks") : NULL;
  if (error || !weeks || weeks->kind != LB_ARRAY) {
    j->prog_known = false;
    snprintf(j->prog_why, sizeof(j->prog_why), "the programme could not be read: %s",
             message ? message : "no weeks in train.progress's answer");
    j->prog_next = j->n_prog_ex; /* no more */
    prog_next(j);
    return;
  }
  bool first = j->wk_start == NULL;
  if (first) {
    j->wk_start = lbu_xcalloc(weeks->as.arr.len + 1, sizeof(int64_t));
    j->wk_end = lbu_xcalloc(weeks->as.arr.len + 1, sizeof(int64_t));
    j->wk_kept = lbu_xcalloc(weeks->as.arr.len + 1, sizeof(bool));
  }
  size_t n = 0;
  for (uint32_t i = 0; i < weeks->as.arr.len; i++) {
    const lb_value *w = &weeks->as.arr.items[i];
    const lb_value *cur = lb_map_get(w, "current"), *kept = lb_map_get(w, "kept");
    const lb_value *start = lb_map_get(w, "start"), *end = lb_map_get(w, "end");
    if (!cur || !kept || !start || !end || cur->as.b)
      continue; /* the week under way is not over */
    if (first) {
      j->wk_start[n] = start->as.i;
      j->wk_end[n] = end->as.i;
      j->wk_kept[n] = kept->as.b;
    } else { /* the same week of the first exercise's, by its start */
      for (size_t k = 0; k < j->n_wk; k++)
        if (j->wk_start[k] == start->as.i)
          j->wk_kept[k] = j->wk_kept[k] && kept->as.b;
    }
    n++;
  }
  if (first)
    j->n_wk = n;
  j->prog_known = true;
  j->prog_why[0] = '\0';
  prog_next(j);
}

/* The next exercise of the programme, or the read. */
static void prog_next(stats_job *j) {
  if (j->prog_next < j->n_prog_ex) {
    lb_value params[] = {lb_v_str(j->prog_ex[j->prog_next++]),
                         LB_MAP({"weeks", lb_v_uint(j->prog_weeks)})};
    if (pain_host->call(pain_self, "train.progress", params, 2, prog_progress, j) == 0)
      return;
    j->prog_known = false;
    snprintf(j->prog_why, sizeof(j->prog_why), "train.progress could not be called");
  }
  pain_host->db_read(pain_self, stats_read, stats_done, j);
}

/* train.exercises: the exercises of the programme, those with a target. */
static void prog_exercises(lb_plugin *p, const lb_value *result, int error, const char *message,
                           void *ud) {
  (void)p, (void)message;
  stats_job *j = ud;
  if (!error && result && result->kind == LB_ARRAY) {
    for (uint32_t i = 0; i < result->as.arr.len; i++) {
      const lb_value *e = &result->as.arr.items[i];
      const lb_value *name = lb_map_get(e, "name"), *target = lb_map_get(e, "target");
      const lb_value *conf = lb_map_get(e, "configured");
      if (!name || !target || !conf || !conf->as.b || target->as.u == 0)
        continue;
      j->prog_ex = lbu_xrealloc(j->prog_ex, (j->n_prog_ex + 1) * sizeof(char *));
      j->prog_ex[j->n_prog_ex++] = lbu_xstrdup(name->as.str.ptr);
    }
  }
  prog_next(j);
}

/* The whole of it on a worker (db_read): at ten years of entries the
 * windows and the episodes take longer than the loop may wait. */
void pain_stats_m_stats(lb_call *call, const lb_value *args, void *ud) {
  (void)ud;
  const lb_value *dv = lb_map_get(&args[0], "days");
  stats_job *j = lbu_xcalloc(1, sizeof(*j));
  j->call = call;
  j->days = dv ? (int64_t)dv->as.u : 30;
  j->now = pain_now_s();
  /* windows end now and start at local midnight, days back */
  int64_t today = pain_local_day(j->now);
  j->window_start = pain_day_start(today - j->days + 1);
  j->week_start = pain_day_start(today - 6);
  j->month_start = pain_day_start(today - 29);
  j->prev_start = pain_day_start(today - 13);
  j->prev_end = j->week_start - 1;
  j->prog_weeks = (uint32_t)((j->days + 6) / 7);
  if (j->prog_weeks > 520)
    j->prog_weeks = 520;
  /* the programme first, from the train plugin (plugins stay unlinked) */
  snprintf(j->prog_why, sizeof(j->prog_why),
           "no programme: the train plugin is not loaded, or names no exercise with a target");
  if (!LB_HOST_HAS(pain_host, call) ||
      pain_host->call(pain_self, "train.exercises", NULL, 0, prog_exercises, j) < 0)
    pain_host->db_read(pain_self, stats_read, stats_done, j);
}
