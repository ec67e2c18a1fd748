/* A second plugin named "test", loaded from a later directory: skipped. */
#include <lumbard/plugin.h>

static int init(lb_plugin *p, const lb_host *h) {
  (void)p, (void)h;
  return 0;
}

LB_PLUGIN_DEFINE(.name = "test", .version = "2.0", .init = init);
