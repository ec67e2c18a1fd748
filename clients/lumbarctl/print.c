/* Human output of msgpack values: YAML-like blocks for results, one-line
 * key=value text for events; tables. */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lumbarctl.h"

void lbctl_print_text(FILE *f, const char *s, size_t len) {
  for (size_t i = 0; i < len; i++) {
    unsigned char ch = (unsigned char)s[i];
    fputc((ch < 0x20 && ch != '\n' && ch != '\t') || ch == 0x7f ? '?' : ch, f);
  }
}

void lbctl_clean_text(char *dst, size_t cap, const char *s, size_t len) {
  size_t n = len < cap - 1 ? len : cap - 1;
  while (n > 0 && n < len && ((unsigned char)s[n] & 0xc0) == 0x80)
    n--;
  for (size_t i = 0; i < n; i++) {
    unsigned char ch = (unsigned char)s[i];
    dst[i] = ch < 0x20 || ch == 0x7f ? '?' : (char)ch;
  }
  dst[n] = '\0';
}

void lbctl_copy_text(char *dst, size_t cap, const msgpack_object *s) {
  if (s && s->type == MSGPACK_OBJECT_STR)
    lbctl_clean_text(dst, cap, s->via.str.ptr, s->via.str.size);
  else
    dst[0] = '\0';
}

/* ---- text in columns ---------------------------------------------------------- */

void lbctl_put_said(FILE *f, const char *prefix, const char *text) {
  fputs(prefix, f);
  if (isatty(fileno(f)))
    lbctl_put_wrapped(f, text, lbctl_text_width(prefix), 2, lbctl_term_fd_columns(fileno(f)));
  else
    fprintf(f, "%s\n", text);
}

void lbctl_put_hanging(const char *prefix, const char *text, int cols) {
  int col = lbctl_text_width(prefix);
  fputs(prefix, stdout);
  lbctl_put_wrapped(stdout, text, col, cols - col < 30 ? 2 : col, cols);
}

void lbctl_put_line(const char *text) {
  if (isatty(STDOUT_FILENO))
    lbctl_put_hanging("", text, lbctl_term_columns());
  else
    printf("%s\n", text);
}

int lbctl_text_width(const char *s) {
  int w = 0;
  for (; *s; s++)
    w += ((unsigned char)*s & 0xc0) != 0x80;
  return w;
}

void lbctl_text_cut(char *s, size_t cap, int width, bool utf8) {
  if (lbctl_text_width(s) <= width)
    return;
  const char *more = utf8 ? "\xe2\x80\xa6" : "...";
  int keep = width - lbctl_text_width(more);
  if (keep < 0) { /* no room for the mark: cut bare */
    keep = width;
    more = "";
  }
  size_t i = 0;
  for (int w = 0; s[i]; i++)
    if (((unsigned char)s[i] & 0xc0) != 0x80 && w++ == keep)
      break;
  /* A character less when the mark would not fit in the buffer. */
  while (i > 0 && i + strlen(more) >= cap)
    while (i > 0 && ((unsigned char)s[--i] & 0xc0) == 0x80)
      ;
  snprintf(s + i, cap - i, "%s", more);
}

size_t lbctl_wrap(const char *p, int room) {
  if (lbctl_text_width(p) <= room)
    return strlen(p);
  /* The last space within room columns; a longer word stays whole. */
  size_t cut = 0;
  int w = 0;
  for (size_t i = 0; p[i] && w <= room; i++) {
    if (p[i] == ' ')
      cut = i;
    w += ((unsigned char)p[i] & 0xc0) != 0x80;
  }
  return cut ? cut : strcspn(p, " ");
}

void lbctl_put_wrapped(FILE *f, const char *text, int col, int indent, int cols) {
  const char *p = text;
  int room = cols - col;
  do {
    size_t cut = lbctl_wrap(p, room > 10 ? room : 10);
    fprintf(f, "%*s%.*s\n", p == text ? 0 : indent, "", (int)cut, p);
    p += cut;
    while (*p == ' ')
      p++;
    room = cols - indent;
  } while (*p);
}

void lbctl_put_cell(const char *s, int width) {
  printf("%s%*s  ", s, width - lbctl_text_width(s), "");
}

