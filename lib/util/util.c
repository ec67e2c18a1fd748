#include "util.h"

#include <errno.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

bool lbu_utf8_valid(const char *s, size_t len) {
  if (len == 0)
    return true; /* s may be NULL: msgpack-c gives an empty string no body */
  const unsigned char *p = (const unsigned char *)s, *end = p + len;
  while (p < end) {
    unsigned c = *p;
    size_t n;
    uint32_t cp;
    if (c == 0)
      return false; /* D-Bus strings and C strings cannot carry NUL */
    if (c < 0x80) {
      p++;
      continue;
    } else if ((c & 0xe0) == 0xc0) {
      n = 1, cp = c & 0x1f;
    } else if ((c & 0xf0) == 0xe0) {
      n = 2, cp = c & 0x0f;
    } else if ((c & 0xf8) == 0xf0) {
      n = 3, cp = c & 0x07;
    } else {
      return false;
    }
    if ((size_t)(end - p) <= n)
      return false;
    for (size_t i = 1; i <= n; i++) {
      if ((p[i] & 0xc0) != 0x80)
        return false;
      cp = cp << 6 | (p[i] & 0x3f);
    }
    /* overlong forms, surrogates, beyond Unicode */
    if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
        (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
      return false;
    p += n + 1;
  }
  return true;
}

void lbu_utf8_scrub(char *s) {
  for (unsigned char *p = (unsigned char *)s; *p;) {
    size_t n = *p < 0x80 ? 1 : (*p & 0xe0) == 0xc0 ? 2 : (*p & 0xf0) == 0xe0 ? 3 : 4;
    size_t have = 1;
    while (have < n && (p[have] & 0xc0) == 0x80)
      have++;
    if (have == n && lbu_utf8_valid((const char *)p, n)) {
      p += n;
    } else {
      *p++ = '?';
    }
  }
}

bool lbu_name_valid(const char *s) {
  if (!s || !(*s >= 'a' && *s <= 'z'))
    return false;
  for (; *s; s++)
    if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_'))
      return false;
  return true;
}

int lbu_mkdir_p(const char *path, unsigned mode) {
  char *p = lbu_xstrdup(path);
  int r = 0;
  for (char *s = p + 1;; s++) {
    if (*s == '/' || *s == '\0') {
      char c = *s;
      *s = '\0';
      if (mkdir(p, mode) < 0 && errno != EEXIST) {
        r = -errno;
        break;
      }
      *s = c;
      if (c == '\0')
        break;
    }
  }
  free(p);
  return r;
}

char *lbu_xdg_path(const char *var, const char *fallback, const char *sub) {
  const char *v = getenv(var);
  if (v && v[0] == '/')
    return lbu_xasprintf("%s/%s", v, sub);
  const char *home = getenv("HOME");
  if (!home || !*home) {
    const struct passwd *pw = getpwuid(getuid());
    home = pw && pw->pw_dir ? pw->pw_dir : "/";
  }
  return lbu_xasprintf("%s/%s/%s", home, fallback, sub);
}

const char *lbu_uid_describe(unsigned uid, char *buf, size_t len) {
  char pwbuf[2048];
  struct passwd pw, *found = NULL;
  if (getpwuid_r((uid_t)uid, &pw, pwbuf, sizeof(pwbuf), &found) == 0 && found)
    snprintf(buf, len, "uid %u (%s)", uid, found->pw_name);
  else
    snprintf(buf, len, "uid %u", uid);
  return buf;
}

const char *lbu_file_kind(unsigned mode) {
  switch (mode & S_IFMT) {
  case S_IFREG:
    return "a regular file";
  case S_IFDIR:
    return "a directory";
  case S_IFIFO:
    return "a FIFO";
  case S_IFCHR:
    return "a character device";
  case S_IFBLK:
    return "a block device";
  case S_IFSOCK:
    return "a socket";
  case S_IFLNK:
    return "a symbolic link";
  default:
    return "a special file";
  }
}
