/* Binding arguments to declarations: defaults, options, types, ranges, and
 * the words a client hears when it gets them wrong. */
#include <errno.h>

#include "args.h"
#include "check.h"
#include "registry.h"

static void nop(lb_call *c, const lb_value *a, void *u) {
  (void)c, (void)a, (void)u;
}

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
    {.name = "warn", .type = LB_T_DURATION, .def = LB_DEF_UINT(10)},
    {0}};
static const lb_method start = {.name = "start",
                                .params = start_params,
                                .options = start_options,
                                .result = LB_T_MAP,
                                .handler = nop};

static const lb_param log_params[] = {{.name = "level", .type = LB_T_UINT, .min = 0, .max = 10},
                                      {.name = "tags", .type = LB_T_STRINGS, .optional = true},
                                      {0}};
static const lb_method plog = {
    .name = "log", .params = log_params, .result = LB_T_MAP, .handler = nop};

static const lb_param map_params[] = {{.name = "data", .type = LB_T_MAP}, {0}};
static const lb_param map_options[] = {{.name = "x", .type = LB_T_BOOL}, {0}};
static const lb_method takes_map = {.name = "put",
                                    .params = map_params,
                                    .options = map_options,
                                    .result = LB_T_NONE,
                                    .handler = nop};

static lbd_registry *reg;
static lbd_arena arena;

static const lbd_method_entry *entry(const char *name) {
  return lbd_registry_method(reg, name, strlen(name));
}

static int bind(const char *method, const lb_value *given, uint32_t n, lb_value **args, char *err) {
  return lbd_args_bind(&arena, entry(method), given, n, args, err, 512);
}

TEST(setup) {
  char err[256];
  reg = lbd_registry_new();
  lbd_arena_init(&arena);
  CHECK_INT(lbd_registry_add_method(reg, "rest", NULL, &start, err, sizeof(err)), 0);
  CHECK_INT(lbd_registry_add_method(reg, "pain", NULL, &plog, err, sizeof(err)), 0);
  CHECK_INT(lbd_registry_add_method(reg, "x", NULL, &takes_map, err, sizeof(err)), 0);
  CHECK_INT(lbd_registry_add_method(reg, "rest", NULL, &start, err, sizeof(err)), -EEXIST);
  CHECK(entry("rest.start") != NULL, "rest.start is registered");
  CHECK(entry("rest.star") == NULL && entry("rest.starts") == NULL, "no prefix matches");
}

TEST(defaults_fill_in) {
  lb_value *args;
  char err[512] = "";
  CHECK_INT(bind("rest.start", NULL, 0, &args, err), 0);
  CHECK_INT(args[0].kind, LB_UINT);
  CHECK_INT(args[0].as.u, 90);
  CHECK_INT(args[1].kind, LB_MAP);
  const lb_value *warn = lb_map_get(&args[1], "warn");
  CHECK(warn && warn->as.u == 10, "the warn option defaults to 10");
  CHECK(lb_map_get(&args[1], "label") == NULL, "label not given, no default");
}

TEST(durations_and_options) {
  lb_value *args;
  char err[512] = "";
  lb_value given[] = {lb_v_str("2min"), LB_MAP({"label", lb_v_str("abduction")},
                                               {"sets", lb_v_int(3)}, {"warn", lb_v_str("5s")})};
  CHECK_INT(bind("rest.start", given, 2, &args, err), 0);
  CHECK_INT(args[0].as.u, 120);
  CHECK_STR(lb_map_get(&args[1], "label")->as.str.ptr, "abduction");
  CHECK_INT(lb_map_get(&args[1], "sets")->as.u, 3);
  CHECK_INT(lb_map_get(&args[1], "warn")->as.u, 5);

  /* Options alone, the duration taking its default. */
  lb_value only_opts[] = {LB_MAP({"label", lb_v_str("warmup")})};
  CHECK_INT(bind("rest.start", only_opts, 1, &args, err), 0);
  CHECK_INT(args[0].as.u, 90);
  CHECK_STR(lb_map_get(&args[1], "label")->as.str.ptr, "warmup");

  /* nil stands for an omitted optional parameter. */
  lb_value nil_first[] = {lb_v_nil()};
  CHECK_INT(bind("rest.start", nil_first, 1, &args, err), 0);
  CHECK_INT(args[0].as.u, 90);
}

