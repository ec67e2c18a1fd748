/* The D-Bus export's member table and introspection XML, generated from the
 * declarations (one table, many surfaces) and rebuilt when they change. */
#include <lumbard/version.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dbus_export_private.h"
#include "dbus_value.h"
#include "plugin_host.h"
#include "util.h"

char *lbd_dbus_members_iface(const char *plugin) {
  if (strcmp(plugin, "daemon") == 0)
    return lbu_xstrdup(LBD_DBUS_IFACE);
  char camel[128];
  lbd_dbus_camel(plugin, camel, sizeof(camel));
  return lbu_xasprintf(LBD_DBUS_IFACE ".%s", camel);
}

char *lbd_dbus_members_camel(const char *full, const char *plugin) {
  char camel[128];
  lbd_dbus_camel(full + strlen(plugin) + 1, camel, sizeof(camel));
  return lbu_xstrdup(camel);
}

/* Methods a D-Bus client can call: those of every transport, and its own. */
static bool exported(const lbd_method_entry *m) {
  return !m->transport || m->transport == lbd_dbus_transport;
}

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
    b->s = lbu_xrealloc(b->s, b->cap);
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

void lbd_dbus_members_free(lbd_dbus *x) {
  for (size_t i = 0; i < x->n_members; i++) {
    free(x->members[i].iface);
    free(x->members[i].name);
    free(x->members[i].in_sig);
  }
  free(x->members);
  x->members = NULL;
  x->n_members = 0;
}

