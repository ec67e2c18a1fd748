/* train.export: the log as a Strong CSV export (that Strong-compatible
 * tools, and train.import, read back) or as JSON; to a file (path) or in the
 * answer.
 *
 * Off the loop: the sessions are read first (db_read), their local start
 * times written on the loop (localtime reads TZ), then the sets are read and
 * the text made on the host's reader thread, and written to the file
 * there. */
#include <errno.h>
#include <lumbard/plugin.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "train.h"
#include "xalloc.h"

#define MAX_TEXT (900 << 10) /* an answer carries at most this; a file, anything */

typedef struct label {
  char name[TRAIN_NAME_MAX], label[TRAIN_NAME_MAX];
} label;

typedef struct session_row {
  uint64_t id;
  int64_t start, end;
  char date[24]; /* local "2024-03-01 18:00:00", made on the loop */
} session_row;

typedef struct export_job {
  lb_call *call;
  bool json, lb;
  lb_output *out;
  char *path;
  label *labels; /* the config's, copied: a reload may free it meanwhile */
  size_t n_labels;
  session_row *sessions;
  size_t n_sessions;
  /* the reader's */
  char *text;
  size_t len;
  uint64_t rows;
  int fd; /* the output's, or -1 */
  int werr;
} export_job;

static void job_free(export_job *j) {
  free(j->labels);
  free(j->sessions);
  free(j->text);
  free(j->path);
  free(j);
}

static int sessions_read(sqlite3 *db, void *ud) { /* the reader thread */
  export_job *j = ud;
  sqlite3_stmt *st;
  int rc = sqlite3_prepare_v2(db, "SELECT id, start_at, end_at FROM train_sessions ORDER BY id", -1,
                              &st, NULL);
  if (rc != SQLITE_OK)
    return rc;
  size_t cap = 0;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    if (j->n_sessions == cap) {
      cap = cap ? cap * 2 : 64;
      j->sessions = lbu_xrealloc(j->sessions, cap * sizeof(session_row));
    }
    j->sessions[j->n_sessions++] = (session_row){(uint64_t)sqlite3_column_int64(st, 0),
                                                 sqlite3_column_int64(st, 1),
                                                 sqlite3_column_int64(st, 2),
                                                 {0}};
  }
  sqlite3_finalize(st);
  return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

static const session_row *session_of(const export_job *j, uint64_t id) {
  size_t lo = 0, hi = j->n_sessions;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (j->sessions[mid].id < id)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo < j->n_sessions && j->sessions[lo].id == id ? &j->sessions[lo] : NULL;
}

static const char *label_of(const export_job *j, const char *name) {
  for (size_t i = 0; i < j->n_labels; i++)
    if (strcmp(j->labels[i].name, name) == 0)
      return j->labels[i].label;
  return name;
}

/* A field of Strong's ';' CSV: quoted when it holds ';', '"' or a line
 * break, its quotes doubled (RFC 4180 with ';'). */
static void put_field(FILE *f, const char *s) {
  if (!strpbrk(s, ";\"\r\n")) {
    fputs(s, f);
    return;
  }
  fputc('"', f);
  for (; *s; s++) {
    if (*s == '"')
      fputc('"', f);
    fputc(*s, f);
  }
  fputc('"', f);
}

/* A JSON string (RFC 8259): quotes, backslashes and control characters
 * escaped; the text is valid UTF-8 (the core checked it). */
static void put_json(FILE *f, const char *s) {
  fputc('"', f);
  for (; *s; s++) {
    unsigned char c = (unsigned char)*s;
    if (c == '"' || c == '\\')
      fprintf(f, "\\%c", c);
    else if (c < 0x20)
      fprintf(f, "\\u%04x", c);
    else
      fputc(c, f);
  }
  fputc('"', f);
}

static void duration(char *buf, size_t len, int64_t s) {
  if (s >= 3600)
    snprintf(buf, len, "%lldh %lldm", (long long)(s / 3600), (long long)(s % 3600 / 60));
  else
    snprintf(buf, len, "%lldm", (long long)(s / 60));
}

