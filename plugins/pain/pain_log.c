/* The diary's entries: pain.log, pain.amend, pain.remove (each on disk
 * before its answer, red flags raised at once) and pain.history. */
#include <ctype.h>
#include <lumbard/plugin.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "pain.h"
#include "xalloc.h"

#define MIN_AT 946684800 /* 2000-01-01 */

static const char *const locations[] = {
    "lower-back", "lower-back-left", "lower-back-right", "glute-left", "glute-right",
    "hip-left",   "hip-right",       "leg-left",         "leg-right",  NULL};

typedef struct symptom {
  const char *key;
  const char *advice; /* red flags only */
} symptom;

#define SEEK "lumbard is not a medical device and cannot tell what is wrong."
static const symptom symptoms[] = {
    {"saddle-numbness",
     "Numbness around the groin, buttocks or inner thighs needs urgent medical care. Go to an "
     "emergency department now, or call your local emergency number. " SEEK},
    {"bladder-bowel",
     "New trouble passing or holding urine or stool needs urgent medical care. Go to an "
     "emergency department now, or call your local emergency number. " SEEK},
    {"leg-weakness",
     "Weakness in a leg that is getting worse needs urgent medical care. See a doctor today, or "
     "go to an emergency department. " SEEK},
    {"fever",
     "Back pain with a fever needs urgent medical care. See a doctor today, or call your local "
     "urgent care line. " SEEK},
    {"weight-loss",
     "Back pain with weight loss you cannot explain needs urgent medical care. See a doctor "
     "as soon as you can. " SEEK},
    {"night-pain",
     "Back pain that wakes you at night or does not ease with rest needs urgent medical care. "
     "See a doctor as soon as you can. " SEEK},
    {"trauma",
     "Back pain after a fall, an accident or a heavy blow needs urgent medical care. Go to an "
     "emergency department now. " SEEK},
    {"stiffness", NULL},
    {"spasm", NULL},
    {"radiating", NULL},
    {"tingling", NULL},
};
#define N_SYMPTOMS (sizeof(symptoms) / sizeof(symptoms[0]))

/* ---- log ---------------------------------------------------------------------------- */

static bool in_list(const char *const *list, const char *s) {
  for (size_t i = 0; list[i]; i++)
    if (strcmp(list[i], s) == 0)
      return true;
  return false;
}

static const symptom *find_symptom(const char *key) {
  for (size_t i = 0; i < N_SYMPTOMS; i++)
    if (strcmp(symptoms[i].key, key) == 0)
      return &symptoms[i];
  return NULL;
}

static bool plain_text(const char *s) {
  for (const unsigned char *p = (const unsigned char *)s; *p; p++)
    if (*p < 0x20 && *p != '\t')
      return false;
  return true;
}

/* What a client gave for an entry (pain.log, pain.amend), checked. */
enum { F_LEVEL = 1, F_LOCATION = 2, F_TRIGGER = 4, F_NOTE = 8, F_SYMPTOMS = 16, F_AT = 32 };

typedef struct entry_in {
  unsigned given; /* F_*: what the client named */
  int64_t level, at;
  char location[64], trigger[65], symptoms[256];
  char *note;    /* owned */
  uint32_t mask; /* the symptoms, a bit per entry of the table */
} entry_in;

static uint32_t symptoms_mask(const char *text) {
  uint32_t mask = 0;
  char copy[256];
  snprintf(copy, sizeof(copy), "%s", text ? text : "");
  for (char *save = NULL, *tok = strtok_r(copy, ",", &save); tok;
       tok = strtok_r(NULL, ",", &save)) {
    const symptom *sy = find_symptom(tok);
    if (sy)
      mask |= 1u << (sy - symptoms);
  }
  return mask;
}

