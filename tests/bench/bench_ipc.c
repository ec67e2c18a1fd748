/* The socket, measured side by side with its floor in one run.
 *
 *   bench_ipc ipc FLOOR-SOCKET FLOOR-PID LUMBARD-SOCKET LUMBARD-PID
 *       daemon.ping round trip (one request in flight) and pipelined
 *       throughput (BENCH_WINDOW requests kept in flight), against
 *       floor_server, every process pinned to one CPU (BENCH_CPU, default the
 *       last one). Rounds alternate floor / lumbard so that drift in the
 *       machine's load hits both alike; medians count.
 *   bench_ipc fanout LUMBARD-SOCKET
 *       BENCH_SUBSCRIBERS connections subscribed to test.tick; test.emit(1)
 *       from another connection; the time from sending it to the last
 *       subscriber holding the event, median of BENCH_EVENTS events. The
 *       floor: the same bytes written to as many socketpairs and read back.
 *   bench_ipc flood LUMBARD-SOCKET COUNT
 *       COUNT daemon.ping, pipelined; prints the rate.
 *
 * Figures are printed for the summary as
 * "@figure<TAB>key<TAB>what<TAB>target<TAB>measured<TAB>pass|miss|info";
 * the exit status is 0 unless the bench itself failed. */
#include <dirent.h>
#include <errno.h>
#include <msgpack.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define REQ_LEN 20 /* [0, msgid as uint32, "daemon.ping", []] */

static long env_long(const char *name, long dflt) {
  const char *v = getenv(name);
  return v && *v ? strtol(v, NULL, 10) : dflt;
}

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *what) {
  fprintf(stderr, "bench_ipc: %s: %s\n", what, strerror(errno));
  exit(1);
}

static int connect_to(const char *path) {
  struct sockaddr_un sa = {.sun_family = AF_UNIX};
  snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
    die(path);
  return fd;
}

static void write_all(int fd, const void *buf, size_t n) {
  const char *p = buf;
  while (n > 0) {
    ssize_t w = write(fd, p, n);
    if (w < 0 && errno == EINTR)
      continue;
    if (w <= 0)
      die("write");
    p += w;
    n -= (size_t)w;
  }
}

static void put_request(unsigned char *p, uint32_t msgid) {
  static const unsigned char tmpl[REQ_LEN] = {0x94, 0x00, 0xce, 0,   0,   0,   0,
                                              0xab, 'd',  'a',  'e', 'm', 'o', 'n',
                                              '.',  'p',  'i',  'n', 'g', 0x90};
  memcpy(p, tmpl, REQ_LEN);
  p[3] = (unsigned char)(msgid >> 24);
  p[4] = (unsigned char)(msgid >> 16);
  p[5] = (unsigned char)(msgid >> 8);
  p[6] = (unsigned char)msgid;
}

/* One [1, msgid, nil, "pong"] at p: its length, 0 when incomplete; exits on
 * anything else (the servers answer these requests in order). */
static size_t take_pong(const unsigned char *p, size_t len, uint32_t want) {
  if (len < 3)
    return 0;
  if (p[0] != 0x94 || p[1] != 0x01)
    goto bad;
  size_t i = 2;
  uint32_t id;
  if (p[i] < 0x80) {
    id = p[i];
    i += 1;
  } else if (p[i] == 0xcc) {
    if (len < i + 2)
      return 0;
    id = p[i + 1];
    i += 2;
  } else if (p[i] == 0xcd) {
    if (len < i + 3)
      return 0;
    id = (uint32_t)p[i + 1] << 8 | p[i + 2];
    i += 3;
  } else if (p[i] == 0xce) {
    if (len < i + 5)
      return 0;
    id = (uint32_t)p[i + 1] << 24 | (uint32_t)p[i + 2] << 16 | (uint32_t)p[i + 3] << 8 | p[i + 4];
    i += 5;
  } else {
    goto bad;
  }
  if (len < i + 6)
    return 0;
  if (p[i] != 0xc0 || p[i + 1] != 0xa4 || memcmp(p + i + 2, "pong", 4) != 0 || id != want)
    goto bad;
  return i + 6;
bad:
  fprintf(stderr, "bench_ipc: unexpected answer (want msgid %u):", want);
  for (size_t k = 0; k < len && k < 16; k++)
    fprintf(stderr, " %02x", p[k]);
  fprintf(stderr, "\n");
  exit(1);
}

