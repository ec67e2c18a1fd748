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

const lbd_dbus_core_prop lbd_dbus_core_props[LBD_DBUS_N_CORE_PROPS] = {
    {"Version", "s"}, {"Plugins", "as"}, {"StartedAt", "x"}};

static void core_property(lbd_dbus *x, const char *name, lbd_arena *a, lb_type *ret_type,
                          lb_value *ret) {
  const lbd_core *d = x->core;
  if (strcmp(name, "Version") == 0) {
    *ret_type = LB_T_STRING;
    *ret = lb_v_str(LUMBARD_VERSION);
  } else if (strcmp(name, "Plugins") == 0) {
    size_t n = lbd_plugins_count(d->plugins);
    lb_value *names = lbd_arena_alloc(a, sizeof(lb_value) * (n ? n : 1));
    for (size_t i = 0; i < n; i++)
      names[i] = lb_v_str(lbd_plugin_name(lbd_plugins_at(d->plugins, i)));
    *ret_type = LB_T_STRINGS;
    *ret = lb_v_array(names, n);
  } else {
    *ret_type = LB_T_TIME;
    *ret = lb_v_int(d->started_at_ms / 1000);
  }
}

static bool is_core_prop(const char *name) {
  for (size_t i = 0; i < LBD_DBUS_N_CORE_PROPS; i++)
    if (strcmp(lbd_dbus_core_props[i].name, name) == 0)
      return true;
  return false;
}

/* Append {name: value} entries of one interface's properties. */
static void append_all(lbd_dbus *x, DBusMessageIter *dict, const char *iface, lbd_arena *a) {
  DBusMessageIter entry;
  if (strcmp(iface, LBD_DBUS_IFACE) == 0)
    for (size_t i = 0; i < LBD_DBUS_N_CORE_PROPS; i++) {
      lb_type t;
      lb_value v;
      core_property(x, lbd_dbus_core_props[i].name, a, &t, &v);
      dbus_message_iter_open_container(dict, DBUS_TYPE_DICT_ENTRY, NULL, &entry);
      dbus_message_iter_append_basic(&entry, DBUS_TYPE_STRING, &lbd_dbus_core_props[i].name);
      DBusMessageIter var;
      dbus_message_iter_open_container(&entry, DBUS_TYPE_VARIANT, lbd_dbus_signature(t), &var);
      lbd_dbus_append(&var, t, NULL, &v);
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
                                     lbd_dbus_signature(m->prop->decl->type), &var);
    lbd_dbus_append(&var, m->prop->decl->type, NULL, &v);
    dbus_message_iter_close_container(&entry, &var);
    dbus_message_iter_close_container(dict, &entry);
  }
}

