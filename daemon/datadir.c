#include "datadir.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "util.h"

#define LOCK_NAME "lumbard.lock"

/* Another user able to write in the directory could replace the database
 * or plant a link where lumbard creates a file: refused, with the fix. */
static int check_dir(int fd, const char *dir, char *err, size_t errlen) {
  struct stat st;
  char who[96];
  if (fstat(fd, &st) < 0) {
    snprintf(err, errlen, "cannot use the data directory %s: %s", dir, strerror(errno));
    return -errno;
  }
  if (st.st_uid != geteuid()) {
    snprintf(err, errlen,
             "the data directory %s belongs to %s, not to you: lumbard keeps your diary only in "
             "a directory of your own; give it one with --data-dir",
             dir, lbu_uid_describe(st.st_uid, who, sizeof(who)));
    return -EPERM;
  }
  if (st.st_mode & (S_IWGRP | S_IWOTH)) {
    snprintf(err, errlen,
             "the data directory %s can be written by other users (mode %04o): one of them could "
             "replace lumbard's files there. Run `chmod go-w %s` and start lumbard again",
             dir, (unsigned)(st.st_mode & 07777), dir);
    return -EPERM;
  }
  return 0;
}

/* Who holds the lock, as its holder wrote it: "PID SOCKET". A holder that
 * has only just taken it may not have written yet: a second is waited. */
static void holder(int fd, char *buf, size_t len) {
  char text[512];
  long pid = 0;
  int off = 0;
  buf[0] = '\0';
  /* What an earlier holder left (killed before it could empty the file)
   * names a process that is gone: wait for the live one's words. */
  for (int i = 0; i < 100; i++, usleep(10 * 1000)) {
    ssize_t n = pread(fd, text, sizeof(text) - 1, 0);
    if (n <= 0 || text[n - 1] != '\n')
      continue;
    text[n] = '\0';
    text[strcspn(text, "\n")] = '\0';
    char *end;
    pid = strtol(text, &end, 10);
    if (pid > 0 && *end == ' ' && (kill((pid_t)pid, 0) == 0 || errno == EPERM)) {
      off = (int)(end + 1 - text);
      break;
    }
    pid = 0;
  }
  if (pid > 0 && text[off])
    snprintf(buf, len, " (pid %ld, serving %.300s)", pid, text + off);
  else if (pid > 0)
    snprintf(buf, len, " (pid %ld)", pid);
}

void lbd_datadir_unlock(int fd) {
  if (fd < 0)
    return;
  /* The file stays (removing a lock file races with the next daemon that
   * opens it); its words go, so nobody is named for a lock no one holds. */
  if (ftruncate(fd, 0) < 0)
    lbu_debug("cannot empty the data directory's lock: %s", strerror(errno));
  close(fd);
}

int lbd_datadir_lock(const char *dir, const char *socket_path, char *err, size_t errlen) {
  int r = lbu_mkdir_p(dir, 0700);
  if (r < 0) {
    snprintf(err, errlen, "cannot create the data directory %s: %s", dir, strerror(-r));
    return r;
  }
  int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0) {
    r = -errno;
    snprintf(err, errlen, "cannot use the data directory %s: %s", dir, strerror(errno));
    return r;
  }
  r = check_dir(dfd, dir, err, errlen);
  int fd = r < 0 ? -1 : openat(dfd, LOCK_NAME, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (r == 0 && fd < 0) {
    r = -errno;
    if (errno == EROFS)
      snprintf(err, errlen,
               "the data directory %s is on a read-only file system, so lumbard could save "
               "nothing there; remount it writable, or give lumbard another --data-dir",
               dir);
    else
      snprintf(err, errlen, "cannot open the lock %s/%s: %s%s", dir, LOCK_NAME, strerror(errno),
               errno == ELOOP ? " (it is a symbolic link: remove it)" : "");
  }
  close(dfd);
  if (r < 0)
    return r;
  struct stat st;
  if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
    snprintf(err, errlen, "%s/%s is not a regular file; remove it and start lumbard again", dir,
             LOCK_NAME);
    close(fd);
    return -EINVAL;
  }
  if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
    r = -errno;
    char who[400];
    if (r == -EWOULDBLOCK) {
      holder(fd, who, sizeof(who));
      snprintf(err, errlen,
               "another lumbard%s is using the data directory %s; stop it first (systemctl "
               "--user stop lumbard), or give this one its own --data-dir",
               who, dir);
      r = -EBUSY;
    } else {
      snprintf(err, errlen, "cannot lock %s/%s: %s", dir, LOCK_NAME, strerror(errno));
    }
    close(fd);
    return r;
  }
  char line[512];
  int n = snprintf(line, sizeof(line), "%ld %s\n", (long)getpid(), socket_path);
  if (ftruncate(fd, 0) < 0 || pwrite(fd, line, (size_t)n, 0) != n)
    lbu_debug("cannot write who holds %s/%s: %s", dir, LOCK_NAME, strerror(errno));
  return fd;
}
