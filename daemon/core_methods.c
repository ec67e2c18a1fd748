/* daemon.ping/version/status/plugins/reload: declared
 * with the same tables as plugin methods, so both transports, validation and
 * `daemon.plugins` treat them alike. */
#include <errno.h>
#include <lumbard/version.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "call.h"
#include "daemon.h"
#include "dbus_value.h"
#include "log.h"
#include "plugin_host.h"
#include "util.h"
#include "value.h"

static void ping(lb_call *call, const lb_value *args, void *ud) {
  (void)args, (void)ud;
  lb_value v = lb_v_str("pong");
  lbd_call_reply(call, &v);
}

static void version(lb_call *call, const lb_value *args, void *ud) {
  (void)args, (void)ud;
  lb_value v =
      LB_MAP({"version", lb_v_str(LUMBARD_VERSION)}, {"plugin_abi", lb_v_uint(LB_PLUGIN_ABI)},
             {"host_api", lb_v_uint(LB_HOST_API)});
  lbd_call_reply(call, &v);
}

static void status(lb_call *call, const lb_value *args, void *ud) {
  const lbd_daemon *daemon = ud;
  const lbd_core *d = lbd_daemon_core(daemon);
  (void)args;
  lbd_arena *a = lbd_call_arena(call);
  size_t n = lbd_plugins_count(d->plugins);
  lb_value *names = lbd_arena_alloc(a, sizeof(lb_value) * n);
  for (size_t i = 0; i < n; i++)
    names[i] = lb_v_str(lbd_plugin_name(lbd_plugins_at(d->plugins, i)));
  int64_t now = lbd_clock_now_ms(LB_CLOCK_WALL);
  size_t n_failed = lbd_plugins_n_failed(d->plugins);
  lb_value *failed = lbd_arena_alloc(a, sizeof(lb_value) * (n_failed ? n_failed : 1));
  for (size_t i = 0; i < n_failed; i++) {
    const char *path, *reason, *name = lbd_plugins_failed_at(d->plugins, i, &path, &reason);
    lb_pair *f = lbd_arena_alloc(a, sizeof(lb_pair) * 3);
    f[0] = (lb_pair){"name", lb_v_str(name)};
    f[1] = (lb_pair){"path", lb_v_str(path)};
    f[2] = (lb_pair){"reason", lb_v_str(reason)};
    failed[i] = lb_v_map(f, 3);
  }
  char state[256];
  lbd_store_state(d->store, state, sizeof(state));
  lb_value v = LB_MAP(
      {"version", lb_v_str(LUMBARD_VERSION)}, {"pid", lb_v_uint((uint64_t)getpid())},
      {"started_at", lb_v_int(d->started_at_ms / 1000)},
      {"uptime_s", lb_v_int((now - d->started_at_ms) / 1000)}, {"socket", lb_v_str(d->socket_path)},
      {"config", lb_v_str(d->config_path)},
      {"config_source", lb_v_str(lbd_config_from_file(d->config) ? "file" : "built-in defaults")},
      {"data_dir", lb_v_str(d->data_dir)}, {"database", lb_v_str(d->db_path)},
      {"database_state", lb_v_str(state)}, {"not_loaded", lb_v_array(failed, n_failed)},
      {"dbus", lb_v_str(lbd_daemon_dbus_state(daemon))}, {"plugins", lb_v_array(names, n)},
      {"clients", lb_v_uint(lbd_daemon_n_clients(daemon))},
      {"subscribers", lb_v_uint(lbd_daemon_n_subscribers(daemon))},
      {"pending_calls", lb_v_uint(lbd_calls_pending(d->calls) - 1)}, /* not counting this one */
      {"timers", lb_v_uint(lbd_timers_count(d->timers))});
  lbd_call_reply(call, &v);
}

/* ---- daemon.plugins: every declaration, so clients can describe them ---- */

/* options: an option is optional by nature, whatever its declaration says. */
static lb_value describe_params(lbd_arena *a, const lb_param *ps, uint32_t n, bool options) {
  lb_value *items = lbd_arena_alloc(a, sizeof(lb_value) * n);
  for (uint32_t i = 0; i < n; i++) {
    const lb_param *p = &ps[i];
    lb_pair *f = lbd_arena_alloc(a, sizeof(lb_pair) * 8);
    uint32_t k = 0;
    f[k++] = (lb_pair){"name", lb_v_str(p->name)};
    f[k++] = (lb_pair){"type", lb_v_str(lbd_type_name(p->type))};
    f[k++] = (lb_pair){"dbus", lb_v_str(lbd_dbus_signature(p->type))};
    f[k++] = (lb_pair){"optional", lb_v_bool(options || p->optional)};
    if (!lb_is_nil(&p->def))
      f[k++] = (lb_pair){"default", p->def};
    if (p->min < p->max) {
      f[k++] = (lb_pair){"min", lb_v_int(p->min)};
      f[k++] = (lb_pair){"max", lb_v_int(p->max)};
    }
    if (p->doc)
      f[k++] = (lb_pair){"doc", lb_v_str(p->doc)};
    items[i] = lb_v_map(f, k);
  }
  return lb_v_array(items, n);
}

