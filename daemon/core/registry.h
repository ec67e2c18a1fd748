/* Every declared method and event, by full name ("rest.start"), with the
 * plugin that owns it. Core methods are entries without an owner. */
#ifndef LB_REGISTRY_H
#define LB_REGISTRY_H

#include <lumbard/plugin.h>
#include <stddef.h>

typedef struct lb_method_entry {
  char *name; /* "<plugin>.<method>" */
  const char *plugin;
  const lb_method *decl;
  lb_plugin *owner;      /* NULL: a core method */
  const char *transport; /* NULL: served by every transport; else by that one only */
  uint32_t n_params, n_required, n_options;
} lb_method_entry;

typedef struct lb_event_entry {
  char *name; /* "<plugin>.<event>" */
  const char *plugin;
  const lb_event *decl;
  lb_plugin *owner;
  uint32_t n_fields;
} lb_event_entry;

typedef struct lb_property_entry {
  char *name; /* "<plugin>.<property>" */
  const char *plugin;
  const lb_property *decl;
  lb_plugin *owner;
} lb_property_entry;

typedef struct lb_registry lb_registry;

lb_registry *lb_registry_new(void);
void lb_registry_free(lb_registry *r); /* accepts NULL */

/* Check a declaration and add it. -EINVAL (err says what is wrong with the
 * declaration) or -EEXIST. */
int lb_registry_add_method(lb_registry *r, const char *plugin, lb_plugin *owner, const lb_method *m,
                           char *err, size_t errlen);
/* A core method ("daemon.<name>") that only one transport serves, the one
 * whose tag is transport (a string of static storage): subscriptions are
 * the socket's. */
int lb_registry_add_transport_method(lb_registry *r, const char *transport, const lb_method *m,
                                     char *err, size_t errlen);
int lb_registry_add_event(lb_registry *r, const char *plugin, lb_plugin *owner, const lb_event *e,
                          char *err, size_t errlen);
int lb_registry_add_property(lb_registry *r, const char *plugin, lb_plugin *owner,
                             const lb_property *p, char *err, size_t errlen);
void lb_registry_remove_owner(lb_registry *r, lb_plugin *owner);
/* Changes with every declaration added or removed: caches compare it. */
unsigned lb_registry_generation(const lb_registry *r);

const lb_method_entry *lb_registry_method(const lb_registry *r, const char *name, size_t len);
const lb_event_entry *lb_registry_event(const lb_registry *r, const char *name);
const lb_property_entry *lb_registry_property(const lb_registry *r, const char *name);

/* In name order. */
size_t lb_registry_n_methods(const lb_registry *r);
const lb_method_entry *lb_registry_method_at(const lb_registry *r, size_t i);
size_t lb_registry_n_events(const lb_registry *r);
const lb_event_entry *lb_registry_event_at(const lb_registry *r, size_t i);
size_t lb_registry_n_properties(const lb_registry *r);
const lb_property_entry *lb_registry_property_at(const lb_registry *r, size_t i);

#endif
