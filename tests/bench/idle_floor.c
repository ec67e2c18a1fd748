/* idle_floor: the idle floor lumbard is compared with: an empty libuv loop
 * holding one far timer. It should make no context switch at all while it
 * waits, and shows the resident size of a libuv process that does nothing.
 * Prints "ready" once its loop runs; SIGTERM stops it. */
#include <signal.h>
#include <stdio.h>
#include <uv.h>

static void on_timer(uv_timer_t *t) {
  (void)t;
}

static void on_signal(uv_signal_t *s, int signum) {
  (void)signum;
  uv_stop(s->loop);
}

static void on_start(uv_idle_t *h) {
  uv_idle_stop(h);
  printf("ready\n");
  fflush(stdout);
}

int main(void) {
  uv_loop_t *loop = uv_default_loop();
  uv_timer_t far;
  uv_signal_t term;
  uv_idle_t start;
  uv_timer_init(loop, &far);
  uv_timer_start(&far, on_timer, 24u * 3600 * 1000, 0);
  uv_signal_init(loop, &term);
  uv_signal_start(&term, on_signal, SIGTERM);
  uv_idle_init(loop, &start);
  uv_idle_start(&start, on_start);
  uv_run(loop, UV_RUN_DEFAULT);
  return 0;
}