/* The fields directly inside prefix ("" for the top, "steps" for a key of
 * the maps of steps), each with the fields inside it as its "fields". */
static lb_value describe_fields_in(lbd_arena *a, const lb_field *fs, const char *prefix) {
  size_t plen = strlen(prefix);
  uint32_t total = 0, n = 0;
  while (fs && fs[total].name)
    total++;
  lb_value *items = lbd_arena_alloc(a, sizeof(lb_value) * (total ? total : 1));
  for (uint32_t i = 0; i < total; i++) {
    const char *name = fs[i].name;
    if (plen && (strncmp(name, prefix, plen) != 0 || name[plen] != '.'))
      continue;
    const char *own = plen ? name + plen + 1 : name;
    if (strchr(own, '.'))
      continue;
    lb_pair *f = lbd_arena_alloc(a, sizeof(lb_pair) * 5);
    uint32_t k = 0;
    f[k++] = (lb_pair){"name", lb_v_str(own)};
    f[k++] = (lb_pair){"type", lb_v_str(lbd_type_name(fs[i].type))};
    f[k++] = (lb_pair){"dbus", lb_v_str(lbd_dbus_signature(fs[i].type))};
    if (fs[i].doc)
      f[k++] = (lb_pair){"doc", lb_v_str(fs[i].doc)};
    if (fs[i].type == LB_T_MAP || fs[i].type == LB_T_MAPS) {
      lb_value inner = describe_fields_in(a, fs, name);
      if (inner.as.arr.len)
        f[k++] = (lb_pair){"fields", inner};
    }
    items[n++] = lb_v_map(f, k);
  }
  return lb_v_array(items, n);
}

static lb_value describe_fields(lbd_arena *a, const lb_field *fs) {
  return describe_fields_in(a, fs, "");
}

static lb_value describe_method(lbd_arena *a, const lbd_method_entry *m) {
  lb_pair *f = lbd_arena_alloc(a, sizeof(lb_pair) * 7);
  uint32_t k = 0;
  f[k++] = (lb_pair){"name", lb_v_str(m->name)};
  f[k++] = (lb_pair){"params", describe_params(a, m->decl->params, m->n_params, false)};
  f[k++] = (lb_pair){"options", describe_params(a, m->decl->options, m->n_options, true)};
  f[k++] = (lb_pair){"result", lb_v_str(lbd_type_name(m->decl->result))};
  f[k++] = (lb_pair){"result_fields", describe_fields(a, m->decl->result_fields)};
  if (m->decl->doc)
    f[k++] = (lb_pair){"doc", lb_v_str(m->decl->doc)};
  return lb_v_map(f, k);
}

static lb_value describe_event(lbd_arena *a, const lbd_event_entry *e) {
  lb_pair *f = lbd_arena_alloc(a, sizeof(lb_pair) * 3);
  uint32_t k = 0;
  f[k++] = (lb_pair){"name", lb_v_str(e->name)};
  f[k++] = (lb_pair){"fields", describe_fields(a, e->decl->fields)};
  if (e->decl->doc)
    f[k++] = (lb_pair){"doc", lb_v_str(e->decl->doc)};
  return lb_v_map(f, k);
}

/* One row of daemon.plugins: the methods and events owner declares (the
 * core's own when owner is NULL). */
