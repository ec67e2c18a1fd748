/* libdbus inside the libuv loop, with no second thread and nothing polling.
 *
 * - Watches: one uv_poll_t per file descriptor, carrying the combined flags
 *   of that fd's enabled watches (libdbus may add a read and a write watch on
 *   one fd; libuv refuses two polls on one fd). Hangup and errors are always
 *   watched.
 * - Timeouts: one repeating uv_timer_t per DBusTimeout, re-armed with the
 *   current interval whenever libdbus toggles it.
 * - Dispatch: from a uv_idle_t that the dispatch-status and wake-up
 *   callbacks only start; it dispatches until complete, then stops. Nothing
 *   is dispatched inside libdbus's callbacks.
 *
 * Every handle is freed in its close callback; the glue itself once the last
 * one has closed. */
#ifndef LBU_DBUS_GLUE_H
#define LBU_DBUS_GLUE_H

#include <dbus/dbus.h>
#include <uv.h>

typedef struct lbu_dbus_glue lbu_dbus_glue;

/* Take over conn's main-loop integration. The glue holds a reference to conn
 * until it is closed. */
lbu_dbus_glue *lbu_dbus_glue_new(uv_loop_t *loop, DBusConnection *conn);
/* Close the connection (it must be a private one), release it and close
 * every handle. Accepts NULL. */
void lbu_dbus_glue_close(lbu_dbus_glue *g);

#endif
