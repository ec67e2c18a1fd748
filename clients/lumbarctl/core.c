/* The verbs over the daemon's own methods: status, plugins, watch, call. */
#include <errno.h>
#include <inttypes.h>
#include <lumbard/rpc.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lumbarctl.h"

/* Print a string value, or "?" for a missing or odd one. */
static void put_str(FILE *f, const msgpack_object *s) {
  if (s && s->type == MSGPACK_OBJECT_STR)
    lbctl_print_text(f, s->via.str.ptr, s->via.str.size);
  else
    fputc('?', f);
}

/* ---- status --------------------------------------------------------------- */

static const char *const status_known[] = {
    "version",       "pid",           "started_at", "uptime_s",       "socket",     "config",
    "config_source", "data_dir",      "database",   "dbus",           "plugins",    "clients",
    "subscribers",   "pending_calls", "timers",     "database_state", "not_loaded", NULL,
};

static bool is_known(const char *const *known, const msgpack_object *key) {
  for (size_t i = 0; known[i]; i++)
    if (lbc_msg_str_eq(key, known[i]))
      return true;
  return false;
}

static void row(const lbctl *ctl, const char *label) {
  printf("  %s%-9s%s ", lbctl_term_dim(ctl), label, lbctl_term_reset(ctl));
}

static void print_int_or_unknown(const msgpack_object *m, const char *key) {
  int64_t v;
  if (lbc_msg_map_int(m, key, &v))
    printf("%" PRId64, v);
  else
    fputc('?', stdout);
}

static void print_since(int64_t started_at) {
  time_t t = (time_t)started_at, now = time(NULL);
  struct tm tm, today;
  char buf[64];
  if (!localtime_r(&t, &tm) || !localtime_r(&now, &today))
    return;
  bool same_day = tm.tm_year == today.tm_year && tm.tm_yday == today.tm_yday;
  strftime(buf, sizeof(buf), same_day ? "%H:%M" : "%a %e %b %Y %H:%M", &tm);
  printf(" (since %s)", buf);
}

static void print_status(const lbctl *ctl, const msgpack_object *st) {
  int64_t v, started;
  printf("%slumbard ", lbctl_term_bold(ctl));
  put_str(stdout, lbc_msg_map_str(st, "version"));
  printf("%s, pid ", lbctl_term_reset(ctl));
  print_int_or_unknown(st, "pid");
  if (lbc_msg_map_int(st, "uptime_s", &v) && v >= 0) {
    char up[64];
    lb_duration_format((uint64_t)v, up, sizeof(up));
    printf(", up %s", up);
    if (lbc_msg_map_int(st, "started_at", &started))
      print_since(started);
  }
  putchar('\n');

  row(ctl, "socket");
  put_str(stdout, lbc_msg_map_str(st, "socket"));
  putchar('\n');
  row(ctl, "config");
  put_str(stdout, lbc_msg_map_str(st, "config"));
  const msgpack_object *source = lbc_msg_map_str(st, "config_source");
  if (source && !lbc_msg_str_eq(source, "file")) {
    fputs(" (", stdout);
    put_str(stdout, source);
    fputs(" in use)", stdout);
  }
  putchar('\n');
  row(ctl, "data");
  put_str(stdout, lbc_msg_map_str(st, "data_dir"));
  putchar('\n');
  row(ctl, "database");
  put_str(stdout, lbc_msg_map_str(st, "database"));
  const msgpack_object *state = lbc_msg_map_str(st, "database_state");
  if (state && !lbc_msg_str_eq(state, "ok")) {
    fputs(" (", stdout);
    put_str(stdout, state);
    fputs(")", stdout);
  }
  putchar('\n');
  row(ctl, "D-Bus");
  put_str(stdout, lbc_msg_map_str(st, "dbus"));
  putchar('\n');

  row(ctl, "plugins");
  const msgpack_object *plugins = lbc_msg_map_get(st, "plugins");
  if (!plugins || plugins->type != MSGPACK_OBJECT_ARRAY) {
    fputc('?', stdout);
  } else if (plugins->via.array.size == 0) {
    fputs("none loaded", stdout);
  } else {
    for (uint32_t i = 0; i < plugins->via.array.size; i++) {
      fputs(i ? ", " : "", stdout);
      put_str(stdout, &plugins->via.array.ptr[i]);
    }
  }
  putchar('\n');
  /* plugins that did not load, and why: a method of theirs is "no method" */
  const msgpack_object *failed = lbc_msg_map_get(st, "not_loaded");
  for (uint32_t i = 0; failed && failed->type == MSGPACK_OBJECT_ARRAY && i < failed->via.array.size;
       i++) {
    const msgpack_object *f = &failed->via.array.ptr[i];
    row(ctl, i ? "" : "not loaded");
    put_str(stdout, lbc_msg_map_str(f, "name"));
    fputs(": ", stdout);
    put_str(stdout, lbc_msg_map_str(f, "reason"));
    putchar('\n');
  }

  row(ctl, "clients");
  print_int_or_unknown(st, "clients");
  fputs(" connected, ", stdout);
  print_int_or_unknown(st, "subscribers");
  fputs(" watching events\n", stdout);
  row(ctl, "timers");
  print_int_or_unknown(st, "timers");
  fputs(" armed, ", stdout);
  print_int_or_unknown(st, "pending_calls");
  fputs(" calls waiting for an answer\n", stdout);

  /* Whatever a newer daemon reports that this lumbarctl does not know. */
  for (uint32_t i = 0; i < st->via.map.size; i++) {
    const msgpack_object_kv *kv = &st->via.map.ptr[i];
    if (is_known(status_known, &kv->key))
      continue;
    printf("  %s", lbctl_term_dim(ctl));
    lbctl_print_inline(stdout, &kv->key);
    printf("%s ", lbctl_term_reset(ctl));
    lbctl_print_inline(stdout, &kv->val);
    putchar('\n');
  }
}

