/* Reading a small text file (lumbard.conf) whole, without ever blocking and
 * at a bounded cost, then handing it to a line parser (inih) line by line.
 * Shared by the daemon and lumbar-notify, which read the same file. */
#ifndef LBU_READFILE_H
#define LBU_READFILE_H

#include <stdbool.h>
#include <stddef.h>

/* A real lumbard.conf is a few KB (the commented default one is 4 KB). */
#define LBU_READFILE_CONFIG_MAX ((size_t)1 << 20)

/* Read the regular file at path (a symlink to one is fine) into a new
 * NUL-terminated buffer (*ret_text, freed by the caller; *ret_len bytes before
 * the NUL). Never blocks, and reads at most max + 1 bytes whatever the file
 * does meanwhile. On failure, returns a negative errno and writes in err a
 * sentence that names the path, to which a caller adds what to do:
 *   -ENOENT   the file does not exist (callers usually fall back to defaults);
 *   -EISDIR   it is a directory;
 *   -EBADFD   it is a FIFO, a device or a socket: anything but a regular file;
 *   -EFBIG    it holds more than max bytes;
 *   other     open(2) or read(2) failed. */
int lbu_readfile(const char *path, size_t max, char **ret_text, size_t *ret_len, char *err,
                 size_t errlen);

/* Text handed over one line at a time, as fgets would, for inih's
 * ini_parse_stream (lbu_readfile_next_line is an ini_reader). Unlike fgets it
 * never splits a line: a line that does not fit the parser's buffer, or that
 * holds a NUL byte, is handed over empty (so line numbers stay right) and the
 * first such line is kept in bad_line for the caller to report. The line
 * ending ("\n" or "\r\n") is not handed over. */
typedef struct lbu_readfile_lines {
  const char *next, *end; /* what is left of the text */
  int line;               /* the number of the line handed over last */
  int bad_line;           /* the first line that could not be handed over, or 0 */
  bool bad_is_nul;        /* that line holds a NUL byte (else it is too long) */
  int longest;            /* the longest line the parser takes, in bytes */
} lbu_readfile_lines;

void lbu_readfile_lines_init(lbu_readfile_lines *l, const char *text, size_t len);
char *lbu_readfile_next_line(char *buf, int size, void *lines);

#endif
