#include "plugin_host.h"

#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <lumbard/version.h>
#include <lumbard/wire.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "call.h"
#include "log.h"
#include "output.h"
#include "plugin_call.h"
#include "util.h"

typedef struct clock_listener {
  lb_clock_fn fn;
  void *userdata;
} clock_listener;

struct lb_plugin {
  lbd_plugins *ps;
  char *path;
  void *dl;
  const lb_plugin_desc *desc;
  char *name;
  bool in_init;   /* declarations are only taken during init() */
  bool unloading; /* its reads are being ended: no new one (db_read) */
  clock_listener *clock_listeners;
  size_t n_clock_listeners;
  /* write-behind (host API 3): the store's object and the plugin's save */
  lbd_store_behind *behind;
  lb_db_save_fn save;
  lb_db_done_fn saved;
  void *save_ud;
  char init_error[512]; /* the last error it logged while loading: why it failed */
};

/* A plugin that did not load, by name, so that a call of one of its methods
 * says why instead of only "no method". */
typedef struct failure {
  char *name, *path, *reason;
} failure;

/* A plugin file the crash guard remembers, by path and identity. */
typedef struct guard_entry {
  char *path;
  long long size, mtime_s;
  long mtime_ns;
} guard_entry;

struct lbd_plugins {
  const lbd_core *core;
  uv_thread_t loop_thread; /* the only one that may use the shared connection */
  lb_plugin **items;
  size_t n, cap;
  /* The crash guard (see "the crash guard" below). guard_path is NULL
   * without a data dir; guard_broken once the file could not be written. */
  char *guard_path;
  bool guard_read, guard_broken;
  guard_entry *crashed;
  size_t n_crashed;
  failure *failed;
  size_t n_failed;
};

lbd_plugins *lbd_plugins_new(const lbd_core *core) {
  lbd_plugins *ps = lbu_xcalloc(1, sizeof(*ps));
  ps->core = core;
  ps->loop_thread = uv_thread_self();
  return ps;
}

void lbd_plugins_free(lbd_plugins *ps) {
  if (!ps)
    return;
  for (size_t i = 0; i < ps->n_crashed; i++)
    free(ps->crashed[i].path);
  free(ps->crashed);
  for (size_t i = 0; i < ps->n_failed; i++) {
    free(ps->failed[i].name);
    free(ps->failed[i].path);
    free(ps->failed[i].reason);
  }
  free(ps->failed);
  free(ps->guard_path);
  free(ps->items);
  free(ps);
}

size_t lbd_plugins_count(const lbd_plugins *ps) {
  return ps->n;
}
lb_plugin *lbd_plugins_at(const lbd_plugins *ps, size_t i) {
  return i < ps->n ? ps->items[i] : NULL;
}
lb_plugin *lbd_plugins_find(const lbd_plugins *ps, const char *name) {
  for (size_t i = 0; i < ps->n; i++)
    if (strcmp(ps->items[i]->name, name) == 0)
      return ps->items[i];
  return NULL;
}
const char *lbd_plugin_name(const lb_plugin *p) {
  return p->name;
}
const char *lbd_plugin_version(const lb_plugin *p) {
  return p->desc->version ? p->desc->version : "";
}
const char *lbd_plugin_description(const lb_plugin *p) {
  return p->desc->description ? p->desc->description : "";
}
const char *lbd_plugin_path(const lb_plugin *p) {
  return p->path;
}

/* ---- the host table ---------------------------------------------------- */

static void host_log(lb_plugin *p, int level, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  if (p->in_init && level <= LB_LOG_WARNING) {
    va_list copy;
    va_copy(copy, ap);
    vsnprintf(p->init_error, sizeof(p->init_error), fmt, copy);
    va_end(copy);
  }
  lbu_logv(level, p->name, fmt, ap);
  va_end(ap);
}

