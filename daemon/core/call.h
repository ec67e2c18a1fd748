/* One method invocation from any transport, from dispatch to answer. A call
 * owns the memory of its arguments (an arena) until it is answered; a call
 * not answered by its handler is deferred and kept on its list (lbd_calls,
 * one per daemon) until it is. */
#ifndef LBD_CALL_H
#define LBD_CALL_H

#include <lumbard/wire.h>

#include "arena.h"
#include "core.h"

typedef struct lb_call lb_call;

/* Called exactly once per call with its answer (result, or code != OK and a
 * message); it must release whatever ctx holds. */
typedef void (*lbd_answer_fn)(void *ctx, const lb_call *call, const lb_value *result,
                              lb_rpc_code code, const char *message);

typedef struct lbd_call_origin {
  lbd_answer_fn answer;
  void *ctx;
  uint32_t msgid;
  bool wants_reply; /* false for a msgpack-rpc notification */
  /* The transport it came by (its tag, compared as a pointer: "socket",
   * "dbus", "plugin") and that transport's own session, opaque to the core:
   * the socket's is its connection. */
  const char *transport;
  void *session;
} lbd_call_origin;

lbd_calls *lbd_calls_new(void);
void lbd_calls_free(lbd_calls *cs); /* once every call is answered */

lb_call *lbd_call_new(lbd_calls *cs, const lbd_method_entry *m, const lbd_call_origin *origin);
lbd_arena *lbd_call_arena(lb_call *c);
const lbd_call_origin *lbd_call_origin_of(const lb_call *c);
const lbd_method_entry *lbd_call_method(const lb_call *c);

/* Bind the arguments to the declaration and run the handler; a binding
 * error is answered invalid_params. The call may be freed on return. */
void lbd_call_dispatch(lb_call *c, const lb_value *given, uint32_t n_given);

void lbd_call_reply(lb_call *c, const lb_value *result);
void lbd_call_fail(lb_call *c, lb_rpc_code code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void lbd_call_failv(lb_call *c, lb_rpc_code code, const char *fmt, va_list ap);

/* Answer "internal" to every call still deferred by owner. */
void lbd_calls_fail_owner(lbd_calls *cs, lb_plugin *owner, const char *why);
size_t lbd_calls_pending(const lbd_calls *cs);

#endif
