#include "store.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>
#include <time.h>

#include "log.h"
#include "util.h"

/* One queued write: a durable one (write, done) or a write-behind object's
 * save (behind). */
typedef struct job {
  struct job *next;
  void *owner;
  lbd_store_write_fn write;
  lbd_store_done_fn done;
  void *ud;
  lbd_store_behind *behind;
  int64_t give_up_ms;    /* monotonic; durable writes only */
  int64_t not_before_ms; /* a write-behind save that failed waits until then */
  size_t saving;         /* a save: how many of its object's ids this attempt writes */
} job;

struct lbd_store_behind {
  lbd_store *s;
  void *owner;
  lbd_store_save_fn save;
  lbd_store_done_fn saved;
  void *ud;
  uint64_t *ids;
  size_t n, cap;
  bool wanted;       /* a save is wanted even with no id noted */
  job *queued;       /* its job in the queue, or NULL */
  unsigned failures; /* in a row, for the backoff */
  lbd_store_behind *next_behind;
};

struct lbd_store {
  sqlite3 *db;
  char *path;
  uv_loop_t *loop;
  uv_timer_t pump; /* runs the queue: after a turn, and after a lock, with backoff */
  bool attached;
  job *head, *tail;
  size_t n_jobs;
  bool running; /* inside a transaction or the pump: new writes queue up */
  bool blocked; /* the last attempt met another program's lock */
  int64_t blocked_since_ms;
  unsigned backoff_ms;
  bool warned_locked;
  bool damaged, warned_damaged;
  lbd_store_behind *behinds;
};

/* The most durable writes one transaction carries, and the most ids of one
 * write-behind object one save writes: bursts are cut so that no loop turn
 * holds a transaction of more (a few milliseconds). */
#define GROUP_MAX 4096
#define BEHIND_CHUNK 4096

static int64_t mono_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static bool is_busy(int rc) {
  rc &= 0xff;
  return rc == SQLITE_BUSY || rc == SQLITE_LOCKED;
}

/* ---- SQLite's own log ------------------------------------------------------- */

/* SQLite reports through its log what never reaches an API caller: a WAL
 * recovered after a crash, an index it found damaged, a file it could not
 * open. Routine codes (a lock, a constraint a plugin checks) stay at debug. */
static void on_sqlite_log(void *ud, int code, const char *msg) {
  (void)ud;
  int level;
  switch (code & 0xff) {
  case SQLITE_WARNING:
  case SQLITE_CORRUPT:
  case SQLITE_NOTADB:
  case SQLITE_IOERR:
  case SQLITE_FULL:
  case SQLITE_CANTOPEN:
  case SQLITE_READONLY:
    level = LBU_WARNING;
    break;
  case SQLITE_NOTICE:
    level = LBU_NOTICE;
    break;
  default:
    level = LBU_DEBUG;
  }
  lbu_log(level, "sqlite (%s): %s", sqlite3_errstr(code), msg);
}

static void config_sqlite_log(void) {
  static bool done;
  if (done)
    return;
  done = true;
  /* Only before the library is initialised, which the first open does. */
  if (sqlite3_config(SQLITE_CONFIG_LOG, on_sqlite_log, NULL) != SQLITE_OK)
    lbu_debug("cannot route SQLite's log: the library was initialised already");
}

/* ---- explaining failures ----------------------------------------------------------- */

static bool on_read_only_fs(const char *path) {
  char *dir = lbu_xstrdup(path);
  char *slash = strrchr(dir, '/');
  if (slash)
    *(slash == dir ? slash + 1 : slash) = '\0';
  struct statvfs vfs;
  bool ro = statvfs(slash ? dir : ".", &vfs) == 0 && (vfs.f_flag & ST_RDONLY);
  free(dir);
  return ro;
}

const char *lbd_store_explain(lbd_store *s, int rc, char *buf, size_t len) {
  return lbd_store_explain_msg(s, rc, s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc), buf, len);
}

