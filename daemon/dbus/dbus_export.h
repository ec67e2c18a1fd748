/* lumbard on the session bus: the object /org/lumbard/Lumbard1 generated from
 * the declarations (core interface org.lumbard.Lumbard1, one interface per
 * plugin), method calls dispatched like socket calls, every event a signal,
 * Introspectable and Properties served. */
#ifndef LBD_DBUS_EXPORT_H
#define LBD_DBUS_EXPORT_H

#include <stddef.h>

#include "core.h"

#define LBD_DBUS_NAME "org.lumbard.Lumbard1"
#define LBD_DBUS_PATH "/org/lumbard/Lumbard1"
#define LBD_DBUS_IFACE "org.lumbard.Lumbard1"

typedef struct lbd_dbus lbd_dbus;

/* Connect to the session bus, export the object and start sending signals.
 * Without a bus, a notice is logged and the export serves nothing; its
 * state (lbd_dbus_state) says why. */
lbd_dbus *lbd_dbus_start(const lbd_core *core);
/* For daemon.status: "org.lumbard.Lumbard1 on the session bus", "no session
 * bus", "lost the session bus", ... */
const char *lbd_dbus_state(const lbd_dbus *x);
/* Take the bus name (do-not-queue), once the plugins are loaded. -EEXIST
 * when another process owns it; err says what to do. */
int lbd_dbus_request_name(lbd_dbus *x, char *err, size_t errlen);
/* Leave the bus; freed once its handles have closed. Accepts NULL. */
void lbd_dbus_stop(lbd_dbus *x);

#endif
