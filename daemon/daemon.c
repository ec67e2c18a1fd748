#include "daemon.h"

#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <lumbard/rpc.h>
#include <lumbard/version.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "call.h"
#include "datadir.h"
#include "dbus_export.h"
#include "log.h"
#include "plugin_call.h"
#include "plugin_host.h"
#include "rpc_server.h"
#include "util.h"

struct lbd_daemon {
  lbd_core core; /* what the modules are handed, const */
  lbd_config *config;
  lbd_rpc_server *server; /* NULL with no_socket, and once stopping */
  lbd_dbus *dbus;         /* NULL with no_dbus, and once stopping */
  char *config_path, *data_dir, *db_path, *socket_path;
  char **plugin_dirs;
  size_t n_plugin_dirs;
  bool builtin_plugins, no_dbus, no_socket, signals, verbose;
  char dbus_state[160]; /* without an export: why */
  int data_lock;        /* the data directory's lock, held until lbd_daemon_free */
  uv_signal_t sig_term, sig_int, sig_hup;
  bool handles;      /* the loop's handles were made (and must be closed) */
  char failure[160]; /* why the daemon stopped before it started */
};

/* ---- configuration --------------------------------------------------------------- */

static const struct {
  const char *name;
  int level;
} levels[] = {{"err", LBU_ERR},       {"error", LBU_ERR}, {"warning", LBU_WARNING},
              {"notice", LBU_NOTICE}, {"info", LBU_INFO}, {"debug", LBU_DEBUG}};

/* The [daemon] section: log_level. */
static void apply_config(lbd_daemon *d) {
  const char *lvl = lbd_config_get(d->config, "daemon", "log_level");
  if (d->verbose) {
    lbu_log_set_max_level(LBU_DEBUG);
  } else if (lvl) {
    for (size_t i = 0; i < sizeof(levels) / sizeof(levels[0]); i++)
      if (strcasecmp(levels[i].name, lvl) == 0) {
        lbu_log_set_max_level(levels[i].level);
        return;
      }
    lbu_warn("[daemon] log_level = %s is not one of err, warning, notice, info, debug; using info",
             lvl);
    lbu_log_set_max_level(LBU_INFO);
  }
}

int lbd_daemon_reload(lbd_daemon *d, char *err, size_t errlen) {
  lbd_config *c = lbd_config_load(d->config_path, err, errlen);
  if (!c) {
    lbu_err("reload: %s; keeping the previous configuration", err);
    return -1;
  }
  lbd_config *old = d->config;
  d->config = c;
  d->core.config = c;
  apply_config(d);
  /* Plugins may hold strings of the old config until they hear of the new. */
  lbd_plugins_config_reloaded(d->core.plugins);
  lbd_config_free(old);
  lbu_info("configuration reloaded from %s",
           lbd_config_from_file(c) ? d->config_path : "the built-in defaults");
  return 0;
}

/* ---- making it ---------------------------------------------------------------------- */

static char *builtin_plugin_dir(void) {
  char exe[PATH_MAX];
  size_t len = sizeof(exe);
  if (uv_exepath(exe, &len) < 0)
    return lbu_xstrdup(LUMBARD_PLUGIN_INSTALL_DIR);
  char *dir = dirname(exe);
  /* The install layout first; the build tree keeps lib/ even where the
   * install's libdir is multiarch. */
  char *p = lbu_xasprintf("%s/%s", dir, LUMBARD_PLUGIN_RELDIR);
  struct stat st;
  if (stat(p, &st) != 0) {
    free(p);
    p = lbu_xasprintf("%s/../lib/lumbard/plugins", dir);
  }
  /* /usr/lib/lumbard/plugins in the log, not /usr/bin/../lib/... */
  char *real = realpath(p, NULL);
  if (!real)
    return p;
  free(p);
  return real;
}

static void on_clock_changed(void *ud) {
  lbd_daemon *d = ud;
  lbu_info("the wall clock or the time zone changed; plugins recompute their schedules");
  lbd_plugins_clock_changed(d->core.plugins);
}

