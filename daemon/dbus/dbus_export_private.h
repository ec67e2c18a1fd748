/* What the D-Bus export's files share: the export itself (dbus_export.c:
 * life, routing, calls, signals), its member table and introspection XML
 * (dbus_members.c) and its properties (dbus_properties.c). Nothing else
 * includes it. */
#ifndef LBD_DBUS_EXPORT_PRIVATE_H
#define LBD_DBUS_EXPORT_PRIVATE_H

#include <dbus/dbus.h>
#include <stdbool.h>
#include <stddef.h>
#include <uv.h>

#include "dbus_export.h"
#include "dbus_glue.h"
#include "registry.h"

#define ERROR_PREFIX "org.lumbard.Lumbard1.Error."

/* One exported member: a method, a signal or a property, with its D-Bus
 * names. Rebuilt (with the XML) whenever the registry changes. */
typedef struct member {
  char *iface, *name;
  const lbd_method_entry *method;
  const lbd_event_entry *event;
  const lbd_property_entry *prop;
  char *in_sig; /* methods: the signature the call must have */
} member;

struct lbd_dbus {
  const lbd_core *core;
  char state[160]; /* what daemon.status says of D-Bus */
  DBusConnection *conn;
  lbu_dbus_glue *glue;
  uv_idle_t idle; /* PropertiesChanged once per loop turn; leave_bus when the bus goes */
  bool lost, stopping, name_owned;
  unsigned generation; /* of the registry the table and XML were built from */
  member *members;
  size_t n_members;
  char *xml;
  char **changed; /* full property names waiting for PropertiesChanged */
  size_t n_changed;
};

/* The export's tag on the calls it makes (lbd_call_origin.transport). */
extern const char lbd_dbus_transport[];

/* dbus_export.c: send a message (and drop it) while on the bus; an error
 * reply to call, unless it asked for none. */
void lbd_dbus_send(lbd_dbus *x, DBusMessage *m);
void lbd_dbus_reply_error(lbd_dbus *x, DBusMessage *call, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* After this loop turn, send what changed (or leave a lost bus). */
void lbd_dbus_flush_later(lbd_dbus *x);

/* dbus_members.c: the D-Bus names of a plugin's interface ("daemon": the
 * core's) and of a member ("rest.start" of "rest": "Start"), both malloc'd;
 * the table and XML rebuilt when the declarations changed; a member of a
 * kind (0 method, 1 signal, 2 property) by name, in iface or (NULL) any. */
char *lbd_dbus_members_iface(const char *plugin);
char *lbd_dbus_members_camel(const char *full, const char *plugin);
void lbd_dbus_members_refresh(lbd_dbus *x);
const member *lbd_dbus_members_find(lbd_dbus *x, const char *iface, const char *name, int kind);
bool lbd_dbus_members_iface_known(lbd_dbus *x, const char *iface);
/* When iface is that of a plugin that did not load: true, and why. */
bool lbd_dbus_members_failed_plugin(lbd_dbus *x, const char *iface, char *why, size_t len);
void lbd_dbus_members_free(lbd_dbus *x);

/* dbus_properties.c: the core's own properties (Version, Plugins,
 * StartedAt); org.freedesktop.DBus.Properties calls; the property sink,
 * which notes a change and has PropertiesChanged sent once per loop turn
 * (lbd_dbus_properties_flush, from the export's idle handle). */
#define LBD_DBUS_N_CORE_PROPS 3
typedef struct lbd_dbus_core_prop {
  const char *name, *sig;
} lbd_dbus_core_prop;
extern const lbd_dbus_core_prop lbd_dbus_core_props[LBD_DBUS_N_CORE_PROPS];
void lbd_dbus_properties_call(lbd_dbus *x, DBusMessage *msg);
void lbd_dbus_properties_changed(void *ud, const lbd_property_entry *prop);
void lbd_dbus_properties_flush(lbd_dbus *x);

#endif