const char *lbd_store_explain_msg(lbd_store *s, int rc, const char *msg, char *buf, size_t len) {
  switch (rc & 0xff) {
  case SQLITE_BUSY:
  case SQLITE_LOCKED:
    snprintf(buf, len,
             "the database %s is locked by another program (an sqlite3 shell or a backup tool "
             "holding a write transaction?); close it and try again",
             s->path);
    break;
  case SQLITE_CORRUPT:
  case SQLITE_NOTADB:
    s->damaged = true;
    snprintf(buf, len,
             "the database %s is damaged (%s), so lumbard cannot read all of it. Stop lumbard, "
             "keep a copy of the file, recover what is readable with `sqlite3 %s .recover | "
             "sqlite3 recovered.db` and put recovered.db in its place (man lumbard, DATA "
             "SAFETY)",
             s->path, msg, s->path);
    if (!s->warned_damaged) {
      s->warned_damaged = true;
      lbu_err("%s", buf);
    }
    break;
  case SQLITE_FULL:
    snprintf(buf, len, "the disk that holds %s is full; free some space and try again", s->path);
    break;
  case SQLITE_READONLY:
    if (on_read_only_fs(s->path))
      snprintf(buf, len,
               "the file system that holds %s is mounted read-only, so nothing can be saved; "
               "remount it writable or give lumbard another --data-dir",
               s->path);
    else
      snprintf(buf, len,
               "the database %s can only be read (the file or its directory is read-only), so "
               "nothing can be saved; make it writable (chmod u+w) or give lumbard another "
               "--data-dir",
               s->path);
    break;
  case SQLITE_IOERR:
    snprintf(buf, len, "reading or writing %s failed (%s); check the disk and its log (dmesg)",
             s->path, msg);
    break;
  case SQLITE_CANTOPEN:
    snprintf(buf, len, "cannot open %s or its journal (%s); check the data directory", s->path,
             msg);
    break;
  default:
    snprintf(buf, len, "the database %s: %s", s->path, msg);
  }
  return buf;
}

void lbd_store_state(const lbd_store *s, char *buf, size_t len) {
  if (!s)
    snprintf(buf, len, "not open");
  else if (s->damaged)
    snprintf(buf, len, "damaged: see lumbard's log for what to do");
  else if (s->blocked)
    snprintf(buf, len, "locked by another program: %zu write%s waiting", s->n_jobs,
             s->n_jobs == 1 ? "" : "s");
  else
    snprintf(buf, len, "ok");
}

/* ---- open and close ------------------------------------------------------------ */

static int exec(sqlite3 *db, const char *sql) {
  return sqlite3_exec(db, sql, NULL, NULL, NULL);
}

lbd_store *lbd_store_open(const char *path, char *err, size_t errlen) {
  config_sqlite_log();
  lbd_store *s = lbu_xcalloc(1, sizeof(*s));
  s->path = lbu_xstrdup(path);
  char why[1024];
  /* Only the loop thread touches the database: no mutexes needed. NOFOLLOW:
   * a symbolic link planted at the database's path is refused. */
  int rc = sqlite3_open_v2(path, &s->db,
                           SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX |
                               SQLITE_OPEN_NOFOLLOW,
                           NULL);
  if (rc != SQLITE_OK) {
    snprintf(err, errlen, "cannot open the database %s: %s", path,
             s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc));
    goto fail;
  }
  sqlite3_extended_result_codes(s->db, 1);
  /* SQLite opens a file it may not write read-only, without a word. */
  if (sqlite3_db_readonly(s->db, "main") == 1) {
    snprintf(err, errlen, "%s", lbd_store_explain(s, SQLITE_READONLY, why, sizeof(why)));
    goto fail;
  }
  /* At start-up another program's lock may be waited for: nothing is
   * served yet. lbd_store_attach shortens it for the loop. */
  sqlite3_busy_timeout(s->db, LBD_STORE_STOP_WAIT_MS);
  /* WAL: readers never block the writer. synchronous=FULL: a commit is on
   * disk when it returns, which pain.log promises its caller. */
  if ((rc = exec(s->db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; "
                        "PRAGMA foreign_keys=ON;")) != SQLITE_OK ||
      (rc = exec(s->db, "CREATE TABLE IF NOT EXISTS lb_schema ("
                        "  owner TEXT PRIMARY KEY NOT NULL,"
                        "  version INTEGER NOT NULL,"
                        "  updated_at INTEGER NOT NULL)")) != SQLITE_OK) {
    snprintf(err, errlen, "cannot use the database: %s",
             lbd_store_explain(s, rc, why, sizeof(why)));
    goto fail;
  }
  return s;
