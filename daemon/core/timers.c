#include "timers.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "util.h"

/* Per clock a binary min-heap on (deadline, id), so that equal deadlines
 * fire in the order they were armed; an open-addressing table maps ids to
 * timers for O(log n) stops. Thousands of concurrent rests stay cheap. */
typedef struct timer {
  uint64_t id;
  int64_t deadline_ms;
  lb_plugin *owner;
  lb_timer_fn fn;
  void *userdata;
  size_t heap_index;
  int clock;
} timer;

typedef struct clockq {
  lbd_timers *t;
  lb_clock clock;
  int fd;
  uv_poll_t poll;
  timer **heap;
  size_t n, cap;
  int64_t armed_ms; /* what the timerfd holds; INT64_MIN when unknown */
} clockq;

struct lbd_timers {
  clockq q[2];
  /* The local time zone: dir/localtime watched by name (see zone_arm). */
  int zone_fd; /* inotify */
  uv_poll_t zone_poll;
  uv_timer_t zone_settle; /* one notice for the burst of events a change makes */
  char *zone_dir;
  int wd_link, wd_file, wd_dir; /* -1: none */
  bool watching_zone;
  uint64_t next_id;
  int open_handles;
  void (*clock_changed)(void *ud);
  void *ud;
  /* id -> timer, linear probing; slots hold NULL or a timer */
  timer **slots;
  size_t n_slots, n_used;
};

/* A wall-clock timerfd with nothing due still waits here, so that it keeps
 * reporting clock changes (2100-01-01). */
#define FAR_FUTURE_MS 4102444800000LL

static clockid_t clock_id(lb_clock c) {
  return c == LB_CLOCK_WALL ? CLOCK_REALTIME : CLOCK_BOOTTIME;
}

/* The test seam: how far the daemon's wall clock is from the kernel's. Zero
 * unless a test shifted it (lbd_timers_shift_wall). */
static int64_t wall_offset_ms;

int64_t lbd_clock_now_ms(lb_clock clock) {
  struct timespec ts;
  clock_gettime(clock_id(clock), &ts);
  int64_t ms = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
  return clock == LB_CLOCK_WALL ? ms + wall_offset_ms : ms;
}

/* ---- id table ---------------------------------------------------------------- */

static size_t slot_of(const lbd_timers *t, uint64_t id) {
  /* Fibonacci hashing spreads sequential ids */
  return (size_t)((id * 11400714819323198485ull) >> 20) & (t->n_slots - 1);
}

static void table_put(lbd_timers *t, timer *tm);

static void table_grow(lbd_timers *t) {
  timer **old = t->slots;
  size_t n_old = t->n_slots;
  t->n_slots = n_old ? n_old * 2 : 64;
  t->slots = lbu_xcalloc(t->n_slots, sizeof(timer *));
  t->n_used = 0;
  for (size_t i = 0; i < n_old; i++)
    if (old[i])
      table_put(t, old[i]);
  free(old);
}

static void table_put(lbd_timers *t, timer *tm) {
  if ((t->n_used + 1) * 4 > t->n_slots * 3)
    table_grow(t);
  size_t i = slot_of(t, tm->id);
  while (t->slots[i])
    i = (i + 1) & (t->n_slots - 1);
  t->slots[i] = tm;
  t->n_used++;
}

static timer *table_get(const lbd_timers *t, uint64_t id) {
  if (!t->n_slots)
    return NULL;
  for (size_t i = slot_of(t, id); t->slots[i]; i = (i + 1) & (t->n_slots - 1))
    if (t->slots[i]->id == id)
      return t->slots[i];
  return NULL;
}

/* Backward-shift deletion keeps probe chains whole without tombstones. */
static void table_del(lbd_timers *t, uint64_t id) {
  size_t mask = t->n_slots - 1, i = slot_of(t, id);
  while (t->slots[i] && t->slots[i]->id != id)
    i = (i + 1) & mask;
  if (!t->slots[i])
    return;
  t->slots[i] = NULL;
  t->n_used--;
  for (size_t j = (i + 1) & mask; t->slots[j]; j = (j + 1) & mask) {
    size_t home = slot_of(t, t->slots[j]->id);
    /* move j back to i if its home is not in (i, j] */
    if ((j > i && (home <= i || home > j)) || (j < i && home <= i && home > j)) {
      t->slots[i] = t->slots[j];
      t->slots[j] = NULL;
      i = j;
    }
  }
}

