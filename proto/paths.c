/* Where the socket lives, and who may be behind it, for the daemon and every
 * client alike. */
#include "lumbard/wire.h"

#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

int lb_socket_fallback_dir(char *buf, size_t len) {
  int n = snprintf(buf, len, "/tmp/lumbard-%u", (unsigned)getuid());
  return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

int lb_socket_path_default(char *buf, size_t len) {
  const char *env = getenv("LUMBARD_SOCKET");
  const char *rt = getenv("XDG_RUNTIME_DIR");
  int n;
  if (env && *env) {
    n = snprintf(buf, len, "%s", env);
  } else if (rt && *rt) {
    n = snprintf(buf, len, "%s/lumbard.sock", rt);
  } else {
    char dir[64];
    struct stat st;
    snprintf(dir, sizeof(dir), "/run/user/%u", (unsigned)getuid());
    if (!(stat(dir, &st) == 0 && S_ISDIR(st.st_mode) && st.st_uid == getuid()) &&
        lb_socket_fallback_dir(dir, sizeof(dir)) < 0)
      return -ENAMETOOLONG;
    n = snprintf(buf, len, "%s/lumbard.sock", dir);
  }
  return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

int lb_socket_check_peer(int fd, const char *path, char *err, size_t errlen) {
  struct ucred cred;
  socklen_t len = sizeof(cred);
  if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0) {
    int r = -errno;
    if (err && errlen)
      snprintf(err, errlen,
               "cannot tell which user serves %s (SO_PEERCRED: %s): refusing to send anything",
               path, strerror(-r));
    return r;
  }
  /* SO_PEERCRED gives the effective uid the daemon had when it listened. */
  if (cred.uid == geteuid())
    return 0;
  if (err && errlen) {
    char buf[2048], name[300] = "";
    struct passwd pw, *found = NULL;
    if (getpwuid_r(cred.uid, &pw, buf, sizeof(buf), &found) == 0 && found)
      snprintf(name, sizeof(name), "%s, ", found->pw_name);
    snprintf(err, errlen,
             "%s is served by uid %u (%spid %d), not by you (uid %u): refusing to send anything. "
             "Remove that socket's directory, or set LUMBARD_SOCKET (or --socket) to your own "
             "daemon's socket",
             path, (unsigned)cred.uid, name, (int)cred.pid, (unsigned)geteuid());
  }
  return -EPERM;
}