/* ---- pinning ---------------------------------------------------------------- */

typedef struct pinned {
  pid_t tid;
  cpu_set_t old;
} pinned;
static pinned pins[256];
static size_t n_pins;

static void pin_tid(pid_t tid, int cpu) {
  cpu_set_t set;
  if (n_pins < 256 && sched_getaffinity(tid, sizeof(cpu_set_t), &pins[n_pins].old) == 0)
    pins[n_pins++].tid = tid;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  if (sched_setaffinity(tid, sizeof(set), &set) < 0)
    die("sched_setaffinity");
}

/* Every thread of pid (0: this process). */
static void pin_process(pid_t pid, int cpu) {
  char dir[64];
  snprintf(dir, sizeof(dir), "/proc/%d/task", pid ? (int)pid : (int)getpid());
  DIR *d = opendir(dir);
  if (!d)
    die(dir);
  struct dirent *e;
  while ((e = readdir(d)))
    if (e->d_name[0] != '.')
      pin_tid((pid_t)atoi(e->d_name), cpu);
  closedir(d);
}

/* sched_setattr(2)'s struct sched_attr, first version (no glibc wrapper). */
typedef struct sched_attr_v0 {
  uint32_t size, policy;
  uint64_t flags;
  int32_t nice;
  uint32_t priority;
  uint64_t runtime_ns, deadline_ns, period_ns;
} sched_attr_v0;

/* Give every thread of pid the scheduling attributes of from (lumbard asks
 * for a short time slice, which decides who runs first on a shared CPU):
 * the floor is scheduled as lumbard is. Returns from's slice in ns. */
static uint64_t schedule_like(pid_t pid, pid_t from) {
  sched_attr_v0 attr = {0};
  if (syscall(SYS_sched_getattr, from, &attr, sizeof(attr), 0) < 0)
    die("sched_getattr");
  char dir[64];
  snprintf(dir, sizeof(dir), "/proc/%d/task", (int)pid);
  DIR *d = opendir(dir);
  if (!d)
    die(dir);
  struct dirent *e;
  while ((e = readdir(d)))
    if (e->d_name[0] != '.' && syscall(SYS_sched_setattr, atoi(e->d_name), &attr, 0) < 0)
      die("sched_setattr");
  closedir(d);
  return attr.runtime_ns;
}

static void unpin_all(void) {
  for (size_t i = 0; i < n_pins; i++)
    sched_setaffinity(pins[i].tid, sizeof(cpu_set_t), &pins[i].old);
  n_pins = 0;
}

/* ---- round trip and pipelining ------------------------------------------------ */

typedef struct server {
  const char *name;
  int fd;
  uint32_t next_id;
} server;

/* Microseconds per call, one request in flight. */
static double round_trips(server *s, long n) {
  unsigned char req[REQ_LEN], buf[256];
  double t0 = now_s();
  for (long i = 0; i < n; i++) {
    uint32_t id = s->next_id++;
    put_request(req, id);
    write_all(s->fd, req, REQ_LEN);
    size_t have = 0, got = 0;
    while (!got) {
      ssize_t r = read(s->fd, buf + have, sizeof(buf) - have);
      if (r <= 0)
        die("read");
      have += (size_t)r;
      got = take_pong(buf, have, id);
    }
    if (got != have) {
      fprintf(stderr, "bench_ipc: %s answered more than asked\n", s->name);
      exit(1);
    }
  }
  return (now_s() - t0) / (double)n * 1e6;
}

/* Requests per second with window requests kept in flight: each read's
 * answers are replaced by as many new requests, in one write. */
