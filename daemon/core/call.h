/* One method invocation from any transport, from dispatch to answer. A call
 * owns the memory of its arguments (an arena) until it is answered; a call
 * not answered by its handler is deferred and kept on its list (lb_calls,
 * one per daemon) until it is. */
#ifndef LB_CALL_H
#define LB_CALL_H

#include <lumbard/wire.h>

#include "arena.h"
#include "core.h"

typedef struct lb_call lb_call;

/* Called exactly once per call with its answer (result, or code != OK and a
 * message); it must release whatever ctx holds. */
typedef void (*lb_answer_fn)(void *ctx, const lb_call *call, const lb_value *result,
                             lb_rpc_code code, const char *message);

typedef struct lb_call_origin {
  lb_answer_fn answer;
  void *ctx;
  uint32_t msgid;
  bool wants_reply; /* false for a msgpack-rpc notification */
  /* The transport it came by (its tag, compared as a pointer: "socket",
   * "dbus", "plugin") and that transport's own session, opaque to the core:
   * the socket's is its connection. */
  const char *transport;
  void *session;
} lb_call_origin;

lb_calls *lb_calls_new(void);
void lb_calls_free(lb_calls *cs); /* once every call is answered */

lb_call *lb_call_new(lb_calls *cs, const lb_method_entry *m, const lb_call_origin *origin);
lb_arena *lb_call_arena(lb_call *c);
const lb_call_origin *lb_call_origin_of(const lb_call *c);
const lb_method_entry *lb_call_method(const lb_call *c);

/* Bind the arguments to the declaration and run the handler; a binding
 * error is answered invalid_params. The call may be freed on return. */
void lb_call_dispatch(lb_call *c, const lb_value *given, uint32_t n_given);

void lb_call_reply(lb_call *c, const lb_value *result);
void lb_call_fail(lb_call *c, lb_rpc_code code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void lb_call_failv(lb_call *c, lb_rpc_code code, const char *fmt, va_list ap);

/* Answer "internal" to every call still deferred by owner. */
void lb_calls_fail_owner(lb_calls *cs, lb_plugin *owner, const char *why);
size_t lb_calls_pending(const lb_calls *cs);

#endif
