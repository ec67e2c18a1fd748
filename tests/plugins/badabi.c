/* A plugin built for another ABI: the daemon must refuse it before it calls
 * anything, so init() here would be a bug if reached. */
#include <lumbard/plugin.h>
#include <stdlib.h>

static int init(lb_plugin *p, const lb_host *h) {
  (void)p, (void)h;
  abort();
}

LB_PLUGIN_EXPORT const lb_plugin_desc lumbard_plugin = {
    .abi = LB_PLUGIN_ABI + 41, .size = sizeof(lb_plugin_desc), .name = "badabi", .init = init};
