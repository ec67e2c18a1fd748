/* train.h — what the parts of the train plugin share (train.c: settings,
 * storage, declarations; train_log.c: sets and sessions). */
#ifndef LUMBARD_PLUGINS_TRAIN_H
#define LUMBARD_PLUGINS_TRAIN_H

#include <lumbard/plugin.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TRAIN_NAME_MAX 64
#define TRAIN_LB_KG 0.45359237         /* one pound, exactly, in kg */
#define TRAIN_SESSION_GAP_S (2 * 3600) /* sets further apart are two sessions */
#define TRAIN_WARMED_UP_S (3 * 3600)   /* a warm-up this long before a session's first set */

/* An exercise of the config ([train.exercise.NAME]). */
typedef struct train_exercise {
  char name[TRAIN_NAME_MAX];
  char label[TRAIN_NAME_MAX];
  char description[512];
  char reps[32];               /* as the programme says it: "20-30" */
  char weight[64];             /* as the programme says it: "light to moderate weight" */
  char preset[TRAIN_NAME_MAX]; /* the rest preset whose sets are sets of this exercise */
  uint32_t rest;               /* seconds; 0: the rest plugin's default */
  uint32_t until;              /* seconds; 0: none */
  uint32_t sets;               /* sets a session; 0: not counted */
  uint32_t target;             /* sessions a week the programme asks for; 0: none */
  char aliases[256]; /* other apps' names for it, ";" between: "Hip Abduction (Machine)" */
} train_exercise;

typedef struct train_settings {
  bool lb; /* weights typed and shown in pounds */
  char warmup_reminder[TRAIN_NAME_MAX], warmup_preset[TRAIN_NAME_MAX];
  train_exercise *exercises;
  size_t n_exercises;
} train_settings;

extern const lb_host *train_host;
extern lb_plugin *train_self;
extern train_settings train_cfg;

int64_t train_now_s(void);
const train_exercise *train_exercise_find(const char *name);

/* A name of lower-case letters, digits, - and _, under TRAIN_NAME_MAX. */
bool train_valid_name(const char *s);
/* name as a slug: lower-case letters and digits, "-" for anything between
 * ("Hip Abduction (Machine)" is hip-abduction-machine). */
void train_slug(const char *name, char *out, size_t len);
/* The config's exercise whose name or one of whose aliases name is, as
 * slugs; NULL when none. */
const train_exercise *train_exercise_alias(const char *name);

/* train_log.c */
/* Ids, taken on the loop (where writes run too): a set's, a session's. */
uint64_t train_peek_set_id(void);
uint64_t train_take_set_id(void);
uint64_t train_take_session_id(void);
/* The open session read again from the database (after an import). */
void train_log_reload(void);
/* In a write: the session a set at `at` falls within two hours of (0:
 * none), not counting the set exclude_set; a session's bounds widened to
 * take `at` (made when new). */
struct sqlite3;
int train_find_session(struct sqlite3 *db, int64_t at, uint64_t exclude_set, uint64_t *ret);
int train_write_session(struct sqlite3 *db, uint64_t id, int64_t at);
int train_log_init(void);
void train_log_shutdown(void);
void train_m_log(lb_call *call, const lb_value *args, void *ud);
void train_m_amend(lb_call *call, const lb_value *args, void *ud);
void train_m_remove(lb_call *call, const lb_value *args, void *ud);
void train_m_history(lb_call *call, const lb_value *args, void *ud);
void train_m_sessions(lb_call *call, const lb_value *args, void *ud);
void train_m_exercises(lb_call *call, const lb_value *args, void *ud);
void train_on_event(lb_plugin *p, const char *name, const lb_value *fields, void *ud);

/* train_progress.c */
void train_m_progress(lb_call *call, const lb_value *args, void *ud);
/* An estimated one-rep max (Epley: weight x (1 + reps / 30)). */
double train_e1rm(double weight_kg, uint32_t reps);

/* train_export.c */
void train_m_export(lb_call *call, const lb_value *args, void *ud);

/* train_import.c */
void train_m_import(lb_call *call, const lb_value *args, void *ud);
void train_import_shutdown(void);

#endif