/* daemon.status, and the pain diary's check-in when one is due: "Check-in
 * due since 21:00 (after routine): lumbarctl pain checkin". With --json the
 * status with the check-in as "checkin" (pain.checkin's answer), when the
 * pain plugin is loaded. */
static int status_run(lbctl *ctl, const lbctl_verb *self, int argc, char **argv) {
  int r = lbctl_args_positionals(self, &argc, argv, 0, 0);
  const msgpack_object *st, *checkin;
  if (r == LBCTL_OK)
    r = lbctl_call(ctl, "daemon.status", NULL, &st);
  if (r != LBCTL_OK)
    return r;
  if (st->type != MSGPACK_OBJECT_MAP) { /* a newer daemon's answer, shown as it is */
    if (ctl->json)
      return lbctl_print_json_result(st);
    lbctl_print_value(stdout, st);
    return LBCTL_OK;
  }
  if (ctl->json) {
    json_t *out = lbctl_json_from_msgpack(st); /* st lives only until the next call */
    r = lbctl_checkin_query(ctl, &checkin);
    if (r == LBCTL_OK && checkin)
      json_object_set_new(out, "checkin", lbctl_json_from_msgpack(checkin));
    if (r == LBCTL_OK && lbctl_json_print_json(stdout, out, true) < 0) {
      fprintf(stderr, "lumbarctl: cannot write the JSON output\n");
      r = 1; /* see main(): no status of DESIGN §7 fits */
    }
    json_decref(out);
    return r;
  }
  print_status(ctl, st);
  r = lbctl_checkin_query(ctl, &checkin);
  if (r == LBCTL_OK && checkin && lbc_msg_map_true(checkin, "due")) {
    char due[256];
    lbctl_checkin_due_text(checkin, due, sizeof(due));
    printf("%s: lumbarctl pain checkin\n", due);
  }
  return r;
}

/* ---- plugins -------------------------------------------------------------- */

static bool is_array(const msgpack_object *o) {
  return o && o->type == MSGPACK_OBJECT_ARRAY;
}

/* "name?: type", or "name: type" for options, which are all optional. */
static void print_param(const msgpack_object *p, bool option) {
  put_str(stdout, lbc_msg_map_str(p, "name"));
  const msgpack_object *opt = lbc_msg_map_get(p, "optional");
  if (!option && opt && opt->type == MSGPACK_OBJECT_BOOLEAN && opt->via.boolean)
    putchar('?');
  fputs(": ", stdout);
  put_str(stdout, lbc_msg_map_str(p, "type"));
}

