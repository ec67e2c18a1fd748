/* Calls from one plugin to a declared method of another (host API 3,
 * lb_host.call): made as a client's call is, with the same checks, but
 * never inside the caller's stack. The request is dispatched on a later loop
 * turn, and the answer, copied, reaches the caller on a turn after the one
 * it was given in. A caller unloaded meanwhile hears nothing. */
#ifndef LBD_PLUGIN_CALL_H
#define LBD_PLUGIN_CALL_H

#include <lumbard/plugin.h>

#include "core.h"

typedef struct lbd_pcalls lbd_pcalls;

lbd_pcalls *lbd_pcalls_new(const lbd_core *core);
/* Drop what is queued; a call still being served is let go of, and its
 * answer dropped when it comes. */
void lbd_pcalls_close(lbd_pcalls *s);

/* Queue a call of method (the full name, "rest.start") with params (copied)
 * for caller. 0, or -EINVAL for a method name that cannot be one. */
int lbd_pcalls_start(lbd_pcalls *s, lb_plugin *caller, const char *method, const lb_value *params,
                     size_t n_params, lb_call_done_fn done, void *userdata);

/* The caller is going: none of its calls' answers reach it. */
void lbd_pcalls_forget(lbd_pcalls *s, lb_plugin *caller);

#endif
