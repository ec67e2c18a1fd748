#include "store_read.h"

#include <errno.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <unistd.h>

#include "log.h"
#include "xalloc.h"

/* A worker waits this long for a lock it cannot read past (a WAL recovery,
 * another program's exclusive lock): it is not the loop that waits. */
#define READ_BUSY_MS 5000
/* Reader threads, started when first needed; a connection each, kept. */
#define N_WORKERS 2
#define MAX_IDLE_CONNS N_WORKERS

typedef enum { QUEUED, RUNNING, FINISHED } read_state;

typedef struct worker worker;

typedef struct read_job {
  lbd_store_reads *r;
  void *owner; /* NULL once forgotten: read is not run, done already called */
  lbd_store_read_fn read;
  lbd_store_read_done_fn done;
  void *ud;
  atomic_bool cancel; /* forgotten: every statement of the read stops */
  worker *w;          /* the loop's: the worker it was handed to, or NULL */
  /* Under r->lock: the state, and the connection while it runs. */
  read_state state;
  sqlite3 *conn;
  int rc;
  char error[256];              /* the reader connection's words for rc */
  struct read_job *prev, *next; /* every job the loop has not heard back; the loop's */
  struct read_job *queued;      /* the loop's queue of jobs not yet handed out */
  struct read_job *finished;    /* the stack of jobs done (lbd_store_reads.done) */
} read_job;

/* Why threads of our own and not libuv's pool: a pool thread that finished
 * its work tells the loop under a mutex the loop takes too and through a
 * uv_async whose flag the loop spins on, both held across a write(2). A
 * reader runs at a lower priority than the loop (yield_to_the_loop); taken
 * off its CPU inside that window it kept the loop waiting -- a priority
 * inversion, up to milliseconds with every CPU busy. Here nothing the loop
 * waits for is ever held by a reader: a job is handed over in an atomic
 * slot with a semaphore, and comes back on an atomic stack with an
 * eventfd. */
struct worker {
  lbd_store_reads *r;
  uv_thread_t thread;
  uv_sem_t wake;
  _Atomic(read_job *) slot; /* handed over, not yet taken */
  atomic_bool stop;
  bool busy; /* the loop's: a job handed over and not heard back */
};

struct lbd_store_reads {
  uv_loop_t *loop;
  lbd_store *store;
  char *path;
  uv_mutex_t lock;
  uv_cond_t finished; /* a running read ended */
  sqlite3 *idle[MAX_IDLE_CONNS];
  size_t n_idle;
  worker workers[N_WORKERS];
  size_t n_workers;         /* started */
  _Atomic(read_job *) done; /* jobs finished, pushed by the workers */
  int efd;                  /* readable when done has jobs */
  uv_poll_t poll;
  bool closed;
  read_job *jobs;                    /* every read not yet heard on the loop; the loop's alone */
  read_job *queue_head, *queue_tail; /* waiting for a worker; the loop's alone */
};

static void on_done(uv_poll_t *h, int status, int events);

lbd_store_reads *lbd_store_reads_new(uv_loop_t *loop, lbd_store *store) {
  lbd_store_reads *r = lbu_xcalloc(1, sizeof(*r));
  r->loop = loop;
  r->store = store;
  r->path = lbu_xstrdup(lbd_store_path(store));
  r->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (uv_mutex_init(&r->lock) != 0 || uv_cond_init(&r->finished) != 0 || r->efd < 0 ||
      uv_poll_init(loop, &r->poll, r->efd) != 0 ||
      uv_poll_start(&r->poll, UV_READABLE, on_done) != 0) {
    lbu_err("cannot make the database's readers: %s", strerror(errno));
    abort(); /* only when the system is out of resources at start */
  }
  r->poll.data = r;
  uv_unref((uv_handle_t *)&r->poll); /* the loop does not run for it alone */
  return r;
}

static void free_job(read_job *j);

/* The workers stop and are joined: no read is running (the plugins that
 * asked have gone, and their reads were forgotten). */
void lbd_store_reads_close(lbd_store_reads *r) {
  if (!r || r->closed)
    return;
  r->closed = true;
  for (size_t i = 0; i < r->n_workers; i++) {
    atomic_store(&r->workers[i].stop, true);
    uv_sem_post(&r->workers[i].wake);
  }
  for (size_t i = 0; i < r->n_workers; i++) {
    uv_thread_join(&r->workers[i].thread);
    uv_sem_destroy(&r->workers[i].wake);
  }
  r->n_workers = 0;
  uv_close((uv_handle_t *)&r->poll, NULL);
}

