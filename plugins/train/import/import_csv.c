/* CSV rows and their lines, over libcsv (import_csv.h).
 *
 * libcsv reads the quoting; this file adds what it does not say: where each row starts. With
 * CSV_REPALL_NL every line feed outside a field is reported to the row callback, so the lines
 * before a row are those reports plus the line feeds inside the quoted fields read so far. In
 * strict mode a quoting error stops csv_parse at the offending byte; the row it was in is given to
 * the broken handler and reading starts again after the next line feed. */
#include "import_csv.h"

#include <csv.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

/* Fed to libcsv in pieces so that a handler's "no further" stops the reading soon. */
#define CHUNK (256 * 1024)

typedef struct reader {
  const train_import__csv_handlers *h;
  char *buf; /* the fields of the row being read, each NUL-terminated */
  size_t buf_len, buf_cap;
  size_t *offs; /* where each field starts in buf */
  const char **fields;
  size_t n_fields, cap_fields;
  size_t lf;       /* line feeds reported before this point */
  size_t row_line; /* where the row being read starts, when n_fields > 0 */
  bool stop;
} reader;

static size_t count_lf(const char *p, size_t n) {
  size_t lf = 0;
  const char *end = p + n;
  while (p < end && (p = memchr(p, '\n', (size_t)(end - p))) != NULL)
    lf++, p++;
  return lf;
}

static void on_field(void *s, size_t n, void *ctx) {
  reader *r = ctx;
  if (r->stop)
    return;
  if (r->n_fields == 0)
    r->row_line = r->lf + 1;
  if (r->n_fields == r->cap_fields) {
    r->cap_fields = r->cap_fields ? 2 * r->cap_fields : 32;
    r->offs = lbu_xrealloc(r->offs, r->cap_fields * sizeof(*r->offs));
    r->fields = lbu_xrealloc(r->fields, r->cap_fields * sizeof(*r->fields));
  }
  if (r->buf_cap - r->buf_len < n + 1) {
    while (r->buf_cap - r->buf_len < n + 1)
      r->buf_cap = r->buf_cap ? 2 * r->buf_cap : 1024;
    r->buf = lbu_xrealloc(r->buf, r->buf_cap);
  }
  r->offs[r->n_fields++] = r->buf_len;
  if (n)
    memcpy(r->buf + r->buf_len, s, n);
  r->buf[r->buf_len + n] = '\0';
  r->buf_len += n + 1;
  r->lf += count_lf(s, n);
}

static void on_row_end(int c, void *ctx) {
  reader *r = ctx;
  if (r->stop)
    return;
  if (r->n_fields) {
    for (size_t i = 0; i < r->n_fields; i++)
      r->fields[i] = r->buf + r->offs[i];
    if (!r->h->row(r->h->ctx, r->row_line, r->fields, r->n_fields))
      r->stop = true;
    r->n_fields = 0, r->buf_len = 0;
  }
  if (c == '\n')
    r->lf++;
}

static void discard_row(reader *r) {
  r->n_fields = 0, r->buf_len = 0;
}

void train_import__csv_read(const char *data, size_t len, char delim,
                            const train_import__csv_handlers *h) {
  reader r = {.h = h};
  struct csv_parser p;
  csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_REPALL_NL);
  csv_set_delim(&p, (unsigned char)delim);
  csv_set_realloc_func(&p, lbu_xrealloc); /* out of memory aborts, as everywhere in lumbard */
  csv_set_free_func(&p, free);

  size_t pos = 0;
  size_t counted_to = 0, counted_lf = 0; /* line feeds in data[0..counted_to) */
  while (pos < len && !r.stop) {
    size_t n = len - pos < CHUNK ? len - pos : CHUNK;
    size_t done = csv_parse(&p, data + pos, n, on_field, on_row_end, &r);
    if (done == n) {
      pos += n;
      continue;
    }
    /* A quoting error at data[pos + done]: the row it is in is lost, to the end of its line. */
    size_t bad = pos + done;
    size_t first = r.n_fields ? r.row_line : r.lf + 1;
    const char *why = data[bad] == '"'
                          ? "a quote inside a field that does not start with one (a field that "
                            "holds quotes is quoted whole, with its quotes doubled)"
                          : "text after the closing quote of a field";
    if (csv_error(&p) != CSV_EPARSE)
      why = "the CSV reader failed"; /* not seen: memory failures abort first */
    csv_fini(&p, NULL, NULL, NULL);  /* forget the broken row's state */
    discard_row(&r);
    const char *nl = memchr(data + bad, '\n', len - bad);
    size_t resume = nl ? (size_t)(nl - data) + 1 : len;
    counted_lf += count_lf(data + counted_to, resume - counted_to);
    counted_to = resume;
    size_t last = nl ? counted_lf : counted_lf + 1;
    h->broken(h->ctx, first, last < first ? first : last, why);
    r.lf = counted_lf;
    pos = resume;
  }
  if (!r.stop) {
    size_t first = r.n_fields ? r.row_line : r.lf + 1;
    csv_fini(&p, on_field, on_row_end, &r);
    if (csv_error(&p) == CSV_EPARSE) {
      /* A quoted field still open at the end: everything from its row on is one field. */
      counted_lf += count_lf(data + counted_to, len - counted_to);
      size_t last = len && data[len - 1] == '\n' ? counted_lf : counted_lf + 1;
      h->broken(h->ctx, first, last < first ? first : last,
                "a quoted field that starts here is never closed");
    }
  }
  csv_free(&p);
  free(r.buf);
  free(r.offs);
  free(r.fields);
}

char train_import__csv_delimiter(const char *data, size_t len) {
  size_t commas = 0, semis = 0;
  bool quoted = false;
  for (size_t i = 0; i < len; i++) {
    char c = data[i];
    if (c == '"')
      quoted = !quoted; /* a doubled quote toggles twice */
    else if (!quoted && (c == '\n' || c == '\r'))
      break;
    else if (!quoted && c == ',')
      commas++;
    else if (!quoted && c == ';')
      semis++;
  }
  if (!commas && !semis)
    return '\0';
  return semis > commas ? ';' : ',';
}
