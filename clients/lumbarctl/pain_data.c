/* The pain diary as the pain verbs read it (plugins/pain/README.md): entries
 * copied out of pain.history, the days of a chart with their worst levels
 * and flare-ups, and the sentences that say what pain.stats found. The
 * sentences describe the person's own entries and state the plugin's rules;
 * lumbarctl adds no reading of its own. */
#include <errno.h>
#include <lumbard/rpc.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "lumbarctl.h"

const char lbctl_pain_episode_rule[] =
    "a flare-up starts on a day whose worst is 7 or more and ends when 3 logged days in a "
    "row have a worst of 2 or less";

const char lbctl_pain_disclaimer[] =
    "These figures describe your own entries; lumbard is not a medical device and makes no "
    "diagnosis.";

/* ---- entries ------------------------------------------------------------------- */

int lbctl_pain_history_call(lbctl *ctl, int64_t since, int64_t until, uint64_t limit,
                            const msgpack_object **ret_result) {
  lbctl_request q;
  msgpack_packer *pk = lbctl_request_start(&q, 1);
  msgpack_pack_map(pk, (since != 0) + (until != 0) + (limit != 0));
  if (since) {
    lb_rpc_pack_str(pk, "since");
    msgpack_pack_int64(pk, since);
  }
  if (until) {
    lb_rpc_pack_str(pk, "until");
    msgpack_pack_int64(pk, until);
  }
  if (limit) {
    lb_rpc_pack_str(pk, "limit");
    msgpack_pack_uint64(pk, limit);
  }
  return lbctl_request_send(ctl, &q, "pain.history", ret_result);
}

/* A string value as an allocated copy ("" when absent). */
static char *dup_str(const msgpack_object *s) {
  if (!s || s->type != MSGPACK_OBJECT_STR)
    return strdup("");
  return strndup(s->via.str.ptr, s->via.str.size);
}

/* The symptom keys of an entry joined with ", ". */
static char *join_symptoms(const msgpack_object *list) {
  size_t len = 1;
  uint32_t n = list && list->type == MSGPACK_OBJECT_ARRAY ? list->via.array.size : 0;
  for (uint32_t i = 0; i < n; i++)
    if (list->via.array.ptr[i].type == MSGPACK_OBJECT_STR)
      len += list->via.array.ptr[i].via.str.size + 2;
  char *out = malloc(len);
  if (!out)
    return NULL;
  size_t o = 0;
  for (uint32_t i = 0; i < n; i++) {
    const msgpack_object *k = &list->via.array.ptr[i];
    if (k->type != MSGPACK_OBJECT_STR)
      continue;
    if (o) {
      memcpy(out + o, ", ", 2);
      o += 2;
    }
    memcpy(out + o, k->via.str.ptr, k->via.str.size);
    o += k->via.str.size;
  }
  out[o] = '\0';
  return out;
}

int lbctl_pain_entries_read(const msgpack_object *list, lbctl_pain_entry **ret_entries,
                            size_t *ret_n) {
  uint32_t n = list && list->type == MSGPACK_OBJECT_ARRAY ? list->via.array.size : 0;
  lbctl_pain_entry *e = calloc(n ? n : 1, sizeof(*e));
  if (!e)
    return -ENOMEM;
  for (uint32_t i = 0; i < n; i++) {
    const msgpack_object *m = &list->via.array.ptr[i];
    e[i].id = lbc_msg_map_int0(m, "id");
    e[i].at = lbc_msg_map_int0(m, "at");
    e[i].level = lbc_msg_map_int0(m, "level");
    e[i].location = dup_str(lbc_msg_map_str(m, "location"));
    e[i].trigger = dup_str(lbc_msg_map_str(m, "trigger"));
    e[i].note = dup_str(lbc_msg_map_str(m, "note"));
    e[i].symptoms = join_symptoms(lbc_msg_map_get(m, "symptoms"));
    if (!e[i].location || !e[i].trigger || !e[i].note || !e[i].symptoms) {
      lbctl_pain_entries_free(e, i + 1);
      return -ENOMEM;
    }
  }
  *ret_entries = e;
  *ret_n = n;
  return 0;
}

