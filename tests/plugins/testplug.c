/* The "test" plugin: exercises every part of the SDK for the test suite —
 * parameters with defaults and options, a deferred reply, events heard by a
 * subscriber and by a listening plugin, config, storage, a bad answer. */
#include <errno.h>
#include <lumbard/plugin.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const lb_host *host;
static lb_plugin *self;
static uint64_t heard_count, tick_seq;

/* test.echo(text, times = 1, {upper, pause}) -> {text, times, upper, pause} */
static void echo(lb_call *call, const lb_value *args, void *ud) {
  (void)ud;
  const lb_value *opts = &args[2];
  const lb_value *upper = lb_map_get(opts, "upper");
  const lb_value *pause = lb_map_get(opts, "pause");
  char buf[256];
  snprintf(buf, sizeof(buf), "%s", args[0].as.str.ptr);
  if (upper && upper->as.b)
    for (char *p = buf; *p; p++)
      if (*p >= 'a' && *p <= 'z')
        *p = (char)(*p - 'a' + 'A');
  lb_value r =
      LB_MAP({"text", lb_v_str(buf)}, {"times", args[1]},
             {"upper", lb_v_bool(upper && upper->as.b)}, {"pause", pause ? *pause : lb_v_nil()});
  host->reply(call, &r);
}

/* test.later(ms): answers after ms milliseconds, from a timer. */
typedef struct later_ctx {
  struct later_ctx *next;
  lb_call *call;
  int64_t started;
} later_ctx;
static later_ctx *pending; /* freed at shutdown if still waiting */

static void forget_later(later_ctx *c) {
  for (later_ctx **p = &pending; *p; p = &(*p)->next)
    if (*p == c) {
      *p = c->next;
      break;
    }
  free(c);
}

static void later_fire(lb_plugin *p, uint64_t id, void *ud) {
  (void)p, (void)id;
  later_ctx *c = ud;
  lb_value r = LB_MAP({"waited_ms", lb_v_int(host->now_ms(LB_CLOCK_MONOTONIC) - c->started)});
  host->reply(c->call, &r);
  forget_later(c);
}

static void later(lb_call *call, const lb_value *args, void *ud) {
  (void)ud;
  later_ctx *c = malloc(sizeof(*c));
  c->call = call;
  c->started = host->now_ms(LB_CLOCK_MONOTONIC);
  c->next = pending;
  pending = c;
  host->timer_start(self, LB_CLOCK_MONOTONIC, c->started + (int64_t)args[0].as.u, later_fire, c);
}

/* test.emit(count, {size}): emits count test.tick events. */
static void emit(lb_call *call, const lb_value *args, void *ud) {
  (void)ud;
  uint64_t size = 0;
  const lb_value *sz = lb_map_get(&args[1], "size");
  if (sz)
    size = sz->as.u;
  char *payload = malloc(size + 1);
  memset(payload, 'x', size);
  payload[size] = '\0';
  for (uint64_t i = 0; i < args[0].as.u; i++) {
    lb_value ev = LB_MAP({"n", lb_v_uint(++tick_seq)}, {"payload", lb_v_strn(payload, size)});
    host->emit(self, "tick", &ev);
    host->property_changed(self, "ticks"); /* many changes, one signal per loop turn */
  }
  free(payload);
  lb_value r = LB_MAP({"emitted", args[0]});
  host->reply(call, &r);
}

static void heard_tick(lb_plugin *p, const char *name, const lb_value *fields, void *ud) {
  (void)p, (void)name, (void)ud;
  if (lb_map_get(fields, "n"))
    heard_count++;
}

static void heard(lb_call *call, const lb_value *args, void *ud) {
  (void)args, (void)ud;
  lb_value r = lb_v_uint(heard_count);
  host->reply(call, &r);
}

/* test.bad_result(): declared to answer a map, answers a string. */
static void bad_result(lb_call *call, const lb_value *args, void *ud) {
  (void)args, (void)ud;
  lb_value r = lb_v_str("not a map");
  host->reply(call, &r);
}

