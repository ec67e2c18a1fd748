/* db.h — small SQLite helpers for in-tree plugins, used inside the host's
 * transactions (lb_host.db_write, db_save_behind). Header-only. */
#ifndef LUMBARD_PLUGINS_DB_H
#define LUMBARD_PLUGINS_DB_H

#include <sqlite3.h>

/* Step a statement that returns no row: SQLITE_OK, or the code of its
 * failure (what the host's write function returns). */
static inline int lbp_step(sqlite3 *db, sqlite3_stmt *st) {
  return sqlite3_step(st) == SQLITE_DONE ? SQLITE_OK : sqlite3_extended_errcode(db);
}

/* A statement run often (once per entry of a burst that shares one
 * transaction), prepared the first time and reset after: *st is the
 * plugin's to finalize at shutdown. */
static inline int lbp_prepared(sqlite3 *db, sqlite3_stmt **st, const char *sql) {
  if (*st) {
    sqlite3_reset(*st);
    return SQLITE_OK;
  }
  return sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, st, NULL);
}

#endif
