/* pain report: the diary of the last days as one HTML page to show a
 * therapist. Self-contained (inline CSS and SVG, nothing fetched), so it
 * opens offline and prints as it shows. Every text from the entries is
 * escaped; the page is written whole or not at all (a temporary file in
 * the same directory, renamed over the target). */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <lumbard/version.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lumbarctl.h"

enum { MAX_DAYS = 3660 };

/* Text for HTML: & < > " ' escaped, control characters but newline and
 * tab left out. */
static void html(FILE *f, const char *s) {
  for (; *s; s++) {
    unsigned char c = (unsigned char)*s;
    switch (c) {
    case '&':
      fputs("&amp;", f);
      break;
    case '<':
      fputs("&lt;", f);
      break;
    case '>':
      fputs("&gt;", f);
      break;
    case '"':
      fputs("&quot;", f);
      break;
    case '\'':
      fputs("&#39;", f);
      break;
    default:
      if (c >= 0x20 || c == '\n' || c == '\t')
        fputc(c, f);
    }
  }
}

static const char STYLE[] =
    "body{font:15px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#222;"
    "background:#fff;max-width:1100px;margin:1.5em auto;padding:0 1em}\n"
    "h1{font-size:1.7em;margin:0 0 .2em}h2{font-size:1.25em;margin:1.6em 0 .5em;"
    "border-bottom:1px solid #ccc;padding-bottom:.2em}h3{font-size:1.05em;margin:1.2em 0 .4em}\n"
    ".range{font-size:1.1em;margin:.2em 0}.muted{color:#666}\n"
    "table{border-collapse:collapse;margin:.4em 0}th,td{padding:.25em .7em;text-align:left;"
    "vertical-align:top;border-bottom:1px solid #e4e4e4}th{background:#f3f3f3}\n"
    "td.num{text-align:right;font-variant-numeric:tabular-nums}td.note{white-space:pre-wrap;"
    "max-width:28em}\n"
    ".lvl{display:inline-block;width:2em;text-align:right;margin-right:.4em}"
    ".meter{display:inline-block;width:5em;height:.6em;background:#eee;vertical-align:middle}"
    ".meter span{display:block;height:100%}\n"
    ".low{fill:#4a9a5b;background:#4a9a5b}.mid{fill:#e0a030;background:#e0a030}"
    ".high{fill:#c8413b;background:#c8413b}\n"
    "svg{width:100%;height:auto;display:block}svg text{font:12px sans-serif;fill:#444}"
    "svg .grid{stroke:#ddd;stroke-width:1}svg .axis{stroke:#888;stroke-width:1}"
    "svg .episode{fill:#f6d5d2}svg .none{fill:#bbb}svg .title{font-size:13px;fill:#222}\n"
    ".legend span{display:inline-block;width:.9em;height:.9em;vertical-align:-.1em;"
    "margin:0 .3em 0 1em}.legend .ep{background:#f6d5d2}\n"
    ".red-flags{border:3px solid #c8413b;background:#fdf0ef;padding:.3em 1.2em .6em;"
    "margin:1.2em 0}.red-flags h2{color:#a02a25;border:0;margin:.5em 0 .3em}"
    ".red-flags .flag{border-top:1px solid #e8b4b0;padding:.2em 0}"
    ".red-flags strong{color:#a02a25}\n"
    "tr.flag td{background:#fdf0ef}tr.flag .sym{color:#a02a25;font-weight:bold}\n"
    "footer{margin:2.5em 0 1em;padding-top:.6em;border-top:1px solid #ccc;color:#555}\n"
    "@media print{body{margin:0;max-width:none}section{break-inside:avoid-page}}\n";

static const char *band(int64_t level) {
  return level >= 7 ? "high" : level >= 4 ? "mid" : "low";
}

static void day_text(int64_t t, char *buf, size_t len) {
  lbctl_clock_day_format(lbctl_clock_day(t), "%a %Y-%m-%d", buf, len);
}

