/* lumbard: the lower-back-care daemon. Start-up, flags, signals, shutdown. */
#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
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

#include "call.h"
#include "daemon.h"
#include "datadir.h"
#include "dbus_export.h"
#include "log.h"
#include "plugin_host.h"
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

static char *builtin_plugin_dir(void) {
  char exe[PATH_MAX];
  size_t len = sizeof(exe);
  if (uv_exepath(exe, &len) < 0)
    return lb_xstrdup(LUMBARD_PLUGIN_INSTALL_DIR);
  char *dir = dirname(exe);
  /* The install layout first; the build tree keeps lib/ even where the
   * install's libdir is multiarch. */
  char *p = lb_xasprintf("%s/%s", dir, LUMBARD_PLUGIN_RELDIR);
  struct stat st;
  if (stat(p, &st) != 0) {
    free(p);
    p = lb_xasprintf("%s/../lib/lumbard/plugins", dir);
  }
  /* /usr/lib/lumbard/plugins in the log, not /usr/bin/../lib/... */
  char *real = realpath(p, NULL);
  if (!real)
    return p;
  free(p);
  return real;
}

static void on_stop_signal(uv_signal_t *h, int signum) {
  lb_daemon *d = h->data;
  lb_info("%s: stopping", strsignal(signum));
  lb_daemon_stop(d);
}

static void on_hup(uv_signal_t *h, int signum) {
  char err[512];
  (void)signum;
  lb_info("SIGHUP: reloading the configuration");
  lb_daemon_reload(h->data, err, sizeof(err));
}