static int host_declare_method(lb_plugin *p, const lb_method *m) {
  char err[512];
  if (!p->in_init) {
    host_log(p, LB_LOG_ERR, "declare_method(%s) after init: declare everything in init()",
             m && m->name ? m->name : "?");
    return -EPERM;
  }
  int r = lbd_registry_add_method(p->ps->core->registry, p->name, p, m, err, sizeof(err));
  if (r < 0)
    host_log(p, LB_LOG_ERR, "bad method declaration: %s", err);
  return r;
}

static int host_declare_event(lb_plugin *p, const lb_event *e) {
  char err[512];
  if (!p->in_init) {
    host_log(p, LB_LOG_ERR, "declare_event(%s) after init: declare everything in init()",
             e && e->name ? e->name : "?");
    return -EPERM;
  }
  int r = lbd_registry_add_event(p->ps->core->registry, p->name, p, e, err, sizeof(err));
  if (r < 0)
    host_log(p, LB_LOG_ERR, "bad event declaration: %s", err);
  return r;
}

static void host_reply(lb_call *call, const lb_value *result) {
  lbd_call_reply(call, result);
}

static void host_fail(lb_call *call, lb_error code, const char *fmt, ...) {
  lb_rpc_code rc;
  switch (code) {
  case LB_ERR_INVALID_PARAMS:
    rc = LB_RPC_INVALID_PARAMS;
    break;
  case LB_ERR_NOT_FOUND:
    rc = LB_RPC_NOT_FOUND;
    break;
  case LB_ERR_CONFLICT:
    rc = LB_RPC_CONFLICT;
    break;
  default:
    rc = LB_RPC_INTERNAL;
  }
  va_list ap;
  va_start(ap, fmt);
  lbd_call_failv(call, rc, fmt, ap);
  va_end(ap);
}

static int host_emit(lb_plugin *p, const char *event, const lb_value *fields) {
  char err[512];
  int r = lbd_events_emit(p->ps->core->events, p, p->name, event, fields, err, sizeof(err));
  if (r < 0)
    host_log(p, LB_LOG_ERR, "emit: %s", err);
  return r;
}

static int host_listen(lb_plugin *p, const char *pattern, lb_listen_fn fn, void *userdata) {
  return lbd_events_listen(p->ps->core->events, p, pattern, fn, userdata);
}

static uint64_t host_timer_start(lb_plugin *p, lb_clock clock, int64_t deadline_ms, lb_timer_fn fn,
                                 void *userdata) {
  return lbd_timers_start(p->ps->core->timers, clock, deadline_ms, p, fn, userdata);
}

static void host_timer_stop(lb_plugin *p, uint64_t id) {
  lbd_timers_stop(p->ps->core->timers, p, id);
}

static int host_on_clock_change(lb_plugin *p, lb_clock_fn fn, void *userdata) {
  if (!fn)
    return -EINVAL;
  p->clock_listeners =
      lbu_xrealloc(p->clock_listeners, (p->n_clock_listeners + 1) * sizeof(clock_listener));
  p->clock_listeners[p->n_clock_listeners++] = (clock_listener){fn, userdata};
  return 0;
}

static const char *section_of(lb_plugin *p, const char *section, char *buf, size_t len) {
  if (!section || !*section)
    return p->name;
  snprintf(buf, len, "%s.%s", p->name, section);
  return buf;
}

static const char *host_config_get(lb_plugin *p, const char *section, const char *key) {
  char buf[256];
  return lbd_config_get(p->ps->core->config, section_of(p, section, buf, sizeof(buf)), key);
}

typedef struct each_ctx {
  lb_plugin *p;
  lb_config_fn fn;
  void *userdata;
} each_ctx;

static void each_entry(const char *section, const char *key, const char *value, void *ud) {
  each_ctx *c = ud;
  size_t n = strlen(c->p->name);
  const char *sub = section[n] == '.' ? section + n + 1 : "";
  c->fn(c->p, sub, key, value, c->userdata);
}

static void host_config_each(lb_plugin *p, lb_config_fn fn, void *userdata) {
  each_ctx c = {p, fn, userdata};
  lbd_config_each(p->ps->core->config, p->name, each_entry, &c);
}

