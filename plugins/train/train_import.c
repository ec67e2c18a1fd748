/* train.import: years of sets from the app a person leaves (Strong, Hevy,
 * FitNotes CSV exports; plugins/train/import reads them).
 *
 * The file is read and parsed off the loop (on the host's reader thread,
 * db_read: the read function touches only the file and its own memory),
 * then written in chunks of CHUNK sets, each a transaction of its own, one
 * after the other: no chunk holds the loop for long, and a crash in the
 * middle leaves whole chunks, which a second import completes (every
 * imported set carries a key, UNIQUE: the same file imported twice is not
 * doubled). Local times become unix times on the loop (mktime reads TZ,
 * which the loop may change while it computes a reminder's zone). */
#include <errno.h>
#include <fcntl.h>
#include <lumbard/plugin.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "db.h"
#include "import.h"
#include "train.h"
#include "xalloc.h"

#define CHUNK 500
#define MAX_FILE (64 << 20) /* 64 MiB: some 600,000 sets */
#define MAX_SKIPS_SAID 50

typedef struct import_job {
  lb_call *call;
  char *path;
  train_import_format format;
  char default_unit[4];
  /* the reader's */
  int err; /* an errno when the file could not be read */
  char why[512];
  train_import parsed;
  /* the loop's */
  size_t next; /* the first row not written */
  uint64_t sets, duplicates, sessions;
  /* one chunk's counts and where it left off, made again by each attempt
   * of its write */
  uint64_t c_sets, c_duplicates, c_sessions;
  train_local_time c_workout;
  const char *c_name;
  int64_t c_at;
  uint64_t c_session;
  /* the workout of the row before, and its session */
  train_local_time last_workout;
  const char *last_name;
  int64_t last_at;
  uint64_t last_session;
} import_job;

static void job_free(import_job *j) {
  train_import_free(&j->parsed);
  free(j->path);
  free(j);
}

/* On the reader thread: the file, read whole and parsed. */
static int import_read(sqlite3 *db, void *ud) {
  (void)db;
  import_job *j = ud;
  int fd = open(j->path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY);
  struct stat st;
  if (fd < 0 || fstat(fd, &st) < 0) {
    j->err = errno;
    snprintf(j->why, sizeof(j->why), "%s cannot be read: %s%s", j->path, strerror(errno),
             errno == ELOOP ? " (a symbolic link: give the file it names)" : "");
    if (fd >= 0)
      close(fd);
    return SQLITE_OK;
  }
  if (!S_ISREG(st.st_mode) || st.st_size > MAX_FILE) {
    j->err = S_ISREG(st.st_mode) ? EFBIG : EINVAL;
    snprintf(j->why, sizeof(j->why), "%s %s", j->path,
             S_ISREG(st.st_mode) ? "is over 64 MiB: export a shorter stretch of time"
                                 : "is not a regular file");
    close(fd);
    return SQLITE_OK;
  }
  size_t len = (size_t)st.st_size, got = 0;
  char *data = lbu_xmalloc(len ? len : 1);
  int read_errno = 0;
  while (got < len) {
    ssize_t n = read(fd, data + got, len - got);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0) { /* an error, or the file shrank while it was read */
      read_errno = n < 0 ? errno : EIO;
      break;
    }
    got += (size_t)n;
  }
  close(fd);
  if (read_errno) { /* a file cut short is not imported in part */
    j->err = read_errno;
    snprintf(j->why, sizeof(j->why), "%s could not be read whole: %s", j->path,
             strerror(read_errno));
    free(data);
    return SQLITE_OK;
  }
  char err[512];
  if (train_import_parse(data, got, j->format, j->default_unit, &j->parsed, err, sizeof(err)) < 0) {
    j->err = EINVAL;
    snprintf(j->why, sizeof(j->why), "%s", err);
  }
  free(data);
  return SQLITE_OK;
}

static bool same_time(const train_local_time *a, const train_local_time *b) {
  return memcmp(a, b, sizeof(*a)) == 0;
}

static int64_t local_to_unix(const train_local_time *t) {
  struct tm tm = {.tm_year = t->year - 1900,
                  .tm_mon = t->month - 1,
                  .tm_mday = t->day,
                  .tm_hour = t->hour,
                  .tm_min = t->minute,
                  .tm_sec = t->second,
                  .tm_isdst = -1};
  return (int64_t)mktime(&tm);
}

