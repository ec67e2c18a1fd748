/* pain chart: the last days in the terminal. One column per day, the day's
 * worst level as a bar on a 0-10 scale five rows high (a full block is 2
 * points, a half block 1), a dot for a day without an entry, a line under
 * the days of a flare-up, the dates of the Mondays, and a legend. Block
 * characters in a UTF-8 locale, ASCII otherwise. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lumbarctl.h"

enum {
  ROWS = 5,   /* 2 points each */
  AXIS_W = 4, /* "10 ┤" */
  MAX_DAYS = 3660,
};

/* The characters of a chart: UTF-8 or ASCII. */
typedef struct glyphs {
  const char *full, *half, *zero, *none, *tick, *axis, *corner, *ticked, *episode;
} glyphs;

static const glyphs utf8_glyphs = {
    .full = "\xe2\x96\x88",    /* █ */
    .half = "\xe2\x96\x84",    /* ▄ */
    .zero = "\xe2\x96\x81",    /* ▁ */
    .none = "\xc2\xb7",        /* · */
    .tick = "\xe2\x94\xa4",    /* ┤ */
    .axis = "\xe2\x94\x80",    /* ─ */
    .corner = "\xe2\x94\x94",  /* └ */
    .ticked = "\xe2\x94\xac",  /* ┬ */
    .episode = "\xe2\x94\x81", /* ━ */
};

static const glyphs ascii_glyphs = {
    .full = "#",
    .half = "+",
    .zero = "_",
    .none = ".",
    .tick = "|",
    .axis = "-",
    .corner = "+",
    .ticked = "+",
    .episode = "=",
};

/* What a day shows in row r (0 the lowest) of its bar. */
static const char *cell(const glyphs *g, int worst, int r) {
  if (worst < 0)
    return r == 0 ? g->none : " ";
  if (worst == 0)
    return r == 0 ? g->zero : " ";
  int left = worst - 2 * r;
  return left >= 2 ? g->full : left == 1 ? g->half : " ";
}

static const char *band_color(const lbctl *ctl, int worst) {
  if (!ctl->color || worst < 0)
    return "";
  return worst >= 7 ? "\033[31m" : worst >= 4 ? "\033[33m" : "\033[32m";
}

static bool is_monday(int64_t day) {
  return ((day % 7) + 7 + 3) % 7 == 0; /* 1970-01-01 was a Thursday */
}

/* The date labels under the axis: Mondays, each where its day's column
 * starts, when there is room; the first and last day when that gives
 * fewer than two. Returns the line's text; marks the labelled days. */
static void date_line(const lbctl_pain_day *days, int n, int cw, int cols, bool *labelled,
                      char *buf, size_t cap) {
  int count = 0;
  for (int pass = 0; pass < 2 && count < 2; pass++) {
    memset(labelled, 0, (size_t)n * sizeof(bool));
    memset(buf, ' ', cap - 1);
    buf[cap - 1] = '\0';
    count = 0;
    int free_from = 0;
    for (int i = 0; i < n; i++) {
      bool want = pass == 0 ? is_monday(days[i].day) : (i == 0 || i == n - 1);
      char label[32];
      lbctl_clock_day_format(days[i].day, "%d %b", label, sizeof(label));
      int len = (int)strlen(label), at = AXIS_W + i * cw;
      if (pass == 1 && i == n - 1 && at + len > cols) /* the last day: end at its column */
        at = AXIS_W + i * cw + 1 - len;
      if (!want || at < free_from || at + len > cols || (size_t)at + (size_t)len >= cap)
        continue;
      memcpy(buf + at, label, (size_t)len);
      free_from = at + len + 1;
      labelled[i] = true;
      count++;
    }
  }
  /* Trailing blanks out. */
  size_t end = strlen(buf);
  while (end > 0 && buf[end - 1] == ' ')
    end--;
  buf[end] = '\0';
}

