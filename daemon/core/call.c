#include "call.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "log.h"
#include "util.h"
#include "value.h"

struct lbd_calls {
  lb_call *head; /* newest first */
};

struct lb_call {
  lbd_calls *list;
  const lbd_method_entry *m;
  lbd_arena arena;
  lbd_call_origin origin;
  lb_call *prev, *next; /* on list */
};

/* Answered calls kept for the next ones, each with its arena's first chunk:
 * a call answered at once (daemon.ping, most calls) allocates nothing. Only
 * the loop thread makes calls. Sanitizer builds recycle nothing, so that a
 * use after the answer is still caught. */
#if defined(__SANITIZE_ADDRESS__)
#define CALL_CACHE 0
#else
#define CALL_CACHE 16
#endif
static lb_call *cache[CALL_CACHE + 1];
static size_t n_cache;

lbd_calls *lbd_calls_new(void) {
  return lbu_xcalloc(1, sizeof(lbd_calls));
}

void lbd_calls_free(lbd_calls *cs) {
  free(cs);
}

lb_call *lbd_call_new(lbd_calls *cs, const lbd_method_entry *m, const lbd_call_origin *origin) {
  lb_call *c = n_cache ? cache[--n_cache] : lbu_xcalloc(1, sizeof(*c));
  c->list = cs;
  c->m = m;
  c->origin = *origin;
  c->prev = NULL;
  c->next = cs->head;
  if (cs->head)
    cs->head->prev = c;
  cs->head = c;
  return c;
}

lbd_arena *lbd_call_arena(lb_call *c) {
  return &c->arena;
}
const lbd_call_origin *lbd_call_origin_of(const lb_call *c) {
  return &c->origin;
}
const lbd_method_entry *lbd_call_method(const lb_call *c) {
  return c->m;
}

static void finish(lb_call *c, const lb_value *result, lb_rpc_code code, const char *message) {
  if (c->prev)
    c->prev->next = c->next;
  else
    c->list->head = c->next;
  if (c->next)
    c->next->prev = c->prev;
  c->origin.answer(c->origin.ctx, c, result, code, message);
#if CALL_CACHE > 0
  if (n_cache < CALL_CACHE) {
    lbd_arena_reset(&c->arena);
    cache[n_cache++] = c;
    return;
  }
#endif
  lbd_arena_free(&c->arena);
  free(c);
}

void lbd_call_dispatch(lb_call *c, const lb_value *given, uint32_t n_given) {
  char err[512];
  lb_value *args;
  if (lbd_args_bind(&c->arena, c->m, given, n_given, &args, err, sizeof(err)) < 0) {
    lbd_call_fail(c, LB_RPC_INVALID_PARAMS, "%s", err);
    return;
  }
  c->m->decl->handler(c, args, c->m->decl->userdata);
}

/* Whether the values a declared field names in v (a map, or each map of a
 * list) have its type; rest is what is left of its dotted name. */
static bool field_ok(const lb_value *v, const char *rest, const lb_field *f, char *err,
                     size_t errlen) {
  if (v->kind == LB_ARRAY) {
    for (uint32_t i = 0; i < v->as.arr.len; i++)
      if (!field_ok(&v->as.arr.items[i], rest, f, err, errlen))
        return false;
    return true;
  }
  if (v->kind != LB_MAP)
    return true;
  const char *dot = strchr(rest, '.');
  size_t n = dot ? (size_t)(dot - rest) : strlen(rest);
  const lb_value *x = NULL; /* under the name's first part: a list of 1,000 maps is checked
                             * on the loop, with no copy of it for each */
  for (uint32_t i = 0; i < v->as.map.len && !x; i++)
    if (strncmp(v->as.map.items[i].key, rest, n) == 0 && v->as.map.items[i].key[n] == '\0')
      x = &v->as.map.items[i].val;
  if (!x || lb_is_nil(x))
    return true;
  if (dot)
    return field_ok(x, dot + 1, f, err, errlen);
  char why[160];
  if (lbd_value_has_type(x, f->type, why, sizeof(why)))
    return true;
  snprintf(err, errlen, "field \"%s\": %s", f->name, why);
  return false;
}

/* A plugin's answer must match its declaration: clients and the D-Bus
 * signature rely on it. */
static bool result_ok(const lbd_method_entry *m, const lb_value *r, char *err, size_t errlen) {
  if (!lbd_value_has_type(r, m->decl->result, err, errlen))
    return false;
  const lb_field *f = m->decl->result_fields;
  for (uint32_t i = 0; f && f[i].name; i++)
    if (!field_ok(r, f[i].name, &f[i], err, errlen))
      return false;
  return true;
}

void lbd_call_reply(lb_call *c, const lb_value *result) {
  lb_value nil = lb_v_nil();
  char why[256];
  if (!result)
    result = &nil;
  if (!result_ok(c->m, result, why, sizeof(why))) {
    lbu_err("%s answered with a value that does not match its declaration (%s); the caller gets "
            "an internal error",
            c->m->name, why);
    finish(c, NULL, LB_RPC_INTERNAL,
           "the plugin's answer did not match its declaration; see the "
           "lumbard log");
    return;
  }
  finish(c, result, LB_RPC_OK, NULL);
}

void lbd_call_failv(lb_call *c, lb_rpc_code code, const char *fmt, va_list ap) {
  char msg[1024];
  vsnprintf(msg, sizeof(msg), fmt, ap);
  lbu_utf8_scrub(msg); /* it may quote a client's text, cut anywhere */
  if (code == LB_RPC_OK)
    code = LB_RPC_INTERNAL;
  if (!msg[0]) /* an error always says something (PROTOCOL.md) */
    snprintf(msg, sizeof(msg), "%s failed without saying why (a bug in its plugin)", c->m->name);
  finish(c, NULL, code, msg);
}

void lbd_call_fail(lb_call *c, lb_rpc_code code, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  lbd_call_failv(c, code, fmt, ap);
  va_end(ap);
}

void lbd_calls_fail_owner(lbd_calls *cs, lb_plugin *owner, const char *why) {
  lb_call *c = cs->head;
  while (c) {
    lb_call *next = c->next;
    if (c->m->owner == owner)
      lbd_call_fail(c, LB_RPC_INTERNAL, "%s did not answer: %s", c->m->name, why);
    c = next;
  }
}

size_t lbd_calls_pending(const lbd_calls *cs) {
  size_t n = 0;
  for (lb_call *c = cs->head; c; c = c->next)
    n++;
  return n;
}