/* ---- the chart ------------------------------------------------------------------ */

/* An SVG bar chart of each day's worst level: a bar per day with an entry
 * (class "bar"), a grey dot per day without, the flare-ups shaded behind,
 * a 0-10 axis and the dates of the Mondays. */
static void svg_chart(FILE *f, const lbctl_pain_diary *d) {
  const double W = 960, H = 340, x0 = 58, x1 = 944, y0 = 24, y1 = 286;
  const double slot = (x1 - x0) / d->ndays, bw = slot * 0.7 < 1 ? 1 : slot * 0.7;
#define Y(level) (y1 - (level) * (y1 - y0) / 10.0)
  fprintf(f,
          "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %.0f %.0f\" role=\"img\" "
          "aria-label=\"The worst pain level of each day, 0 to 10\">\n",
          W, H);
  for (size_t e = 0; e < d->n_episodes; e++) {
    const lbctl_pain_episode *ep = &d->episodes[e];
    int64_t a = lbctl_clock_day(ep->start) - d->days[0].day,
            b = lbctl_clock_day(ep->end) - d->days[0].day;
    if (b < 0 || a >= d->ndays)
      continue;
    if (a < 0)
      a = 0;
    if (b >= d->ndays)
      b = d->ndays - 1;
    char from[64], to[64], len[32];
    day_text(ep->start, from, sizeof(from));
    day_text(ep->end, to, sizeof(to));
    lbctl_pain_days_text(ep->days, len, sizeof(len));
    fprintf(f,
            "<rect class=\"episode\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\">"
            "<title>Flare-up: %s to %s%s, %s, worst %" PRId64 "</title></rect>\n",
            x0 + a * slot, y0, (b - a + 1) * slot, y1 - y0, from, to,
            ep->current ? " (under way)" : "", len, ep->worst);
  }
  for (int l = 0; l <= 10; l += 2)
    fprintf(f,
            "<line class=\"grid\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>"
            "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%d</text>\n",
            x0, Y(l), x1, Y(l), x0 - 8, Y(l) + 4, l);
  fprintf(f,
          "<line class=\"axis\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n"
          "<line class=\"axis\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n",
          x0, y0, x0, y1, x0, y1, x1, y1);
  fprintf(f,
          "<text class=\"title\" transform=\"translate(16 %.1f) rotate(-90)\" "
          "text-anchor=\"middle\">worst level of the day (0-10)</text>\n",
          (y0 + y1) / 2);
  fprintf(f, "<text class=\"title\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">day</text>\n",
          (x0 + x1) / 2, H - 6);
  /* Date labels: Mondays, as many as have 64 px between them. */
  double last_label = -1e9;
  for (int i = 0; i < d->ndays; i++) {
    double cx = x0 + (i + 0.5) * slot;
    bool monday = ((d->days[i].day % 7) + 7 + 3) % 7 == 0;
    if (!(monday || (d->ndays <= 7)) || cx - last_label < 64)
      continue;
    char label[32];
    lbctl_clock_day_format(d->days[i].day, "%d %b", label, sizeof(label));
    fprintf(f,
            "<line class=\"axis\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>"
            "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s</text>\n",
            cx, y1, cx, y1 + 5, cx, y1 + 19, label);
    last_label = cx;
  }
  for (int i = 0; i < d->ndays; i++) {
    const lbctl_pain_day *day = &d->days[i];
    char date[32];
    lbctl_clock_day_format(day->day, "%Y-%m-%d", date, sizeof(date));
    double cx = x0 + (i + 0.5) * slot;
    if (day->worst < 0) {
      fprintf(f, "<circle class=\"none\" cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\"/>\n", cx, y1 - 3,
              slot < 6 ? slot / 3 : 2.0);
      continue;
    }
    double h = day->worst * (y1 - y0) / 10.0;
    if (h < 2)
      h = 2; /* a day at 0 shows as a line on the axis */
    fprintf(f,
            "<rect class=\"bar %s\" data-date=\"%s\" data-level=\"%d\" x=\"%.1f\" y=\"%.1f\" "
            "width=\"%.1f\" height=\"%.1f\"><title>%s: worst %d (%d entr%s)</title></rect>\n",
            band(day->worst), date, day->worst, cx - bw / 2, y1 - h, bw, h, date, day->worst,
            day->entries, day->entries == 1 ? "y" : "ies");
  }
  fputs("</svg>\n", f);
#undef Y
}

