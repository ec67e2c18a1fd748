/* The desktop's notification server (org.freedesktop.Notifications, the
 * Desktop Notifications Specification 1.2) over libdbus, in the libuv loop
 * through the daemon's glue. Every call is asynchronous: nothing here waits
 * for the bus.
 *
 * The server is followed by its unique name: the capabilities are asked
 * when lumbar-notify starts (which may start an activatable server) and
 * whenever NameOwnerChanged shows a new owner; ids from a server that left
 * are void, and answers that come from it late are dropped (gen). */
#include "notify.h"

#include <dbus/dbus.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dbus_glue.h"
#include "log.h"
#include "util.h"

#define NOTIFY_NAME "org.freedesktop.Notifications"
#define NOTIFY_PATH "/org/freedesktop/Notifications"
#define NOTIFY_IFACE "org.freedesktop.Notifications"

typedef struct call {
  ln_desk *d;
  uint64_t gen;
  DBusPendingCall *pc;
  ln_shown_fn fn; /* NULL: GetCapabilities */
  void *ud;
  struct call *prev, *next;
} call;

struct ln_desk {
  uv_loop_t *loop;
  DBusConnection *conn;
  lbu_dbus_glue *glue;
  ln_desk_cbs cbs;
  void *ud;
  uint64_t gen;     /* bumped whenever the server changes */
  bool present;     /* a server answered GetCapabilities */
  bool asking;      /* GetCapabilities in flight */
  bool said_absent; /* "no server" said since one was last there */
  char *owner;      /* the server's unique name */
  char **caps;
  size_t n_caps;
  call *calls; /* in flight */
};

static void free_caps(ln_desk *d) {
  for (size_t i = 0; i < d->n_caps; i++)
    free(d->caps[i]);
  free(d->caps);
  d->caps = NULL;
  d->n_caps = 0;
}

bool ln_desk_present(const ln_desk *d) {
  return d->present;
}

bool ln_desk_has(const ln_desk *d, const char *capability) {
  size_t n = strlen(capability);
  bool prefix = n > 0 && capability[n - 1] == '*';
  for (size_t i = 0; i < d->n_caps; i++)
    if (prefix ? strncmp(d->caps[i], capability, n - 1) == 0 : strcmp(d->caps[i], capability) == 0)
      return true;
  return false;
}

static void call_unlink(call *c) {
  if (c->prev)
    c->prev->next = c->next;
  else
    c->d->calls = c->next;
  if (c->next)
    c->next->prev = c->prev;
}

static void call_free(void *p) {
  call *c = p;
  free(c);
}

/* Send m with a reply expected; on_reply gets the call. Returns false when
 * it could not be sent. */
static bool send_call(ln_desk *d, DBusMessage *m, DBusPendingCallNotifyFunction on_reply,
                      ln_shown_fn fn, void *ud) {
  DBusPendingCall *pc = NULL;
  if (!dbus_connection_send_with_reply(d->conn, m, &pc, DBUS_TIMEOUT_USE_DEFAULT) || !pc)
    return false;
  call *c = lbu_xcalloc(1, sizeof(*c));
  *c = (call){.d = d, .gen = d->gen, .pc = pc, .fn = fn, .ud = ud, .next = d->calls};
  if (d->calls)
    d->calls->prev = c;
  d->calls = c;
  if (!dbus_pending_call_set_notify(pc, on_reply, c, call_free)) {
    call_unlink(c);
    dbus_pending_call_cancel(pc);
    dbus_pending_call_unref(pc);
    free(c);
    return false;
  }
  return true;
}

/* Take the call's reply out of the list of calls in flight; NULL when it is
 * an error (logged at debug with its name and message). The handler drops
 * our reference to the pending call last: that may free c. */
static DBusMessage *take_reply(call *c, const char *what) {
  call_unlink(c);
  DBusMessage *reply = dbus_pending_call_steal_reply(c->pc);
  if (reply && dbus_message_get_type(reply) == DBUS_MESSAGE_TYPE_ERROR) {
    DBusError err;
    dbus_error_init(&err);
    dbus_set_error_from_message(&err, reply);
    lbu_debug("%s: %s: %s", what, err.name, err.message);
    dbus_error_free(&err);
    dbus_message_unref(reply);
    return NULL;
  }
  return reply;
}

static void say_absent(ln_desk *d, const char *why) {
  if (!d->said_absent)
    lbu_notice("no notification server on the session bus (%s): lumbar-notify runs on and shows "
               "notifications when one appears",
               why);
  d->said_absent = true;
}

