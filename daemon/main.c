/* lumbard: the lower-back-care daemon. Flags, the process (signals ignored,
 * file limit, time slice, umask), and the loop; lbd_daemon does the rest. */
#include <errno.h>
#include <getopt.h>
#include <lumbard/rpc.h>
#include <lumbard/version.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "daemon.h"
#include "log.h"
#include "rpc_server.h"
#include "util.h"

static void usage(FILE *f) {
  fprintf(f,
          "Usage: lumbard [OPTION]...\n"
          "The lower-back-care daemon: warm-up reminders, rest timers between sets, and a pain\n"
          "diary, served over a MessagePack-RPC socket and D-Bus. Runs in the foreground.\n"
          "\n"
          "  -c, --config FILE      config file (default $XDG_CONFIG_HOME/lumbard/lumbard.conf;\n"
          "                         built-in defaults when it does not exist)\n"
          "  -d, --data-dir DIR     where lumbard.db lives (default $XDG_DATA_HOME/lumbard)\n"
          "  -s, --socket PATH      the socket to serve (default $LUMBARD_SOCKET, else\n"
          "                         $XDG_RUNTIME_DIR/lumbard.sock)\n"
          "  -p, --plugin-dir DIR   load the plugins in DIR too (may be repeated)\n"
          "      --no-dbus          do not use the D-Bus session bus\n"
          "  -v, --verbose          log debug lines\n"
          "      --version          print the version and exit\n"
          "  -h, --help             print this help and exit\n"
          "\n"
          "Signals: SIGTERM and SIGINT stop it cleanly; SIGHUP re-reads the config.\n"
          "Talk to it with lumbarctl (lumbarctl status). lumbard is not a medical device.\n");
}

/* 1024 clients need more than the usual soft limit of 1024 descriptors. */
static void raise_fd_limit(void) {
  struct rlimit rl;
  if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
    return;
  rlim_t want = LB_RPC_MAX_CLIENTS + 64;
  if (rl.rlim_cur >= want)
    return;
  rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max > want ? want : rl.rlim_max;
  if (setrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur < want)
    lbu_warn("only %llu file descriptors allowed: fewer than %d clients can connect",
             (unsigned long long)rl.rlim_cur, LB_RPC_MAX_CLIENTS);
}

/* A timer fires within 2 ms of its deadline even on a busy machine: lumbard
 * asks for the shortest time slice (Linux 6.12 and later take sched_runtime
 * as a SCHED_OTHER task's slice, 0.1 ms at the least), so that when it wakes
 * it preempts a CPU-bound task at once instead of waiting for that task's
 * slice to end. It runs for microseconds at a time, so its share is the
 * same; older kernels ignore the request. A policy or nice value the user
 * chose (systemd's CPUSchedulingPolicy=, Nice=) is kept. Measured by
 * tests/bench/bench_rest.py. */
static void ask_for_short_slice(void) {
  if (sched_getscheduler(0) != SCHED_OTHER)
    return;
  errno = 0;
  int nice = getpriority(PRIO_PROCESS, 0);
  if (nice == -1 && errno)
    return;
  struct { /* sched_setattr(2)'s struct sched_attr, first version; glibc has no wrapper */
    uint32_t size, policy;
    uint64_t flags;
    int32_t nice;
    uint32_t priority;
    uint64_t runtime_ns, deadline_ns, period_ns;
  } attr = {.size = sizeof(attr), .policy = SCHED_OTHER, .nice = nice, .runtime_ns = 100 * 1000};
  if (syscall(SYS_sched_setattr, 0, &attr, 0) < 0)
    lbu_debug("cannot ask for a short time slice: %s", strerror(errno));
}

static void walk_report(uv_handle_t *h, void *arg) {
  (void)arg;
  lbu_err("a %s handle was left open at exit", uv_handle_type_name(h->type));
}

int main(int argc, char **argv) {
  static const struct option opts[] = {{"config", required_argument, NULL, 'c'},
                                       {"data-dir", required_argument, NULL, 'd'},
                                       {"socket", required_argument, NULL, 's'},
                                       {"plugin-dir", required_argument, NULL, 'p'},
                                       {"no-dbus", no_argument, NULL, 'D'},
                                       {"verbose", no_argument, NULL, 'v'},
                                       {"version", no_argument, NULL, 'V'},
                                       {"help", no_argument, NULL, 'h'},
                                       {NULL, 0, NULL, 0}};
  lbd_daemon_options o = {.builtin_plugins = true, .signals = true};
  const char **plugin_dirs = NULL;
  int c;
  while ((c = getopt_long(argc, argv, "c:d:s:p:vh", opts, NULL)) != -1) {
    switch (c) {
    case 'c':
      o.config_path = optarg;
      break;
    case 'd':
      o.data_dir = optarg;
      break;
    case 's':
      o.socket_path = optarg;
      break;
    case 'p':
      plugin_dirs = lbu_xrealloc(plugin_dirs, (o.n_plugin_dirs + 1) * sizeof(char *));
      plugin_dirs[o.n_plugin_dirs++] = optarg;
      break;
    case 'D':
      o.no_dbus = true;
      break;
    case 'v':
      o.verbose = true;
      break;
    case 'V':
      printf("lumbard %s (plugin ABI %d, host API %d)\n", LUMBARD_VERSION, LB_PLUGIN_ABI,
             LB_HOST_API);
      return 0;
    case 'h':
      usage(stdout);
      return 0;
    default:
      usage(stderr);
      return 2;
    }
  }
  if (optind < argc) {
    fprintf(stderr, "lumbard: unexpected argument \"%s\"\n", argv[optind]);
    usage(stderr);
    return 2;
  }
  o.plugin_dirs = plugin_dirs;

  signal(SIGPIPE, SIG_IGN);
  raise_fd_limit();
  ask_for_short_slice();
  umask(077); /* the database and everything else are the user's alone */

  char err[1024];
  uv_loop_t loop;
  uv_loop_init(&loop);
  lbd_daemon *d = lbd_daemon_new(&loop, &o, NULL, err, sizeof(err));
  free(plugin_dirs);
  if (!d) {
    lbu_err("%s", err);
    uv_loop_close(&loop);
    return 1;
  }
  int exit_code = 0;
  if (lbd_daemon_start(d, err, sizeof(err)) < 0) {
    lbu_err("%s", err);
    exit_code = 1;
  }
  uv_run(&loop, UV_RUN_DEFAULT);
  if (uv_loop_close(&loop) != 0) {
    uv_walk(&loop, walk_report, NULL);
    exit_code = exit_code ? exit_code : 1;
  }
  lbd_daemon_free(d);
  if (exit_code == 0)
    lbu_info("stopped cleanly");
  return exit_code;
}