static void print_fields(const msgpack_object *fields) {
  fputc('{', stdout);
  for (uint32_t i = 0; is_array(fields) && i < fields->via.array.size; i++) {
    fputs(i ? ", " : "", stdout);
    print_param(&fields->via.array.ptr[i], true);
  }
  fputc('}', stdout);
}

static void print_signature(const lbctl *ctl, const msgpack_object *m) {
  const msgpack_object *params = lbc_msg_map_get(m, "params");
  const msgpack_object *options = lbc_msg_map_get(m, "options");
  printf("    %s", lbctl_term_bold(ctl));
  put_str(stdout, lbc_msg_map_str(m, "name"));
  printf("%s(", lbctl_term_reset(ctl));
  uint32_t np = is_array(params) ? params->via.array.size : 0;
  for (uint32_t i = 0; i < np; i++) {
    fputs(i ? ", " : "", stdout);
    print_param(&params->via.array.ptr[i], false);
  }
  if (is_array(options) && options->via.array.size > 0) {
    fputs(np ? ", " : "", stdout);
    print_fields(options);
  }
  fputc(')', stdout);
  const msgpack_object *result = lbc_msg_map_str(m, "result");
  if (result && !lbc_msg_str_eq(result, "none")) {
    fputs(" → ", stdout);
    put_str(stdout, result);
    const msgpack_object *rf = lbc_msg_map_get(m, "result_fields");
    if (is_array(rf) && rf->via.array.size > 0) {
      fputc(' ', stdout);
      print_fields(rf);
    }
  }
  putchar('\n');
}

/* A value of a parameter as its docs should show it: durations in units. */
static void print_param_value(const msgpack_object *p, const msgpack_object *v) {
  if (lbc_msg_str_eq(lbc_msg_map_get(p, "type"), "duration") &&
      v->type == MSGPACK_OBJECT_POSITIVE_INTEGER) {
    char buf[64];
    lbctl_clock_duration(v->via.u64, buf, sizeof(buf));
    fputs(buf, stdout);
  } else {
    lbctl_print_inline(stdout, v);
  }
}

/* One line per documented parameter, option or field:
 * "name  what it is (default 90s; 1s to 1h)". */
static void print_param_docs(const msgpack_object *list, int width) {
  for (uint32_t i = 0; is_array(list) && i < list->via.array.size; i++) {
    const msgpack_object *p = &list->via.array.ptr[i];
    const msgpack_object *doc = lbc_msg_map_str(p, "doc");
    const msgpack_object *def = lbc_msg_map_get(p, "default");
    const msgpack_object *min = lbc_msg_map_get(p, "min"), *max = lbc_msg_map_get(p, "max");
    if (!doc && !def && !(min && max))
      continue;
    const msgpack_object *name = lbc_msg_map_str(p, "name");
    int pad = width - (name ? (int)name->via.str.size : 1);
    printf("        ");
    put_str(stdout, name);
    printf("%*s  ", pad > 0 ? pad : 0, "");
    if (doc)
      put_str(stdout, doc);
    if (def || (min && max)) {
      fputs(doc ? " (" : "(", stdout);
      if (def) {
        fputs("default ", stdout);
        print_param_value(p, def);
      }
      if (min && max) {
        fputs(def ? "; " : "", stdout);
        print_param_value(p, min);
        fputs(" to ", stdout);
        print_param_value(p, max);
      }
      fputc(')', stdout);
    }
    putchar('\n');
  }
}

static int name_width(const msgpack_object *list, int width) {
  for (uint32_t i = 0; is_array(list) && i < list->via.array.size; i++) {
    const msgpack_object *n = lbc_msg_map_str(&list->via.array.ptr[i], "name");
    if (n && (int)n->via.str.size > width)
      width = (int)n->via.str.size;
  }
  return width;
}

static void print_doc(const msgpack_object *o) {
  const msgpack_object *doc = lbc_msg_map_str(o, "doc");
  if (doc) {
    fputs("      ", stdout);
    put_str(stdout, doc);
    putchar('\n');
  }
}

static void print_method(const lbctl *ctl, const msgpack_object *m) {
  print_signature(ctl, m);
  print_doc(m);
  const msgpack_object *params = lbc_msg_map_get(m, "params");
  const msgpack_object *options = lbc_msg_map_get(m, "options");
  int w = name_width(options, name_width(params, 0));
  print_param_docs(params, w);
  print_param_docs(options, w);
}