static void on_stop_signal(uv_signal_t *h, int signum) {
  lbu_info("%s: stopping", strsignal(signum));
  lbd_daemon_stop(h->data);
}

static void on_hup(uv_signal_t *h, int signum) {
  char err[512];
  (void)signum;
  lbu_info("SIGHUP: reloading the configuration");
  lbd_daemon_reload(h->data, err, sizeof(err));
}

/* Paths and options: copies, so the caller's may go. */
static int take_options(lbd_daemon *d, const lbd_daemon_options *o, char *err, size_t errlen) {
  d->config_path = o->config_path
                       ? lbu_xstrdup(o->config_path)
                       : lbu_xdg_path("XDG_CONFIG_HOME", ".config", "lumbard/lumbard.conf");
  d->data_dir = o->data_dir ? lbu_xstrdup(o->data_dir)
                            : lbu_xdg_path("XDG_DATA_HOME", ".local/share", "lumbard");
  if (o->socket_path) {
    d->socket_path = lbu_xstrdup(o->socket_path);
  } else {
    char buf[PATH_MAX];
    if (lb_socket_path_default(buf, sizeof(buf)) < 0) {
      snprintf(err, errlen, "the default socket path is too long; pass --socket");
      return -ENAMETOOLONG;
    }
    d->socket_path = lbu_xstrdup(buf);
  }
  d->db_path = lbu_xasprintf("%s/lumbard.db", d->data_dir);
  for (size_t i = 0; i < o->n_plugin_dirs; i++) {
    d->plugin_dirs = lbu_xrealloc(d->plugin_dirs, (d->n_plugin_dirs + 1) * sizeof(char *));
    d->plugin_dirs[d->n_plugin_dirs++] = lbu_xstrdup(o->plugin_dirs[i]);
  }
  d->builtin_plugins = o->builtin_plugins;
  d->no_dbus = o->no_dbus;
  d->no_socket = o->no_socket;
  d->signals = o->signals;
  d->verbose = o->verbose;
  snprintf(d->dbus_state, sizeof(d->dbus_state), "%s",
           o->dbus_state ? o->dbus_state : "disabled (--no-dbus)");
  return 0;
}

/* Before anything in it is opened: the data directory is ours, and this
 * daemon's alone until it exits. */
static int lock_data(lbd_daemon *d, char *err, size_t errlen) {
  d->data_lock = lbd_datadir_lock(d->data_dir, d->socket_path, err, errlen);
  if (d->data_lock == -EBUSY && !d->no_dbus &&
      (getenv("DBUS_STARTER_ADDRESS") || getenv("DBUS_STARTER_BUS_TYPE"))) {
    /* Activated by the bus (stderr is what the bus, or the journal, shows):
     * the lumbard that holds the data does not own the name, or the bus
     * would have called it, so it serves no D-Bus. Say who, and the way out. */
    char held[512];
    snprintf(held, sizeof(held), "%s", err);
    snprintf(err, errlen,
             "D-Bus activation of %s: %s; it does not serve D-Bus (it was started with "
             "--no-dbus, or without a session bus), so this lumbard cannot start for the bus. "
             "Stop it (kill the pid above, or systemctl --user stop lumbard) and call again, or "
             "run it without --no-dbus so that it serves the bus itself",
             LBD_DBUS_NAME, held);
  }
  return d->data_lock < 0 ? d->data_lock : 0;
}

