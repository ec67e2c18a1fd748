/* Long reads off the loop: a read of the database that may take long (a
 * whole diary's export, all-history statistics) runs on a reader thread
 * of its own (store_read.c says why not libuv's pool), on a connection of its own to the WAL
 * database, inside one read transaction (a consistent snapshot while writes go on); its outcome is
 * heard on the loop. The loop thread never waits for one, but when the plugin that asked goes away:
 * its reads are interrupted and waited for.
 *
 * Why threads and not slices of the loop: an aggregate (count, avg, GROUP
 * BY) computes its whole answer in its first sqlite3_step, which no slicing
 * can cut; a worker keeps the reads' SQL and answers exactly as they were,
 * and the snapshot is consistent where slices would see writes land between
 * them. */
#ifndef LBD_STORE_READ_H
#define LBD_STORE_READ_H

#include <sqlite3.h>
#include <stdbool.h>
#include <uv.h>

#include "store.h"

typedef struct lbd_store_reads lbd_store_reads;

/* Runs on a worker thread: it may use db (read-only) and ud, and nothing of
 * the loop's. Returns SQLITE_OK, or the code of the call that failed. */
typedef int (*lbd_store_read_fn)(sqlite3 *db, void *ud);
/* On the loop: 0, or a negative errno with error saying why in words for a
 * person. */
typedef void (*lbd_store_read_done_fn)(int result, const char *error, void *ud);

lbd_store_reads *lbd_store_reads_new(uv_loop_t *loop, lbd_store *store);
/* When the daemon stops, after every owner's reads were forgotten: the
 * reader threads end, the loop's handle closes; a read asked for later
 * hears -ECANCELED at once. Accepts NULL. */
void lbd_store_reads_close(lbd_store_reads *r);
/* Once every read is done (the loop has run dry); closes the connections.
 * Accepts NULL. */
void lbd_store_reads_free(lbd_store_reads *r);

/* Queue a read for owner; done is called exactly once, on the loop. */
void lbd_store_read(lbd_store_reads *r, void *owner, lbd_store_read_fn read,
                    lbd_store_read_done_fn done, void *ud);
/* owner is going: its reads not started are dropped, those running are
 * interrupted (sqlite3_interrupt) and waited for, and the done of each is
 * called now, with -ECANCELED and why: once this returns, nothing of
 * owner's runs again. */
void lbd_store_reads_forget(lbd_store_reads *r, void *owner, const char *why);

#endif
