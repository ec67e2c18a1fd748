/* What the terminal can do: its width, its character set and the styles
 * lumbarctl writes with (when colour is on). */
#include <langinfo.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "lumbarctl.h"

int lbctl_term_fd_columns(int fd) {
  struct winsize ws;
  if (ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
    return ws.ws_col;
  return 80;
}

int lbctl_term_columns(void) {
  return lbctl_term_fd_columns(STDOUT_FILENO);
}

bool lbctl_term_utf8(void) {
  const char *old = setlocale(LC_CTYPE, NULL);
  char *saved = old ? strdup(old) : NULL;
  bool utf8 = setlocale(LC_CTYPE, "") && strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
  setlocale(LC_CTYPE, saved ? saved : "C");
  free(saved);
  return utf8;
}

const char *lbctl_term_bold(const lbctl *ctl) {
  return ctl->color ? "\033[1m" : "";
}
const char *lbctl_term_dim(const lbctl *ctl) {
  return ctl->color ? "\033[2m" : "";
}
const char *lbctl_term_reset(const lbctl *ctl) {
  return ctl->color ? "\033[0m" : "";
}