static void fail(lb_call *call, const lb_value *args, void *ud) {
  (void)ud;
  host->fail(call, LB_ERR_NOT_FOUND, "no such thing as %s", args[0].as.str.ptr);
}

static void config(lb_call *call, const lb_value *args, void *ud) {
  (void)ud;
  lb_value r = lb_v_str(host->config_get(self, NULL, args[0].as.str.ptr));
  host->reply(call, &r);
}

static void note(lb_call *call, const lb_value *args, void *ud) {
  (void)ud;
  sqlite3_stmt *st;
  sqlite3 *db = host->db(self);
  if (sqlite3_prepare_v2(db, "INSERT INTO test_notes(text) VALUES(?)", -1, &st, NULL) !=
      SQLITE_OK) {
    host->fail(call, LB_ERR_INTERNAL, "%s", sqlite3_errmsg(db));
    return;
  }
  sqlite3_bind_text(st, 1, args[0].as.str.ptr, -1, SQLITE_TRANSIENT);
  int rc = sqlite3_step(st);
  sqlite3_finalize(st);
  if (rc != SQLITE_DONE) {
    host->fail(call, LB_ERR_INTERNAL, "%s", sqlite3_errmsg(db));
    return;
  }
  lb_value r = lb_v_int(sqlite3_last_insert_rowid(db));
  host->reply(call, &r);
}

static void notes(lb_call *call, const lb_value *args, void *ud) {
  (void)args, (void)ud;
  sqlite3_stmt *st;
  sqlite3 *db = host->db(self);
  sqlite3_prepare_v2(db, "SELECT text FROM test_notes ORDER BY id", -1, &st, NULL);
  lb_value items[64];
  char *texts[64];
  size_t n = 0;
  while (n < 64 && sqlite3_step(st) == SQLITE_ROW) {
    texts[n] = strdup((const char *)sqlite3_column_text(st, 0));
    items[n] = lb_v_str(texts[n]);
    n++;
  }
  sqlite3_finalize(st);
  lb_value r = lb_v_array(items, n);
  host->reply(call, &r);
  for (size_t i = 0; i < n; i++)
    free(texts[i]);
}

/* test.relay(method, {params}): calls another plugin's method through the
 * host (lb_host.call) and answers what came back: {result, error, message,
 * inside}, inside telling whether done ran inside call(). test.probe
 * answers whether it runs inside a call() of test.relay. */
typedef struct relay_ctx {
  struct relay_ctx *next;
  lb_call *call;
} relay_ctx;
static relay_ctx *relays; /* freed at shutdown if still waiting */
static bool in_call;

static void relay_done(lb_plugin *p, const lb_value *result, int error, const char *message,
                       void *ud) {
  (void)p;
  relay_ctx *c = ud;
  lb_value r =
      LB_MAP({"result", result ? *result : lb_v_nil()}, {"error", lb_v_int(error)},
             {"message", lb_v_str(message ? message : "")}, {"inside", lb_v_bool(in_call)});
  host->reply(c->call, &r);
  for (relay_ctx **q = &relays; *q; q = &(*q)->next)
    if (*q == c) {
      *q = c->next;
      break;
    }
  free(c);
}

static void relay(lb_call *call, const lb_value *args, void *ud) {
  (void)ud;
  const lb_value *params = lb_map_get(&args[1], "params");
  if (params && params->kind != LB_ARRAY) {
    host->fail(call, LB_ERR_INVALID_PARAMS, "option 'params' must be an array");
    return;
  }
  relay_ctx *c = calloc(1, sizeof(*c));
  c->call = call;
  c->next = relays;
  relays = c;
  in_call = true;
  int r = host->call(self, args[0].as.str.ptr, params ? params->as.arr.items : NULL,
                     params ? params->as.arr.len : 0, relay_done, c);
  in_call = false;
  if (r < 0) {
    relays = c->next;
    free(c);
    host->fail(call, LB_ERR_INVALID_PARAMS, "call refused the method name (%d)", r);
  }
}

static void probe(lb_call *call, const lb_value *args, void *ud) {
  (void)args, (void)ud;
  lb_value r = LB_MAP({"inside", lb_v_bool(in_call)});
  host->reply(call, &r);
}