void lbctl_pain_entries_free(lbctl_pain_entry *entries, size_t n) {
  for (size_t i = 0; entries && i < n; i++) {
    free(entries[i].location);
    free(entries[i].trigger);
    free(entries[i].note);
    free(entries[i].symptoms);
  }
  free(entries);
}

/* ---- episodes and days ------------------------------------------------------------- */

int lbctl_pain_episodes_read(const msgpack_object *stats, lbctl_pain_episode **ret, size_t *ret_n) {
  const msgpack_object *list = lbc_msg_map_get(stats, "episodes");
  uint32_t n = list && list->type == MSGPACK_OBJECT_ARRAY ? list->via.array.size : 0;
  lbctl_pain_episode *ep = calloc(n ? n : 1, sizeof(*ep));
  if (!ep)
    return -ENOMEM;
  for (uint32_t i = 0; i < n; i++) {
    const msgpack_object *m = &list->via.array.ptr[i];
    ep[i].start = lbc_msg_map_int0(m, "start");
    ep[i].end = lbc_msg_map_int0(m, "end");
    ep[i].days = lbc_msg_map_int0(m, "days");
    ep[i].worst = lbc_msg_map_int0(m, "worst");
    ep[i].current = lbc_msg_map_true(m, "current");
    if (!lbc_msg_map_number(m, "average", &ep[i].average))
      ep[i].average = NAN;
    if (ep[i].current && ep[i].end < ep[i].start) /* under way: up to today */
      ep[i].end = lbctl_clock_day_start(lbctl_clock_day(time(NULL)));
  }
  /* Oldest first, whatever order they came in. */
  for (uint32_t i = 1; i < n; i++)
    for (uint32_t j = i; j > 0 && ep[j - 1].start > ep[j].start; j--) {
      lbctl_pain_episode t = ep[j];
      ep[j] = ep[j - 1];
      ep[j - 1] = t;
    }
  *ret = ep;
  *ret_n = n;
  return 0;
}

void lbctl_pain_diary_free(lbctl_pain_diary *d) {
  lbctl_pain_entries_free(d->entries, d->n_entries);
  free(d->days);
  free(d->episodes);
  *d = (lbctl_pain_diary){0};
}

static int out_of_memory(const char *what) {
  fprintf(stderr, "lumbarctl: %s: out of memory\n", what);
  return 1; /* see main(): no status of DESIGN §7 fits */
}

int lbctl_pain_diary_load(lbctl *ctl, int ndays, lbctl_pain_diary *ret) {
  lbctl_pain_diary d = {.ndays = ndays};
  int64_t today = lbctl_clock_day(time(NULL)), first = today - ndays + 1;
  const msgpack_object *result;
  /* The history first: its answer is copied out, while the stats' answer
   * stays where the client read it until the next call. */
  int r = lbctl_pain_history_call(ctl, lbctl_clock_day_start(first), 0, 10000, &result);
  if (r != LBCTL_OK)
    return r;
  if (lbctl_pain_entries_read(result, &d.entries, &d.n_entries) < 0)
    return out_of_memory("pain.history");
  lbctl_request q;
  msgpack_packer *pk = lbctl_request_start(&q, 1);
  msgpack_pack_map(pk, 1);
  lb_rpc_pack_str(pk, "days");
  msgpack_pack_int64(pk, ndays);
  r = lbctl_request_send(ctl, &q, "pain.stats", &d.stats);
  if (r != LBCTL_OK) {
    lbctl_pain_diary_free(&d);
    return r;
  }
  d.days = calloc((size_t)ndays, sizeof(*d.days));
  if (!d.days || lbctl_pain_episodes_read(d.stats, &d.episodes, &d.n_episodes) < 0) {
    lbctl_pain_diary_free(&d);
    return out_of_memory("pain.stats");
  }
  for (int i = 0; i < ndays; i++) {
    d.days[i].day = first + i;
    d.days[i].start = lbctl_clock_day_start(first + i);
    d.days[i].worst = -1;
  }
  for (size_t i = 0; i < d.n_entries; i++) {
    int64_t k = lbctl_clock_day(d.entries[i].at) - first;
    if (k < 0 || k >= ndays)
      continue;
    lbctl_pain_day *day = &d.days[k];
    if (day->entries++ == 0)
      d.logged_days++;
    if (d.entries[i].level > day->worst)
      day->worst = (int)d.entries[i].level;
  }
  for (size_t e = 0; e < d.n_episodes; e++) {
    int64_t from = lbctl_clock_day(d.episodes[e].start) - first;
    int64_t to = lbctl_clock_day(d.episodes[e].end) - first;
    for (int64_t k = from < 0 ? 0 : from; k <= to && k < ndays; k++)
      d.days[k].episode = true;
  }
  *ret = d;
  return LBCTL_OK;
}

