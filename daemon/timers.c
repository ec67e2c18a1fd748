#include "timers.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "util.h"

typedef struct timer {
  struct timer *next;
  uint64_t id;
  int64_t deadline_ms;
  lb_plugin *owner;
  lb_timer_fn fn;
  void *userdata;
} timer;

typedef struct clockq {
  lb_timers *t;
  lb_clock clock;
  int fd;
  uv_poll_t poll;
  timer *head; /* sorted by deadline, then by id (arming order) */
} clockq;

struct lb_timers {
  clockq q[2];
  uint64_t next_id;
  int open_handles;
  void (*clock_changed)(void *ud);
  void *ud;
};

/* A wall-clock timerfd with nothing due still waits here, so that it keeps
 * reporting clock changes (2100-01-01). */
#define FAR_FUTURE_MS 4102444800000LL

static clockid_t clock_id(lb_clock c) {
  return c == LB_CLOCK_WALL ? CLOCK_REALTIME : CLOCK_BOOTTIME;
}

int64_t lb_clock_now_ms(lb_clock clock) {
  struct timespec ts;
  clock_gettime(clock_id(clock), &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void arm(clockq *q) {
  struct itimerspec its = {0};
  int flags = TFD_TIMER_ABSTIME;
  int64_t ms = q->head ? q->head->deadline_ms : (q->clock == LB_CLOCK_WALL ? FAR_FUTURE_MS : 0);
  if (q->clock == LB_CLOCK_WALL)
    flags |= TFD_TIMER_CANCEL_ON_SET;
  if (q->head || q->clock == LB_CLOCK_WALL) {
    if (ms < 1)
      ms = 1; /* an all-zero it_value would disarm instead of firing now */
    its.it_value.tv_sec = ms / 1000;
    its.it_value.tv_nsec = (ms % 1000) * 1000000;
  }
  if (timerfd_settime(q->fd, flags, &its, NULL) < 0)
    lb_err("timerfd_settime: %s", strerror(errno));
}

static void on_readable(uv_poll_t *h, int status, int events) {
  clockq *q = h->data;
  (void)events;
  if (status < 0) {
    lb_err("timer poll: %s", uv_strerror(status));
    return;
  }
  uint64_t expirations;
  bool changed = false;
  if (read(q->fd, &expirations, sizeof(expirations)) < 0 && errno == ECANCELED)
    changed = true;

  int64_t now = lb_clock_now_ms(q->clock);
  /* Unlink before calling: the callback may arm or stop other timers. */
  while (q->head && q->head->deadline_ms <= now) {
    timer *t = q->head;
    q->head = t->next;
    t->fn(t->owner, t->id, t->userdata);
    free(t);
  }
  arm(q);
  if (changed && q->t->clock_changed)
    q->t->clock_changed(q->t->ud);
}

static void on_close(uv_handle_t *h) {
  clockq *q = h->data;
  lb_timers *t = q->t;
  close(q->fd);
  while (q->head) {
    timer *n = q->head->next;
    free(q->head);
    q->head = n;
  }
  if (--t->open_handles == 0)
    free(t);
}

lb_timers *lb_timers_new(uv_loop_t *loop, void (*clock_changed)(void *ud), void *ud,
                         int *ret_errno) {
  lb_timers *t = lb_xcalloc(1, sizeof(*t));
  t->next_id = 1;
  t->clock_changed = clock_changed;
  t->ud = ud;
  for (int i = 0; i < 2; i++) {
    clockq *q = &t->q[i];
    q->t = t;
    q->clock = (lb_clock)i;
    q->fd = timerfd_create(clock_id(q->clock), TFD_NONBLOCK | TFD_CLOEXEC);
    int r = q->fd < 0 ? -errno : uv_poll_init(loop, &q->poll, q->fd);
    if (r < 0) {
      *ret_errno = r;
      /* Undo the clock already set up; the struct is freed by its close. */
      if (q->fd >= 0)
        close(q->fd);
      if (i == 0) {
        free(t);
      } else {
        t->q[0].t = t;
        uv_close((uv_handle_t *)&t->q[0].poll, on_close);
      }
      return NULL;
    }
    q->poll.data = q;
    t->open_handles++;
    uv_poll_start(&q->poll, UV_READABLE, on_readable);
    arm(q);
  }
  return t;
}

void lb_timers_close(lb_timers *t) {
  if (!t)
    return;
  for (int i = 0; i < 2; i++)
    uv_close((uv_handle_t *)&t->q[i].poll, on_close);
}

uint64_t lb_timers_start(lb_timers *t, lb_clock clock, int64_t deadline_ms, lb_plugin *owner,
                         lb_timer_fn fn, void *userdata) {
  clockq *q = &t->q[clock == LB_CLOCK_WALL ? 1 : 0];
  timer *n = lb_xmalloc(sizeof(*n));
  *n = (timer){.id = t->next_id++,
               .deadline_ms = deadline_ms,
               .owner = owner,
               .fn = fn,
               .userdata = userdata};
  timer **p = &q->head;
  while (*p && (*p)->deadline_ms <= deadline_ms)
    p = &(*p)->next;
  n->next = *p;
  *p = n;
  if (q->head == n)
    arm(q);
  return n->id;
}

bool lb_timers_stop(lb_timers *t, lb_plugin *owner, uint64_t id) {
  for (int i = 0; i < 2; i++) {
    clockq *q = &t->q[i];
    for (timer **p = &q->head; *p; p = &(*p)->next) {
      if ((*p)->id != id || (*p)->owner != owner)
        continue;
      timer *gone = *p;
      bool was_head = gone == q->head;
      *p = gone->next;
      free(gone);
      if (was_head)
        arm(q);
      return true;
    }
  }
  return false;
}

void lb_timers_remove_owner(lb_timers *t, lb_plugin *owner) {
  for (int i = 0; i < 2; i++) {
    clockq *q = &t->q[i];
    timer *old_head = q->head;
    for (timer **p = &q->head; *p;) {
      if ((*p)->owner == owner) {
        timer *gone = *p;
        *p = gone->next;
        free(gone);
      } else {
        p = &(*p)->next;
      }
    }
    if (q->head != old_head)
      arm(q);
  }
}

size_t lb_timers_count(const lb_timers *t) {
  size_t n = 0;
  for (int i = 0; i < 2; i++)
    for (timer *p = t->q[i].head; p; p = p->next)
      n++;
  return n;
}
