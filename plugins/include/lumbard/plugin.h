/* lumbard/plugin.h — the lumbard plugin SDK.
 *
 * A plugin is a shared object that exports one symbol, `lumbard_plugin`, a
 * struct lb_plugin_desc (use LB_PLUGIN_DEFINE). The daemon checks its ABI
 * number before it calls anything, then calls init() with a table of host
 * functions. Through that table the plugin declares typed methods and events,
 * answers calls (at once or later), emits events, listens to other plugins'
 * events, arms timers, reads its config section and keeps tables in the
 * shared SQLite database. The plugin never links against the daemon.
 *
 * The core serves every declared method on every transport (MessagePack-RPC
 * on the socket, D-Bus) and validates each call against its declaration, so a
 * handler only ever sees arguments of the declared types, defaults filled in.
 *
 * Compatibility: LB_PLUGIN_ABI changes only when a published layout changes
 * (then every plugin must be rebuilt). The host table only grows by appending
 * members; lb_host.size tells a plugin which members its daemon has, so a
 * plugin built against a newer SDK can still run on an older daemon if it
 * checks LB_HOST_HAS() before using a newer member.
 *
 * Threading: everything runs on the daemon's one loop thread, but the read
 * function given to db_read, which runs on a worker thread. Never block in a
 * callback; arm a timer, answer later, or read with db_read instead.
 *
 * Crash guard: a plugin runs inside the daemon, so a crash in its init() (or
 * in a constructor that dlopen runs) takes lumbard down. Before loading each
 * plugin the daemon notes it in $XDG_DATA_HOME/lumbard/plugin-guard, and
 * clears the note once init() has returned. A plugin that was loading when
 * lumbard died is skipped at every later start, with a log line saying so,
 * until its file changes: a rebuilt or replaced .so is tried again. To try
 * the same file again, delete its "crashed" line (or the whole file) and
 * restart lumbard.
 *
 * Building out of tree: `pkg-config --cflags lumbard-plugin` gives the
 * include path; there is no library to link. Build a shared object with
 * -fPIC -fvisibility=hidden (LB_PLUGIN_DEFINE exports the one symbol) and
 * put it in `pkg-config --variable=plugindir lumbard-plugin`, in
 * $XDG_DATA_HOME/lumbard/plugins, or in a directory given to lumbard with
 * --plugin-dir. This header needs only C11, but a plugin built with -std=c11
 * that uses POSIX functions (localtime_r, ...) defines _POSIX_C_SOURCE before
 * including it. See lumbard-plugin(7) and the example in plugins/example/.
 *
 * Ownership: values passed *to* the host are borrowed for the duration of the
 * call (the host copies or serialises what it keeps). Values passed *to* the
 * plugin (handler arguments, event fields) are valid until the handler or
 * callback returns, except a call's arguments, which live until the call is
 * answered.
 */
