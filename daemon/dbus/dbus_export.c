#include "dbus_export.h"

#include <dbus/dbus.h>
#include <errno.h>
#include <lumbard/version.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "call.h"
#include "dbus_glue.h"
#include "dbus_value.h"
#include "log.h"
#include "plugin_host.h"
#include "util.h"
#include "value.h"

#define ERROR_PREFIX "org.lumbard.Lumbard1.Error."

/* One exported member: a method, a signal or a property, with its D-Bus
 * names. Rebuilt (with the XML) whenever the registry changes. */
typedef struct member {
  char *iface, *name;
  const lb_method_entry *method;
  const lb_event_entry *event;
  const lb_property_entry *prop;
  char *in_sig; /* methods: the signature the call must have */
} member;

struct lb_dbus {
  const lb_core *core;
  char state[160]; /* what daemon.status says of D-Bus */
  DBusConnection *conn;
  lb_dbus_glue *glue;
  uv_idle_t idle; /* PropertiesChanged once per loop turn; leave_bus when the bus goes */
  bool lost, stopping, name_owned;
  unsigned generation; /* of the registry the table and XML were built from */
  member *members;
  size_t n_members;
  char *xml;
  char **changed; /* full property names waiting for PropertiesChanged */
  size_t n_changed;
};

/* The D-Bus export's tag on the calls it makes (lb_call_origin.transport). */
static const char dbus_transport[] = "dbus";

/* Methods a D-Bus client can call: those of every transport, and its own. */
static bool exported(const lb_method_entry *m) {
  return !m->transport || m->transport == dbus_transport;
}

static char *iface_of(const char *plugin) {
  if (strcmp(plugin, "daemon") == 0)
    return lb_xstrdup(LB_DBUS_IFACE);
  char camel[128];
  lb_dbus_camel(plugin, camel, sizeof(camel));
  return lb_xasprintf(LB_DBUS_IFACE ".%s", camel);
}

static char *camel_of(const char *full, const char *plugin) {
  char camel[128];
  lb_dbus_camel(full + strlen(plugin) + 1, camel, sizeof(camel));
  return lb_xstrdup(camel);
}

/* ---- the member table and introspection XML ----------------------------- */

typedef struct strbuf {
  char *s;
  size_t len, cap;
} strbuf;