/* The shared connection is the loop thread's: a read function (db_read)
 * that reached for it from a worker would race with the loop. It gets NULL
 * (every SQLite call on it then fails with SQLITE_MISUSE) and a log line. */
static struct sqlite3 *host_db(lb_plugin *p) {
  uv_thread_t self = uv_thread_self();
  if (!uv_thread_equal(&self, &p->ps->loop_thread)) {
    lbu_err("%s: db() called from a worker thread; a read given to db_read uses the connection "
            "it is given",
            p->name);
    return NULL;
  }
  return lbd_store_db(p->ps->core->store);
}

static int host_db_migrate(lb_plugin *p, const char *const *steps) {
  char err[768];
  int r = lbd_store_migrate(p->ps->core->store, p->name, steps, err, sizeof(err));
  if (r < 0)
    host_log(p, LB_LOG_ERR, "database: %s", err);
  return r;
}

static int host_declare_property(lb_plugin *p, const lb_property *prop) {
  char err[512];
  if (!p->in_init) {
    host_log(p, LB_LOG_ERR, "declare_property(%s) after init: declare everything in init()",
             prop && prop->name ? prop->name : "?");
    return -EPERM;
  }
  int r = lbd_registry_add_property(p->ps->core->registry, p->name, p, prop, err, sizeof(err));
  if (r < 0)
    host_log(p, LB_LOG_ERR, "bad property declaration: %s", err);
  return r;
}

static void host_property_changed(lb_plugin *p, const char *name) {
  char full[256];
  snprintf(full, sizeof(full), "%s.%s", p->name, name ? name : "");
  if (lbd_events_property_changed(p->ps->core->events, full) < 0)
    host_log(p, LB_LOG_ERR, "property_changed(%s): no such property was declared", full);
}

static int host_parse_duration(const char *text, uint64_t *ret, char *err, size_t errlen) {
  return lb_duration_parse(text, strlen(text), ret, err, errlen);
}

/* ---- host API 3: storage and files --------------------------------------------- */

typedef struct write_ctx {
  lb_plugin *p;
  lb_db_write_fn write;
  lb_db_done_fn done;
  void *ud;
} write_ctx;

static int run_write(sqlite3 *db, void *ud) {
  write_ctx *w = ud;
  return w->write(w->p, db, w->ud);
}

static void write_done(int result, const char *error, void *ud) {
  write_ctx *w = ud;
  if (w->done)
    w->done(w->p, result, error, w->ud);
  else if (result < 0)
    host_log(w->p, LB_LOG_ERR, "a write failed: %s", error);
  free(w);
}

static void host_db_write(lb_plugin *p, lb_db_write_fn write, lb_db_done_fn done, void *ud) {
  write_ctx *w = lbu_xmalloc(sizeof(*w));
  *w = (write_ctx){p, write, done, ud};
  lbd_store_write(p->ps->core->store, p, run_write, write_done, w);
}

static int run_save(sqlite3 *db, const uint64_t *ids, size_t n, void *ud) {
  lb_plugin *p = ud;
  return p->save(p, db, ids, n, p->save_ud);
}

static void save_done(int result, const char *error, void *ud) {
  lb_plugin *p = ud;
  if (p->saved)
    p->saved(p, result, error, p->save_ud);
}

static int host_db_save_behind(lb_plugin *p, lb_db_save_fn save, lb_db_done_fn saved, void *ud) {
  if (!p->in_init || p->behind || !save) {
    host_log(p, LB_LOG_ERR, "db_save_behind: declare it once, in init(), with a save function");
    return -EINVAL;
  }
  p->save = save;
  p->saved = saved;
  p->save_ud = ud;
  p->behind = lbd_store_behind_new(p->ps->core->store, p, run_save, save_done, p);
  return 0;
}

static void host_db_touch(lb_plugin *p, uint64_t id) {
  if (!p->behind) {
    host_log(p, LB_LOG_ERR, "db_touch without db_save_behind: the change is not saved");
    return;
  }
  lbd_store_behind_touch(p->behind, id);
}