/* Check what opts gives; fail call and return false on the first problem. */
static bool read_fields(lb_call *call, const lb_value *opts, int64_t now, entry_in *f) {
  const lb_value *v;
  if ((v = lb_map_get(opts, "level"))) {
    f->level = (int64_t)v->as.u;
    f->given |= F_LEVEL;
  }
  if ((v = lb_map_get(opts, "location"))) {
    if (*v->as.str.ptr && !in_list(locations, v->as.str.ptr)) {
      pain_host->fail(call, LB_ERR_INVALID_PARAMS,
                      "option 'location' must be one of lower-back, lower-back-left, "
                      "lower-back-right, glute-left, glute-right, hip-left, hip-right, leg-left, "
                      "leg-right; got \"%.40s\"",
                      v->as.str.ptr);
      return false;
    }
    snprintf(f->location, sizeof(f->location), "%s", v->as.str.ptr);
    f->given |= F_LOCATION;
  }
  if ((v = lb_map_get(opts, "trigger"))) {
    const char *t = v->as.str.ptr;
    while (isspace((unsigned char)*t))
      t++;
    size_t n = strlen(t);
    while (n && isspace((unsigned char)t[n - 1]))
      n--;
    if (n > 64 || !plain_text(t)) {
      pain_host->fail(
          call, LB_ERR_INVALID_PARAMS,
          "option 'trigger' must be up to 64 characters of plain text, such as deadlift, "
          "bending, lifting, cleaning, sitting, skipped-warm-up, stress");
      return false;
    }
    for (size_t i = 0; i < n; i++)
      f->trigger[i] = (char)tolower((unsigned char)t[i]);
    f->trigger[n] = '\0';
    f->given |= F_TRIGGER;
  }
  if ((v = lb_map_get(opts, "note"))) {
    if (v->as.str.len > 1000) {
      pain_host->fail(call, LB_ERR_INVALID_PARAMS,
                      "option 'note' must be up to 1,000 characters, got %u", v->as.str.len);
      return false;
    }
    f->note = lbu_xstrdup(v->as.str.ptr);
    f->given |= F_NOTE;
  }
  if ((v = lb_map_get(opts, "symptoms"))) {
    /* Each key once: a mask over the table keeps it linear however long
     * the array (a client may send 170,000). */
    size_t off = 0;
    for (uint32_t i = 0; i < v->as.arr.len; i++) {
      const char *key = v->as.arr.items[i].as.str.ptr;
      const symptom *sy = find_symptom(key);
      if (!sy) {
        pain_host->fail(
            call, LB_ERR_INVALID_PARAMS,
            "option 'symptoms': unknown symptom \"%.40s\"; the keys are saddle-numbness, "
            "bladder-bowel, leg-weakness, fever, weight-loss, night-pain, trauma, "
            "stiffness, spasm, radiating, tingling",
            key);
        return false;
      }
      uint32_t bit = 1u << (sy - symptoms);
      if (f->mask & bit)
        continue;
      f->mask |= bit; /* kept in the order first given */
      off += (size_t)snprintf(f->symptoms + off, sizeof(f->symptoms) - off, "%s%s", off ? "," : "",
                              key);
    }
    f->given |= F_SYMPTOMS;
  }
  if ((v = lb_map_get(opts, "at"))) {
    if (v->as.i > now + 60) {
      pain_host->fail(call, LB_ERR_INVALID_PARAMS,
                      "option 'at' is in the future; log now, or an earlier time");
      return false;
    }
    if (v->as.i < MIN_AT) {
      pain_host->fail(call, LB_ERR_INVALID_PARAMS, "option 'at' is before the year 2000");
      return false;
    }
    f->at = v->as.i;
    f->given |= F_AT;
  }
  return true;
}

/* A change of the diary on its way to the disk: a new entry, an amended
 * one, or one removed. The write fills in what the answer says. */
typedef enum change_kind { LOG, AMEND, REMOVE } change_kind;

typedef struct change {
  change_kind kind;
  lb_call *call;
  uint64_t id;       /* LOG: given in the transaction */
  entry_in f;        /* LOG: the entry; AMEND: what changes */
  int64_t logged_at; /* LOG */
  bool missing;      /* AMEND, REMOVE: no such entry */
  uint32_t was_mask; /* AMEND: the symptoms before */
  entry_in now;      /* AMEND: the entry as it is after */
} change;

static void change_free(change *c) {
  free(c->f.note);
  free(c->now.note);
  free(c);
}

/* pain_days keeps each day's worst: after an entry of day changed or went,
 * the day's row is made again from its entries (read by time, the table's
 * key: the day's entries lie within a day of its local midnights). */