static int sets_read(sqlite3 *db, void *ud) { /* the reader thread: no TZ, no host */
  export_job *j = ud;
  sqlite3_stmt *st;
  int rc = sqlite3_prepare_v2(db,
                              "SELECT id, at, exercise, reps, weight_kg, rir, note, session, "
                              "warmup, seconds, source FROM train_sets ORDER BY session, "
                              "exercise, at, id",
                              -1, &st, NULL);
  if (rc != SQLITE_OK)
    return rc;
  FILE *f = open_memstream(&j->text, &j->len);
  if (!f) {
    sqlite3_finalize(st);
    return SQLITE_NOMEM;
  }
  if (j->json)
    fputs("[", f);
  else
    fputs("Date;Workout Name;Exercise Name;Set Order;Weight;Weight Unit;Reps;RPE;Distance;"
          "Distance Unit;Seconds;Notes;Workout Notes;Workout Duration\n",
          f);
  uint64_t last_session = 0;
  char last_exercise[TRAIN_NAME_MAX] = "";
  unsigned order = 0;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    uint64_t session = (uint64_t)sqlite3_column_int64(st, 7);
    const char *exercise = (const char *)sqlite3_column_text(st, 2);
    const char *note = (const char *)sqlite3_column_text(st, 6);
    bool has_weight = sqlite3_column_type(st, 4) != SQLITE_NULL;
    bool has_rir = sqlite3_column_type(st, 5) != SQLITE_NULL;
    double kg = sqlite3_column_double(st, 4), rir = sqlite3_column_double(st, 5);
    bool warmup = sqlite3_column_int(st, 8) != 0;
    if (j->json) {
      fprintf(f, "%s{\"id\":%lld,\"at\":%lld,\"exercise\":", j->rows ? "," : "",
              (long long)sqlite3_column_int64(st, 0), (long long)sqlite3_column_int64(st, 1));
      put_json(f, exercise);
      fprintf(f, ",\"reps\":%lld,\"weight_kg\":", (long long)sqlite3_column_int64(st, 3));
      if (has_weight)
        fprintf(f, "%.17g", kg);
      else
        fputs("null", f);
      fputs(",\"rir\":", f);
      if (has_rir)
        fprintf(f, "%.17g", rir);
      else
        fputs("null", f);
      fputs(",\"note\":", f);
      put_json(f, note);
      fprintf(f, ",\"session\":%llu,\"warmup\":%s,\"seconds\":%lld,\"source\":",
              (unsigned long long)session, warmup ? "true" : "false",
              (long long)sqlite3_column_int64(st, 9));
      put_json(f, (const char *)sqlite3_column_text(st, 10));
      fputs("}", f);
    } else {
      const session_row *s = session_of(j, session);
      if (session != last_session || strcmp(exercise, last_exercise) != 0)
        order = 0;
      last_session = session;
      snprintf(last_exercise, sizeof(last_exercise), "%s", exercise);
      char set_order[16], dur[32];
      if (warmup)
        snprintf(set_order, sizeof(set_order), "W");
      else
        snprintf(set_order, sizeof(set_order), "%u", ++order);
      duration(dur, sizeof(dur), s ? s->end - s->start : 0);
      fprintf(f, "%s;lumbard;", s ? s->date : "");
      put_field(f, label_of(j, exercise));
      fprintf(f, ";%s;", set_order);
      if (has_weight)
        fprintf(f, "%.10g;%s", j->lb ? kg / TRAIN_LB_KG : kg, j->lb ? "lbs" : "kg");
      else
        fputs("0;", f);
      fprintf(f, ";%lld;", (long long)sqlite3_column_int64(st, 3));
      if (has_rir)
        fprintf(f, "%.10g", 10 - rir);
      fprintf(f, ";;;%lld;", (long long)sqlite3_column_int64(st, 9));
      put_field(f, note);
      fprintf(f, ";;%s\n", dur);
    }
    j->rows++;
  }
  sqlite3_finalize(st);
  if (j->json)
    fputs("]\n", f);
  fclose(f);
  if (rc != SQLITE_DONE)
    return rc;
  for (size_t off = 0; j->fd >= 0 && off < j->len;) { /* to the file, here */
    ssize_t w = write(j->fd, j->text + off, j->len - off);
    if (w < 0 && errno == EINTR)
      continue;
    if (w < 0) {
      j->werr = errno;
      break;
    }
    off += (size_t)w;
  }
  return SQLITE_OK;
}

/* ---- the loop's side --------------------------------------------------------------- */