static lb_value describe_owner(lbd_arena *a, const lbd_core *d, lb_plugin *owner, const char *name,
                               const char *version, const char *description, const char *path) {
  size_t nm = lbd_registry_n_methods(d->registry), ne = lbd_registry_n_events(d->registry);
  lb_value *ms = lbd_arena_alloc(a, sizeof(lb_value) * (nm ? nm : 1));
  lb_value *es = lbd_arena_alloc(a, sizeof(lb_value) * (ne ? ne : 1));
  uint32_t n_ms = 0, n_es = 0;
  for (size_t j = 0; j < nm; j++) {
    const lbd_method_entry *m = lbd_registry_method_at(d->registry, j);
    if (m->owner == owner)
      ms[n_ms++] = describe_method(a, m);
  }
  for (size_t j = 0; j < ne; j++) {
    const lbd_event_entry *e = lbd_registry_event_at(d->registry, j);
    if (e->owner == owner)
      es[n_es++] = describe_event(a, e);
  }
  lb_pair *f = lbd_arena_alloc(a, sizeof(lb_pair) * 6);
  f[0] = (lb_pair){"name", lb_v_str(name)};
  f[1] = (lb_pair){"version", lb_v_str(version)};
  f[2] = (lb_pair){"description", lb_v_str(description)};
  f[3] = (lb_pair){"path", lb_v_str(path)};
  f[4] = (lb_pair){"methods", lb_v_array(ms, n_ms)};
  f[5] = (lb_pair){"events", lb_v_array(es, n_es)};
  return lb_v_map(f, 6);
}

static void plugins(lb_call *call, const lb_value *args, void *ud) {
  const lbd_core *d = lbd_daemon_core(ud);
  lbd_arena *a = lbd_call_arena(call);
  const lb_value *core = lb_map_get(&args[0], "core");
  size_t n = lbd_plugins_count(d->plugins), k = 0;
  lb_value *items = lbd_arena_alloc(a, sizeof(lb_value) * (n + 1));
  if (core && core->as.b)
    items[k++] =
        describe_owner(a, d, NULL, "daemon", LUMBARD_VERSION, "the core: built into lumbard", "");
  for (size_t i = 0; i < n; i++) {
    lb_plugin *p = lbd_plugins_at(d->plugins, i);
    items[k++] = describe_owner(a, d, p, lbd_plugin_name(p), lbd_plugin_version(p),
                                lbd_plugin_description(p), lbd_plugin_path(p));
  }
  lb_value v = lb_v_array(items, k);
  lbd_call_reply(call, &v);
}

static void reload(lb_call *call, const lb_value *args, void *ud) {
  lbd_daemon *d = ud;
  (void)args;
  char err[512];
  if (lbd_daemon_reload(d, err, sizeof(err)) < 0) {
    lbd_call_fail(call, LB_RPC_INTERNAL, "%s; the previous configuration stays in effect", err);
    return;
  }
  const lbd_core *core = lbd_daemon_core(d);
  lb_value v =
      LB_MAP({"config", lb_v_str(core->config_path)},
             {"config_source",
              lb_v_str(lbd_config_from_file(core->config) ? "file" : "built-in defaults")});
  lbd_call_reply(call, &v);
}

/* A test seam (LUMBARD_TEST_SEAMS=1 only): the wall clock jumps. */
static void test_shift_clock(lb_call *call, const lb_value *args, void *ud) {
  const lbd_core *d = lbd_daemon_core(ud);
  lbu_warn("test seam: the wall clock jumps by %lld s", (long long)args[0].as.i);
  lbd_timers_shift_wall(d->timers, args[0].as.i * 1000);
  lb_value v = lb_v_int(lbd_clock_now_ms(LB_CLOCK_WALL) / 1000);
  lbd_call_reply(call, &v);
}

static const lb_param shift_params[] = {
    {.name = "seconds", .type = LB_T_INT, .doc = "how far the clock jumps (negative: back)"}, {0}};
static lb_method seam_methods[] = {
    {.name = "test_shift_clock",
     .doc = "Test seam: move the daemon's wall clock, as if it had been set.",
     .params = shift_params,
     .result = LB_T_TIME,
     .handler = test_shift_clock},
};

#define F(n, t)                                                                                    \
  { .name = (n), .type = (t) }
static const lb_field version_fields[] = {
    F("version", LB_T_STRING), F("plugin_abi", LB_T_UINT), F("host_api", LB_T_UINT), {0}};
static const lb_field status_fields[] = {F("version", LB_T_STRING),
                                         F("pid", LB_T_UINT),
                                         F("started_at", LB_T_TIME),
                                         F("uptime_s", LB_T_INT),
                                         F("socket", LB_T_STRING),
                                         F("config", LB_T_STRING),
                                         F("config_source", LB_T_STRING),
                                         F("data_dir", LB_T_STRING),
                                         F("database", LB_T_STRING),
                                         F("database_state", LB_T_STRING),
                                         F("not_loaded", LB_T_MAPS),
                                         F("not_loaded.name", LB_T_STRING),
                                         F("not_loaded.path", LB_T_STRING),
                                         F("not_loaded.reason", LB_T_STRING),
                                         F("dbus", LB_T_STRING),
                                         F("plugins", LB_T_STRINGS),
                                         F("clients", LB_T_UINT),
                                         F("subscribers", LB_T_UINT),
                                         F("pending_calls", LB_T_UINT),
                                         F("timers", LB_T_UINT),
                                         {0}};
/* A parameter's or option's description; "default" (any), "min" and "max"
 * (int) and "doc" are there when declared, and take the types the undeclared
 * rule gives them. A field's "fields" are the keys of a map or maps field,
 * however deep (dbus_value.c types a nested "fields" as this one). */
#define PARAM(m)                                                                                   \
  F(m, LB_T_MAPS), F(m ".name", LB_T_STRING), F(m ".type", LB_T_STRING),                           \
      F(m ".dbus", LB_T_STRING), F(m ".optional", LB_T_BOOL)
#define FIELD(m)                                                                                   \
  F(m, LB_T_MAPS), F(m ".name", LB_T_STRING), F(m ".type", LB_T_STRING), F(m ".dbus", LB_T_STRING)
static const lb_field plugins_fields[] = {
    F("name", LB_T_STRING),           F("version", LB_T_STRING),
    F("description", LB_T_STRING),    F("path", LB_T_STRING),
    F("methods", LB_T_MAPS),          F("methods.name", LB_T_STRING),
    PARAM("methods.params"),          PARAM("methods.options"),
    F("methods.result", LB_T_STRING), FIELD("methods.result_fields"),
    F("events", LB_T_MAPS),           F("events.name", LB_T_STRING),
    FIELD("events.fields"),           {0}};
#undef PARAM
#undef FIELD
static const lb_field reload_fields[] = {
    F("config", LB_T_STRING), F("config_source", LB_T_STRING), {0}};
static const lb_param plugins_options[] = {
    {.name = "core",
     .type = LB_T_BOOL,
     .doc = "also the core's own methods, as a first row named \"daemon\""},
    {0}};

static lb_method methods[] = {
    {.name = "ping", .doc = "Answers \"pong\".", .result = LB_T_STRING, .handler = ping},
    {.name = "version",
     .doc = "The daemon's version, plugin ABI and host API.",
     .result = LB_T_MAP,
     .result_fields = version_fields,
     .handler = version},
    {.name = "status",
     .doc = "What the daemon is doing: paths, D-Bus, plugins, clients.",
     .result = LB_T_MAP,
     .result_fields = status_fields,
     .handler = status},
    {.name = "plugins",
     .doc = "The loaded plugins with every method and event they declare.",
     .options = plugins_options,
     .result = LB_T_MAPS,
     .result_fields = plugins_fields,
     .handler = plugins},
    {.name = "reload",
     .doc = "Re-read the config file, as SIGHUP does.",
     .result = LB_T_MAP,
     .result_fields = reload_fields,
     .handler = reload},
};

int lbd_core_methods_register(lbd_daemon *daemon) {
  const lbd_core *d = lbd_daemon_core(daemon);
  char err[256];
  const char *seams = getenv("LUMBARD_TEST_SEAMS");
  if (seams && strcmp(seams, "1") == 0) {
    lbu_warn("LUMBARD_TEST_SEAMS=1: test seams are on (daemon.test_shift_clock); never in use");
    /* Tests that must pass whatever the date and hour run at fixed ones:
     * the wall clock starts at LUMBARD_TEST_NOW (unix seconds) and runs on. */
    const char *start = getenv("LUMBARD_TEST_NOW");
    if (start && *start) {
      char *end;
      double at = strtod(start, &end); /* seconds, and a fraction: one timeline across restarts */
      if (*end || !(at > 0 && at < 253402300800.0)) {
        lbu_err("LUMBARD_TEST_NOW=%s is not unix seconds", start);
        return -EINVAL;
      }
      lbd_timers_shift_wall(d->timers, (int64_t)(at * 1000) - lbd_clock_now_ms(LB_CLOCK_WALL));
      lbu_warn("test seam: the wall clock starts at %s", start);
    }
    seam_methods[0].userdata = daemon;
    if (lbd_registry_add_method(d->registry, "daemon", NULL, &seam_methods[0], err, sizeof(err)) <
        0)
      return -EINVAL;
  }
  for (size_t i = 0; i < LBU_ARRAY_SIZE(methods); i++) {
    methods[i].userdata = daemon;
    int r = lbd_registry_add_method(d->registry, "daemon", NULL, &methods[i], err, sizeof(err));
    if (r < 0) {
      lbu_err("core method: %s", err);
      return r;
    }
  }
  return 0;
}
