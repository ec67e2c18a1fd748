/* pain.h — what the pain plugin's files share; private to plugins/pain/.
 * pain.c is the plugin (settings, shared helpers, storage, config,
 * declarations, init); pain_log.c, pain_stats.c, pain_export.c and
 * pain_checkin.c answer its methods and hear its events. */
#ifndef LUMBARD_PLUGINS_PAIN_H
#define LUMBARD_PLUGINS_PAIN_H

#include <lumbard/plugin.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "calendar.h"

#define DAY_S 86400
#define PAIN_BUCKET_S (7 * DAY_S) /* the sums' (schema version 4, pain.c) */
#define MAX_SCORES 11

/* ---- pain.c -------------------------------------------------------------- */

extern const lb_host *pain_host;
extern lb_plugin *pain_self;

typedef struct pain_settings {
  char checkin[256]; /* a calendar event, or "" for off */
  bool after_routine;
  int64_t scores[MAX_SCORES];
  size_t n_scores;
  char warmup_reminder[64], warmup_preset[64];
} pain_settings;

extern pain_settings pain_cfg;

int64_t pain_now_s(void);
/* The local day number of t: days since 1970-01-01 of t's local date. */
int64_t pain_local_day(int64_t t);
/* The unix time of local midnight of day number d. */
int64_t pain_day_start(int64_t d);

/* Strings that must live until the answer has gone: freed after the reply. */
typedef struct pain_keep {
  char **items;
  size_t n;
} pain_keep;

const char *pain_keep_str(pain_keep *k, const unsigned char *s);
void *pain_keep_mem(pain_keep *k, size_t n);
void pain_keep_free(pain_keep *k);

/* Reads of the diary: a failed one is noted, and fails the answer of the
 * method that made it (pain_read_failed, once the reads are done). */
void pain_note_rc(int rc);
bool pain_read_failed(lb_call *call);
void pain_read_forget(void);
/* A statement on the diary; NULL after a failure, noted (and call failed, if
 * one is given). */
sqlite3_stmt *pain_prepare(lb_call *call, const char *sql);
/* Steps a statement that returns no row and finalizes it. */
int pain_step_done(sqlite3 *db, sqlite3_stmt *st);
/* The since and until of a method's options (all time when not given). */
void pain_range_of(const lb_value *opts, int64_t *since, int64_t *until);

/* ---- pain_log.c: pain.log, pain.amend, pain.remove, pain.history ---------- */

void pain_log_m_log(lb_call *call, const lb_value *args, void *ud);
void pain_log_m_amend(lb_call *call, const lb_value *args, void *ud);
void pain_log_m_remove(lb_call *call, const lb_value *args, void *ud);
void pain_log_m_history(lb_call *call, const lb_value *args, void *ud);
void pain_log_shutdown(void);

/* ---- pain_stats.c: pain.stats ---------------------------------------------- */

void pain_stats_m_stats(lb_call *call, const lb_value *args, void *ud);

/* ---- pain_export.c: pain.export, pain.export_file ------------------------- */

void pain_export_m_export(lb_call *call, const lb_value *args, void *ud);
void pain_export_m_export_file(lb_call *call, const lb_value *args, void *ud);

/* ---- pain_checkin.c: training sessions, warm-ups, check-ins, pain.checkin - */

void pain_checkin_m_checkin(lb_call *call, const lb_value *args, void *ud);
void pain_checkin_on_event(lb_plugin *p, const char *name, const lb_value *fields, void *ud);
void pain_checkin_clock_changed(lb_plugin *p, void *ud);
void pain_checkin_answered(void);
void pain_checkin_schedule(lbu_calendar *cal);
void pain_checkin_shutdown(void);

#endif
