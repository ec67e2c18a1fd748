/* posture — a break reminder for people who sit at a desk: the SDK's tutorial.
 *
 * Every `every` minutes of sitting (45 by default) it publishes posture.due
 * with a message telling the person to get up; posture.took_break() counts a
 * break (kept in the shared database, so breaks_today survives a restart) and
 * starts the next stretch of sitting from now. With `stand` set, a reminder
 * also asks the rest plugin to time the standing break (a call into another
 * plugin). Read it top to bottom: the sections follow the life of a plugin,
 * from its state to its descriptor.
 *
 * Build it against the installed SDK (see README.md): one header, no library
 * of lumbard's to link. The database handle the host lends us is SQLite's, so
 * we include <sqlite3.h> and link the system libsqlite3, the same shared
 * library the daemon uses. */
#define _POSIX_C_SOURCE 200809L /* localtime_r under -std=c11 */
#include <errno.h>
#include <lumbard/plugin.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdlib.h>
#include <time.h>

#define DEFAULT_EVERY_S (45u * 60)
#define DAY_S 86400u
#define SLEPT_MS (5 * 60 * 1000) /* a timer this late means the machine was asleep */
#define DEFAULT_MESSAGE                                                                            \
  "Time to get up: stand, walk for a few minutes, and do a few standing hip extensions. "          \
  "Long sitting stiffens the lower back; moving often keeps it easier."

/* ---- state ----------------------------------------------------------------
 *
 * Everything runs on the daemon's one loop thread, so plain statics are safe:
 * no callback of ours ever runs concurrently with another. A plugin is loaded
 * once per daemon, which is why file-scope state is the usual shape. */

static const lb_host *host; /* the host's function table, valid until shutdown */
static lb_plugin *self;     /* our handle, the first argument of most host calls */

static uint32_t every_s = DEFAULT_EVERY_S;
/* config_get() strings stay valid until our reload() callback, so we may keep
 * the pointer instead of copying the text; reload() fetches it again. */
static const char *message = DEFAULT_MESSAGE;
static uint32_t stand_s; /* the standing break the rest plugin times, 0: none */
static bool can_call;    /* whether this lumbard's host table has call() */

static uint64_t timer; /* the one timer armed, 0 when none */
static int64_t due_ms; /* its deadline, on LB_CLOCK_MONOTONIC */

/* ---- storage ----------------------------------------------------------------
 *
 * Our tables live in the shared database and are named "<plugin>_...".
 * db_migrate() runs the steps we have not run yet, each once, in one
 * transaction: to change the schema later, append a step, never edit one. */

static const char *const schema[] = {
    "CREATE TABLE posture_breaks(at INTEGER NOT NULL); /* unix seconds */"
    "CREATE INDEX posture_breaks_at ON posture_breaks(at);",
    NULL};

/* Local midnight today, as unix seconds: "today" is the person's day. */
static int64_t today_start(void) {
  time_t now = (time_t)(host->now_ms(LB_CLOCK_WALL) / 1000);
  struct tm tm;
  localtime_r(&now, &tm);
  tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
  tm.tm_isdst = -1; /* let mktime work out whether midnight was in DST */
  return (int64_t)mktime(&tm);
}

/* Run one statement that takes one integer, and read the first column of its
 * row when ret_value is not NULL. Returns 0, or -EIO after logging what SQLite
 * said, prefixed with what we were doing. */
static int run_sql(const char *what, const char *sql, int64_t arg, int64_t *ret_value) {
  sqlite3 *db = host->db(self);
  sqlite3_stmt *st = NULL;
  int want = ret_value ? SQLITE_ROW : SQLITE_DONE;
  int r = -EIO;
  if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK &&
      sqlite3_bind_int64(st, 1, arg) == SQLITE_OK && sqlite3_step(st) == want) {
    if (ret_value)
      *ret_value = sqlite3_column_int64(st, 0);
    r = 0;
  } else {
    host->log(self, LB_LOG_ERR, "cannot %s: %s", what, sqlite3_errmsg(db));
  }
  sqlite3_finalize(st); /* accepts NULL, like free() */
  return r;
}

/* Breaks since local midnight. Counting in SQL rather than keeping a counter
 * means nothing to reset at midnight and nothing to restore at start. */
static int count_today(uint32_t *ret) {
  int64_t n;
  int r = run_sql("count today's breaks", "SELECT count(*) FROM posture_breaks WHERE at >= ?",
                  today_start(), &n);
  if (r == 0)
    *ret = (uint32_t)n;
  return r;
}