/* ---- heap ------------------------------------------------------------------------- */

static bool before(const timer *a, const timer *b) {
  return a->deadline_ms < b->deadline_ms || (a->deadline_ms == b->deadline_ms && a->id < b->id);
}

static void heap_set(clockq *q, size_t i, timer *tm) {
  q->heap[i] = tm;
  tm->heap_index = i;
}

static void sift_up(clockq *q, size_t i) {
  timer *tm = q->heap[i];
  while (i > 0 && before(tm, q->heap[(i - 1) / 2])) {
    heap_set(q, i, q->heap[(i - 1) / 2]);
    i = (i - 1) / 2;
  }
  heap_set(q, i, tm);
}

static void sift_down(clockq *q, size_t i) {
  timer *tm = q->heap[i];
  for (;;) {
    size_t c = 2 * i + 1;
    if (c >= q->n)
      break;
    if (c + 1 < q->n && before(q->heap[c + 1], q->heap[c]))
      c++;
    if (!before(q->heap[c], tm))
      break;
    heap_set(q, i, q->heap[c]);
    i = c;
  }
  heap_set(q, i, tm);
}

static void heap_push(clockq *q, timer *tm) {
  if (q->n == q->cap) {
    q->cap = q->cap ? q->cap * 2 : 16;
    q->heap = lbu_xrealloc(q->heap, q->cap * sizeof(timer *));
  }
  heap_set(q, q->n++, tm);
  sift_up(q, q->n - 1);
}

static void heap_remove(clockq *q, size_t i) {
  timer *last = q->heap[--q->n];
  if (i == q->n)
    return;
  heap_set(q, i, last);
  sift_up(q, i);
  sift_down(q, last->heap_index);
}

/* ---- the timerfds ---------------------------------------------------------------- */

static void arm(clockq *q) {
  int64_t ms = q->n ? q->heap[0]->deadline_ms : (q->clock == LB_CLOCK_WALL ? FAR_FUTURE_MS : 0);
  if (ms == q->armed_ms)
    return; /* the common case when a later timer is added */
  q->armed_ms = ms;
  if (q->clock == LB_CLOCK_WALL && q->n)
    ms -= wall_offset_ms; /* the kernel's clock, not the shifted one */
  struct itimerspec its = {0};
  int flags = TFD_TIMER_ABSTIME;
  if (q->clock == LB_CLOCK_WALL)
    flags |= TFD_TIMER_CANCEL_ON_SET;
  if (q->n || q->clock == LB_CLOCK_WALL) {
    int64_t v = ms < 1 ? 1 : ms; /* an all-zero it_value would disarm instead of firing now */
    its.it_value.tv_sec = v / 1000;
    its.it_value.tv_nsec = (v % 1000) * 1000000;
  }
  if (timerfd_settime(q->fd, flags, &its, NULL) < 0)
    lbu_err("timerfd_settime: %s", strerror(errno));
}

static void on_readable(uv_poll_t *h, int status, int events) {
  clockq *q = h->data;
  lbd_timers *t = q->t;
  (void)events;
  if (status < 0) {
    lbu_err("timer poll: %s", uv_strerror(status));
    return;
  }
  uint64_t expirations;
  bool changed = false;
  if (read(q->fd, &expirations, sizeof(expirations)) < 0 && errno == ECANCELED)
    changed = true;
  q->armed_ms = INT64_MIN; /* fired or cancelled: re-arm below whatever comes */

  int64_t now = lbd_clock_now_ms(q->clock);
  /* Take each timer out before its callback, which may arm or stop others.
   * At most a batch per turn: after a long suspend or a clock jump thousands
   * may be due at once, and clients must not wait for all of them; the
   * timerfd, re-armed in the past, brings the rest on the next turn. */
  int batch = 256;
  while (q->n && q->heap[0]->deadline_ms <= now && batch-- > 0) {
    timer *tm = q->heap[0];
    heap_remove(q, 0);
    table_del(t, tm->id);
    tm->fn(tm->owner, tm->id, tm->userdata);
    free(tm);
  }
  arm(q);
  if (changed && t->clock_changed)
    t->clock_changed(t->ud);
}

static void free_all(lbd_timers *t) {
  for (int i = 0; i < 2; i++) {
    for (size_t k = 0; k < t->q[i].n; k++)
      free(t->q[i].heap[k]);
    free(t->q[i].heap);
  }
  free(t->slots);
  free(t);
}