fail:
  lbd_store_close(s);
  return NULL;
}

static void pump_later(lbd_store *s, int64_t delay_ms);
static void on_pump(uv_timer_t *t);

void lbd_store_attach(lbd_store *s, uv_loop_t *loop) {
  s->loop = loop;
  uv_timer_init(loop, &s->pump);
  s->pump.data = s;
  s->attached = true;
  sqlite3_busy_timeout(s->db, LBD_STORE_BUSY_MS);
}

void lbd_store_detach(lbd_store *s) {
  if (!s || !s->attached)
    return;
  lbd_store_drain(s, NULL, LBD_STORE_STOP_WAIT_MS);
  s->attached = false;
  uv_close((uv_handle_t *)&s->pump, NULL); /* s outlives the loop: freed after uv_run */
}

void lbd_store_close(lbd_store *s) {
  if (!s)
    return;
  for (lbd_store_behind *b = s->behinds, *next; b; b = next) {
    next = b->next_behind;
    free(b->ids); /* its queued job, if any, goes with the others below */
    free(b);
  }
  for (job *j = s->head, *next; j; j = next) {
    next = j->next;
    if (j->done)
      j->done(-ECANCELED, "the database was closed", j->ud);
    free(j);
  }
  if (s->db && sqlite3_close(s->db) != SQLITE_OK)
    lbu_warn("closing the database %s: %s", s->path, sqlite3_errmsg(s->db));
  free(s->path);
  free(s);
}

sqlite3 *lbd_store_db(lbd_store *s) {
  return s->db;
}
const char *lbd_store_path(const lbd_store *s) {
  return s->path;
}

/* ---- transactions ------------------------------------------------------------- */

/* A statement a plugin left stepping would make COMMIT fail ("SQL
 * statements in progress") and keep the transaction open on the shared
 * handle: every statement is reset before the transaction ends. */
static void reset_statements(sqlite3 *db) {
  for (sqlite3_stmt *st = sqlite3_next_stmt(db, NULL); st; st = sqlite3_next_stmt(db, st))
    if (sqlite3_stmt_busy(st)) {
      lbu_debug("a statement was still running at the end of a transaction: %s", sqlite3_sql(st));
      sqlite3_reset(st);
    }
}

/* One attempt of j in its own transaction. SQLITE_OK: committed. Otherwise
 * rolled back, and why says why (for a person). */
/* End the transaction the writes ran in: COMMIT when they all returned
 * SQLITE_OK, else ROLLBACK (of that transaction alone), with why saying why
 * for a person. The write's own code when it stopped without an SQLite
 * error. */
static int end_txn(lbd_store *s, int rc, char *why, size_t len) {
  reset_statements(s->db);
  if (rc == SQLITE_OK && (rc = exec(s->db, "COMMIT")) == SQLITE_OK)
    return SQLITE_OK;
  int code = sqlite3_extended_errcode(s->db);
  lbd_store_explain(s, rc == SQLITE_ERROR && code != SQLITE_OK ? code : rc, why, len);
  reset_statements(s->db);
  if (!sqlite3_get_autocommit(s->db))
    exec(s->db, "ROLLBACK");
  return rc;
}

