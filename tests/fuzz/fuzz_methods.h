/* The methods and the event the RPC and D-Bus fuzz targets call: "fuzz.*",
 * declared in the real registry as core methods are, with every parameter
 * type, defaults, ranges, options, a positional map, and handlers that answer
 * at once, later (from a timer), with an error, with a value that breaks
 * their declaration, with more than 1 MiB, or by emitting events. Their
 * declarations mirror the shapes of rest.start, pain.log and
 * reminders.preview, so binding meets what the plugins declare. */
#ifndef LB_FUZZ_METHODS_H
#define LB_FUZZ_METHODS_H

#include <stddef.h>

#include "core.h"

/* Declare them in core->registry; deferred answers use core->loop, events
 * core->events. Aborts on a declaration the registry refuses. */
void fuzz_methods_register(const lbd_core *core);

size_t fuzz_methods_count(void);
const lb_method *fuzz_method_at(size_t i);

/* Calls a handler has deferred and not answered yet. */
size_t fuzz_methods_deferred(void);

#endif