static void server_gone(ln_desk *d, const char *why) {
  bool was = d->present;
  d->present = false;
  d->gen++;
  free(d->owner);
  d->owner = NULL;
  free_caps(d);
  if (was) {
    lbu_notice("the notification server left the bus");
    d->said_absent = true;
  } else {
    say_absent(d, why);
  }
  if (was && d->cbs.server)
    d->cbs.server(d->ud, false);
}

static void capabilities_came(ln_desk *d, DBusMessage *reply);

static void on_capabilities(DBusPendingCall *pc, void *data) {
  call *c = data;
  ln_desk *d = c->d;
  DBusMessage *reply = take_reply(c, "GetCapabilities");
  if (c->gen == d->gen) {
    d->asking = false;
    if (reply)
      capabilities_came(d, reply);
    else
      server_gone(d, "GetCapabilities has no answer");
  }
  if (reply)
    dbus_message_unref(reply);
  dbus_pending_call_unref(pc);
}

static void capabilities_came(ln_desk *d, DBusMessage *reply) {
  char **caps = NULL;
  int n = 0;
  DBusError err;
  dbus_error_init(&err);
  if (!dbus_message_get_args(reply, &err, DBUS_TYPE_ARRAY, DBUS_TYPE_STRING, &caps, &n,
                             DBUS_TYPE_INVALID)) {
    lbu_warn("the notification server's capabilities are not a list of strings (%s); assuming "
             "none",
             err.message);
    dbus_error_free(&err);
    caps = NULL, n = 0;
  }
  free_caps(d);
  d->caps = lbu_xcalloc((size_t)n, sizeof(char *));
  for (int i = 0; i < n; i++)
    d->caps[i] = lbu_xstrdup(caps[i]);
  d->n_caps = (size_t)n;
  dbus_free_string_array(caps);
  free(d->owner);
  d->owner = lbu_xstrdup(dbus_message_get_sender(reply) ? dbus_message_get_sender(reply) : "");
  bool was = d->present;
  d->present = true;
  d->said_absent = false;
  char list[512] = "";
  for (size_t i = 0, o = 0; i < d->n_caps && o < sizeof(list); i++)
    o += (size_t)snprintf(list + o, sizeof(list) - o, "%s%s", i ? " " : "", d->caps[i]);
  lbu_info("notification server %s: %s", d->owner, list[0] ? list : "no capabilities");
  if (!was && d->cbs.server)
    d->cbs.server(d->ud, true);
}

static void ask_capabilities(ln_desk *d) {
  if (d->asking)
    return;
  DBusMessage *m =
      dbus_message_new_method_call(NOTIFY_NAME, NOTIFY_PATH, NOTIFY_IFACE, "GetCapabilities");
  if (m && send_call(d, m, on_capabilities, NULL, NULL))
    d->asking = true;
  else
    lbu_warn("cannot ask the notification server for its capabilities (out of memory)");
  if (m)
    dbus_message_unref(m);
}

static void on_notified(DBusPendingCall *pc, void *data) {
  call *c = data;
  ln_desk *d = c->d;
  DBusMessage *reply = take_reply(c, "Notify");
  dbus_uint32_t id = 0;
  if (reply && c->gen == d->gen &&
      !dbus_message_get_args(reply, NULL, DBUS_TYPE_UINT32, &id, DBUS_TYPE_INVALID))
    id = 0;
  if (reply)
    dbus_message_unref(reply);
  if (!reply && c->gen == d->gen)
    lbu_warn("the notification server did not show a notification; `lumbar-notify --verbose` "
             "says why");
  c->fn(c->ud, c->gen == d->gen ? id : 0);
  dbus_pending_call_unref(pc);
}

static void append_hint(DBusMessageIter *dict, const char *key, int type, const void *value) {
  DBusMessageIter entry, var;
  char sig[2] = {(char)type, 0};
  dbus_message_iter_open_container(dict, DBUS_TYPE_DICT_ENTRY, NULL, &entry);
  dbus_message_iter_append_basic(&entry, DBUS_TYPE_STRING, &key);
  dbus_message_iter_open_container(&entry, DBUS_TYPE_VARIANT, sig, &var);
  dbus_message_iter_append_basic(&var, type, value);
  dbus_message_iter_close_container(&entry, &var);
  dbus_message_iter_close_container(dict, &entry);
}