static void print_event(const lbctl *ctl, const msgpack_object *e) {
  printf("    %s", lbctl_term_bold(ctl));
  put_str(stdout, lbc_msg_map_str(e, "name"));
  printf("%s ", lbctl_term_reset(ctl));
  const msgpack_object *fields = lbc_msg_map_get(e, "fields");
  print_fields(fields);
  putchar('\n');
  print_doc(e);
  print_param_docs(fields, name_width(fields, 0));
}

static void print_plugin(const lbctl *ctl, const msgpack_object *p) {
  printf("%s", lbctl_term_bold(ctl));
  put_str(stdout, lbc_msg_map_str(p, "name"));
  printf("%s ", lbctl_term_reset(ctl));
  put_str(stdout, lbc_msg_map_str(p, "version"));
  const msgpack_object *desc = lbc_msg_map_str(p, "description");
  if (desc && desc->via.str.size) {
    fputs(" — ", stdout);
    put_str(stdout, desc);
  }
  putchar('\n');
  const msgpack_object *path = lbc_msg_map_str(p, "path");
  if (path) {
    printf("  %sfrom ", lbctl_term_dim(ctl));
    put_str(stdout, path);
    printf("%s\n", lbctl_term_reset(ctl));
  }
  const struct {
    const char *key, *title;
    void (*print)(const lbctl *, const msgpack_object *);
  } sections[] = {{"methods", "methods", print_method}, {"events", "events", print_event}};
  for (size_t s = 0; s < 2; s++) {
    const msgpack_object *list = lbc_msg_map_get(p, sections[s].key);
    if (!is_array(list) || list->via.array.size == 0) {
      printf("  %s: none\n", sections[s].title);
      continue;
    }
    printf("  %s:\n", sections[s].title);
    for (uint32_t i = 0; i < list->via.array.size; i++)
      sections[s].print(ctl, &list->via.array.ptr[i]);
  }
}

static int plugins_run(lbctl *ctl, const lbctl_verb *self, int argc, char **argv) {
  const msgpack_object *list;
  int r = lbctl_query(ctl, self, argc, argv, "daemon.plugins", MSGPACK_OBJECT_ARRAY, &list);
  if (!list)
    return r;
  if (list->via.array.size == 0) {
    printf("No plugins are loaded: lumbard serves only its own daemon.* methods.\n");
    return LBCTL_OK;
  }
  for (uint32_t i = 0; i < list->via.array.size; i++) {
    if (i)
      putchar('\n');
    const msgpack_object *p = &list->via.array.ptr[i];
    if (p->type == MSGPACK_OBJECT_MAP)
      print_plugin(ctl, p);
    else
      lbctl_print_value(stdout, p);
  }
  return LBCTL_OK;
}

/* ---- watch -------------------------------------------------------------- */

static int watch_run(lbctl *ctl, const lbctl_verb *self, int argc, char **argv) {
  int r = lbctl_args_positionals(self, &argc, argv, 0, -1);
  if (r != LBCTL_OK)
    return r;
  static const char *const all[] = {"*"};
  const char *const *patterns = argc > 1 ? (const char *const *)argv + 1 : all;
  size_t n = argc > 1 ? (size_t)argc - 1 : 1;

  sigset_t wait_mask;
  lbctl_stop_catch(&wait_mask);

  r = lbctl_connect(ctl);
  if (r != LBCTL_OK)
    return r;
  r = lbctl_status(ctl, "daemon.subscribe", lbc_client_subscribe(ctl->client, patterns, n, NULL));
  if (r != LBCTL_OK)
    return r;
  if (isatty(STDERR_FILENO) && !ctl->json) {
    fprintf(stderr, "Watching");
    for (size_t i = 0; i < n; i++)
      fprintf(stderr, "%s%s", i ? ", " : " ", patterns[i]);
    fprintf(stderr, " (Ctrl-C stops).\n");
  }

  while (!lbctl_stop_requested()) {
    const char *name;
    const msgpack_object *params;
    r = lbc_client_next_event(ctl->client, -1, &wait_mask, &name, &params);
    if (r == -EINTR)
      continue;
    if (r < 0)
      return lbctl_connection_lost(ctl, "watch", r);
    if (ctl->json)
      r = lbctl_print_event_json(name, params);
    else
      lbctl_print_event_line(name, params);
    /* Each event as it comes, also into a pipe. */
    if (fflush(stdout) != 0 || r < 0) {
      perror("lumbarctl: watch: writing the output");
      return 1;
    }
  }
  return LBCTL_OK;
}