static int refresh_day(sqlite3 *db, int64_t day) {
  sqlite3_stmt *st;
  int rc = sqlite3_prepare_v2(db, "DELETE FROM pain_days WHERE day = ?", -1, &st, NULL);
  if (rc != SQLITE_OK)
    return rc;
  sqlite3_bind_int64(st, 1, day);
  if ((rc = pain_step_done(db, st)) != SQLITE_OK)
    return rc;
  rc = sqlite3_prepare_v2(db,
                          "INSERT INTO pain_days(day, worst) SELECT day, max(level) FROM "
                          "pain_entries WHERE at >= ? AND at < ? AND day = ? GROUP BY day",
                          -1, &st, NULL);
  if (rc != SQLITE_OK)
    return rc;
  sqlite3_bind_int64(st, 1, pain_day_start(day) - DAY_S);
  sqlite3_bind_int64(st, 2, pain_day_start(day + 1) + DAY_S);
  sqlite3_bind_int64(st, 3, day);
  return pain_step_done(db, st);
}

/* The statements every pain.log runs, prepared once (a burst of entries
 * shares one transaction); finalized at shutdown. */
static sqlite3_stmt *log_next_id, *log_insert;

static int write_log(sqlite3 *db, change *c) {
  /* Ids are the plugin's (the table is keyed on time): one more than the
   * largest, read from its unique index inside the same transaction. */
  int rc = lbp_prepared(db, &log_next_id, "SELECT coalesce(max(id), 0) + 1 FROM pain_entries");
  if (rc != SQLITE_OK)
    return rc;
  rc = sqlite3_step(log_next_id);
  c->id = rc == SQLITE_ROW ? (uint64_t)sqlite3_column_int64(log_next_id, 0) : 0;
  rc = rc == SQLITE_ROW ? SQLITE_OK : sqlite3_extended_errcode(db);
  sqlite3_reset(log_next_id);
  if (rc != SQLITE_OK ||
      (rc = lbp_prepared(db, &log_insert,
                         "INSERT INTO pain_entries(id, at, day, level, location, trigger, note, "
                         "symptoms, logged_at) VALUES(?,?,?,?,?,?,?,?,?)")) != SQLITE_OK)
    return rc;
  sqlite3_stmt *st = log_insert;
  sqlite3_bind_int64(st, 1, (sqlite3_int64)c->id);
  sqlite3_bind_int64(st, 2, c->f.at);
  sqlite3_bind_int64(st, 3, pain_local_day(c->f.at));
  sqlite3_bind_int64(st, 4, c->f.level);
  sqlite3_bind_text(st, 5, c->f.location, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 6, c->f.trigger, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 7, c->f.note ? c->f.note : "", -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 8, c->f.symptoms, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 9, c->logged_at);
  rc = lbp_step(db, st);
  sqlite3_reset(st);
  return rc;
}

/* The entry id as stored, into f (and its day); false when there is none. */
static int read_entry(sqlite3 *db, uint64_t id, entry_in *f, int64_t *ret_day, bool *ret_found) {
  sqlite3_stmt *st;
  int rc = sqlite3_prepare_v2(db,
                              "SELECT at, day, level, location, trigger, note, symptoms FROM "
                              "pain_entries WHERE id = ?",
                              -1, &st, NULL);
  if (rc != SQLITE_OK)
    return rc;
  sqlite3_bind_int64(st, 1, (sqlite3_int64)id);
  rc = sqlite3_step(st);
  *ret_found = rc == SQLITE_ROW;
  if (rc == SQLITE_ROW) {
    f->at = sqlite3_column_int64(st, 0);
    *ret_day = sqlite3_column_int64(st, 1);
    f->level = sqlite3_column_int64(st, 2);
    snprintf(f->location, sizeof(f->location), "%s", sqlite3_column_text(st, 3));
    snprintf(f->trigger, sizeof(f->trigger), "%s", sqlite3_column_text(st, 4));
    free(f->note);
    f->note = lbu_xstrdup((const char *)sqlite3_column_text(st, 5));
    snprintf(f->symptoms, sizeof(f->symptoms), "%s", sqlite3_column_text(st, 6));
    f->mask = symptoms_mask(f->symptoms);
    rc = SQLITE_OK;
  } else if (rc == SQLITE_DONE) {
    rc = SQLITE_OK;
  } else {
    rc = sqlite3_extended_errcode(db);
  }
  sqlite3_finalize(st);
  return rc;
}

