/* A plugin built against the host API 2 SDK (tests/plugins/api2/, frozen):
 * today's daemon must still load it and serve what it declares, with the
 * API-2 members of the host table where they were. */
#include <errno.h>
#include <lumbard/plugin.h>

#if LB_HOST_API != 2
#error "api2.c must be built against the frozen host API 2 header"
#endif

static const lb_host *host;
static lb_plugin *self;
static char greeting[64] = "hello";

static void hello(lb_call *call, const lb_value *args, void *ud) {
  (void)ud;
  uint64_t seconds = 0;
  char err[128];
  int r = host->parse_duration(args[0].as.str.ptr, &seconds, err, sizeof(err));
  lb_value v = LB_MAP({"greeting", lb_v_str(greeting)}, {"api", lb_v_uint(host->api)},
                      {"seconds", lb_v_int(r < 0 ? -1 : (int64_t)seconds)});
  host->reply(call, &v);
  lb_value ev = LB_MAP({"greeting", lb_v_str(greeting)});
  host->emit(self, "greeted", &ev);
}

static void get_greeting(lb_plugin *p, lb_value *ret, void *ud) {
  (void)p, (void)ud;
  *ret = lb_v_str(greeting);
}

static const lb_param hello_params[] = {{.name = "duration", .type = LB_T_STRING}, {0}};
static const lb_method methods[] = {
    {.name = "hello", .params = hello_params, .result = LB_T_MAP, .handler = hello}};
static const lb_field greeted_fields[] = {{.name = "greeting", .type = LB_T_STRING}, {0}};
static const lb_event events[] = {{.name = "greeted", .fields = greeted_fields}};
static const lb_property props[] = {{.name = "greeting", .type = LB_T_STRING, .get = get_greeting}};

static int init(lb_plugin *p, const lb_host *h) {
  host = h;
  self = p;
  if (!LB_HOST_HAS(h, parse_duration))
    return -ENOTSUP;
  if (lb_declare_all(h, p, methods, LB_COUNT(methods), events, LB_COUNT(events)) < 0 ||
      h->declare_property(p, &props[0]) < 0)
    return -EINVAL;
  h->log(p, LB_LOG_INFO, "built for host API 2, running on %u", h->api);
  return 0;
}

LB_PLUGIN_DEFINE(.name = "old", .version = "2.0", .description = "built against host API 2",
                 .init = init);
