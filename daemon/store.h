/* The one SQLite database (WAL, synchronous=FULL), shared by the core and the
 * plugins, with a schema version recorded per owner. */
#ifndef LB_STORE_H
#define LB_STORE_H

#include <sqlite3.h>
#include <stddef.h>

typedef struct lb_store lb_store;

lb_store *lb_store_open(const char *path, char *err, size_t errlen);
void lb_store_close(lb_store *s); /* accepts NULL */
sqlite3 *lb_store_db(lb_store *s);
const char *lb_store_path(const lb_store *s);

/* The recorded schema version of owner (0: none yet), or a negative errno. */
int lb_store_schema_version(lb_store *s, const char *owner);
/* Apply steps[version..] in one transaction and record the new version.
 * -EPROTO when the recorded version is newer than the steps know. */
int lb_store_migrate(lb_store *s, const char *owner, const char *const *steps, char *err,
                     size_t errlen);

#endif