static DBusMessage *notify_message(uint32_t replaces, const ln_note *n) {
  DBusMessage *m = dbus_message_new_method_call(NOTIFY_NAME, NOTIFY_PATH, NOTIFY_IFACE, "Notify");
  if (!m)
    return NULL;
  const char *app = "lumbard", *icon = "", *summary = n->summary, *body = n->body ? n->body : "";
  dbus_uint32_t rid = replaces;
  dbus_int32_t timeout = n->timeout_ms;
  DBusMessageIter it, arr, dict;
  dbus_message_iter_init_append(m, &it);
  dbus_message_iter_append_basic(&it, DBUS_TYPE_STRING, &app);
  dbus_message_iter_append_basic(&it, DBUS_TYPE_UINT32, &rid);
  dbus_message_iter_append_basic(&it, DBUS_TYPE_STRING, &icon);
  dbus_message_iter_append_basic(&it, DBUS_TYPE_STRING, &summary);
  dbus_message_iter_append_basic(&it, DBUS_TYPE_STRING, &body);
  dbus_message_iter_open_container(&it, DBUS_TYPE_ARRAY, "s", &arr);
  for (size_t i = 0; i < 2 * n->n_actions; i++)
    dbus_message_iter_append_basic(&arr, DBUS_TYPE_STRING, &n->actions[i]);
  dbus_message_iter_close_container(&it, &arr);
  dbus_message_iter_open_container(&it, DBUS_TYPE_ARRAY, "{sv}", &dict);
  unsigned char urgency = n->urgency;
  append_hint(&dict, "urgency", DBUS_TYPE_BYTE, &urgency);
  if (n->category)
    append_hint(&dict, "category", DBUS_TYPE_STRING, &n->category);
  if (n->sound)
    append_hint(&dict, "sound-name", DBUS_TYPE_STRING, &n->sound);
  if (n->resident) {
    dbus_bool_t t = TRUE;
    append_hint(&dict, "resident", DBUS_TYPE_BOOLEAN, &t);
  }
  if (n->transient) {
    dbus_bool_t t = TRUE;
    append_hint(&dict, "transient", DBUS_TYPE_BOOLEAN, &t);
  }
  if (n->value >= 0) {
    dbus_int32_t v = n->value;
    append_hint(&dict, "value", DBUS_TYPE_INT32, &v);
  }
  dbus_message_iter_close_container(&it, &dict);
  dbus_message_iter_append_basic(&it, DBUS_TYPE_INT32, &timeout);
  return m;
}

bool ln_desk_notify(ln_desk *d, uint32_t replaces, const ln_note *note, ln_shown_fn fn, void *ud) {
  if (!d->present)
    return false;
  DBusMessage *m = notify_message(replaces, note);
  bool sent = m && send_call(d, m, on_notified, fn, ud);
  if (m)
    dbus_message_unref(m);
  if (!sent)
    lbu_warn("cannot send a notification (out of memory)");
  return sent;
}

void ln_desk_close_note(ln_desk *d, uint32_t id) {
  if (!d->present || id == 0)
    return;
  DBusMessage *m =
      dbus_message_new_method_call(NOTIFY_NAME, NOTIFY_PATH, NOTIFY_IFACE, "CloseNotification");
  dbus_uint32_t v = id;
  if (m && dbus_message_append_args(m, DBUS_TYPE_UINT32, &v, DBUS_TYPE_INVALID)) {
    dbus_message_set_no_reply(m, TRUE);
    dbus_connection_send(d->conn, m, NULL);
  }
  if (m)
    dbus_message_unref(m);
}

/* Signals: the server's ActionInvoked and NotificationClosed (from its
 * current owner only), the bus's NameOwnerChanged, and Disconnected. */