/* Writes go through the host (host API 3): it runs write_break inside a
 * transaction it begins and ends, on the database every plugin shares, and
 * tells break_saved once the row is on disk (synchronous=FULL) or why not.
 * Another program holding the database's lock makes the host retry later,
 * so write_break may run twice: it writes only what its userdata says. */
typedef struct taking {
  lb_call *call;
  int64_t at;
  uint32_t breaks; /* counted before this one */
} taking;

static int write_break(lb_plugin *p, sqlite3 *db, void *userdata) {
  (void)p;
  const taking *t = userdata;
  sqlite3_stmt *st;
  int rc = sqlite3_prepare_v2(db, "INSERT INTO posture_breaks(at) VALUES(?)", -1, &st, NULL);
  if (rc != SQLITE_OK)
    return rc; /* the host rolls back and tells break_saved */
  sqlite3_bind_int64(st, 1, t->at);
  rc = sqlite3_step(st) == SQLITE_DONE ? SQLITE_OK : sqlite3_extended_errcode(db);
  sqlite3_finalize(st); /* every statement finalized: the host commits next */
  return rc;
}

static void reply_status(lb_call *call, uint32_t breaks);
static void arm(uint32_t seconds);

static void break_saved(lb_plugin *p, int result, const char *error, void *userdata) {
  (void)p;
  taking *t = userdata;
  if (result < 0) {
    /* error is in words the person can act on (a full disk, a lock) */
    host->fail(t->call, LB_ERR_INTERNAL, "the break was not saved: %s", error);
  } else {
    arm(every_s);
    lb_value ev = LB_MAP({"at", lb_v_int(t->at)}, {"breaks_today", lb_v_uint(t->breaks + 1)});
    host->emit(self, "break_taken", &ev);
    reply_status(t->call, t->breaks + 1);
  }
  free(t);
}

/* ---- the timer ----------------------------------------------------------------
 *
 * Sitting time is a duration, so the deadline is on LB_CLOCK_MONOTONIC (it
 * counts suspend too). Calendar deadlines ("at 18:00") would use
 * LB_CLOCK_WALL. Timers are one-shot: the callback arms the next one. */

static void on_due(lb_plugin *p, uint64_t id, void *userdata);
static int time_the_stand(void);

static void arm(uint32_t seconds) {
  host->timer_stop(self, timer); /* a no-op for 0 or a timer that already fired */
  due_ms = host->now_ms(LB_CLOCK_MONOTONIC) + (int64_t)seconds * 1000;
  timer = host->timer_start(self, LB_CLOCK_MONOTONIC, due_ms, on_due, NULL);
}

/* rest_id: the rest timing the standing break, 0 when none does. */
static void emit_due(uint64_t rest_id) {
  uint32_t breaks = 0;
  if (count_today(&breaks) < 0)
    breaks = 0; /* already logged; the reminder matters more than the count */
  /* Fields must include every declared field, with its declared type. emit()
   * logs its own errors; the return value is for plugins that need to react. */
  lb_value ev = LB_MAP({"message", lb_v_str(message)}, {"breaks_today", lb_v_uint(breaks)},
                       {"rest_id", lb_v_uint(rest_id)});
  host->emit(self, "due", &ev);
}

static void on_due(lb_plugin *p, uint64_t id, void *userdata) {
  (void)p, (void)id, (void)userdata;
  timer = 0;
  int64_t late_ms = host->now_ms(LB_CLOCK_MONOTONIC) - due_ms;
  arm(every_s);
  /* The loop never stalls for minutes, so this late means the machine slept:
   * whoever sat there has been up since. Start a new stretch quietly rather
   * than nag the moment the lid opens. */
  if (late_ms > SLEPT_MS)
    return;
  if (stand_s && can_call && time_the_stand() == 0)
    return; /* stand_timed emits the reminder once the rest plugin has answered */
  emit_due(0);
}

/* ---- a call into another plugin ----------------------------------------------------
 *
 * With `stand` set, a reminder asks the rest plugin to time the standing
 * break: rest.start(stand, {label: "posture"}), called by its full name as a
 * client would call it, its arguments checked against rest's declaration.
 * We never link against rest, nor need it loaded: the host runs the call on
 * a later loop turn and stand_timed hears the answer, exactly once, on a
 * turn after that (or never, if we are unloaded first). Nothing here waits,
 * so the reminder is emitted from stand_timed, with the rest's id. */

static void stand_timed(lb_plugin *p, const lb_value *result, int error, const char *text,
                        void *userdata) {
  (void)p, (void)userdata;
  const lb_value *id = error ? NULL : lb_map_get(result, "id");
  if (error == LB_ERR_NO_SUCH_METHOD)
    /* rest is not loaded (or has no start): the reminder comes all the same */
    host->log(self, LB_LOG_INFO, "[posture] stand: no rest plugin to time the break (%s)", text);
  else if (error)
    host->log(self, LB_LOG_WARNING, "[posture] stand: rest.start refused: %s", text);
  emit_due(id && id->kind == LB_UINT ? id->as.u : 0);
}

