/* The services every part of the daemon shares: made and owned by the
 * daemon (daemon.c), handed to the plugin host and to each transport as a
 * const lb_core *, read by them and written by nobody else. Who frees what:
 * lb_daemon_free, once the loop has run every close callback. */
#ifndef LB_CORE_H
#define LB_CORE_H

#include <stdbool.h>
#include <stdint.h>
#include <uv.h>

#include "config.h"
#include "events.h"
#include "registry.h"
#include "store.h"
#include "timers.h"

typedef struct lb_calls lb_calls;
typedef struct lb_plugins lb_plugins;
typedef struct lb_pcalls lb_pcalls;

typedef struct lb_core {
  uv_loop_t *loop;
  lb_registry *registry;
  lb_events *events; /* events and property changes, to every sink */
  lb_timers *timers;
  lb_store *store;
  lb_calls *calls; /* calls not answered yet */
  lb_plugins *plugins;
  lb_pcalls *pcalls;       /* calls between plugins */
  const lb_config *config; /* the one in effect: replaced by a reload */
  /* Where things are; output.c refuses to write over any of them. */
  const char *config_path, *data_dir, *db_path, *socket_path;
  int64_t started_at_ms; /* wall clock */
  bool stopping;         /* set once, by lb_daemon_stop */
} lb_core;

#endif
