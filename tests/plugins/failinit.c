/* A plugin whose init fails after declaring a method: the method must not
 * stay behind. */
#include <errno.h>
#include <lumbard/plugin.h>

static void never(lb_call *call, const lb_value *args, void *ud) {
  (void)call, (void)args, (void)ud;
}
static const lb_method m = {.name = "never", .result = LB_T_NONE, .handler = never};

static int init(lb_plugin *p, const lb_host *h) {
  h->declare_method(p, &m);
  h->log(p, LB_LOG_ERR, "cannot start: the test says so");
  return -EIO;
}

LB_PLUGIN_DEFINE(.name = "failinit", .version = "1.0", .init = init);