int lbctl_pain_parse_days(const lbctl_verb *self, const char *arg, int def, int max, int *ret) {
  uint64_t n;
  if (!arg) {
    *ret = def;
    return LBCTL_OK;
  }
  if (!lbctl_parse_u64(arg, &n) || n < 1 || n > (uint64_t)max)
    return lbctl_usage_error(self, "--days takes a whole number of days from 1 to %d, not '%s'",
                             max, arg);
  *ret = (int)n;
  return LBCTL_OK;
}

/* ---- sentences ------------------------------------------------------------------------ */

void lbctl_pain_place(const char *key, char *buf, size_t len) {
  size_t n = strlen(key);
  const char *side = NULL;
  if (n > 5 && strcmp(key + n - 5, "-left") == 0)
    side = "left", n -= 5;
  else if (n > 6 && strcmp(key + n - 6, "-right") == 0)
    side = "right", n -= 6;
  snprintf(buf, len, "%.*s%s%s", (int)n, key, side ? ", " : "", side ? side : "");
  for (char *p = buf; *p && p < buf + n; p++)
    if (*p == '-')
      *p = ' ';
}

/* As plugins/pain/pain_log.c has them. */
const char *const lbctl_pain_places[] = {
    "lower-back", "lower-back-left", "lower-back-right", "glute-left", "glute-right",
    "hip-left",   "hip-right",       "leg-left",         "leg-right",  NULL};

bool lbctl_pain_place_key(const char *given, char *key, size_t len) {
  char shown[64];
  for (size_t i = 0; lbctl_pain_places[i]; i++) {
    lbctl_pain_place(lbctl_pain_places[i], shown, sizeof(shown));
    if (strcasecmp(given, lbctl_pain_places[i]) == 0 || strcasecmp(given, shown) == 0) {
      snprintf(key, len, "%s", lbctl_pain_places[i]);
      return true;
    }
  }
  snprintf(key, len, "%s", "");
  return !*given;
}

void lbctl_pain_average(double avg, char *buf, size_t len) {
  if (isnan(avg))
    snprintf(buf, len, "-");
  else
    snprintf(buf, len, "%.1f", avg);
}

void lbctl_pain_days_text(int64_t days, char *buf, size_t len) {
  snprintf(buf, len, "%lld day%s", (long long)days, days == 1 ? "" : "s");
}

static double number_or_nan(const msgpack_object *m, const char *key) {
  double v;
  return lbc_msg_map_number(m, key, &v) ? v : NAN;
}

void lbctl_pain_summary(const msgpack_object *m, char *buf, size_t len) {
  int64_t count = lbc_msg_map_int0(m, "count");
  char avg[32];
  if (count <= 0) {
    snprintf(buf, len, "no entries");
    return;
  }
  lbctl_pain_average(number_or_nan(m, "average"), avg, sizeof(avg));
  snprintf(buf, len, "%lld entr%s, average %s, worst %lld", (long long)count,
           count == 1 ? "y" : "ies", avg, (long long)lbc_msg_map_int0(m, "worst"));
}

#define MEANINGFUL "2 points or 30 %"

