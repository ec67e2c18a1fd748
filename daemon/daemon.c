#include "daemon.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "call.h"
#include "dbus_export.h"
#include "log.h"
#include "plugin_call.h"
#include "plugin_host.h"
#include "rpc_server.h"

static const struct {
  const char *name;
  int level;
} levels[] = {{"err", LB_ERR},       {"error", LB_ERR}, {"warning", LB_WARNING},
              {"notice", LB_NOTICE}, {"info", LB_INFO}, {"debug", LB_DEBUG}};

void lb_daemon_apply_config(lb_daemon *d) {
  const char *lvl = lb_config_get(d->config, "daemon", "log_level");
  if (d->verbose) {
    lb_log_set_max_level(LB_DEBUG);
  } else if (lvl) {
    for (size_t i = 0; i < sizeof(levels) / sizeof(levels[0]); i++)
      if (strcasecmp(levels[i].name, lvl) == 0) {
        lb_log_set_max_level(levels[i].level);
        return;
      }
    lb_warn("[daemon] log_level = %s is not one of err, warning, notice, info, debug; using info",
            lvl);
    lb_log_set_max_level(LB_INFO);
  }
}

int lb_daemon_reload(lb_daemon *d, char *err, size_t errlen) {
  lb_config *c = lb_config_load(d->config_path, err, errlen);
  if (!c) {
    lb_err("reload: %s; keeping the previous configuration", err);
    return -1;
  }
  lb_config *old = d->config;
  d->config = c;
  lb_daemon_apply_config(d);
  /* Plugins may hold strings of the old config until they hear of the new. */
  lb_plugins_config_reloaded(d->plugins);
  lb_config_free(old);
  lb_info("configuration reloaded from %s",
          lb_config_from_file(c) ? d->config_path : "the built-in defaults");
  return 0;
}

void lb_daemon_stop(lb_daemon *d) {
  if (d->stopping)
    return;
  d->stopping = true;
  /* Plugins first, while clients are still connected: a call a plugin had
   * deferred is answered with the reason rather than lost. No client is
   * read from before the server closes below, in this same callback. */
  lb_plugins_unload_all(d->plugins);
  lb_calls_fail_owner(d, NULL, "the daemon is stopping"); /* core calls are never deferred */
  lb_pcalls_close(d->pcalls);
  d->pcalls = NULL;
  lb_store_detach(d->store);
  lb_dbus_stop(d->dbus);
  lb_rpc_server_close(d->server);
  d->server = NULL;
  lb_timers_close(d->timers);
  lb_events_close(d->events);
  uv_close((uv_handle_t *)&d->sig_term, NULL);
  uv_close((uv_handle_t *)&d->sig_int, NULL);
  uv_close((uv_handle_t *)&d->sig_hup, NULL);
}