/* An app's exercise name as one of ours: an exercise of the config whose
 * name or alias it is (ignoring case and punctuation), or its slug:
 * "Hip Abduction (Machine)" is hip-abduction-machine. */
static void exercise_of(const char *name, char *out, size_t len) {
  const train_exercise *e = train_exercise_alias(name);
  if (e) {
    snprintf(out, len, "%s", e->name);
    return;
  }
  train_slug(name, out, len);
  if (!out[0])
    snprintf(out, len, "imported");
}

static sqlite3_stmt *ins;

/* One chunk: rows next .. next+CHUNK. From the job's state before the chunk
 * alone (the host may run it again after a lock). */
static int write_chunk(lb_plugin *p, sqlite3 *db, void *ud) {
  (void)p;
  import_job *j = ud;
  j->c_sets = j->c_duplicates = j->c_sessions = 0;
  train_local_time last = j->last_workout;
  const char *last_name = j->last_name;
  int64_t at = j->last_at;
  uint64_t session = j->last_session;
  size_t end = j->next + CHUNK < j->parsed.n_rows ? j->next + CHUNK : j->parsed.n_rows;
  int rc = lbp_prepared(db, &ins,
                        "INSERT OR IGNORE INTO train_sets(id, at, exercise, reps, weight_kg, rir, "
                        "note, session, warmup, source, import_key, logged_at, seconds) "
                        "VALUES(?,?,?,?,?,?,?,?,?,'import',?,?,?)");
  if (rc != SQLITE_OK)
    return rc;
  int64_t now = train_now_s();
  for (size_t i = j->next; i < end; i++) {
    const train_import_row *r = &j->parsed.rows[i];
    if (!session || !last_name || !same_time(&r->workout, &last) ||
        strcmp(r->workout_name, last_name) != 0) { /* a workout: its session */
      last = r->workout;
      last_name = r->workout_name;
      at = local_to_unix(&r->workout);
      uint64_t found = 0;
      if ((rc = train_find_session(db, at, 0, &found)) != SQLITE_OK) {
        sqlite3_reset(ins);
        return rc;
      }
      if (!found) { /* ids are taken on the loop, where writes run */
        found = train_take_session_id();
        j->c_sessions++;
      }
      session = found;
    }
    char key[512], exercise[TRAIN_NAME_MAX];
    train_import_key(r, key, sizeof(key));
    exercise_of(r->exercise, exercise, sizeof(exercise));
    sqlite3_stmt *st = ins;
    sqlite3_reset(st);
    sqlite3_bind_int64(st, 1, (sqlite3_int64)train_peek_set_id());
    sqlite3_bind_int64(st, 2, at);
    sqlite3_bind_text(st, 3, exercise, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 4, r->reps);
    if (r->has_weight)
      sqlite3_bind_double(st, 5, r->weight_kg);
    else
      sqlite3_bind_null(st, 5);
    if (r->rpe > 0)
      sqlite3_bind_double(st, 6, 10 - r->rpe); /* RPE 8: two reps in reserve */
    else
      sqlite3_bind_null(st, 6);
    sqlite3_bind_text(st, 7, r->note, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 8, (sqlite3_int64)session);
    sqlite3_bind_int(st, 9, r->warmup);
    sqlite3_bind_text(st, 10, key, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 11, now);
    sqlite3_bind_int64(st, 12, r->seconds);
    if ((rc = lbp_step(db, st)) != SQLITE_OK) {
      sqlite3_reset(ins);
      return rc;
    }
    if (sqlite3_changes(db) == 0) {
      j->c_duplicates++;
      continue;
    }
    (void)train_take_set_id();
    j->c_sets++;
    if ((rc = train_write_session(db, session, at)) != SQLITE_OK) {
      sqlite3_reset(ins);
      return rc;
    }
  }
  sqlite3_reset(ins);
  j->c_workout = last;
  j->c_name = last_name;
  j->c_at = at;
  j->c_session = session;
  return SQLITE_OK;
}

static void chunk_written(lb_plugin *p, int result, const char *error, void *ud);

static void next_chunk(import_job *j) {
  train_host->db_write(train_self, write_chunk, chunk_written, j);
}

