/* import_csv.h — the rows of a CSV text with the line each starts on, over libcsv in strict mode
 * (RFC 4180: quoted fields hold the delimiter, doubled quotes and line breaks). Private to
 * plugins/train/import/. */
#ifndef LUMBARD_PLUGINS_TRAIN_IMPORT_CSV_H
#define LUMBARD_PLUGINS_TRAIN_IMPORT_CSV_H

#include <stdbool.h>
#include <stddef.h>

typedef struct train_import__csv_handlers {
  /* One row: its fields, NUL-terminated (quotes removed, doubled quotes made one, blanks around
   * an unquoted field removed), valid until it returns. line is where the row starts (1-based,
   * counting LF). Blank lines are no rows. Return false to read no further. */
  bool (*row)(void *ctx, size_t line, const char *const *fields, size_t n_fields);
  /* A stretch the quoting makes unreadable: lines first..last (first == last for one line), with
   * why ("a quote inside a field that does not start with one"). Reading goes on at the line
   * after last; when the rest of the file is lost, last is its last line. */
  void (*broken)(void *ctx, size_t first, size_t last, const char *why);
  void *ctx;
} train_import__csv_handlers;

/* Reads data[0..len) as CSV delimited by delim, calling h's handlers in file order. */
void train_import__csv_read(const char *data, size_t len, char delim,
                            const train_import__csv_handlers *h);

/* The delimiter of a file from its first line: ';' when it has more semicolons than commas
 * outside quotes, else ','; '\0' when it has neither (one column: no export of ours). */
char train_import__csv_delimiter(const char *data, size_t len);

#endif
