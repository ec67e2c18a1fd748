#include "registry.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "value.h"

/* Sorted arrays: declarations arrive at start-up, lookups happen per call. */
struct lbd_registry {
  lbd_method_entry **methods;
  size_t n_methods, cap_methods;
  lbd_event_entry **events;
  size_t n_events, cap_events;
  lbd_property_entry **props;
  size_t n_props, cap_props;
  unsigned generation;
};

lbd_registry *lbd_registry_new(void) {
  return lbu_xcalloc(1, sizeof(lbd_registry));
}

void lbd_registry_free(lbd_registry *r) {
  if (!r)
    return;
  for (size_t i = 0; i < r->n_methods; i++) {
    free(r->methods[i]->name);
    free(r->methods[i]);
  }
  for (size_t i = 0; i < r->n_events; i++) {
    free(r->events[i]->name);
    free(r->events[i]);
  }
  for (size_t i = 0; i < r->n_props; i++) {
    free(r->props[i]->name);
    free(r->props[i]);
  }
  free(r->methods);
  free(r->events);
  free(r->props);
  free(r);
}

/* A name against key[0..len), which holds a client's bytes (NULs too, and
 * no terminator): ordered as strcmp orders names, reading neither past its
 * end. */
static int cmp_name(const char *name, const char *key, size_t len) {
  size_t n = strlen(name), common = n < len ? n : len;
  int c = common ? memcmp(name, key, common) : 0;
  return c ? c : (n > len) - (n < len);
}

