/* The one SQLite database (WAL, synchronous=FULL), shared by the core and the
 * plugins, with a schema version recorded per owner.
 *
 * Every write goes through the store, in a transaction the store begins and
 * always ends (commit, or rollback of that transaction alone). Writes run in
 * the order they were asked for. When another program holds the database's
 * write lock, a write waits a few milliseconds at most, then the queue is
 * retried from a timer with backoff: the loop never stalls on a lock. A
 * write-behind object's changes are retried until they land, never dropped;
 * a durable write gives up after LBD_STORE_DURABLE_WAIT_MS and says so. */
#ifndef LBD_STORE_H
#define LBD_STORE_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <uv.h>

/* How long one statement waits for another program's lock, inside the loop. */
#define LBD_STORE_BUSY_MS 3
/* How long a durable write waits, in the queue, for a lock to go. */
#define LBD_STORE_DURABLE_WAIT_MS 10000
/* At a stop, how long the writes still queued may wait for a lock. */
#define LBD_STORE_STOP_WAIT_MS 5000

typedef struct lbd_store lbd_store;
typedef struct lbd_store_behind lbd_store_behind;

/* Opens (or creates) the database without following a symbolic link at
 * path. A database that cannot be written (a read-only file or file system)
 * or is not a database is an error here, with err saying what to do. */
lbd_store *lbd_store_open(const char *path, char *err, size_t errlen);
/* Retries run on loop's timers: without a loop (unit tests) a locked write
 * fails at once. */
void lbd_store_attach(lbd_store *s, uv_loop_t *loop);
/* Closes the retry timer (its close callback runs in the loop); writes
 * still queued are run with the stop's wait, then answered. */
void lbd_store_detach(lbd_store *s);
void lbd_store_close(lbd_store *s); /* accepts NULL; after detach and the loop's last turn */
sqlite3 *lbd_store_db(lbd_store *s);
const char *lbd_store_path(const lbd_store *s);

/* Words for a person about a failed SQLite call (the code it returned):
 * what happened and what to do. A damaged database is logged (once) too. */
const char *lbd_store_explain(lbd_store *s, int sqlite_rc, char *buf, size_t len);
/* The same, with SQLite's own message from the connection that failed. */
const char *lbd_store_explain_msg(lbd_store *s, int sqlite_rc, const char *msg, char *buf,
                                  size_t len);
/* "ok", or what is wrong in a few words (damaged; locked, with writes waiting). */
void lbd_store_state(const lbd_store *s, char *buf, size_t len);

/* The recorded schema version of owner (0: none yet), or a negative errno. */
int lbd_store_schema_version(lbd_store *s, const char *owner);
/* Apply steps[version..] in one transaction and record the new version.
 * -EPROTO when the recorded version is newer than the steps know. */
int lbd_store_migrate(lbd_store *s, const char *owner, const char *const *steps, char *err,
                      size_t errlen);

/* ---- writes ---- */

/* Runs inside the transaction: returns SQLITE_OK to commit, or the code of
 * the call that failed (the transaction is rolled back; SQLITE_BUSY and
 * SQLITE_LOCKED are retried later). May run more than once for one write
 * (after a lock), so it reads what it writes from its userdata or from
 * memory as it is at that moment. */
typedef int (*lbd_store_write_fn)(sqlite3 *db, void *ud);
/* The outcome: 0 (committed, on disk) or a negative errno with error saying
 * why in words for a person (nothing of the write is in the database). */
typedef void (*lbd_store_done_fn)(int result, const char *error, void *ud);

/* Queue a durable write. done is called exactly once, on a later loop turn
 * (never inside this call): the durable writes of one loop turn share one
 * transaction and one fsync (group commit). owner tags the write for
 * lbd_store_drain. Without a loop (lbd_store_attach) it runs, and done is
 * called, at once. */
void lbd_store_write(lbd_store *s, void *owner, lbd_store_write_fn write, lbd_store_done_fn done,
                     void *ud);

/* Write-behind: an object's ids are noted as they change (touch); after the
 * loop turn, save() writes every id noted since the last save that landed,
 * in one transaction. A save that fails keeps its ids and is tried again
 * (soon after a lock, with backoff after other errors), never dropped;
 * saved(), when not NULL, hears the outcome of every attempt. */
typedef int (*lbd_store_save_fn)(sqlite3 *db, const uint64_t *ids, size_t n, void *ud);
lbd_store_behind *lbd_store_behind_new(lbd_store *s, void *owner, lbd_store_save_fn save,
                                       lbd_store_done_fn saved, void *ud);
/* id 0 notes nothing but still asks for a save. */
void lbd_store_behind_touch(lbd_store_behind *b, uint64_t id);
size_t lbd_store_behind_pending(const lbd_store_behind *b);
void lbd_store_behind_free(lbd_store_behind *b); /* accepts NULL; drops what is noted */

/* Run now the queued writes of owner (NULL: all), letting each wait up to
 * wait_ms for a lock; what still fails is answered (durable) or logged as
 * lost (write-behind). Used when a plugin unloads and at a stop. */
void lbd_store_drain(lbd_store *s, void *owner, int wait_ms);

#endif
