/* The services every part of the daemon shares: made and owned by the
 * daemon (daemon.c), handed to the plugin host and to each transport as a
 * const lbd_core *, read by them and written by nobody else. Who frees what:
 * lbd_daemon_free, once the loop has run every close callback. */
#ifndef LBD_CORE_H
#define LBD_CORE_H

#include <stdbool.h>
#include <stdint.h>
#include <uv.h>

#include "config.h"
#include "events.h"
#include "registry.h"
#include "store.h"
#include "store_read.h"
#include "timers.h"

typedef struct lbd_calls lbd_calls;
typedef struct lbd_plugins lbd_plugins;
typedef struct lbd_pcalls lbd_pcalls;

typedef struct lbd_core {
  uv_loop_t *loop;
  lbd_registry *registry;
  lbd_events *events; /* events and property changes, to every sink */
  lbd_timers *timers;
  lbd_store *store;
  lbd_store_reads *reads; /* long reads, on worker threads */
  lbd_calls *calls;       /* calls not answered yet */
  lbd_plugins *plugins;
  lbd_pcalls *pcalls;       /* calls between plugins */
  const lbd_config *config; /* the one in effect: replaced by a reload */
  /* Where things are; output.c refuses to write over any of them. */
  const char *config_path, *data_dir, *db_path, *socket_path;
  int64_t started_at_ms; /* wall clock */
  bool stopping;         /* set once, by lbd_daemon_stop */
} lbd_core;

#endif
