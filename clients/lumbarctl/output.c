/* Where a verb's -o sends what it writes (pain export, pain report): stdout,
 * a descriptor the shell gave, a FIFO or a device, or a regular file that
 * is written whole or not at all (by lumbard for the export, by lumbarctl
 * for the report), never half. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lumbarctl.h"

/* path made absolute against the working directory, as the daemon needs
 * it (it runs elsewhere). Returns 0 or -errno. */
static int absolute_path(const char *path, char *buf, size_t len) {
  if (path[0] == '/') {
    if ((size_t)snprintf(buf, len, "%s", path) >= len)
      return -ENAMETOOLONG;
    return 0;
  }
  char cwd[4096];
  if (!getcwd(cwd, sizeof(cwd)))
    return -errno;
  const char *rel = path;
  while (strncmp(rel, "./", 2) == 0)
    rel += 2;
  if ((size_t)snprintf(buf, len, "%s%s%s", cwd, strcmp(cwd, "/") == 0 ? "" : "/", rel) >= len)
    return -ENAMETOOLONG;
  return 0;
}

/* "/dev/fd/N" (or /dev/stdout, /dev/stderr): its N, else -1. */
static int fd_name(const char *out) {
  if (strcmp(out, "/dev/stdout") == 0)
    return STDOUT_FILENO;
  if (strcmp(out, "/dev/stderr") == 0)
    return STDERR_FILENO;
  uint64_t n;
  if (strncmp(out, "/dev/fd/", 8) != 0 || !lbctl_parse_u64(out + 8, &n) || n > INT_MAX)
    return -1;
  return (int)n;
}

/* A file that exists and is not a regular file, opened for writing: returns
 * 1 and *ret_fd; 0 when the file is one to replace whole (a new name, or a
 * regular file); or -errno. */
static int open_stream(const char *path, int *ret_fd) {
  struct stat st;
  if (stat(path, &st) < 0 || S_ISREG(st.st_mode))
    return 0;
  /* No O_CREAT: it exists; no O_TRUNC: a FIFO or a device has nothing to
   * cut. */
  int fd = open(path, O_WRONLY | O_CLOEXEC | O_NOCTTY);
  if (fd < 0)
    return -errno;
  if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
    close(fd); /* it became a regular file meanwhile: one to replace after all */
    return 0;
  }
  *ret_fd = fd;
  return 1;
}

int lbctl_output_open(const lbctl_verb *self, const char *out, lbctl_output *ret) {
  *ret = (lbctl_output){.fd = STDOUT_FILENO};
  if (!out || strcmp(out, "-") == 0)
    return LBCTL_OK;
  int fd = fd_name(out), r;
  if (fd >= 0) {
    int fl = fcntl(fd, F_GETFL);
    r = fl < 0 ? -errno : (fl & O_ACCMODE) == O_RDONLY ? -EBADF : 0;
    ret->fd = fd;
    snprintf(ret->path, sizeof(ret->path), "%s", out);
  } else if ((r = open_stream(out, &ret->fd)) > 0) {
    ret->close = true;
    if (absolute_path(out, ret->path, sizeof(ret->path)) < 0)
      snprintf(ret->path, sizeof(ret->path), "%s", out);
  } else if (r == 0) {
    ret->fd = -1;
    if ((r = absolute_path(out, ret->path, sizeof(ret->path))) < 0) {
      fprintf(stderr, "lumbarctl: %s: %s: %s\n", self->name, out, strerror(-r));
      return LBCTL_USAGE;
    }
  }
  if (r < 0) {
    fprintf(stderr, "lumbarctl: %s: cannot write %s: %s\n", self->name, out, strerror(-r));
    return 1; /* see main(): no status of DESIGN §7 fits */
  }
  return LBCTL_OK;
}

int lbctl_output_close(lbctl_output *o) {
  int r = 0;
  if (o->close && close(o->fd) < 0)
    r = -errno;
  o->close = false;
  return r;
}

int lbctl_write_all(int fd, const void *data, size_t len) {
  const char *p = data;
  for (size_t done = 0; done < len;) {
    ssize_t n = write(fd, p + done, len - done);
    if (n < 0 && errno != EINTR)
      return -errno;
    if (n > 0)
      done += (size_t)n;
  }
  return 0;
}