/* ---- the tables ------------------------------------------------------------------ */

static void episodes_table(FILE *f, const lbctl_pain_diary *d) {
  if (d->n_episodes == 0) {
    fputs("<p>None in these entries.</p>\n", f);
    return;
  }
  fputs("<table class=\"episodes\"><tr><th>start</th><th>end</th><th>days</th><th>worst</th>"
        "<th>average</th></tr>\n",
        f);
  for (size_t e = d->n_episodes; e-- > 0;) {
    const lbctl_pain_episode *ep = &d->episodes[e];
    char from[64], to[64], avg[32];
    day_text(ep->start, from, sizeof(from));
    day_text(ep->end, to, sizeof(to));
    lbctl_pain_average(ep->average, avg, sizeof(avg));
    fprintf(f,
            "<tr><td>%s</td><td>%s</td><td class=\"num\">%" PRId64
            "%s</td><td class=\"num\">%" PRId64 "</td><td class=\"num\">%s</td></tr>\n",
            from, ep->current ? "under way" : to, ep->days, ep->current ? " so far" : "", ep->worst,
            avg);
  }
  fputs("</table>\n", f);
}

static void groups_table(FILE *f, const msgpack_object *list, bool places) {
  uint32_t n = list && list->type == MSGPACK_OBJECT_ARRAY ? list->via.array.size : 0;
  if (n == 0) {
    fputs("<p>None in these days.</p>\n", f);
    return;
  }
  fprintf(f, "<table><tr><th>%s</th><th>entries</th><th>average</th></tr>\n",
          places ? "place" : "trigger");
  for (uint32_t i = 0; i < n; i++) {
    const msgpack_object *g = &list->via.array.ptr[i];
    char name[256], shown[300], avg[32];
    double a;
    lbctl_copy_text(name, sizeof(name), lbc_msg_map_str(g, "name"));
    if (places)
      lbctl_pain_place(name, shown, sizeof(shown));
    else
      snprintf(shown, sizeof(shown), "%s", name);
    lbctl_pain_average(lbc_msg_map_number(g, "average", &a) ? a : NAN, avg, sizeof(avg));
    fputs("<tr><td>", f);
    html(f, shown[0] ? shown : places ? "(no place given)" : "(no trigger given)");
    fprintf(f, "</td><td class=\"num\">%" PRId64 "</td><td class=\"num\">%s</td></tr>\n",
            lbc_msg_map_int0(g, "count"), avg);
  }
  fputs("</table>\n", f);
}

/* The training sessions the warm-up comparison looked at, oldest first. */
static void sessions_table(FILE *f, const msgpack_object *warmup) {
  lbctl_pain_session *ss = NULL;
  size_t n = 0;
  if (lbctl_pain_sessions_read(warmup, &ss, &n) < 0 || n == 0) {
    fputs("<p>No training sessions in these days.</p>\n", f);
    free(ss);
    return;
  }
  fputs("<table class=\"sessions\"><tr><th>session</th><th>sets</th><th>warm-up</th>"
        "<th>pain after (average)</th><th>entries after</th></tr>\n",
        f);
  for (size_t i = 0; i < n; i++) {
    char cells[4][64], avg[32];
    lbctl_pain_session_texts(&ss[i], cells);
    fprintf(f, "<tr><td>%s</td><td class=\"num\">%" PRId64 "</td><td>", cells[0], ss[i].sets);
    html(f, cells[2]);
    if (ss[i].entries_after > 0) {
      lbctl_pain_average(ss[i].average_after, avg, sizeof(avg));
      fprintf(f, "</td><td class=\"num\">%s</td><td class=\"num\">%" PRId64 "</td></tr>\n", avg,
              ss[i].entries_after);
    } else {
      fputs("</td><td colspan=\"2\">no entry in the 48 h after</td></tr>\n", f);
    }
  }
  fputs("</table>\n", f);
  free(ss);
}

