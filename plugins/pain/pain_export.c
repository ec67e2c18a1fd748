/* pain.export and pain.export_file: the diary as CSV or JSON. */
#include <errno.h>
#include <fcntl.h>
#include <lumbard/plugin.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "pain.h"
#include "xalloc.h"

/* The export's text. pain.export builds it in memory, up to what one answer
 * carries; pain.export_file writes it out in pieces as it goes, so a whole
 * diary (tens of MB as JSON) never sits in memory at once. A row is written
 * into room reserved for its worst case, with no check per character. */
#define EXPORT_PIECE (256 * 1024)
#define EXPORT_MAX_ANSWER (1000 * 1000)
#define EXPORT_DIRTY_MAX (1024 * 1024)

/* ISO 8601 local time with its UTC offset. The offset holds for whole local
 * days but the few with a DST change, so it is looked up once per such day
 * (an export of 100,000 entries makes ~1,800 localtime calls, not 100,000). */
typedef struct zone_span {
  int64_t lo, hi; /* [lo, hi): one offset */
  long off;
  bool whole_day; /* lo is local midnight, and year, month, mday are that day's */
  int year, month, mday;
} zone_span;

static long local_offset(int64_t t) {
  time_t tt = (time_t)t;
  struct tm tm;
  localtime_r(&tt, &tm);
  return tm.tm_gmtoff;
}

/* The local zone's offsets over the time an export covers, made on the
 * loop: the export itself runs on a worker thread, where local time may not
 * be read (the loop may be changing TZ meanwhile, as the calendar engine
 * does while it computes in a reminder's zone). A change is looked for a
 * week at a time, then found to the second. */
typedef struct zone_offsets {
  int64_t *from; /* from[i]: the first second of offset off[i] */
  long *off;
  size_t n;
} zone_offsets;

#define WEEK_S (7 * DAY_S)

static void offsets_add(zone_offsets *z, int64_t from, long off) {
  z->from = lbu_xrealloc(z->from, (z->n + 1) * sizeof(int64_t));
  z->off = lbu_xrealloc(z->off, (z->n + 1) * sizeof(long));
  z->from[z->n] = from;
  z->off[z->n++] = off;
}

static void offsets_make(zone_offsets *z, int64_t lo, int64_t hi) {
  long off = local_offset(lo);
  offsets_add(z, INT64_MIN, off);
  for (int64_t t = lo; t < hi;) {
    int64_t next = hi - t > WEEK_S ? t + WEEK_S : hi;
    long later = local_offset(next);
    if (later == off) {
      t = next;
      continue;
    }
    int64_t a = t, b = next; /* off at a, something else at b */
    while (b - a > 1) {
      int64_t mid = a + (b - a) / 2;
      if (local_offset(mid) == off)
        a = mid;
      else
        b = mid;
    }
    off = local_offset(b);
    offsets_add(z, b, off);
    t = b;
  }
}

static void offsets_free(zone_offsets *z) {
  free(z->from);
  free(z->off);
}

/* The offset at t; past either end, the nearest one known. */
static long offset_at(const zone_offsets *z, int64_t t) {
  size_t lo = 0, hi = z->n; /* the last from[i] <= t */
  while (hi - lo > 1) {
    size_t mid = lo + (hi - lo) / 2;
    if (z->from[mid] <= t)
      lo = mid;
    else
      hi = mid;
  }
  return z->off[lo];
}

