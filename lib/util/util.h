/* Small helpers the daemon and the clients share: UTF-8, names, paths. */
#ifndef LB_UTIL_H
#define LB_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "xalloc.h"

bool lb_utf8_valid(const char *s, size_t len);
/* Replace, in place, each byte of s that is not part of a valid UTF-8
 * sequence with '?': for text that quotes a client's bytes or was cut short
 * by a fixed buffer, before it goes out as a msgpack or D-Bus string (libdbus
 * aborts on invalid UTF-8). */
void lb_utf8_scrub(char *s);
/* [a-z][a-z0-9_]* */
bool lb_name_valid(const char *s);
/* $VAR/sub, or HOME/fallback/sub when VAR is unset or not absolute (HOME
 * from the environment, else from the password database). */
char *lb_xdg_path(const char *var, const char *fallback, const char *sub);
/* What a file of this st_mode is, in words with their article: "a FIFO",
 * "a character device", "a directory", ... */
const char *lb_file_kind(unsigned mode);
/* "uid 1001 (mallory)", or "uid 1001" without a password entry. */
const char *lb_uid_describe(unsigned uid, char *buf, size_t len);
/* mkdir -p with the given mode for the directories it creates. */
int lb_mkdir_p(const char *path, unsigned mode);

#define LB_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif
