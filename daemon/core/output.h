/* Files written at a path a client names (pain.export_file): never one of
 * lumbard's own files, a directory, a device, a FIFO or a symbolic link;
 * written to a new file beside the target and renamed over it, so the
 * target is replaced whole or not at all. */
#ifndef LBD_OUTPUT_H
#define LBD_OUTPUT_H

#include <lumbard/plugin.h>
#include <stddef.h>

#include "core.h"

/* NULL with err saying why (in words for the person who named the path). */
lb_output *lbd_output_open(const lbd_core *d, const char *path, char *err, size_t errlen);
int lbd_output_fd(const lb_output *o);
/* Rename over the target (commit) or delete the temporary file. 0, or a
 * negative errno with err; o is freed either way. */
int lbd_output_close(lb_output *o, bool commit, char *err, size_t errlen);

#endif
