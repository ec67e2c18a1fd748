#include "log.h"

#include <stdio.h>

static int max_level = LBU_INFO;

void lbu_log_set_max_level(int level) {
  max_level = level;
}
int lbu_log_max_level(void) {
  return max_level;
}

void lbu_logv(int level, const char *who, const char *fmt, va_list ap) {
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

void lbu_log(int level, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  lbu_logv(level, NULL, fmt, ap);
  va_end(ap);
}