/* Index of the first entry whose name is >= key. */
static size_t lower_bound(void *const *items, size_t n, size_t name_off, const char *key,
                          size_t len) {
  size_t lo = 0, hi = n;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    const char *name = *(const char *const *)((const char *)items[mid] + name_off);
    int c = cmp_name(name, key, len);
    if (c < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

static bool name_at(void *const *items, size_t n, size_t i, size_t name_off, const char *key,
                    size_t len) {
  if (i >= n)
    return false;
  const char *name = *(const char *const *)((const char *)items[i] + name_off);
  return cmp_name(name, key, len) == 0;
}

static void insert(void ***items, size_t *n, size_t *cap, size_t at, void *item) {
  if (*n == *cap) {
    *cap = *cap ? *cap * 2 : 16;
    *items = lbu_xrealloc(*items, *cap * sizeof(void *));
  }
  memmove(*items + at + 1, *items + at, (*n - at) * sizeof(void *));
  (*items)[at] = item;
  (*n)++;
}

static int check_params(const lb_param *ps, bool positional, uint32_t *ret_n,
                        uint32_t *ret_required, char *err, size_t errlen) {
  uint32_t n = 0, required = 0;
  bool seen_optional = false;
  for (; ps && ps[n].name; n++) {
    const lb_param *p = &ps[n];
    const char *what = positional ? "parameter" : "option";
    if (!lbu_name_valid(p->name)) {
      snprintf(err, errlen, "%s name \"%s\" must match [a-z][a-z0-9_]*", what, p->name);
      return -EINVAL;
    }
    for (uint32_t j = 0; j < n; j++)
      if (strcmp(ps[j].name, p->name) == 0) {
        snprintf(err, errlen, "%s \"%s\" is declared twice", what, p->name);
        return -EINVAL;
      }
    if (!lbd_type_is_param(p->type)) {
      snprintf(err, errlen, "%s \"%s\" has a type a parameter cannot have", what, p->name);
      return -EINVAL;
    }
    if (positional) {
      if (p->optional)
        seen_optional = true;
      else if (seen_optional) {
        snprintf(err, errlen, "required parameter \"%s\" follows an optional one", p->name);
        return -EINVAL;
      } else
        required++;
    }
    char why[160];
    if (!lb_is_nil(&p->def) && !lbd_value_has_type(&p->def, p->type, why, sizeof(why))) {
      snprintf(err, errlen, "the default of %s \"%s\": %s", what, p->name, why);
      return -EINVAL;
    }
  }
  *ret_n = n;
  if (ret_required)
    *ret_required = required;
  return 0;
}

/* The field that the dotted name of a nested one ("steps.seconds") names as
 * its enclosing map, among the n declared before it; NULL when there is none. */
static const lb_field *enclosing_field(const lb_field *fs, uint32_t n, const char *name) {
  const char *dot = strrchr(name, '.');
  for (uint32_t j = 0; dot && j < n; j++)
    if (strlen(fs[j].name) == (size_t)(dot - name) && strncmp(fs[j].name, name, dot - name) == 0)
      return &fs[j];
  return NULL;
}

/* Fields of a result may declare the keys of a map (or of each map of a
 * list) they hold with a dotted name after it: "steps" (maps), then
 * "steps.seconds". A name has one type wherever it appears: a nested field
 * may not differ from a top-level one of the same last name. Events carry
 * top-level fields only (they become a signal's arguments). */
static int check_fields(const lb_field *fs, bool nested, uint32_t *ret_n, char *err,
                        size_t errlen) {
  uint32_t n = 0;
  for (; fs && fs[n].name; n++) {
    const char *name = fs[n].name, *dot = strrchr(name, '.');
    if (dot && nested) {
      const lb_field *outer = enclosing_field(fs, n, name);
      if (!outer || (outer->type != LB_T_MAP && outer->type != LB_T_MAPS)) {
        snprintf(err, errlen,
                 "field \"%s\" must follow the field of type map or maps that holds it", name);
        return -EINVAL;
      }
      for (uint32_t j = 0; j < n; j++)
        if (!strchr(fs[j].name, '.') && strcmp(fs[j].name, dot + 1) == 0 &&
            fs[j].type != fs[n].type) {
          snprintf(err, errlen, "field \"%s\" has another type than the field \"%s\"", name,
                   fs[j].name);
          return -EINVAL;
        }
    }
    if (!lbu_name_valid(dot && nested ? dot + 1 : name)) {
      snprintf(err, errlen, "field name \"%s\" must match [a-z][a-z0-9_]*%s", name,
               nested ? " (or name.field for a key of the map named before it)" : "");
      return -EINVAL;
    }
    if (!lbd_type_is_param(fs[n].type)) {
      snprintf(err, errlen, "field \"%s\" has an unknown type", name);
      return -EINVAL;
    }
    for (uint32_t j = 0; j < n; j++)
      if (strcmp(fs[j].name, name) == 0) {
        snprintf(err, errlen, "field \"%s\" is declared twice", name);
        return -EINVAL;
      }
  }
  *ret_n = n;
  return 0;
}

int lbd_registry_add_method(lbd_registry *r, const char *plugin, lb_plugin *owner,
                            const lb_method *m, char *err, size_t errlen) {
  if (!m || !lbu_name_valid(m->name)) {
    snprintf(err, errlen, "method name \"%s\" must match [a-z][a-z0-9_]*",
             m && m->name ? m->name : "(null)");
    return -EINVAL;
  }
  if (!m->handler) {
    snprintf(err, errlen, "method \"%s\" has no handler", m->name);
    return -EINVAL;
  }
  if (!lbd_type_is_param(m->result) && m->result != LB_T_NONE) {
    snprintf(err, errlen, "method \"%s\" has an unknown result type", m->name);
    return -EINVAL;
  }
  lbd_method_entry tmp = {0};
  char why[200];
  uint32_t n_fields;
  if (check_params(m->params, true, &tmp.n_params, &tmp.n_required, why, sizeof(why)) < 0 ||
      check_params(m->options, false, &tmp.n_options, NULL, why, sizeof(why)) < 0 ||
      check_fields(m->result_fields, true, &n_fields, why, sizeof(why)) < 0) {
    snprintf(err, errlen, "method \"%s\": %s", m->name, why);
    return -EINVAL;
  }
  char *name = lbu_xasprintf("%s.%s", plugin, m->name);
  size_t at = lower_bound((void **)r->methods, r->n_methods, offsetof(lbd_method_entry, name), name,
                          strlen(name));
  if (name_at((void **)r->methods, r->n_methods, at, offsetof(lbd_method_entry, name), name,
              strlen(name))) {
    snprintf(err, errlen, "method \"%s\" is declared twice", name);
    free(name);
    return -EEXIST;
  }
  lbd_method_entry *e = lbu_xmalloc(sizeof(*e));
  *e = tmp;
  e->name = name;
  e->plugin = plugin;
  e->decl = m;
  e->owner = owner;
  insert((void ***)&r->methods, &r->n_methods, &r->cap_methods, at, e);
  r->generation++;
  return 0;
}

int lbd_registry_add_transport_method(lbd_registry *r, const char *transport, const lb_method *m,
                                      char *err, size_t errlen) {
  int ret = lbd_registry_add_method(r, "daemon", NULL, m, err, errlen);
  if (ret < 0)
    return ret;
  char name[160];
  snprintf(name, sizeof(name), "daemon.%s", m->name);
  ((lbd_method_entry *)lbd_registry_method(r, name, strlen(name)))->transport = transport;
  return 0;
}

int lbd_registry_add_event(lbd_registry *r, const char *plugin, lb_plugin *owner,
                           const lb_event *ev, char *err, size_t errlen) {
  if (!ev || !lbu_name_valid(ev->name)) {
    snprintf(err, errlen, "event name \"%s\" must match [a-z][a-z0-9_]*",
             ev && ev->name ? ev->name : "(null)");
    return -EINVAL;
  }
  uint32_t n_fields;
  char why[200];
  if (check_fields(ev->fields, false, &n_fields, why, sizeof(why)) < 0) {
    snprintf(err, errlen, "event \"%s\": %s", ev->name, why);
    return -EINVAL;
  }
  char *name = lbu_xasprintf("%s.%s", plugin, ev->name);
  size_t at = lower_bound((void **)r->events, r->n_events, offsetof(lbd_event_entry, name), name,
                          strlen(name));
  if (name_at((void **)r->events, r->n_events, at, offsetof(lbd_event_entry, name), name,
              strlen(name))) {
    snprintf(err, errlen, "event \"%s\" is declared twice", name);
    free(name);
    return -EEXIST;
  }
  lbd_event_entry *e = lbu_xmalloc(sizeof(*e));
  *e = (lbd_event_entry){
      .name = name, .plugin = plugin, .decl = ev, .owner = owner, .n_fields = n_fields};
  insert((void ***)&r->events, &r->n_events, &r->cap_events, at, e);
  r->generation++;
  return 0;
}

int lbd_registry_add_property(lbd_registry *r, const char *plugin, lb_plugin *owner,
                              const lb_property *p, char *err, size_t errlen) {
  if (!p || !lbu_name_valid(p->name)) {
    snprintf(err, errlen, "property name \"%s\" must match [a-z][a-z0-9_]*",
             p && p->name ? p->name : "(null)");
    return -EINVAL;
  }
  if (!p->get || !lbd_type_is_param(p->type)) {
    snprintf(err, errlen, "property \"%s\" needs a getter and a known type", p->name);
    return -EINVAL;
  }
  char *name = lbu_xasprintf("%s.%s", plugin, p->name);
  size_t off = offsetof(lbd_property_entry, name);
  size_t at = lower_bound((void **)r->props, r->n_props, off, name, strlen(name));
  if (name_at((void **)r->props, r->n_props, at, off, name, strlen(name))) {
    snprintf(err, errlen, "property \"%s\" is declared twice", name);
    free(name);
    return -EEXIST;
  }
  lbd_property_entry *e = lbu_xmalloc(sizeof(*e));
  *e = (lbd_property_entry){.name = name, .plugin = plugin, .decl = p, .owner = owner};
  insert((void ***)&r->props, &r->n_props, &r->cap_props, at, e);
  r->generation++;
  return 0;
}

/* Drop owner's entries from one sorted array, keeping the order. */
#define REMOVE_OWNED(items, n)                                                                     \
  do {                                                                                             \
    size_t j_ = 0;                                                                                 \
    for (size_t i_ = 0; i_ < (n); i_++) {                                                          \
      if ((items)[i_]->owner == owner) {                                                           \
        free((items)[i_]->name);                                                                   \
        free((items)[i_]);                                                                         \
      } else {                                                                                     \
        (items)[j_++] = (items)[i_];                                                               \
      }                                                                                            \
    }                                                                                              \
    (n) = j_;                                                                                      \
  } while (0)

void lbd_registry_remove_owner(lbd_registry *r, lb_plugin *owner) {
  if (!owner)
    return; /* core entries stay for the daemon's life */
  REMOVE_OWNED(r->methods, r->n_methods);
  REMOVE_OWNED(r->events, r->n_events);
  REMOVE_OWNED(r->props, r->n_props);
  r->generation++;
}

unsigned lbd_registry_generation(const lbd_registry *r) {
  return r->generation;
}

const lbd_method_entry *lbd_registry_method(const lbd_registry *r, const char *name, size_t len) {
  size_t at =
      lower_bound((void **)r->methods, r->n_methods, offsetof(lbd_method_entry, name), name, len);
  return name_at((void **)r->methods, r->n_methods, at, offsetof(lbd_method_entry, name), name, len)
             ? r->methods[at]
             : NULL;
}

const lbd_event_entry *lbd_registry_event(const lbd_registry *r, const char *name) {
  size_t len = strlen(name);
  size_t at =
      lower_bound((void **)r->events, r->n_events, offsetof(lbd_event_entry, name), name, len);
  return name_at((void **)r->events, r->n_events, at, offsetof(lbd_event_entry, name), name, len)
             ? r->events[at]
             : NULL;
}

size_t lbd_registry_n_methods(const lbd_registry *r) {
  return r->n_methods;
}
const lbd_method_entry *lbd_registry_method_at(const lbd_registry *r, size_t i) {
  return i < r->n_methods ? r->methods[i] : NULL;
}
size_t lbd_registry_n_events(const lbd_registry *r) {
  return r->n_events;
}
const lbd_event_entry *lbd_registry_event_at(const lbd_registry *r, size_t i) {
  return i < r->n_events ? r->events[i] : NULL;
}

const lbd_property_entry *lbd_registry_property(const lbd_registry *r, const char *name) {
  size_t len = strlen(name), off = offsetof(lbd_property_entry, name);
  size_t at = lower_bound((void **)r->props, r->n_props, off, name, len);
  return name_at((void **)r->props, r->n_props, at, off, name, len) ? r->props[at] : NULL;
}

size_t lbd_registry_n_properties(const lbd_registry *r) {
  return r->n_props;
}
const lbd_property_entry *lbd_registry_property_at(const lbd_registry *r, size_t i) {
  return i < r->n_props ? r->props[i] : NULL;
}
