/* lumbar-notify: lumbard's events as desktop notifications, and their
 * buttons as commands to the daemon. See README.md in this folder. */
#include <getopt.h>
#include <limits.h>
#include <lumbard/rpc.h>
#include <lumbard/version.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "log.h"
#include "notify.h"
#include "util.h"

static const char usage[] =
    "Usage: lumbar-notify [OPTION]...\n"
    "Show lumbard's reminders, rests, check-ins and red flags as desktop notifications;\n"
    "their buttons (Done, Snooze, Next set, Same again, a pain score) go back to the\n"
    "daemon.\n"
    "\n"
    "  -s, --socket PATH   the daemon's socket (default: $LUMBARD_SOCKET, else\n"
    "                      $XDG_RUNTIME_DIR/lumbard.sock)\n"
    "  -c, --config FILE   the config whose [notify] section is read (default:\n"
    "                      $XDG_CONFIG_HOME/lumbard/lumbard.conf)\n"
    "  -v, --verbose       log debug lines too\n"
    "  -V, --version       print the version and exit\n"
    "  -h, --help          show this help and exit\n"
    "\n"
    "It needs the D-Bus session bus of your desktop; it waits for the daemon and for a\n"
    "notification server when they are not there yet. SIGHUP reads the config again.\n"
    "lumbard is not a medical device.\n";

typedef struct app {
  uv_loop_t *loop;
  char config_path[PATH_MAX];
  ln_show *show;
  uv_signal_t sig_term, sig_int, sig_hup;
} app;

static void on_stop(uv_signal_t *h, int signum) {
  app *a = h->data;
  lbu_info("%s: exiting", signum == SIGTERM ? "SIGTERM" : "SIGINT");
  uv_stop(a->loop);
}

static void on_hup(uv_signal_t *h, int signum) {
  (void)signum;
  app *a = h->data;
  ln_config c;
  ln_config_load(a->config_path, &c);
  ln_show_set_config(a->show, &c);
  lbu_notice("read %s again", a->config_path);
}

static void default_config_path(char *buf, size_t len) {
  char *p = lbu_xdg_path("XDG_CONFIG_HOME", ".config", "lumbard/lumbard.conf");
  snprintf(buf, len, "%s", p);
  free(p);
}

static void close_walk(uv_handle_t *h, void *arg) {
  (void)arg;
  if (!uv_is_closing(h))
    uv_close(h, NULL);
}

int main(int argc, char **argv) {
  static const struct option opts[] = {
      {"socket", required_argument, NULL, 's'}, {"config", required_argument, NULL, 'c'},
      {"verbose", no_argument, NULL, 'v'},      {"version", no_argument, NULL, 'V'},
      {"help", no_argument, NULL, 'h'},         {0}};
  app a = {0};
  char socket_path[PATH_MAX] = "";
  int c;
  while ((c = getopt_long(argc, argv, "s:c:vVh", opts, NULL)) != -1) {
    switch (c) {
    case 's':
      snprintf(socket_path, sizeof(socket_path), "%s", optarg);
      break;
    case 'c':
      snprintf(a.config_path, sizeof(a.config_path), "%s", optarg);
      break;
    case 'v':
      lbu_log_set_max_level(LBU_DEBUG);
      break;
    case 'V':
      printf("lumbar-notify %s\n", LUMBARD_VERSION);
      return 0;
    case 'h':
      fputs(usage, stdout);
      return 0;
    default:
      fputs("Try 'lumbar-notify --help'.\n", stderr);
      return 2;
    }
  }
  if (optind < argc) {
    fprintf(stderr, "lumbar-notify: unexpected argument '%s'\nTry 'lumbar-notify --help'.\n",
            argv[optind]);
    return 2;
  }
  if (!socket_path[0] && lb_socket_path_default(socket_path, sizeof(socket_path)) < 0) {
    lbu_err("the socket path is too long; give one with --socket");
    return 1;
  }
  if (!a.config_path[0])
    default_config_path(a.config_path, sizeof(a.config_path));
  ln_config config;
  ln_config_load(a.config_path, &config);

  a.loop = uv_default_loop();
  a.show = ln_show_new(a.loop, &config);
  ln_desk *desk;
  if (ln_desk_new(a.loop, &ln_show_desk_cbs, a.show, &desk) < 0) {
    ln_show_free(a.show);
    uv_run(a.loop, UV_RUN_NOWAIT);
    return 1;
  }
  /* train.logged: subscribing to a plugin's events needs no plugin loaded */
  static const char *const patterns[] = {"rest.*",           "reminders.*",   "pain.logged",
                                         "pain.checkin_due", "pain.red_flag", "train.logged"};
  ln_link *link = ln_link_new(a.loop, socket_path, patterns, sizeof(patterns) / sizeof(*patterns),
                              &ln_show_link_cbs, a.show);
  ln_show_attach(a.show, link, desk);

  uv_signal_t *sigs[] = {&a.sig_term, &a.sig_int, &a.sig_hup};
  int nums[] = {SIGTERM, SIGINT, SIGHUP};
  for (int i = 0; i < 3; i++) {
    uv_signal_init(a.loop, sigs[i]);
    sigs[i]->data = &a;
    uv_signal_start(sigs[i], nums[i] == SIGHUP ? on_hup : on_stop, nums[i]);
  }
  lbu_info("lumbar-notify %s: lumbard on %s, config %s", LUMBARD_VERSION, socket_path,
           a.config_path);

  uv_run(a.loop, UV_RUN_DEFAULT);

  bool lost = ln_show_bus_lost(a.show);
  ln_show_shutdown(a.show);
  ln_desk_flush(desk);
  ln_link_free(link);
  ln_desk_free(desk);
  ln_show_free(a.show);
  for (int i = 0; i < 3; i++)
    uv_close((uv_handle_t *)sigs[i], NULL);
  uv_run(a.loop, UV_RUN_DEFAULT);
  uv_walk(a.loop, close_walk, NULL);
  uv_run(a.loop, UV_RUN_DEFAULT);
  uv_loop_close(a.loop);
  return lost ? 1 : 0;
}
