/* timer_floor: how late a bare timerfd fires on this machine right now, the
 * floor for lumbard's rest timers. Reads deadlines (unix milliseconds, one
 * per line) on stdin, waits for each in turn on one CLOCK_BOOTTIME timerfd,
 * in order as lumbard's timer heap does (equal deadlines one after the
 * other), and prints the lateness of every deadline that was still ahead
 * when it started, in microseconds, one per line. Run at the same time as
 * the daemon's timers, it feels the same load.
 *
 *   timer_floor [PID]   with PID: scheduled as that process is (lumbard asks
 *                       for a short time slice, which decides how soon a
 *                       woken task runs on a busy CPU) */
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

static int64_t now_us(clockid_t clock) {
  struct timespec ts;
  clock_gettime(clock, &ts);
  return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int cmp(const void *a, const void *b) {
  int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
  return x < y ? -1 : x > y;
}

int main(int argc, char **argv) {
  if (argc > 1) {
    struct { /* sched_setattr(2)'s struct sched_attr, first version */
      uint32_t size, policy;
      uint64_t flags;
      int32_t nice;
      uint32_t priority;
      uint64_t runtime_ns, deadline_ns, period_ns;
    } attr = {0};
    if (syscall(SYS_sched_getattr, atoi(argv[1]), &attr, sizeof(attr), 0) < 0 ||
        syscall(SYS_sched_setattr, 0, &attr, 0) < 0)
      perror("timer_floor: scheduling as the daemon");
  }
  size_t n = 0, cap = 1024;
  int64_t *at = malloc(cap * sizeof(*at));
  long long ms;
  while (scanf("%lld", &ms) == 1) {
    if (n == cap) {
      int64_t *more = realloc(at, (cap *= 2) * sizeof(*at));
      if (!more) {
        fprintf(stderr, "timer_floor: out of memory\n");
        return 1;
      }
      at = more;
    }
    at[n++] = ms * 1000;
  }
  qsort(at, n, sizeof(*at), cmp);
  /* wall time to boot time, once */
  int64_t offset = now_us(CLOCK_BOOTTIME) - now_us(CLOCK_REALTIME);
  int fd = timerfd_create(CLOCK_BOOTTIME, TFD_CLOEXEC);
  if (fd < 0) {
    perror("timerfd_create");
    return 1;
  }
  int64_t start = now_us(CLOCK_BOOTTIME);
  for (size_t i = 0; i < n; i++) {
    int64_t deadline = at[i] + offset;
    if (deadline <= start)
      continue; /* already behind when read: not a lateness of the timer */
    struct itimerspec its = {
        .it_value = {.tv_sec = deadline / 1000000, .tv_nsec = (deadline % 1000000) * 1000}};
    timerfd_settime(fd, TFD_TIMER_ABSTIME, &its, NULL);
    uint64_t expirations;
    while (read(fd, &expirations, sizeof(expirations)) < 0 && errno == EINTR)
      ;
    printf("%lld\n", (long long)(now_us(CLOCK_BOOTTIME) - deadline));
  }
  return 0;
}