static int attempt(lbd_store *s, job *j, size_t max_ids, char *why, size_t len) {
  int rc = exec(s->db, "BEGIN IMMEDIATE");
  if (rc == SQLITE_OK && j->behind) {
    lbd_store_behind *b = j->behind;
    j->saving = b->n < max_ids ? b->n : max_ids;
    rc = b->save(s->db, b->ids, j->saving, b->ud);
  } else if (rc == SQLITE_OK) {
    rc = j->write(s->db, j->ud);
  }
  return end_txn(s, rc, why, len);
}

static void unlink_job(lbd_store *s, job *j) {
  job **pp = &s->head, *prev = NULL;
  while (*pp && *pp != j) {
    prev = *pp;
    pp = &(*pp)->next;
  }
  if (!*pp)
    return;
  *pp = j->next;
  if (s->tail == j)
    s->tail = prev;
  s->n_jobs--;
  j->next = NULL;
}

static void append_job(lbd_store *s, job *j) {
  j->next = NULL;
  if (s->tail)
    s->tail->next = j;
  else
    s->head = j;
  s->tail = j;
  s->n_jobs++;
}

/* A save of the first n ids landed: they are written. True when more wait
 * (its job stays queued). */
static bool behind_landed(lbd_store_behind *b, size_t n) {
  if (n && b->n > n)
    memmove(b->ids, b->ids + n, (b->n - n) * sizeof(*b->ids));
  b->n -= n;
  b->failures = 0;
  if (b->n > 0)
    return true;
  b->wanted = false;
  b->queued = NULL;
  return false;
}

/* Group commit: j and the durable writes queued right after it, in one
 * transaction, so that a burst of them (pipelined pain.log, 20,000
 * reminders.add) costs one fsync, not one each. SQLITE_OK: all committed,
 * their dones called. Otherwise nothing is committed and why says why. */
static int attempt_group(lbd_store *s, job *j, char *why, size_t len) {
  int rc = exec(s->db, "BEGIN IMMEDIATE");
  size_t n = 0;
  for (job *k = j; rc == SQLITE_OK && k && !k->behind && n < GROUP_MAX; k = k->next, n++) {
    rc = k->write(s->db, k->ud);
    reset_statements(s->db);
  }
  if ((rc = end_txn(s, rc, why, len)) != SQLITE_OK)
    return rc;
  while (n-- > 0) {
    job *k = s->head; /* the group is at the head: answered in order */
    unlink_job(s, k);
    k->done(0, NULL, k->ud);
    free(k);
  }
  return SQLITE_OK;
}

/* Run what is due in the queue, in order. Stops at a lock (everything
 * after it would meet the same lock) and comes back later. */