static void iso_local(const zone_offsets *zo, int64_t t, zone_span *z, char *buf, size_t len) {
  if (t < z->lo || t >= z->hi) {
    long off = offset_at(zo, t);
    int64_t local = t + off, midnight = local - ((local % DAY_S) + DAY_S) % DAY_S - off;
    /* the same offset at both ends of the local day: the whole day has it */
    bool whole = offset_at(zo, midnight) == off && offset_at(zo, midnight + DAY_S - 1) == off;
    *z = whole ? (zone_span){midnight, midnight + DAY_S, off, true, 0, 0, 0}
               : (zone_span){t, t + 1, off, false, 0, 0, 0};
    if (whole) {
      time_t day = (time_t)(midnight + off);
      struct tm d;
      gmtime_r(&day, &d);
      z->year = d.tm_year + 1900, z->month = d.tm_mon + 1, z->mday = d.tm_mday;
    }
  }
  long off = labs(z->off);
  struct tm tm;
  if (z->whole_day) { /* the day's date once; the time of day is arithmetic */
    int64_t secs = t - z->lo;
    tm.tm_year = z->year - 1900, tm.tm_mon = z->month - 1, tm.tm_mday = z->mday;
    tm.tm_hour = (int)(secs / 3600), tm.tm_min = (int)(secs / 60 % 60),
    tm.tm_sec = (int)(secs % 60);
  } else {
    time_t shifted = (time_t)(t + z->off);
    gmtime_r(&shifted, &tm);
  }
  /* digit by digit: this runs once per exported entry */
  int f[] = {tm.tm_year + 1900, tm.tm_mon + 1,           tm.tm_mday,          tm.tm_hour, tm.tm_min,
             tm.tm_sec,         (int)(off / 3600 % 100), (int)(off / 60 % 60)};
  static const char seps[] = "--T::\0:"; /* the character after each field but the year */
  if (len < 26 || f[0] < 0 || f[0] > 9999) {
    snprintf(buf, len, "?");
    return;
  }
  char *p = buf;
  *p++ = (char)('0' + f[0] / 1000), *p++ = (char)('0' + f[0] / 100 % 10);
  *p++ = (char)('0' + f[0] / 10 % 10), *p++ = (char)('0' + f[0] % 10);
  for (int i = 1; i < 8; i++) {
    *p++ = i == 6 ? (z->off < 0 ? '-' : '+') : seps[i - 1];
    *p++ = (char)('0' + f[i] / 10 % 10), *p++ = (char)('0' + f[i] % 10);
  }
  *p = '\0';
}

typedef struct text {
  char *s;
  size_t len, cap;
  size_t total;   /* bytes so far, written out or not */
  int fd;         /* >= 0: written out to it in EXPORT_PIECE pieces */
  int err;        /* the errno of a failed write */
  off_t out, was; /* written out so far; on the disk up to */
} text;

/* Room for n more bytes at t->s + t->len. */
static char *text_room(text *t, size_t n) {
  if (t->len + n + 1 > t->cap) {
    t->cap = (t->len + n + 1) * 2;
    t->s = lbu_xrealloc(t->s, t->cap);
  }
  return t->s + t->len;
}

/* The room used up to end. */
static void text_done(text *t, const char *end) {
  size_t n = (size_t)(end - (t->s + t->len));
  t->len += n;
  t->total += n;
  t->s[t->len] = '\0';
}

/* Writes out what is held, when writing to a file (and once more at the end:
 * all). */
static void text_flush(text *t, bool all) {
  if (t->fd < 0 || t->err || (!all && t->len < EXPORT_PIECE))
    return;
  size_t off = 0;
  while (off < t->len) {
    ssize_t w = write(t->fd, t->s + off, t->len - off);
    if (w < 0 && errno == EINTR)
      continue;
    if (w < 0) {
      t->err = errno;
      break;
    }
    off += (size_t)w;
  }
  /* On the disk as it goes: each piece's writeback is started at once, and
   * the export waits for what it wrote EXPORT_DIRTY_MAX earlier (1 MB), so that no
   * more than that is ever dirty in the page cache. The daemon's own
   * commits (an fsync on the loop) then never wait for a hundred MB of
   * export to reach the disk first (ext4 orders them). The worker waits,
   * not the loop. */
  off_t begin = t->out;
  t->out += (off_t)off;
  if (!t->err && t->out > begin) {
    sync_file_range(t->fd, begin, t->out - begin, SYNC_FILE_RANGE_WRITE);
    if (t->out - t->was > EXPORT_DIRTY_MAX) {
      off_t upto = t->out - EXPORT_DIRTY_MAX / 2;
      sync_file_range(t->fd, t->was, upto - t->was,
                      SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE |
                          SYNC_FILE_RANGE_WAIT_AFTER);
      t->was = upto;
    }
  }
  t->len = 0;
}

