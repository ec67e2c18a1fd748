/* The INI config, parsed with inih into (section, key, value) entries. When
 * no file exists the built-in defaults (default.conf, compiled in) are used. */
#ifndef LBD_CONFIG_H
#define LBD_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

typedef struct lbd_config lbd_config;
typedef void (*lbd_config_each_fn)(const char *section, const char *key, const char *value,
                                   void *userdata);

/* Load path, or the built-in defaults when path does not exist. Returns NULL
 * with err ("lumbard.conf:12: ...") when the file cannot be read or parsed,
 * or is not a regular file of at most 1 MiB (it is then not read: never
 * blocks). When a key is given again in a section, the last value counts. */
lbd_config *lbd_config_load(const char *path, char *err, size_t errlen);
lbd_config *lbd_config_parse_string(const char *text, const char *origin, char *err, size_t errlen);
void lbd_config_free(lbd_config *c); /* accepts NULL */

bool lbd_config_from_file(const lbd_config *c); /* false: built-in defaults */
/* O(log n) in the entries: plugins call it often. */
const char *lbd_config_get(const lbd_config *c, const char *section, const char *key);
/* Every entry of [prefix] and [prefix.*], in file order; a key given more
 * than once is reported once, at its first place, with its last value. */
void lbd_config_each(const lbd_config *c, const char *prefix, lbd_config_each_fn fn,
                     void *userdata);

extern const char lbd_default_config[]; /* generated from default.conf */

#endif