#ifndef LUMBARD_PLUGIN_H
#define LUMBARD_PLUGIN_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#ifdef __cplusplus
extern "C" {
#endif

#define LB_PLUGIN_ABI 1
/* Host API 2: properties, parse_duration; 3: host-owned writes, client files,
 * calls between plugins, long reads off the loop (db_read, appended). */
#define LB_HOST_API 3

#if defined(__GNUC__)
#define LB_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#define LB_PLUGIN_EXPORT __attribute__((visibility("default")))
#else
#define LB_PRINTF(fmt, args)
#define LB_PLUGIN_EXPORT
#endif

typedef struct lb_plugin lb_plugin; /* the host's handle for one loaded plugin */
typedef struct lb_call lb_call;     /* one method invocation, until answered */
typedef struct lb_host lb_host;

/* ---- values ------------------------------------------------------------ */

typedef enum lb_kind {
  LB_NIL = 0,
  LB_BOOL,
  LB_INT,  /* signed 64-bit */
  LB_UINT, /* unsigned 64-bit */
  LB_DOUBLE,
  LB_STR, /* UTF-8; the host NUL-terminates every string it hands out */
  LB_ARRAY,
  LB_MAP, /* string keys, in order */
} lb_kind;

typedef struct lb_value lb_value;
typedef struct lb_pair lb_pair;

struct lb_value {
  lb_kind kind;
  union {
    bool b;
    int64_t i;
    uint64_t u;
    double d;
    struct {
      const char *ptr;
      uint32_t len;
    } str;
    struct {
      const lb_value *items;
      uint32_t len;
    } arr;
    struct {
      const lb_pair *items;
      uint32_t len;
    } map;
  } as;
};

struct lb_pair {
  const char *key;
  lb_value val;
};

static inline lb_value lb_v_nil(void) {
  lb_value v = {LB_NIL, {0}};
  return v;
}
static inline lb_value lb_v_bool(bool b) {
  lb_value v = {LB_BOOL, {0}};
  v.as.b = b;
  return v;
}
static inline lb_value lb_v_int(int64_t i) {
  lb_value v = {LB_INT, {0}};
  v.as.i = i;
  return v;
}
static inline lb_value lb_v_uint(uint64_t u) {
  lb_value v = {LB_UINT, {0}};
  v.as.u = u;
  return v;
}
static inline lb_value lb_v_double(double d) {
  lb_value v = {LB_DOUBLE, {0}};
  v.as.d = d;
  return v;
}
static inline lb_value lb_v_strn(const char *s, size_t len) {
  lb_value v = {LB_STR, {0}};
  v.as.str.ptr = s;
  v.as.str.len = (uint32_t)len;
  return v;
}
/* NULL becomes nil, so optional text can be passed straight through. */
static inline lb_value lb_v_str(const char *s) {
  return s ? lb_v_strn(s, strlen(s)) : lb_v_nil();
}
static inline lb_value lb_v_array(const lb_value *items, size_t n) {
  lb_value v = {LB_ARRAY, {0}};
  v.as.arr.items = items;
  v.as.arr.len = (uint32_t)n;
  return v;
}
static inline lb_value lb_v_map(const lb_pair *pairs, size_t n) {
  lb_value v = {LB_MAP, {0}};
  v.as.map.items = pairs;
  v.as.map.len = (uint32_t)n;
  return v;
}

/* A map built in place from pairs:
 *   lb_value ev = LB_MAP({"id", lb_v_uint(id)}, {"label", lb_v_str(label)});
 * The pairs live as long as the enclosing block. */
#define LB_MAP(...)                                                                                \
  lb_v_map((const lb_pair[]){__VA_ARGS__}, sizeof((const lb_pair[]){__VA_ARGS__}) / sizeof(lb_pair))

/* The value under key in a map, or NULL when absent (or v is not a map). */
static inline const lb_value *lb_map_get(const lb_value *v, const char *key) {
  if (!v || v->kind != LB_MAP)
    return NULL;
  for (uint32_t i = 0; i < v->as.map.len; i++)
    if (strcmp(v->as.map.items[i].key, key) == 0)
      return &v->as.map.items[i].val;
  return NULL;
}

static inline bool lb_is_nil(const lb_value *v) {
  return !v || v->kind == LB_NIL;
}

/* ---- declarations ------------------------------------------------------ */

/* Declared types. Each maps to one D-Bus signature (in brackets) and tells the
 * core how to check and convert what a client sent. */
typedef enum lb_type {
  LB_T_ANY = 0,  /* [v]  anything */
  LB_T_BOOL,     /* [b]  -> LB_BOOL */
  LB_T_INT,      /* [x]  -> LB_INT */
  LB_T_UINT,     /* [u]  -> LB_UINT, 0..UINT32_MAX */
  LB_T_U64,      /* [t]  -> LB_UINT */
  LB_T_DOUBLE,   /* [d]  -> LB_DOUBLE (integers accepted) */
  LB_T_STRING,   /* [s]  -> LB_STR, valid UTF-8 without NUL */
  LB_T_DURATION, /* [u]  -> LB_UINT seconds; clients send 90, "90", "90s", "1m30s", "2min", "1h" */
  LB_T_TIME,     /* [x]  -> LB_INT unix seconds */
  LB_T_STRINGS,  /* [as] -> LB_ARRAY of LB_STR */
  LB_T_MAP,      /* [a{sv}] -> LB_MAP */
  LB_T_MAPS,     /* [aa{sv}] -> LB_ARRAY of LB_MAP */
  LB_T_NONE,     /* results only: the method answers nil (no D-Bus out argument) */
  LB_T_INTS,     /* [ax] -> LB_ARRAY of LB_INT (times, counts) */
} lb_type;

/* A parameter or an option key. Positional parameters: the required ones
 * first, then the optional ones. An omitted (or nil) optional parameter takes
 * `def`; with no default the handler sees nil. Over D-Bus, where an argument
 * cannot be left out, 0 or an empty string for an optional parameter means
 * "omitted" (so its default applies). When min < max an integer, duration or
 * time value outside [min, max] is refused with invalid_params.
 * In a static table, write a default with LB_DEF_UINT(600), LB_DEF_INT(-1),
 * LB_DEF_BOOL(true) or LB_DEF_STR("csv"). */
typedef struct lb_param {
  const char *name;
  lb_type type;
  bool optional;
  lb_value def;
  int64_t min, max;
  const char *doc;
} lb_param;

/* Constant defaults, for static lb_param tables (lb_v_*() are functions). */
#define LB_DEF_BOOL(x)                                                                             \
  {                                                                                                \
    LB_BOOL, {                                                                                     \
      .b = (x)                                                                                     \
    }                                                                                              \
  }
#define LB_DEF_INT(x)                                                                              \
  {                                                                                                \
    LB_INT, {                                                                                      \
      .i = (x)                                                                                     \
    }                                                                                              \
  }
#define LB_DEF_UINT(x)                                                                             \
  {                                                                                                \
    LB_UINT, {                                                                                     \
      .u = (x)                                                                                     \
    }                                                                                              \
  }
#define LB_DEF_STR(s)                                                                              \
  {                                                                                                \
    LB_STR, {                                                                                      \
      .str = {(s), sizeof(s) - 1 }                                                                 \
    }                                                                                              \
  }

/* A typed field of an event or of a map result. D-Bus signals carry an
 * event's fields as arguments in this order. In result_fields, the keys of
 * a field of type map or maps are declared after it with a dotted name:
 * {"steps", LB_T_MAPS}, {"steps.seconds", LB_T_UINT}; a nested key has the
 * type of a top-level field of the same name, if there is one. A declared
 * map with nothing to describe is empty (none of its keys). */
typedef struct lb_field {
  const char *name;
  lb_type type;
  const char *doc;
} lb_field;

/* args: one value per declared parameter, in order, defaults filled in; then,
 * when the method declares options, a map holding the options the client
 * gave (and the defaults of those it did not). A method with neither gets an
 * args it must not read. Answer with lb_host.reply or
 * lb_host.fail, now or later: a call not answered when the handler returns is
 * deferred, and stays valid until it is answered. */
typedef void (*lb_method_fn)(lb_call *call, const lb_value *args, void *userdata);

/* Arrays of params, options and fields end with an entry whose name is NULL. */
typedef struct lb_method {
  const char *name; /* short name: "start" is served as "<plugin>.start" */
  const char *doc;
  const lb_param *params;
  const lb_param *options;
  lb_type result;
  const lb_field *result_fields; /* the known keys of a map result (or of each map) */
  lb_method_fn handler;
  void *userdata;
} lb_method;

typedef struct lb_event {
  const char *name; /* short name: "finished" is published as "<plugin>.finished" */
  const char *doc;
  const lb_field *fields;
} lb_event;

/* ---- answers ----------------------------------------------------------- */

typedef enum lb_error {
  LB_ERR_INVALID_PARAMS = 1, /* "invalid_params" */
  LB_ERR_NOT_FOUND,          /* "not_found" */
  LB_ERR_CONFLICT,           /* "conflict": the state change does not apply now */
  LB_ERR_INTERNAL,           /* "internal" */
  LB_ERR_NO_SUCH_METHOD,     /* "no_such_method": only in the answer of lb_host.call */
} lb_error;

/* ---- time -------------------------------------------------------------- */

typedef enum lb_clock {
  /* Milliseconds since boot, counting suspend (CLOCK_BOOTTIME): for
   * durations. A rest that spans a suspend is over when the lid opens. */
  LB_CLOCK_MONOTONIC = 0,
  /* Unix milliseconds (CLOCK_REALTIME): for calendar deadlines. A timer on
   * this clock fires at its wall-clock time even if the clock is set. */
  LB_CLOCK_WALL = 1,
} lb_clock;

typedef void (*lb_timer_fn)(lb_plugin *p, uint64_t timer_id, void *userdata);
/* Called on the loop after the wall clock was set (by hand, NTP step, resume
 * from a long suspend) or the local time zone changed, so calendar schedules
 * can be recomputed. */
typedef void (*lb_clock_fn)(lb_plugin *p, void *userdata);

/* An event from any plugin (including this one), delivered on a later loop
 * turn than the emit, never inside it. `name` is the full "<plugin>.<event>". */
typedef void (*lb_listen_fn)(lb_plugin *p, const char *name, const lb_value *fields,
                             void *userdata);

/* One (section, key, value) of the plugin's config: the section is the part
 * after "<plugin>." ("" for the plugin's own [<plugin>] section). */
typedef void (*lb_config_fn)(lb_plugin *p, const char *section, const char *key, const char *value,
                             void *userdata);

enum lb_log_level {
  LB_LOG_ERR = 3,
  LB_LOG_WARNING = 4,
  LB_LOG_NOTICE = 5,
  LB_LOG_INFO = 6,
  LB_LOG_DEBUG = 7
};

/* A property: state a plugin exposes on D-Bus (org.freedesktop.DBus.Properties
 * on its interface), read with get() and, when set is not NULL, written by
 * clients. get() fills *ret; what it points to must stay valid until the
 * plugin's next callback. set() gets a value already of the declared type and
 * returns 0, or a negative errno with *ret_error (static text) saying why it
 * refused. Call lb_host.property_changed() when the value changes: one
 * PropertiesChanged signal per loop turn carries every change. */
typedef struct lb_property {
  const char *name; /* [a-z][a-z0-9_]*: "active_rests" is Rest.ActiveRests on D-Bus */
  const char *doc;
  lb_type type;
  void (*get)(lb_plugin *p, lb_value *ret, void *userdata);
  int (*set)(lb_plugin *p, const lb_value *value, void *userdata, const char **ret_error);
  void *userdata;
} lb_property;

struct sqlite3;

/* Host API 3: storage is the host's. A write runs inside a transaction the
 * host begins and always ends: write() does its statements on db and
 * returns SQLITE_OK to commit, or the code of the call that failed (the
 * transaction is rolled back, and that transaction alone; SQLITE_BUSY and
 * SQLITE_LOCKED, another program's lock, are retried later by the host).
 * write() may run more than once for one write (after a lock), so it takes
 * what it writes from userdata or from the plugin's memory as it is then,
 * and changes nothing but the database. It must finalize or reset every
 * statement it steps; it never runs BEGIN, COMMIT or ROLLBACK itself. */
typedef int (*lb_db_write_fn)(lb_plugin *p, struct sqlite3 *db, void *userdata);
/* The outcome of a write: result 0 when it is committed and on disk, else a
 * negative errno with error saying why in words for a person (nothing of
 * the write is in the database). */
typedef void (*lb_db_done_fn)(lb_plugin *p, int result, const char *error, void *userdata);
/* Write-behind: writes the objects of ids (those noted with db_touch since
 * the last save that landed; n may be 0) as they are in memory now, or
 * deletes the rows of those that are gone. Same rules as lb_db_write_fn. */
typedef int (*lb_db_save_fn)(lb_plugin *p, struct sqlite3 *db, const uint64_t *ids, size_t n,
                             void *userdata);

/* A long read (lb_host.db_read): runs on a worker thread, with a
 * connection of its own to the database (read-only), inside one read
 * transaction, so it sees one consistent state of the database however long
 * it takes. It may use db and userdata, and nothing else of the plugin's
 * that the loop thread touches meanwhile; it calls no host function.
 * Returns SQLITE_OK, or the code of the call that failed. */
typedef int (*lb_db_read_fn)(struct sqlite3 *db, void *userdata);

/* The answer of a call into another plugin (lb_host.call): error 0 and
 * the result (valid until this returns), or an lb_error with result NULL
 * and a message in the words a client would get. */
typedef void (*lb_call_done_fn)(lb_plugin *p, const lb_value *result, int error,
                                const char *message, void *userdata);

/* A file written at a path a client named, whole or not at all. */
typedef struct lb_output lb_output;

/* ---- the host table ------------------------------------------------------ */

struct lb_host {
  uint32_t size; /* sizeof(lb_host) in the running daemon */
  uint32_t api;  /* LB_HOST_API of the running daemon */

  /* Log a line to the daemon's log, prefixed with the plugin name. */
  void (*log)(lb_plugin *p, int level, const char *fmt, ...) LB_PRINTF(3, 4);

  /* Declare during init(). The declaration and everything it points to must
   * stay valid until the plugin is unloaded (static tables are the norm).
   * Return 0 or a negative errno (-EINVAL with a log line saying what is
   * wrong with the declaration, -EEXIST for a duplicate name). */
  int (*declare_method)(lb_plugin *p, const lb_method *m);
  int (*declare_event)(lb_plugin *p, const lb_event *e);

  /* Answer a call, exactly once; the call is freed by it. The result must be
   * of the declared result type (nil for LB_T_NONE). */
  void (*reply)(lb_call *call, const lb_value *result);
  void (*fail)(lb_call *call, lb_error code, const char *fmt, ...) LB_PRINTF(3, 4);

  /* Publish a declared event; fields is a map holding at least the declared
   * fields, with their declared types. Returns 0 or a negative errno (the
   * host has logged why). */
  int (*emit)(lb_plugin *p, const char *event, const lb_value *fields);

  /* Receive events whose full name matches a glob ("rest.*"). */
  int (*listen)(lb_plugin *p, const char *pattern, lb_listen_fn fn, void *userdata);

  /* One-shot timer at an absolute deadline in ms on the given clock, precise
   * to well under a millisecond (timerfd, no poll slack). Returns a timer id
   * (never 0). A deadline already past fires on the next loop turn, never
   * inside timer_start. Stopping a timer that already fired or was stopped,
   * or timer id 0, is a no-op. A monotonic timer that spans a suspend fires
   * late, when the machine wakes: compare now_ms(LB_CLOCK_MONOTONIC) with the
   * deadline in the callback to tell. */
  uint64_t (*timer_start)(lb_plugin *p, lb_clock clock, int64_t deadline_ms, lb_timer_fn fn,
                          void *userdata);
  void (*timer_stop)(lb_plugin *p, uint64_t timer_id);
  int64_t (*now_ms)(lb_clock clock);
  int (*on_clock_change)(lb_plugin *p, lb_clock_fn fn, void *userdata);

  /* Config: the value of key in [<plugin>] (section NULL or "") or in
   * [<plugin>.<section>], or NULL. Valid until the plugin's reload()
   * callback or until it is unloaded: a plugin that keeps these pointers
   * must have a reload() that fetches them again. A config that fails to
   * parse on reload is not applied (the daemon keeps the previous one, says
   * so in its log, and does not call reload()). */
  const char *(*config_get)(lb_plugin *p, const char *section, const char *key);
  void (*config_each)(lb_plugin *p, lb_config_fn fn, void *userdata);

  /* Storage: the shared database (SQLite, WAL, synchronous=FULL). db() is
   * never NULL; use it to read, and write only through db_write and
   * db_save_behind (host API 3), never with a BEGIN of the plugin's own. Use it with the system's
   * shared libsqlite3 (include <sqlite3.h>, link `pkg-config --libs sqlite3`), the library the
   * daemon uses; a static or bundled SQLite must never touch this handle. Name tables
   * "<plugin>_..." . db_migrate() applies, in one transaction, the steps from the plugin's recorded
   * schema version up to the number of steps (a NULL-terminated array of SQL scripts; step i makes
   * version i+1) and records the new version. Fails (-EPROTO, logged) when the database was written
   * by a newer plugin. */
  struct sqlite3 *(*db)(lb_plugin *p);
  int (*db_migrate)(lb_plugin *p, const char *const *steps);

  /* ---- host API 2 ---- */

  /* Declare during init(), like methods. */
  int (*declare_property)(lb_plugin *p, const lb_property *prop);
  void (*property_changed)(lb_plugin *p, const char *name);
  /* A duration as the wire and the config write them: "90", "90s", "1m30s",
   * "2min", "1.5min", "1h". Returns 0, or -EINVAL with err saying what is
   * wrong and which forms work. */
  int (*parse_duration)(const char *text, uint64_t *ret_seconds, char *err, size_t errlen);

  /* ---- host API 3 ---- */

  /* A durable write (see lb_db_write_fn): done is called exactly once, when
   * it is committed and fsync'd or has failed, on a later loop turn, never
   * inside db_write: the durable writes of one loop turn share one
   * transaction and one fsync (one failing is then retried alone, so only it
   * fails). When another program holds the database's lock the host retries
   * from a timer for up to 10 s, then fails it. Writes run in the order they
   * were asked for, across plugins. done may be NULL. */
  void (*db_write)(lb_plugin *p, lb_db_write_fn write, lb_db_done_fn done, void *userdata);
  /* Write-behind, once per plugin during init(): after each loop turn in
   * which db_touch() noted ids, save() gets them all in one transaction. A
   * save that fails keeps its ids and is retried (soon after a lock, with
   * backoff after other errors) until it lands: nothing noted is dropped.
   * saved() (may be NULL) hears the outcome of each attempt. Before the
   * plugin's shutdown() the host saves what is noted, waiting up to 5 s for
   * a lock; what shutdown() itself changes is not saved. */
  int (*db_save_behind)(lb_plugin *p, lb_db_save_fn save, lb_db_done_fn saved, void *userdata);
  /* Note that object id changed (0: no object, but a save is wanted). */
  void (*db_touch)(lb_plugin *p, uint64_t id);
  /* Words for a person about a failed SQLite call, from the code it
   * returned (or sqlite3_step's last code): what happened and what to do. A
   * damaged database says so (and the host logs it); a plugin answers that
   * instead of a partial result. Valid until the next call. */
  const char *(*db_error)(lb_plugin *p, int sqlite_rc);

  /* A file at a path a client named (an export): path must be absolute and
   * name a regular file or a new name; lumbard's own files (its database
   * and journal, its config, its socket, anything in its data directory),
   * directories, devices, FIFOs and symbolic links are refused. The data
   * goes to a new temporary file beside it (mode 0600, or the mode of the
   * file it replaces), which output_close(o, true) renames over path; false
   * deletes it. NULL with err saying why. */
  lb_output *(*output_open)(lb_plugin *p, const char *path, char *err, size_t errlen);
  int (*output_fd)(const lb_output *o);
  /* 0, or a negative errno with err; o is freed either way. */
  int (*output_close)(lb_output *o, bool commit, char *err, size_t errlen);
  /* A duration in the one style every client prints: "45s", "2min",
   * "1min 30s", "1h 5min", "1d 2h 5s" (parse_duration reads it back). */
  void (*format_duration)(uint64_t seconds, char *buf, size_t len);
  /* Call a declared method of another plugin by its full name ("rest.start"),
   * as a client would: params are what a client sends (positional values,
   * then the options map; borrowed), checked against the declaration. The
   * request runs on a later loop turn, never inside call(); done hears the
   * answer exactly once, on a turn after the one it was given in (not if
   * the caller is unloaded first). Methods of the core (daemon.*) are the
   * clients' and answer no_such_method. Returns 0, or -EINVAL for a name
   * that cannot be a method's. */
  int (*call)(lb_plugin *p, const char *method, const lb_value *params, size_t n_params,
              lb_call_done_fn done, void *userdata);
  /* A read that may take long (a whole export, all-history statistics),
   * off the loop (see lb_db_read_fn): the loop serves every other client
   * and fires every timer meanwhile. done hears the outcome on the loop,
   * exactly once: 0, or a negative errno and error in words for a person.
   * When the plugin is unloaded, its reads are stopped and waited for, and
   * their done hears -ECANCELED before its shutdown() runs; a read asked
   * for from then on is refused at once (done hears -ECANCELED inside
   * db_read). read() must not read local time (localtime, mktime): the loop
   * may be changing TZ meanwhile; take what needs it before, or in done. */
  void (*db_read)(lb_plugin *p, lb_db_read_fn read, lb_db_done_fn done, void *userdata);
};

/* Declare a table of methods and a table of events in init(): 0, or the
 * first declaration's error (already logged by the host). */
static inline int lb_declare_all(const lb_host *h, lb_plugin *p, const lb_method *methods,
                                 size_t n_methods, const lb_event *events, size_t n_events) {
  for (size_t i = 0; i < n_methods; i++) {
    int r = h->declare_method(p, &methods[i]);
    if (r < 0)
      return r;
  }
  for (size_t i = 0; i < n_events; i++) {
    int r = h->declare_event(p, &events[i]);
    if (r < 0)
      return r;
  }
  return 0;
}

#define LB_COUNT(array) (sizeof(array) / sizeof((array)[0]))

/* Whether the running daemon's host table has a member. */
#define LB_HOST_HAS(host, member)                                                                  \
  ((host)->size >= offsetof(lb_host, member) + sizeof(((lb_host *)0)->member))

/* ---- the descriptor -------------------------------------------------------- */

typedef struct lb_plugin_desc {
  uint32_t abi;     /* LB_PLUGIN_ABI the plugin was built with */
  uint32_t size;    /* sizeof(lb_plugin_desc) the plugin was built with */
  const char *name; /* [a-z][a-z0-9_]*, unique: the method prefix and D-Bus interface */
  const char *version;
  const char *description;
  /* Declare, restore state, arm timers. Return 0, or a negative errno after
   * logging why: the plugin is then unloaded and the daemon runs on. */
  int (*init)(lb_plugin *p, const lb_host *host);
  /* Stop and free. Timers, listeners and declarations are removed by the
   * host afterwards; calls still deferred are answered "internal". */
  void (*shutdown)(lb_plugin *p);
  /* The config was reloaded (SIGHUP, daemon.reload). May be NULL. */
  void (*reload)(lb_plugin *p);
} lb_plugin_desc;

#define LB_PLUGIN_SYMBOL "lumbard_plugin"

#define LB_PLUGIN_DEFINE(...)                                                                      \
  LB_PLUGIN_EXPORT const lb_plugin_desc lumbard_plugin = {                                         \
      .abi = LB_PLUGIN_ABI, .size = sizeof(lb_plugin_desc), __VA_ARGS__}

#ifdef __cplusplus
}
#endif

#endif /* LUMBARD_PLUGIN_H */
