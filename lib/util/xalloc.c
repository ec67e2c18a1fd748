#include "xalloc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Straight to stderr at journald's "crit" priority: nothing else can be
 * relied on once memory has run out, and a plugin links this kit too. */
static void *check(void *p) {
  if (!p) {
    static const char line[] = "<2>lumbard: out of memory\n";
    if (write(STDERR_FILENO, line, sizeof(line) - 1) < 0) {
      /* nothing more to try */
    }
    abort();
  }
  return p;
}

void *lbu_xmalloc(size_t n) {
  return check(malloc(n ? n : 1));
}
void *lbu_xcalloc(size_t n, size_t size) {
  return check(calloc(n ? n : 1, size ? size : 1));
}
void *lbu_xrealloc(void *p, size_t n) {
  return check(realloc(p, n ? n : 1));
}
char *lbu_xstrdup(const char *s) {
  return check(strdup(s));
}
char *lbu_xstrndup(const char *s, size_t n) {
  return check(strndup(s, n));
}

char *lbu_xasprintf(const char *fmt, ...) {
  va_list ap;
  char *s = NULL;
  va_start(ap, fmt);
  int n = vasprintf(&s, fmt, ap);
  va_end(ap);
  return check(n < 0 ? NULL : s);
}
