/* Small helpers the daemon and the clients share: UTF-8, names, paths. */
#ifndef LBU_UTIL_H
#define LBU_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "xalloc.h"

bool lbu_utf8_valid(const char *s, size_t len);
/* Replace, in place, each byte of s that is not part of a valid UTF-8
 * sequence with '?': for text that quotes a client's bytes or was cut short
 * by a fixed buffer, before it goes out as a msgpack or D-Bus string (libdbus
 * aborts on invalid UTF-8). */
void lbu_utf8_scrub(char *s);
/* [a-z][a-z0-9_]* */
bool lbu_name_valid(const char *s);
/* $VAR/sub, or HOME/fallback/sub when VAR is unset or not absolute (HOME
 * from the environment, else from the password database). */
char *lbu_xdg_path(const char *var, const char *fallback, const char *sub);
/* What a file of this st_mode is, in words with their article: "a FIFO",
 * "a character device", "a directory", ... */
const char *lbu_file_kind(unsigned mode);
/* "uid 1001 (mallory)", or "uid 1001" without a password entry. */
const char *lbu_uid_describe(unsigned uid, char *buf, size_t len);
/* mkdir -p with the given mode for the directories it creates. */
int lbu_mkdir_p(const char *path, unsigned mode);

#define LBU_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif
