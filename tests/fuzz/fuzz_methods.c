#include "fuzz_methods.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "call.h"
#include "fuzz.h"
#include "util.h"
#include "value.h"

static const lbd_core *daemon_of;
static size_t n_deferred;
static uint64_t next_id;

/* fuzz.start(seconds?, {label, sets, set, warn, until}) -> {id, label, seconds, ...}, as
 * rest.start. */
static void start(lb_call *call, const lb_value *args, void *ud) {
  (void)ud;
  const lb_value *label = lb_map_get(&args[1], "label");
  const lb_value *sets = lb_map_get(&args[1], "sets");
  const lb_value *set = lb_map_get(&args[1], "set");
  lb_value v = LB_MAP({"id", lb_v_uint(++next_id)}, {"label", label ? *label : lb_v_str("rest")},
                      {"seconds", args[0]}, {"ends_at_ms", lb_v_int((int64_t)args[0].as.u * 1000)},
                      {"set", set ? *set : lb_v_uint(1)}, {"sets", sets ? *sets : lb_v_uint(1)});
  lbd_call_reply(call, &v);
}

/* fuzz.log(level, {location, trigger, note, symptoms, at}) -> {id, at}, as pain.log. */
static void log_entry(lb_call *call, const lb_value *args, void *ud) {
  (void)ud;
  const lb_value *at = lb_map_get(&args[1], "at");
  lb_value v =
      LB_MAP({"id", lb_v_uint(++next_id)}, {"at", at ? *at : lb_v_int(0)}, {"level", args[0]});
  lbd_call_reply(call, &v);
}

/* fuzz.put(data, {x}): a positional map before the options. */
static void put(lb_call *call, const lb_value *args, void *ud) {
  (void)args, (void)ud;
  lbd_call_reply(call, NULL);
}

/* fuzz.types(b?, i?, ..., a?, {flag, when}): every parameter type, answered
 * with what was bound, so the answer packs every kind of value. */
static void types(lb_call *call, const lb_value *args, void *ud) {
  (void)ud;
  size_t n = 14; /* 13 parameters and the options map */
  lb_value v = lb_v_array(args, n);
  lbd_call_reply(call, &v);
}

/* fuzz.preview(schedule, count?, base?) -> count times, as reminders.preview. */
static void preview(lb_call *call, const lb_value *args, void *ud) {
  (void)ud;
  uint32_t n = (uint32_t)args[1].as.u;
  int64_t base = args[2].kind == LB_INT ? args[2].as.i : 0;
  lb_value *times = lbd_arena_alloc(lbd_call_arena(call), sizeof(lb_value) * n);
  for (uint32_t i = 0; i < n; i++)
    times[i] = lb_v_int(base / 2 + (int64_t)i * 60);
  lb_value v = lb_v_array(times, n);
  lbd_call_reply(call, &v);
}

typedef struct later_ctx {
  uv_timer_t timer;
  lb_call *call;
} later_ctx;

static void later_closed(uv_handle_t *h) {
  free(h->data);
}

static void later_fire(uv_timer_t *t) {
  later_ctx *c = t->data;
  lb_value v = lb_v_str("later");
  n_deferred--;
  lbd_call_reply(c->call, &v);
  uv_close((uv_handle_t *)&c->timer, later_closed);
}

/* fuzz.later(ms): answered from a timer, maybe after the client has gone. */
static void later(lb_call *call, const lb_value *args, void *ud) {
  (void)ud;
  later_ctx *c = calloc(1, sizeof(*c));
  FUZZ_CHECK(c != NULL, "out of memory");
  c->call = call;
  uv_timer_init(daemon_of->loop, &c->timer);
  c->timer.data = c;
  uv_timer_start(&c->timer, later_fire, args[0].as.u, 0);
  n_deferred++;
}

/* fuzz.fail(code, message?): every error code, and one past them, with the
 * client's text as the message, as a careless plugin would (empty too). */
