/* The event fan-out. It knows no transport: the socket server and the D-Bus
 * export register as sinks and hear each event at once (and the D-Bus export
 * as a property sink, each property a plugin says has changed); plugins listening to
 * events hear them on a later loop turn, so no plugin is re-entered from
 * inside another plugin's emit. */
#ifndef LBD_EVENTS_H
#define LBD_EVENTS_H

#include <uv.h>

#include "registry.h"

typedef struct lbd_events lbd_events;
typedef void (*lbd_sink_fn)(void *userdata, const lbd_event_entry *ev, const lb_value *fields);
typedef void (*lbd_property_sink_fn)(void *userdata, const lbd_property_entry *prop);

lbd_events *lbd_events_new(uv_loop_t *loop, lbd_registry *reg);
void lbd_events_close(lbd_events *e); /* freed in the idle handle's close callback */

void lbd_events_add_sink(lbd_events *e, lbd_sink_fn fn, void *userdata);
void lbd_events_remove_sink(lbd_events *e, lbd_sink_fn fn, void *userdata);
void lbd_events_add_property_sink(lbd_events *e, lbd_property_sink_fn fn, void *userdata);
void lbd_events_remove_property_sink(lbd_events *e, lbd_property_sink_fn fn, void *userdata);

/* Tell the property sinks that "<plugin>.<name>" changed: 0, or -ENOENT when
 * no such property is declared. */
int lbd_events_property_changed(lbd_events *e, const char *full_name);

/* Publish owner's event "<plugin>.<short>". fields must be a map holding every
 * declared field with its declared type. Returns 0, -ENOENT (not declared by
 * this owner) or -EINVAL; err says which. */
int lbd_events_emit(lbd_events *e, const lb_plugin *owner, const char *plugin,
                    const char *short_name, const lb_value *fields, char *err, size_t errlen);

int lbd_events_listen(lbd_events *e, lb_plugin *owner, const char *pattern, lb_listen_fn fn,
                      void *userdata);
void lbd_events_remove_owner(lbd_events *e, lb_plugin *owner);

/* Event names are matched against subscription patterns as globs. */
bool lbd_event_matches(const char *pattern, const char *name);

#endif