TEST(errors_name_the_parameter) {
  static const struct {
    const char *method;
    int n;
    const char *want;
  } cases[] = {
      {"rest.start", 0, "parameter 'seconds' must be between 1s and 1d, got 0s"},
      {"rest.start", 1, "parameter 'seconds': duration \"soon\": expected a number"},
      {"rest.start", 2, "parameter 'seconds' must not be negative, got -5"},
      {"rest.start", 3, "unknown option 'lable': rest.start takes (seconds?, {label, sets, warn})"},
      {"rest.start", 4, "option 'sets' must be a non-negative integer, got the string \"three\""},
      {"rest.start", 5,
       "too many parameters: rest.start takes (seconds?, {label, sets, warn}), got 3"},
      {"pain.log", 6, "missing parameter 'level': pain.log takes (level, tags?)"},
      {"pain.log", 7, "parameter 'level' must be between 0 and 10, got 11"},
      {"pain.log", 8, "parameter 'tags' must be an array of strings; item 2 is the integer 4"},
      {"pain.log", 9, "parameter 'level' must be a non-negative integer, got the float 6.5"},
      {"rest.start", 10, "parameter 'seconds' must be between 1s and 1d, got 1d 1s"},
  };
  lb_value bad[][3] = {
      {lb_v_int(0)},
      {lb_v_str("soon")},
      {lb_v_int(-5)},
      {lb_v_int(60), LB_MAP({"lable", lb_v_str("x")})},
      {lb_v_int(60), LB_MAP({"sets", lb_v_str("three")})},
      {lb_v_int(60), lb_v_int(1), LB_MAP({"label", lb_v_str("x")})},
      {lb_v_nil()},
      {lb_v_int(11)},
      {lb_v_int(3), lb_v_array((lb_value[]){lb_v_str("a"), lb_v_int(4)}, 2)},
      {lb_v_double(6.5)},
      {lb_v_str("24h 1s")},
  };
  int counts[] = {1, 1, 1, 2, 2, 3, 0, 1, 2, 1, 1};
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    lb_value *args;
    char err[512] = "";
    int r = bind(cases[i].method, bad[cases[i].n], (uint32_t)counts[i], &args, err);
    CHECK(r == -EINVAL, "case %zu: expected -EINVAL, got %d", i, r);
    CHECK_CONTAINS(err, cases[i].want);
  }
}

/* A trailing map fills a positional map parameter before it counts as the
 * options map. */
TEST(trailing_map_positional_first) {
  lb_value *args;
  char err[512] = "";
  lb_value one[] = {LB_MAP({"k", lb_v_int(1)})};
  CHECK_INT(bind("x.put", one, 1, &args, err), 0);
  CHECK(lb_map_get(&args[0], "k") != NULL, "the map went to 'data'");
  CHECK_INT(args[1].as.map.len, 0);
  lb_value two[] = {LB_MAP({"k", lb_v_int(1)}), LB_MAP({"x", lb_v_bool(true)})};
  CHECK_INT(bind("x.put", two, 2, &args, err), 0);
  CHECK(lb_map_get(&args[1], "x") && lb_map_get(&args[1], "x")->as.b, "x went to the options");
}

TEST(bad_declarations_refused) {
  char err[256] = "";
  static const lb_param req_after_opt[] = {
      {.name = "a", .type = LB_T_INT, .optional = true}, {.name = "b", .type = LB_T_INT}, {0}};
  static const lb_method m1 = {
      .name = "m1", .params = req_after_opt, .result = LB_T_NONE, .handler = nop};
  CHECK_INT(lbd_registry_add_method(reg, "bad", NULL, &m1, err, sizeof(err)), -EINVAL);
  CHECK_CONTAINS(err, "required parameter \"b\" follows an optional one");
  static const lb_method m2 = {.name = "Bad-Name", .result = LB_T_NONE, .handler = nop};
  CHECK_INT(lbd_registry_add_method(reg, "bad", NULL, &m2, err, sizeof(err)), -EINVAL);
  CHECK_CONTAINS(err, "must match [a-z][a-z0-9_]*");
  static const lb_param bad_default[] = {
      {.name = "a", .type = LB_T_STRING, .optional = true, .def = LB_DEF_INT(3)}, {0}};
  static const lb_method m3 = {
      .name = "m3", .params = bad_default, .result = LB_T_NONE, .handler = nop};
  CHECK_INT(lbd_registry_add_method(reg, "bad", NULL, &m3, err, sizeof(err)), -EINVAL);
  CHECK_CONTAINS(err, "the default of parameter \"a\": expected string");
  static const lb_method m4 = {.name = "m4", .result = LB_T_NONE};
  CHECK_INT(lbd_registry_add_method(reg, "bad", NULL, &m4, err, sizeof(err)), -EINVAL);
  CHECK_CONTAINS(err, "has no handler");
}

