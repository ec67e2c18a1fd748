/* lumbarctl __complete KIND: the values the shell completions offer that
 * only the daemon knows, one "value<TAB>description" line each. Hidden from
 * the help: the completions in completions/ are its only callers. It gives
 * the daemon one second to answer (a completion must never hang on a daemon
 * that is stopped, or one with so many rests that their pages take longer:
 * what came within the second is printed), and prints nothing at all when
 * it cannot ask. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "lumbarctl.h"

#define DESCRIPTION_MAX 70
/* The whole time the daemon is given, for every page together. */
#define BUDGET_MS 1000

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
  const msgpack_object *k = lbc_msg_map_get(map, key);
  if (!k)
    return;
  put_value(k);
  const msgpack_object *a = first ? lbc_msg_map_str(map, first) : NULL;
  const msgpack_object *b = second ? lbc_msg_map_str(map, second) : NULL;
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

/* A diary entry described: "6/10 at Mon 21:04, lower back, left". */
static void describe_entry(const msgpack_object *m) {
  char when[64], key[96], place[128];
  lbctl_clock_short(lbc_msg_map_int0(m, "at"), false, when, sizeof(when));
  lbctl_copy_text(key, sizeof(key), lbc_msg_map_str(m, "location"));
  lbctl_pain_place(key, place, sizeof(place));
  printf("%lld/10 at %s%s%s", (long long)lbc_msg_map_int0(m, "level"), when, place[0] ? ", " : "",
         place);
}

/* The method's answer is a list of maps, or, with `within`, a list of
 * plugins, each with such a list under that key. paged: the method answers
 * in pages (lumbard/client_list.h). describe, when set, writes an item's
 * description instead of its `first` and `second`. */
/* A set of the training log described: "abduction, 25 reps at 40 kg, Mon
 * 18:02". */
static void describe_set(const msgpack_object *m) {
  char when[64], name[64], numbers[128];
  lbctl_clock_short(lbc_msg_map_int0(m, "at"), false, when, sizeof(when));
  lbctl_copy_text(name, sizeof(name), lbc_msg_map_str(m, "exercise"));
  lbctl_train_numbers_text(m, numbers, sizeof(numbers));
  printf("%s, %s, %s", name, numbers, when);
}

/* An exercise described: "hip abduction, 20-30 reps, 12 sets logged". */
static void describe_exercise(const msgpack_object *m) {
  char label[64], reps[40];
  int64_t logged = lbc_msg_map_int0(m, "logged");
  lbctl_copy_text(label, sizeof(label), lbc_msg_map_str(m, "label"));
  lbctl_copy_text(reps, sizeof(reps), lbc_msg_map_str(m, "reps"));
  printf("%s%s%s%s, %lld set%s logged", label, reps[0] ? ", " : "", reps, reps[0] ? " reps" : "",
         (long long)logged, logged == 1 ? "" : "s");
}

static const struct kind {
  const char *name, *method, *within, *key, *first, *second;
  bool paged;
  void (*describe)(const msgpack_object *item);
} kinds[] = {
    {"reminders", "reminders.list", NULL, "id", "name", "schedule", true, NULL},
    {"rests", "rest.list", NULL, "id", "label", "state", true, NULL},
    {"presets", "rest.presets", NULL, "name", "description", NULL, false, NULL},
    {"methods", "daemon.plugins", "methods", "name", "doc", NULL, false, NULL},
    {"events", "daemon.plugins", "events", "name", "doc", NULL, false, NULL},
    /* pain.history's default: the 100 newest entries, the ones one corrects */
    {"entries", "pain.history", NULL, "id", NULL, NULL, false, describe_entry},
    {"exercises", "train.exercises", NULL, "name", NULL, NULL, false, describe_exercise},
    /* train.history's default: the 100 newest sets, the ones one corrects */
    {"sets", "train.history", NULL, "id", NULL, NULL, false, describe_set},
};

static void put_lines(const struct kind *k, const msgpack_object *r) {
  if (r->type != MSGPACK_OBJECT_ARRAY)
    return;
  for (uint32_t i = 0; i < r->via.array.size; i++) {
    const msgpack_object *item = &r->via.array.ptr[i];
    if (k->describe && lbc_msg_map_get(item, k->key)) {
      put_value(lbc_msg_map_get(item, k->key));
      putchar('\t');
      k->describe(item);
      putchar('\n');
      continue;
    }
    if (!k->within) {
      line(item, k->key, k->first, k->second);
      continue;
    }
    /* a plugin's methods, or its events after a "<plugin>.*" for them all */
    const msgpack_object *list = lbc_msg_map_get(item, k->within);
    const msgpack_object *name = lbc_msg_map_str(item, "name");
    if (strcmp(k->within, "events") == 0 && name)
      printf("%.*s.*\tevery event of %.*s\n", (int)name->via.str.size, name->via.str.ptr,
             (int)name->via.str.size, name->via.str.ptr);
    for (uint32_t j = 0; list && list->type == MSGPACK_OBJECT_ARRAY && j < list->via.array.size;
         j++)
      line(&list->via.array.ptr[j], k->key, k->first, k->second);
  }
}

static int64_t now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Each page printed as it comes, until the last or until the budget is
 * spent: a completion with the first thousands of ids beats one that
 * hangs. Returns the exit status. */
static int put_pages(lbc_client *c, const struct kind *k, int64_t deadline) {
  lbc_client_list *l;
  if (lbc_client_list_new(&l) < 0)
    return 1;
  int status = LBCTL_OK;
  for (bool more = true; more;) {
    msgpack_sbuffer sb;
    msgpack_sbuffer_init(&sb);
    const msgpack_object *page = NULL;
    int64_t left = deadline - now_ms();
    int rc = left <= 0 ? -ETIMEDOUT : lbc_client_list_params(l, &sb);
    if (rc == 0) {
      lbc_client_set_timeout(c, (int)left);
      rc = lbc_client_call(c, k->method, sb.data, sb.size, &page);
    }
    msgpack_sbuffer_destroy(&sb);
    if (rc < 0 || !page) {
      /* What was printed stands; nothing at all is a failure. */
      if (lbc_client_list_count(l) == 0)
        status = rc == -EREMOTEIO ? LBCTL_DAEMON_SAID_NO : LBCTL_UNREACHABLE;
      break;
    }
    put_lines(k, page);
    more = lbc_client_list_add(l, page) == 1;
  }
  lbc_client_list_free(l);
  return status;
}

int lbctl_complete(lbctl *ctl, int argc, char **argv) {
  const struct kind *k = NULL;
  for (size_t i = 0; argc == 2 && i < sizeof(kinds) / sizeof(kinds[0]); i++)
    if (strcmp(argv[1], kinds[i].name) == 0)
      k = &kinds[i];
  if (!k) {
    fprintf(stderr,
            "lumbarctl __complete: say reminders, rests, presets, methods, events, entries, "
            "exercises or sets\n");
    return LBCTL_USAGE;
  }
  int64_t deadline = now_ms() + BUDGET_MS;
  if (lbc_client_connect(ctl->socket, &ctl->client) < 0)
    return LBCTL_UNREACHABLE;
  if (k->paged)
    return put_pages(ctl->client, k, deadline);
  lbc_client_set_timeout(ctl->client, BUDGET_MS);
  const msgpack_object *r;
  int rc = lbc_client_call(ctl->client, k->method, NULL, 0, &r);
  if (rc == -EREMOTEIO)
    return LBCTL_DAEMON_SAID_NO;
  if (rc < 0)
    return LBCTL_UNREACHABLE;
  put_lines(k, r);
  return LBCTL_OK;
}