static void figures(FILE *f, const lbctl_pain_diary *d) {
  const msgpack_object *st = d->stats;
  char text[1024];
  fputs("<table class=\"figures\">\n", f);
  static const char *const rows[][2] = {{"week", "This week (the last 7 days)"},
                                        {"month", "This month (the last 30 days)"}};
  for (size_t i = 0; i < 2; i++) {
    lbctl_pain_summary(lbc_msg_map_get(st, rows[i][0]), text, sizeof(text));
    fprintf(f, "<tr><th>%s</th><td>%s</td></tr>\n", rows[i][1], text);
  }
  lbctl_pain_summary(st, text, sizeof(text));
  fprintf(f, "<tr><th>The %d days of this page</th><td>%s</td></tr>\n", d->ndays, text);
  fputs("</table>\n<h3>Trend</h3>\n<p>", f);
  lbctl_pain_trend(lbc_msg_map_get(st, "trend"), text, sizeof(text));
  html(f, text);
  fputs(".</p>\n<h3>By trigger</h3>\n", f);
  groups_table(f, lbc_msg_map_get(st, "by_trigger"), false);
  fputs("<h3>By place</h3>\n", f);
  groups_table(f, lbc_msg_map_get(st, "by_location"), true);
  fputs("<h3>Warm-up before training</h3>\n<p>", f);
  const msgpack_object *warmup = lbc_msg_map_get(st, "warmup");
  lbctl_pain_warmup(warmup, true, text, sizeof(text));
  html(f, text);
  fputs(".</p>\n", f);
  sessions_table(f, warmup);
  fputs("<p class=\"muted\">", f);
  html(f, lbctl_pain_session_rule);
  fputs(" The pain after a training session is the average of the entries in the 48 hours "
        "after it. A meaningful change or difference is one of 2 points or 30 %.</p>\n",
        f);
}

enum { MAX_KEYS = 16 };

/* The symptoms of an entry in words, joined with ", "; the red flags in a
 * span of class "sym" (when flags is given, the red flags only). */
static size_t symptom_words(FILE *f, const lbctl_pain_entry *e, bool flags_only) {
  char keys[MAX_KEYS][64];
  size_t n = lbctl_pain_symptom_keys(e->symptoms, keys, MAX_KEYS), shown = 0;
  for (size_t i = 0; i < n; i++) {
    bool red = lbctl_pain_red_flag(keys[i]);
    if (flags_only && !red)
      continue;
    fputs(shown++ ? ", " : "", f);
    fputs(red && !flags_only ? "<span class=\"sym\">" : "", f);
    html(f, lbctl_pain_symptom_words(keys[i]));
    fputs(red && !flags_only ? "</span>" : "", f);
  }
  return shown;
}

static bool has_red_flag(const lbctl_pain_entry *e) {
  char keys[MAX_KEYS][64];
  size_t n = lbctl_pain_symptom_keys(e->symptoms, keys, MAX_KEYS);
  for (size_t i = 0; i < n; i++)
    if (lbctl_pain_red_flag(keys[i]))
      return true;
  return false;
}

/* The entries in the order asked: index i of n, newest first unless
 * oldest_first. */
static const lbctl_pain_entry *nth(const lbctl_pain_diary *d, size_t i, bool oldest_first) {
  return &d->entries[oldest_first ? d->n_entries - 1 - i : i];
}

