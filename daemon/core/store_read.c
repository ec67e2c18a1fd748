#include "store_read.h"

#include <errno.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "log.h"
#include "xalloc.h"

/* A worker waits this long for a lock it cannot read past (a WAL recovery,
 * another program's exclusive lock): it is not the loop that waits. */
#define READ_BUSY_MS 5000
/* Connections kept between reads (libuv's pool runs 4 threads by default). */
#define MAX_IDLE_CONNS 4

typedef enum { QUEUED, RUNNING, FINISHED } read_state;

typedef struct read_job {
  uv_work_t req;
  lbd_store_reads *r;
  void *owner; /* NULL once forgotten: read is not run, done already called */
  lbd_store_read_fn read;
  lbd_store_read_done_fn done;
  void *ud;
  atomic_bool cancel; /* forgotten: every statement of the read stops */
  /* Under r->lock: the state, and the connection while it runs. */
  read_state state;
  sqlite3 *conn;
  int rc;
  char error[256]; /* the reader connection's words for rc */
  struct read_job *prev, *next;
} read_job;

struct lbd_store_reads {
  uv_loop_t *loop;
  lbd_store *store;
  char *path;
  uv_mutex_t lock;
  uv_cond_t finished; /* a running read ended */
  sqlite3 *idle[MAX_IDLE_CONNS];
  size_t n_idle;
  read_job *jobs; /* every read not yet heard on the loop; the loop's alone */
};

lbd_store_reads *lbd_store_reads_new(uv_loop_t *loop, lbd_store *store) {
  lbd_store_reads *r = lbu_xcalloc(1, sizeof(*r));
  r->loop = loop;
  r->store = store;
  r->path = lbu_xstrdup(lbd_store_path(store));
  if (uv_mutex_init(&r->lock) != 0 || uv_cond_init(&r->finished) != 0) {
    lbu_err("cannot make a mutex for the database's readers");
    abort(); /* only when the system is out of resources at start */
  }
  return r;
}

void lbd_store_reads_free(lbd_store_reads *r) {
  if (!r)
    return;
  for (size_t i = 0; i < r->n_idle; i++)
    sqlite3_close_v2(r->idle[i]);
  uv_cond_destroy(&r->finished);
  uv_mutex_destroy(&r->lock);
  free(r->path);
  free(r);
}

/* ---- the worker's side ------------------------------------------------------------- */

/* A connection of the pool, or a new one: read-only by query_only (a
 * connection opened SQLITE_OPEN_READONLY cannot join a WAL database whose
 * -shm it may write), never following a link planted at the path. */
