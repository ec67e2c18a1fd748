/* lb_value to and from D-Bus message arguments. Declared types give the
 * signatures (see lbd_dbus_signature), never a value's content: an empty list of
 * maps is aa{sv}. A key of a nested map (or of a map in a nested list) takes
 * the type its dotted declaration gives it ("steps.seconds"), else the type
 * the top-level declaration gives that name (count inside a week is t as
 * count at the top); what nothing declares follows one rule: integers x
 * (t only above INT64_MAX), doubles d, strings s, booleans b, maps a{sv},
 * arrays av, empty or not. A nil value inside a map
 * is left out; a nil variant is an empty av. A value nested deeper than a
 * D-Bus message may hold (64 containers, a variant and an a{sv} entry
 * counting too) is cut there: the arrays and maps at that depth go out
 * empty. */
#ifndef LBD_DBUS_VALUE_H
#define LBD_DBUS_VALUE_H

#include <dbus/dbus.h>
#include <lumbard/plugin.h>
#include <stdbool.h>

#include "arena.h"

/* The D-Bus signature of a declared type ("" for LB_T_NONE). */
const char *lbd_dbus_signature(lb_type t);

/* Append v as declared type t. fields, when not NULL, types the known keys
 * of a map (or of each map of a list). Returns false on lack of memory. */
bool lbd_dbus_append(DBusMessageIter *it, lb_type t, const lb_field *fields, const lb_value *v);

/* Read the value at it into the arena, untyped (integers LB_INT or LB_UINT,
 * o and g as strings, structs as arrays). Returns 0 or -EINVAL with err
 * (unix fds, non-string dictionary keys, invalid UTF-8). */
int lbd_dbus_read(lbd_arena *a, DBusMessageIter *it, lb_value *ret, char *err, size_t errlen);

/* "Start" for "start", "RoutineDone" for "routine_done". */
void lbd_dbus_camel(const char *name, char *buf, size_t len);

#endif