static const char *host_db_error(lb_plugin *p, int rc) {
  static char buf[1024];
  return lbd_store_explain(p->ps->core->store, rc, buf, sizeof(buf));
}

static lb_output *host_output_open(lb_plugin *p, const char *path, char *err, size_t errlen) {
  return lbd_output_open(p->ps->core, path, err, errlen);
}

static int host_call(lb_plugin *p, const char *method, const lb_value *params, size_t n_params,
                     lb_call_done_fn done, void *ud) {
  const lbd_core *core = p->ps->core;
  if (core->stopping)
    return 0; /* nothing is served any more, and done is not called */
  int r = lbd_pcalls_start(core->pcalls, p, method, params, n_params, done, ud);
  if (r < 0)
    host_log(p, LB_LOG_ERR, "call: \"%s\" is not a method name (plugin.method)",
             method ? method : "(null)");
  return r;
}

typedef struct read_ctx {
  lb_plugin *p;
  lb_db_read_fn read;
  lb_db_done_fn done;
  void *ud;
} read_ctx;

static int run_read(sqlite3 *db, void *ud) { /* on a worker thread */
  read_ctx *c = ud;
  return c->read(db, c->ud);
}

static void read_done(int result, const char *error, void *ud) {
  read_ctx *c = ud;
  if (c->done)
    c->done(c->p, result, error, c->ud);
  free(c);
}

static void host_db_read(lb_plugin *p, lb_db_read_fn read, lb_db_done_fn done, void *ud) {
  if (p->unloading) { /* from its shutdown(), or a done heard while it goes */
    if (done)
      done(p, -ECANCELED, "the plugin is being unloaded", ud);
    return;
  }
  read_ctx *c = lbu_xmalloc(sizeof(*c));
  *c = (read_ctx){.p = p, .read = read, .done = done, .ud = ud};
  lbd_store_read(p->ps->core->reads, p, run_read, read_done, c);
}

const lb_host lbd_host_table = {
    .size = sizeof(lb_host),
    .api = LB_HOST_API,
    .log = host_log,
    .declare_method = host_declare_method,
    .declare_event = host_declare_event,
    .reply = host_reply,
    .fail = host_fail,
    .emit = host_emit,
    .listen = host_listen,
    .timer_start = host_timer_start,
    .timer_stop = host_timer_stop,
    .now_ms = lbd_clock_now_ms,
    .on_clock_change = host_on_clock_change,
    .config_get = host_config_get,
    .config_each = host_config_each,
    .db = host_db,
    .db_migrate = host_db_migrate,
    .declare_property = host_declare_property,
    .property_changed = host_property_changed,
    .parse_duration = host_parse_duration,
    .db_write = host_db_write,
    .db_save_behind = host_db_save_behind,
    .db_touch = host_db_touch,
    .db_error = host_db_error,
    .output_open = host_output_open,
    .output_fd = lbd_output_fd,
    .output_close = lbd_output_close,
    .format_duration = lb_duration_format,
    .call = host_call,
    .db_read = host_db_read,
};

/* ---- the crash guard ------------------------------------------------------ */

/* A plugin runs inside the daemon: a crash in its constructor or its init()
 * takes lumbard down, and a service manager that restarts lumbard would only
 * crash it again. So before loading each plugin the host writes
 * "initialising SIZE MTIME PATH" to <data dir>/plugin-guard, and takes the
 * line out again once init() has returned (whatever it returned). A line
 * still there at the next start names the plugin that was loading when
 * lumbard died: it becomes "crashed SIZE MTIME PATH", and that file is
 * skipped, with a log line, for as long as it stays the same file (same size
 * and modification time). A rebuilt or replaced plugin is tried again; to try
 * the same file again, delete its line or the whole guard file.
 *
 * The file is written without fsync: it guards against a crash of this
 * process, which the page cache survives. A power cut while a plugin loads
 * is no fault of the plugin's, and forgetting the line then is right. */

static bool guard_same_file(const guard_entry *e, const struct stat *st) {
  return e->size == (long long)st->st_size && e->mtime_s == (long long)st->st_mtim.tv_sec &&
         e->mtime_ns == st->st_mtim.tv_nsec;
}