static void pump(lbd_store *s) {
  if (s->running)
    return;
  s->running = true;
  char why[1024];
  int64_t now = mono_ms(), next_due = 0;
  bool blocked = false, one_by_one = false, more = false;
  for (job *j = s->head, *next; j; j = next) {
    next = j->next;
    if (j->not_before_ms > now) {
      if (!next_due || j->not_before_ms < next_due)
        next_due = j->not_before_ms;
      continue;
    }
    /* Durable writes go in groups, from the head; after a group failed,
     * one by one, so that only the write that fails is failed. */
    if (!j->behind && j == s->head && !one_by_one) {
      int rc = attempt_group(s, j, why, sizeof(why));
      now = mono_ms();
      if (is_busy(rc)) {
        blocked = true;
        break;
      }
      one_by_one = rc != SQLITE_OK;
      next = s->head;
      continue;
    }
    int rc = attempt(s, j, BEHIND_CHUNK, why, sizeof(why));
    now = mono_ms();
    if (is_busy(rc)) {
      blocked = true;
      break;
    }
    unlink_job(s, j);
    if (j->behind) {
      lbd_store_behind *b = j->behind;
      if (rc == SQLITE_OK && behind_landed(b, j->saving)) {
        /* more than a chunk: the rest after a loop turn, so that nobody
         * waits for one transaction of a whole burst */
        append_job(s, j);
        more = true;
      } else if (rc == SQLITE_OK) {
        free(j);
      } else {
        /* kept, tried again later: a full disk may get room */
        b->failures++;
        int64_t wait = 100LL << (b->failures < 10 ? b->failures : 10);
        j->not_before_ms = now + (wait > 60000 ? 60000 : wait);
        append_job(s, j);
        lbu_err("%s; %zu change%s wait%s and will be saved when it can", why, b->n,
                b->n == 1 ? "" : "s", b->n == 1 ? "s" : "");
        if (!next_due || j->not_before_ms < next_due)
          next_due = j->not_before_ms;
      }
      if (b->saved)
        b->saved(rc == SQLITE_OK ? 0 : -EIO, rc == SQLITE_OK ? NULL : why, b->ud);
      if (more)
        break;
    } else {
      if (j->done)
        j->done(rc == SQLITE_OK ? 0 : -EIO, rc == SQLITE_OK ? NULL : why, j->ud);
      free(j);
    }
    next = s->head; /* callbacks may have queued or run anything: start over */
    while (next && next->not_before_ms > now) /* but skip what waits */
      next = next->next;
  }

  if (blocked) {
    if (!s->blocked) {
      s->blocked = true;
      s->blocked_since_ms = now;
      s->backoff_ms = 10;
    } else if (s->backoff_ms < 1000) {
      s->backoff_ms *= 2;
    }
    if (!s->warned_locked && now - s->blocked_since_ms >= 1000) {
      s->warned_locked = true;
      lbu_warn("%s; %zu write%s waiting, and lumbard keeps trying: nothing is lost",
               lbd_store_explain(s, SQLITE_BUSY, why, sizeof(why)), s->n_jobs,
               s->n_jobs == 1 ? "" : "s");
    }
    /* Durable writes that waited too long are answered now. */
    for (job *j = s->head, *next; j; j = next) {
      next = j->next;
      if (j->behind || now < j->give_up_ms)
        continue;
      unlink_job(s, j);
      snprintf(why, sizeof(why),
               "the database %s has been locked by another program for %d s (an sqlite3 shell "
               "or a backup tool holding a write transaction?); nothing was saved: close that "
               "program and try again",
               s->path, LBD_STORE_DURABLE_WAIT_MS / 1000);
      j->done(-EBUSY, why, j->ud);
      free(j);
      next = s->head;
    }
  } else if (s->blocked) {
    s->blocked = false;
    if (s->warned_locked)
      lbu_notice("the database %s can be written again; what waited is saved", s->path);
    s->warned_locked = false;
  }
  s->running = false;

  if (blocked && s->head) {
    int64_t delay = s->backoff_ms;
    for (job *j = s->head; j; j = j->next)
      if (!j->behind && j->give_up_ms - now < delay)
        delay = j->give_up_ms - now;
    pump_later(s, delay < 1 ? 1 : delay);
  } else if (more) {
    pump_later(s, 0);
  } else if (next_due) {
    pump_later(s, next_due - now);
  }
}

static void on_pump(uv_timer_t *t) {
  pump(t->data);
}

static void pump_later(lbd_store *s, int64_t delay_ms) {
  if (!s->attached)
    return;
  if (delay_ms < 0)
    delay_ms = 0;
  /* an earlier run wins over a later one already armed */
  if (uv_is_active((uv_handle_t *)&s->pump)) {
    uint64_t due = uv_timer_get_due_in(&s->pump);
    if (due <= (uint64_t)delay_ms)
      return;
  }
  uv_timer_start(&s->pump, on_pump, (uint64_t)delay_ms, 0);
}

void lbd_store_write(lbd_store *s, void *owner, lbd_store_write_fn write, lbd_store_done_fn done,
                     void *ud) {
  job *j = lbu_xcalloc(1, sizeof(*j));
  *j = (job){.owner = owner,
             .write = write,
             .done = done,
             .ud = ud,
             .give_up_ms = mono_ms() + LBD_STORE_DURABLE_WAIT_MS};
  append_job(s, j);
  if (!s->attached) { /* no loop to retry from: wait for a lock here */
    lbd_store_drain(s, NULL, LBD_STORE_STOP_WAIT_MS);
    return;
  }
  /* After this loop turn, with every other write the turn asked for: one
   * transaction, one fsync. done never runs inside lbd_store_write. */
  if (!s->blocked)
    pump_later(s, 0);
}