static char *put(char *p, const char *s, size_t n) {
  memcpy(p, s, n);
  return p + n;
}

static char *put_int(char *p, int64_t v) {
  char digits[20];
  size_t n = 0;
  uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
  do
    digits[n++] = (char)('0' + u % 10);
  while ((u /= 10) != 0);
  if (v < 0)
    *p++ = '-';
  while (n)
    *p++ = digits[--n];
  return p;
}

/* A JSON string (RFC 8259): quotes, backslashes and control characters
 * escaped, the rest copied as it is (entries are valid UTF-8: the core checked
 * them). At most 6 n + 2 bytes. */
static char *put_json_string(char *p, const char *s, size_t n) {
  static const char hex[] = "0123456789abcdef";
  *p++ = '"';
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c >= 0x20 && c != '"' && c != '\\') {
      *p++ = (char)c;
    } else if (c >= 0x20) {
      *p++ = '\\', *p++ = (char)c;
    } else {
      p = put(p, "\\u00", 4);
      *p++ = hex[c >> 4], *p++ = hex[c & 15];
    }
  }
  *p++ = '"';
  return p;
}

/* RFC 4180: a field with a comma, quote or line break is quoted, its quotes
 * doubled. At most 2 n + 2 bytes. */
static char *put_csv_field(char *p, const char *s, size_t n) {
  bool quote = false;
  for (size_t i = 0; i < n && !quote; i++)
    quote = s[i] == ',' || s[i] == '"' || s[i] == '\r' || s[i] == '\n';
  if (!quote)
    return put(p, s, n);
  *p++ = '"';
  for (size_t i = 0; i < n; i++) {
    if (s[i] == '"')
      *p++ = '"';
    *p++ = s[i];
  }
  *p++ = '"';
  return p;
}

/* The export of [since, until] as CSV or JSON into t (in memory, or written
 * out when t->fd >= 0), on db; the number of rows in *ret_rows. Returns
 * SQLITE_OK or the code of the read that failed. An export in memory stops
 * once it is over what an answer carries. Runs on a worker thread (db_read):
 * nothing here touches the host or the plugin's loop-side state. */