static void add_member(lbd_dbus *x, member m) {
  x->members = lbu_xrealloc(x->members, (x->n_members + 1) * sizeof(member));
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

static void emit_interface(lbd_dbus *x, strbuf *b, const char *plugin) {
  lbd_registry *r = x->core->registry;
  char *iface = lbd_dbus_members_iface(plugin);
  sb_add(b, "  <interface name=\"%s\">\n", iface);
  for (size_t i = 0; i < lbd_registry_n_methods(r); i++) {
    const lbd_method_entry *m = lbd_registry_method_at(r, i);
    if (strcmp(m->plugin, plugin) != 0 || !exported(m))
      continue;
    member mem = {
        .iface = lbu_xstrdup(iface), .name = lbd_dbus_members_camel(m->name, plugin), .method = m};
    strbuf sig = {0};
    sb_add(b, "    <method name=\"%s\">\n", mem.name);
    sb_doc(b, "      ", m->decl->doc);
    for (uint32_t k = 0; k < m->n_params; k++) {
      const lb_param *p = &m->decl->params[k];
      sb_add(b, "      <arg name=\"%s\" type=\"%s\" direction=\"in\"/>\n", p->name,
             lbd_dbus_signature(p->type));
      sb_add(&sig, "%s", lbd_dbus_signature(p->type));
    }
    if (m->n_options) {
      sb_add(b, "      <arg name=\"options\" type=\"a{sv}\" direction=\"in\"/>\n");
      sb_add(&sig, "a{sv}");
    }
    if (m->decl->result != LB_T_NONE)
      sb_add(b, "      <arg name=\"result\" type=\"%s\" direction=\"out\"/>\n",
             lbd_dbus_signature(m->decl->result));
    sb_add(b, "    </method>\n");
    mem.in_sig = sig.s ? sig.s : lbu_xstrdup("");
    add_member(x, mem);
  }
  for (size_t i = 0; i < lbd_registry_n_events(r); i++) {
    const lbd_event_entry *e = lbd_registry_event_at(r, i);
    if (strcmp(e->plugin, plugin) != 0)
      continue;
    member mem = {
        .iface = lbu_xstrdup(iface), .name = lbd_dbus_members_camel(e->name, plugin), .event = e};
    sb_add(b, "    <signal name=\"%s\">\n", mem.name);
    sb_doc(b, "      ", e->decl->doc);
    for (uint32_t k = 0; k < e->n_fields; k++)
      sb_add(b, "      <arg name=\"%s\" type=\"%s\"/>\n", e->decl->fields[k].name,
             lbd_dbus_signature(e->decl->fields[k].type));
    sb_add(b, "    </signal>\n");
    add_member(x, mem);
  }
  if (strcmp(plugin, "daemon") == 0)
    for (size_t i = 0; i < LBD_DBUS_N_CORE_PROPS; i++)
      sb_add(b,
             "    <property name=\"%s\" type=\"%s\" access=\"read\">\n"
             "      <annotation name=\"org.freedesktop.DBus.Property.EmitsChangedSignal\" "
             "value=\"const\"/>\n    </property>\n",
             lbd_dbus_core_props[i].name, lbd_dbus_core_props[i].sig);
  for (size_t i = 0; i < lbd_registry_n_properties(r); i++) {
    const lbd_property_entry *p = lbd_registry_property_at(r, i);
    if (strcmp(p->plugin, plugin) != 0)
      continue;
    member mem = {
        .iface = lbu_xstrdup(iface), .name = lbd_dbus_members_camel(p->name, plugin), .prop = p};
    sb_add(b, "    <property name=\"%s\" type=\"%s\" access=\"%s\">\n", mem.name,
           lbd_dbus_signature(p->decl->type), p->decl->set ? "readwrite" : "read");
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
void lbd_dbus_members_refresh(lbd_dbus *x) {
  lbd_registry *r = x->core->registry;
  if (x->xml && x->generation == lbd_registry_generation(r))
    return;
  lbd_dbus_members_free(x);
  free(x->xml);
  strbuf b = {0};
  sb_add(&b,
         "<!DOCTYPE node PUBLIC \"-//freedesktop//DTD D-BUS Object Introspection 1.0//EN\"\n"
         " \"http://www.freedesktop.org/standards/dbus/1.0/introspect.dtd\">\n"
         "<!-- lumbard %s: rest timers, warm-up reminders and a pain diary. "
         "Not a medical device. -->\n<node>\n%s",
         LUMBARD_VERSION, STANDARD_IFACES);
  emit_interface(x, &b, "daemon");
  for (size_t i = 0; i < lbd_plugins_count(x->core->plugins); i++)
    emit_interface(x, &b, lbd_plugin_name(lbd_plugins_at(x->core->plugins, i)));
  sb_add(&b, "</node>\n");
  x->xml = b.s;
  x->generation = lbd_registry_generation(r);
}

const member *lbd_dbus_members_find(lbd_dbus *x, const char *iface, const char *name, int kind) {
  lbd_dbus_members_refresh(x);
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
bool lbd_dbus_members_failed_plugin(lbd_dbus *x, const char *iface, char *why, size_t len) {
  lbd_plugins *ps = x->core->plugins;
  for (size_t i = 0; i < lbd_plugins_n_failed(ps); i++) {
    const char *path, *reason, *name = lbd_plugins_failed_at(ps, i, &path, &reason);
    char *want = lbd_dbus_members_iface(name);
    bool hit = strcmp(want, iface) == 0;
    free(want);
    if (hit)
      return lbd_plugins_why_missing(ps, name, strlen(name), why, len);
  }
  return false;
}

bool lbd_dbus_members_iface_known(lbd_dbus *x, const char *iface) {
  lbd_dbus_members_refresh(x);
  if (strcmp(iface, LBD_DBUS_IFACE) == 0)
    return true;
  for (size_t i = 0; i < x->n_members; i++)
    if (strcmp(x->members[i].iface, iface) == 0)
      return true;
  char *probe = NULL;
  for (size_t i = 0; i < lbd_plugins_count(x->core->plugins); i++) {
    probe = lbd_dbus_members_iface(lbd_plugin_name(lbd_plugins_at(x->core->plugins, i)));
    bool same = strcmp(probe, iface) == 0;
    free(probe);
    if (same)
      return true;
  }
  return false;
}