/* ---- write-behind ------------------------------------------------------------------ */

lbd_store_behind *lbd_store_behind_new(lbd_store *s, void *owner, lbd_store_save_fn save,
                                       lbd_store_done_fn saved, void *ud) {
  lbd_store_behind *b = lbu_xcalloc(1, sizeof(*b));
  *b = (lbd_store_behind){.s = s, .owner = owner, .save = save, .saved = saved, .ud = ud};
  b->next_behind = s->behinds;
  s->behinds = b;
  return b;
}

void lbd_store_behind_touch(lbd_store_behind *b, uint64_t id) {
  if (id) {
    /* the common case: several changes to one object in a row */
    bool seen = false;
    for (size_t i = b->n; i-- > 0 && i + 64 > b->n && !seen;)
      seen = b->ids[i] == id;
    if (!seen) {
      if (b->n == b->cap) {
        b->cap = b->cap ? b->cap * 2 : 64;
        b->ids = lbu_xrealloc(b->ids, b->cap * sizeof(*b->ids));
      }
      b->ids[b->n++] = id;
    }
  } else {
    b->wanted = true;
  }
  if (b->queued)
    return;
  job *j = lbu_xcalloc(1, sizeof(*j));
  *j = (job){.owner = b->owner, .behind = b};
  b->queued = j;
  append_job(b->s, j);
  if (!b->s->blocked)
    pump_later(b->s, 0); /* after this loop turn: a burst of changes is one commit */
}

size_t lbd_store_behind_pending(const lbd_store_behind *b) {
  return b->n;
}

void lbd_store_behind_free(lbd_store_behind *b) {
  if (!b)
    return;
  lbd_store *s = b->s;
  if (b->queued) {
    unlink_job(s, b->queued);
    free(b->queued);
  }
  for (lbd_store_behind **pp = &s->behinds; *pp; pp = &(*pp)->next_behind)
    if (*pp == b) {
      *pp = b->next_behind;
      break;
    }
  free(b->ids);
  free(b);
}

/* ---- draining ------------------------------------------------------------------------ */

void lbd_store_drain(lbd_store *s, void *owner, int wait_ms) {
  if (s->running)
    return;
  sqlite3_busy_timeout(s->db, wait_ms);
  char why[1024];
  for (job *j = s->head, *next; j; j = next) {
    next = j->next;
    if (owner && j->owner != owner)
      continue;
    s->running = true;
    int rc = attempt(s, j, SIZE_MAX, why, sizeof(why));
    s->running = false;
    if (is_busy(rc))
      sqlite3_busy_timeout(s->db, 0); /* one wait is enough: the rest would wait the same */
    unlink_job(s, j);
    if (j->behind) {
      lbd_store_behind *b = j->behind;
      if (rc == SQLITE_OK) {
        behind_landed(b, j->saving);
      } else {
        b->queued = NULL;
        lbu_err("%s; %zu change%s could not be saved before lumbard stopped", why, b->n,
                b->n == 1 ? "" : "s");
      }
      if (b->saved)
        b->saved(rc == SQLITE_OK ? 0 : -EIO, rc == SQLITE_OK ? NULL : why, b->ud);
    } else if (j->done) {
      j->done(rc == SQLITE_OK ? 0
              : is_busy(rc)   ? -EBUSY
                              : -EIO,
              rc == SQLITE_OK ? NULL : why, j->ud);
    }
    free(j);
    next = s->head; /* callbacks may have changed the queue */
  }
  sqlite3_busy_timeout(s->db, s->attached ? LBD_STORE_BUSY_MS : wait_ms);
  if (!s->head && s->attached)
    uv_timer_stop(&s->pump);
}

