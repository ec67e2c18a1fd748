/* One-shot timers at absolute deadlines, precise to the timerfd's slack
 * (~50 us) instead of the poll timeout's (~0.1% of the wait). One timerfd per
 * clock holds the earliest deadline; a uv_poll_t watches it. The wall clock's
 * timerfd also reports when the clock is set, so calendar schedules can be
 * recomputed. */
#ifndef LBD_TIMERS_H
#define LBD_TIMERS_H

#include <lumbard/plugin.h>
#include <stdbool.h>
#include <stdint.h>
#include <uv.h>

typedef struct lbd_timers lbd_timers;

/* Returns NULL and sets *ret_errno when a timerfd cannot be made. */
lbd_timers *lbd_timers_new(uv_loop_t *loop, void (*clock_changed)(void *ud), void *ud,
                           int *ret_errno);
/* Closes the handles; the struct is freed in their close callbacks. */
void lbd_timers_close(lbd_timers *t);

/* owner: the plugin that armed the timer (NULL for the core); fn gets it. */
uint64_t lbd_timers_start(lbd_timers *t, lb_clock clock, int64_t deadline_ms, lb_plugin *owner,
                          lb_timer_fn fn, void *userdata);
/* Only owner's timer of that id; false when none (already fired). */
bool lbd_timers_stop(lbd_timers *t, lb_plugin *owner, uint64_t id);
void lbd_timers_remove_owner(lbd_timers *t, lb_plugin *owner);
size_t lbd_timers_count(const lbd_timers *t);
/* A test seam: move the daemon's wall clock by delta_ms, as if the clock
 * had been set (timers re-armed, plugins told). Only reachable when the
 * daemon runs with LUMBARD_TEST_SEAMS=1. */
void lbd_timers_shift_wall(lbd_timers *t, int64_t delta_ms);
/* Report changes of dir/localtime (the local time zone) through the
 * clock-changed callback too. dir is "/etc" outside tests. */
void lbd_timers_watch_zone(lbd_timers *t, uv_loop_t *loop, const char *dir);

int64_t lbd_clock_now_ms(lb_clock clock);

#endif
