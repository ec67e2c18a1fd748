/* The daemon's context: one of each module, shared by the core's files. */
#ifndef LB_DAEMON_H
#define LB_DAEMON_H

#include <stdbool.h>
#include <stdint.h>
#include <uv.h>

#include "config.h"
#include "events.h"
#include "registry.h"
#include "store.h"
#include "timers.h"

typedef struct lb_call lb_call;
typedef struct lb_plugins lb_plugins;
typedef struct lb_rpc_server lb_rpc_server;
typedef struct lb_dbus lb_dbus;
typedef struct lb_pcalls lb_pcalls;

typedef struct lb_daemon {
  uv_loop_t *loop;
  lb_registry *registry;
  lb_events *events;
  lb_timers *timers;
  lb_store *store;
  lb_config *config;
  lb_plugins *plugins;
  lb_rpc_server *server;
  lb_dbus *dbus;     /* NULL without a session bus */
  lb_pcalls *pcalls; /* calls between plugins; made at the first one */
  /* Told of each lb_host.property_changed(), with the full property name. */
  void (*property_changed)(void *ud, const char *full_name);
  void *property_changed_ud;
  lb_call *calls; /* calls not answered yet (deferred), newest first */

  char *config_path, *data_dir, *db_path, *socket_path;
  char **plugin_dirs; /* --plugin-dir, in order */
  size_t n_plugin_dirs;
  bool no_dbus;
  bool verbose; /* --verbose: debug lines whatever [daemon] log_level says */

  int data_lock;         /* the data directory's lock, held until exit */
  int64_t started_at_ms; /* wall clock */
  char dbus_state[160];  /* what daemon.status says about D-Bus */
  uv_signal_t sig_term, sig_int, sig_hup;
  bool stopping;
} lb_daemon;

/* Apply the [daemon] section (log_level). */
void lb_daemon_apply_config(lb_daemon *d);
/* Re-read the config file and tell the plugins. On a parse error the old
 * config stays and err says why. */
int lb_daemon_reload(lb_daemon *d, char *err, size_t errlen);
/* Close everything; uv_run returns once the close callbacks have run. */
void lb_daemon_stop(lb_daemon *d);

/* The daemon.* methods. */
int lb_core_methods_register(lb_daemon *d);

#endif