static void on_close(uv_handle_t *h) {
  lbd_timers *t;
  if (h->type == UV_POLL) {
    clockq *q = h->data;
    t = q->t;
    close(q->fd);
  } else {
    t = h->data;
  }
  if (--t->open_handles == 0)
    free_all(t);
}

static void on_zone_close(uv_handle_t *h) {
  lbd_timers *t = h->data;
  close(t->zone_fd);
  free(t->zone_dir);
  if (--t->open_handles == 0)
    free_all(t);
}

static void zone_arm(lbd_timers *t);

/* The local time zone changed (timedatectl set-timezone replaces the
 * /etc/localtime link). glibc reads the zone file once and tzset() does not
 * read it again while TZ is unset and unchanged, so flip TZ to make it. */
static void zone_settled(uv_timer_t *h) {
  lbd_timers *t = h->data;
  zone_arm(t); /* the new link, the file it names */
  const char *tz = getenv("TZ");
  if (!tz) {
    setenv("TZ", "UTC0", 1);
    tzset();
    unsetenv("TZ");
    tzset();
  }
  lbu_debug("the local time zone changed");
  if (t->clock_changed)
    t->clock_changed(t->ud);
}

/* What can change the local time is dir/localtime (/etc/localtime): the
 * link or file replaced (timedatectl set-timezone renames a new link over
 * it), the file written, or the zone file the link names replaced (a tzdata
 * update). Each is watched by name, not through the directory: /etc
 * changes all day (passwd, group, shadow rewritten on every account change)
 * and each of those would wake the loop. Only while there is no localtime
 * (the zone is then UTC) is the directory watched, for its coming. */
static void zone_arm(lbd_timers *t) {
  int *wds[] = {&t->wd_link, &t->wd_file, &t->wd_dir};
  for (size_t i = 0; i < sizeof(wds) / sizeof(wds[0]); i++) {
    if (*wds[i] >= 0)
      inotify_rm_watch(t->zone_fd, *wds[i]); /* gone already (IN_IGNORED): EINVAL */
    *wds[i] = -1;
  }
  char path[PATH_MAX];
  snprintf(path, sizeof(path), "%s/localtime", t->zone_dir);
  t->wd_link = inotify_add_watch(t->zone_fd, path,
                                 IN_DONT_FOLLOW | IN_ATTRIB | IN_MODIFY | IN_CLOSE_WRITE |
                                     IN_DELETE_SELF | IN_MOVE_SELF);
  if (t->wd_link < 0) {
    t->wd_dir = inotify_add_watch(t->zone_fd, t->zone_dir, IN_ONLYDIR | IN_CREATE | IN_MOVED_TO);
    if (t->wd_dir < 0)
      lbu_debug("cannot watch %s for time-zone changes: %s", t->zone_dir, strerror(errno));
    return;
  }
  /* the zone file the link names (the same watch when localtime is a file) */
  t->wd_file = inotify_add_watch(t->zone_fd, path,
                                 IN_MASK_ADD | IN_MODIFY | IN_CLOSE_WRITE | IN_ATTRIB |
                                     IN_DELETE_SELF | IN_MOVE_SELF);
}

static void on_zone_readable(uv_poll_t *h, int status, int events) {
  lbd_timers *t = h->data;
  (void)events;
  if (status < 0)
    return;
  char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
  bool changed = false;
  for (;;) {
    ssize_t n = read(t->zone_fd, buf, sizeof(buf));
    if (n <= 0)
      break; /* EAGAIN: all read */
    for (char *p = buf; p < buf + n;) {
      const struct inotify_event *ev = (const struct inotify_event *)p;
      p += sizeof(*ev) + ev->len;
      if (ev->wd == t->wd_dir && !(ev->mask & IN_Q_OVERFLOW))
        changed |= ev->len && strcmp(ev->name, "localtime") == 0;
      else if (!(ev->mask & IN_IGNORED))
        changed = true; /* ours, or events were lost (IN_Q_OVERFLOW): maybe ours */
    }
  }
  if (changed)
    uv_timer_start(&t->zone_settle, zone_settled, 200, 0);
}

