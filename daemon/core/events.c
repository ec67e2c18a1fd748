#include "events.h"

#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "log.h"
#include "util.h"
#include "value.h"

/* Two kinds of sink: one hears events, the other property changes. */
typedef struct sink {
  lbd_sink_fn fn;
  lbd_property_sink_fn property_fn;
  void *userdata;
} sink;

typedef struct listener {
  lb_plugin *owner;
  char *pattern;
  lb_listen_fn fn;
  void *userdata;
} listener;

/* An event waiting to be heard by listening plugins: a copy of its fields. */
typedef struct queued {
  struct queued *next;
  char *name;
  lbd_arena arena;
  lb_value fields;
} queued;

struct lbd_events {
  lbd_registry *reg;
  uv_idle_t idle;
  sink *sinks;
  size_t n_sinks;
  listener *listeners;
  size_t n_listeners;
  queued *head, **tail;
  bool delivering; /* listeners are only marked for removal meanwhile */
};

bool lbd_event_matches(const char *pattern, const char *name) {
  return fnmatch(pattern, name, 0) == 0;
}

static void compact_listeners(lbd_events *e) {
  size_t j = 0;
  for (size_t i = 0; i < e->n_listeners; i++) {
    if (e->listeners[i].fn)
      e->listeners[j++] = e->listeners[i];
    else
      free(e->listeners[i].pattern);
  }
  e->n_listeners = j;
}

static void deliver(uv_idle_t *h) {
  lbd_events *e = h->data;
  /* Take the whole queue: events emitted while delivering wait a turn. */
  queued *q = e->head;
  e->head = NULL;
  e->tail = &e->head;
  uv_idle_stop(h);
  e->delivering = true;
  while (q) {
    queued *next = q->next;
    for (size_t i = 0; i < e->n_listeners; i++) {
      listener *l = &e->listeners[i];
      if (l->fn && lbd_event_matches(l->pattern, q->name))
        l->fn(l->owner, q->name, &q->fields, l->userdata);
    }
    free(q->name);
    lbd_arena_free(&q->arena);
    free(q);
    q = next;
  }
  e->delivering = false;
  compact_listeners(e);
}

lbd_events *lbd_events_new(uv_loop_t *loop, lbd_registry *reg) {
  lbd_events *e = lbu_xcalloc(1, sizeof(*e));
  e->reg = reg;
  e->tail = &e->head;
  uv_idle_init(loop, &e->idle);
  e->idle.data = e;
  return e;
}

static void on_close(uv_handle_t *h) {
  lbd_events *e = h->data;
  while (e->head) {
    queued *n = e->head->next;
    free(e->head->name);
    lbd_arena_free(&e->head->arena);
    free(e->head);
    e->head = n;
  }
  for (size_t i = 0; i < e->n_listeners; i++)
    free(e->listeners[i].pattern);
  free(e->listeners);
  free(e->sinks);
  free(e);
}

void lbd_events_close(lbd_events *e) {
  if (e)
    uv_close((uv_handle_t *)&e->idle, on_close);
}

static void add_sink(lbd_events *e, sink s) {
  e->sinks = lbu_xrealloc(e->sinks, (e->n_sinks + 1) * sizeof(sink));
  e->sinks[e->n_sinks++] = s;
}

static void remove_sink(lbd_events *e, sink s) {
  for (size_t i = 0; i < e->n_sinks; i++)
    if (e->sinks[i].fn == s.fn && e->sinks[i].property_fn == s.property_fn &&
        e->sinks[i].userdata == s.userdata) {
      memmove(&e->sinks[i], &e->sinks[i + 1], (e->n_sinks - i - 1) * sizeof(sink));
      e->n_sinks--;
      return;
    }
}

void lbd_events_add_sink(lbd_events *e, lbd_sink_fn fn, void *userdata) {
  add_sink(e, (sink){.fn = fn, .userdata = userdata});
}