static void print_chart(const lbctl *ctl, const lbctl_pain_diary *d) {
  bool utf8 = lbctl_term_utf8();
  const glyphs *g = utf8 ? &utf8_glyphs : &ascii_glyphs;
  int cols = lbctl_term_columns();
  if (cols < AXIS_W + 8)
    cols = AXIS_W + 8;
  /* Two columns a day (the bar and a gap) when they fit, else one; the
   * last days that fit when even that is too wide. */
  int n = d->ndays, cw = AXIS_W + 2 * n <= cols ? 2 : 1;
  if (AXIS_W + n > cols)
    n = cols - AXIS_W;
  const lbctl_pain_day *days = d->days + (d->ndays - n);

  char first[64], last[64];
  lbctl_clock_day_format(days[0].day, "%a %Y-%m-%d", first, sizeof(first));
  lbctl_clock_day_format(days[n - 1].day, "%a %Y-%m-%d", last, sizeof(last));
  printf("%sPain, %s to %s:%s the worst level of each day, 0-10\n", lbctl_term_bold(ctl), first,
         last, lbctl_term_reset(ctl));
  if (n < d->ndays)
    printf("(the last %d of %d days: what fits the terminal's width)\n", n, d->ndays);
  putchar('\n');

  for (int r = ROWS - 1; r >= 0; r--) {
    printf("%2d %s", 2 * (r + 1), g->tick);
    for (int i = 0; i < n; i++) {
      const char *c = cell(g, days[i].worst, r);
      bool drawn = strcmp(c, " ") != 0;
      printf("%s%s%s%s", drawn ? band_color(ctl, days[i].worst) : "", c,
             drawn && ctl->color ? "\033[0m" : "", cw == 2 && i + 1 < n ? " " : "");
    }
    putchar('\n');
  }

  bool *labelled = calloc((size_t)n, sizeof(bool));
  size_t cap = (size_t)cols + 1;
  char *dates = malloc(cap);
  if (!labelled || !dates) {
    free(labelled);
    free(dates);
    return;
  }
  date_line(days, n, cw, cols, labelled, dates, cap);

  /* The axis, with a tick over each date; then the flare-ups. */
  printf(" 0 %s", g->corner);
  for (int i = 0; i < n; i++)
    printf("%s%s", labelled[i] ? g->ticked : g->axis, cw == 2 ? g->axis : "");
  putchar('\n');
  int last_episode = -1;
  for (int i = 0; i < n; i++)
    if (days[i].episode)
      last_episode = i;
  if (last_episode >= 0) {
    printf("%*s", AXIS_W, "");
    const char *on = ctl->color ? "\033[1;35m" : "";
    for (int i = 0; i <= last_episode; i++) {
      /* One stretch: the gap after a day is marked when the next day is
       * in the flare-up too. */
      bool joined = cw == 2 && i < last_episode && days[i].episode && days[i + 1].episode;
      const char *gap = cw == 1 || i == last_episode ? "" : joined ? g->episode : " ";
      if (days[i].episode)
        printf("%s%s%s%s", on, g->episode, gap, lbctl_term_reset(ctl));
      else
        printf(" %s", gap);
    }
    putchar('\n');
  }
  printf("%s\n\n", dates);
  free(labelled);
  free(dates);

  printf("A column a day: its worst level (%s 2 points, %s 1, %s 0); %s no entry.\n", g->full,
         g->half, g->zero, g->none);
  int64_t from = days[0].start, to = days[n - 1].start;
  for (size_t e = 0; e < d->n_episodes; e++) {
    const lbctl_pain_episode *ep = &d->episodes[e];
    if (ep->end < from || ep->start > to)
      continue;
    char a[64], b[64], len[32];
    lbctl_clock_day_format(lbctl_clock_day(ep->start), "%a %Y-%m-%d", a, sizeof(a));
    lbctl_clock_day_format(lbctl_clock_day(ep->end), "%a %Y-%m-%d", b, sizeof(b));
    lbctl_pain_days_text(ep->days, len, sizeof(len));
    if (ep->current)
      printf("%s%s a flare-up: since %s, %s so far, worst %" PRId64 ".\n", g->episode, g->episode,
             a, len, ep->worst);
    else
      printf("%s%s a flare-up: %s to %s, %s, worst %" PRId64 ".\n", g->episode, g->episode, a, b,
             len, ep->worst);
  }
  if (d->logged_days == 0)
    printf("No entries in these days: 'lumbarctl pain log LEVEL' adds one.\n");
}

static int print_chart_json(const lbctl_pain_diary *d) {
  json_t *root = json_object(), *list = json_array();
  for (int i = 0; root && list && i < d->ndays; i++) {
    const lbctl_pain_day *day = &d->days[i];
    char date[32];
    lbctl_clock_day_format(day->day, "%Y-%m-%d", date, sizeof(date));
    json_array_append_new(list, json_pack("{s:s, s:I, s:o, s:i, s:b}", "date", date, "start",
                                          (json_int_t)day->start, "worst",
                                          day->worst < 0 ? json_null() : json_integer(day->worst),
                                          "entries", day->entries, "episode", day->episode));
  }
  json_object_set_new(root, "days", list);
  const msgpack_object *eps = lbc_msg_map_get(d->stats, "episodes");
  json_object_set_new(root, "episodes", eps ? lbctl_json_from_msgpack(eps) : json_array());
  int r = lbctl_json_print_json(stdout, root, true);
  json_decref(root);
  if (r < 0) {
    fprintf(stderr, "lumbarctl: cannot write the JSON output\n");
    return 1;
  }
  return LBCTL_OK;
}

int lbctl_pain_chart_run(lbctl *ctl, const lbctl_verb *self, int argc, char **argv) {
  const char *days_arg = NULL;
  const lbctl_flag flags[] = {{"--days", "a number of DAYS", &days_arg, NULL}, {0}};
  int ndays;
  int r = lbctl_args(self, &argc, argv, flags, 0, 0);
  if (r == LBCTL_OK)
    r = lbctl_pain_parse_days(self, days_arg, 30, MAX_DAYS, &ndays);
  if (r != LBCTL_OK)
    return r;
  lbctl_pain_diary d;
  r = lbctl_pain_diary_load(ctl, ndays, &d);
  if (r != LBCTL_OK)
    return r;
  if (ctl->json)
    r = print_chart_json(&d);
  else
    print_chart(ctl, &d);
  lbctl_pain_diary_free(&d);
  return r;
}
