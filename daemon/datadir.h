/* The data directory: lumbard's alone (owned by the user, writable by no
 * one else) and one daemon's at a time (a lock held for the daemon's life). */
#ifndef LBD_DATADIR_H
#define LBD_DATADIR_H

#include <stddef.h>

/* Create dir when missing, check it, and take its lock (the file
 * dir/lumbard.lock, which names the holder: its pid and socket). Returns the
 * lock's descriptor, to keep open until exit, or a negative errno with err
 * saying what to do: -EBUSY when another daemon holds it. */
int lbd_datadir_lock(const char *dir, const char *socket_path, char *err, size_t errlen);
/* Release it at exit (accepts -1). */
void lbd_datadir_unlock(int fd);

#endif
