/* Loading plugins and the table of host functions they call. */
#ifndef LBD_PLUGIN_HOST_H
#define LBD_PLUGIN_HOST_H

#include <lumbard/plugin.h>
#include <stdbool.h>

#include "core.h"

lbd_plugins *lbd_plugins_new(const lbd_core *core);
void lbd_plugins_free(lbd_plugins *ps); /* after lbd_plugins_unload_all; accepts NULL */

/* Load every *.so in dir, in name order. A missing dir is fine when
 * missing_ok (the user's own plugin dir usually does not exist). Each plugin
 * that is not valid, or whose init fails, is skipped with a log line. */
void lbd_plugins_load_dir(lbd_plugins *ps, const char *dir, bool missing_ok);
/* Load one file. 0, or a negative errno after logging why it was skipped:
 * -ECANCELED for a file that crashed lumbard while loading at an earlier
 * start and has not changed since (the crash guard, kept in the data dir's
 * plugin-guard file; none without core->data_dir). */
int lbd_plugins_load(lbd_plugins *ps, const char *path);
void lbd_plugins_unload_all(lbd_plugins *ps); /* newest first */

void lbd_plugins_config_reloaded(lbd_plugins *ps);
void lbd_plugins_clock_changed(lbd_plugins *ps);

size_t lbd_plugins_count(const lbd_plugins *ps);
lb_plugin *lbd_plugins_at(const lbd_plugins *ps, size_t i); /* in load order */
lb_plugin *lbd_plugins_find(const lbd_plugins *ps, const char *name);
const char *lbd_plugin_name(const lb_plugin *p);
const char *lbd_plugin_version(const lb_plugin *p);
const char *lbd_plugin_description(const lb_plugin *p);
const char *lbd_plugin_path(const lb_plugin *p);

/* When the plugin called name (len bytes, not NUL-terminated) did not load:
 * true, with a sentence for the person in buf ("the pain plugin did not load
 * (WHY); its file is PATH, and lumbard's log ... says more"). */
bool lbd_plugins_why_missing(const lbd_plugins *ps, const char *name, size_t len, char *buf,
                             size_t buflen);
size_t lbd_plugins_n_failed(const lbd_plugins *ps);
const char *lbd_plugins_failed_at(const lbd_plugins *ps, size_t i, const char **ret_path,
                                  const char **ret_reason);

/* The host table every plugin gets. */
extern const lb_host lbd_host_table;

#endif