void lbd_dbus_properties_call(lbd_dbus *x, DBusMessage *msg) {
  const char *member_name = dbus_message_get_member(msg);
  const char *iface = NULL, *name = NULL;
  DBusError err;
  dbus_error_init(&err);
  lbd_arena a;
  lbd_arena_init(&a);

  if (strcmp(member_name, "GetAll") == 0) {
    if (!dbus_message_get_args(msg, &err, DBUS_TYPE_STRING, &iface, DBUS_TYPE_INVALID)) {
      lbd_dbus_reply_error(x, msg, DBUS_ERROR_INVALID_ARGS, "GetAll takes (s interface_name)");
      goto out;
    }
    lbd_dbus_members_refresh(x);
    if (!lbd_dbus_members_iface_known(x, iface)) {
      lbd_dbus_reply_error(x, msg, DBUS_ERROR_UNKNOWN_INTERFACE, "no interface %s on %s", iface,
                           LBD_DBUS_PATH);
      goto out;
    }
    DBusMessage *reply = dbus_message_new_method_return(msg);
    DBusMessageIter it, dict;
    dbus_message_iter_init_append(reply, &it);
    dbus_message_iter_open_container(&it, DBUS_TYPE_ARRAY, "{sv}", &dict);
    append_all(x, &dict, iface, &a);
    dbus_message_iter_close_container(&it, &dict);
    lbd_dbus_send(x, reply);
    goto out;
  }

  bool set = strcmp(member_name, "Set") == 0;
  if (!set && strcmp(member_name, "Get") != 0) {
    lbd_dbus_reply_error(x, msg, DBUS_ERROR_UNKNOWN_METHOD,
                         "org.freedesktop.DBus.Properties has no method %s", member_name);
    goto out;
  }
  DBusMessageIter it;
  dbus_message_iter_init(msg, &it);
  if (strcmp(dbus_message_get_signature(msg), set ? "ssv" : "ss") != 0) {
    lbd_dbus_reply_error(x, msg, DBUS_ERROR_INVALID_ARGS,
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
  if ((any_iface || strcmp(iface, LBD_DBUS_IFACE) == 0) && is_core_prop(name)) {
    if (set) {
      lbd_dbus_reply_error(x, msg, DBUS_ERROR_PROPERTY_READ_ONLY, "%s is read-only", name);
      goto out;
    }
    core_property(x, name, &a, &t, &v);
  } else if ((m = lbd_dbus_members_find(x, any_iface ? NULL : iface, name, 2)) != NULL) {
    t = m->prop->decl->type;
    if (set) {
      if (!m->prop->decl->set) {
        lbd_dbus_reply_error(x, msg, DBUS_ERROR_PROPERTY_READ_ONLY, "%s is read-only", name);
        goto out;
      }
      lb_value in, typed;
      char why[512];
      const lb_param p = {.name = m->prop->decl->name, .type = t};
      char what[96];
      snprintf(what, sizeof(what), "property '%s'", name);
      if (lbd_dbus_read(&a, &it, &in, why, sizeof(why)) < 0 ||
          lbd_args_coerce(&a, &p, what, &in, &typed, why, sizeof(why)) < 0) {
        lbd_dbus_reply_error(x, msg, DBUS_ERROR_INVALID_ARGS, "%s", why);
        goto out;
      }
      const char *refusal = NULL;
      if (m->prop->decl->set(m->prop->owner, &typed, m->prop->decl->userdata, &refusal) < 0) {
        lbd_dbus_reply_error(x, msg, DBUS_ERROR_INVALID_ARGS, "property '%s': %s", name,
                             refusal ? refusal : "the value was refused");
        goto out;
      }
      lbd_dbus_send(x, dbus_message_new_method_return(msg));
      goto out;
    }
    m->prop->decl->get(m->prop->owner, &v, m->prop->decl->userdata);
  } else {
    if (any_iface)
      lbd_dbus_reply_error(x, msg, DBUS_ERROR_UNKNOWN_PROPERTY,
                           "no property %s on any interface of %s", name, LBD_DBUS_PATH);
    else
      lbd_dbus_reply_error(x, msg, DBUS_ERROR_UNKNOWN_PROPERTY, "no property %s on interface %s",
                           name, iface);
    goto out;
  }
  DBusMessage *reply = dbus_message_new_method_return(msg);
  DBusMessageIter out_it, var;
  dbus_message_iter_init_append(reply, &out_it);
  dbus_message_iter_open_container(&out_it, DBUS_TYPE_VARIANT, lbd_dbus_signature(t), &var);
  lbd_dbus_append(&var, t, NULL, &v);
  dbus_message_iter_close_container(&out_it, &var);
  lbd_dbus_send(x, reply);
out:
  dbus_error_free(&err);
  lbd_arena_free(&a);
}

/* PropertiesChanged: one signal per interface per loop turn. */
void lbd_dbus_properties_flush(lbd_dbus *x) {
  lbd_dbus_members_refresh(x);
  lbd_arena a;
  lbd_arena_init(&a);
  for (size_t i = 0; i < x->n_changed; i++) {
    if (!x->changed[i])
      continue;
    const lbd_property_entry *first = lbd_registry_property(x->core->registry, x->changed[i]);
    if (!first)
      continue;
    char *iface = lbd_dbus_members_iface(first->plugin);
    DBusMessage *sig =
        dbus_message_new_signal(LBD_DBUS_PATH, DBUS_INTERFACE_PROPERTIES, "PropertiesChanged");
    DBusMessageIter it, dict, entry, var, inval;
    dbus_message_iter_init_append(sig, &it);
    dbus_message_iter_append_basic(&it, DBUS_TYPE_STRING, &iface);
    dbus_message_iter_open_container(&it, DBUS_TYPE_ARRAY, "{sv}", &dict);
    /* every change of this interface goes in this one signal */
    for (size_t j = i; j < x->n_changed; j++) {
      const lbd_property_entry *p =
          x->changed[j] ? lbd_registry_property(x->core->registry, x->changed[j]) : NULL;
      if (!p || strcmp(p->plugin, first->plugin) != 0)
        continue;
      lb_value v = lb_v_nil();
      p->decl->get(p->owner, &v, p->decl->userdata);
      char *name = lbd_dbus_members_camel(p->name, p->plugin);
      dbus_message_iter_open_container(&dict, DBUS_TYPE_DICT_ENTRY, NULL, &entry);
      dbus_message_iter_append_basic(&entry, DBUS_TYPE_STRING, &name);
      dbus_message_iter_open_container(&entry, DBUS_TYPE_VARIANT, lbd_dbus_signature(p->decl->type),
                                       &var);
      lbd_dbus_append(&var, p->decl->type, NULL, &v);
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
    lbd_dbus_send(x, sig);
    free(iface);
  }
  for (size_t i = 0; i < x->n_changed; i++)
    free(x->changed[i]);
  x->n_changed = 0;
  lbd_arena_free(&a);
}

void lbd_dbus_properties_changed(void *ud, const lbd_property_entry *prop) {
  lbd_dbus *x = ud;
  const char *full_name = prop->name;
  if (x->lost || x->stopping)
    return;
  for (size_t i = 0; i < x->n_changed; i++)
    if (x->changed[i] && strcmp(x->changed[i], full_name) == 0)
      return; /* already waiting: coalesced */
  x->changed = lbu_xrealloc(x->changed, (x->n_changed + 1) * sizeof(char *));
  x->changed[x->n_changed++] = lbu_xstrdup(full_name);
  lbd_dbus_flush_later(x);
}