static double pipelined(server *s, long total, long window) {
  size_t rcap = 256 * 1024;
  unsigned char *wbuf = malloc((size_t)window * REQ_LEN), *rbuf = malloc(rcap);
  long sent = 0, done = 0;
  uint32_t expect = s->next_id;
  double t0 = now_s();
  long first = window < total ? window : total;
  for (long i = 0; i < first; i++)
    put_request(wbuf + i * REQ_LEN, s->next_id++);
  write_all(s->fd, wbuf, (size_t)first * REQ_LEN);
  sent = first;
  size_t have = 0;
  while (done < total) {
    ssize_t r = read(s->fd, rbuf + have, rcap - have);
    if (r <= 0)
      die("read");
    have += (size_t)r;
    size_t off = 0, k;
    long answered = 0;
    while ((k = take_pong(rbuf + off, have - off, expect)) > 0) {
      off += k;
      expect++;
      answered++;
    }
    memmove(rbuf, rbuf + off, have - off);
    have -= off;
    done += answered;
    long more = total - sent < answered ? total - sent : answered;
    for (long i = 0; i < more; i++)
      put_request(wbuf + i * REQ_LEN, s->next_id++);
    if (more > 0)
      write_all(s->fd, wbuf, (size_t)more * REQ_LEN);
    sent += more;
  }
  double rate = (double)total / (now_s() - t0);
  free(wbuf);
  free(rbuf);
  return rate;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static double median(double *v, int n) {
  qsort(v, (size_t)n, sizeof(double), cmp_double);
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static int cmd_ipc(char **argv) {
  int cpu = (int)env_long("BENCH_CPU", sysconf(_SC_NPROCESSORS_ONLN) - 1);
  int rounds = (int)env_long("BENCH_ROUNDS", 15);
  long rt_calls = env_long("BENCH_RT_CALLS", 5000);
  long pipe_calls = env_long("BENCH_PIPE_CALLS", 200000);
  long window = env_long("BENCH_WINDOW", 256);
  if (rounds < 1 || rounds > 100 || rt_calls < 1 || pipe_calls < 1 || window < 1) {
    fprintf(stderr, "bench_ipc: BENCH_ROUNDS, _RT_CALLS, _PIPE_CALLS, _WINDOW must be positive\n");
    return 2;
  }
  server sv[2] = {{.name = "floor_server", .fd = connect_to(argv[0]), .next_id = 1},
                  {.name = "lumbard", .fd = connect_to(argv[2]), .next_id = 1}};
  pin_process(0, cpu);
  pin_process((pid_t)atoi(argv[1]), cpu);
  pin_process((pid_t)atoi(argv[3]), cpu);
  uint64_t slice = schedule_like((pid_t)atoi(argv[1]), (pid_t)atoi(argv[3]));

  /* warm both up: page faults, buffers, caches */
  for (int k = 0; k < 2; k++) {
    round_trips(&sv[k], rt_calls / 10 + 1);
    pipelined(&sv[k], pipe_calls / 10 + 1, window);
  }
  /* Short rounds, floor and lumbard back to back (who goes first
   * alternates): the ratio of each pair is measured under the same load, and
   * the median pair counts. */
  double rt[2][100], tp[2][100], rt_pair[100], tp_pair[100];
  for (int r = 0; r < rounds; r++) {
    for (int k = 0; k < 2; k++) {
      int s = (r + k) % 2;
      rt[s][r] = round_trips(&sv[s], rt_calls);
    }
    for (int k = 0; k < 2; k++) {
      int s = (r + k) % 2;
      tp[s][r] = pipelined(&sv[s], pipe_calls, window);
    }
    rt_pair[r] = rt[1][r] / rt[0][r];
    tp_pair[r] = tp[1][r] / tp[0][r];
  }
  unpin_all();
  double rt_ratio = median(rt_pair, rounds), tp_ratio = median(tp_pair, rounds);
  printf("daemon.ping over the socket, client and server pinned to CPU %d, floor_server "
         "scheduled as lumbard (slice %.2f ms); %d rounds, each floor and lumbard back to back\n",
         cpu, (double)slice / 1e6, rounds);
  printf("  rounds, round trip us (floor/lumbard):");
  for (int r = 0; r < rounds; r++)
    printf(" %.2f/%.2f", rt[0][r], rt[1][r]);
  printf("\n  rounds, pipelined k/s (floor/lumbard):");
  for (int r = 0; r < rounds; r++)
    printf(" %.0f/%.0f", tp[0][r] / 1e3, tp[1][r] / 1e3);
  printf("\n");
  double rt_f = median(rt[0], rounds), rt_l = median(rt[1], rounds);
  double tp_f = median(tp[0], rounds), tp_l = median(tp[1], rounds);
  printf("medians (ratio: the median of the rounds' ratios)\n");
  printf("  round trip (%ld calls, one in flight):     floor %7.2f us   lumbard %7.2f us   "
         "ratio %.2f (target <= 1.30)\n",
         rt_calls, rt_f, rt_l, rt_ratio);
  printf("  pipelined (%ld calls, %ld in flight):   floor %7.0f k/s  lumbard %7.0f k/s  "
         "ratio %.2f (target >= 0.60)\n",
         pipe_calls, window, tp_f / 1e3, tp_l / 1e3, tp_ratio);
  printf("@figure\tipc.rt\t(1) daemon.ping round trip vs floor_server, one CPU\tratio <= 1.30\t"
         "%.2f (median of %d paired rounds; medians %.2f us vs %.2f us)\t%s\n",
         rt_ratio, rounds, rt_l, rt_f, rt_ratio <= 1.30 ? "pass" : "miss");
  printf("@figure\tipc.pipe\t(2) daemon.ping pipelined throughput vs floor_server, one CPU, %ld "
         "in flight\tratio >= 0.60\t%.2f (median of %d paired rounds; medians %.2f M/s vs %.2f "
         "M/s)\t%s\n",
         window, tp_ratio, rounds, tp_l / 1e6, tp_f / 1e6, tp_ratio >= 0.60 ? "pass" : "miss");
  close(sv[0].fd);
  close(sv[1].fd);
  return 0; /* a missed target is a figure, not a failure of the bench */
}

static int cmd_flood(char **argv) {
  server s = {.name = "lumbard", .fd = connect_to(argv[0]), .next_id = 1};
  long n = strtol(argv[1], NULL, 10);
  double rate = pipelined(&s, n, env_long("BENCH_WINDOW", 256));
  printf("%ld daemon.ping pipelined: %.0f k/s\n", n, rate / 1e3);
  close(s.fd);
  return 0;
}

/* ---- fan-out ------------------------------------------------------------------- */

typedef struct sub {
  int fd;
  size_t have;
  int got; /* events held in this round */
  char buf[4096];
} sub;

/* Count the whole notifications in s->buf, keep the partial rest. */
static int take_events(sub *s) {
  size_t off = 0;
  int n = 0;
  msgpack_unpacked u;
  msgpack_unpacked_init(&u);
  for (;;) {
    size_t at = off;
    msgpack_unpack_return r = msgpack_unpack_next(&u, s->buf, s->have, &at);
    if (r != MSGPACK_UNPACK_SUCCESS && r != MSGPACK_UNPACK_EXTRA_BYTES)
      break;
    const msgpack_object *o = &u.data;
    if (o->type != MSGPACK_OBJECT_ARRAY || o->via.array.size < 1) {
      fprintf(stderr, "bench_ipc: a subscriber got something that is not a message\n");
      exit(1);
    }
    if (o->via.array.ptr[0].via.u64 == 2)
      n++;
    off = at;
  }
  msgpack_unpacked_destroy(&u);
  memmove(s->buf, s->buf + off, s->have - off);
  s->have -= off;
  return n;
}

static void raise_nofile(long want) {
  struct rlimit rl;
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < (rlim_t)want) {
    rl.rlim_cur = rl.rlim_max < (rlim_t)want ? rl.rlim_max : (rlim_t)want;
    setrlimit(RLIMIT_NOFILE, &rl);
  }
}

/* Wait until every subscriber holds one more event; the seconds it took
 * from t0 to the first and the last. */
static void wait_all(int ep, long n, double t0, double *ret_first, double *ret_last) {
  long left = n;
  double first = 0, last = 0;
  struct epoll_event evs[256];
  while (left > 0) {
    int k = epoll_wait(ep, evs, 256, 10000);
    if (k <= 0) {
      fprintf(stderr, "bench_ipc: %ld subscribers got nothing within 10 s\n", left);
      exit(1);
    }
    for (int i = 0; i < k; i++) {
      sub *s = evs[i].data.ptr;
      ssize_t r = read(s->fd, s->buf + s->have, sizeof(s->buf) - s->have);
      if (r <= 0)
        die("read (subscriber)");
      s->have += (size_t)r;
      int got = take_events(s);
      if (got > 0 && s->got == 0) {
        double t = now_s() - t0;
        if (left == n)
          first = t;
        last = t;
        left--;
      }
      s->got += got;
    }
  }
  *ret_first = first;
  *ret_last = last;
}

/* The floor: the same bytes written to n socketpairs by one loop, then read
 * back through epoll, in one thread. */
static double fanout_floor(long n, const char *event, size_t len) {
  sub *subs = calloc((size_t)n, sizeof(sub));
  int *wfd = calloc((size_t)n, sizeof(int));
  int ep = epoll_create1(EPOLL_CLOEXEC);
  for (long i = 0; i < n; i++) {
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
      die("socketpair");
    wfd[i] = sv[0];
    subs[i].fd = sv[1];
    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = &subs[i]};
    epoll_ctl(ep, EPOLL_CTL_ADD, sv[1], &ev);
  }
  double t0 = now_s(), first, last;
  for (long i = 0; i < n; i++)
    write_all(wfd[i], event, len);
  wait_all(ep, n, t0, &first, &last);
  for (long i = 0; i < n; i++) {
    close(wfd[i]);
    close(subs[i].fd);
  }
  close(ep);
  free(subs);
  free(wfd);
  return last;
}