/* 0 when the call is on its way; stand_timed then emits the reminder. */
static int time_the_stand(void) {
  lb_value params[] = {lb_v_uint(stand_s), LB_MAP({"label", lb_v_str("posture")})};
  /* the host copies params before call() returns: the stack is fine */
  return host->call(self, "rest.start", params, LB_COUNT(params), stand_timed, NULL);
}

/* ---- methods ----------------------------------------------------------------------
 *
 * A handler gets the arguments already checked against the declaration below,
 * defaults filled in; it must answer with reply() or fail() exactly once. */

/* The map every method answers with; it must match status_fields. */
static void reply_status(lb_call *call, uint32_t breaks) {
  int64_t left_ms = due_ms - host->now_ms(LB_CLOCK_MONOTONIC);
  int64_t next_at = (host->now_ms(LB_CLOCK_WALL) + (left_ms > 0 ? left_ms : 0) + 999) / 1000;
  lb_value v = LB_MAP({"next_at", lb_v_int(next_at)}, {"every_s", lb_v_uint(every_s)},
                      {"breaks_today", lb_v_uint(breaks)});
  host->reply(call, &v); /* the host copies v: the stack is fine */
}

static void m_status(lb_call *call, const lb_value *args, void *userdata) {
  (void)args, (void)userdata;
  uint32_t breaks;
  if (count_today(&breaks) < 0) {
    host->fail(call, LB_ERR_INTERNAL,
               "cannot read today's breaks from the database; the lumbard log says why");
    return;
  }
  reply_status(call, breaks);
}

static void m_took_break(lb_call *call, const lb_value *args, void *userdata) {
  (void)args, (void)userdata;
  /* Check everything that can fail before changing anything: a failed call
   * leaves the plugin as it was. */
  uint32_t breaks;
  if (count_today(&breaks) < 0) {
    host->fail(call, LB_ERR_INTERNAL,
               "cannot read today's breaks from the database; the lumbard log says why");
    return;
  }
  taking *t = malloc(sizeof(*t));
  if (!t) {
    host->fail(call, LB_ERR_INTERNAL, "out of memory");
    return;
  }
  *t = (taking){.call = call, .at = host->now_ms(LB_CLOCK_WALL) / 1000, .breaks = breaks};
  /* Answered in break_saved, on a later loop turn; the call
   * stays valid until it is answered. */
  host->db_write(self, write_break, break_saved, t);
}

static void m_snooze(lb_call *call, const lb_value *args, void *userdata) {
  (void)userdata;
  /* args[0] is LB_UINT seconds: "10m" and 600 arrive alike, and the host has
   * already refused anything outside [min, max]. */
  uint32_t breaks;
  if (count_today(&breaks) < 0) {
    host->fail(call, LB_ERR_INTERNAL,
               "cannot read today's breaks from the database; the lumbard log says why");
    return;
  }
  arm((uint32_t)args[0].as.u);
  reply_status(call, breaks);
}

/* ---- declarations ------------------------------------------------------------------
 *
 * Static tables, as the host keeps pointers to them until we are unloaded.
 * Each array ends with an entry whose name is NULL ({0}). From these alone
 * the daemon serves posture.status on the socket and Posture.Status on
 * D-Bus, describes us in `lumbarctl plugins`, and checks every call. */

static const lb_field status_fields[] = {
    {.name = "next_at", .type = LB_T_TIME, .doc = "when the next reminder is due, unix s"},
    {.name = "every_s", .type = LB_T_UINT, .doc = "the reminder interval, s"},
    {.name = "breaks_today", .type = LB_T_UINT, .doc = "breaks taken since local midnight"},
    {0}};

/* lb_v_uint() is not a constant expression, so a default in a static table
 * is spelt out as the lb_value it makes. */
static const lb_param snooze_params[] = {{.name = "duration",
                                          .type = LB_T_DURATION,
                                          .optional = true,
                                          .def = LB_DEF_UINT(600),
                                          .min = 1,
                                          .max = DAY_S,
                                          .doc = "how long until the next reminder"},
                                         {0}};

static const lb_method methods[] = {
    {.name = "status",
     .doc = "When the next break is due and how many were taken today.",
     .result = LB_T_MAP,
     .result_fields = status_fields,
     .handler = m_status},
    {.name = "took_break",
     .doc = "Count a break and start the next stretch of sitting from now.",
     .result = LB_T_MAP,
     .result_fields = status_fields,
     .handler = m_took_break},
    {.name = "snooze",
     .doc = "Remind later, without counting a break.",
     .params = snooze_params,
     .result = LB_T_MAP,
     .result_fields = status_fields,
     .handler = m_snooze},
};

