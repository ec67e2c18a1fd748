/* The socket's encoding of values: lb_value to and from msgpack-c's
 * objects, and a request's params array read as values. */
#ifndef LB_VALUE_MSGPACK_H
#define LB_VALUE_MSGPACK_H

#include <lumbard/plugin.h>
#include <msgpack.h>

#include "arena.h"
#include "registry.h"

/* A value from the wire into the arena, untyped: integers become LB_INT (or
 * LB_UINT above INT64_MAX), strings are checked for UTF-8 and NUL-terminated.
 * Binary data, extension values and maps with non-string or repeated keys
 * are refused. Returns 0 or -EINVAL with err saying what is wrong. */
int lb_value_from_msgpack(lb_arena *a, const msgpack_object *o, lb_value *ret, char *err,
                          size_t errlen);
void lb_value_pack(msgpack_packer *pk, const lb_value *v);

/* The params array as the client sent it, as values; a value the wire does
 * not take (binary, extension types, invalid UTF-8, non-string map keys) is
 * refused naming the parameter (or option) it was given for. Returns 0 or
 * -EINVAL with err. */
int lb_value_args_from_msgpack(lb_arena *a, const lb_method_entry *m, const msgpack_object *params,
                               lb_value *ret, char *err, size_t errlen);

#endif