lbd_daemon *lbd_daemon_new(uv_loop_t *loop, const lbd_daemon_options *o, int *ret_errno, char *err,
                           size_t errlen) {
  if (ret_errno)
    *ret_errno = 0;
  lbd_daemon *d = lbu_xcalloc(1, sizeof(*d));
  d->data_lock = -1;
  int r = take_options(d, o, err, errlen);
  if (r < 0)
    goto fail;
  if (d->verbose)
    lbu_log_set_max_level(LBU_DEBUG);
  d->config = o->config_text ? lbd_config_parse_string(o->config_text, "options", err, errlen)
                             : lbd_config_load(d->config_path, err, errlen);
  if (!d->config) {
    r = -EINVAL;
    goto fail;
  }
  apply_config(d);
  if (!o->config_text && !lbd_config_from_file(d->config))
    lbu_info("no config file at %s: using the built-in defaults", d->config_path);
  if ((r = lock_data(d, err, errlen)) < 0)
    goto fail;
  lbd_store *store = lbd_store_open(d->db_path, err, errlen);
  if (!store) {
    r = -EIO;
    goto fail;
  }

  lbd_core *c = &d->core;
  c->loop = loop;
  c->store = store;
  c->config = d->config;
  c->config_path = d->config_path;
  c->data_dir = d->data_dir;
  c->db_path = d->db_path;
  c->socket_path = d->socket_path;
  c->started_at_ms = lbd_clock_now_ms(LB_CLOCK_WALL);
  lbd_store_attach(store, loop);
  c->reads = lbd_store_reads_new(loop, store);
  c->registry = lbd_registry_new();
  c->calls = lbd_calls_new();
  c->events = lbd_events_new(loop, c->registry);
  c->pcalls = lbd_pcalls_new(c);
  c->plugins = lbd_plugins_new(c);
  uv_signal_init(loop, &d->sig_term);
  uv_signal_init(loop, &d->sig_int);
  uv_signal_init(loop, &d->sig_hup);
  d->sig_term.data = d->sig_int.data = d->sig_hup.data = d;
  d->handles = true;
  c->timers = lbd_timers_new(loop, on_clock_changed, d, &r);
  if (!c->timers) {
    /* Handles are on the loop now: lbd_daemon_start says why and the caller
     * runs the loop to close them, as after any failed start. */
    snprintf(d->failure, sizeof(d->failure), "cannot create a timerfd: %s", strerror(-r));
    lbd_daemon_stop(d);
    return d;
  }
  const char *zone_dir = getenv("LUMBARD_ZONE_DIR"); /* a test seam; /etc otherwise */
  lbd_timers_watch_zone(c->timers, loop, zone_dir && *zone_dir ? zone_dir : "/etc");
  return d;

fail:
  if (ret_errno)
    *ret_errno = r;
  lbd_daemon_free(d);
  return NULL;
}

static void load_plugins(lbd_daemon *d) {
  lbd_plugins *ps = d->core.plugins;
  if (d->builtin_plugins) {
    char *builtin = builtin_plugin_dir();
    lbd_plugins_load_dir(ps, builtin, false);
    free(builtin);
    char *user_dir = lbu_xdg_path("XDG_DATA_HOME", ".local/share", "lumbard/plugins");
    lbd_plugins_load_dir(ps, user_dir, true);
    free(user_dir);
  }
  for (size_t i = 0; i < d->n_plugin_dirs; i++)
    lbd_plugins_load_dir(ps, d->plugin_dirs[i], false);
}

static void say_ready(const lbd_daemon *d) {
  const lbd_plugins *ps = d->core.plugins;
  char names[512] = "";
  size_t off = 0;
  for (size_t i = 0; i < lbd_plugins_count(ps) && off < sizeof(names); i++)
    off += (size_t)snprintf(names + off, sizeof(names) - off, "%s%s", i ? ", " : "",
                            lbd_plugin_name(lbd_plugins_at(ps, i)));
  lbu_notice("lumbard %s ready on %s with %zu plugin%s%s%s%s; database %s", LUMBARD_VERSION,
             d->no_socket ? "no socket" : d->socket_path, lbd_plugins_count(ps),
             lbd_plugins_count(ps) == 1 ? "" : "s", off ? " (" : "", names, off ? ")" : "",
             d->db_path);
}

