/* Where the socket lives, for the daemon and every client alike. */
#include "lumbard/rpc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

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
    if (stat(dir, &st) == 0 && S_ISDIR(st.st_mode) && st.st_uid == getuid())
      n = snprintf(buf, len, "%s/lumbard.sock", dir);
    else
      n = snprintf(buf, len, "/tmp/lumbard-%u/lumbard.sock", (unsigned)getuid());
  }
  return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}
