/* Binding a call's arguments to a method declaration: positional values,
 * defaults, the trailing options map, types and ranges. Both transports feed
 * this one function, so a client hears the same words whichever it uses. */
#ifndef LBD_ARGS_H
#define LBD_ARGS_H

#include "arena.h"
#include "registry.h"

/* given: the params as the client sent them (already untyped lbd_values).
 * On success *ret_args holds n_params values, then the options map when the
 * method declares options. Returns 0 or -EINVAL with err in words a user can
 * act on, naming the parameter. */
int lbd_args_bind(lbd_arena *a, const lbd_method_entry *m, const lb_value *given, uint32_t n_given,
                  lb_value **ret_args, char *err, size_t errlen);

/* Convert one value to a declared parameter type (durations parsed, ranges
 * checked). what: "parameter 'seconds'" for the message. */
int lbd_args_coerce(lbd_arena *a, const lb_param *p, const char *what, const lb_value *in,
                    lb_value *out, char *err, size_t errlen);

/* Bytes from a client as printable ASCII for a message: \\, \" and \xNN
 * for the rest (NUL is \x00, a stray 0xff \xff); cut with "..." to fit. */
void lbd_args_escape(const char *s, size_t n, char *buf, size_t len);

/* "seconds, level?, {label, sets}" — a short signature for messages. */
void lbd_args_signature(const lbd_method_entry *m, char *buf, size_t len);

#endif
