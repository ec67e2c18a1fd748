/* A plugin whose declarations are wrong in every way the host checks. Each
 * bad one must be refused with -EINVAL (or -EEXIST, -EPERM) and a log line;
 * with [baddecl] strict = yes init returns the first error, as
 * lb_declare_all does, and the plugin is skipped; otherwise it ignores the
 * refusals and loads with its one good method, baddecl.good. */
#include <errno.h>
#include <lumbard/plugin.h>
#include <string.h>

static const lb_host *host;
static lb_plugin *self;

static void good(lb_call *call, const lb_value *args, void *ud) {
  (void)args, (void)ud;
  lb_value v = lb_v_str("good");
  host->reply(call, &v);
}

/* Declaring after init is refused too. */
static void late(lb_call *call, const lb_value *args, void *ud) {
  (void)args, (void)ud;
  static const lb_method m = {.name = "later", .result = LB_T_NONE, .handler = late};
  lb_value v = lb_v_int(host->declare_method(self, &m));
  host->reply(call, &v);
}

static const lb_param twice[] = {
    {.name = "a", .type = LB_T_INT}, {.name = "a", .type = LB_T_INT}, {0}};
static const lb_param bad_default[] = {
    {.name = "n", .type = LB_T_UINT, .optional = true, .def = LB_DEF_STR("ten")}, {0}};
static const lb_param required_after_optional[] = {
    {.name = "a", .type = LB_T_INT, .optional = true}, {.name = "b", .type = LB_T_INT}, {0}};
static const lb_param bad_type[] = {{.name = "a", .type = (lb_type)99}, {0}};
static const lb_field bad_field[] = {{.name = "Level", .type = LB_T_UINT}, {0}};
static const lb_field dup_field[] = {
    {.name = "x", .type = LB_T_UINT}, {.name = "x", .type = LB_T_UINT}, {0}};

static const lb_method bad_methods[] = {
    {.name = "Bad-Name", .result = LB_T_NONE, .handler = good},
    {.name = "no_handler", .result = LB_T_NONE},
    {.name = "twice", .params = twice, .result = LB_T_NONE, .handler = good},
    {.name = "bad_default", .params = bad_default, .result = LB_T_NONE, .handler = good},
    {.name = "order", .params = required_after_optional, .result = LB_T_NONE, .handler = good},
    {.name = "bad_type", .params = bad_type, .result = LB_T_NONE, .handler = good},
    {.name = "bad_result", .result = (lb_type)99, .handler = good},
    {.name = "good", .result = LB_T_STRING, .handler = good}, /* a second "good" */
};
static const lb_event bad_events[] = {
    {.name = "bad field", .fields = NULL},
    {.name = "fields", .fields = bad_field},
    {.name = "dup", .fields = dup_field},
};
static const lb_method good_methods[] = {
    {.name = "good", .result = LB_T_STRING, .handler = good},
    {.name = "late", .result = LB_T_INT, .handler = late},
};

static int init(lb_plugin *p, const lb_host *h) {
  host = h;
  self = p;
  const char *strict = h->config_get(p, NULL, "strict");
  int r = lb_declare_all(h, p, good_methods, LB_COUNT(good_methods), NULL, 0);
  if (r < 0)
    return r;
  int first = 0, refused = 0;
  for (size_t i = 0; i < LB_COUNT(bad_methods); i++) {
    r = h->declare_method(p, &bad_methods[i]);
    refused += r < 0;
    first = first ? first : r;
  }
  for (size_t i = 0; i < LB_COUNT(bad_events); i++) {
    r = h->declare_event(p, &bad_events[i]);
    refused += r < 0;
    first = first ? first : r;
  }
  r = h->declare_method(p, NULL);
  refused += r < 0;
  h->log(p, LB_LOG_NOTICE, "%d of %zu bad declarations refused", refused,
         LB_COUNT(bad_methods) + LB_COUNT(bad_events) + 1);
  return strict && strcmp(strict, "yes") == 0 ? first : 0;
}

LB_PLUGIN_DEFINE(.name = "baddecl", .version = "1.0", .init = init);
