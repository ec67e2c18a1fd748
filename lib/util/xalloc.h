/* The one allocation kit of lumbard: the daemon, the bundled plugins and
 * lumbar-notify allocate through it (the plugins link lumbard_util; an
 * out-of-tree plugin brings its own). */
#ifndef LBU_XALLOC_H
#define LBU_XALLOC_H

#include <stddef.h>

/* Allocation failure in a small daemon is not an input error: there is no
 * sensible way on, so these say so on stderr and abort. Input from clients,
 * files and the bus is never handled this way: only a failed allocation is. */
void *lbu_xmalloc(size_t n);
void *lbu_xcalloc(size_t n, size_t size);
void *lbu_xrealloc(void *p, size_t n);
char *lbu_xstrdup(const char *s);
char *lbu_xstrndup(const char *s, size_t n);
char *lbu_xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
