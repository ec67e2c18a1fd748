/* writebehind.h — changes written once per loop turn, for in-tree plugins.
 *
 * A plugin notes the ids of the objects it changed (lb_writebehind_touch);
 * once the loop turn is over (a timer due now) its flush function gets them
 * all in one call, to write in one transaction: a burst of thousands of
 * changes costs one commit, not thousands. An id noted several times in a
 * row is passed once. Header-only, so each plugin keeps its own copy and
 * links against nothing. */
#ifndef LUMBARD_PLUGINS_WRITEBEHIND_H
#define LUMBARD_PLUGINS_WRITEBEHIND_H

#include <lumbard/plugin.h>
#include <stdlib.h>

#include "xalloc.h"

typedef struct lb_writebehind {
  const lb_host *host;
  lb_plugin *plugin;
  /* ids may be empty: a flush asked for without ids (lb_writebehind_want). */
  void (*flush)(const uint64_t *ids, size_t n);
  uint64_t *ids;
  size_t n, cap;
  uint64_t timer;
} lb_writebehind;

static inline void lb_writebehind_init(lb_writebehind *w, const lb_host *h, lb_plugin *p,
                                       void (*flush)(const uint64_t *ids, size_t n)) {
  *w = (lb_writebehind){.host = h, .plugin = p, .flush = flush};
}

/* Write now what waits (at shutdown, or from the timer). */
static inline void lb_writebehind_flush(lb_writebehind *w) {
  if (w->timer) {
    w->host->timer_stop(w->plugin, w->timer);
    w->timer = 0;
  }
  w->flush(w->ids, w->n);
  w->n = 0;
}

static inline void lb_writebehind_on_timer_(lb_plugin *p, uint64_t id, void *ud) {
  lb_writebehind *w = (lb_writebehind *)ud;
  (void)p, (void)id;
  w->timer = 0;
  lb_writebehind_flush(w);
}

/* A flush after this loop turn, even with no id noted. */
static inline void lb_writebehind_want(lb_writebehind *w) {
  if (!w->timer)
    w->timer =
        w->host->timer_start(w->plugin, LB_CLOCK_MONOTONIC, w->host->now_ms(LB_CLOCK_MONOTONIC),
                             lb_writebehind_on_timer_, w);
}

static inline void lb_writebehind_touch(lb_writebehind *w, uint64_t id) {
  /* the common case: several changes to one object in a row */
  for (size_t i = w->n; i-- > 0 && i + 64 > w->n;)
    if (w->ids[i] == id)
      return;
  if (w->n == w->cap) {
    w->cap = w->cap ? w->cap * 2 : 64;
    uint64_t *ids = (uint64_t *)lbp_xrealloc(w->ids, w->cap * sizeof(*ids));
    if (!ids)
      abort(); /* as the daemon does when memory runs out */
    w->ids = ids;
  }
  w->ids[w->n++] = id;
  lb_writebehind_want(w);
}

static inline void lb_writebehind_free(lb_writebehind *w) {
  free(w->ids);
  w->ids = NULL;
  w->n = w->cap = 0;
}

#endif