static void sb_add(strbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sb_add(strbuf *b, const char *fmt, ...) {
  va_list ap;
  for (;;) {
    va_start(ap, fmt);
    int n = vsnprintf(b->s ? b->s + b->len : NULL, b->s ? b->cap - b->len : 0, fmt, ap);
    va_end(ap);
    if (b->s && (size_t)n < b->cap - b->len) {
      b->len += (size_t)n;
      return;
    }
    b->cap = (b->cap + (size_t)n + 1) * 2;
    b->s = lb_xrealloc(b->s, b->cap);
  }
}

static void sb_escaped(strbuf *b, const char *text) {
  for (const char *p = text; *p; p++) {
    switch (*p) {
    case '<':
      sb_add(b, "&lt;");
      break;
    case '>':
      sb_add(b, "&gt;");
      break;
    case '&':
      sb_add(b, "&amp;");
      break;
    case '"':
      sb_add(b, "&quot;");
      break;
    default:
      sb_add(b, "%c", *p);
    }
  }
}

static void sb_doc(strbuf *b, const char *indent, const char *doc) {
  if (!doc)
    return;
  sb_add(b, "%s<annotation name=\"org.gtk.GDBus.DocString\" value=\"", indent);
  sb_escaped(b, doc);
  sb_add(b, "\"/>\n");
}

static void free_members(lb_dbus *x) {
  for (size_t i = 0; i < x->n_members; i++) {
    free(x->members[i].iface);
    free(x->members[i].name);
    free(x->members[i].in_sig);
  }
  free(x->members);
  x->members = NULL;
  x->n_members = 0;
}

static void add_member(lb_dbus *x, member m) {
  x->members = lb_xrealloc(x->members, (x->n_members + 1) * sizeof(member));
  x->members[x->n_members++] = m;
}

static const char STANDARD_IFACES[] =
    "  <interface name=\"org.freedesktop.DBus.Introspectable\">\n"
    "    <method name=\"Introspect\"><arg name=\"xml_data\" type=\"s\" "
    "direction=\"out\"/></method>\n"
    "  </interface>\n"
    "  <interface name=\"org.freedesktop.DBus.Peer\">\n"
    "    <method name=\"Ping\"/>\n"
    "    <method name=\"GetMachineId\"><arg name=\"machine_uuid\" type=\"s\" "
    "direction=\"out\"/></method>\n"
    "  </interface>\n"
    "  <interface name=\"org.freedesktop.DBus.Properties\">\n"
    "    <method name=\"Get\"><arg name=\"interface_name\" type=\"s\" direction=\"in\"/>"
    "<arg name=\"property_name\" type=\"s\" direction=\"in\"/>"
    "<arg name=\"value\" type=\"v\" direction=\"out\"/></method>\n"
    "    <method name=\"GetAll\"><arg name=\"interface_name\" type=\"s\" direction=\"in\"/>"
    "<arg name=\"properties\" type=\"a{sv}\" direction=\"out\"/></method>\n"
    "    <method name=\"Set\"><arg name=\"interface_name\" type=\"s\" direction=\"in\"/>"
    "<arg name=\"property_name\" type=\"s\" direction=\"in\"/>"
    "<arg name=\"value\" type=\"v\" direction=\"in\"/></method>\n"
    "    <signal name=\"PropertiesChanged\"><arg name=\"interface_name\" type=\"s\"/>"
    "<arg name=\"changed_properties\" type=\"a{sv}\"/>"
    "<arg name=\"invalidated_properties\" type=\"as\"/></signal>\n"
    "  </interface>\n";

/* The core's own properties: Version, Plugins, StartedAt. */
static const struct {
  const char *name, *sig;
} core_props[] = {{"Version", "s"}, {"Plugins", "as"}, {"StartedAt", "x"}};

static void emit_interface(lb_dbus *x, strbuf *b, const char *plugin) {
  lb_registry *r = x->core->registry;
  char *iface = iface_of(plugin);
  sb_add(b, "  <interface name=\"%s\">\n", iface);
  for (size_t i = 0; i < lb_registry_n_methods(r); i++) {
    const lb_method_entry *m = lb_registry_method_at(r, i);
    if (strcmp(m->plugin, plugin) != 0 || !exported(m))
      continue;
    member mem = {.iface = lb_xstrdup(iface), .name = camel_of(m->name, plugin), .method = m};
    strbuf sig = {0};
    sb_add(b, "    <method name=\"%s\">\n", mem.name);
    sb_doc(b, "      ", m->decl->doc);
    for (uint32_t k = 0; k < m->n_params; k++) {
      const lb_param *p = &m->decl->params[k];
      sb_add(b, "      <arg name=\"%s\" type=\"%s\" direction=\"in\"/>\n", p->name,
             lb_dbus_signature(p->type));
      sb_add(&sig, "%s", lb_dbus_signature(p->type));
    }
    if (m->n_options) {
      sb_add(b, "      <arg name=\"options\" type=\"a{sv}\" direction=\"in\"/>\n");
      sb_add(&sig, "a{sv}");
    }
    if (m->decl->result != LB_T_NONE)
      sb_add(b, "      <arg name=\"result\" type=\"%s\" direction=\"out\"/>\n",
             lb_dbus_signature(m->decl->result));
    sb_add(b, "    </method>\n");
    mem.in_sig = sig.s ? sig.s : lb_xstrdup("");
    add_member(x, mem);
  }
  for (size_t i = 0; i < lb_registry_n_events(r); i++) {
    const lb_event_entry *e = lb_registry_event_at(r, i);
    if (strcmp(e->plugin, plugin) != 0)
      continue;
    member mem = {.iface = lb_xstrdup(iface), .name = camel_of(e->name, plugin), .event = e};
    sb_add(b, "    <signal name=\"%s\">\n", mem.name);
    sb_doc(b, "      ", e->decl->doc);
    for (uint32_t k = 0; k < e->n_fields; k++)
      sb_add(b, "      <arg name=\"%s\" type=\"%s\"/>\n", e->decl->fields[k].name,
             lb_dbus_signature(e->decl->fields[k].type));
    sb_add(b, "    </signal>\n");
    add_member(x, mem);
  }
  if (strcmp(plugin, "daemon") == 0)
    for (size_t i = 0; i < LB_ARRAY_SIZE(core_props); i++)
      sb_add(b,
             "    <property name=\"%s\" type=\"%s\" access=\"read\">\n"
             "      <annotation name=\"org.freedesktop.DBus.Property.EmitsChangedSignal\" "
             "value=\"const\"/>\n    </property>\n",
             core_props[i].name, core_props[i].sig);
  for (size_t i = 0; i < lb_registry_n_properties(r); i++) {
    const lb_property_entry *p = lb_registry_property_at(r, i);
    if (strcmp(p->plugin, plugin) != 0)
      continue;
    member mem = {.iface = lb_xstrdup(iface), .name = camel_of(p->name, plugin), .prop = p};
    sb_add(b, "    <property name=\"%s\" type=\"%s\" access=\"%s\">\n", mem.name,
           lb_dbus_signature(p->decl->type), p->decl->set ? "readwrite" : "read");
    sb_add(b, "      <annotation name=\"org.freedesktop.DBus.Property.EmitsChangedSignal\" "
              "value=\"true\"/>\n");
    sb_doc(b, "      ", p->decl->doc);
    sb_add(b, "    </property>\n");
    add_member(x, mem);
  }
  sb_add(b, "  </interface>\n");
  free(iface);
}

/* Rebuild the member table and the XML when the declarations changed. */
static void refresh(lb_dbus *x) {
  lb_registry *r = x->core->registry;
  if (x->xml && x->generation == lb_registry_generation(r))
    return;
  free_members(x);
  free(x->xml);
  strbuf b = {0};
  sb_add(&b,
         "<!DOCTYPE node PUBLIC \"-//freedesktop//DTD D-BUS Object Introspection 1.0//EN\"\n"
         " \"http://www.freedesktop.org/standards/dbus/1.0/introspect.dtd\">\n"
         "<!-- lumbard %s: rest timers, warm-up reminders and a pain diary. "
         "Not a medical device. -->\n<node>\n%s",
         LUMBARD_VERSION, STANDARD_IFACES);
  emit_interface(x, &b, "daemon");
  for (size_t i = 0; i < lb_plugins_count(x->core->plugins); i++)
    emit_interface(x, &b, lb_plugin_name(lb_plugins_at(x->core->plugins, i)));
  sb_add(&b, "</node>\n");
  x->xml = b.s;
  x->generation = lb_registry_generation(r);
}

static const member *find_member(lb_dbus *x, const char *iface, const char *name, int kind) {
  refresh(x);
  for (size_t i = 0; i < x->n_members; i++) {
    const member *m = &x->members[i];
    bool right_kind = kind == 0   ? m->method != NULL
                      : kind == 1 ? m->event != NULL
                                  : m->prop != NULL;
    if (right_kind && strcmp(m->name, name) == 0 && (!iface || strcmp(m->iface, iface) == 0))
      return m;
  }
  return NULL;
}

/* When iface is that of a plugin that did not load: why, in why. */
static bool failed_plugin(lb_dbus *x, const char *iface, char *why, size_t len) {
  lb_plugins *ps = x->core->plugins;
  for (size_t i = 0; i < lb_plugins_n_failed(ps); i++) {
    const char *path, *reason, *name = lb_plugins_failed_at(ps, i, &path, &reason);
    char *want = iface_of(name);
    bool hit = strcmp(want, iface) == 0;
    free(want);
    if (hit)
      return lb_plugins_why_missing(ps, name, strlen(name), why, len);
  }
  return false;
}

static bool iface_known(lb_dbus *x, const char *iface) {
  refresh(x);
  if (strcmp(iface, LB_DBUS_IFACE) == 0)
    return true;
  for (size_t i = 0; i < x->n_members; i++)
    if (strcmp(x->members[i].iface, iface) == 0)
      return true;
  char *probe = NULL;
  for (size_t i = 0; i < lb_plugins_count(x->core->plugins); i++) {
    probe = iface_of(lb_plugin_name(lb_plugins_at(x->core->plugins, i)));
    bool same = strcmp(probe, iface) == 0;
    free(probe);
    if (same)
      return true;
  }
  return false;
}

/* ---- replies ------------------------------------------------------------ */

static void send_and_unref(lb_dbus *x, DBusMessage *m) {
  if (m && x->conn && !x->lost)
    dbus_connection_send(x->conn, m, NULL);
  if (m)
    dbus_message_unref(m);
}

static void reply_error(lb_dbus *x, DBusMessage *call, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void reply_error(lb_dbus *x, DBusMessage *call, const char *name, const char *fmt, ...) {
  if (dbus_message_get_no_reply(call))
    return;
  char text[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(text, sizeof(text), fmt, ap);
  va_end(ap);
  lb_utf8_scrub(text); /* cut anywhere by the buffer; libdbus aborts on bad UTF-8 */
  send_and_unref(x, dbus_message_new_error(call, name, text));
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
  lb_dbus *x;
  DBusConnection *conn;
  DBusMessage *msg;
} pending;

static void answer(void *ctx, const lb_call *call, const lb_value *result, lb_rpc_code code,
                   const char *message) {
  pending *p = ctx;
  const lb_method *decl = lb_call_method(call)->decl;
  if (lb_call_origin_of(call)->wants_reply && dbus_connection_get_is_connected(p->conn)) {
    DBusMessage *reply;
    if (code == LB_RPC_OK) {
      reply = dbus_message_new_method_return(p->msg);
      DBusMessageIter it;
      dbus_message_iter_init_append(reply, &it);
      if (decl->result != LB_T_NONE &&
          !lb_dbus_append(&it, decl->result, decl->result_fields, result)) {
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

static void describe_signature(const lb_method_entry *m, char *buf, size_t len) {
  size_t off = 0;
  buf[0] = '\0';
  for (uint32_t k = 0; k < m->n_params && off < len; k++)
    off += (size_t)snprintf(buf + off, len - off, "%s%s %s", k ? ", " : "",
                            lb_dbus_signature(m->decl->params[k].type), m->decl->params[k].name);
  if (m->n_options && off < len)
    snprintf(buf + off, len - off, "%sa{sv} options", m->n_params ? ", " : "");
}

static void call_method(lb_dbus *x, DBusMessage *msg, const member *mem) {
  const lb_method_entry *m = mem->method;
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
    if (strncmp(iface, LB_DBUS_IFACE ".", sizeof(LB_DBUS_IFACE)) == 0)
      iface += sizeof(LB_DBUS_IFACE);
    reply_error(x, msg, DBUS_ERROR_INVALID_ARGS, "%s.%s takes (%s), signature '%s'; got '%s'",
                iface, mem->name, want, mem->in_sig, sig);
    return;
  }
  pending *p = lb_xmalloc(sizeof(*p));
  p->x = x;
  p->conn = dbus_connection_ref(x->conn);
  p->msg = dbus_message_ref(msg);
  lb_call_origin o = {.answer = answer,
                      .ctx = p,
                      .wants_reply = !dbus_message_get_no_reply(msg),
                      .transport = dbus_transport};
  lb_call *call = lb_call_new(x->core->calls, m, &o);
  lb_arena *a = lb_call_arena(call);

  uint32_t n = bare ? 0 : m->n_params + (m->n_options ? 1 : 0);
  lb_value *given = lb_arena_alloc(a, sizeof(lb_value) * (n ? n : 1));
  DBusMessageIter it;
  dbus_message_iter_init(msg, &it);
  for (uint32_t k = 0; k < n; k++, dbus_message_iter_next(&it)) {
    char err[256];
    if (lb_dbus_read(a, &it, &given[k], err, sizeof(err)) < 0) {
      lb_call_fail(call, LB_RPC_INVALID_PARAMS, "%s", err);
      return;
    }
    if (k < m->n_params && m->decl->params[k].optional && is_zero(&given[k]))
      given[k] = lb_v_nil();
  }
  lb_call_dispatch(call, given, n);
}

/* ---- properties ------------------------------------------------------------ */

static void core_property(lb_dbus *x, const char *name, lb_arena *a, lb_type *ret_type,
                          lb_value *ret) {
  const lb_core *d = x->core;
  if (strcmp(name, "Version") == 0) {
    *ret_type = LB_T_STRING;
    *ret = lb_v_str(LUMBARD_VERSION);
  } else if (strcmp(name, "Plugins") == 0) {
    size_t n = lb_plugins_count(d->plugins);
    lb_value *names = lb_arena_alloc(a, sizeof(lb_value) * (n ? n : 1));
    for (size_t i = 0; i < n; i++)
      names[i] = lb_v_str(lb_plugin_name(lb_plugins_at(d->plugins, i)));
    *ret_type = LB_T_STRINGS;
    *ret = lb_v_array(names, n);
  } else {
    *ret_type = LB_T_TIME;
    *ret = lb_v_int(d->started_at_ms / 1000);
  }
}

static bool is_core_prop(const char *name) {
  for (size_t i = 0; i < LB_ARRAY_SIZE(core_props); i++)
    if (strcmp(core_props[i].name, name) == 0)
      return true;
  return false;
}

/* Append {name: value} entries of one interface's properties. */
static void append_all(lb_dbus *x, DBusMessageIter *dict, const char *iface, lb_arena *a) {
  DBusMessageIter entry;
  if (strcmp(iface, LB_DBUS_IFACE) == 0)
    for (size_t i = 0; i < LB_ARRAY_SIZE(core_props); i++) {
      lb_type t;
      lb_value v;
      core_property(x, core_props[i].name, a, &t, &v);
      dbus_message_iter_open_container(dict, DBUS_TYPE_DICT_ENTRY, NULL, &entry);
      dbus_message_iter_append_basic(&entry, DBUS_TYPE_STRING, &core_props[i].name);
      DBusMessageIter var;
      dbus_message_iter_open_container(&entry, DBUS_TYPE_VARIANT, lb_dbus_signature(t), &var);
      lb_dbus_append(&var, t, NULL, &v);
      dbus_message_iter_close_container(&entry, &var);
      dbus_message_iter_close_container(dict, &entry);
    }
  for (size_t i = 0; i < x->n_members; i++) {
    const member *m = &x->members[i];
    if (!m->prop || strcmp(m->iface, iface) != 0)
      continue;
    lb_value v = lb_v_nil();
    m->prop->decl->get(m->prop->owner, &v, m->prop->decl->userdata);
    dbus_message_iter_open_container(dict, DBUS_TYPE_DICT_ENTRY, NULL, &entry);
    const char *name = m->name;
    dbus_message_iter_append_basic(&entry, DBUS_TYPE_STRING, &name);
    DBusMessageIter var;
    dbus_message_iter_open_container(&entry, DBUS_TYPE_VARIANT,
                                     lb_dbus_signature(m->prop->decl->type), &var);
    lb_dbus_append(&var, m->prop->decl->type, NULL, &v);
    dbus_message_iter_close_container(&entry, &var);
    dbus_message_iter_close_container(dict, &entry);
  }
}

static void properties_call(lb_dbus *x, DBusMessage *msg) {
  const char *member_name = dbus_message_get_member(msg);
  const char *iface = NULL, *name = NULL;
  DBusError err;
  dbus_error_init(&err);
  lb_arena a;
  lb_arena_init(&a);

  if (strcmp(member_name, "GetAll") == 0) {
    if (!dbus_message_get_args(msg, &err, DBUS_TYPE_STRING, &iface, DBUS_TYPE_INVALID)) {
      reply_error(x, msg, DBUS_ERROR_INVALID_ARGS, "GetAll takes (s interface_name)");
      goto out;
    }
    refresh(x);
    if (!iface_known(x, iface)) {
      reply_error(x, msg, DBUS_ERROR_UNKNOWN_INTERFACE, "no interface %s on %s", iface,
                  LB_DBUS_PATH);
      goto out;
    }
    DBusMessage *reply = dbus_message_new_method_return(msg);
    DBusMessageIter it, dict;
    dbus_message_iter_init_append(reply, &it);
    dbus_message_iter_open_container(&it, DBUS_TYPE_ARRAY, "{sv}", &dict);
    append_all(x, &dict, iface, &a);
    dbus_message_iter_close_container(&it, &dict);
    send_and_unref(x, reply);
    goto out;
  }

  bool set = strcmp(member_name, "Set") == 0;
  if (!set && strcmp(member_name, "Get") != 0) {
    reply_error(x, msg, DBUS_ERROR_UNKNOWN_METHOD,
                "org.freedesktop.DBus.Properties has no method %s", member_name);
    goto out;
  }
  DBusMessageIter it;
  dbus_message_iter_init(msg, &it);
  if (strcmp(dbus_message_get_signature(msg), set ? "ssv" : "ss") != 0) {
    reply_error(x, msg, DBUS_ERROR_INVALID_ARGS, "%s takes (s interface_name, s property_name%s)",
                member_name, set ? ", v value" : "");
    goto out;
  }
  dbus_message_iter_get_basic(&it, &iface);
  dbus_message_iter_next(&it);
  dbus_message_iter_get_basic(&it, &name);
  dbus_message_iter_next(&it);

  lb_type t;
  lb_value v = lb_v_nil();
  const member *m = NULL;
  /* An empty interface name means any interface (the D-Bus specification
   * allows it): the property is looked up over all of lumbard's. */
  bool any_iface = iface[0] == '\0';
  if ((any_iface || strcmp(iface, LB_DBUS_IFACE) == 0) && is_core_prop(name)) {
    if (set) {
      reply_error(x, msg, DBUS_ERROR_PROPERTY_READ_ONLY, "%s is read-only", name);
      goto out;
    }
    core_property(x, name, &a, &t, &v);
  } else if ((m = find_member(x, any_iface ? NULL : iface, name, 2)) != NULL) {
    t = m->prop->decl->type;
    if (set) {
      if (!m->prop->decl->set) {
        reply_error(x, msg, DBUS_ERROR_PROPERTY_READ_ONLY, "%s is read-only", name);
        goto out;
      }
      lb_value in, typed;
      char why[512];
      const lb_param p = {.name = m->prop->decl->name, .type = t};
      char what[96];
      snprintf(what, sizeof(what), "property '%s'", name);
      if (lb_dbus_read(&a, &it, &in, why, sizeof(why)) < 0 ||
          lb_args_coerce(&a, &p, what, &in, &typed, why, sizeof(why)) < 0) {
        reply_error(x, msg, DBUS_ERROR_INVALID_ARGS, "%s", why);
        goto out;
      }
      const char *refusal = NULL;
      if (m->prop->decl->set(m->prop->owner, &typed, m->prop->decl->userdata, &refusal) < 0) {
        reply_error(x, msg, DBUS_ERROR_INVALID_ARGS, "property '%s': %s", name,
                    refusal ? refusal : "the value was refused");
        goto out;
      }
      send_and_unref(x, dbus_message_new_method_return(msg));
      goto out;
    }
    m->prop->decl->get(m->prop->owner, &v, m->prop->decl->userdata);
  } else {
    if (any_iface)
      reply_error(x, msg, DBUS_ERROR_UNKNOWN_PROPERTY, "no property %s on any interface of %s",
                  name, LB_DBUS_PATH);
    else
      reply_error(x, msg, DBUS_ERROR_UNKNOWN_PROPERTY, "no property %s on interface %s", name,
                  iface);
    goto out;
  }
  DBusMessage *reply = dbus_message_new_method_return(msg);
  DBusMessageIter out_it, var;
  dbus_message_iter_init_append(reply, &out_it);
  dbus_message_iter_open_container(&out_it, DBUS_TYPE_VARIANT, lb_dbus_signature(t), &var);
  lb_dbus_append(&var, t, NULL, &v);
  dbus_message_iter_close_container(&out_it, &var);
  send_and_unref(x, reply);
out:
  dbus_error_free(&err);
  lb_arena_free(&a);
}

/* PropertiesChanged: one signal per interface per loop turn. */
static void flush_changes(lb_dbus *x) {
  refresh(x);
  lb_arena a;
  lb_arena_init(&a);
  for (size_t i = 0; i < x->n_changed; i++) {
    if (!x->changed[i])
      continue;
    const lb_property_entry *first = lb_registry_property(x->core->registry, x->changed[i]);
    if (!first)
      continue;
    char *iface = iface_of(first->plugin);
    DBusMessage *sig =
        dbus_message_new_signal(LB_DBUS_PATH, DBUS_INTERFACE_PROPERTIES, "PropertiesChanged");
    DBusMessageIter it, dict, entry, var, inval;
    dbus_message_iter_init_append(sig, &it);
    dbus_message_iter_append_basic(&it, DBUS_TYPE_STRING, &iface);
    dbus_message_iter_open_container(&it, DBUS_TYPE_ARRAY, "{sv}", &dict);
    /* every change of this interface goes in this one signal */
    for (size_t j = i; j < x->n_changed; j++) {
      const lb_property_entry *p =
          x->changed[j] ? lb_registry_property(x->core->registry, x->changed[j]) : NULL;
      if (!p || strcmp(p->plugin, first->plugin) != 0)
        continue;
      lb_value v = lb_v_nil();
      p->decl->get(p->owner, &v, p->decl->userdata);
      char *name = camel_of(p->name, p->plugin);
      dbus_message_iter_open_container(&dict, DBUS_TYPE_DICT_ENTRY, NULL, &entry);
      dbus_message_iter_append_basic(&entry, DBUS_TYPE_STRING, &name);
      dbus_message_iter_open_container(&entry, DBUS_TYPE_VARIANT, lb_dbus_signature(p->decl->type),
                                       &var);
      lb_dbus_append(&var, p->decl->type, NULL, &v);
      dbus_message_iter_close_container(&entry, &var);
      dbus_message_iter_close_container(&dict, &entry);
      free(name);
      if (j != i) {
        free(x->changed[j]);
        x->changed[j] = NULL;
      }
    }
    dbus_message_iter_close_container(&it, &dict);
    dbus_message_iter_open_container(&it, DBUS_TYPE_ARRAY, "s", &inval);
    dbus_message_iter_close_container(&it, &inval);
    send_and_unref(x, sig);
    free(iface);
  }
  for (size_t i = 0; i < x->n_changed; i++)
    free(x->changed[i]);
  x->n_changed = 0;
  lb_arena_free(&a);
}

static void leave_bus(lb_dbus *x);

/* Runs once after the loop turn in which properties changed or the bus
 * went away: never inside a libdbus callback. */
static void on_idle(uv_idle_t *h) {
  lb_dbus *x = h->data;
  uv_idle_stop(h);
  if (x->lost) {
    leave_bus(x);
    return;
  }
  flush_changes(x);
}

static void property_changed(void *ud, const lb_property_entry *prop) {
  lb_dbus *x = ud;
  const char *full_name = prop->name;
  if (x->lost || x->stopping)
    return;
  for (size_t i = 0; i < x->n_changed; i++)
    if (x->changed[i] && strcmp(x->changed[i], full_name) == 0)
      return; /* already waiting: coalesced */
  x->changed = lb_xrealloc(x->changed, (x->n_changed + 1) * sizeof(char *));
  x->changed[x->n_changed++] = lb_xstrdup(full_name);
  uv_idle_start(&x->idle, on_idle);
}

/* ---- signals ------------------------------------------------------------------ */

static void on_event(void *ud, const lb_event_entry *ev, const lb_value *fields) {
  lb_dbus *x = ud;
  if (x->lost || x->stopping)
    return;
  char *iface = iface_of(ev->plugin), *name = camel_of(ev->name, ev->plugin);
  DBusMessage *sig = dbus_message_new_signal(LB_DBUS_PATH, iface, name);
  DBusMessageIter it;
  dbus_message_iter_init_append(sig, &it);
  /* the declared fields, in declared order, typed */
  for (uint32_t i = 0; i < ev->n_fields; i++) {
    const lb_field *f = &ev->decl->fields[i];
    lb_value nil = lb_v_nil();
    const lb_value *v = lb_map_get(fields, f->name);
    lb_dbus_append(&it, f->type, NULL, v ? v : &nil);
  }
  send_and_unref(x, sig);
  free(iface);
  free(name);
}

/* ---- messages ------------------------------------------------------------------ */

static DBusHandlerResult on_object_message(DBusConnection *conn, DBusMessage *msg, void *ud) {
  lb_dbus *x = ud;
  (void)conn;
  if (dbus_message_get_type(msg) != DBUS_MESSAGE_TYPE_METHOD_CALL)
    return DBUS_HANDLER_RESULT_NOT_YET_HANDLED;
  const char *iface = dbus_message_get_interface(msg), *name = dbus_message_get_member(msg);
  if (dbus_message_is_method_call(msg, DBUS_INTERFACE_INTROSPECTABLE, "Introspect")) {
    refresh(x);
    DBusMessage *reply = dbus_message_new_method_return(msg);
    dbus_message_append_args(reply, DBUS_TYPE_STRING, &x->xml, DBUS_TYPE_INVALID);
    send_and_unref(x, reply);
    return DBUS_HANDLER_RESULT_HANDLED;
  }
  if (iface && strcmp(iface, DBUS_INTERFACE_PROPERTIES) == 0) {
    properties_call(x, msg);
    return DBUS_HANDLER_RESULT_HANDLED;
  }
  const member *m = find_member(x, iface, name, 0);
  char why[1024];
  if (m) {
    call_method(x, msg, m);
  } else if (iface && !iface_known(x, iface) && failed_plugin(x, iface, why, sizeof(why))) {
    reply_error(x, msg, DBUS_ERROR_UNKNOWN_INTERFACE, "no interface %s: %s", iface, why);
  } else if (iface && !iface_known(x, iface)) {
    reply_error(x, msg, DBUS_ERROR_UNKNOWN_INTERFACE,
                "no interface %s on %s; `busctl --user introspect " LB_DBUS_NAME " " LB_DBUS_PATH
                "` lists them",
                iface, LB_DBUS_PATH);
  } else {
    reply_error(x, msg, DBUS_ERROR_UNKNOWN_METHOD,
                "no method %s%s%s on %s; `busctl --user introspect " LB_DBUS_NAME " " LB_DBUS_PATH
                "` lists the methods",
                iface ? iface : "", iface ? "." : "", name, LB_DBUS_PATH);
  }
  return DBUS_HANDLER_RESULT_HANDLED;
}

/* "/", "/org" and "/org/lumbard" only lead to the object, so that tools that
 * walk the tree (busctl tree, d-feet) find it. */
static DBusHandlerResult on_tree_message(DBusConnection *conn, DBusMessage *msg, void *ud) {
  lb_dbus *x = ud;
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
    send_and_unref(x, reply);
  } else {
    reply_error(x, msg, DBUS_ERROR_UNKNOWN_OBJECT, "no object at %s; lumbard serves %s", path,
                LB_DBUS_PATH);
  }
  return DBUS_HANDLER_RESULT_HANDLED;
}

static DBusHandlerResult on_filter(DBusConnection *conn, DBusMessage *msg, void *ud) {
  lb_dbus *x = ud;
  (void)conn;
  if (dbus_message_is_signal(msg, DBUS_INTERFACE_LOCAL, "Disconnected")) {
    if (!x->stopping) {
      lb_warn("lost the D-Bus session bus; serving on the socket only");
      snprintf(x->state, sizeof(x->state), "lost the session bus");
    }
    x->lost = true;
    uv_idle_start(&x->idle, on_idle); /* close outside this callback */
    return DBUS_HANDLER_RESULT_HANDLED;
  }
  if (dbus_message_is_signal(msg, DBUS_INTERFACE_DBUS, "NameLost")) {
    const char *name = NULL;
    if (dbus_message_get_args(msg, NULL, DBUS_TYPE_STRING, &name, DBUS_TYPE_INVALID) &&
        strcmp(name, LB_DBUS_NAME) == 0) {
      lb_warn("lost the bus name " LB_DBUS_NAME "; still serving on the socket");
      x->name_owned = false;
    }
  }
  return DBUS_HANDLER_RESULT_NOT_YET_HANDLED;
}

/* ---- life ------------------------------------------------------------------------ */

static const DBusObjectPathVTable object_vtable = {.message_function = on_object_message};
static const DBusObjectPathVTable tree_vtable = {.message_function = on_tree_message};

lb_dbus *lb_dbus_start(const lb_core *core) {
  lb_dbus *x = lb_xcalloc(1, sizeof(*x));
  x->core = core;
  uv_idle_init(core->loop, &x->idle);
  x->idle.data = x;
  DBusError err;
  dbus_error_init(&err);
  DBusConnection *conn = dbus_bus_get_private(DBUS_BUS_SESSION, &err);
  if (!conn) {
    snprintf(x->state, sizeof(x->state), "no session bus");
    lb_notice("no D-Bus session bus (%s): serving on the socket only",
              err.message ? err.message : "cannot connect");
    dbus_error_free(&err);
    x->lost = true;
    return x;
  }
  dbus_connection_set_exit_on_disconnect(conn, FALSE);
  x->conn = conn;
  if (!dbus_connection_add_filter(conn, on_filter, x, NULL) ||
      !dbus_connection_register_object_path(conn, LB_DBUS_PATH, &object_vtable, x) ||
      !dbus_connection_register_fallback(conn, "/", &tree_vtable, x) ||
      !(x->glue = lb_dbus_glue_new(core->loop, conn))) {
    lb_err("D-Bus: cannot export " LB_DBUS_PATH " (out of memory); serving on the socket only");
    snprintf(x->state, sizeof(x->state), "failed to export");
    x->lost = true;
    leave_bus(x);
    return x;
  }
  lb_events_add_sink(core->events, on_event, x);
  lb_events_add_property_sink(core->events, property_changed, x);
  snprintf(x->state, sizeof(x->state), "connected as %s, name not yet owned",
           dbus_bus_get_unique_name(conn));
  return x;
}

const char *lb_dbus_state(const lb_dbus *x) {
  return x->state;
}

int lb_dbus_request_name(lb_dbus *x, char *errbuf, size_t errlen) {
  if (!x->conn)
    return 0; /* no bus: nothing to own */
  DBusError err;
  dbus_error_init(&err);
  int r = dbus_bus_request_name(x->conn, LB_DBUS_NAME, DBUS_NAME_FLAG_DO_NOT_QUEUE, &err);
  if (r == DBUS_REQUEST_NAME_REPLY_PRIMARY_OWNER || r == DBUS_REQUEST_NAME_REPLY_ALREADY_OWNER) {
    x->name_owned = true;
    snprintf(x->state, sizeof(x->state), "%s on the session bus", LB_DBUS_NAME);
    lb_info("D-Bus: serving %s at %s", LB_DBUS_NAME, LB_DBUS_PATH);
    return 0;
  }
  if (r < 0)
    snprintf(errbuf, errlen, "D-Bus: cannot take the name %s: %s", LB_DBUS_NAME,
             err.message ? err.message : "unknown error");
  else
    snprintf(errbuf, errlen,
             "another lumbard already owns %s on this session bus; stop it first (systemctl "
             "--user stop lumbard), or run this one with --no-dbus",
             LB_DBUS_NAME);
  dbus_error_free(&err);
  return r < 0 ? -EIO : -EEXIST;
}

static void idle_closed(uv_handle_t *h) {
  lb_dbus *x = h->data;
  for (size_t i = 0; i < x->n_changed; i++)
    free(x->changed[i]);
  free(x->changed);
  free_members(x);
  free(x->xml);
  free(x);
}

/* Leave the bus (lost, or stopping); what daemon.status says stays. */
static void leave_bus(lb_dbus *x) {
  lb_events_remove_sink(x->core->events, on_event, x);
  lb_events_remove_property_sink(x->core->events, property_changed, x);
  if (x->conn) {
    dbus_connection_remove_filter(x->conn, on_filter, x);
    dbus_connection_unregister_object_path(x->conn, LB_DBUS_PATH);
    dbus_connection_unregister_object_path(x->conn, "/");
    if (x->glue)
      lb_dbus_glue_close(x->glue); /* closes the connection */
    else
      dbus_connection_close(x->conn);
    dbus_connection_unref(x->conn);
    x->conn = NULL;
    x->glue = NULL;
  }
}

void lb_dbus_stop(lb_dbus *x) {
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