static int write_amend(sqlite3 *db, change *c) {
  int64_t old_day;
  bool found = false;
  int rc = read_entry(db, c->id, &c->now, &old_day, &found);
  if (rc != SQLITE_OK || !found) {
    c->missing = !found;
    return rc;
  }
  c->was_mask = c->now.mask;
  const entry_in *f = &c->f;
  if (f->given & F_LEVEL)
    c->now.level = f->level;
  if (f->given & F_AT)
    c->now.at = f->at;
  if (f->given & F_LOCATION)
    snprintf(c->now.location, sizeof(c->now.location), "%s", f->location);
  if (f->given & F_TRIGGER)
    snprintf(c->now.trigger, sizeof(c->now.trigger), "%s", f->trigger);
  if (f->given & F_NOTE) {
    free(c->now.note);
    c->now.note = lbu_xstrdup(f->note);
  }
  if (f->given & F_SYMPTOMS) {
    c->now.mask = f->mask;
    snprintf(c->now.symptoms, sizeof(c->now.symptoms), "%s", f->symptoms);
  }
  int64_t new_day = pain_local_day(c->now.at);
  sqlite3_stmt *st;
  rc = sqlite3_prepare_v2(db,
                          "UPDATE pain_entries SET at = ?, day = ?, level = ?, location = ?, "
                          "trigger = ?, note = ?, symptoms = ? WHERE id = ?",
                          -1, &st, NULL);
  if (rc != SQLITE_OK)
    return rc;
  sqlite3_bind_int64(st, 1, c->now.at);
  sqlite3_bind_int64(st, 2, new_day);
  sqlite3_bind_int64(st, 3, c->now.level);
  sqlite3_bind_text(st, 4, c->now.location, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 5, c->now.trigger, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 6, c->now.note, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 7, c->now.symptoms, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 8, (sqlite3_int64)c->id);
  if ((rc = pain_step_done(db, st)) != SQLITE_OK || (rc = refresh_day(db, old_day)) != SQLITE_OK)
    return rc;
  return new_day != old_day ? refresh_day(db, new_day) : SQLITE_OK;
}

static int write_remove(sqlite3 *db, change *c) {
  int64_t day;
  bool found = false;
  int rc = read_entry(db, c->id, &c->now, &day, &found);
  if (rc != SQLITE_OK || !found) {
    c->missing = !found;
    return rc;
  }
  sqlite3_stmt *st;
  rc = sqlite3_prepare_v2(db, "DELETE FROM pain_entries WHERE id = ?", -1, &st, NULL);
  if (rc != SQLITE_OK)
    return rc;
  sqlite3_bind_int64(st, 1, (sqlite3_int64)c->id);
  if ((rc = pain_step_done(db, st)) != SQLITE_OK)
    return rc;
  return refresh_day(db, day);
}

static int write_change(lb_plugin *p, sqlite3 *db, void *ud) {
  (void)p;
  change *c = ud;
  switch (c->kind) {
  case LOG:
    return write_log(db, c);
  case AMEND:
    return write_amend(db, c);
  case REMOVE:
    return write_remove(db, c);
  }
  return SQLITE_MISUSE;
}

/* Red flags first: at once, never batched; the answer lists them. */
static size_t emit_red_flags(uint64_t id, uint32_t mask, lb_value *items, lb_pair (*pairs)[2]) {
  size_t n = 0;
  for (size_t i = 0; i < N_SYMPTOMS; i++) {
    const symptom *sy = &symptoms[i];
    if (!(mask & (1u << i)) || !sy->advice)
      continue;
    lb_value ev = LB_MAP({"id", lb_v_uint(id)}, {"symptom", lb_v_str(sy->key)},
                         {"advice", lb_v_str(sy->advice)});
    pain_host->emit(pain_self, "red_flag", &ev);
    pairs[n][0] = (lb_pair){"symptom", lb_v_str(sy->key)};
    pairs[n][1] = (lb_pair){"advice", lb_v_str(sy->advice)};
    items[n] = lb_v_map(pairs[n], 2);
    n++;
  }
  if (n)
    pain_host->log(pain_self, LB_LOG_NOTICE,
                   "entry %llu has red-flag symptoms: urgent care advised", (unsigned long long)id);
  return n;
}

/* The entry as a map, as pain.history shows one (symptoms in the order
 * they were given, as stored). */
