#include "dbus_export.h"

#include <dbus/dbus.h>
#include <errno.h>
#include <lumbard/version.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "call.h"
#include "dbus_export_private.h"
#include "dbus_value.h"
#include "log.h"
#include "plugin_host.h"
#include "util.h"
#include "value.h"

/* The D-Bus export's tag on the calls it makes (lbd_call_origin.transport). */
const char lbd_dbus_transport[] = "dbus";

/* ---- replies ------------------------------------------------------------ */

void lbd_dbus_send(lbd_dbus *x, DBusMessage *m) {
  if (m && x->conn && !x->lost)
    dbus_connection_send(x->conn, m, NULL);
  if (m)
    dbus_message_unref(m);
}

void lbd_dbus_reply_error(lbd_dbus *x, DBusMessage *call, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void lbd_dbus_reply_error(lbd_dbus *x, DBusMessage *call, const char *name, const char *fmt, ...) {
  if (dbus_message_get_no_reply(call))
    return;
  char text[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(text, sizeof(text), fmt, ap);
  va_end(ap);
  lbu_utf8_scrub(text); /* cut anywhere by the buffer; libdbus aborts on bad UTF-8 */
  lbd_dbus_send(x, dbus_message_new_error(call, name, text));
}

static const char *error_name(lb_rpc_code code) {
  switch (code) {
  case LB_RPC_INVALID_PARAMS:
    return DBUS_ERROR_INVALID_ARGS;
  case LB_RPC_NO_SUCH_METHOD:
    return DBUS_ERROR_UNKNOWN_METHOD;
  case LB_RPC_NOT_FOUND:
    return ERROR_PREFIX "NotFound";
  case LB_RPC_CONFLICT:
    return ERROR_PREFIX "Conflict";
  case LB_RPC_TOO_LARGE:
    return ERROR_PREFIX "TooLarge";
  default:
    return ERROR_PREFIX "Internal";
  }
}

/* A call in flight: its message and connection, held until answered. */
typedef struct pending {
  lbd_dbus *x;
  DBusConnection *conn;
  DBusMessage *msg;
} pending;

static void answer(void *ctx, const lb_call *call, const lb_value *result, lb_rpc_code code,
                   const char *message) {
  pending *p = ctx;
  const lb_method *decl = lbd_call_method(call)->decl;
  if (lbd_call_origin_of(call)->wants_reply && dbus_connection_get_is_connected(p->conn)) {
    DBusMessage *reply;
    if (code == LB_RPC_OK) {
      reply = dbus_message_new_method_return(p->msg);
      DBusMessageIter it;
      dbus_message_iter_init_append(reply, &it);
      if (decl->result != LB_T_NONE &&
          !lbd_dbus_append(&it, decl->result, decl->result_fields, result)) {
        dbus_message_unref(reply);
        reply = dbus_message_new_error(p->msg, ERROR_PREFIX "Internal",
                                       "out of memory while building the answer");
      }
    } else {
      reply = dbus_message_new_error(p->msg, error_name(code), message);
    }
    if (reply) {
      dbus_connection_send(p->conn, reply, NULL);
      dbus_message_unref(reply);
    }
  }
  dbus_message_unref(p->msg);
  dbus_connection_unref(p->conn);
  free(p);
}

/* An optional positional argument left at its zero value means "omitted"
 * (D-Bus has no optional arguments): Rest.Start(0, {}) takes the default. */
static bool is_zero(const lb_value *v) {
  switch (v->kind) {
  case LB_INT:
    return v->as.i == 0;
  case LB_UINT:
    return v->as.u == 0;
  case LB_DOUBLE:
    return v->as.d == 0;
  case LB_STR:
    return v->as.str.len == 0;
  case LB_ARRAY:
    return v->as.arr.len == 0;
  case LB_MAP:
    return v->as.map.len == 0;
  case LB_BOOL:
    return !v->as.b;
  case LB_NIL:
    return true;
  }
  return false;
}

static void describe_signature(const lbd_method_entry *m, char *buf, size_t len) {
  size_t off = 0;
  buf[0] = '\0';
  for (uint32_t k = 0; k < m->n_params && off < len; k++)
    off += (size_t)snprintf(buf + off, len - off, "%s%s %s", k ? ", " : "",
                            lbd_dbus_signature(m->decl->params[k].type), m->decl->params[k].name);
  if (m->n_options && off < len)
    snprintf(buf + off, len - off, "%sa{sv} options", m->n_params ? ", " : "");
}

static void call_method(lbd_dbus *x, DBusMessage *msg, const member *mem) {
  const lbd_method_entry *m = mem->method;
  const char *sig = dbus_message_get_signature(msg);
  /* A method whose every argument may be left out is also served with none
   * ("busctl call ... Plugins", "... Rest List"): the defaults apply. */
  bool bare = sig[0] == '\0' && m->n_required == 0;
  if (strcmp(sig, mem->in_sig) != 0 && !bare) {
    char want[256];
    describe_signature(m, want, sizeof(want));
    /* "Rest.Start" for a plugin's; the core's interface has no ".<Plugin>"
     * to show, so its whole name */
    const char *iface = mem->iface;
    if (strncmp(iface, LBD_DBUS_IFACE ".", sizeof(LBD_DBUS_IFACE)) == 0)
      iface += sizeof(LBD_DBUS_IFACE);
    lbd_dbus_reply_error(x, msg, DBUS_ERROR_INVALID_ARGS,
                         "%s.%s takes (%s), signature '%s'; got '%s'", iface, mem->name, want,
                         mem->in_sig, sig);
    return;
  }
  pending *p = lbu_xmalloc(sizeof(*p));
  p->x = x;
  p->conn = dbus_connection_ref(x->conn);
  p->msg = dbus_message_ref(msg);
  lbd_call_origin o = {.answer = answer,
                       .ctx = p,
                       .wants_reply = !dbus_message_get_no_reply(msg),
                       .transport = lbd_dbus_transport};
  lb_call *call = lbd_call_new(x->core->calls, m, &o);
  lbd_arena *a = lbd_call_arena(call);

  uint32_t n = bare ? 0 : m->n_params + (m->n_options ? 1 : 0);
  lb_value *given = lbd_arena_alloc(a, sizeof(lb_value) * (n ? n : 1));
  DBusMessageIter it;
  dbus_message_iter_init(msg, &it);
  for (uint32_t k = 0; k < n; k++, dbus_message_iter_next(&it)) {
    char err[256];
    if (lbd_dbus_read(a, &it, &given[k], err, sizeof(err)) < 0) {
      lbd_call_fail(call, LB_RPC_INVALID_PARAMS, "%s", err);
      return;
    }
    if (k < m->n_params && m->decl->params[k].optional && is_zero(&given[k]))
      given[k] = lb_v_nil();
  }
  lbd_call_dispatch(call, given, n);
}

static void leave_bus(lbd_dbus *x);

/* Runs once after the loop turn in which properties changed or the bus
 * went away: never inside a libdbus callback. */
static void on_idle(uv_idle_t *h) {
  lbd_dbus *x = h->data;
  uv_idle_stop(h);
  if (x->lost) {
    leave_bus(x);
    return;
  }
  lbd_dbus_properties_flush(x);
}

void lbd_dbus_flush_later(lbd_dbus *x) {
  uv_idle_start(&x->idle, on_idle);
}

/* ---- signals ------------------------------------------------------------------ */

static void on_event(void *ud, const lbd_event_entry *ev, const lb_value *fields) {
  lbd_dbus *x = ud;
  if (x->lost || x->stopping)
    return;
  char *iface = lbd_dbus_members_iface(ev->plugin),
       *name = lbd_dbus_members_camel(ev->name, ev->plugin);
  DBusMessage *sig = dbus_message_new_signal(LBD_DBUS_PATH, iface, name);
  DBusMessageIter it;
  dbus_message_iter_init_append(sig, &it);
  /* the declared fields, in declared order, typed */
  for (uint32_t i = 0; i < ev->n_fields; i++) {
    const lb_field *f = &ev->decl->fields[i];
    lb_value nil = lb_v_nil();
    const lb_value *v = lb_map_get(fields, f->name);
    lbd_dbus_append(&it, f->type, NULL, v ? v : &nil);
  }
  lbd_dbus_send(x, sig);
  free(iface);
  free(name);
}

/* ---- messages ------------------------------------------------------------------ */

static DBusHandlerResult on_object_message(DBusConnection *conn, DBusMessage *msg, void *ud) {
  lbd_dbus *x = ud;
  (void)conn;
  if (dbus_message_get_type(msg) != DBUS_MESSAGE_TYPE_METHOD_CALL)
    return DBUS_HANDLER_RESULT_NOT_YET_HANDLED;
  const char *iface = dbus_message_get_interface(msg), *name = dbus_message_get_member(msg);
  if (dbus_message_is_method_call(msg, DBUS_INTERFACE_INTROSPECTABLE, "Introspect")) {
    lbd_dbus_members_refresh(x);
    DBusMessage *reply = dbus_message_new_method_return(msg);
    dbus_message_append_args(reply, DBUS_TYPE_STRING, &x->xml, DBUS_TYPE_INVALID);
    lbd_dbus_send(x, reply);
    return DBUS_HANDLER_RESULT_HANDLED;
  }
  if (iface && strcmp(iface, DBUS_INTERFACE_PROPERTIES) == 0) {
    lbd_dbus_properties_call(x, msg);
    return DBUS_HANDLER_RESULT_HANDLED;
  }
  const member *m = lbd_dbus_members_find(x, iface, name, 0);
  char why[1024];
  if (m) {
    call_method(x, msg, m);
  } else if (iface && !lbd_dbus_members_iface_known(x, iface) &&
             lbd_dbus_members_failed_plugin(x, iface, why, sizeof(why))) {
    lbd_dbus_reply_error(x, msg, DBUS_ERROR_UNKNOWN_INTERFACE, "no interface %s: %s", iface, why);
  } else if (iface && !lbd_dbus_members_iface_known(x, iface)) {
    lbd_dbus_reply_error(x, msg, DBUS_ERROR_UNKNOWN_INTERFACE,
                         "no interface %s on %s; `busctl --user introspect " LBD_DBUS_NAME
                         " " LBD_DBUS_PATH "` lists them",
                         iface, LBD_DBUS_PATH);
  } else {
    lbd_dbus_reply_error(x, msg, DBUS_ERROR_UNKNOWN_METHOD,
                         "no method %s%s%s on %s; `busctl --user introspect " LBD_DBUS_NAME
                         " " LBD_DBUS_PATH "` lists the methods",
                         iface ? iface : "", iface ? "." : "", name, LBD_DBUS_PATH);
  }
  return DBUS_HANDLER_RESULT_HANDLED;
}

/* "/", "/org" and "/org/lumbard" only lead to the object, so that tools that
 * walk the tree (busctl tree, d-feet) find it. */
static DBusHandlerResult on_tree_message(DBusConnection *conn, DBusMessage *msg, void *ud) {
  lbd_dbus *x = ud;
  (void)conn;
  if (dbus_message_get_type(msg) != DBUS_MESSAGE_TYPE_METHOD_CALL)
    return DBUS_HANDLER_RESULT_NOT_YET_HANDLED;
  const char *path = dbus_message_get_path(msg);
  const char *child = strcmp(path, "/") == 0              ? "org"
                      : strcmp(path, "/org") == 0         ? "lumbard"
                      : strcmp(path, "/org/lumbard") == 0 ? "Lumbard1"
                                                          : NULL;
  if (child && dbus_message_is_method_call(msg, DBUS_INTERFACE_INTROSPECTABLE, "Introspect")) {
    char xml[512];
    snprintf(xml, sizeof(xml),
             "<!DOCTYPE node PUBLIC \"-//freedesktop//DTD D-BUS Object Introspection 1.0//EN\"\n"
             " \"http://www.freedesktop.org/standards/dbus/1.0/introspect.dtd\">\n"
             "<node>\n  <interface name=\"org.freedesktop.DBus.Introspectable\">\n"
             "    <method name=\"Introspect\"><arg name=\"xml_data\" type=\"s\" "
             "direction=\"out\"/></method>\n  </interface>\n  <node name=\"%s\"/>\n</node>\n",
             child);
    const char *p = xml;
    DBusMessage *reply = dbus_message_new_method_return(msg);
    dbus_message_append_args(reply, DBUS_TYPE_STRING, &p, DBUS_TYPE_INVALID);
    lbd_dbus_send(x, reply);
  } else {
    lbd_dbus_reply_error(x, msg, DBUS_ERROR_UNKNOWN_OBJECT, "no object at %s; lumbard serves %s",
                         path, LBD_DBUS_PATH);
  }
  return DBUS_HANDLER_RESULT_HANDLED;
}

static DBusHandlerResult on_filter(DBusConnection *conn, DBusMessage *msg, void *ud) {
  lbd_dbus *x = ud;
  (void)conn;
  if (dbus_message_is_signal(msg, DBUS_INTERFACE_LOCAL, "Disconnected")) {
    if (!x->stopping) {
      lbu_warn("lost the D-Bus session bus; serving on the socket only");
      snprintf(x->state, sizeof(x->state), "lost the session bus");
    }
    x->lost = true;
    uv_idle_start(&x->idle, on_idle); /* close outside this callback */
    return DBUS_HANDLER_RESULT_HANDLED;
  }
  if (dbus_message_is_signal(msg, DBUS_INTERFACE_DBUS, "NameLost")) {
    const char *name = NULL;
    if (dbus_message_get_args(msg, NULL, DBUS_TYPE_STRING, &name, DBUS_TYPE_INVALID) &&
        strcmp(name, LBD_DBUS_NAME) == 0) {
      lbu_warn("lost the bus name " LBD_DBUS_NAME "; still serving on the socket");
      x->name_owned = false;
    }
  }
  return DBUS_HANDLER_RESULT_NOT_YET_HANDLED;
}

/* ---- life ------------------------------------------------------------------------ */

static const DBusObjectPathVTable object_vtable = {.message_function = on_object_message};
static const DBusObjectPathVTable tree_vtable = {.message_function = on_tree_message};

lbd_dbus *lbd_dbus_start(const lbd_core *core) {
  lbd_dbus *x = lbu_xcalloc(1, sizeof(*x));
  x->core = core;
  uv_idle_init(core->loop, &x->idle);
  x->idle.data = x;
  DBusError err;
  dbus_error_init(&err);
  DBusConnection *conn = dbus_bus_get_private(DBUS_BUS_SESSION, &err);
  if (!conn) {
    snprintf(x->state, sizeof(x->state), "no session bus");
    lbu_notice("no D-Bus session bus (%s): serving on the socket only",
               err.message ? err.message : "cannot connect");
    dbus_error_free(&err);
    x->lost = true;
    return x;
  }
  dbus_connection_set_exit_on_disconnect(conn, FALSE);
  x->conn = conn;
  if (!dbus_connection_add_filter(conn, on_filter, x, NULL) ||
      !dbus_connection_register_object_path(conn, LBD_DBUS_PATH, &object_vtable, x) ||
      !dbus_connection_register_fallback(conn, "/", &tree_vtable, x) ||
      !(x->glue = lbu_dbus_glue_new(core->loop, conn))) {
    lbu_err("D-Bus: cannot export " LBD_DBUS_PATH " (out of memory); serving on the socket only");
    snprintf(x->state, sizeof(x->state), "failed to export");
    x->lost = true;
    leave_bus(x);
    return x;
  }
  lbd_events_add_sink(core->events, on_event, x);
  lbd_events_add_property_sink(core->events, lbd_dbus_properties_changed, x);
  snprintf(x->state, sizeof(x->state), "connected as %s, name not yet owned",
           dbus_bus_get_unique_name(conn));
  return x;
}

const char *lbd_dbus_state(const lbd_dbus *x) {
  return x->state;
}

int lbd_dbus_request_name(lbd_dbus *x, char *errbuf, size_t errlen) {
  if (!x->conn)
    return 0; /* no bus: nothing to own */
  DBusError err;
  dbus_error_init(&err);
  int r = dbus_bus_request_name(x->conn, LBD_DBUS_NAME, DBUS_NAME_FLAG_DO_NOT_QUEUE, &err);
  if (r == DBUS_REQUEST_NAME_REPLY_PRIMARY_OWNER || r == DBUS_REQUEST_NAME_REPLY_ALREADY_OWNER) {
    x->name_owned = true;
    snprintf(x->state, sizeof(x->state), "%s on the session bus", LBD_DBUS_NAME);
    lbu_info("D-Bus: serving %s at %s", LBD_DBUS_NAME, LBD_DBUS_PATH);
    return 0;
  }
  if (r < 0)
    snprintf(errbuf, errlen, "D-Bus: cannot take the name %s: %s", LBD_DBUS_NAME,
             err.message ? err.message : "unknown error");
  else
    snprintf(errbuf, errlen,
             "another lumbard already owns %s on this session bus; stop it first (systemctl "
             "--user stop lumbard), or run this one with --no-dbus",
             LBD_DBUS_NAME);
  dbus_error_free(&err);
  return r < 0 ? -EIO : -EEXIST;
}

static void idle_closed(uv_handle_t *h) {
  lbd_dbus *x = h->data;
  for (size_t i = 0; i < x->n_changed; i++)
    free(x->changed[i]);
  free(x->changed);
  lbd_dbus_members_free(x);
  free(x->xml);
  free(x);
}

/* Leave the bus (lost, or stopping); what daemon.status says stays. */
static void leave_bus(lbd_dbus *x) {
  lbd_events_remove_sink(x->core->events, on_event, x);
  lbd_events_remove_property_sink(x->core->events, lbd_dbus_properties_changed, x);
  if (x->conn) {
    dbus_connection_remove_filter(x->conn, on_filter, x);
    dbus_connection_unregister_object_path(x->conn, LBD_DBUS_PATH);
    dbus_connection_unregister_object_path(x->conn, "/");
    if (x->glue)
      lbu_dbus_glue_close(x->glue); /* closes the connection */
    else
      dbus_connection_close(x->conn);
    dbus_connection_unref(x->conn);
    x->conn = NULL;
    x->glue = NULL;
  }
}

void lbd_dbus_stop(lbd_dbus *x) {
  if (!x || x->stopping)
    return;
  x->stopping = true;
  if (x->name_owned && !x->lost) {
    /* Flush what is queued (signals of the last events), then leave. */
    dbus_connection_flush(x->conn);
  }
  leave_bus(x);
  uv_close((uv_handle_t *)&x->idle, idle_closed); /* the struct goes with the idle handle */
}