static int export_text(sqlite3 *db, bool json, int64_t since, int64_t until, const zone_offsets *zo,
                       text *t, int64_t *ret_rows) {
  sqlite3_stmt *st = NULL;
  int rc = sqlite3_prepare_v2(db,
                              "SELECT id, at, level, location, trigger, note, symptoms FROM "
                              "pain_entries WHERE at >= ? AND at <= ? ORDER BY at, id",
                              -1, &st, NULL);
  if (rc != SQLITE_OK)
    return rc;
  sqlite3_bind_int64(st, 1, since);
  sqlite3_bind_int64(st, 2, until);
  int64_t rows = 0;
  zone_span zone = {0, 0, 0};
  if (json) {
    text_done(t, put(text_room(t, 1), "[", 1));
  } else {
    static const char header[] = "id,at,level,location,trigger,note,symptoms\r\n";
    text_done(t, put(text_room(t, sizeof(header)), header, sizeof(header) - 1));
  }
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    const char *col[7];
    size_t len[7], strings = 0;
    for (int c = 3; c < 7; c++) {
      /* strlen, not sqlite3_column_bytes: the core let no NUL in, and
       * one API call fewer per column is 7 % of an export */
      col[c] = (const char *)sqlite3_column_text(st, c);
      col[c] = col[c] ? col[c] : "";
      len[c] = strlen(col[c]);
      strings += len[c];
    }
    /* the worst case: every byte escaped as \u00XX, and the fixed parts */
    char *p = text_room(t, 6 * strings + 256);
    int64_t id = sqlite3_column_int64(st, 0), at = sqlite3_column_int64(st, 1),
            level = sqlite3_column_int64(st, 2);
    if (json) {
      /* Written here, not by SQLite's json_object and json_quote, which
       * cost twice the export's time. */
      p = put(p, rows ? ",\n{\"id\":" : "{\"id\":", rows ? 8 : 6);
      p = put_int(p, id);
      p = put(p, ",\"at\":", 6);
      p = put_int(p, at);
      p = put(p, ",\"level\":", 9);
      p = put_int(p, level);
      p = put(p, ",\"location\":", 12);
      p = put_json_string(p, col[3], len[3]);
      p = put(p, ",\"trigger\":", 11);
      p = put_json_string(p, col[4], len[4]);
      p = put(p, ",\"note\":", 8);
      p = put_json_string(p, col[5], len[5]);
      p = put(p, ",\"symptoms\":[", 13);
      for (size_t i = 0; i < len[6];) { /* stored as "a,b": ["a","b"] */
        const char *comma = memchr(col[6] + i, ',', len[6] - i);
        size_t n = comma ? (size_t)(comma - col[6]) - i : len[6] - i;
        p = put_json_string(p, col[6] + i, n);
        i += n + 1;
        if (comma)
          *p++ = ',';
      }
      p = put(p, "]}", 2);
    } else {
      char when[64];
      iso_local(zo, at, &zone, when, sizeof(when));
      p = put_int(p, id);
      *p++ = ',';
      p = put(p, when, strlen(when));
      *p++ = ',';
      p = put_int(p, level);
      for (int c = 3; c < 6; c++) {
        *p++ = ',';
        p = put_csv_field(p, col[c], len[c]);
      }
      *p++ = ',';
      /* symptoms: ';' between keys, so the field needs no quoting */
      for (size_t i = 0; i < len[6]; i++)
        *p++ = col[6][i] == ',' ? ';' : col[6][i];
      p = put(p, "\r\n", 2);
    }
    text_done(t, p);
    rows++;
    text_flush(t, false);
    if (t->err) { /* the file cannot take more (a full disk): said in done */
      rc = SQLITE_DONE;
      break;
    }
    if (t->fd < 0 && t->total > EXPORT_MAX_ANSWER) {
      rc = SQLITE_DONE;
      break;
    }
  }
  sqlite3_finalize(st);
  *ret_rows = rows;
  if (rc != SQLITE_DONE)
    return rc; /* a short diary is never given as a whole one */
  if (json)
    text_done(t, put(text_room(t, 2), "]\n", 2));
  text_flush(t, true);
  return SQLITE_OK;
}

/* One export, asked on the loop, read on a worker (db_read), answered on
 * the loop. */
typedef struct export_job {
  lb_call *call;
  bool json;
  int64_t since, until, rows;
  text t;
  lb_output *out;    /* pain.export_file */
  const char *path;  /* the call's argument: lives until the answer */
  zone_offsets zone; /* CSV: local times */
} export_job;

/* The zone offsets a CSV export needs, from its first entry to now and a
 * day (an entry logged while it is read may be newer than the newest now). */
static void export_prepare(export_job *j) {
  if (j->json)
    return;
  int64_t now = pain_now_s(), lo = now, hi = now; /* no entry: nothing to format */
  sqlite3_stmt *st = pain_prepare(NULL, "SELECT min(at), max(at) FROM pain_entries WHERE at >= ? "
                                        "AND at <= ?");
  if (st) {
    sqlite3_bind_int64(st, 1, j->since);
    sqlite3_bind_int64(st, 2, j->until);
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL) {
      lo = sqlite3_column_int64(st, 0);
      hi = sqlite3_column_int64(st, 1);
    }
    sqlite3_finalize(st);
  }
  pain_read_forget(); /* a read that failed here fails on the worker too, and says so */
  if (hi < now)
    hi = now;
  offsets_make(&j->zone, lo, hi + DAY_S);
}

static int export_read(sqlite3 *db, void *ud) {
  export_job *j = ud;
  return export_text(db, j->json, j->since, j->until, &j->zone, &j->t, &j->rows);
}

