/* clitest: a plugin for lumbarctl's tests only, loaded with --plugin-dir. It
 * declares what `lumbarctl plugins` must describe (optional parameters with
 * defaults and ranges, options, docs, result fields, an event) and emits an
 * event on demand, so `watch` can be tested before the real plugins exist. */
#include <lumbard/plugin.h>

static const lb_host *host;
static lb_plugin *self;
static uint64_t next_id = 1;

static void poke(lb_call *call, const lb_value *args, void *ud) {
  (void)ud;
  uint64_t id = next_id++;
  lb_value fields = LB_MAP({"id", lb_v_uint(id)}, {"label", args[0]}, {"count", args[1]});
  host->emit(self, "poked", &fields);
  lb_value result = LB_MAP({"id", lb_v_uint(id)}, {"label", args[0]});
  host->reply(call, &result);
}

static void echo(lb_call *call, const lb_value *args, void *ud) {
  (void)ud;
  host->reply(call, &args[0]);
}

/* A result with every shape the human printer has to lay out. */
static void sample(lb_call *call, const lb_value *args, void *ud) {
  (void)args, (void)ud;
  lb_value list[] = {lb_v_int(1), lb_v_str("two")};
  lb_value maps[] = {LB_MAP({"id", lb_v_uint(1)}, {"label", lb_v_str("left glute")}),
                     LB_MAP({"id", lb_v_uint(2)}, {"label", lb_v_str("right glute")})};
  lb_value result =
      LB_MAP({"name", lb_v_str("sample")},
             {"nested", LB_MAP({"level", lb_v_int(-3)}, {"list", lb_v_array(list, 2)})},
             {"empty", lb_v_array(NULL, 0)}, {"items", lb_v_array(maps, 2)},
             {"note", lb_v_str("two\nlines")}, {"ratio", lb_v_double(2.5)}, {"ok", lb_v_bool(true)},
             {"nothing", lb_v_nil()});
  host->reply(call, &result);
}

static const lb_param poke_params[] = {
    {.name = "label", .type = LB_T_STRING, .doc = "what to poke"},
    {.name = "count",
     .type = LB_T_UINT,
     .optional = true,
     .def = {.kind = LB_UINT, .as.u = 1},
     .min = 1,
     .max = 100,
     .doc = "how many times"},
    {0}};
static const lb_param poke_options[] = {
    {.name = "note", .type = LB_T_STRING, .doc = "a free note"},
    {.name = "wait", .type = LB_T_DURATION, .def = {.kind = LB_UINT, .as.u = 90}},
    {0}};
static const lb_field poke_result[] = {
    {.name = "id", .type = LB_T_U64}, {.name = "label", .type = LB_T_STRING}, {0}};
static const lb_param echo_params[] = {{.name = "value", .type = LB_T_ANY}, {0}};

static const lb_method methods[] = {
    {.name = "poke",
     .doc = "Emit clitest.poked.",
     .params = poke_params,
     .options = poke_options,
     .result = LB_T_MAP,
     .result_fields = poke_result,
     .handler = poke},
    {.name = "echo", .params = echo_params, .result = LB_T_ANY, .handler = echo},
    {.name = "sample", .doc = "A result of every shape.", .result = LB_T_MAP, .handler = sample},
};

static const lb_field poked_fields[] = {{.name = "id", .type = LB_T_U64, .doc = "the poke"},
                                        {.name = "label", .type = LB_T_STRING},
                                        {.name = "count", .type = LB_T_UINT},
                                        {0}};
static const lb_event poked = {.name = "poked", .doc = "Someone poked.", .fields = poked_fields};

static int init(lb_plugin *p, const lb_host *h) {
  host = h;
  self = p;
  for (size_t i = 0; i < sizeof(methods) / sizeof(methods[0]); i++)
    if (host->declare_method(p, &methods[i]) < 0)
      return -1;
  return host->declare_event(p, &poked);
}

static void shutdown(lb_plugin *p) {
  (void)p;
}

LB_PLUGIN_DEFINE(.name = "clitest", .version = "9.8.7", .description = "lumbarctl's test fixture",
                 .init = init, .shutdown = shutdown);