void lbctl_row_cell(lbctl_row *r, const char *on, const char *s, int width, const char *off) {
  if (*s) {
    printf("%*s%s%s%s", r->pad, "", on, s, off);
    r->pad = 0;
  }
  r->pad += width - lbctl_text_width(s) + 2;
}

void lbctl_row_end(lbctl_row *r, const char *last) {
  if (*last)
    printf("%*s%s", r->pad, "", last);
  putchar('\n');
  r->pad = 0;
}

void lbctl_table_start(int *w, const char *const *head, int ncols) {
  for (int c = 0; c < ncols; c++)
    w[c] = lbctl_text_width(head[c]);
}

void lbctl_table_fit(int *w, int ncols, const char *cells, size_t cell_size) {
  for (int c = 0; c < ncols; c++, cells += cell_size)
    if (lbctl_text_width(cells) > w[c])
      w[c] = lbctl_text_width(cells);
}

void lbctl_table_head(const lbctl *ctl, const char *const *head, int ncols, const int *w) {
  printf("%s", lbctl_term_bold(ctl));
  for (int c = 0; c < ncols; c++)
    lbctl_put_cell(head[c], w[c]);
  printf("%s%s\n", head[ncols], lbctl_term_reset(ctl));
}

int lbctl_table_squeeze(int *w, int ncols, int cols, const lbctl_squeeze *give, size_t n_give,
                        int last_min) {
  int used = 0;
  for (int c = 0; c < ncols; c++)
    used += w[c] + 2;
  int over = used + last_min - cols;
  for (size_t g = 0; g < n_give && over > 0; g++) {
    int c = give[g].column, less = w[c] - give[g].min;
    if (less <= 0)
      continue;
    if (less > over)
      less = over;
    w[c] -= less;
    used -= less;
    over -= less;
  }
  return cols > used ? cols - used : 1;
}

int lbctl_rows_add(lbctl_rows *t, const char *cells, size_t cell_size, int ncols,
                   const char *last) {
  size_t len = strlen(last) + 1;
  for (int c = 0; c < ncols; c++)
    len += strlen(cells + (size_t)c * cell_size) + 1;
  if (t->n == t->n_cap) {
    size_t cap = t->n_cap ? 2 * t->n_cap : 64;
    size_t *start = realloc(t->start, cap * sizeof(*start));
    if (!start)
      return -ENOMEM;
    t->start = start;
    t->n_cap = cap;
  }
  if (t->len + len > t->cap) {
    size_t cap = t->cap ? t->cap : 4096;
    while (cap < t->len + len)
      cap *= 2;
    char *text = realloc(t->text, cap);
    if (!text)
      return -ENOMEM;
    t->text = text;
    t->cap = cap;
  }
  t->start[t->n++] = t->len;
  for (int c = 0; c <= ncols; c++) {
    const char *s = c < ncols ? cells + (size_t)c * cell_size : last;
    size_t n = strlen(s) + 1;
    memcpy(t->text + t->len, s, n);
    t->len += n;
  }
  return 0;
}

const char *lbctl_rows_cell(const lbctl_rows *t, size_t row, int c) {
  const char *s = t->text + t->start[row];
  while (c-- > 0)
    s += strlen(s) + 1;
  return s;
}

void lbctl_rows_free(lbctl_rows *t) {
  free(t->text);
  free(t->start);
  *t = (lbctl_rows){0};
}

/* The shortest text that reads back as the same double. */
static void print_double(FILE *f, double d) {
  char buf[40];
  if (!isfinite(d)) {
    fputs(isnan(d) ? "nan" : d > 0 ? "inf" : "-inf", f);
    return;
  }
  for (int prec = 15; prec <= 17; prec++) {
    snprintf(buf, sizeof(buf), "%.*g", prec, d);
    if (strtod(buf, NULL) == d)
      break;
  }
  fputs(buf, f);
}

static bool is_block(const msgpack_object *o) {
  return (o->type == MSGPACK_OBJECT_MAP && o->via.map.size > 0) ||
         (o->type == MSGPACK_OBJECT_ARRAY && o->via.array.size > 0);
}

static bool is_multiline(const msgpack_object *o) {
  return o->type == MSGPACK_OBJECT_STR && memchr(o->via.str.ptr, '\n', o->via.str.size);
}