static DBusHandlerResult on_filter(DBusConnection *conn, DBusMessage *m, void *data) {
  (void)conn;
  ln_desk *d = data;
  if (dbus_message_is_signal(m, DBUS_INTERFACE_LOCAL, "Disconnected")) {
    lbu_err("the D-Bus session bus went away: lumbar-notify cannot show notifications without it");
    if (d->cbs.lost)
      d->cbs.lost(d->ud);
    return DBUS_HANDLER_RESULT_HANDLED;
  }
  if (dbus_message_is_signal(m, DBUS_INTERFACE_DBUS, "NameOwnerChanged")) {
    const char *name, *old, *new;
    if (!dbus_message_get_args(m, NULL, DBUS_TYPE_STRING, &name, DBUS_TYPE_STRING, &old,
                               DBUS_TYPE_STRING, &new, DBUS_TYPE_INVALID) ||
        strcmp(name, NOTIFY_NAME) != 0)
      return DBUS_HANDLER_RESULT_NOT_YET_HANDLED;
    if (d->owner && strcmp(new, d->owner) == 0)
      return DBUS_HANDLER_RESULT_HANDLED;
    if (d->present || d->owner)
      server_gone(d, "it left");
    if (new[0]) {
      lbu_info("a notification server appeared on the bus (%s)", new);
      d->asking = false; /* an answer still to come is void (gen) */
      ask_capabilities(d);
    }
    return DBUS_HANDLER_RESULT_HANDLED;
  }
  const char *sender = dbus_message_get_sender(m);
  if (!d->present || !sender || !d->owner || strcmp(sender, d->owner) != 0)
    return DBUS_HANDLER_RESULT_NOT_YET_HANDLED;
  dbus_uint32_t id, reason;
  const char *key;
  if (dbus_message_is_signal(m, NOTIFY_IFACE, "ActionInvoked") &&
      dbus_message_get_args(m, NULL, DBUS_TYPE_UINT32, &id, DBUS_TYPE_STRING, &key,
                            DBUS_TYPE_INVALID)) {
    if (d->cbs.action)
      d->cbs.action(d->ud, id, key);
    return DBUS_HANDLER_RESULT_HANDLED;
  }
  if (dbus_message_is_signal(m, NOTIFY_IFACE, "NotificationClosed") &&
      dbus_message_get_args(m, NULL, DBUS_TYPE_UINT32, &id, DBUS_TYPE_UINT32, &reason,
                            DBUS_TYPE_INVALID)) {
    if (d->cbs.closed)
      d->cbs.closed(d->ud, id, reason);
    return DBUS_HANDLER_RESULT_HANDLED;
  }
  return DBUS_HANDLER_RESULT_NOT_YET_HANDLED;
}

int ln_desk_new(uv_loop_t *loop, const ln_desk_cbs *cbs, void *ud, ln_desk **ret) {
  DBusError err;
  dbus_error_init(&err);
  DBusConnection *conn = dbus_bus_get_private(DBUS_BUS_SESSION, &err);
  if (!conn) {
    lbu_err("no D-Bus session bus (%s): desktop notifications need one; run lumbar-notify in "
            "your desktop session, or set DBUS_SESSION_BUS_ADDRESS",
            err.message);
    dbus_error_free(&err);
    return -ENOTCONN;
  }
  dbus_connection_set_exit_on_disconnect(conn, FALSE);
  ln_desk *d = lbu_xcalloc(1, sizeof(*d));
  d->loop = loop;
  d->conn = conn;
  d->cbs = *cbs;
  d->ud = ud;
  static const char *const rules[] = {
      "type='signal',sender='" DBUS_SERVICE_DBUS "',interface='" DBUS_INTERFACE_DBUS
      "',member='NameOwnerChanged',arg0='" NOTIFY_NAME "'",
      "type='signal',interface='" NOTIFY_IFACE "',path='" NOTIFY_PATH "'",
  };
  /* The matches go out without waiting for an answer (err NULL). */
  for (size_t i = 0; i < LBU_ARRAY_SIZE(rules); i++)
    dbus_bus_add_match(conn, rules[i], NULL);
  if (!dbus_connection_add_filter(conn, on_filter, d, NULL) ||
      !(d->glue = lbu_dbus_glue_new(loop, conn))) {
    lbu_err("cannot listen on the session bus (out of memory)");
    dbus_connection_close(conn);
    dbus_connection_unref(conn);
    free(d);
    return -ENOMEM;
  }
  ask_capabilities(d);
  *ret = d;
  return 0;
}

void ln_desk_flush(ln_desk *d) {
  if (d && d->conn)
    dbus_connection_flush(d->conn);
}

void ln_desk_free(ln_desk *d) {
  if (!d)
    return;
  d->gen++;           /* every answer from now is void */
  d->present = false; /* nothing more is sent */
  while (d->calls) {
    call *c = d->calls;
    call_unlink(c);
    DBusPendingCall *pc = c->pc;
    if (c->fn)
      c->fn(c->ud, 0);
    /* Cancelling frees c through call_free. */
    dbus_pending_call_cancel(pc);
    dbus_pending_call_unref(pc);
  }
  dbus_connection_remove_filter(d->conn, on_filter, d);
  lbu_dbus_glue_close(d->glue); /* closes and releases the connection */
  dbus_connection_unref(d->conn);
  free(d->owner);
  free_caps(d);
  free(d);
}