/* ---- schema ---------------------------------------------------------------------------- */

int lbd_store_schema_version(lbd_store *s, const char *owner) {
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(s->db, "SELECT version FROM lb_schema WHERE owner = ?", -1, &st, NULL) !=
      SQLITE_OK)
    return -EIO;
  sqlite3_bind_text(st, 1, owner, -1, SQLITE_STATIC);
  int v = 0, rc = sqlite3_step(st);
  if (rc == SQLITE_ROW)
    v = sqlite3_column_int(st, 0);
  else if (rc != SQLITE_DONE)
    v = -EIO;
  sqlite3_finalize(st);
  return v;
}

typedef struct migration {
  lbd_store *s;
  const char *owner;
  const char *const *steps;
  int n, have;
  char *err;
  size_t errlen;
  int result;
} migration;

static int migrate_in_txn(sqlite3 *db, void *ud) {
  migration *m = ud;
  int have = lbd_store_schema_version(m->s, m->owner);
  if (have < 0) {
    snprintf(m->err, m->errlen, "cannot read the schema version: %s", sqlite3_errmsg(db));
    m->result = -EIO;
    return sqlite3_extended_errcode(db);
  }
  m->have = have;
  if (have > m->n) {
    snprintf(m->err, m->errlen,
             "the database %s holds %s's tables at schema version %d, newer than this version "
             "knows (%d): it was written by a newer lumbard; run that one, or move the database "
             "aside",
             m->s->path, m->owner, have, m->n);
    m->result = -EPROTO;
    return SQLITE_ABORT;
  }
  for (int i = have; i < m->n; i++) {
    char *msg = NULL;
    int rc = sqlite3_exec(db, m->steps[i], NULL, NULL, &msg);
    if (rc != SQLITE_OK) {
      snprintf(m->err, m->errlen, "schema step %d of %s failed: %s", i + 1, m->owner,
               msg ? msg : sqlite3_errmsg(db));
      sqlite3_free(msg);
      m->result = -EIO;
      return rc;
    }
  }
  if (have == m->n)
    return SQLITE_OK;
  sqlite3_stmt *st;
  int rc = sqlite3_prepare_v2(db,
                              "INSERT INTO lb_schema(owner, version, updated_at) VALUES(?, ?, "
                              "strftime('%s','now')) ON CONFLICT(owner) DO UPDATE SET "
                              "version = excluded.version, updated_at = excluded.updated_at",
                              -1, &st, NULL);
  if (rc == SQLITE_OK) {
    sqlite3_bind_text(st, 1, m->owner, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, m->n);
    rc = sqlite3_step(st) == SQLITE_DONE ? SQLITE_OK : sqlite3_extended_errcode(db);
    sqlite3_finalize(st);
  }
  if (rc != SQLITE_OK) {
    snprintf(m->err, m->errlen, "cannot record the schema version: %s", sqlite3_errmsg(db));
    m->result = -EIO;
  }
  return rc;
}

static void migrated(int result, const char *error, void *ud) {
  migration *m = ud;
  if (result < 0 && m->result == 0) {
    snprintf(m->err, m->errlen, "%s", error);
    m->result = result;
  }
}

int lbd_store_migrate(lbd_store *s, const char *owner, const char *const *steps, char *err,
                      size_t errlen) {
  migration m = {.s = s, .owner = owner, .steps = steps, .err = err, .errlen = errlen};
  while (steps && steps[m.n])
    m.n++;
  /* At load time, before anything is served: a lock may be waited for, and
   * nothing is retried later: the plugin needs its tables now. */
  job *j = lbu_xcalloc(1, sizeof(*j));
  *j = (job){.write = migrate_in_txn, .done = migrated, .ud = &m};
  append_job(s, j);
  lbd_store_drain(s, NULL, LBD_STORE_STOP_WAIT_MS);
  if (m.result == 0 && m.have > 0 && m.have < m.n)
    lbu_info("database: %s schema upgraded from version %d to %d", owner, m.have, m.n);
  return m.result;
}