lbd_timers *lbd_timers_new(uv_loop_t *loop, void (*clock_changed)(void *ud), void *ud,
                           int *ret_errno) {
  lbd_timers *t = lbu_xcalloc(1, sizeof(*t));
  t->next_id = 1;
  t->clock_changed = clock_changed;
  t->ud = ud;
  for (int i = 0; i < 2; i++) {
    clockq *q = &t->q[i];
    q->t = t;
    q->clock = (lb_clock)i;
    q->armed_ms = INT64_MIN;
    q->fd = timerfd_create(clock_id(q->clock), TFD_NONBLOCK | TFD_CLOEXEC);
    int r = q->fd < 0 ? -errno : uv_poll_init(loop, &q->poll, q->fd);
    if (r < 0) {
      *ret_errno = r;
      if (q->fd >= 0)
        close(q->fd);
      if (i == 0)
        free_all(t);
      else
        uv_close((uv_handle_t *)&t->q[0].poll, on_close); /* frees t */
      return NULL;
    }
    q->poll.data = q;
    t->open_handles++;
    uv_poll_start(&q->poll, UV_READABLE, on_readable);
    arm(q);
  }
  return t;
}

void lbd_timers_close(lbd_timers *t) {
  if (!t)
    return;
  for (int i = 0; i < 2; i++)
    uv_close((uv_handle_t *)&t->q[i].poll, on_close);
  if (t->watching_zone) {
    uv_close((uv_handle_t *)&t->zone_poll, on_zone_close);
    uv_close((uv_handle_t *)&t->zone_settle, on_close);
  }
}

void lbd_timers_watch_zone(lbd_timers *t, uv_loop_t *loop, const char *dir) {
  t->zone_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (t->zone_fd < 0 || uv_poll_init(loop, &t->zone_poll, t->zone_fd) < 0) {
    lbu_debug("cannot watch %s for time-zone changes: %s", dir, strerror(errno));
    if (t->zone_fd >= 0)
      close(t->zone_fd);
    t->zone_fd = -1;
    return;
  }
  t->zone_poll.data = t;
  t->zone_dir = lbu_xstrdup(dir);
  t->wd_link = t->wd_file = t->wd_dir = -1;
  zone_arm(t);
  uv_poll_start(&t->zone_poll, UV_READABLE, on_zone_readable);
  uv_timer_init(loop, &t->zone_settle);
  t->zone_settle.data = t;
  t->watching_zone = true;
  t->open_handles += 2;
}

uint64_t lbd_timers_start(lbd_timers *t, lb_clock clock, int64_t deadline_ms, lb_plugin *owner,
                          lb_timer_fn fn, void *userdata) {
  int c = clock == LB_CLOCK_WALL ? 1 : 0;
  timer *tm = lbu_xmalloc(sizeof(*tm));
  *tm = (timer){.id = t->next_id++,
                .deadline_ms = deadline_ms,
                .owner = owner,
                .fn = fn,
                .userdata = userdata,
                .clock = c};
  heap_push(&t->q[c], tm);
  table_put(t, tm);
  if (t->q[c].heap[0] == tm)
    arm(&t->q[c]);
  return tm->id;
}

bool lbd_timers_stop(lbd_timers *t, lb_plugin *owner, uint64_t id) {
  timer *tm = table_get(t, id);
  if (!tm || tm->owner != owner)
    return false;
  clockq *q = &t->q[tm->clock];
  bool was_first = tm->heap_index == 0;
  heap_remove(q, tm->heap_index);
  table_del(t, id);
  free(tm);
  if (was_first)
    arm(q);
  return true;
}

void lbd_timers_remove_owner(lbd_timers *t, lb_plugin *owner) {
  for (int c = 0; c < 2; c++) {
    clockq *q = &t->q[c];
    size_t j = 0;
    for (size_t i = 0; i < q->n; i++) {
      if (q->heap[i]->owner == owner) {
        table_del(t, q->heap[i]->id);
        free(q->heap[i]);
      } else {
        heap_set(q, j++, q->heap[i]);
      }
    }
    q->n = j;
    for (size_t i = q->n / 2; i-- > 0;) /* re-heapify what is left */
      sift_down(q, i);
    arm(q);
  }
}

size_t lbd_timers_count(const lbd_timers *t) {
  return t->q[0].n + t->q[1].n;
}

void lbd_timers_shift_wall(lbd_timers *t, int64_t delta_ms) {
  wall_offset_ms += delta_ms;
  t->q[1].armed_ms = INT64_MIN;
  arm(&t->q[1]); /* a deadline now behind fires at once, as after a real jump */
  if (t->clock_changed)
    t->clock_changed(t->ud);
}