/* daemon.subscribe(["test.tick"]) when count is 0, else test.emit(count). */
static void send_call(int fd, uint32_t msgid, uint64_t count) {
  const char *method = count ? "test.emit" : "daemon.subscribe";
  msgpack_sbuffer sb;
  msgpack_sbuffer_init(&sb);
  msgpack_packer pk;
  msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
  msgpack_pack_array(&pk, 4);
  msgpack_pack_uint32(&pk, 0);
  msgpack_pack_uint32(&pk, msgid);
  msgpack_pack_str_with_body(&pk, method, strlen(method));
  msgpack_pack_array(&pk, 1);
  if (count) {
    msgpack_pack_uint64(&pk, count);
  } else {
    msgpack_pack_array(&pk, 1);
    msgpack_pack_str_with_body(&pk, "test.tick", 9);
  }
  write_all(fd, sb.data, sb.size);
  msgpack_sbuffer_destroy(&sb);
}

/* Read from fd until one whole message came; returns its type. */
static int read_one(int fd) {
  msgpack_unpacker u;
  msgpack_unpacker_init(&u, 4096);
  msgpack_unpacked m;
  msgpack_unpacked_init(&m);
  int type = -1;
  while (type < 0) {
    msgpack_unpacker_reserve_buffer(&u, 4096);
    ssize_t r = read(fd, msgpack_unpacker_buffer(&u), msgpack_unpacker_buffer_capacity(&u));
    if (r <= 0)
      die("read");
    msgpack_unpacker_buffer_consumed(&u, (size_t)r);
    if (msgpack_unpacker_next(&u, &m) == MSGPACK_UNPACK_SUCCESS) {
      const msgpack_object *o = &m.data;
      type = (int)o->via.array.ptr[0].via.u64;
      if (type == 1 && o->via.array.ptr[2].type != MSGPACK_OBJECT_NIL) {
        fprintf(stderr, "bench_ipc: the daemon answered an error (is the test plugin loaded?)\n");
        exit(1);
      }
    }
  }
  msgpack_unpacked_destroy(&m);
  msgpack_unpacker_destroy(&u);
  return type;
}