static void on_clock_changed(void *ud) {
  lb_daemon *d = ud;
  lb_info("the wall clock or the time zone changed; plugins recompute their schedules");
  lb_plugins_clock_changed(d->plugins);
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
    lb_warn("only %llu file descriptors allowed: fewer than %d clients can connect",
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
    lb_debug("cannot ask for a short time slice: %s", strerror(errno));
}

static void walk_report(uv_handle_t *h, void *arg) {
  (void)arg;
  lb_err("a %s handle was left open at exit", uv_handle_type_name(h->type));
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
  lb_daemon d = {.data_lock = -1};
  int c;
  while ((c = getopt_long(argc, argv, "c:d:s:p:vh", opts, NULL)) != -1) {
    switch (c) {
    case 'c':
      d.config_path = lb_xstrdup(optarg);
      break;
    case 'd':
      d.data_dir = lb_xstrdup(optarg);
      break;
    case 's':
      d.socket_path = lb_xstrdup(optarg);
      break;
    case 'p':
      d.plugin_dirs = lb_xrealloc(d.plugin_dirs, (d.n_plugin_dirs + 1) * sizeof(char *));
      d.plugin_dirs[d.n_plugin_dirs++] = lb_xstrdup(optarg);
      break;
    case 'D':
      d.no_dbus = true;
      break;
    case 'v':
      d.verbose = true;
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
  if (d.verbose)
    lb_log_set_max_level(LB_DEBUG);

  signal(SIGPIPE, SIG_IGN);
  raise_fd_limit();
  ask_for_short_slice();
  umask(077); /* the database and everything else are the user's alone */

  if (!d.config_path)
    d.config_path = lb_xdg_path("XDG_CONFIG_HOME", ".config", "lumbard/lumbard.conf");
  if (!d.data_dir)
    d.data_dir = lb_xdg_path("XDG_DATA_HOME", ".local/share", "lumbard");
  if (!d.socket_path) {
    char buf[PATH_MAX];
    if (lb_socket_path_default(buf, sizeof(buf)) < 0) {
      lb_err("the default socket path is too long; pass --socket");
      return 1;
    }
    d.socket_path = lb_xstrdup(buf);
  }
  d.db_path = lb_xasprintf("%s/lumbard.db", d.data_dir);

  char err[1024];
  int exit_code = 1;
  d.config = lb_config_load(d.config_path, err, sizeof(err));
  if (!d.config) {
    lb_err("%s", err);
    goto out;
  }
  lb_daemon_apply_config(&d);
  if (!lb_config_from_file(d.config))
    lb_info("no config file at %s: using the built-in defaults", d.config_path);

  /* Before anything in it is opened: the data directory is ours, and this
   * daemon's alone until it exits. */
  d.data_lock = lb_datadir_lock(d.data_dir, d.socket_path, err, sizeof(err));
  if (d.data_lock == -EBUSY && !d.no_dbus &&
      (getenv("DBUS_STARTER_ADDRESS") || getenv("DBUS_STARTER_BUS_TYPE"))) {
    /* Activated by the bus (stderr is what the bus, or the journal, shows):
     * the lumbard that holds the data does not own the name, or the bus
     * would have called it, so it serves no D-Bus. Say who, and the way out. */
    lb_err("D-Bus activation of %s: %s; it does not serve D-Bus (it was started with --no-dbus, "
           "or without a session bus), so this lumbard cannot start for the bus. Stop it (kill "
           "the pid above, or systemctl --user stop lumbard) and call again, or run it without "
           "--no-dbus so that it serves the bus itself",
           LB_DBUS_NAME, err);
    goto out;
  }
  if (d.data_lock < 0) {
    lb_err("%s", err);
    goto out;
  }
  d.store = lb_store_open(d.db_path, err, sizeof(err));
  if (!d.store) {
    lb_err("%s", err);
    goto out;
  }

  uv_loop_t loop;
  uv_loop_init(&loop);
  d.loop = &loop;
  lb_store_attach(d.store, &loop);
  int r;
  d.started_at_ms = lb_clock_now_ms(LB_CLOCK_WALL);
  d.registry = lb_registry_new();
  d.events = lb_events_new(&loop, d.registry);
  d.timers = lb_timers_new(&loop, on_clock_changed, &d, &r);
  d.plugins = lb_plugins_new(&d);
  uv_signal_init(&loop, &d.sig_term);
  uv_signal_init(&loop, &d.sig_int);
  uv_signal_init(&loop, &d.sig_hup);
  d.sig_term.data = d.sig_int.data = d.sig_hup.data = &d;
  if (d.timers) {
    const char *zone_dir = getenv("LUMBARD_ZONE_DIR"); /* a test seam; /etc otherwise */
    lb_timers_watch_zone(d.timers, &loop, zone_dir && *zone_dir ? zone_dir : "/etc");
  }
  if (!d.timers) {
    lb_err("cannot create a timerfd: %s", strerror(-r));
    lb_daemon_stop(&d);
    goto run_closes;
  }

  /* The socket first: a second daemon must stop before its plugins touch
   * the database or fire anything. */
  d.server = lb_rpc_server_listen(&d, d.socket_path, err, sizeof(err));
  if (!d.server) {
    lb_err("%s", err);
    lb_daemon_stop(&d);
    goto run_closes;
  }
  if (lb_core_methods_register(&d) < 0) { /* said why */
    lb_daemon_stop(&d);
    goto run_closes;
  }
  /* Caught from here on, handled once the loop runs: a SIGTERM while the
   * plugins load stops lumbard cleanly after them, rather than killing it in
   * the middle of one (which the plugin crash guard would blame on that
   * plugin). */
  uv_signal_start(&d.sig_term, on_stop_signal, SIGTERM);
  uv_signal_start(&d.sig_int, on_stop_signal, SIGINT);
  uv_signal_start(&d.sig_hup, on_hup, SIGHUP);

  /* On the bus before the plugins load, so that what they emit while
   * starting is seen as signals; the name is taken once they are there. */
  if (d.no_dbus) {
    snprintf(d.dbus_state, sizeof(d.dbus_state), "disabled (--no-dbus)");
    lb_info("D-Bus disabled (--no-dbus): serving on the socket only");
  } else {
    d.dbus = lb_dbus_start(&d);
  }

  char *builtin = builtin_plugin_dir();
  lb_plugins_load_dir(d.plugins, builtin, false);
  free(builtin);
  char *user_dir = lb_xdg_path("XDG_DATA_HOME", ".local/share", "lumbard/plugins");
  lb_plugins_load_dir(d.plugins, user_dir, true);
  free(user_dir);
  for (size_t i = 0; i < d.n_plugin_dirs; i++)
    lb_plugins_load_dir(d.plugins, d.plugin_dirs[i], false);

  if (d.dbus && lb_dbus_request_name(d.dbus, err, sizeof(err)) < 0) {
    lb_err("%s", err);
    lb_daemon_stop(&d);
    goto run_closes;
  }

  {
    char names[512] = "";
    size_t off = 0;
    for (size_t i = 0; i < lb_plugins_count(d.plugins) && off < sizeof(names); i++)
      off += (size_t)snprintf(names + off, sizeof(names) - off, "%s%s", i ? ", " : "",
                              lb_plugin_name(lb_plugins_at(d.plugins, i)));
    lb_notice("lumbard %s ready on %s with %zu plugin%s%s%s%s; database %s", LUMBARD_VERSION,
              d.socket_path, lb_plugins_count(d.plugins),
              lb_plugins_count(d.plugins) == 1 ? "" : "s", off ? " (" : "", names, off ? ")" : "",
              d.db_path);
  }
  exit_code = 0;

run_closes:
  uv_run(&loop, UV_RUN_DEFAULT);
  if (uv_loop_close(&loop) != 0) {
    uv_walk(&loop, walk_report, NULL);
    exit_code = exit_code ? exit_code : 1;
  }
  lb_plugins_free(d.plugins);
  lb_registry_free(d.registry);
out:
  lb_store_close(d.store);
  lb_datadir_unlock(d.data_lock);
  lb_config_free(d.config);
  for (size_t i = 0; i < d.n_plugin_dirs; i++)
    free(d.plugin_dirs[i]);
  free(d.plugin_dirs);
  free(d.config_path);
  free(d.data_dir);
  free(d.socket_path);
  free(d.db_path);
  if (exit_code == 0)
    lb_info("stopped cleanly");
  return exit_code;
}
