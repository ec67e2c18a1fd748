/* A plugin that takes the daemon down while it loads, for the crash guard's
 * tests. What its init does is read from [crashy] mode in the config:
 * "segv" raises SIGSEGV (as a stray pointer would, but past the sanitizers'
 * checks of the pointer itself), "sleep" logs that it sleeps and
 * sleeps sleep_ms (to be killed meanwhile), "fail" returns an error, and
 * anything else loads fine with one method, crashy.alive. */
#include <errno.h>
#include <lumbard/plugin.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const lb_host *host;

static void alive(lb_call *call, const lb_value *args, void *ud) {
  (void)args, (void)ud;
  lb_value v = lb_v_bool(true);
  host->reply(call, &v);
}

static const lb_method methods[] = {
    {.name = "alive", .result = LB_T_BOOL, .handler = alive},
};

static int init(lb_plugin *p, const lb_host *h) {
  host = h;
  const char *mode = h->config_get(p, NULL, "mode");
  mode = mode ? mode : "ok";
  h->log(p, LB_LOG_NOTICE, "init in mode %s", mode);
  if (strcmp(mode, "segv") == 0) {
    raise(SIGSEGV);
  } else if (strcmp(mode, "sleep") == 0) {
    const char *ms = h->config_get(p, NULL, "sleep_ms");
    long n = ms ? atol(ms) : 3000;
    struct timespec ts = {n / 1000, (n % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
      ;
  } else if (strcmp(mode, "fail") == 0) {
    h->log(p, LB_LOG_ERR, "cannot start: mode is fail");
    return -EIO;
  }
  return lb_declare_all(h, p, methods, LB_COUNT(methods), NULL, 0);
}

LB_PLUGIN_DEFINE(.name = "crashy", .version = "1.0", .init = init);