int lbd_daemon_start(lbd_daemon *d, char *err, size_t errlen) {
  int r = -ECANCELED;
  if (d->core.stopping) {
    snprintf(err, errlen, "%s", d->failure[0] ? d->failure : "the daemon is stopping");
    return r;
  }
  /* The socket first: a second daemon must stop before its plugins touch
   * the database or fire anything. */
  if (!d->no_socket) {
    if (!(d->server = lbd_rpc_server_listen(&d->core, d->socket_path, err, errlen)))
      goto fail;
    if ((r = lbd_rpc_methods_register(&d->core)) < 0) {
      snprintf(err, errlen, "the socket's methods could not be declared");
      goto fail;
    }
  }
  if ((r = lbd_core_methods_register(d)) < 0) {
    snprintf(err, errlen, "the core methods could not be declared");
    goto fail;
  }
  /* Caught from here on, handled once the loop runs: a SIGTERM while the
   * plugins load stops lumbard cleanly after them, rather than killing it in
   * the middle of one (which the plugin crash guard would blame on that
   * plugin). */
  if (d->signals) {
    uv_signal_start(&d->sig_term, on_stop_signal, SIGTERM);
    uv_signal_start(&d->sig_int, on_stop_signal, SIGINT);
    uv_signal_start(&d->sig_hup, on_hup, SIGHUP);
  }
  /* On the bus before the plugins load, so that what they emit while
   * starting is seen as signals; the name is taken once they are there. */
  if (d->no_dbus)
    lbu_info("D-Bus %s: serving on the socket only", d->dbus_state);
  else
    d->dbus = lbd_dbus_start(&d->core);
  load_plugins(d);
  if (d->dbus && (r = lbd_dbus_request_name(d->dbus, err, errlen)) < 0)
    goto fail;
  say_ready(d);
  return 0;

fail:
  lbd_daemon_stop(d);
  return r < 0 ? r : -EIO;
}

/* ---- stopping it ------------------------------------------------------------------ */

void lbd_daemon_stop(lbd_daemon *d) {
  lbd_core *c = &d->core;
  if (c->stopping)
    return;
  c->stopping = true;
  /* Plugins first, while clients are still connected: a call a plugin had
   * deferred is answered with the reason rather than lost. No client is
   * read from before the server closes below, in this same callback. */
  lbd_plugins_unload_all(c->plugins);
  lbd_calls_fail_owner(c->calls, NULL,
                       "the daemon is stopping"); /* core calls are never deferred */
  lbd_pcalls_close(c->pcalls);
  c->pcalls = NULL;
  lbd_store_reads_close(c->reads);
  lbd_store_detach(c->store);
  lbd_dbus_stop(d->dbus);
  d->dbus = NULL;
  lbd_rpc_server_close(d->server);
  d->server = NULL;
  lbd_timers_close(c->timers);
  c->timers = NULL;
  lbd_events_close(c->events);
  c->events = NULL;
  if (d->handles) {
    uv_close((uv_handle_t *)&d->sig_term, NULL);
    uv_close((uv_handle_t *)&d->sig_int, NULL);
    uv_close((uv_handle_t *)&d->sig_hup, NULL);
  }
}

void lbd_daemon_free(lbd_daemon *d) {
  if (!d)
    return;
  lbd_plugins_free(d->core.plugins);
  lbd_registry_free(d->core.registry);
  lbd_calls_free(d->core.calls);
  lbd_store_reads_free(d->core.reads);
  lbd_store_close(d->core.store);
  lbd_datadir_unlock(d->data_lock);
  lbd_config_free(d->config);
  for (size_t i = 0; i < d->n_plugin_dirs; i++)
    free(d->plugin_dirs[i]);
  free(d->plugin_dirs);
  free(d->config_path);
  free(d->data_dir);
  free(d->socket_path);
  free(d->db_path);
  free(d);
}

/* ---- what it says of itself ------------------------------------------------------- */

const lbd_core *lbd_daemon_core(const lbd_daemon *d) {
  return &d->core;
}

const char *lbd_daemon_dbus_state(const lbd_daemon *d) {
  return d->dbus ? lbd_dbus_state(d->dbus) : d->dbus_state;
}

size_t lbd_daemon_n_clients(const lbd_daemon *d) {
  return d->server ? lbd_rpc_server_n_clients(d->server) : 0;
}

size_t lbd_daemon_n_subscribers(const lbd_daemon *d) {
  return d->server ? lbd_rpc_server_n_subscribers(d->server) : 0;
}