static bool format_of(lb_call *call, const lb_value *opts, bool *ret_json) {
  const lb_value *f = lb_map_get(opts, "format");
  const char *s = f ? f->as.str.ptr : "csv";
  if (strcmp(s, "csv") != 0 && strcmp(s, "json") != 0) {
    pain_host->fail(call, LB_ERR_INVALID_PARAMS,
                    "option 'format' must be csv or json, got \"%.20s\"", s);
    return false;
  }
  *ret_json = strcmp(s, "json") == 0;
  return true;
}

static void exported(lb_plugin *p, int result, const char *error, void *ud) {
  (void)p;
  export_job *j = ud;
  if (result < 0)
    pain_host->fail(j->call, LB_ERR_INTERNAL, "the diary cannot be read: %s", error);
  else if (j->t.total > EXPORT_MAX_ANSWER)
    pain_host->fail(j->call, LB_ERR_INVALID_PARAMS,
                    "the export is more than one answer carries (1 MiB): write it to a file with "
                    "pain.export_file (lumbarctl pain export -o FILE), or ask for a shorter range");
  else {
    lb_value v = lb_v_strn(j->t.s ? j->t.s : "", j->t.len);
    pain_host->reply(j->call, &v);
  }
  offsets_free(&j->zone);
  free(j->t.s);
  free(j);
}

void pain_export_m_export(lb_call *call, const lb_value *args, void *ud) {
  (void)ud;
  bool json;
  if (!format_of(call, &args[0], &json))
    return;
  export_job *j = lbu_xcalloc(1, sizeof(*j));
  *j = (export_job){.call = call, .json = json, .t = {.fd = -1}};
  pain_range_of(&args[0], &j->since, &j->until);
  export_prepare(j);
  pain_host->db_read(pain_self, export_read, exported, j);
}

static void exported_file(lb_plugin *p, int result, const char *error, void *ud) {
  (void)p;
  export_job *j = ud;
  char err[1024] = "";
  bool whole = result == 0 && !j->t.err;
  if (result == 0 && j->t.err)
    snprintf(err, sizeof(err), "cannot write %s: %s", j->path, strerror(j->t.err));
  int r = pain_host->output_close(j->out, whole, err, sizeof(err));
  if (result < 0)
    pain_host->fail(j->call, LB_ERR_INTERNAL, "the diary cannot be read: %s", error);
  else if (!whole || r < 0)
    pain_host->fail(j->call, LB_ERR_INVALID_PARAMS, "%s", err);
  else {
    lb_value v = LB_MAP({"path", lb_v_str(j->path)}, {"rows", lb_v_uint((uint64_t)j->rows)},
                        {"bytes", lb_v_uint(j->t.total)});
    pain_host->reply(j->call, &v);
  }
  offsets_free(&j->zone);
  free(j->t.s);
  free(j);
}

void pain_export_m_export_file(lb_call *call, const lb_value *args, void *ud) {
  (void)ud;
  const char *path = args[0].as.str.ptr;
  bool json;
  int64_t since, until;
  char err[1024];
  if (path[0] != '/') {
    pain_host->fail(call, LB_ERR_INVALID_PARAMS,
                    "parameter 'path' must be absolute (the daemon does not know your directory)");
    return;
  }
  if (!format_of(call, &args[1], &json))
    return;
  pain_range_of(&args[1], &since, &until);
  /* Whole or not at all, and never over one of lumbard's own files: the
   * host checks the path and gives a new file beside it, renamed over it
   * once complete. Not fsync'd: the diary itself is durable, the export is
   * a copy of it, and an fsync of tens of MB would hold up every client. */
  lb_output *out = pain_host->output_open(pain_self, path, err, sizeof(err));
  if (!out) {
    pain_host->fail(call, LB_ERR_INVALID_PARAMS, "%s", err);
    return;
  }
  export_job *j = lbu_xcalloc(1, sizeof(*j));
  *j = (export_job){.call = call,
                    .json = json,
                    .since = since,
                    .until = until,
                    .t = {.fd = pain_host->output_fd(out)},
                    .out = out,
                    .path = path};
  export_prepare(j);
  pain_host->db_read(pain_self, export_read, exported_file, j);
}