/* test.long_read(n): counts to n in SQL with host->db_read, off the loop;
 * answers {count, notes, notes_after}: how many test.note rows the read saw
 * before counting and after, in statements of their own (one snapshot: the
 * same, whatever was written meanwhile). A read that fails answers the
 * host's words. */
typedef struct long_read {
  lb_call *call;
  uint64_t n;
  int64_t count, notes, notes_after;
} long_read;

/* The one integer a statement answers, into *ret. */
static int read_int(sqlite3 *db, const char *sql, int64_t bind, int64_t *ret) {
  sqlite3_stmt *st = NULL;
  int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
  if (rc != SQLITE_OK)
    return rc;
  if (sqlite3_bind_parameter_count(st) > 0)
    sqlite3_bind_int64(st, 1, (sqlite3_int64)bind);
  rc = sqlite3_step(st);
  if (rc == SQLITE_ROW) {
    *ret = sqlite3_column_int64(st, 0);
    rc = SQLITE_OK;
  }
  sqlite3_finalize(st);
  return rc;
}

static int count_to(sqlite3 *db, void *ud) { /* a worker thread */
  long_read *lr = ud;
  static const char notes[] = "SELECT count(*) FROM test_notes";
  int rc = read_int(db, notes, 0, &lr->notes);
  if (rc == SQLITE_OK)
    rc = read_int(db,
                  "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < ?) "
                  "SELECT count(*) FROM c",
                  (int64_t)lr->n, &lr->count);
  if (rc == SQLITE_OK)
    rc = read_int(db, notes, 0, &lr->notes_after);
  return rc;
}

static void counted(lb_plugin *p, int result, const char *error, void *ud) {
  (void)p;
  long_read *lr = ud;
  if (result < 0) {
    host->fail(lr->call, LB_ERR_INTERNAL, "%s", error);
  } else {
    lb_value r = LB_MAP({"count", lb_v_int(lr->count)}, {"notes", lb_v_int(lr->notes)},
                        {"notes_after", lb_v_int(lr->notes_after)});
    host->reply(lr->call, &r);
  }
  free(lr);
}

static void long_read_m(lb_call *call, const lb_value *args, void *ud) {
  (void)ud;
  long_read *lr = calloc(1, sizeof(*lr));
  if (!lr) {
    host->fail(call, LB_ERR_INTERNAL, "out of memory");
    return;
  }
  lr->call = call;
  lr->n = args[0].as.u;
  host->db_read(self, count_to, counted, lr);
}

static const lb_param echo_params[] = {{.name = "text", .type = LB_T_STRING, .doc = "what to echo"},
                                       {.name = "times",
                                        .type = LB_T_UINT,
                                        .optional = true,
                                        .def = LB_DEF_UINT(1),
                                        .min = 1,
                                        .max = 10},
                                       {0}};
static const lb_param echo_options[] = {
    {.name = "upper", .type = LB_T_BOOL}, {.name = "pause", .type = LB_T_DURATION}, {0}};
static const lb_field echo_fields[] = {
    {.name = "text", .type = LB_T_STRING}, {.name = "times", .type = LB_T_UINT}, {0}};
static const lb_param later_params[] = {{.name = "ms", .type = LB_T_UINT, .min = 0, .max = 60000},
                                        {0}};
static const lb_param emit_params[] = {{.name = "count", .type = LB_T_UINT}, {0}};
static const lb_param emit_options[] = {{.name = "size", .type = LB_T_UINT}, {0}};
static const lb_param one_string[] = {{.name = "text", .type = LB_T_STRING}, {0}};
static const lb_param key_param[] = {{.name = "key", .type = LB_T_STRING}, {0}};
static const lb_param long_read_params[] = {
    {.name = "n", .type = LB_T_U64, .min = 1, .max = 4000000000}, {0}};
static const lb_param relay_params[] = {{.name = "method", .type = LB_T_STRING}, {0}};
static const lb_param relay_options[] = {{.name = "params", .type = LB_T_ANY}, {0}};

