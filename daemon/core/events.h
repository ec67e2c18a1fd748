/* The event fan-out. It knows no transport: the socket server and the D-Bus
 * export register as sinks and hear each event at once (and the D-Bus export
 * as a property sink, each property a plugin says has changed); plugins listening to
 * events hear them on a later loop turn, so no plugin is re-entered from
 * inside another plugin's emit. */
#ifndef LB_EVENTS_H
#define LB_EVENTS_H

#include <uv.h>

#include "registry.h"

typedef struct lb_events lb_events;
typedef void (*lb_sink_fn)(void *userdata, const lb_event_entry *ev, const lb_value *fields);
typedef void (*lb_property_sink_fn)(void *userdata, const lb_property_entry *prop);

lb_events *lb_events_new(uv_loop_t *loop, lb_registry *reg);
void lb_events_close(lb_events *e); /* freed in the idle handle's close callback */

void lb_events_add_sink(lb_events *e, lb_sink_fn fn, void *userdata);
void lb_events_remove_sink(lb_events *e, lb_sink_fn fn, void *userdata);
void lb_events_add_property_sink(lb_events *e, lb_property_sink_fn fn, void *userdata);
void lb_events_remove_property_sink(lb_events *e, lb_property_sink_fn fn, void *userdata);

/* Tell the property sinks that "<plugin>.<name>" changed: 0, or -ENOENT when
 * no such property is declared. */
int lb_events_property_changed(lb_events *e, const char *full_name);

/* Publish owner's event "<plugin>.<short>". fields must be a map holding every
 * declared field with its declared type. Returns 0, -ENOENT (not declared by
 * this owner) or -EINVAL; err says which. */
int lb_events_emit(lb_events *e, const lb_plugin *owner, const char *plugin, const char *short_name,
                   const lb_value *fields, char *err, size_t errlen);

int lb_events_listen(lb_events *e, lb_plugin *owner, const char *pattern, lb_listen_fn fn,
                     void *userdata);
void lb_events_remove_owner(lb_events *e, lb_plugin *owner);

/* Event names are matched against subscription patterns as globs. */
bool lb_event_matches(const char *pattern, const char *name);

#endif
