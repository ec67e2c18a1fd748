/* The daemon: one of each module, made by one constructor that main(), the
 * tests and the fuzzers share, started, stopped and freed. The struct is
 * lbd_daemon's own (daemon.c); the modules it makes are handed what they need
 * as a const lbd_core * (core.h). */
#ifndef LBD_DAEMON_H
#define LBD_DAEMON_H

#include <stdbool.h>
#include <stddef.h>
#include <uv.h>

#include "core.h"

typedef struct lbd_daemon lbd_daemon;

typedef struct lbd_daemon_options {
  const char *config_path;        /* NULL: $XDG_CONFIG_HOME/lumbard/lumbard.conf */
  const char *config_text;        /* instead of a file (tests): the config, parsed once */
  const char *data_dir;           /* NULL: $XDG_DATA_HOME/lumbard */
  const char *socket_path;        /* NULL: $LUMBARD_SOCKET, else $XDG_RUNTIME_DIR/lumbard.sock */
  const char *const *plugin_dirs; /* --plugin-dir, in order */
  size_t n_plugin_dirs;
  bool builtin_plugins; /* the bundled ones and the user's own (lbd_daemon_start) */
  bool no_dbus, no_socket;
  bool signals;           /* SIGTERM, SIGINT stop; SIGHUP reloads */
  bool verbose;           /* debug lines whatever [daemon] log_level says */
  const char *dbus_state; /* what daemon.status says of D-Bus without it ("disabled (...)") */
} lbd_daemon_options;

/* Read the config, take the data directory and open the database, and make
 * every module on loop: nothing is served yet. NULL with err saying why (and
 * -EBUSY in *ret_errno when another lumbard holds the data); nothing is on
 * the loop then. */
lbd_daemon *lbd_daemon_new(uv_loop_t *loop, const lbd_daemon_options *o, int *ret_errno, char *err,
                           size_t errlen);
/* Serve: the socket, the core methods, D-Bus, the plugins, then the bus name.
 * On failure, err says why and the daemon is already stopping: run the loop
 * to let it close, then lbd_daemon_free. */
int lbd_daemon_start(lbd_daemon *d, char *err, size_t errlen);
/* Close everything; uv_run returns once the close callbacks have run. */
void lbd_daemon_stop(lbd_daemon *d);
/* After the loop has run every close callback. Accepts NULL. */
void lbd_daemon_free(lbd_daemon *d);

const lbd_core *lbd_daemon_core(const lbd_daemon *d);

/* Re-read the config file and tell the plugins. On a parse error the old
 * config stays and err says why. */
int lbd_daemon_reload(lbd_daemon *d, char *err, size_t errlen);

/* What daemon.status says of the transports. */
const char *lbd_daemon_dbus_state(const lbd_daemon *d);
size_t lbd_daemon_n_clients(const lbd_daemon *d);
size_t lbd_daemon_n_subscribers(const lbd_daemon *d);

/* The daemon.* methods (core_methods.c). */
int lbd_core_methods_register(lbd_daemon *d);

#endif