/* ---- call ---------------------------------------------------------------- */

static int call_run(lbctl *ctl, const lbctl_verb *self, int argc, char **argv) {
  int r = lbctl_args_positionals(self, &argc, argv, 1, -1);
  if (r != LBCTL_OK)
    return r;
  const char *method = argv[1];
  msgpack_sbuffer params;
  msgpack_packer pk;
  msgpack_sbuffer_init(&params);
  msgpack_packer_init(&pk, &params, msgpack_sbuffer_write);
  msgpack_pack_array(&pk, (size_t)argc - 2);
  for (int i = 2; i < argc; i++) {
    json_t *arg = lbctl_json_from_arg(argv[i]);
    if (!arg) {
      msgpack_sbuffer_destroy(&params);
      return lbctl_usage_error(self, "cannot read argument %d", i - 1);
    }
    lbctl_json_pack(&pk, arg);
    json_decref(arg);
  }
  const msgpack_object *result;
  r = lbctl_call(ctl, method, &params, &result);
  msgpack_sbuffer_destroy(&params);
  if (r != LBCTL_OK)
    return r;
  if (ctl->json)
    return lbctl_print_json_result(result);
  lbctl_print_value(stdout, result);
  return LBCTL_OK;
}

/* ---- the table ----------------------------------------------------------- */

const lbctl_verb lbctl_core_verbs[] = {
    {
        .name = "status",
        .summary = "what the daemon is doing",
        .help = "Asks daemon.status: version, pid and uptime; the socket, config file, data\n"
                "directory and database; D-Bus; the loaded plugins; the connected clients.\n"
                "The config line says when no config file is in use and lumbard runs on its\n"
                "built-in defaults. A last line says when the pain diary has a check-in due\n"
                "('lumbarctl pain checkin' answers it). With --json: daemon.status's answer,\n"
                "with pain.checkin's as \"checkin\" when the pain plugin is loaded.\n",
        .run = status_run,
    },
    {
        .name = "plugins",
        .summary = "the loaded plugins, their methods and events",
        .help = "Asks daemon.plugins. A method shows as\n"
                "  rest.start(seconds?: duration, {label: string, sets: uint}) → map\n"
                "where '?' marks an optional parameter and {...} the named options, given as\n"
                "a map in the last argument:\n"
                "  lumbarctl call rest.start 90 '{\"label\": \"abduction\"}'\n",
        .run = plugins_run,
    },
    {
        .name = "watch",
        .args = "[PATTERN]...",
        .summary = "print events as they happen, one line each",
        .help =
            "Subscribes to the events whose names match the patterns (globs such as\n"
            "'rest.*' or 'pain.logged'; default '*', every event) and prints each as\n"
            "  HH:MM:SS rest.finished id=3 label=abduction\n"
            "or, with --json, as one JSON object per line (JSON Lines):\n"
            "  {\"event\": \"rest.finished\", \"fields\": {\"id\": 3, \"label\": \"abduction\"}}\n"
            "Runs until Ctrl-C or SIGTERM (exit 0) or until the daemon goes away (exit 3).\n",
        .run = watch_run,
    },
    {
        .name = "call",
        .args = "METHOD [ARG]...",
        .summary = "call any method and print the answer",
        .help = "Each ARG is read as JSON (90, \"text\", [1,2], {\"label\": \"abduction\"}, true,\n"
                "null); an ARG that is not JSON is taken as a plain string, so\n"
                "  lumbarctl call reminders.add tea \"in 10m\"\n"
                "sends [\"tea\", \"in 10m\"]. The ARGs are the method's params, in order; named\n"
                "options go in a map as the last one. 'lumbarctl plugins' lists the methods.\n"
                "\n"
                "The answer prints as text (a string as itself, a map as 'key: value' lines,\n"
                "an array as '- ' items, nothing as '(none)'), or as JSON with --json, where\n"
                "binary values become base64 strings.\n",
        .run = call_run,
    },
    {0},
};