/* The entries with a red flag, first on the page and framed, each with the
 * advice to seek urgent care. The daemon's own advice comes with its
 * events and pain.log's answer, not with pain.history: the page says the
 * short sentence every red flag calls for, naming the symptoms. */
static void red_flags(FILE *f, const lbctl_pain_diary *d, bool oldest_first) {
  size_t n = 0;
  for (size_t i = 0; i < d->n_entries; i++)
    n += has_red_flag(&d->entries[i]);
  if (n == 0)
    return;
  fprintf(f,
          "<section class=\"red-flags\">\n<h2>Red flags: seek urgent medical care</h2>\n"
          "<p>%s %s a symptom that needs urgent medical care. lumbard cannot tell what is "
          "wrong; a doctor can.</p>\n",
          n == 1 ? "This entry" : "These entries", n == 1 ? "names" : "name");
  for (size_t i = 0; i < d->n_entries; i++) {
    const lbctl_pain_entry *e = nth(d, i, oldest_first);
    if (!has_red_flag(e))
      continue;
    char when[64], place[256];
    lbctl_clock_format(e->at, "%a %Y-%m-%d %H:%M", when, sizeof(when));
    lbctl_pain_place(e->location, place, sizeof(place));
    fprintf(f, "<div class=\"flag\" data-id=\"%" PRId64 "\"><p>%s, level %" PRId64 "/10", e->id,
            when, e->level);
    if (place[0]) {
      fputs(", ", f);
      html(f, place);
    }
    fputs(": <strong>", f);
    symptom_words(f, e, true);
    fputs(".</strong> ", f);
    html(f, lbctl_pain_urgent_care);
    fputs("</p></div>\n", f);
  }
  fputs("</section>\n", f);
}

static void entries_table(FILE *f, const lbctl_pain_diary *d, bool oldest_first) {
  if (d->n_entries == 0) {
    fputs("<p>No entries in these days.</p>\n", f);
    return;
  }
  fprintf(f, "<p class=\"muted\">%s first.</p>\n", oldest_first ? "Oldest" : "Newest");
  fputs("<table class=\"entries\"><tr><th>when</th><th>level</th><th>where</th><th>trigger</th>"
        "<th>symptoms</th><th>note</th></tr>\n",
        f);
  for (size_t i = 0; i < d->n_entries; i++) {
    const lbctl_pain_entry *e = nth(d, i, oldest_first);
    char when[64], place[256];
    lbctl_clock_format(e->at, "%a %Y-%m-%d %H:%M", when, sizeof(when));
    lbctl_pain_place(e->location, place, sizeof(place));
    int64_t pct = e->level < 0 ? 0 : e->level > 10 ? 100 : e->level * 10;
    fprintf(f,
            "<tr data-id=\"%" PRId64 "\"%s><td>%s</td><td><span class=\"lvl\">%" PRId64
            "</span><span class=\"meter\"><span class=\"%s\" style=\"width:%" PRId64
            "%%\"></span></span></td><td>",
            e->id, has_red_flag(e) ? " class=\"flag\"" : "", when, e->level, band(e->level), pct);
    html(f, place);
    fputs("</td><td>", f);
    html(f, e->trigger);
    fputs("</td><td>", f);
    symptom_words(f, e, false);
    fputs("</td><td class=\"note\">", f);
    html(f, e->note);
    fputs("</td></tr>\n", f);
  }
  fputs("</table>\n", f);
}