static int cmd_fanout(char **argv) {
  long n = env_long("BENCH_SUBSCRIBERS", 1000);
  int events = (int)env_long("BENCH_EVENTS", 21);
  if (n < 1 || n > 1000 || events < 1 || events > 1000) {
    fprintf(stderr, "bench_ipc: BENCH_SUBSCRIBERS is 1..1000, BENCH_EVENTS 1..1000\n");
    return 2;
  }
  raise_nofile(2 * n + 64);
  sub *subs = calloc((size_t)n, sizeof(sub));
  int ep = epoll_create1(EPOLL_CLOEXEC);
  for (long i = 0; i < n; i++) {
    subs[i].fd = connect_to(argv[0]);
    send_call(subs[i].fd, 1, 0);
  }
  for (long i = 0; i < n; i++) {
    if (read_one(subs[i].fd) != 1) {
      fprintf(stderr, "bench_ipc: no answer to daemon.subscribe\n");
      return 1;
    }
    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = &subs[i]};
    epoll_ctl(ep, EPOLL_CTL_ADD, subs[i].fd, &ev);
  }
  int ctl = connect_to(argv[0]);
  double first[1000] = {0}, last[1000] = {0};
  for (int e = 0; e < events + 1; e++) {
    for (long i = 0; i < n; i++)
      subs[i].got = 0;
    double t0 = now_s();
    send_call(ctl, (uint32_t)(e + 2), 1);
    double f, l;
    wait_all(ep, n, t0, &f, &l);
    if (read_one(ctl) != 1) {
      fprintf(stderr, "bench_ipc: no answer to test.emit\n");
      return 1;
    }
    if (e > 0) { /* the first one warms up */
      first[e - 1] = f;
      last[e - 1] = l;
    }
    usleep(20000);
  }
  /* the floor, with a notification of the same size */
  static const char tick[] = "\x93\x02\xa9test.tick\x91\x82\xa1n\x01\xa7payload\xa0";
  double floor_s[1000] = {0};
  for (int e = 0; e < events; e++)
    floor_s[e] = fanout_floor(n, tick, sizeof(tick) - 1);
  double med_first = median(first, events) * 1e3, med_last = median(last, events) * 1e3;
  double med_floor = median(floor_s, events) * 1e3;
  printf("one test.tick event to %ld subscribers (each its own connection), median of %d\n", n,
         events);
  printf("  first delivery %.3f ms, last delivery %.3f ms after test.emit was sent\n", med_first,
         med_last);
  printf("  floor: the same bytes to %ld socketpairs and read back, one thread: %.3f ms; "
         "ratio %.2f\n",
         n, med_floor, med_last / med_floor);
  printf("@figure\tfanout\t(4) one event to %ld subscribers: trigger to last delivery\t"
         "none set (floor: %ld writes + reads in one thread, %.2f ms)\t%.2f ms (first %.2f ms; "
         "%.1fx the floor)\tinfo\n",
         n, n, med_floor, med_last, med_first, med_last / med_floor);
  for (long i = 0; i < n; i++)
    close(subs[i].fd);
  close(ctl);
  close(ep);
  free(subs);
  return 0;
}

int main(int argc, char **argv) {
  signal(SIGPIPE, SIG_IGN);
  if (argc == 6 && strcmp(argv[1], "ipc") == 0)
    return cmd_ipc(argv + 2);
  if (argc == 3 && strcmp(argv[1], "fanout") == 0)
    return cmd_fanout(argv + 2);
  if (argc == 4 && strcmp(argv[1], "flood") == 0)
    return cmd_flood(argv + 2);
  fprintf(stderr, "usage: bench_ipc ipc FLOOR-SOCKET FLOOR-PID LUMBARD-SOCKET LUMBARD-PID\n"
                  "       bench_ipc fanout LUMBARD-SOCKET\n"
                  "       bench_ipc flood LUMBARD-SOCKET COUNT\n");
  return 2;
}
