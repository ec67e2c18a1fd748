/* A plugin that needs a symbol nothing provides: dlopen(RTLD_NOW) fails. */
#include <lumbard/plugin.h>

extern int lumbard_test_symbol_that_does_not_exist(void);

static int init(lb_plugin *p, const lb_host *h) {
  (void)p, (void)h;
  return lumbard_test_symbol_that_does_not_exist();
}

LB_PLUGIN_DEFINE(.name = "nosym", .version = "1.0", .init = init);