void lbctl_pain_trend(const msgpack_object *trend, char *buf, size_t len) {
  char dir[32], last[32], prev[32];
  lbctl_copy_text(dir, sizeof(dir), lbc_msg_map_str(trend, "direction"));
  lbctl_pain_average(number_or_nan(trend, "last_average"), last, sizeof(last));
  lbctl_pain_average(number_or_nan(trend, "previous_average"), prev, sizeof(prev));
  if (!dir[0] || strcmp(dir, "unknown") == 0 || strcmp(last, "-") == 0 || strcmp(prev, "-") == 0) {
    snprintf(buf, len,
             "unknown: it needs entries in the last 7 days and in the 7 days before (last 7 "
             "days: %s, the week before: %s)",
             last, prev);
    return;
  }
  bool meaningful = strcmp(dir, "better") == 0 || strcmp(dir, "worse") == 0;
  snprintf(buf, len, "%s: the last 7 days average %s against %s the week before (%s: %s)", dir,
           last, prev, meaningful ? "a meaningful change" : "less than a meaningful change",
           MEANINGFUL);
}

void lbctl_pain_warmup(const msgpack_object *warmup, bool utf8, char *buf, size_t len) {
  const msgpack_object *done = lbc_msg_map_get(warmup, "done"),
                       *skipped = lbc_msg_map_get(warmup, "skipped");
  int64_t n_done = lbc_msg_map_int0(done, "sessions"),
          n_skipped = lbc_msg_map_int0(skipped, "sessions");
  double a_done = number_or_nan(done, "average_after"),
         a_skipped = number_or_nan(skipped, "average_after");
  char d[32], s[32];
  lbctl_pain_average(a_done, d, sizeof(d));
  lbctl_pain_average(a_skipped, s, sizeof(s));
  if (!lbc_msg_map_true(warmup, "enough_data") || isnan(a_done) || isnan(a_skipped)) {
    snprintf(buf, len,
             "not enough data yet: it needs 3 training sessions of each kind with entries in the "
             "48 hours after them (so far %lld warmed up, %lld without a warm-up)",
             (long long)n_done, (long long)n_skipped);
    return;
  }
  /* "skipped" on the wire: the sessions without a warm-up */
  double diff = a_skipped - a_done;
  char by[64];
  if (fabs(diff) < 0.05)
    snprintf(by, sizeof(by), "the same on average");
  else
    snprintf(by, sizeof(by), "%.1f points %s after a warm-up", fabs(diff),
             diff > 0 ? "lower" : "higher");
  snprintf(buf, len,
           "after sessions warmed up: %s on average (%lld session%s); without a warm-up: %s "
           "(%lld session%s); %s %s %s",
           d, (long long)n_done, n_done == 1 ? "" : "s", s, (long long)n_skipped,
           n_skipped == 1 ? "" : "s", by, utf8 ? "\xe2\x80\x94" : "-",
           lbc_msg_map_true(warmup, "meaningful") ? "a meaningful difference"
                                                  : "less than a meaningful difference (" MEANINGFUL
                                                    ")");
}

const char lbctl_pain_session_rule[] =
    "A training session is the sets lumbard timed ('lumbarctl rest preset abduction', or 'rest "
    "start --sets 3 --set 1'), with no gap of 2 hours between two of them; it is warmed up when "
    "the warm-up preset ran to its end, or the warm-up reminder was marked done, in the 3 hours "
    "before its first set.";