/* Anything that is not a non-empty container, on the current line. */
static void print_scalar(FILE *f, const msgpack_object *o) {
  switch (o->type) {
  case MSGPACK_OBJECT_NIL:
    fputs("(none)", f);
    break;
  case MSGPACK_OBJECT_BOOLEAN:
    fputs(o->via.boolean ? "true" : "false", f);
    break;
  case MSGPACK_OBJECT_POSITIVE_INTEGER:
    fprintf(f, "%" PRIu64, o->via.u64);
    break;
  case MSGPACK_OBJECT_NEGATIVE_INTEGER:
    fprintf(f, "%" PRId64, o->via.i64);
    break;
  case MSGPACK_OBJECT_FLOAT32:
  case MSGPACK_OBJECT_FLOAT64:
    print_double(f, o->via.f64);
    break;
  case MSGPACK_OBJECT_STR:
    lbctl_print_text(f, o->via.str.ptr, o->via.str.size);
    break;
  case MSGPACK_OBJECT_BIN:
    fprintf(f, "<%" PRIu32 " bytes>", o->via.bin.size);
    break;
  case MSGPACK_OBJECT_EXT:
    fprintf(f, "<extension type %d, %" PRIu32 " bytes>", (int)o->via.ext.type, o->via.ext.size);
    break;
  case MSGPACK_OBJECT_ARRAY:
  case MSGPACK_OBJECT_MAP:
    fputs("(none)", f); /* only empty ones come here */
    break;
  }
}

/* The lines of a multi-line string, each indented; one final newline of
 * the text is the line's own, not an empty line more. */
static void print_lines(FILE *f, const msgpack_object *o, int ind, bool first_at_cursor) {
  const char *p = o->via.str.ptr, *end = p + o->via.str.size;
  if (end > p && end[-1] == '\n')
    end--;
  bool first = true;
  while (p <= end) {
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    const char *stop = nl ? nl : end;
    if (!first || !first_at_cursor)
      fprintf(f, "%*s", ind, "");
    lbctl_print_text(f, p, (size_t)(stop - p));
    fputc('\n', f);
    first = false;
    if (!nl)
      break;
    p = nl + 1;
  }
}

/* A non-empty map or array, one line per scalar, nested ones indented by
 * two more. When first_at_cursor, the first line goes where the cursor is
 * (after "- "), the others at ind. */
static void print_block(FILE *f, const msgpack_object *o, int ind, bool first_at_cursor) {
  bool map = o->type == MSGPACK_OBJECT_MAP;
  uint32_t n = map ? o->via.map.size : o->via.array.size;
  for (uint32_t i = 0; i < n; i++) {
    if (i > 0 || !first_at_cursor)
      fprintf(f, "%*s", ind, "");
    const msgpack_object *v;
    if (map) {
      const msgpack_object *k = &o->via.map.ptr[i].key;
      v = &o->via.map.ptr[i].val;
      if (k->type == MSGPACK_OBJECT_STR)
        lbctl_print_text(f, k->via.str.ptr, k->via.str.size);
      else
        lbctl_print_inline(f, k);
      fputc(':', f);
      if (is_block(v)) {
        fputc('\n', f);
        print_block(f, v, ind + 2, false);
      } else if (is_multiline(v)) {
        fputc('\n', f);
        print_lines(f, v, ind + 2, false);
      } else {
        fputc(' ', f);
        print_scalar(f, v);
        fputc('\n', f);
      }
    } else {
      v = &o->via.array.ptr[i];
      fputs("- ", f);
      if (is_block(v)) {
        print_block(f, v, ind + 2, true);
      } else if (is_multiline(v)) {
        print_lines(f, v, ind + 2, true);
      } else {
        print_scalar(f, v);
        fputc('\n', f);
      }
    }
  }
}

void lbctl_print_value(FILE *f, const msgpack_object *o) {
  if (is_block(o)) {
    print_block(f, o, 0, false);
  } else if (o->type == MSGPACK_OBJECT_STR) {
    /* A text result (an export, "pong") prints as itself. */
    lbctl_print_text(f, o->via.str.ptr, o->via.str.size);
    if (o->via.str.size == 0 || o->via.str.ptr[o->via.str.size - 1] != '\n')
      fputc('\n', f);
  } else {
    print_scalar(f, o);
    fputc('\n', f);
  }
}