/* D-Bus signals carry the fields as arguments in this order: Posture.Due(s
 * message, u breaks_today, t rest_id), Posture.BreakTaken(x at, u breaks_today). */
static const lb_field due_fields[] = {
    {.name = "message", .type = LB_T_STRING},
    {.name = "breaks_today", .type = LB_T_UINT},
    {.name = "rest_id", .type = LB_T_U64, .doc = "the rest timing the standing break; 0: none"},
    {0}};
static const lb_field break_fields[] = {
    {.name = "at", .type = LB_T_TIME}, {.name = "breaks_today", .type = LB_T_UINT}, {0}};

static const lb_event events[] = {
    {.name = "due", .doc = "Time to get up and move.", .fields = due_fields},
    {.name = "break_taken", .doc = "A break was counted.", .fields = break_fields},
};

/* ---- config ---------------------------------------------------------------------------
 *
 *   [posture]
 *   every = 45m
 *   message = ...
 *   stand = 3m
 *
 * A bad value is logged and replaced by the default: the daemon runs on. */

/* [posture] key, a duration of min s to a day; def when unset or unusable
 * (logged, with def_words naming the default). */
static uint32_t config_seconds(const char *key, uint32_t min, uint32_t def, const char *def_words) {
  const char *text = host->config_get(self, NULL, key);
  char err[256];
  uint64_t s;
  if (!text)
    return def;
  if (host->parse_duration(text, &s, err, sizeof(err)) < 0) {
    host->log(self, LB_LOG_WARNING, "[posture] %s: %s; using %s", key, err, def_words);
    return def;
  }
  if (s < min || s > DAY_S) {
    host->log(self, LB_LOG_WARNING, "[posture] %s = %s: must be %u s to 24 h; using %s", key, text,
              min, def_words);
    return def;
  }
  return (uint32_t)s;
}

static void load_config(void) {
  every_s = config_seconds("every", 1, DEFAULT_EVERY_S, "45 min");
  message = host->config_get(self, NULL, "message");
  if (!message || !*message)
    message = DEFAULT_MESSAGE;
  stand_s = config_seconds("stand", 0, 0, "none");
  if (stand_s && !can_call)
    host->log(self, LB_LOG_NOTICE,
              "[posture] stand: this lumbard cannot call other plugins (host API %u without "
              "call): reminders come without a timed break",
              host->api);
}

/* ---- life cycle --------------------------------------------------------------------------- */

static int init(lb_plugin *p, const lb_host *h) {
  host = h;
  self = p;
  /* The host table only grows. db_write came with host API 3: a daemon
   * older than that lacks it, so say so rather than call through garbage. */
  if (!LB_HOST_HAS(h, db_write)) {
    h->log(p, LB_LOG_ERR, "this lumbard is too old (host API %u, posture needs 3): upgrade it",
           h->api);
    return -ENOTSUP;
  }
  /* call came later in host API 3; without it, only `stand` is lost. */
  can_call = LB_HOST_HAS(h, call);
  /* The host has logged what was wrong with a declaration or the schema;
   * returning an error unloads us cleanly and the daemon runs on. */
  if (lb_declare_all(h, p, methods, LB_COUNT(methods), events, LB_COUNT(events)) < 0)
    return -EINVAL;
  if (h->db_migrate(p, schema) < 0)
    return -EIO;
  load_config();
  arm(every_s); /* a new stretch of sitting starts with the daemon */
  return 0;
}

/* SIGHUP or daemon.reload: our config pointers are stale now, read them again.
 * A changed interval starts a new stretch; an unchanged one keeps its timer. */
static void reload(lb_plugin *p) {
  (void)p;
  uint32_t before = every_s;
  load_config();
  if (every_s != before)
    arm(every_s);
}

/* Nothing to free: the host stops our timer and removes our declarations
 * after this returns, and our state is static. */
static void shutdown(lb_plugin *p) {
  (void)p;
}

/* The one exported symbol. The name is the method prefix ("posture.status")
 * and the D-Bus interface (org.lumbard.Lumbard1.Posture). Build with
 * -fvisibility=hidden: LB_PLUGIN_DEFINE exports only this. */
LB_PLUGIN_DEFINE(.name = "posture", .version = "1.0",
                 .description = "desk break reminders: get up and move every 45 minutes",
                 .init = init, .shutdown = shutdown, .reload = reload);