int lbctl_pain_sessions_read(const msgpack_object *warmup, lbctl_pain_session **ret,
                             size_t *ret_n) {
  const msgpack_object *list = lbc_msg_map_get(warmup, "sessions");
  uint32_t n = list && list->type == MSGPACK_OBJECT_ARRAY ? list->via.array.size : 0;
  lbctl_pain_session *s = calloc(n ? n : 1, sizeof(*s));
  if (!s)
    return -ENOMEM;
  for (uint32_t i = 0; i < n; i++) {
    const msgpack_object *m = &list->via.array.ptr[i];
    s[i].start = lbc_msg_map_int0(m, "start");
    s[i].end = lbc_msg_map_int0(m, "end");
    s[i].sets = lbc_msg_map_int0(m, "sets");
    s[i].entries_after = lbc_msg_map_int0(m, "entries_after");
    s[i].warmed_up = lbc_msg_map_true(m, "warmed_up");
    s[i].average_after = s[i].entries_after > 0 ? number_or_nan(m, "average_after") : NAN;
    lbctl_copy_text(s[i].how, sizeof(s[i].how), lbc_msg_map_str(m, "how"));
    if (s[i].warmed_up && !s[i].how[0])
      snprintf(s[i].how, sizeof(s[i].how), "warmed up");
  }
  /* Oldest first, whatever order they came in. */
  for (uint32_t i = 1; i < n; i++)
    for (uint32_t j = i; j > 0 && s[j - 1].start > s[j].start; j--) {
      lbctl_pain_session t = s[j];
      s[j] = s[j - 1];
      s[j - 1] = t;
    }
  *ret = s;
  *ret_n = n;
  return 0;
}

void lbctl_pain_session_texts(const lbctl_pain_session *s, char (*cells)[64]) {
  lbctl_clock_format(s->start, "%a %Y-%m-%d %H:%M", cells[0], 64);
  snprintf(cells[1], 64, "%lld set%s", (long long)s->sets, s->sets == 1 ? "" : "s");
  snprintf(cells[2], 64, "%s", s->warmed_up ? s->how : "no warm-up");
  if (s->entries_after > 0 && !isnan(s->average_after))
    snprintf(cells[3], 64, "pain %.1f (%lld entr%s)", s->average_after, (long long)s->entries_after,
             s->entries_after == 1 ? "y" : "ies");
  else
    snprintf(cells[3], 64, "no entry in the 48 h after");
}

/* ---- symptoms --------------------------------------------------------------------------- */

/* The symptoms pain.log takes, in words, and which are red flags. The
 * advice for a red flag is the daemon's (its red_flag events and pain.log's
 * answer); a view of the diary that has only the keys says the short
 * urgent-care sentence below. */
static const struct {
  const char *key, *words;
  bool red_flag;
} symptom_words[] = {
    {"saddle-numbness", "numbness around the groin or saddle area", true},
    {"bladder-bowel", "new trouble passing or holding urine or stool", true},
    {"leg-weakness", "weakness in a leg that is getting worse", true},
    {"fever", "fever with the back pain", true},
    {"weight-loss", "weight loss you cannot explain", true},
    {"night-pain", "night pain (it wakes you, or does not ease with rest)", true},
    {"trauma", "pain after a fall, an accident or a heavy blow", true},
    {"stiffness", "stiffness", false},
    {"spasm", "spasm", false},
    {"radiating", "pain down a leg", false},
    {"tingling", "tingling", false},
};

const char lbctl_pain_urgent_care[] =
    "This needs urgent medical care: go to an emergency department or call your local "
    "emergency number, whatever the figures here say.";

const char *lbctl_pain_symptom_words(const char *key) {
  for (size_t i = 0; i < sizeof(symptom_words) / sizeof(symptom_words[0]); i++)
    if (strcmp(key, symptom_words[i].key) == 0)
      return symptom_words[i].words;
  return key;
}

bool lbctl_pain_red_flag(const char *key) {
  for (size_t i = 0; i < sizeof(symptom_words) / sizeof(symptom_words[0]); i++)
    if (strcmp(key, symptom_words[i].key) == 0)
      return symptom_words[i].red_flag;
  return false;
}

size_t lbctl_pain_symptom_keys(const char *joined, char (*keys)[64], size_t max) {
  size_t n = 0;
  for (const char *p = joined; *p && n < max;) {
    while (*p == ' ' || *p == ',')
      p++;
    size_t len = strcspn(p, ",");
    if (len > 0) {
      snprintf(keys[n], 64, "%.*s", (int)len, p);
      n++;
    }
    p += len;
  }
  return n;
}