void lbd_events_remove_sink(lbd_events *e, lbd_sink_fn fn, void *userdata) {
  remove_sink(e, (sink){.fn = fn, .userdata = userdata});
}

void lbd_events_add_property_sink(lbd_events *e, lbd_property_sink_fn fn, void *userdata) {
  add_sink(e, (sink){.property_fn = fn, .userdata = userdata});
}

void lbd_events_remove_property_sink(lbd_events *e, lbd_property_sink_fn fn, void *userdata) {
  remove_sink(e, (sink){.property_fn = fn, .userdata = userdata});
}

int lbd_events_property_changed(lbd_events *e, const char *full_name) {
  const lbd_property_entry *prop = lbd_registry_property(e->reg, full_name);
  if (!prop)
    return -ENOENT;
  for (size_t i = 0; i < e->n_sinks; i++)
    if (e->sinks[i].property_fn)
      e->sinks[i].property_fn(e->sinks[i].userdata, prop);
  return 0;
}

int lbd_events_emit(lbd_events *e, const lb_plugin *owner, const char *plugin,
                    const char *short_name, const lb_value *fields, char *err, size_t errlen) {
  char name[256];
  snprintf(name, sizeof(name), "%s.%s", plugin, short_name ? short_name : "");
  const lbd_event_entry *ev = lbd_registry_event(e->reg, name);
  if (!ev || ev->owner != owner) {
    snprintf(err, errlen, "event \"%s\" was not declared", name);
    return -ENOENT;
  }
  if (!fields || fields->kind != LB_MAP) {
    snprintf(err, errlen, "event \"%s\": fields must be a map", name);
    return -EINVAL;
  }
  for (uint32_t i = 0; i < ev->n_fields; i++) {
    const lb_field *f = &ev->decl->fields[i];
    const lb_value *v = lb_map_get(fields, f->name);
    char why[160];
    if (!v) {
      snprintf(err, errlen, "event \"%s\": declared field \"%s\" is missing", name, f->name);
      return -EINVAL;
    }
    if (!lbd_value_has_type(v, f->type, why, sizeof(why))) {
      snprintf(err, errlen, "event \"%s\", field \"%s\": %s", name, f->name, why);
      return -EINVAL;
    }
  }

  for (size_t i = 0; i < e->n_sinks; i++)
    if (e->sinks[i].fn)
      e->sinks[i].fn(e->sinks[i].userdata, ev, fields);

  bool heard = false;
  for (size_t i = 0; i < e->n_listeners && !heard; i++)
    heard = e->listeners[i].fn && lbd_event_matches(e->listeners[i].pattern, name);
  if (heard) {
    queued *q = lbu_xcalloc(1, sizeof(*q));
    q->name = lbu_xstrdup(name);
    lbd_arena_init(&q->arena);
    /* exactly what the copy takes: a burst of 10,000 events waiting for a
     * listener holds 10,000 copies, not 10,000 chunks of 4 KiB */
    lbd_arena_reserve(&q->arena, lbd_value_copy_size(fields));
    q->fields = lbd_value_copy(&q->arena, fields);
    *e->tail = q;
    e->tail = &q->next;
    uv_idle_start(&e->idle, deliver);
  }
  return 0;
}

int lbd_events_listen(lbd_events *e, lb_plugin *owner, const char *pattern, lb_listen_fn fn,
                      void *userdata) {
  if (!pattern || !*pattern || !fn)
    return -EINVAL;
  e->listeners = lbu_xrealloc(e->listeners, (e->n_listeners + 1) * sizeof(listener));
  e->listeners[e->n_listeners++] =
      (listener){.owner = owner, .pattern = lbu_xstrdup(pattern), .fn = fn, .userdata = userdata};
  return 0;
}

void lbd_events_remove_owner(lbd_events *e, lb_plugin *owner) {
  for (size_t i = 0; i < e->n_listeners; i++)
    if (e->listeners[i].owner == owner)
      e->listeners[i].fn = NULL;
  if (!e->delivering)
    compact_listeners(e);
}