static void finish(import_job *j) {
  train_log_reload();
  const train_import *t = &j->parsed;
  size_t n = t->n_skips < MAX_SKIPS_SAID ? t->n_skips : MAX_SKIPS_SAID;
  lb_value *skipped = lbu_xcalloc(n ? n : 1, sizeof(lb_value));
  lb_pair *pairs = lbu_xcalloc(n ? n * 2 : 1, sizeof(lb_pair));
  for (size_t i = 0; i < n; i++) {
    pairs[2 * i] = (lb_pair){"line", lb_v_uint(t->skips[i].line)};
    pairs[2 * i + 1] = (lb_pair){"why", lb_v_str(t->skips[i].why)};
    skipped[i] = lb_v_map(&pairs[2 * i], 2);
  }
  lb_value v = LB_MAP({"format", lb_v_str(train_import_format_name(t->format))},
                      {"sets", lb_v_uint(j->sets)}, {"sessions", lb_v_uint(j->sessions)},
                      {"skipped", lb_v_uint(t->n_skips)}, {"duplicates", lb_v_uint(j->duplicates)},
                      {"rows", lb_v_uint(t->n_rows + t->n_skips)},
                      {"default_unit_used", lb_v_bool(t->default_unit_used)},
                      {"skipped_rows", lb_v_array(skipped, n)});
  train_host->reply(j->call, &v);
  free(skipped);
  free(pairs);
  job_free(j);
}

static void chunk_written(lb_plugin *p, int result, const char *error, void *ud) {
  (void)p;
  import_job *j = ud;
  if (result < 0) {
    train_log_reload();
    train_host->fail(j->call, LB_ERR_INTERNAL,
                     "the import stopped after %llu sets (%s); import the file again to bring "
                     "in the rest: what is in is not doubled",
                     (unsigned long long)j->sets, error);
    job_free(j);
    return;
  }
  /* the chunk is in: its counts and where it left off are the job's now */
  j->sets += j->c_sets;
  j->duplicates += j->c_duplicates;
  j->sessions += j->c_sessions;
  j->last_workout = j->c_workout;
  j->last_name = j->c_name;
  j->last_at = j->c_at;
  j->last_session = j->c_session;
  size_t end = j->next + CHUNK < j->parsed.n_rows ? j->next + CHUNK : j->parsed.n_rows;
  j->next = end;
  if (j->next < j->parsed.n_rows)
    next_chunk(j);
  else
    finish(j);
}

static void import_parsed(lb_plugin *p, int result, const char *error, void *ud) {
  (void)p;
  import_job *j = ud;
  if (result < 0) {
    train_host->fail(j->call, LB_ERR_INTERNAL, "the file could not be read: %s", error);
    job_free(j);
  } else if (j->err) {
    train_host->fail(j->call, LB_ERR_INVALID_PARAMS, "%s", j->why);
    job_free(j);
  } else if (j->parsed.n_rows == 0) {
    finish(j);
  } else {
    next_chunk(j);
  }
}

void train_m_import(lb_call *call, const lb_value *args, void *ud) {
  (void)ud;
  const lb_value *opts = &args[0], *v;
  import_job *j = lbu_xcalloc(1, sizeof(*j));
  j->call = call;
  snprintf(j->default_unit, sizeof(j->default_unit), "%s", train_cfg.lb ? "lb" : "kg");
  if ((v = lb_map_get(opts, "format")) != NULL &&
      train_import_format_parse(v->as.str.ptr, &j->format) < 0) {
    train_host->fail(call, LB_ERR_INVALID_PARAMS,
                     "option 'format' must be strong, hevy, fitnotes or auto, not \"%s\"",
                     v->as.str.ptr);
    job_free(j);
    return;
  }
  if ((v = lb_map_get(opts, "unit")) != NULL) {
    if (strcmp(v->as.str.ptr, "kg") != 0 && strcmp(v->as.str.ptr, "lb") != 0) {
      train_host->fail(call, LB_ERR_INVALID_PARAMS,
                       "option 'unit' must be kg or lb (the unit of a file that does not say)");
      job_free(j);
      return;
    }
    snprintf(j->default_unit, sizeof(j->default_unit), "%s", v->as.str.ptr);
  }
  v = lb_map_get(opts, "path");
  if (!v || v->as.str.ptr[0] != '/') {
    train_host->fail(call, LB_ERR_INVALID_PARAMS,
                     "option 'path' must be the absolute path of the CSV file%s",
                     v ? " (lumbarctl makes a relative one absolute)" : "");
    job_free(j);
    return;
  }
  j->path = lbu_xstrdup(v->as.str.ptr);
  train_host->db_read(train_self, import_read, import_parsed, j);
}

void train_import_shutdown(void) {
  sqlite3_finalize(ins);
  ins = NULL;
}