static void page(FILE *f, const lbctl_pain_diary *d, bool oldest_first) {
  char first[64], last[64], iso_first[32], iso_last[32], made[96], text[256];
  lbctl_clock_day_format(d->days[0].day, "%a %Y-%m-%d", first, sizeof(first));
  lbctl_clock_day_format(d->days[d->ndays - 1].day, "%a %Y-%m-%d", last, sizeof(last));
  lbctl_clock_day_format(d->days[0].day, "%Y-%m-%d", iso_first, sizeof(iso_first));
  lbctl_clock_day_format(d->days[d->ndays - 1].day, "%Y-%m-%d", iso_last, sizeof(iso_last));
  lbctl_clock_full((int64_t)time(NULL), false, made, sizeof(made));
  fprintf(f,
          "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
          "<meta name=\"generator\" content=\"lumbarctl %s\">\n"
          "<title>Pain diary, %s to %s</title>\n<style>\n%s</style>\n</head>\n<body>\n",
          LUMBARD_VERSION, iso_first, iso_last, STYLE);
  fprintf(f,
          "<header>\n<h1>Pain diary</h1>\n<p class=\"range\">%s to %s: %d days, %zu entr%s on "
          "%d day%s</p>\n<p class=\"muted\">Levels are on the 0-10 Numeric Rating Scale: 0 no "
          "pain, 10 the worst imaginable. Made by lumbarctl %s on %s.</p>\n</header>\n",
          first, last, d->ndays, d->n_entries, d->n_entries == 1 ? "y" : "ies", d->logged_days,
          d->logged_days == 1 ? "" : "s", LUMBARD_VERSION, made);

  red_flags(f, d, oldest_first);
  fputs("<section class=\"chart\">\n<h2>The worst level of each day</h2>\n", f);
  svg_chart(f, d);
  fputs("<p class=\"legend muted\">Bars: the worst level logged that day"
        "<span class=\"low\"></span>0-3<span class=\"mid\"></span>4-6"
        "<span class=\"high\"></span>7-10<span class=\"ep\"></span>a flare-up; a grey dot: no "
        "entry that day.</p>\n</section>\n",
        f);

  fputs("<section>\n<h2>Flare-ups</h2>\n", f);
  episodes_table(f, d);
  snprintf(text, sizeof(text), "The rule: %s; its days count from its first day to its last.",
           lbctl_pain_episode_rule);
  fputs("<p class=\"muted\">", f);
  html(f, text);
  fputs("</p>\n</section>\n<section>\n<h2>Figures</h2>\n", f);
  figures(f, d);
  fputs("</section>\n<section>\n<h2>Entries</h2>\n", f);
  entries_table(f, d, oldest_first);
  fputs("</section>\n<footer>lumbard is not a medical device: this page shows the person's own "
        "entries; it is not a diagnosis.</footer>\n</body>\n</html>\n",
        f);
}

/* ---- writing it ------------------------------------------------------------------- */

/* data written to path whole: a temporary file beside it, synced, renamed
 * over it. Returns 0 or -errno. */
static int write_whole(const char *path, const char *data, size_t len) {
  char tmp[4200];
  if ((size_t)snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path) >= sizeof(tmp))
    return -ENAMETOOLONG;
  int fd = mkstemp(tmp);
  if (fd < 0)
    return -errno;
  /* The mode of any new file (mkstemp's is 0600). */
  mode_t mask = umask(0);
  umask(mask);
  int r = fchmod(fd, 0666 & ~mask) < 0 ? -errno : 0;
  for (size_t done = 0; r == 0 && done < len;) {
    ssize_t n = write(fd, data + done, len - done);
    if (n < 0 && errno != EINTR)
      r = -errno;
    else if (n > 0)
      done += (size_t)n;
  }
  if (r == 0 && fsync(fd) < 0)
    r = -errno;
  if (close(fd) < 0 && r == 0)
    r = -errno;
  if (r == 0 && rename(tmp, path) < 0)
    r = -errno;
  if (r < 0)
    unlink(tmp);
  return r;
}

/* A name ending in an extension other than .html or .htm (back.pdf): the
 * page would be HTML under another kind's name. */
static bool wrong_extension(const char *path) {
  const char *base = strrchr(path, '/');
  base = base ? base + 1 : path;
  const char *dot = strrchr(base, '.');
  if (!dot || dot == base) /* no extension: a name of the person's own */
    return false;
  return strcasecmp(dot, ".html") != 0 && strcasecmp(dot, ".htm") != 0;
}