void lbd_store_reads_free(lbd_store_reads *r) {
  if (!r)
    return;
  lbd_store_reads_close(r);
  for (read_job *j = atomic_exchange(&r->done, NULL), *next; j; j = next) {
    next = j->finished;
    free_job(j); /* forgotten, and heard of already */
  }
  for (read_job *j = r->queue_head, *next; j; j = next) {
    next = j->queued;
    free_job(j);
  }
  for (size_t i = 0; i < r->n_idle; i++)
    sqlite3_close_v2(r->idle[i]);
  if (r->efd >= 0)
    close(r->efd);
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
 * client, runs at once even with every CPU busy reading. */
static void yield_to_the_loop(void) {
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

static void work(read_job *j) {
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

/* Back to the loop: pushed on the stack of jobs done, and the eventfd
 * written; no lock. */
static void hand_back(lbd_store_reads *r, read_job *j) {
  read_job *top = atomic_load(&r->done);
  do
    j->finished = top;
  while (!atomic_compare_exchange_weak(&r->done, &top, j));
  uint64_t one = 1;
  while (write(r->efd, &one, sizeof(one)) < 0 && errno == EINTR)
    ;
}

static void worker_main(void *arg) {
  worker *w = arg;
  yield_to_the_loop();
  for (;;) {
    uv_sem_wait(&w->wake);
    read_job *j = atomic_exchange(&w->slot, NULL);
    if (j) {
      work(j);
      hand_back(w->r, j);
    } else if (atomic_load(&w->stop)) {
      return;
    }
  }
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

static void free_job(read_job *j) {
  free(j);
}

/* A worker for j: an idle one, or a new one while there are fewer than
 * N_WORKERS; NULL when all are busy. */
static worker *idle_worker(lbd_store_reads *r) {
  for (size_t i = 0; i < r->n_workers; i++)
    if (!r->workers[i].busy)
      return &r->workers[i];
  if (r->n_workers == N_WORKERS)
    return NULL;
  worker *w = &r->workers[r->n_workers];
  *w = (worker){.r = r};
  if (uv_sem_init(&w->wake, 0) != 0)
    return NULL;
  if (uv_thread_create(&w->thread, worker_main, w) != 0) {
    uv_sem_destroy(&w->wake);
    return NULL;
  }
  r->n_workers++;
  return w;
}

static void hand_over(worker *w, read_job *j) {
  w->busy = true;
  j->w = w;
  atomic_store(&w->slot, j);
  uv_sem_post(&w->wake);
}

/* What became of a job, heard on the loop. */
static void heard(lbd_store_reads *r, read_job *j) {
  unlink_job(r, j);
  if (!j->owner) {
    /* forgotten: done was called then */
  } else if (j->rc == SQLITE_OK) {
    j->done(0, NULL, j->ud);
  } else {
    char why[1024]; /* the store's words for the code, the reader's detail */
    lbd_store_explain_msg(r->store, j->rc, j->error, why, sizeof(why));
    j->done(-EIO, why, j->ud);
  }
  free_job(j);
}

static void on_done(uv_poll_t *h, int status, int events) {
  (void)status, (void)events;
  lbd_store_reads *r = h->data;
  uint64_t n;
  (void)!read(r->efd, &n, sizeof(n));
  read_job *top = atomic_exchange(&r->done, NULL), *fifo = NULL;
  while (top) { /* oldest first */
    read_job *next = top->finished;
    top->finished = fifo;
    fifo = top;
    top = next;
  }
  for (read_job *j = fifo, *next; j; j = next) {
    next = j->finished;
    worker *w = j->w;
    w->busy = false;
    read_job *q = r->queue_head;
    if (q && !r->closed) {
      r->queue_head = q->queued;
      if (!r->queue_head)
        r->queue_tail = NULL;
      hand_over(w, q);
    }
    heard(r, j);
  }
}

void lbd_store_read(lbd_store_reads *r, void *owner, lbd_store_read_fn read,
                    lbd_store_read_done_fn done, void *ud) {
  if (r->closed) {
    done(-ECANCELED, "the daemon is stopping", ud);
    return;
  }
  read_job *j = lbu_xcalloc(1, sizeof(*j));
  j->r = r;
  j->owner = owner;
  j->read = read;
  j->done = done;
  j->ud = ud;
  j->next = r->jobs;
  if (r->jobs)
    r->jobs->prev = j;
  r->jobs = j;
  worker *w = idle_worker(r);
  if (w) {
    hand_over(w, j);
  } else if (r->n_workers) { /* every worker busy: the first to finish takes it */
    if (r->queue_tail)
      r->queue_tail->queued = j;
    else
      r->queue_head = j;
    r->queue_tail = j;
  } else { /* no thread could be made */
    lbu_err("cannot start a reader thread");
    unlink_job(r, j);
    free_job(j);
    done(-EIO, "the read could not be started: the system is out of threads", ud);
  }
}

/* j out of the loop's queue, when it is there. */
static bool unqueue(lbd_store_reads *r, read_job *j) {
  for (read_job **at = &r->queue_head, *prev = NULL; *at; prev = *at, at = &(*at)->queued) {
    if (*at != j)
      continue;
    *at = j->queued;
    if (r->queue_tail == j)
      r->queue_tail = prev;
    return true;
  }
  return false;
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
    /* Not started: dropped (still in the loop's queue, or a worker that
     * takes it sees no owner and hands it back); its code is the
     * plugin's, which may be unloaded once this returns. */
    j->done(-ECANCELED, why, j->ud);
    if (unqueue(r, j)) {
      unlink_job(r, j);
      free_job(j);
    }
  }
}
