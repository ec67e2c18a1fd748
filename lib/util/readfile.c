#include "readfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

/* "1 MiB", "64 KiB" or "100 bytes": a bound as its reader would write it. */
static void format_size(size_t n, char *buf, size_t len) {
  if (n >= (1u << 20) && n % (1u << 20) == 0)
    snprintf(buf, len, "%zu MiB", n >> 20);
  else if (n >= 1024 && n % 1024 == 0)
    snprintf(buf, len, "%zu KiB", n >> 10);
  else
    snprintf(buf, len, "%zu bytes", n);
}

static int too_large(const char *path, size_t max, char *err, size_t errlen) {
  char bound[32];
  format_size(max, bound, sizeof(bound));
  snprintf(err, errlen, "%s is larger than %s", path, bound);
  return -EFBIG;
}

int lbu_readfile(const char *path, size_t max, char **ret_text, size_t *ret_len, char *err,
                 size_t errlen) {
  /* O_NONBLOCK: opening a FIFO that has no writer, or some devices, would
   * wait; a regular file reads the same with it. O_NOCTTY: a terminal named
   * here must not become our controlling terminal. */
  int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) {
    int e = errno;
    snprintf(err, errlen, "%s: cannot open: %s", path, strerror(e));
    return -e;
  }
  /* Ask the descriptor, not the path: a stat() before the open could be
   * answered by a file replaced in between. A FIFO, /dev/zero or /dev/urandom
   * would never end (or never start). */
  struct stat st;
  int r;
  char *buf = NULL;
  if (fstat(fd, &st) < 0) {
    r = -errno;
    snprintf(err, errlen, "%s: cannot stat: %s", path, strerror(-r));
    goto out;
  }
  if (!S_ISREG(st.st_mode)) {
    snprintf(err, errlen, "%s is %s, not a regular file", path, lbu_file_kind(st.st_mode));
    r = S_ISDIR(st.st_mode) ? -EISDIR : -EBADFD;
    goto out;
  }
  if (st.st_size < 0 || (unsigned long long)st.st_size > max) {
    r = too_large(path, max, err, errlen);
    goto out;
  }

  /* Read up to max + 1 bytes whatever fstat said: a file that grows while it
   * is read (or a /proc file, which says 0) is still bounded, and the one
   * byte over tells that it is too large. */
  size_t len = 0, cap = (size_t)st.st_size + 1;
  buf = lbu_xmalloc(cap + 1); /* + 1: the NUL */
  for (;;) {
    if (len == cap) {
      if (cap > max)
        break;
      cap = cap > max / 2 ? max + 1 : cap * 2;
      buf = lbu_xrealloc(buf, cap + 1);
    }
    ssize_t n = read(fd, buf + len, cap - len);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0) {
      r = -errno;
      snprintf(err, errlen, "%s: cannot read: %s", path, strerror(-r));
      goto out;
    }
    if (n == 0)
      break;
    len += (size_t)n;
  }
  if (len > max) {
    r = too_large(path, max, err, errlen);
    goto out;
  }
  buf[len] = '\0';
  *ret_text = buf;
  *ret_len = len;
  buf = NULL;
  r = 0;
out:
  free(buf);
  close(fd);
  return r;
}

void lbu_readfile_lines_init(lbu_readfile_lines *l, const char *text, size_t len) {
  *l = (lbu_readfile_lines){.next = text, .end = text + len};
}

char *lbu_readfile_next_line(char *buf, int size, void *lines) {
  lbu_readfile_lines *l = lines;
  if (l->next >= l->end || size < 1)
    return NULL;
  const char *start = l->next, *nl = memchr(start, '\n', (size_t)(l->end - start));
  const char *stop = nl ? nl : l->end;
  l->next = nl ? nl + 1 : l->end;
  if (stop > start && stop[-1] == '\r')
    stop--;
  l->line++;
  l->longest = size - 1;

  size_t n = (size_t)(stop - start);
  bool nul = memchr(start, '\0', n) != NULL;
  if (nul || n > (size_t)(size - 1)) {
    /* fgets would hand a long line over in pieces, and inih would read the
     * rest as a line of its own: a key made of the middle of a value. */
    if (!l->bad_line) {
      l->bad_line = l->line;
      l->bad_is_nul = nul;
    }
    n = 0;
  }
  memcpy(buf, start, n);
  buf[n] = '\0';
  return buf;
}