static void guard_add(lbd_plugins *ps, const char *path, long long size, long long mtime_s,
                      long mtime_ns) {
  ps->crashed = lbu_xrealloc(ps->crashed, (ps->n_crashed + 1) * sizeof(*ps->crashed));
  ps->crashed[ps->n_crashed++] = (guard_entry){
      .path = lbu_xstrdup(path), .size = size, .mtime_s = mtime_s, .mtime_ns = mtime_ns};
}

/* Write the crashed plugins, and the one being loaded now when loading is
 * not NULL; without either, remove the file. */
static void guard_write(lbd_plugins *ps, const char *loading, const struct stat *st) {
  if (!ps->guard_path || ps->guard_broken)
    return;
  if (ps->n_crashed == 0 && !loading) {
    if (unlink(ps->guard_path) < 0 && errno != ENOENT)
      lbu_warn("cannot remove the plugin crash guard %s: %s", ps->guard_path, strerror(errno));
    return;
  }
  char *tmp = lbu_xasprintf("%s.new", ps->guard_path);
  /* A new file, never through a link planted in its place. */
  if (unlink(tmp) < 0 && errno != ENOENT)
    lbu_debug("cannot remove %s: %s", tmp, strerror(errno));
  int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
  int r = f ? 0 : -errno;
  if (!f && fd >= 0)
    close(fd);
  if (f) {
    fprintf(f, "# lumbard's plugin crash guard: a plugin marked \"crashed\" is skipped until its\n"
               "# file changes. Delete its line, or this file, to try it again as it is.\n");
    for (size_t i = 0; i < ps->n_crashed; i++)
      fprintf(f, "crashed %lld %lld.%09ld %s\n", ps->crashed[i].size, ps->crashed[i].mtime_s,
              ps->crashed[i].mtime_ns, ps->crashed[i].path);
    if (loading)
      fprintf(f, "initialising %lld %lld.%09ld %s\n", (long long)st->st_size,
              (long long)st->st_mtim.tv_sec, (long)st->st_mtim.tv_nsec, loading);
    if (ferror(f))
      r = -EIO;
    if (fclose(f) != 0 && r == 0)
      r = -errno;
    if (r == 0 && rename(tmp, ps->guard_path) < 0)
      r = -errno;
  }
  if (r < 0) {
    lbu_warn("cannot write the plugin crash guard %s: %s; plugins load without it", ps->guard_path,
             strerror(-r));
    unlink(tmp);
    /* A line "initialising" left behind would blame a plugin at the next
     * start for nothing: better no guard file at all. */
    unlink(ps->guard_path);
    ps->guard_broken = true;
  }
  free(tmp);
}

/* Read what the last starts left: an "initialising" line is a plugin that
 * took lumbard down while it was loading. */

/* A number at *p and the separator after it, moved past. */
static bool guard_number(char **p, char sep, long long *ret) {
  char *end;
  errno = 0;
  long long v = strtoll(*p, &end, 10);
  if (end == *p || errno || v < 0 || *end != sep)
    return false;
  *ret = v;
  *p = end + 1;
  return true;
}

/* A guard line: "STATE SIZE MTIME_S.MTIME_NS /PATH", STATE "initialising" or
 * "crashed". *ret_path points into line. */
static bool guard_parse(char *line, const char **ret_state, long long *ret_size,
                        long long *ret_mtime_s, long long *ret_mtime_ns, const char **ret_path) {
  static const char *const states[] = {"initialising", "crashed"};
  char *p = NULL;
  for (size_t i = 0; i < 2 && !p; i++) {
    size_t n = strlen(states[i]);
    if (strncmp(line, states[i], n) == 0 && line[n] == ' ') {
      p = line + n + 1;
      *ret_state = states[i];
    }
  }
  if (!p)
    return false;
  if (!guard_number(&p, ' ', ret_size) || !guard_number(&p, '.', ret_mtime_s) ||
      !guard_number(&p, ' ', ret_mtime_ns) || *p != '/')
    return false;
  *ret_path = p;
  return true;
}