static const lb_method methods[] = {
    {.name = "echo",
     .doc = "Echo text back.",
     .params = echo_params,
     .options = echo_options,
     .result = LB_T_MAP,
     .result_fields = echo_fields,
     .handler = echo},
    {.name = "later",
     .doc = "Answer after ms milliseconds.",
     .params = later_params,
     .result = LB_T_MAP,
     .handler = later},
    {.name = "emit",
     .doc = "Emit count test.tick events.",
     .params = emit_params,
     .options = emit_options,
     .result = LB_T_MAP,
     .handler = emit},
    {.name = "heard",
     .doc = "How many test.tick events this plugin heard.",
     .result = LB_T_U64,
     .handler = heard},
    {.name = "bad_result", .result = LB_T_MAP, .handler = bad_result},
    {.name = "fail", .params = one_string, .result = LB_T_NONE, .handler = fail},
    {.name = "config", .params = key_param, .result = LB_T_ANY, .handler = config},
    {.name = "note", .params = one_string, .result = LB_T_INT, .handler = note},
    {.name = "notes", .result = LB_T_STRINGS, .handler = notes},
    {.name = "relay",
     .doc = "Call another plugin's method through the host; answer what came back.",
     .params = relay_params,
     .options = relay_options,
     .result = LB_T_MAP,
     .handler = relay},
    {.name = "probe", .result = LB_T_MAP, .handler = probe},
    {.name = "long_read",
     .doc = "Count to n in SQL off the loop (db_read); answers the count and the notes seen.",
     .params = long_read_params,
     .result = LB_T_MAP,
     .handler = long_read_m},
};

static const lb_field tick_fields[] = {
    {.name = "n", .type = LB_T_U64}, {.name = "payload", .type = LB_T_STRING}, {0}};
static const lb_event tick = {.name = "tick", .doc = "A test event.", .fields = tick_fields};

/* Properties: ticks (read-only) and greeting (writable, never empty). */
static char greeting[128] = "hello";

static void get_ticks(lb_plugin *p, lb_value *ret, void *ud) {
  (void)p, (void)ud;
  *ret = lb_v_uint(tick_seq);
}

static void get_greeting(lb_plugin *p, lb_value *ret, void *ud) {
  (void)p, (void)ud;
  *ret = lb_v_str(greeting);
}

static int set_greeting(lb_plugin *p, const lb_value *v, void *ud, const char **ret_error) {
  (void)ud;
  if (v->as.str.len == 0 || v->as.str.len >= sizeof(greeting)) {
    *ret_error = "a greeting is 1 to 127 bytes";
    return -EINVAL;
  }
  memcpy(greeting, v->as.str.ptr, v->as.str.len + 1);
  host->property_changed(p, "greeting");
  return 0;
}

static const lb_property props[] = {
    {.name = "ticks", .type = LB_T_U64, .doc = "test.tick events emitted", .get = get_ticks},
    {.name = "greeting", .type = LB_T_STRING, .get = get_greeting, .set = set_greeting},
};

static const char *const schema[] = {
    "CREATE TABLE test_notes(id INTEGER PRIMARY KEY, text TEXT NOT NULL)", NULL};

static int init(lb_plugin *p, const lb_host *h) {
  host = h;
  self = p;
  if (lb_declare_all(h, p, methods, LB_COUNT(methods), &tick, 1) < 0 ||
      h->listen(p, "test.tick", heard_tick, NULL) < 0)
    return -EINVAL;
  for (size_t i = 0; i < sizeof(props) / sizeof(props[0]); i++)
    if (h->declare_property(p, &props[i]) < 0)
      return -EINVAL;
  if (h->db_migrate(p, schema) < 0)
    return -EIO;
  h->log(p, LB_LOG_INFO, "test plugin ready");
  return 0;
}

/* Calls still deferred are answered by the host after this returns. */
static void shutdown(lb_plugin *p) {
  (void)p;
  while (pending)
    forget_later(pending);
  while (relays) {
    relay_ctx *next = relays->next;
    free(relays);
    relays = next;
  }
}

LB_PLUGIN_DEFINE(.name = "test", .version = "1.0", .description = "exercises the plugin SDK",
                 .init = init, .shutdown = shutdown);