static lb_value fields_value(uint64_t id, const entry_in *f, lb_pair *out, lb_value *syms,
                             char (*keys)[32]) {
  size_t n = 0;
  char copy[256];
  snprintf(copy, sizeof(copy), "%s", f->symptoms);
  for (char *save = NULL, *tok = strtok_r(copy, ",", &save); tok && n < N_SYMPTOMS;
       tok = strtok_r(NULL, ",", &save)) {
    snprintf(keys[n], 32, "%s", tok);
    syms[n] = lb_v_str(keys[n]);
    n++;
  }
  out[0] = (lb_pair){"id", lb_v_uint(id)};
  out[1] = (lb_pair){"at", lb_v_int(f->at)};
  out[2] = (lb_pair){"level", lb_v_uint((uint64_t)f->level)};
  out[3] = (lb_pair){"location", lb_v_str(f->location)};
  out[4] = (lb_pair){"trigger", lb_v_str(f->trigger)};
  out[5] = (lb_pair){"note", lb_v_str(f->note ? f->note : "")};
  out[6] = (lb_pair){"symptoms", lb_v_array(syms, n)};
  return lb_v_map(out, 7);
}

static void change_written(lb_plugin *p, int result, const char *error, void *ud) {
  (void)p;
  change *c = ud;
  static const char *const what[] = {"logged", "amended", "removed"};
  lb_value items[N_SYMPTOMS];
  lb_pair pairs[N_SYMPTOMS][2];
  if (result < 0) {
    /* Nothing saved, but advice for a red flag must still reach the person. */
    char advice[2048] = "";
    size_t off = 0;
    for (size_t i = 0; i < N_SYMPTOMS && off < sizeof(advice); i++)
      if ((c->f.mask & (1u << i)) && symptoms[i].advice)
        off += (size_t)snprintf(advice + off, sizeof(advice) - off, " %s", symptoms[i].advice);
    pain_host->log(pain_self, LB_LOG_ERR, "cannot save a pain entry: %s", error);
    pain_host->fail(c->call, LB_ERR_INTERNAL,
                    "the entry could not be saved (%s); nothing was %s%s%s", error, what[c->kind],
                    off ? ". Meanwhile:" : "", advice);
  } else if (c->missing) {
    pain_host->fail(
        c->call, LB_ERR_NOT_FOUND,
        "no entry %llu in the diary; `lumbarctl pain history` shows the entries and their "
        "ids",
        (unsigned long long)c->id);
  } else if (c->kind == LOG) {
    size_t n = emit_red_flags(c->id, c->f.mask, items, pairs);
    lb_value ev = LB_MAP({"id", lb_v_uint(c->id)}, {"level", lb_v_uint((uint64_t)c->f.level)},
                         {"at", lb_v_int(c->f.at)}, {"location", lb_v_str(c->f.location)},
                         {"trigger", lb_v_str(c->f.trigger)});
    pain_host->emit(pain_self, "logged", &ev);
    pain_checkin_answered();
    lb_value r = LB_MAP({"id", lb_v_uint(c->id)}, {"at", lb_v_int(c->f.at)},
                        {"red_flags", lb_v_array(items, n)});
    pain_host->reply(c->call, &r);
  } else if (c->kind == AMEND) {
    /* a red flag the amendment added is raised as for a new entry */
    emit_red_flags(c->id, c->now.mask & ~c->was_mask, items, pairs);
    lb_value ev = LB_MAP({"id", lb_v_uint(c->id)}, {"level", lb_v_uint((uint64_t)c->now.level)},
                         {"at", lb_v_int(c->now.at)});
    pain_host->emit(pain_self, "amended", &ev);
    lb_pair out[7];
    lb_value syms[N_SYMPTOMS];
    char keys[N_SYMPTOMS][32];
    lb_value r = fields_value(c->id, &c->now, out, syms, keys);
    pain_host->reply(c->call, &r);
  } else {
    lb_value ev = LB_MAP({"id", lb_v_uint(c->id)});
    pain_host->emit(pain_self, "removed", &ev);
    pain_host->reply(c->call, &ev);
  }
  change_free(c);
}