static void guard_read(lbd_plugins *ps) {
  ps->guard_read = true;
  if (!ps->core->data_dir)
    return; /* a test's bare daemon */
  ps->guard_path = lbu_xasprintf("%s/plugin-guard", ps->core->data_dir);
  int fd = open(ps->guard_path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  FILE *f = fd >= 0 ? fdopen(fd, "r") : NULL;
  if (!f && fd >= 0)
    close(fd);
  if (!f) {
    if (errno != ENOENT)
      lbu_warn("cannot read the plugin crash guard %s: %s", ps->guard_path, strerror(errno));
    return;
  }
  char line[PATH_MAX + 128];
  bool changed = false;
  while (fgets(line, sizeof(line), f)) {
    line[strcspn(line, "\n")] = '\0';
    if (line[0] == '#' || line[0] == '\0')
      continue;
    const char *state, *path;
    long long size, mtime_s, mtime_ns;
    if (!guard_parse(line, &state, &size, &mtime_s, &mtime_ns, &path)) {
      lbu_warn("%s: ignoring a line it does not understand: %s", ps->guard_path, line);
      changed = true;
      continue;
    }
    struct stat st;
    if (stat(path, &st) < 0 && errno == ENOENT) {
      changed = true; /* the plugin is gone: nothing to guard */
      continue;
    }
    if (strcmp(state, "initialising") == 0) {
      lbu_warn("lumbard stopped while it was loading the plugin %s at its last start: the plugin "
               "crashed it, or lumbard was killed meanwhile. It is skipped from now on, until the "
               "file changes",
               path);
      changed = true;
    }
    guard_add(ps, path, size, mtime_s, (long)mtime_ns);
  }
  fclose(f);
  if (changed)
    guard_write(ps, NULL, NULL);
}

/* Whether path is a plugin that crashed lumbard and has not changed since. */
static bool guard_skips(lbd_plugins *ps, const char *path, const struct stat *st) {
  for (size_t i = 0; i < ps->n_crashed; i++) {
    guard_entry *e = &ps->crashed[i];
    if (strcmp(e->path, path) != 0)
      continue;
    if (guard_same_file(e, st)) {
      lbu_warn("skipping plugin %s: it crashed lumbard while loading at an earlier start, and the "
               "file has not changed since; fix or remove the plugin and restart lumbard (a "
               "rebuilt or replaced file is tried again), or delete %s to try it as it is",
               path, ps->guard_path);
      return true;
    }
    lbu_info("the plugin %s changed since it crashed lumbard: trying it again", path);
    free(e->path);
    ps->crashed[i] = ps->crashed[--ps->n_crashed];
    return false;
  }
  return false;
}

/* ---- loading ------------------------------------------------------------- */

/* Remove everything a plugin registered, so nothing points into it. */
static void forget(lb_plugin *p) {
  const lbd_core *d = p->ps->core;
  if (d->store) {
    /* Its save() may read what its shutdown() freed (or an init() that
     * failed half-way): what it noted since is dropped, with a word. Its
     * durable writes carry their own data and still run. */
    if (p->behind && lbd_store_behind_pending(p->behind))
      lbu_warn("%s: %zu change%s noted after its last save are not saved", p->name,
               lbd_store_behind_pending(p->behind),
               lbd_store_behind_pending(p->behind) == 1 ? "" : "s");
    lbd_store_behind_free(p->behind);
    p->behind = NULL;
    lbd_store_drain(d->store, p, LBD_STORE_STOP_WAIT_MS);
  }
  p->unloading = true;
  lbd_store_reads_forget(d->reads, p, "the plugin was unloaded"); /* read() is its code */
  lbd_calls_fail_owner(d->calls, p, "the plugin was unloaded");
  lbd_pcalls_forget(d->pcalls, p);
  lbd_registry_remove_owner(d->registry, p);
  lbd_events_remove_owner(d->events, p);
  lbd_timers_remove_owner(d->timers, p);
  p->n_clock_listeners = 0;
}

static void plugin_free(lb_plugin *p) {
  if (!p)
    return;
  if (p->dl)
    dlclose(p->dl);
  free(p->clock_listeners);
  free(p->name);
  free(p->path);
  free(p);
}

static void remember_failure(lbd_plugins *ps, const char *name, const char *path,
                             const char *reason) {
  ps->failed = lbu_xrealloc(ps->failed, (ps->n_failed + 1) * sizeof(*ps->failed));
  ps->failed[ps->n_failed++] = (failure){lbu_xstrdup(name), lbu_xstrdup(path), lbu_xstrdup(reason)};
}

bool lbd_plugins_why_missing(const lbd_plugins *ps, const char *name, size_t len, char *buf,
                             size_t buflen) {
  for (size_t i = ps->n_failed; i-- > 0;) {
    const failure *f = &ps->failed[i];
    if (strlen(f->name) != len || memcmp(f->name, name, len) != 0 || lbd_plugins_find(ps, f->name))
      continue;
    snprintf(buf, buflen,
             "the %s plugin did not load (%s); its file is %s, and lumbard's log (journalctl "
             "--user -u lumbard) says more",
             f->name, f->reason, f->path);
    lbu_utf8_scrub(buf); /* cut anywhere by the buffer */
    return true;
  }
  return false;
}
size_t lbd_plugins_n_failed(const lbd_plugins *ps) {
  return ps->n_failed;
}

const char *lbd_plugins_failed_at(const lbd_plugins *ps, size_t i, const char **ret_path,
                                  const char **ret_reason) {
  *ret_path = ps->failed[i].path;
  *ret_reason = ps->failed[i].reason;
  return ps->failed[i].name;
}

static int load(lbd_plugins *ps, const char *path) {
  lb_plugin *p = lbu_xcalloc(1, sizeof(*p));
  p->ps = ps;
  p->path = lbu_xstrdup(path);
  int r = -EINVAL;

  p->dl = dlopen(path, RTLD_NOW | RTLD_LOCAL);
  if (!p->dl) {
    lbu_warn("skipping plugin %s: cannot load it: %s; rebuild it against this lumbard, or remove "
             "it",
             path, dlerror());
    goto fail;
  }
  p->desc = dlsym(p->dl, LB_PLUGIN_SYMBOL);
  if (!p->desc) {
    lbu_warn("skipping %s: it does not export \"" LB_PLUGIN_SYMBOL
             "\", so it is not a lumbard plugin; build it with LB_PLUGIN_DEFINE from "
             "<lumbard/plugin.h>, or remove it from the plugin directory",
             path);
    goto fail;
  }
  /* Nothing else in the descriptor is read before its ABI number. */
  if (p->desc->abi != LB_PLUGIN_ABI) {
    lbu_warn("skipping plugin %s: it was built for plugin ABI %u, this lumbard %s has ABI %u; "
             "rebuild it against this lumbard's SDK (pkg-config lumbard-plugin)",
             path, p->desc->abi, LUMBARD_VERSION, LB_PLUGIN_ABI);
    goto fail;
  }
  if (p->desc->size < offsetof(lb_plugin_desc, reload)) {
    lbu_warn("skipping plugin %s: its descriptor is truncated (%u bytes); rebuild it against "
             "this lumbard's SDK",
             path, p->desc->size);
    goto fail;
  }
  if (!lbu_name_valid(p->desc->name) || strcmp(p->desc->name, "daemon") == 0 || !p->desc->init) {
    lbu_warn("skipping plugin %s: its name \"%s\" is not valid (it must match [a-z][a-z0-9_]*, "
             "not \"daemon\") or it has no init function; fix its descriptor",
             path, p->desc->name ? p->desc->name : "(null)");
    goto fail;
  }
  lb_plugin *other = lbd_plugins_find(ps, p->desc->name);
  if (other) {
    lbu_warn("skipping plugin %s: a plugin named \"%s\" is already loaded from %s; remove one of "
             "them",
             path, p->desc->name, other->path);
    r = -EEXIST;
    goto fail;
  }
  p->name = lbu_xstrdup(p->desc->name);

  p->in_init = true;
  r = p->desc->init(p, &lbd_host_table);
  p->in_init = false;
  if (r != 0) {
    lbu_warn("skipping plugin %s (%s): its init failed (%s); see the lines above", p->name, path,
             strerror(r < 0 ? -r : r));
    remember_failure(ps, p->name, path,
                     p->init_error[0] ? p->init_error : strerror(r < 0 ? -r : r));
    forget(p);
    if (r > 0)
      r = -r;
    goto fail;
  }
  if (ps->n == ps->cap) {
    ps->cap = ps->cap ? ps->cap * 2 : 8;
    ps->items = lbu_xrealloc(ps->items, ps->cap * sizeof(*ps->items));
  }
  ps->items[ps->n++] = p;
  lbu_info("loaded plugin %s %s from %s", p->name, lbd_plugin_version(p), path);
  return 0;

fail:
  plugin_free(p);
  return r < 0 ? r : -EINVAL;
}

int lbd_plugins_load(lbd_plugins *ps, const char *path) {
  if (!ps->guard_read)
    guard_read(ps);
  struct stat st;
  /* The guard's lines end at a newline: such a path goes unguarded. */
  bool guarded = ps->guard_path && stat(path, &st) == 0 && !strchr(path, '\n');
  if (guarded) {
    if (guard_skips(ps, path, &st))
      return -ECANCELED;
    guard_write(ps, path, &st);
  }
  int r = load(ps, path);
  if (guarded)
    guard_write(ps, NULL, NULL);
  return r;
}

static int so_filter(const struct dirent *e) {
  size_t n = strlen(e->d_name);
  return e->d_name[0] != '.' && n > 3 && strcmp(e->d_name + n - 3, ".so") == 0;
}

void lbd_plugins_load_dir(lbd_plugins *ps, const char *dir, bool missing_ok) {
  struct dirent **names;
  int n = scandir(dir, &names, so_filter, alphasort);
  if (n < 0) {
    if (errno == ENOENT && missing_ok)
      lbu_debug("no plugin directory %s", dir);
    else
      lbu_warn("cannot read the plugin directory %s: %s", dir, strerror(errno));
    return;
  }
  for (int i = 0; i < n; i++) {
    char *path = lbu_xasprintf("%s/%s", dir, names[i]->d_name);
    lbd_plugins_load(ps, path);
    free(path);
    free(names[i]);
  }
  free(names);
}

void lbd_plugins_unload_all(lbd_plugins *ps) {
  while (ps->n > 0) {
    lb_plugin *p = ps->items[--ps->n];
    /* what it noted or asked to write, while it can still answer */
    if (ps->core->store)
      lbd_store_drain(ps->core->store, p, LBD_STORE_STOP_WAIT_MS);
    p->unloading = true; /* no read from now on: what it asks is refused */
    lbd_store_reads_forget(ps->core->reads, p, "the daemon is stopping");
    if (p->desc->shutdown)
      p->desc->shutdown(p);
    lbd_calls_fail_owner(ps->core->calls, p, "the daemon is stopping");
    forget(p);
    lbu_debug("unloaded plugin %s", p->name);
    plugin_free(p);
  }
}

void lbd_plugins_config_reloaded(lbd_plugins *ps) {
  for (size_t i = 0; i < ps->n; i++) {
    lb_plugin *p = ps->items[i];
    if (p->desc->size >= offsetof(lb_plugin_desc, reload) + sizeof(p->desc->reload) &&
        p->desc->reload)
      p->desc->reload(p);
  }
}

void lbd_plugins_clock_changed(lbd_plugins *ps) {
  for (size_t i = 0; i < ps->n; i++) {
    lb_plugin *p = ps->items[i];
    for (size_t j = 0; j < p->n_clock_listeners; j++)
      p->clock_listeners[j].fn(p, p->clock_listeners[j].userdata);
  }
}
