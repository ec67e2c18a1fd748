/* Timers fire in deadline order, never before their deadline, and a stopped
 * timer never fires. (How *close* to the deadline is a benchmark's question,
 * not a test's.) */
#include <stdlib.h>

#include "check.h"
#include "timers.h"

static lbd_timers *timers;
static int order[8], n_fired;
static int64_t late_by[8];

typedef struct spec {
  int tag;
  lb_clock clock;
  int64_t deadline;
} spec;

static void fired(lb_plugin *p, uint64_t id, void *ud) {
  (void)p, (void)id;
  spec *s = ud;
  late_by[n_fired] = lbd_clock_now_ms(s->clock) - s->deadline;
  order[n_fired++] = s->tag;
}

static int clock_changes;
static void on_clock(void *ud) {
  (void)ud;
  clock_changes++;
}

TEST(order_and_stop) {
  uv_loop_t loop;
  uv_loop_init(&loop);
  int err = 0;
  timers = lbd_timers_new(&loop, on_clock, NULL, &err);
  CHECK(timers != NULL, "timerfd: %d", err);
  int64_t mono = lbd_clock_now_ms(LB_CLOCK_MONOTONIC), wall = lbd_clock_now_ms(LB_CLOCK_WALL);
  static spec specs[5];
  specs[0] = (spec){1, LB_CLOCK_MONOTONIC, mono + 60};
  specs[1] = (spec){2, LB_CLOCK_MONOTONIC, mono + 20};
  specs[2] = (spec){3, LB_CLOCK_WALL, wall + 40};
  specs[3] = (spec){4, LB_CLOCK_MONOTONIC, mono + 30};   /* stopped below */
  specs[4] = (spec){5, LB_CLOCK_MONOTONIC, mono - 1000}; /* already due */
  uint64_t ids[5];
  for (int i = 0; i < 5; i++)
    ids[i] = lbd_timers_start(timers, specs[i].clock, specs[i].deadline, NULL, fired, &specs[i]);
  CHECK_INT(lbd_timers_count(timers), 5);
  CHECK(lbd_timers_stop(timers, NULL, ids[3]), "stopping a pending timer");
  CHECK(!lbd_timers_stop(timers, NULL, ids[3]), "stopping it twice is a no-op");
  CHECK(!lbd_timers_stop(timers, (lb_plugin *)&specs, ids[0]), "another owner cannot stop it");

  while (n_fired < 4)
    uv_run(&loop, UV_RUN_ONCE);
  CHECK_INT(order[0], 5);
  CHECK_INT(order[1], 2);
  CHECK_INT(order[2], 3);
  CHECK_INT(order[3], 1);
  for (int i = 0; i < n_fired; i++)
    CHECK(late_by[i] >= 0, "timer %d fired %lld ms before its deadline", order[i],
          (long long)-late_by[i]);
  CHECK_INT(lbd_timers_count(timers), 0);
  CHECK_INT(clock_changes, 0);

  lbd_timers_close(timers);
  uv_run(&loop, UV_RUN_DEFAULT);
  CHECK_INT(uv_loop_close(&loop), 0);
}

/* Many timers with random deadlines, a third of them stopped at random: the
 * rest fire in (deadline, arming) order, none early, none stopped. */
typedef struct many {
  int64_t deadline;
  uint64_t id;
  int stopped, fired;
} many;
static many pool[3000];
static int64_t last_deadline;
static uint64_t last_id;
static int out_of_order, fired_early, fired_stopped, n_many_fired;

static void many_fired(lb_plugin *p, uint64_t id, void *ud) {
  (void)p;
  many *m = ud;
  if (m->stopped)
    fired_stopped++;
  if (m->deadline < last_deadline || (m->deadline == last_deadline && id < last_id))
    out_of_order++;
  if (lbd_clock_now_ms(LB_CLOCK_MONOTONIC) < m->deadline)
    fired_early++;
  last_deadline = m->deadline;
  last_id = id;
  m->fired++;
  n_many_fired++;
}

TEST(many_random_timers) {
  uv_loop_t loop;
  uv_loop_init(&loop);
  int err = 0;
  lbd_timers *t = lbd_timers_new(&loop, NULL, NULL, &err);
  srand(7);
  int64_t now = lbd_clock_now_ms(LB_CLOCK_MONOTONIC);
  for (int i = 0; i < 3000; i++) {
    pool[i].deadline = now + rand() % 80;
    pool[i].id =
        lbd_timers_start(t, LB_CLOCK_MONOTONIC, pool[i].deadline, NULL, many_fired, &pool[i]);
  }
  int expected = 3000;
  for (int i = 0; i < 3000; i++)
    if (rand() % 3 == 0) {
      CHECK(lbd_timers_stop(t, NULL, pool[i].id), "stop %d", i);
      pool[i].stopped = 1;
      expected--;
    }
  CHECK_INT(lbd_timers_count(t), expected);
  while (lbd_timers_count(t) > 0)
    uv_run(&loop, UV_RUN_ONCE);
  CHECK_INT(n_many_fired, expected);
  CHECK_INT(out_of_order, 0);
  CHECK_INT(fired_early, 0);
  CHECK_INT(fired_stopped, 0);
  for (int i = 0; i < 3000; i++)
    CHECK(pool[i].fired == !pool[i].stopped, "timer %d fired %d times", i, pool[i].fired);
  lbd_timers_close(t);
  uv_run(&loop, UV_RUN_DEFAULT);
  CHECK_INT(uv_loop_close(&loop), 0);
}

RUN_TESTS(T(order_and_stop), T(many_random_timers))