int lbctl_pain_report_run(lbctl *ctl, const lbctl_verb *self, int argc, char **argv) {
  const char *out = NULL, *days_arg = NULL;
  bool oldest_first = false;
  const lbctl_flag flags[] = {{"-o", "a FILE", &out, NULL},
                              {"--output", "a FILE", &out, NULL},
                              {"--days", "a number of DAYS", &days_arg, NULL},
                              {"--oldest-first", NULL, NULL, &oldest_first},
                              {0}};
  int ndays;
  int r = lbctl_args(self, &argc, argv, flags, 0, 0);
  if (r == LBCTL_OK)
    r = lbctl_pain_parse_days(self, days_arg, 30, MAX_DAYS, &ndays);
  if (r != LBCTL_OK)
    return r;
  if (!out)
    return lbctl_usage_error(self, "-o FILE is needed: where to write the page (-o - prints it)");
  /* A file is named for what it holds; a stream (stdout, a FIFO, /dev/fd/N)
   * is whatever its reader makes of it. */
  struct stat st;
  if (strcmp(out, "-") != 0 && (stat(out, &st) < 0 || S_ISREG(st.st_mode)) && wrong_extension(out))
    return lbctl_usage_error(self,
                             "-o %s: the report is an HTML page; give a name ending in .html "
                             "or .htm (or -o - to print it)",
                             out);
  lbctl_output o;
  if ((r = lbctl_output_open(self, out, &o)) != LBCTL_OK)
    return r;
  lbctl_pain_diary d;
  r = lbctl_pain_diary_load(ctl, ndays, &d);
  if (r != LBCTL_OK) {
    lbctl_output_close(&o); /* a FIFO's reader sees its end */
    return r;
  }
  char *buf = NULL;
  size_t len = 0;
  FILE *mem = open_memstream(&buf, &len);
  if (mem) {
    page(mem, &d, oldest_first);
    if (fclose(mem) != 0) {
      free(buf);
      buf = NULL;
    }
  }
  size_t n_entries = d.n_entries;
  int logged_days = d.logged_days;
  lbctl_pain_diary_free(&d);
  if (!buf) {
    lbctl_output_close(&o);
    fprintf(stderr, "lumbarctl: pain report: out of memory\n");
    return 1;
  }
  if (o.fd == STDOUT_FILENO) {
    fwrite(buf, 1, len, stdout); /* main() says when stdout cannot be written */
    free(buf);
    return LBCTL_OK;
  }
  /* A file is written whole, through a temporary one beside it; a stream
   * as it is. */
  r = o.fd < 0 ? write_whole(o.path, buf, len) : lbctl_write_all(o.fd, buf, len);
  int closed = lbctl_output_close(&o);
  free(buf);
  if (r == 0)
    r = closed;
  if (r < 0) {
    fprintf(stderr, "lumbarctl: pain report: cannot write %s: %s\n", out, strerror(-r));
    return 1; /* see main(): no status of DESIGN §7 fits */
  }
  if (!ctl->json) {
    /* A stream is like stdout: nothing else is said, as with cat. */
    if (o.fd < 0)
      printf("Wrote the report of the last %d days (%zu entr%s) to %s\n", ndays, n_entries,
             n_entries == 1 ? "y" : "ies", out);
    return LBCTL_OK;
  }
  char path[4096];
  if (o.fd >= 0 || !realpath(o.path, path))
    snprintf(path, sizeof(path), "%s", o.path);
  json_t *j =
      json_pack("{s:s, s:i, s:I, s:i, s:I}", "path", path, "days", ndays, "entries",
                (json_int_t)n_entries, "logged_days", logged_days, "bytes", (json_int_t)len);
  r = lbctl_json_print_json(stdout, j, true);
  json_decref(j);
  return r < 0 ? 1 : LBCTL_OK;
}