static void fail(lb_call *call, const lb_value *args, void *ud) {
  (void)ud;
  const char *msg = args[1].kind == LB_STR ? args[1].as.str.ptr : "failed";
  lbd_call_fail(call, (lb_rpc_code)args[0].as.u, "%s", msg);
}

/* fuzz.bad_result(): answers a string where it declares a map. */
static void bad_result(lb_call *call, const lb_value *args, void *ud) {
  (void)args, (void)ud;
  lb_value v = lb_v_str("not a map");
  lbd_call_reply(call, &v);
}

/* fuzz.big(bytes): an answer of that many bytes, up to twice the 1 MiB limit. */
static void big(lb_call *call, const lb_value *args, void *ud) {
  (void)ud;
  size_t n = (size_t)args[0].as.u;
  char *s = lbd_arena_alloc(lbd_call_arena(call), n + 1);
  memset(s, 'x', n);
  lb_value v = lb_v_strn(s, n);
  lbd_call_reply(call, &v);
}

/* fuzz.emit(count, {payload}): events to every subscriber, from inside a call. */
static void emit(lb_call *call, const lb_value *args, void *ud) {
  (void)ud;
  const lb_value *payload = lb_map_get(&args[1], "payload");
  for (uint64_t i = 0; i < args[0].as.u; i++) {
    char err[256];
    lb_value fields = LB_MAP({"n", lb_v_uint(i)}, {"payload", payload ? *payload : lb_v_str("")});
    int r = lbd_events_emit(daemon_of->events, NULL, "fuzz", "tick", &fields, err, sizeof(err));
    FUZZ_CHECK(r == 0, "emitting fuzz.tick: %s", err);
  }
  lbd_call_reply(call, NULL);
}

#define OPT(n, t)                                                                                  \
  { .name = n, .type = t, .optional = true }

static const lb_param start_params[] = {{.name = "seconds",
                                         .type = LB_T_DURATION,
                                         .optional = true,
                                         .def = LB_DEF_UINT(90),
                                         .min = 1,
                                         .max = 86400},
                                        {0}};
static const lb_param start_options[] = {
    {.name = "label", .type = LB_T_STRING},
    {.name = "sets", .type = LB_T_UINT, .min = 1, .max = 20},
    {.name = "set", .type = LB_T_UINT, .min = 1, .max = 20},
    {.name = "warn", .type = LB_T_DURATION, .def = LB_DEF_UINT(10), .min = 0, .max = 3600},
    {.name = "until", .type = LB_T_DURATION, .min = 1, .max = 86400},
    {0}};
static const lb_field start_fields[] = {{"id", LB_T_U64, NULL},
                                        {"label", LB_T_STRING, NULL},
                                        {"seconds", LB_T_DURATION, NULL},
                                        {"ends_at_ms", LB_T_INT, NULL},
                                        {"set", LB_T_UINT, NULL},
                                        {"sets", LB_T_UINT, NULL},
                                        {0}};

static const lb_param log_params[] = {{.name = "level", .type = LB_T_UINT, .min = 0, .max = 10},
                                      {0}};
static const lb_param log_options[] = {
    {.name = "location", .type = LB_T_STRING}, {.name = "trigger", .type = LB_T_STRING},
    {.name = "note", .type = LB_T_STRING},     {.name = "symptoms", .type = LB_T_STRINGS},
    {.name = "at", .type = LB_T_TIME},         {0}};
static const lb_field log_fields[] = {
    {"id", LB_T_U64, NULL}, {"at", LB_T_TIME, NULL}, {"level", LB_T_UINT, NULL}, {0}};

static const lb_param put_params[] = {{.name = "data", .type = LB_T_MAP}, {0}};
static const lb_param put_options[] = {{.name = "x", .type = LB_T_BOOL}, {0}};

