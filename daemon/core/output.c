#include "output.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

struct lb_output {
  uv_loop_t *loop; /* NULL in tests without one */
  int dirfd, fd;
  bool created; /* tmp is ours to remove */
  char *dir, *name, *tmp;
};

static bool same_file(const struct stat *a, const struct stat *b) {
  return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

/* Whether (dir, name), or the file st when it exists, is the file at own:
 * by identity, so that another spelling of the path (a symbolic link on the
 * way, "..", a hard link) is caught too. */
static bool is_own(const char *own, const struct stat *dir, const char *name,
                   const struct stat *st) {
  struct stat o;
  if (!own)
    return false;
  if (st && stat(own, &o) == 0 && same_file(&o, st))
    return true;
  const char *slash = strrchr(own, '/');
  if (!slash || strcmp(slash + 1, name) != 0)
    return false;
  char *parent = lbu_xstrndup(own, slash == own ? 1 : (size_t)(slash - own));
  bool same = stat(parent, &o) == 0 && same_file(&o, dir);
  free(parent);
  return same;
}

/* The reason path's target may not be written, or NULL. */
static const char *refusal(const lbd_core *d, const struct stat *dir, const char *name,
                           const struct stat *st, char *buf, size_t len) {
  struct stat data;
  if (d->data_dir && stat(d->data_dir, &data) == 0 && same_file(&data, dir)) {
    snprintf(buf, len,
             "it is in lumbard's data directory %s, next to the diary itself; write it "
             "somewhere else, such as your home directory",
             d->data_dir);
    return buf;
  }
  if (st && !S_ISREG(st->st_mode)) {
    snprintf(buf, len,
             "it is %s, not a regular file; give the name of a file (a new one, or one "
             "to replace)",
             lbu_file_kind(st->st_mode));
    return buf;
  }
  const char *own[] = {d->db_path, d->config_path, d->socket_path};
  for (size_t i = 0; i < LBU_ARRAY_SIZE(own); i++) {
    /* the database's journal and shared memory; the socket's lock */
    char *wal = own[i] && i != 1 ? lbu_xasprintf("%s%s", own[i], i == 0 ? "-wal" : ".lock") : NULL;
    char *shm = own[i] && i == 0 ? lbu_xasprintf("%s-shm", own[i]) : NULL;
    bool hit =
        is_own(own[i], dir, name, st) || is_own(wal, dir, name, st) || is_own(shm, dir, name, st);
    free(wal);
    free(shm);
    if (hit) {
      snprintf(buf, len, "it is lumbard's own %s; write it somewhere else",
               i == 0   ? "database"
               : i == 1 ? "config file"
                        : "socket");
      return buf;
    }
  }
  return NULL;
}

lb_output *lbd_output_open(const lbd_core *d, const char *path, char *err, size_t errlen) {
  char why[512];
  size_t n = strlen(path);
  if (path[0] != '/') {
    snprintf(err, errlen,
             "the path %s must be absolute (the daemon does not know your "
             "directory)",
             path);
    return NULL;
  }
  const char *slash = strrchr(path, '/');
  const char *name = slash + 1;
  if (!*name || strcmp(name, ".") == 0 || strcmp(name, "..") == 0 || n >= 4096) {
    snprintf(err, errlen, "%s does not name a file; give a file name such as %s%sdiary.csv", path,
             path, path[n - 1] == '/' ? "" : "/");
    return NULL;
  }
  lb_output *o = lbu_xcalloc(1, sizeof(*o));
  o->loop = d->loop;
  o->fd = -1;
  o->dir = lbu_xstrndup(path, slash == path ? 1 : (size_t)(slash - path));
  o->name = lbu_xstrdup(name);
  o->dirfd = open(o->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  struct stat dir, st;
  if (o->dirfd < 0 || fstat(o->dirfd, &dir) < 0) {
    snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
    goto fail;
  }
  bool exists = fstatat(o->dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0;
  if (!exists && errno != ENOENT) {
    snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
    goto fail;
  }
  if (refusal(d, &dir, name, exists ? &st : NULL, why, sizeof(why))) {
    snprintf(err, errlen, "will not write %s: %s", path, why);
    goto fail;
  }
  /* A new name beside the target, never an existing file or a link. */
  for (int tries = 0; tries < 100 && o->fd < 0; tries++) {
    uint32_t r = 0;
    if (getrandom(&r, sizeof(r), 0) < 0)
      r = (uint32_t)getpid() ^ (uint32_t)tries * 2654435761u;
    free(o->tmp);
    o->tmp = lbu_xasprintf(".%.200s.%08x.tmp", name, r);
    o->fd = openat(o->dirfd, o->tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (o->fd < 0 && errno != EEXIST)
      break;
  }
  if (o->fd < 0) {
    snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
    goto fail;
  }
  o->created = true;
  if (exists) /* a file replaced keeps its permissions */
    (void)fchmod(o->fd, st.st_mode & 07777);
  return o;
fail:
  lbd_output_close(o, false, why, sizeof(why));
  return NULL;
}

int lbd_output_fd(const lb_output *o) {
  return o->fd;
}

/* The last close of a file replaced by the rename frees its blocks: for an
 * export of 100 MB, tens of milliseconds in the kernel. It is done on a
 * worker thread, so that the loop never waits for it. */
typedef struct closing {
  uv_work_t req;
  int fd;
} closing;

static void close_fd(uv_work_t *req) {
  close(((closing *)req->data)->fd);
}

static void closed_fd(uv_work_t *req, int status) {
  (void)status;
  free(req->data);
}

static void close_off_loop(uv_loop_t *loop, int fd) {
  if (fd < 0)
    return;
  closing *c = lbu_xmalloc(sizeof(*c));
  c->fd = fd;
  c->req.data = c;
  if (!loop || uv_queue_work(loop, &c->req, close_fd, closed_fd) < 0) {
    close(fd);
    free(c);
  }
}

int lbd_output_close(lb_output *o, bool commit, char *err, size_t errlen) {
  int r = 0;
  if (o->fd >= 0 && close(o->fd) < 0 && commit) {
    r = -errno;
    snprintf(err, errlen, "cannot write %s/%s: %s", o->dir, o->name, strerror(errno));
  }
  o->fd = -1;
  if (commit && r == 0) {
    /* What is at the target now must still be a regular file (or
     * nothing): it may have changed since the open. */
    struct stat st;
    if (fstatat(o->dirfd, o->name, &st, AT_SYMLINK_NOFOLLOW) == 0 && !S_ISREG(st.st_mode)) {
      snprintf(err, errlen, "will not write %s/%s: it became %s meanwhile", o->dir, o->name,
               lbu_file_kind(st.st_mode));
      r = -EEXIST;
    } else {
      /* the file replaced, held open so that its end comes off the loop */
      int old = openat(o->dirfd, o->name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
      if (renameat(o->dirfd, o->tmp, o->dirfd, o->name) < 0) {
        r = -errno;
        snprintf(err, errlen, "cannot write %s/%s: %s", o->dir, o->name, strerror(errno));
      }
      close_off_loop(o->loop, old);
    }
  }
  if ((!commit || r < 0) && o->created)
    unlinkat(o->dirfd, o->tmp, 0);
  if (o->dirfd >= 0)
    close(o->dirfd);
  free(o->dir);
  free(o->name);
  free(o->tmp);
  free(o);
  return r;
}
