/* Loading plugins and the table of host functions they call. */
#ifndef LB_PLUGIN_HOST_H
#define LB_PLUGIN_HOST_H

#include <lumbard/plugin.h>
#include <stdbool.h>

#include "core.h"

lb_plugins *lb_plugins_new(const lb_core *core);
void lb_plugins_free(lb_plugins *ps); /* after lb_plugins_unload_all; accepts NULL */

/* Load every *.so in dir, in name order. A missing dir is fine when
 * missing_ok (the user's own plugin dir usually does not exist). Each plugin
 * that is not valid, or whose init fails, is skipped with a log line. */
void lb_plugins_load_dir(lb_plugins *ps, const char *dir, bool missing_ok);
/* Load one file. 0, or a negative errno after logging why it was skipped:
 * -ECANCELED for a file that crashed lumbard while loading at an earlier
 * start and has not changed since (the crash guard, kept in the data dir's
 * plugin-guard file; none without core->data_dir). */
int lb_plugins_load(lb_plugins *ps, const char *path);
void lb_plugins_unload_all(lb_plugins *ps); /* newest first */

void lb_plugins_config_reloaded(lb_plugins *ps);
void lb_plugins_clock_changed(lb_plugins *ps);

size_t lb_plugins_count(const lb_plugins *ps);
lb_plugin *lb_plugins_at(const lb_plugins *ps, size_t i); /* in load order */
lb_plugin *lb_plugins_find(const lb_plugins *ps, const char *name);
const char *lb_plugin_name(const lb_plugin *p);
const char *lb_plugin_version(const lb_plugin *p);
const char *lb_plugin_description(const lb_plugin *p);
const char *lb_plugin_path(const lb_plugin *p);

/* When the plugin called name (len bytes, not NUL-terminated) did not load:
 * true, with a sentence for the person in buf ("the pain plugin did not load
 * (WHY); its file is PATH, and lumbard's log ... says more"). */
bool lb_plugins_why_missing(const lb_plugins *ps, const char *name, size_t len, char *buf,
                            size_t buflen);
size_t lb_plugins_n_failed(const lb_plugins *ps);
const char *lb_plugins_failed_at(const lb_plugins *ps, size_t i, const char **ret_path,
                                 const char **ret_reason);

/* The host table every plugin gets. */
extern const lb_host lb_host_table;

#endif
