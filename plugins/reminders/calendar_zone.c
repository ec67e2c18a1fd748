/* Evaluating in a named zone through TZ and tzset(3), as glibc offers it (see calendar_zone.h). */
#include "calendar_zone.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int lb_calendar_tz_enter(lb_calendar_tz_guard *g, const char *name) {
  *g = (lb_calendar_tz_guard){.names = {tzname[0], tzname[1]}};
  if (name) {
    const char *old = getenv("TZ");
    char *want;
    if (asprintf(&want, ":%s", name) < 0)
      return -ENOMEM;
    if (!old || strcmp(old, want) != 0) {
      if (old && !(g->saved = strdup(old))) {
        free(want);
        return -ENOMEM;
      }
      if (setenv("TZ", want, 1) < 0) {
        int r = -errno;
        free(want);
        free(g->saved);
        g->saved = NULL;
        return r;
      }
      g->switched = true;
    }
    free(want);
  }
  tzset();
  return 0;
}

void lb_calendar_tz_leave(lb_calendar_tz_guard *g) {
  if (!g->switched)
    return;
  if (g->saved)
    setenv("TZ", g->saved, 1);
  else
    unsetenv("TZ");
  free(g->saved);
  tzset();
  /* glibc keeps every zone name it made for the life of the process: the old ones still point
   * somewhere valid. */
  tzname[0] = g->names[0];
  tzname[1] = g->names[1];
  *g = (lb_calendar_tz_guard){0};
}