static void sets_done(lb_plugin *p, int result, const char *error, void *ud) {
  (void)p;
  export_job *j = ud;
  char err[512] = "";
  if (result < 0) {
    snprintf(err, sizeof(err), "the training log cannot be read: %s", error);
  } else if (j->werr) {
    snprintf(err, sizeof(err), "%s cannot be written: %s", j->path, strerror(j->werr));
  } else if (!j->out && j->len > MAX_TEXT) {
    snprintf(err, sizeof(err),
             "the export is %zu KiB, more than an answer carries: give a path to write it to "
             "(lumbarctl train export -o FILE)",
             j->len >> 10);
  }
  if (j->out) {
    char cerr[512];
    int r = train_host->output_close(j->out, !err[0], cerr, sizeof(cerr));
    if (r < 0 && !err[0])
      snprintf(err, sizeof(err), "%s", cerr);
  }
  if (err[0]) {
    train_host->fail(j->call, result < 0 ? LB_ERR_INTERNAL : LB_ERR_INVALID_PARAMS, "%s", err);
  } else {
    lb_value v =
        LB_MAP({"format", lb_v_str(j->json ? "json" : "strong")}, {"rows", lb_v_uint(j->rows)},
               {"bytes", lb_v_uint(j->len)}, {"path", lb_v_str(j->path ? j->path : "")},
               {"text", lb_v_str(j->out ? "" : (j->text ? j->text : ""))});
    train_host->reply(j->call, &v);
  }
  job_free(j);
}

static void sessions_done(lb_plugin *p, int result, const char *error, void *ud) {
  (void)p;
  export_job *j = ud;
  if (result < 0) {
    if (j->out) {
      char ignored[256];
      (void)train_host->output_close(j->out, false, ignored, sizeof(ignored));
    }
    train_host->fail(j->call, LB_ERR_INTERNAL, "the training log cannot be read: %s", error);
    job_free(j);
    return;
  }
  for (size_t i = 0; i < j->n_sessions; i++) { /* local time, here on the loop */
    time_t t = (time_t)j->sessions[i].start;
    struct tm tm;
    localtime_r(&t, &tm);
    strftime(j->sessions[i].date, sizeof(j->sessions[i].date), "%Y-%m-%d %H:%M:%S", &tm);
  }
  train_host->db_read(train_self, sets_read, sets_done, j);
}

void train_m_export(lb_call *call, const lb_value *args, void *ud) {
  (void)ud;
  const lb_value *v, *opts = &args[0];
  export_job *j = lbu_xcalloc(1, sizeof(*j));
  j->call = call;
  j->fd = -1;
  j->lb = train_cfg.lb;
  if ((v = lb_map_get(opts, "format")) != NULL && strcmp(v->as.str.ptr, "strong") != 0 &&
      strcmp(v->as.str.ptr, "json") != 0) {
    train_host->fail(call, LB_ERR_INVALID_PARAMS,
                     "option 'format' must be strong (a Strong CSV export) or json, not \"%s\"",
                     v->as.str.ptr);
    job_free(j);
    return;
  }
  j->json = v && strcmp(v->as.str.ptr, "json") == 0;
  if ((v = lb_map_get(opts, "path")) != NULL) {
    char err[512];
    j->path = lbu_xstrdup(v->as.str.ptr);
    if (!(j->out = train_host->output_open(train_self, j->path, err, sizeof(err)))) {
      train_host->fail(call, LB_ERR_INVALID_PARAMS, "%s", err);
      job_free(j);
      return;
    }
    j->fd = train_host->output_fd(j->out);
  }
  j->labels = lbu_xcalloc(train_cfg.n_exercises ? train_cfg.n_exercises : 1, sizeof(label));
  for (size_t i = 0; i < train_cfg.n_exercises; i++) {
    snprintf(j->labels[i].name, TRAIN_NAME_MAX, "%s", train_cfg.exercises[i].name);
    /* an app reads the name it would write: the exercise's first alias when
     * it has one ("Hip Abduction (Machine)"), else its label */
    char first[TRAIN_NAME_MAX] = "";
    sscanf(train_cfg.exercises[i].aliases, " %63[^;]", first);
    size_t n = strlen(first);
    while (n && first[n - 1] == ' ')
      first[--n] = '\0';
    snprintf(j->labels[i].label, TRAIN_NAME_MAX, "%s",
             first[0] ? first : train_cfg.exercises[i].label);
  }
  j->n_labels = train_cfg.n_exercises;
  train_host->db_read(train_self, sessions_read, sessions_done, j);
}
