/* lb_value (the SDK's transport-neutral value) to and from msgpack, copies,
 * type names and checks against declared types. */
#ifndef LB_VALUE_H
#define LB_VALUE_H

#include <lumbard/plugin.h>
#include <msgpack.h>

#include "arena.h"

/* A value from the wire into the arena, untyped: integers become LB_INT (or
 * LB_UINT above INT64_MAX), strings are checked for UTF-8 and NUL-terminated.
 * Binary data, extension values and maps with non-string or repeated keys
 * are refused. Returns 0 or -EINVAL with err saying what is wrong. */
int lb_value_from_msgpack(lb_arena *a, const msgpack_object *o, lb_value *ret, char *err,
                          size_t errlen);
void lb_value_pack(msgpack_packer *pk, const lb_value *v);
/* A key that appears twice among pairs, or NULL. */
const char *lb_pairs_duplicate_key(const lb_pair *pairs, uint32_t n);
/* A deep copy whose memory all belongs to the arena. */
lb_value lb_value_copy(lb_arena *a, const lb_value *v);
/* The bytes lb_value_copy takes of an arena (see lb_arena_reserve). */
size_t lb_value_copy_size(const lb_value *v);

const char *lb_kind_name(lb_kind k); /* "a string", "an integer", ... */
const char *lb_type_name(lb_type t); /* "duration", "string", ... */
const char *lb_type_dbus(lb_type t); /* D-Bus signature, "" for LB_T_NONE */
bool lb_type_is_param(lb_type t);    /* a type a parameter may have */
/* "a string \"abc\"", "the integer -3", "a map": for error messages. */
void lb_value_describe(const lb_value *v, char *buf, size_t len);

/* Whether a value a plugin built (a result, an event field) has the declared
 * type; err names the mismatch. */
bool lb_value_has_type(const lb_value *v, lb_type t, char *err, size_t errlen);

#endif
