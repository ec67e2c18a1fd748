/* xalloc.h — allocation for in-tree plugins, as the daemon does it: running
 * out of memory in a small daemon is not an input error and there is no
 * sensible way on, so these say so on stderr (journald's "crit" priority)
 * and abort. Input from clients, files and the bus is never handled this
 * way: only a failed allocation is. Header-only. */
#ifndef LUMBARD_PLUGINS_XALLOC_H
#define LUMBARD_PLUGINS_XALLOC_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static inline void *lbp_checked(void *p) {
  if (!p) {
    fputs("<2>lumbard: a plugin ran out of memory\n", stderr);
    abort();
  }
  return p;
}

static inline void *lbp_xmalloc(size_t n) {
  return lbp_checked(malloc(n ? n : 1));
}
static inline void *lbp_xcalloc(size_t n, size_t size) {
  return lbp_checked(calloc(n ? n : 1, size ? size : 1));
}
static inline void *lbp_xrealloc(void *p, size_t n) {
  return lbp_checked(realloc(p, n ? n : 1));
}
static inline char *lbp_xstrdup(const char *s) {
  return (char *)lbp_checked(strdup(s));
}

#endif
