#include "log.h"

#include <stdio.h>

static int max_level = LB_INFO;

void lb_log_set_max_level(int level) {
  max_level = level;
}
int lb_log_max_level(void) {
  return max_level;
}

void lb_logv(int level, const char *who, const char *fmt, va_list ap) {
  if (level > max_level)
    return;
  /* One fprintf per line keeps lines whole when stderr is shared. */
  char line[2048];
  vsnprintf(line, sizeof(line), fmt, ap);
  if (who)
    fprintf(stderr, "<%d>%s: %s\n", level, who, line);
  else
    fprintf(stderr, "<%d>%s\n", level, line);
}

void lb_log(int level, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  lb_logv(level, NULL, fmt, ap);
  va_end(ap);
}
