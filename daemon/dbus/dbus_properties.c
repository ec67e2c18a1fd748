/* The D-Bus export's properties: Get, GetAll and Set of
 * org.freedesktop.DBus.Properties over the core's and the plugins' declared
 * properties, and PropertiesChanged, coalesced to one signal per interface
 * per loop turn. */
#include <lumbard/version.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "dbus_export_private.h"
#include "dbus_value.h"
#include "plugin_host.h"
#include "util.h"
#include "value.h"

const lb_dbus_core_prop lb_dbus_core_props[LB_DBUS_N_CORE_PROPS] = {
    {"Version", "s"}, {"Plugins", "as"}, {"StartedAt", "x"}};

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
  for (size_t i = 0; i < LB_DBUS_N_CORE_PROPS; i++)
    if (strcmp(lb_dbus_core_props[i].name, name) == 0)
      return true;
  return false;
}

/* Append {name: value} entries of one interface's properties. */
static void append_all(lb_dbus *x, DBusMessageIter *dict, const char *iface, lb_arena *a) {
  DBusMessageIter entry;
  if (strcmp(iface, LB_DBUS_IFACE) == 0)
    for (size_t i = 0; i < LB_DBUS_N_CORE_PROPS; i++) {
      lb_type t;
      lb_value v;
      core_property(x, lb_dbus_core_props[i].name, a, &t, &v);
      dbus_message_iter_open_container(dict, DBUS_TYPE_DICT_ENTRY, NULL, &entry);
      dbus_message_iter_append_basic(&entry, DBUS_TYPE_STRING, &lb_dbus_core_props[i].name);
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

void lb_dbus_properties_call(lb_dbus *x, DBusMessage *msg) {
  const char *member_name = dbus_message_get_member(msg);
  const char *iface = NULL, *name = NULL;
  DBusError err;
  dbus_error_init(&err);
  lb_arena a;
  lb_arena_init(&a);

  if (strcmp(member_name, "GetAll") == 0) {
    if (!dbus_message_get_args(msg, &err, DBUS_TYPE_STRING, &iface, DBUS_TYPE_INVALID)) {
      lb_dbus_reply_error(x, msg, DBUS_ERROR_INVALID_ARGS, "GetAll takes (s interface_name)");
      goto out;
    }
    lb_dbus_members_refresh(x);
    if (!lb_dbus_members_iface_known(x, iface)) {
      lb_dbus_reply_error(x, msg, DBUS_ERROR_UNKNOWN_INTERFACE, "no interface %s on %s", iface,
                          LB_DBUS_PATH);
      goto out;
    }
    DBusMessage *reply = dbus_message_new_method_return(msg);
    DBusMessageIter it, dict;
    dbus_message_iter_init_append(reply, &it);
    dbus_message_iter_open_container(&it, DBUS_TYPE_ARRAY, "{sv}", &dict);
    append_all(x, &dict, iface, &a);
    dbus_message_iter_close_container(&it, &dict);
    lb_dbus_send(x, reply);
    goto out;
  }

  bool set = strcmp(member_name, "Set") == 0;
  if (!set && strcmp(member_name, "Get") != 0) {
    lb_dbus_reply_error(x, msg, DBUS_ERROR_UNKNOWN_METHOD,
                        "org.freedesktop.DBus.Properties has no method %s", member_name);
    goto out;
  }
  DBusMessageIter it;
  dbus_message_iter_init(msg, &it);
  if (strcmp(dbus_message_get_signature(msg), set ? "ssv" : "ss") != 0) {
    lb_dbus_reply_error(x, msg, DBUS_ERROR_INVALID_ARGS,
                        "%s takes (s interface_name, s property_name%s)", member_name,
                        set ? ", v value" : "");
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
      lb_dbus_reply_error(x, msg, DBUS_ERROR_PROPERTY_READ_ONLY, "%s is read-only", name);
      goto out;
    }
    core_property(x, name, &a, &t, &v);
  } else if ((m = lb_dbus_members_find(x, any_iface ? NULL : iface, name, 2)) != NULL) {
    t = m->prop->decl->type;
    if (set) {
      if (!m->prop->decl->set) {
        lb_dbus_reply_error(x, msg, DBUS_ERROR_PROPERTY_READ_ONLY, "%s is read-only", name);
        goto out;
      }
      lb_value in, typed;
      char why[512];
      const lb_param p = {.name = m->prop->decl->name, .type = t};
      char what[96];
      snprintf(what, sizeof(what), "property '%s'", name);
      if (lb_dbus_read(&a, &it, &in, why, sizeof(why)) < 0 ||
          lb_args_coerce(&a, &p, what, &in, &typed, why, sizeof(why)) < 0) {
        lb_dbus_reply_error(x, msg, DBUS_ERROR_INVALID_ARGS, "%s", why);
        goto out;
      }
      const char *refusal = NULL;
      if (m->prop->decl->set(m->prop->owner, &typed, m->prop->decl->userdata, &refusal) < 0) {
        lb_dbus_reply_error(x, msg, DBUS_ERROR_INVALID_ARGS, "property '%s': %s", name,
                            refusal ? refusal : "the value was refused");
        goto out;
      }
      lb_dbus_send(x, dbus_message_new_method_return(msg));
      goto out;
    }
    m->prop->decl->get(m->prop->owner, &v, m->prop->decl->userdata);
  } else {
    if (any_iface)
      lb_dbus_reply_error(x, msg, DBUS_ERROR_UNKNOWN_PROPERTY,
                          "no property %s on any interface of %s", name, LB_DBUS_PATH);
    else
      lb_dbus_reply_error(x, msg, DBUS_ERROR_UNKNOWN_PROPERTY, "no property %s on interface %s",
                          name, iface);
    goto out;
  }
  DBusMessage *reply = dbus_message_new_method_return(msg);
  DBusMessageIter out_it, var;
  dbus_message_iter_init_append(reply, &out_it);
  dbus_message_iter_open_container(&out_it, DBUS_TYPE_VARIANT, lb_dbus_signature(t), &var);
  lb_dbus_append(&var, t, NULL, &v);
  dbus_message_iter_close_container(&out_it, &var);
  lb_dbus_send(x, reply);
out:
  dbus_error_free(&err);
  lb_arena_free(&a);
}

/* PropertiesChanged: one signal per interface per loop turn. */
void lb_dbus_properties_flush(lb_dbus *x) {
  lb_dbus_members_refresh(x);
  lb_arena a;
  lb_arena_init(&a);
  for (size_t i = 0; i < x->n_changed; i++) {
    if (!x->changed[i])
      continue;
    const lb_property_entry *first = lb_registry_property(x->core->registry, x->changed[i]);
    if (!first)
      continue;
    char *iface = lb_dbus_members_iface(first->plugin);
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
      char *name = lb_dbus_members_camel(p->name, p->plugin);
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
    lb_dbus_send(x, sig);
    free(iface);
  }
  for (size_t i = 0; i < x->n_changed; i++)
    free(x->changed[i]);
  x->n_changed = 0;
  lb_arena_free(&a);
}

void lb_dbus_properties_changed(void *ud, const lb_property_entry *prop) {
  lb_dbus *x = ud;
  const char *full_name = prop->name;
  if (x->lost || x->stopping)
    return;
  for (size_t i = 0; i < x->n_changed; i++)
    if (x->changed[i] && strcmp(x->changed[i], full_name) == 0)
      return; /* already waiting: coalesced */
  x->changed = lb_xrealloc(x->changed, (x->n_changed + 1) * sizeof(char *));
  x->changed[x->n_changed++] = lb_xstrdup(full_name);
  lb_dbus_flush_later(x);
}