TEST(nested_fields) {
  char err[256] = "";
  static const lb_field good[] = {{.name = "count", .type = LB_T_U64},
                                  {.name = "steps", .type = LB_T_MAPS},
                                  {.name = "steps.seconds", .type = LB_T_UINT},
                                  {.name = "steps.count", .type = LB_T_U64},
                                  {.name = "steps.inner", .type = LB_T_MAP},
                                  {.name = "steps.inner.text", .type = LB_T_STRING},
                                  {0}};
  static const lb_method ok = {
      .name = "ok", .result = LB_T_MAPS, .result_fields = good, .handler = nop};
  CHECK_INT(lbd_registry_add_method(reg, "nest", NULL, &ok, err, sizeof(err)), 0);

  static const lb_field orphan[] = {{.name = "steps.seconds", .type = LB_T_UINT}, {0}};
  static const lb_method m1 = {
      .name = "m1", .result = LB_T_MAP, .result_fields = orphan, .handler = nop};
  CHECK_INT(lbd_registry_add_method(reg, "nest", NULL, &m1, err, sizeof(err)), -EINVAL);
  CHECK_CONTAINS(err, "field \"steps.seconds\" must follow the field of type map or maps");

  static const lb_field not_map[] = {
      {.name = "steps", .type = LB_T_UINT}, {.name = "steps.seconds", .type = LB_T_UINT}, {0}};
  static const lb_method m2 = {
      .name = "m2", .result = LB_T_MAP, .result_fields = not_map, .handler = nop};
  CHECK_INT(lbd_registry_add_method(reg, "nest", NULL, &m2, err, sizeof(err)), -EINVAL);
  CHECK_CONTAINS(err, "must follow the field of type map or maps that holds it");

  /* one name, one type: count is u64 at the top, so it is u64 inside too */
  static const lb_field two_types[] = {{.name = "count", .type = LB_T_U64},
                                       {.name = "week", .type = LB_T_MAP},
                                       {.name = "week.count", .type = LB_T_INT},
                                       {0}};
  static const lb_method m3 = {
      .name = "m3", .result = LB_T_MAP, .result_fields = two_types, .handler = nop};
  CHECK_INT(lbd_registry_add_method(reg, "nest", NULL, &m3, err, sizeof(err)), -EINVAL);
  CHECK_CONTAINS(err, "field \"week.count\" has another type than the field \"count\"");

  static const lb_field bad_key[] = {
      {.name = "week", .type = LB_T_MAP}, {.name = "week.Count", .type = LB_T_INT}, {0}};
  static const lb_method m4 = {
      .name = "m4", .result = LB_T_MAP, .result_fields = bad_key, .handler = nop};
  CHECK_INT(lbd_registry_add_method(reg, "nest", NULL, &m4, err, sizeof(err)), -EINVAL);
  CHECK_CONTAINS(err, "field name \"week.Count\" must match");

  /* an event's fields are a signal's arguments: no nesting there */
  static const lb_field ev_fields[] = {
      {.name = "steps", .type = LB_T_MAPS}, {.name = "steps.seconds", .type = LB_T_UINT}, {0}};
  static const lb_event ev = {.name = "nested", .fields = ev_fields};
  CHECK_INT(lbd_registry_add_event(reg, "nest", NULL, &ev, err, sizeof(err)), -EINVAL);
  CHECK_CONTAINS(err, "field name \"steps.seconds\" must match [a-z][a-z0-9_]*");
}

TEST(teardown) {
  lbd_arena_free(&arena);
  lbd_registry_free(reg);
}

RUN_TESTS(T(setup), T(defaults_fill_in), T(durations_and_options), T(errors_name_the_parameter),
          T(trailing_map_positional_first), T(bad_declarations_refused), T(nested_fields),
          T(teardown))
