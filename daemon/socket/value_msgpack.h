/* The socket's encoding of values: lb_value to and from msgpack-c's
 * objects, and a request's params array read as values. */
#ifndef LBD_VALUE_MSGPACK_H
#define LBD_VALUE_MSGPACK_H

#include <lumbard/plugin.h>
#include <msgpack.h>

#include "arena.h"
#include "registry.h"

/* A value from the wire into the arena, untyped: integers become LB_INT (or
 * LB_UINT above INT64_MAX), strings are checked for UTF-8 and NUL-terminated.
 * Binary data, extension values and maps with non-string or repeated keys
 * are refused. Returns 0 or -EINVAL with err saying what is wrong. */
int lbd_value_from_msgpack(lbd_arena *a, const msgpack_object *o, lb_value *ret, char *err,
                           size_t errlen);
void lbd_value_pack(msgpack_packer *pk, const lb_value *v);

/* The params array as the client sent it, as values; a value the wire does
 * not take (binary, extension types, invalid UTF-8, non-string map keys) is
 * refused naming the parameter (or option) it was given for. Returns 0 or
 * -EINVAL with err. */
int lbd_value_args_from_msgpack(lbd_arena *a, const lbd_method_entry *m,
                                const msgpack_object *params, lb_value *ret, char *err,
                                size_t errlen);

#endif