static const lb_param types_params[] = {
    OPT("b", LB_T_BOOL),
    {.name = "i", .type = LB_T_INT, .optional = true, .min = -5, .max = 5},
    OPT("u", LB_T_UINT),
    OPT("t", LB_T_U64),
    OPT("d", LB_T_DOUBLE),
    OPT("s", LB_T_STRING),
    OPT("dur", LB_T_DURATION),
    OPT("tm", LB_T_TIME),
    OPT("ss", LB_T_STRINGS),
    OPT("m", LB_T_MAP),
    OPT("ms", LB_T_MAPS),
    OPT("is", LB_T_INTS),
    OPT("a", LB_T_ANY),
    {0}};
static const lb_param types_options[] = {
    {.name = "flag", .type = LB_T_BOOL, .def = LB_DEF_BOOL(true)},
    {.name = "when", .type = LB_T_TIME, .min = 0, .max = INT64_C(4102444800)},
    {.name = "any", .type = LB_T_ANY},
    {0}};

static const lb_param preview_params[] = {{.name = "schedule", .type = LB_T_STRING},
                                          {.name = "count",
                                           .type = LB_T_UINT,
                                           .optional = true,
                                           .def = LB_DEF_UINT(5),
                                           .min = 1,
                                           .max = 100},
                                          OPT("base", LB_T_TIME),
                                          {0}};
static const lb_param later_params[] = {{.name = "ms", .type = LB_T_UINT, .min = 0, .max = 5}, {0}};
static const lb_param fail_params[] = {
    {.name = "code", .type = LB_T_UINT, .min = 0, .max = 7}, OPT("message", LB_T_STRING), {0}};
static const lb_param big_params[] = {
    {.name = "bytes", .type = LB_T_UINT, .min = 0, .max = 2 * 1024 * 1024}, {0}};
static const lb_param emit_params[] = {{.name = "count", .type = LB_T_UINT, .min = 0, .max = 3},
                                       {0}};
static const lb_param emit_options[] = {{.name = "payload", .type = LB_T_STRING}, {0}};

static const lb_method methods[] = {
    {.name = "start",
     .params = start_params,
     .options = start_options,
     .result = LB_T_MAP,
     .result_fields = start_fields,
     .handler = start},
    {.name = "log",
     .params = log_params,
     .options = log_options,
     .result = LB_T_MAP,
     .result_fields = log_fields,
     .handler = log_entry},
    {.name = "put",
     .params = put_params,
     .options = put_options,
     .result = LB_T_NONE,
     .handler = put},
    {.name = "types",
     .params = types_params,
     .options = types_options,
     .result = LB_T_ANY,
     .handler = types},
    {.name = "preview", .params = preview_params, .result = LB_T_INTS, .handler = preview},
    {.name = "later", .params = later_params, .result = LB_T_STRING, .handler = later},
    {.name = "fail", .params = fail_params, .result = LB_T_NONE, .handler = fail},
    {.name = "bad_result", .result = LB_T_MAP, .handler = bad_result},
    {.name = "big", .params = big_params, .result = LB_T_STRING, .handler = big},
    {.name = "emit",
     .params = emit_params,
     .options = emit_options,
     .result = LB_T_NONE,
     .handler = emit},
};

static const lb_field tick_fields[] = {{"n", LB_T_U64, NULL}, {"payload", LB_T_STRING, NULL}, {0}};
static const lb_event tick = {.name = "tick", .fields = tick_fields};

void fuzz_methods_register(const lbd_core *d) {
  char err[512];
  daemon_of = d;
  for (size_t i = 0; i < LBU_ARRAY_SIZE(methods); i++) {
    int r = lbd_registry_add_method(d->registry, "fuzz", NULL, &methods[i], err, sizeof(err));
    FUZZ_CHECK(r == 0, "declaring fuzz.%s: %s", methods[i].name, err);
  }
  int r = lbd_registry_add_event(d->registry, "fuzz", NULL, &tick, err, sizeof(err));
  FUZZ_CHECK(r == 0, "declaring fuzz.tick: %s", err);
}

size_t fuzz_methods_count(void) {
  return LBU_ARRAY_SIZE(methods);
}

const lb_method *fuzz_method_at(size_t i) {
  return &methods[i];
}

size_t fuzz_methods_deferred(void) {
  return n_deferred;
}