static sqlite3 *take_conn(lbd_store_reads *r, int *ret_rc) {
  sqlite3 *db = NULL;
  uv_mutex_lock(&r->lock);
  if (r->n_idle)
    db = r->idle[--r->n_idle];
  uv_mutex_unlock(&r->lock);
  if (db)
    return db;
  int rc = sqlite3_open_v2(
      r->path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_NOFOLLOW, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_exec(db, "PRAGMA query_only = ON", NULL, NULL, NULL);
  if (rc != SQLITE_OK) {
    *ret_rc = rc;
    sqlite3_close_v2(db);
    return NULL;
  }
  sqlite3_extended_result_codes(db, 1);
  return db;
}

static void give_conn(lbd_store_reads *r, sqlite3 *db) {
  uv_mutex_lock(&r->lock);
  if (r->n_idle < MAX_IDLE_CONNS) {
    r->idle[r->n_idle++] = db;
    db = NULL;
  }
  uv_mutex_unlock(&r->lock);
  sqlite3_close_v2(db); /* accepts NULL */
}

/* A statement the read left unfinished would keep the snapshot open. */
static void finish_statements(sqlite3 *db) {
  sqlite3_stmt *st;
  while ((st = sqlite3_next_stmt(db, NULL)) != NULL)
    sqlite3_finalize(st);
}

/* A worker yields to the loop: batch scheduling (it does not preempt on
 * waking) and nice 10, so that the loop thread, woken by a timer or a
 * client, runs at once even with every CPU busy reading. Per thread, for
 * the threads of libuv's pool that run reads (they run nothing else). */
static void yield_to_the_loop(void) {
  static _Thread_local bool done;
  if (done)
    return;
  done = true;
  struct sched_param sp = {0};
  pid_t tid = gettid();
  if (sched_setscheduler(tid, SCHED_BATCH, &sp) < 0 || setpriority(PRIO_PROCESS, (id_t)tid, 10) < 0)
    lbu_debug("a reader thread keeps its priority: %s", strerror(errno));
}

/* A forgotten read stops within a few thousand VM steps of any statement it
 * runs, and never waits for a lock: sqlite3_interrupt alone is lost when it
 * comes between two statements. */
static int stop_if_cancelled(void *ud) {
  return atomic_load(&((read_job *)ud)->cancel) ? 1 : 0;
}

static int wait_unless_cancelled(void *ud, int tries) {
  if (atomic_load(&((read_job *)ud)->cancel) || tries * 10 >= READ_BUSY_MS)
    return 0;
  sqlite3_sleep(10);
  return 1;
}

static void work(uv_work_t *req) {
  read_job *j = req->data;
  yield_to_the_loop();
  lbd_store_reads *r = j->r;
  int rc = SQLITE_OK;
  sqlite3 *db = take_conn(r, &rc);
  uv_mutex_lock(&r->lock);
  bool go = j->owner != NULL && db != NULL;
  j->conn = go ? db : NULL;
  j->state = RUNNING;
  uv_mutex_unlock(&r->lock);
  if (go) {
    sqlite3_progress_handler(db, 1000, stop_if_cancelled, j);
    sqlite3_busy_handler(db, wait_unless_cancelled, j);
    rc = sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
    if (rc == SQLITE_OK)
      rc = j->read(db, j->ud);
    finish_statements(db);
    int end = sqlite3_exec(db, rc == SQLITE_OK ? "COMMIT" : "ROLLBACK", NULL, NULL, NULL);
    if (rc == SQLITE_OK)
      rc = end;
    if (rc != SQLITE_OK)
      snprintf(j->error, sizeof(j->error), "%s", sqlite3_errmsg(db));
    /* j goes: nothing of a pooled connection may point at it */
    sqlite3_progress_handler(db, 0, NULL, NULL);
    sqlite3_busy_handler(db, NULL, NULL);
  } else if (!db) {
    snprintf(j->error, sizeof(j->error), "%s", sqlite3_errstr(rc));
  }
  uv_mutex_lock(&r->lock);
  j->rc = rc;
  j->conn = NULL;
  j->state = FINISHED;
  uv_cond_broadcast(&r->finished);
  uv_mutex_unlock(&r->lock);
  if (db)
    give_conn(r, db);
}

/* ---- the loop's side ----------------------------------------------------------------- */

static void unlink_job(lbd_store_reads *r, read_job *j) {
  if (j->prev)
    j->prev->next = j->next;
  else
    r->jobs = j->next;
  if (j->next)
    j->next->prev = j->prev;
}

static void after_work(uv_work_t *req, int status) {
  read_job *j = req->data;
  lbd_store_reads *r = j->r;
  unlink_job(r, j);
  if (!j->owner) {
    /* forgotten: done was called then */
  } else if (status == UV_ECANCELED) {
    j->done(-ECANCELED, "the read was cancelled", j->ud);
  } else if (j->rc == SQLITE_OK) {
    j->done(0, NULL, j->ud);
  } else {
    char why[1024]; /* the store's words for the code, the reader's detail */
    lbd_store_explain_msg(r->store, j->rc, j->error, why, sizeof(why));
    j->done(-EIO, why, j->ud);
  }
  free(j);
}

void lbd_store_read(lbd_store_reads *r, void *owner, lbd_store_read_fn read,
                    lbd_store_read_done_fn done, void *ud) {
  read_job *j = lbu_xcalloc(1, sizeof(*j));
  j->r = r;
  j->owner = owner;
  j->read = read;
  j->done = done;
  j->ud = ud;
  j->req.data = j;
  j->next = r->jobs;
  if (r->jobs)
    r->jobs->prev = j;
  r->jobs = j;
  int rc = uv_queue_work(r->loop, &j->req, work, after_work);
  if (rc < 0) { /* libuv refuses only invalid arguments; say so rather than hang */
    lbu_err("cannot queue a read: %s", uv_strerror(rc));
    unlink_job(r, j);
    done(-EIO, "the read could not be started", ud);
    free(j);
  }
}

static read_job *first_of(lbd_store_reads *r, void *owner) {
  for (read_job *j = r->jobs; j; j = j->next)
    if (j->owner == owner)
      return j;
  return NULL;
}

void lbd_store_reads_forget(lbd_store_reads *r, void *owner, const char *why) {
  if (!r || !owner)
    return;
  read_job *j;
  /* From the head each time: a done called below may have queued another. */
  while ((j = first_of(r, owner)) != NULL) {
    atomic_store(&j->cancel, true);
    uv_mutex_lock(&r->lock);
    j->owner = NULL; /* a worker that has not begun it yet will not */
    if (j->state == RUNNING && j->conn)
      sqlite3_interrupt(j->conn);
    while (j->state == RUNNING)
      uv_cond_wait(&r->finished, &r->lock);
    uv_mutex_unlock(&r->lock);
    /* Not started: dropped (after_work hears UV_ECANCELED, or a worker
     * that took it just now sees no owner); its code is the plugin's, which
     * may be unloaded once this returns. */
    uv_cancel((uv_req_t *)&j->req);
    j->done(-ECANCELED, why, j->ud);
  }
}
