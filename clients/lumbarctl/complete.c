/* lumbarctl __complete KIND: the values the shell completions offer that
 * only the daemon knows, one "value<TAB>description" line each. Hidden from
 * the help: the completions in completions/ are its only callers. It gives
 * the daemon one second to answer (a completion must never hang on a daemon
 * that is stopped), and prints nothing at all when it cannot ask. */
#include <errno.h>
#include <string.h>

#include "lumbarctl.h"

#define DESCRIPTION_MAX 70

/* Text without tabs or line breaks, cut to DESCRIPTION_MAX bytes (on a
 * UTF-8 boundary). */
static void put_text(const msgpack_object *o) {
  if (!o || o->type != MSGPACK_OBJECT_STR)
    return;
  size_t n = o->via.str.size;
  const char *s = o->via.str.ptr;
  bool cut = n > DESCRIPTION_MAX;
  if (cut) {
    n = DESCRIPTION_MAX - 3;
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
      n--;
  }
  for (size_t i = 0; i < n; i++)
    putchar(s[i] == '\t' || s[i] == '\n' || s[i] == '\r' ? ' ' : s[i]);
  if (cut)
    fputs("...", stdout);
}

static void put_value(const msgpack_object *o) {
  if (o && o->type == MSGPACK_OBJECT_POSITIVE_INTEGER)
    printf("%llu", (unsigned long long)o->via.u64);
  else
    put_text(o);
}

/* One line: the map's `key`, a tab, and its `first` and `second` joined by
 * ": " (either may be NULL or absent). */
static void line(const msgpack_object *map, const char *key, const char *first,
                 const char *second) {
  const msgpack_object *k = lb_msg_map_get(map, key);
  if (!k)
    return;
  put_value(k);
  const msgpack_object *a = first ? lb_msg_map_str(map, first) : NULL;
  const msgpack_object *b = second ? lb_msg_map_str(map, second) : NULL;
  a = a && a->via.str.size ? a : NULL; /* "": no description */
  b = b && b->via.str.size ? b : NULL;
  if (a || b)
    putchar('\t');
  put_text(a);
  if (a && b)
    fputs(": ", stdout);
  put_text(b);
  putchar('\n');
}

/* The method's answer is a list of maps, or, with `within`, a list of
 * plugins, each with such a list under that key. */
static const struct kind {
  const char *name, *method, *within, *key, *first, *second;
} kinds[] = {
    {"reminders", "reminders.list", NULL, "id", "name", "schedule"},
    {"rests", "rest.list", NULL, "id", "label", "state"},
    {"presets", "rest.presets", NULL, "name", "description", NULL},
    {"methods", "daemon.plugins", "methods", "name", "doc", NULL},
    {"events", "daemon.plugins", "events", "name", "doc", NULL},
};

int lbctl_complete(lbctl *ctl, int argc, char **argv) {
  const struct kind *k = NULL;
  for (size_t i = 0; argc == 2 && i < sizeof(kinds) / sizeof(kinds[0]); i++)
    if (strcmp(argv[1], kinds[i].name) == 0)
      k = &kinds[i];
  if (!k) {
    fprintf(stderr, "lumbarctl __complete: say reminders, rests, presets, methods or events\n");
    return LBCTL_USAGE;
  }
  if (lb_client_connect(ctl->socket, &ctl->client) < 0)
    return LBCTL_UNREACHABLE;
  lb_client_set_timeout(ctl->client, 1000);
  const msgpack_object *r;
  int rc = lb_client_call(ctl->client, k->method, NULL, 0, &r);
  if (rc == -EREMOTEIO)
    return LBCTL_DAEMON_SAID_NO;
  if (rc < 0)
    return LBCTL_UNREACHABLE;
  if (r->type != MSGPACK_OBJECT_ARRAY)
    return LBCTL_OK;
  for (uint32_t i = 0; i < r->via.array.size; i++) {
    const msgpack_object *item = &r->via.array.ptr[i];
    if (!k->within) {
      line(item, k->key, k->first, k->second);
      continue;
    }
    /* a plugin's methods, or its events after a "<plugin>.*" for them all */
    const msgpack_object *list = lb_msg_map_get(item, k->within);
    const msgpack_object *name = lb_msg_map_str(item, "name");
    if (strcmp(k->within, "events") == 0 && name)
      printf("%.*s.*\tevery event of %.*s\n", (int)name->via.str.size, name->via.str.ptr,
             (int)name->via.str.size, name->via.str.ptr);
    for (uint32_t j = 0; list && list->type == MSGPACK_OBJECT_ARRAY && j < list->via.array.size;
         j++)
      line(&list->via.array.ptr[j], k->key, k->first, k->second);
  }
  return LBCTL_OK;
}
