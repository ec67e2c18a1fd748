#include "store.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "util.h"

struct lb_store {
  sqlite3 *db;
  char *path;
};

static int exec(sqlite3 *db, const char *sql, char *err, size_t errlen) {
  char *msg = NULL;
  if (sqlite3_exec(db, sql, NULL, NULL, &msg) == SQLITE_OK)
    return 0;
  snprintf(err, errlen, "%s", msg ? msg : sqlite3_errmsg(db));
  sqlite3_free(msg);
  return -EIO;
}

lb_store *lb_store_open(const char *path, char *err, size_t errlen) {
  lb_store *s = lb_xcalloc(1, sizeof(*s));
  s->path = lb_xstrdup(path);
  char why[512];
  /* Only the loop thread touches the database: no mutexes needed. */
  int rc = sqlite3_open_v2(path, &s->db,
                           SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
  if (rc != SQLITE_OK) {
    snprintf(err, errlen, "cannot open the database %s: %s", path,
             s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc));
    goto fail;
  }
  sqlite3_extended_result_codes(s->db, 1);
  sqlite3_busy_timeout(s->db, 2000);
  /* WAL: readers never block the writer. synchronous=FULL: a commit is on
   * disk when it returns, which pain.log promises its caller. */
  if (exec(s->db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;", why,
           sizeof(why)) < 0 ||
      exec(s->db,
           "CREATE TABLE IF NOT EXISTS lb_schema ("
           "  owner TEXT PRIMARY KEY NOT NULL,"
           "  version INTEGER NOT NULL,"
           "  updated_at INTEGER NOT NULL)",
           why, sizeof(why)) < 0) {
    snprintf(err, errlen,
             "cannot use the database %s: %s; if it is damaged, move it aside and start again",
             path, why);
    goto fail;
  }
  return s;
fail:
  lb_store_close(s);
  return NULL;
}

void lb_store_close(lb_store *s) {
  if (!s)
    return;
  if (s->db && sqlite3_close(s->db) != SQLITE_OK)
    lb_warn("closing the database %s: %s", s->path, sqlite3_errmsg(s->db));
  free(s->path);
  free(s);
}

sqlite3 *lb_store_db(lb_store *s) {
  return s->db;
}
const char *lb_store_path(const lb_store *s) {
  return s->path;
}

int lb_store_schema_version(lb_store *s, const char *owner) {
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

int lb_store_migrate(lb_store *s, const char *owner, const char *const *steps, char *err,
                     size_t errlen) {
  int n = 0;
  while (steps && steps[n])
    n++;
  char why[512];
  if (exec(s->db, "BEGIN IMMEDIATE", why, sizeof(why)) < 0) {
    snprintf(err, errlen, "cannot start a transaction: %s", why);
    return -EIO;
  }
  int have = lb_store_schema_version(s, owner);
  if (have < 0) {
    snprintf(err, errlen, "cannot read the schema version: %s", sqlite3_errmsg(s->db));
    goto rollback;
  }
  if (have > n) {
    snprintf(err, errlen,
             "the database %s holds %s's tables at schema version %d, newer than this version "
             "knows (%d): it was written by a newer lumbard; run that one, or move the database "
             "aside",
             s->path, owner, have, n);
    exec(s->db, "ROLLBACK", why, sizeof(why));
    return -EPROTO;
  }
  if (have == n) {
    exec(s->db, "ROLLBACK", why, sizeof(why));
    return 0;
  }
  for (int i = have; i < n; i++)
    if (exec(s->db, steps[i], why, sizeof(why)) < 0) {
      snprintf(err, errlen, "schema step %d of %s failed: %s", i + 1, owner, why);
      goto rollback;
    }
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(s->db,
                         "INSERT INTO lb_schema(owner, version, updated_at) VALUES(?, ?, "
                         "strftime('%s','now')) ON CONFLICT(owner) DO UPDATE SET "
                         "version = excluded.version, updated_at = excluded.updated_at",
                         -1, &st, NULL) != SQLITE_OK) {
    snprintf(err, errlen, "cannot record the schema version: %s", sqlite3_errmsg(s->db));
    goto rollback;
  }
  sqlite3_bind_text(st, 1, owner, -1, SQLITE_STATIC);
  sqlite3_bind_int(st, 2, n);
  int rc = sqlite3_step(st);
  sqlite3_finalize(st);
  if (rc != SQLITE_DONE) {
    snprintf(err, errlen, "cannot record the schema version: %s", sqlite3_errmsg(s->db));
    goto rollback;
  }
  if (exec(s->db, "COMMIT", why, sizeof(why)) < 0) {
    snprintf(err, errlen, "cannot commit the schema of %s: %s", owner, why);
    goto rollback;
  }
  if (have > 0)
    lb_info("database: %s schema upgraded from version %d to %d", owner, have, n);
  return 0;
rollback:
  exec(s->db, "ROLLBACK", why, sizeof(why));
  return -EIO;
}
