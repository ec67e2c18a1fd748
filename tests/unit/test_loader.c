/* The plugin loader against real shared objects: the SDK exerciser loads;
 * a wrong ABI, a missing symbol, a missing descriptor, a failing init and a
 * duplicate name are each skipped with a line that says what to do, and
 * nothing they registered stays behind. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "check.h"
#include "daemon.h"
#include "plugin_host.h"

static lbd_daemon *the_daemon;
static const lbd_core *d;
static uv_loop_t loop;
static char tmpdir[] = "/tmp/lumbard-loader-XXXXXX";
static char logpath[512];
static int saved_stderr;

static const char *dir_of(const char *var) {
  const char *v = getenv(var);
  if (!v) {
    fprintf(stderr, "%s is not set; run this through ctest\n", var);
    exit(2);
  }
  return v;
}

/* Log lines go to stderr; catch them in a file to check their words. */
static void capture_log(void) {
  fflush(stderr);
  saved_stderr = dup(2);
  int fd = open(logpath, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  dup2(fd, 2);
  close(fd);
}

static char *release_log(void) {
  fflush(stderr);
  dup2(saved_stderr, 2);
  close(saved_stderr);
  FILE *f = fopen(logpath, "r");
  static char buf[16384];
  size_t n = fread(buf, 1, sizeof(buf) - 1, f);
  buf[n] = '\0';
  fclose(f);
  return buf;
}

TEST(setup) {
  char err[512];
  CHECK(mkdtemp(tmpdir) != NULL, "mkdtemp");
  snprintf(logpath, sizeof(logpath), "%s/log", tmpdir);
  uv_loop_init(&loop);
  /* The daemon main() makes, serving nothing: the plugins are loaded here. */
  lbd_daemon_options o = {.config_text = "[test]\ngreeting = hello\n",
                          .data_dir = tmpdir,
                          .socket_path = "/nonexistent/lumbard.sock",
                          .no_socket = true,
                          .no_dbus = true};
  the_daemon = lbd_daemon_new(&loop, &o, NULL, err, sizeof(err));
  CHECK(the_daemon != NULL, "lbd_daemon_new: %s", err);
  d = lbd_daemon_core(the_daemon);
}

TEST(good_and_bad_plugins) {
  capture_log();
  lbd_plugins_load_dir(d->plugins, dir_of("LB_TEST_PLUGIN_DIR"), false);
  lbd_plugins_load_dir(d->plugins, dir_of("LB_TEST_DUP_PLUGIN_DIR"), false);
  char *log = release_log();
  fputs(log, stderr);

  CHECK_INT(lbd_plugins_count(d->plugins), 1);
  CHECK_STR(lbd_plugin_name(lbd_plugins_at(d->plugins, 0)), "test");
  CHECK_STR(lbd_plugin_version(lbd_plugins_at(d->plugins, 0)), "1.0");
  /* what each skip says */
  CHECK_CONTAINS(log, "badabi.so: it was built for plugin ABI 42, this lumbard");
  CHECK_CONTAINS(log, "rebuild it against this lumbard's SDK");
  CHECK_CONTAINS(log, "skipping plugin failinit");
  CHECK_CONTAINS(log, "its init failed");
  CHECK_CONTAINS(log, "nosym.so: cannot load it");
  CHECK_CONTAINS(log, "lumbard_test_symbol_that_does_not_exist");
  CHECK_CONTAINS(log, "notaplugin.so: it does not export \"lumbard_plugin\"");
  CHECK_CONTAINS(log, "a plugin named \"test\" is already loaded from");
  CHECK_CONTAINS(log, "<3>failinit: cannot start: the test says so");
  /* the failed plugin's method did not stay behind */
  CHECK(lbd_registry_method(d->registry, "failinit.never", 14) == NULL, "failinit.never is gone");
  CHECK(lbd_registry_method(d->registry, "test.echo", 9) != NULL, "test.echo is served");
  CHECK(lbd_registry_event(d->registry, "test.tick") != NULL, "test.tick is declared");
  CHECK_INT(lbd_store_schema_version(d->store, "test"), 1);
}

TEST(each_bad_file_returns_an_error) {
  static const struct {
    const char *file;
    int want;
  } cases[] = {{"badabi.so", -EINVAL},
               {"nosym.so", -EINVAL},
               {"notaplugin.so", -EINVAL},
               {"failinit.so", -EIO},
               {"testplug.so", -EEXIST}};
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    char path[1024];
    snprintf(path, sizeof(path), "%s/%s", dir_of("LB_TEST_PLUGIN_DIR"), cases[i].file);
    capture_log();
    int r = lbd_plugins_load(d->plugins, path);
    release_log();
    CHECK(r == cases[i].want, "%s: expected %d, got %d", cases[i].file, cases[i].want, r);
  }
  CHECK_INT(lbd_plugins_count(d->plugins), 1);
}

TEST(unload_removes_everything) {
  size_t methods_before = lbd_registry_n_methods(d->registry);
  CHECK(methods_before >= 9, "the test plugin declared its methods (%zu)", methods_before);
  lbd_plugins_unload_all(d->plugins);
  CHECK_INT(lbd_plugins_count(d->plugins), 0);
  CHECK_INT(lbd_registry_n_methods(d->registry), 0);
  CHECK_INT(lbd_registry_n_events(d->registry), 0);
  CHECK_INT(lbd_timers_count(d->timers), 0);
  /* and it loads again over the same database: the schema step is not redone */
  capture_log();
  char path[1024];
  snprintf(path, sizeof(path), "%s/testplug.so", dir_of("LB_TEST_PLUGIN_DIR"));
  int r = lbd_plugins_load(d->plugins, path);
  char *log = release_log();
  CHECK(r == 0, "reload: %s", log);
  CHECK_INT(lbd_store_schema_version(d->store, "test"), 1);
  lbd_plugins_unload_all(d->plugins);
}

TEST(teardown) {
  lbd_daemon_stop(the_daemon);
  uv_run(&loop, UV_RUN_DEFAULT);
  CHECK_INT(uv_loop_close(&loop), 0);
  lbd_daemon_free(the_daemon);
  char cmd[600];
  snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
  CHECK_INT(system(cmd), 0);
}

RUN_TESTS(T(setup), T(good_and_bad_plugins), T(each_bad_file_returns_an_error),
          T(unload_removes_everything), T(teardown))
