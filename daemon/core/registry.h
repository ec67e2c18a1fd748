/* Every declared method and event, by full name ("rest.start"), with the
 * plugin that owns it. Core methods are entries without an owner. */
#ifndef LBD_REGISTRY_H
#define LBD_REGISTRY_H

#include <lumbard/plugin.h>
#include <stddef.h>

typedef struct lbd_method_entry {
  char *name; /* "<plugin>.<method>" */
  const char *plugin;
  const lb_method *decl;
  lb_plugin *owner;      /* NULL: a core method */
  const char *transport; /* NULL: served by every transport; else by that one only */
  uint32_t n_params, n_required, n_options;
} lbd_method_entry;

typedef struct lbd_event_entry {
  char *name; /* "<plugin>.<event>" */
  const char *plugin;
  const lb_event *decl;
  lb_plugin *owner;
  uint32_t n_fields;
} lbd_event_entry;

typedef struct lbd_property_entry {
  char *name; /* "<plugin>.<property>" */
  const char *plugin;
  const lb_property *decl;
  lb_plugin *owner;
} lbd_property_entry;

typedef struct lbd_registry lbd_registry;

lbd_registry *lbd_registry_new(void);
void lbd_registry_free(lbd_registry *r); /* accepts NULL */

/* Check a declaration and add it. -EINVAL (err says what is wrong with the
 * declaration) or -EEXIST. */
int lbd_registry_add_method(lbd_registry *r, const char *plugin, lb_plugin *owner,
                            const lb_method *m, char *err, size_t errlen);
/* A core method ("daemon.<name>") that only one transport serves, the one
 * whose tag is transport (a string of static storage): subscriptions are
 * the socket's. */
int lbd_registry_add_transport_method(lbd_registry *r, const char *transport, const lb_method *m,
                                      char *err, size_t errlen);
int lbd_registry_add_event(lbd_registry *r, const char *plugin, lb_plugin *owner, const lb_event *e,
                           char *err, size_t errlen);
int lbd_registry_add_property(lbd_registry *r, const char *plugin, lb_plugin *owner,
                              const lb_property *p, char *err, size_t errlen);
void lbd_registry_remove_owner(lbd_registry *r, lb_plugin *owner);
/* Changes with every declaration added or removed: caches compare it. */
unsigned lbd_registry_generation(const lbd_registry *r);

const lbd_method_entry *lbd_registry_method(const lbd_registry *r, const char *name, size_t len);
const lbd_event_entry *lbd_registry_event(const lbd_registry *r, const char *name);
const lbd_property_entry *lbd_registry_property(const lbd_registry *r, const char *name);

/* In name order. */
size_t lbd_registry_n_methods(const lbd_registry *r);
const lbd_method_entry *lbd_registry_method_at(const lbd_registry *r, size_t i);
size_t lbd_registry_n_events(const lbd_registry *r);
const lbd_event_entry *lbd_registry_event_at(const lbd_registry *r, size_t i);
size_t lbd_registry_n_properties(const lbd_registry *r);
const lbd_property_entry *lbd_registry_property_at(const lbd_registry *r, size_t i);

#endif
