#include "plugin_call.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "call.h"
#include "log.h"
#include "util.h"
#include "value.h"

typedef enum { QUEUED, SERVED, ANSWERED } pcall_state;

typedef struct pcall {
  struct pcall *next; /* on the queue of requests or of answers */
  struct pcall *prev_all, *next_all;
  lbd_pcalls *set;   /* NULL once the set is closed while it is served */
  lb_plugin *caller; /* NULL once the caller is unloaded */
  pcall_state state;
  char *method;
  lb_call_done_fn done;
  void *userdata;
  lbd_arena arena; /* the params, then the result */
  lb_value *params;
  uint32_t n_params;
  lb_value result;
  int error;
  char *message;
} pcall;

struct lbd_pcalls {
  const lbd_core *core;
  uv_idle_t idle;
  pcall *all; /* every call not freed, to forget a caller's */
  pcall *requests, **requests_tail;
  pcall *answers, **answers_tail;
};

static void pcall_free(pcall *c) {
  lbd_arena_free(&c->arena);
  free(c->method);
  free(c->message);
  free(c);
}

static void unlink_all(lbd_pcalls *s, pcall *c) {
  if (c->prev_all)
    c->prev_all->next_all = c->next_all;
  else
    s->all = c->next_all;
  if (c->next_all)
    c->next_all->prev_all = c->prev_all;
}

static void turn(uv_idle_t *h);

static void enqueue(lbd_pcalls *s, pcall ***tail, pcall *c) {
  c->next = NULL;
  **tail = c;
  *tail = &c->next;
  uv_idle_start(&s->idle, turn);
}

/* lb_rpc_code and lb_error share their numbers up to no_such_method. */
static int error_of(lb_rpc_code code) {
  return code >= LB_RPC_INVALID_PARAMS && code <= LB_RPC_NO_SUCH_METHOD ? (int)code
                                                                        : LB_ERR_INTERNAL;
}

static void answer_later(lbd_pcalls *s, pcall *c, const lb_value *result, int error,
                         const char *message) {
  lbd_arena_reset(&c->arena);
  c->result = result ? lbd_value_copy(&c->arena, result) : lb_v_nil();
  c->error = error;
  c->message = message ? lbu_xstrdup(message) : NULL;
  c->state = ANSWERED;
  enqueue(s, &s->answers_tail, c);
}

static void on_answer(void *ctx, const lb_call *call, const lb_value *result, lb_rpc_code code,
                      const char *message) {
  (void)call;
  pcall *c = ctx;
  if (!c->set) { /* the daemon stopped while it was served */
    pcall_free(c);
    return;
  }
  answer_later(c->set, c, code == LB_RPC_OK ? result : NULL, code == LB_RPC_OK ? 0 : error_of(code),
               message);
}

static void serve(lbd_pcalls *s, pcall *c) {
  const lbd_method_entry *m = lbd_registry_method(s->core->registry, c->method, strlen(c->method));
  if (!m || !m->owner) {
    char msg[300];
    snprintf(msg, sizeof(msg),
             m ? "%s is the clients' (a plugin calls the methods of plugins)"
               : "no method \"%s\" (is its plugin loaded? daemon.plugins lists them)",
             c->method);
    answer_later(s, c, NULL, LB_ERR_NO_SUCH_METHOD, msg);
    return;
  }
  c->state = SERVED;
  lbd_call_origin o = {
      .answer = on_answer, .ctx = c, .wants_reply = true, .transport = "plugin", .session = c};
  lb_call *call = lbd_call_new(s->core->calls, m, &o);
  lbd_arena *a = lbd_call_arena(call);
  lb_value *given = lbd_arena_alloc(a, sizeof(lb_value) * (c->n_params ? c->n_params : 1));
  for (uint32_t i = 0; i < c->n_params; i++)
    given[i] = lbd_value_copy(a, &c->params[i]);
  lbd_call_dispatch(call, given, c->n_params);
}

/* One loop turn: the answers given before it reach their callers, then the
 * requests made before it are served (what they cause waits a turn). */
static void turn(uv_idle_t *h) {
  lbd_pcalls *s = h->data;
  pcall *answers = s->answers, *requests = s->requests;
  s->answers = s->requests = NULL;
  s->answers_tail = &s->answers;
  s->requests_tail = &s->requests;
  uv_idle_stop(h);
  while (answers) {
    pcall *c = answers, *next = c->next;
    unlink_all(s, c);
    if (c->caller && c->done)
      c->done(c->caller, c->error ? NULL : &c->result, c->error, c->message, c->userdata);
    pcall_free(c);
    answers = next;
  }
  while (requests) {
    pcall *c = requests, *next = c->next;
    if (c->caller) {
      serve(s, c);
    } else {
      unlink_all(s, c);
      pcall_free(c);
    }
    requests = next;
  }
}

lbd_pcalls *lbd_pcalls_new(const lbd_core *core) {
  lbd_pcalls *s = lbu_xcalloc(1, sizeof(*s));
  s->core = core;
  s->requests_tail = &s->requests;
  s->answers_tail = &s->answers;
  uv_idle_init(core->loop, &s->idle);
  s->idle.data = s;
  return s;
}

static void on_close(uv_handle_t *h) {
  free(h->data);
}

void lbd_pcalls_close(lbd_pcalls *s) {
  if (!s)
    return;
  for (pcall *c = s->all, *next; c; c = next) {
    next = c->next_all;
    if (c->state == SERVED)
      c->set = NULL; /* freed when its answer comes */
    else
      pcall_free(c);
  }
  s->all = NULL;
  uv_close((uv_handle_t *)&s->idle, on_close);
}

int lbd_pcalls_start(lbd_pcalls *s, lb_plugin *caller, const char *method, const lb_value *params,
                     size_t n_params, lb_call_done_fn done, void *userdata) {
  const char *dot = method ? strchr(method, '.') : NULL;
  if (!dot || dot == method || !dot[1] || strlen(method) > 255 || (n_params && !params) ||
      n_params > UINT32_MAX)
    return -EINVAL;
  pcall *c = lbu_xcalloc(1, sizeof(*c));
  c->set = s;
  c->caller = caller;
  c->method = lbu_xstrdup(method);
  c->done = done;
  c->userdata = userdata;
  c->n_params = (uint32_t)n_params;
  c->params = lbd_arena_alloc(&c->arena, sizeof(lb_value) * (n_params ? n_params : 1));
  for (size_t i = 0; i < n_params; i++)
    c->params[i] = lbd_value_copy(&c->arena, &params[i]);
  c->next_all = s->all;
  if (s->all)
    s->all->prev_all = c;
  s->all = c;
  c->state = QUEUED;
  enqueue(s, &s->requests_tail, c);
  return 0;
}

void lbd_pcalls_forget(lbd_pcalls *s, lb_plugin *caller) {
  for (pcall *c = s ? s->all : NULL; c; c = c->next_all)
    if (c->caller == caller)
      c->caller = NULL;
}
