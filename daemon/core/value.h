/* lb_value (the SDK's transport-neutral value): copies, type names and
 * checks against declared types. The wire encodings are the transports':
 * value_msgpack.h for the socket, dbus_value.h for D-Bus. */
#ifndef LBD_VALUE_H
#define LBD_VALUE_H

#include <lumbard/plugin.h>

#include "arena.h"

/* A key that appears twice among pairs, or NULL. */
const char *lbd_pairs_duplicate_key(const lb_pair *pairs, uint32_t n);
/* A deep copy whose memory all belongs to the arena. */
lb_value lbd_value_copy(lbd_arena *a, const lb_value *v);
/* The bytes lbd_value_copy takes of an arena (see lbd_arena_reserve). */
size_t lbd_value_copy_size(const lb_value *v);

const char *lbd_kind_name(lb_kind k); /* "a string", "an integer", ... */
const char *lbd_type_name(lb_type t); /* "duration", "string", ... */
bool lbd_type_is_param(lb_type t);    /* a type a parameter may have */
/* "a string \"abc\"", "the integer -3", "a map": for error messages. */
void lbd_value_describe(const lb_value *v, char *buf, size_t len);

/* Whether a value a plugin built (a result, an event field) has the declared
 * type; err names the mismatch. */
bool lbd_value_has_type(const lb_value *v, lb_type t, char *err, size_t errlen);

#endif