void pain_log_m_log(lb_call *call, const lb_value *args, void *ud) {
  (void)ud;
  int64_t now = pain_now_s();
  change *c = lbu_xcalloc(1, sizeof(*c));
  *c = (change){.kind = LOG, .call = call, .logged_at = now};
  if (!read_fields(call, &args[1], now, &c->f)) {
    change_free(c);
    return;
  }
  c->f.level = (int64_t)args[0].as.u;
  if (!(c->f.given & F_AT))
    c->f.at = now;
  /* On disk before the answer: the host commits (fsync'd) before done. */
  pain_host->db_write(pain_self, write_change, change_written, c);
}

void pain_log_m_amend(lb_call *call, const lb_value *args, void *ud) {
  (void)ud;
  change *c = lbu_xcalloc(1, sizeof(*c));
  *c = (change){.kind = AMEND, .call = call, .id = args[0].as.u};
  if (!read_fields(call, &args[1], pain_now_s(), &c->f)) {
    change_free(c);
    return;
  }
  pain_host->db_write(pain_self, write_change, change_written, c);
}

void pain_log_m_remove(lb_call *call, const lb_value *args, void *ud) {
  (void)ud;
  change *c = lbu_xcalloc(1, sizeof(*c));
  *c = (change){.kind = REMOVE, .call = call, .id = args[0].as.u};
  pain_host->db_write(pain_self, write_change, change_written, c);
}

/* ---- history -------------------------------------------------------------------------- */

/* An entry row (id, at, level, location, trigger, note, symptoms) as a map. */
static lb_value entry_value(sqlite3_stmt *st, pain_keep *k) {
  lb_pair *f = pain_keep_mem(k, sizeof(lb_pair) * 7);
  const char *sym = pain_keep_str(k, sqlite3_column_text(st, 6));
  size_t n = 0;
  for (const char *p = sym; *p; p++)
    n += *p == ',';
  n = *sym ? n + 1 : 0;
  lb_value *items = pain_keep_mem(k, sizeof(lb_value) * (n ? n : 1));
  char *copy = (char *)pain_keep_str(k, (const unsigned char *)sym);
  size_t i = 0;
  for (char *save = NULL, *tok = strtok_r(copy, ",", &save); tok && i < n;
       tok = strtok_r(NULL, ",", &save))
    items[i++] = lb_v_str(tok);
  f[0] = (lb_pair){"id", lb_v_uint((uint64_t)sqlite3_column_int64(st, 0))};
  f[1] = (lb_pair){"at", lb_v_int(sqlite3_column_int64(st, 1))};
  f[2] = (lb_pair){"level", lb_v_uint((uint64_t)sqlite3_column_int64(st, 2))};
  f[3] = (lb_pair){"location", lb_v_str(pain_keep_str(k, sqlite3_column_text(st, 3)))};
  f[4] = (lb_pair){"trigger", lb_v_str(pain_keep_str(k, sqlite3_column_text(st, 4)))};
  f[5] = (lb_pair){"note", lb_v_str(pain_keep_str(k, sqlite3_column_text(st, 5)))};
  f[6] = (lb_pair){"symptoms", lb_v_array(items, i)};
  return lb_v_map(f, 7);
}

void pain_log_m_history(lb_call *call, const lb_value *args, void *ud) {
  (void)ud;
  int64_t since, until;
  pain_range_of(&args[0], &since, &until);
  const lb_value *lim = lb_map_get(&args[0], "limit");
  int64_t limit = lim ? (int64_t)lim->as.u : 100;
  sqlite3_stmt *st =
      pain_prepare(call, "SELECT id, at, level, location, trigger, note, symptoms FROM "
                         "pain_entries WHERE at >= ? AND at <= ? ORDER BY at DESC, id DESC "
                         "LIMIT ?");
  if (!st)
    return;
  sqlite3_bind_int64(st, 1, since);
  sqlite3_bind_int64(st, 2, until);
  sqlite3_bind_int64(st, 3, limit);
  pain_keep k = {0};
  lb_value *items = pain_keep_mem(&k, sizeof(lb_value) * (size_t)limit);
  size_t n = 0;
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW)
    items[n++] = entry_value(st, &k);
  sqlite3_finalize(st);
  pain_note_rc(rc);
  if (!pain_read_failed(call)) {
    lb_value v = lb_v_array(items, n);
    pain_host->reply(call, &v);
  }
  pain_keep_free(&k);
}

void pain_log_shutdown(void) {
  sqlite3_finalize(log_next_id);
  sqlite3_finalize(log_insert);
  log_next_id = log_insert = NULL;
}