static bool needs_quotes(const char *s, size_t n) {
  if (n == 0)
    return true;
  for (size_t i = 0; i < n; i++) {
    unsigned char ch = (unsigned char)s[i];
    if (ch <= ' ' || ch == '"' || ch == '\\' || ch == '=' || ch == 0x7f)
      return true;
  }
  return false;
}

void lbctl_print_inline(FILE *f, const msgpack_object *o) {
  switch (o->type) {
  case MSGPACK_OBJECT_NIL:
    fputs("null", f);
    return;
  case MSGPACK_OBJECT_STR:
    if (!needs_quotes(o->via.str.ptr, o->via.str.size)) {
      lbctl_print_text(f, o->via.str.ptr, o->via.str.size);
      return;
    }
    break;
  case MSGPACK_OBJECT_BOOLEAN:
  case MSGPACK_OBJECT_POSITIVE_INTEGER:
  case MSGPACK_OBJECT_NEGATIVE_INTEGER:
  case MSGPACK_OBJECT_FLOAT32:
  case MSGPACK_OBJECT_FLOAT64:
    print_scalar(f, o);
    return;
  default:
    break;
  }
  /* Quoted strings, containers, bin and ext: compact JSON, which escapes
   * every control character. */
  json_t *j = lbctl_json_from_msgpack(o);
  char *s = j ? json_dumps(j, JSON_ENCODE_ANY | JSON_COMPACT) : NULL;
  fputs(s ? s : "?", f);
  free(s);
  json_decref(j);
}

/* ---- answers and events ------------------------------------------------------- */

int lbctl_print_json_result(const msgpack_object *result) {
  if (lbctl_json_print(stdout, result, true) < 0) {
    fprintf(stderr, "lumbarctl: cannot write the JSON output\n");
    return 1; /* see main(): no status of DESIGN §7 fits */
  }
  return LBCTL_OK;
}

/* lumbard's events are [2, name, [fields]]; anything else still shows. */
static const msgpack_object *event_fields(const msgpack_object *params) {
  if (params && params->type == MSGPACK_OBJECT_ARRAY && params->via.array.size == 1 &&
      params->via.array.ptr[0].type == MSGPACK_OBJECT_MAP)
    return &params->via.array.ptr[0];
  return NULL;
}

void lbctl_print_event_line(const char *name, const msgpack_object *params) {
  char clock[16] = "??:??:??";
  time_t now = time(NULL);
  struct tm tm;
  if (localtime_r(&now, &tm))
    strftime(clock, sizeof(clock), "%H:%M:%S", &tm);
  printf("%s ", clock);
  lbctl_print_text(stdout, name, strlen(name));
  const msgpack_object *fields = event_fields(params);
  if (fields) {
    for (uint32_t i = 0; i < fields->via.map.size; i++) {
      putchar(' ');
      const msgpack_object *k = &fields->via.map.ptr[i].key;
      if (k->type == MSGPACK_OBJECT_STR)
        lbctl_print_text(stdout, k->via.str.ptr, k->via.str.size);
      else
        lbctl_print_inline(stdout, k);
      putchar('=');
      lbctl_print_inline(stdout, &fields->via.map.ptr[i].val);
    }
  } else if (params && params->type == MSGPACK_OBJECT_ARRAY && params->via.array.size > 0) {
    fputs(" params=", stdout);
    lbctl_print_inline(stdout, params);
  }
  putchar('\n');
}

int lbctl_print_event_json(const char *name, const msgpack_object *params) {
  json_t *line = json_object();
  const msgpack_object *fields = event_fields(params);
  msgpack_object event = {.type = MSGPACK_OBJECT_STR,
                          .via.str = {.size = (uint32_t)strlen(name), .ptr = name}};
  json_object_set_new(line, "event", lbctl_json_from_msgpack(&event));
  json_object_set_new(line, "fields", fields ? lbctl_json_from_msgpack(fields) : json_object());
  if (!fields && params && params->type == MSGPACK_OBJECT_ARRAY && params->via.array.size > 0)
    json_object_set_new(line, "params", lbctl_json_from_msgpack(params));
  int r = lbctl_json_print_json(stdout, line, false);
  json_decref(line);
  return r;
}
