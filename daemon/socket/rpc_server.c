#include "rpc_server.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <lumbard/rpc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "rpc_conn.h"
#include "util.h"
#include "value.h"
#include "value_msgpack.h"

struct lbd_rpc_server {
  const lbd_core *core;
  uv_pipe_t listener;
  char *path;
  /* <path>.lock, flock()ed from before the path is looked at until the
   * server closes: one daemon per socket. -1 once released. */
  int lock_fd;
  /* The socket file this server bound, to remove at close only if it is
   * still that one. */
  bool bound;
  dev_t sock_dev;
  ino_t sock_ino;
  struct timespec sock_ctim;
  lbd_rpc_conn *conns; /* open ones; a closing connection is already off this list */
  size_t n_clients;
  size_t n_alive; /* connections not yet freed, plus the listener, check and prepare */
  uint64_t next_id;
  bool closing, warned_full;
  /* Connections with output queued this loop turn, flushed at its end: from
   * the check phase for what the poll phase queued (reads, timers, D-Bus),
   * from the prepare phase for what timers and idle callbacks queued, so
   * nothing waits for the next wakeup. Each entry holds a reference. */
  uv_check_t check;
  uv_prepare_t prepare;
  lbd_rpc_conn **flush;
  size_t n_flush, cap_flush;
};

const lbd_core *lbd_rpc_server_core(lbd_rpc_server *s) {
  return s->core;
}
size_t lbd_rpc_server_n_clients(const lbd_rpc_server *s) {
  return s->n_clients;
}

size_t lbd_rpc_server_n_subscribers(const lbd_rpc_server *s) {
  size_t n = 0;
  for (lbd_rpc_conn *c = s->conns; c; c = lbd_rpc_conn_next(c))
    n += lbd_rpc_conn_n_patterns(c) > 0;
  return n;
}

void lbd_rpc_server_conn_closed(lbd_rpc_server *s, lbd_rpc_conn *c) {
  lbd_rpc_conn_unlink(&s->conns, c);
  s->n_clients--;
}

static void maybe_free(lbd_rpc_server *s) {
  if (s->closing && s->n_alive == 0) {
    free(s->flush);
    free(s->path);
    free(s);
  }
}

static void flush_all(lbd_rpc_server *s) {
  /* A flush queues nothing new (a failed write closes its connection), so
   * the list does not change under the loop. */
  for (size_t i = 0; i < s->n_flush; i++) {
    lbd_rpc_conn_flush(s->flush[i]);
    lbd_rpc_conn_unref(s->flush[i]);
  }
  s->n_flush = 0;
  uv_check_stop(&s->check);
  uv_prepare_stop(&s->prepare);
}

static void on_check(uv_check_t *h) {
  flush_all(h->data);
}

static void on_prepare(uv_prepare_t *h) {
  flush_all(h->data);
}

void lbd_rpc_server_flush_later(lbd_rpc_server *s, lbd_rpc_conn *c) {
  if (s->n_flush == s->cap_flush) {
    s->cap_flush = s->cap_flush ? s->cap_flush * 2 : 16;
    s->flush = lbu_xrealloc(s->flush, s->cap_flush * sizeof(*s->flush));
  }
  lbd_rpc_conn_ref(c);
  s->flush[s->n_flush++] = c;
  if (s->n_flush == 1) {
    uv_check_start(&s->check, on_check);
    uv_prepare_start(&s->prepare, on_prepare);
  }
}

void lbd_rpc_server_conn_freed(lbd_rpc_server *s) {
  s->n_alive--;
  maybe_free(s);
}

/* The event sink: pack each event once, share the bytes with every
 * subscriber that wants it. */
static void on_event(void *ud, const lbd_event_entry *ev, const lb_value *fields) {
  lbd_rpc_server *s = ud;
  lbd_buf *b = NULL;
  for (lbd_rpc_conn *c = s->conns, *next; c; c = next) {
    next = lbd_rpc_conn_next(c); /* sending may drop c from the list */
    if (!lbd_rpc_conn_wants(c, ev->name))
      continue;
    if (!b) {
      b = lbd_buf_new(256);
      msgpack_packer pk;
      msgpack_packer_init(&pk, b, lbd_buf_write);
      lb_rpc_pack_notification(&pk, ev->name, 1);
      lbd_value_pack(&pk, fields);
    }
    lbd_rpc_conn_send(c, b);
  }
  lbd_buf_unref(b);
}

static void on_connection(uv_stream_t *listener, int status) {
  lbd_rpc_server *s = listener->data;
  if (status < 0) {
    lbu_warn("accepting a client: %s", uv_strerror(status));
    return;
  }
  s->n_alive++;
  lbd_rpc_conn *c = lbd_rpc_conn_accept(s, listener, ++s->next_id);
  if (!c)
    return; /* refused; freed through its close callback */
  lbd_rpc_conn_link(&s->conns, c);
  s->n_clients++;
  if (s->n_clients > LB_RPC_MAX_CLIENTS) {
    if (!s->warned_full)
      lbu_warn("%d clients are connected, the most lumbard serves; refusing new ones until some "
               "leave",
               LB_RPC_MAX_CLIENTS);
    s->warned_full = true;
    lbd_rpc_conn_close(c, "too many clients");
    return;
  }
  if (s->n_clients < LB_RPC_MAX_CLIENTS / 2)
    s->warned_full = false;
}

/* Is a daemon answering on path? */
static bool socket_alive(const char *path) {
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return false;
  struct sockaddr_un sa = {.sun_family = AF_UNIX};
  snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
  bool alive = connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0;
  close(fd);
  return alive;
}

/* The /tmp fallback's directory is made where every user can write: another
 * user may have made it first (and would then be sent every client's
 * requests, or could swap the socket), or put a symlink or a file there.
 * So: mkdir, then lstat what is there, never following a link. Nothing can
 * be swapped in between, nor later: in /tmp (sticky) only the owner or root
 * can remove or rename an entry, and what passes is ours. */
static int prepare_fallback_dir(const char *dir, char *err, size_t errlen) {
  struct stat st;
  if ((mkdir(dir, 0700) < 0 && errno != EEXIST) || lstat(dir, &st) < 0) {
    int r = -errno;
    snprintf(err, errlen, "cannot use the socket directory %s: %s; pass --socket", dir,
             strerror(-r));
    return r;
  }
  if (!S_ISDIR(st.st_mode)) {
    snprintf(err, errlen,
             "%s is a %s, not the directory lumbard makes for its socket: someone else may have "
             "put it there. Remove it (in /tmp that takes its owner or root), or set "
             "XDG_RUNTIME_DIR or pass --socket",
             dir, S_ISLNK(st.st_mode) ? "symlink" : "file");
    return -ENOTDIR;
  }
  if (st.st_uid != geteuid()) {
    char who[300];
    snprintf(err, errlen,
             "the socket directory %s belongs to %s, not to lumbard's uid %u: its owner could "
             "listen there in lumbard's place. Remove it (in /tmp that takes its owner or root), "
             "or set XDG_RUNTIME_DIR or pass --socket",
             dir, lbu_uid_describe(st.st_uid, who, sizeof(who)), (unsigned)geteuid());
    return -EPERM;
  }
  if (st.st_mode & (S_IWGRP | S_IWOTH)) {
    snprintf(err, errlen,
             "the socket directory %s can be written by other users (mode %04o): any of them "
             "could replace lumbard's socket with their own. Run chmod 700 %s, or pass --socket",
             dir, (unsigned)(st.st_mode & 07777), dir);
    return -EPERM;
  }
  return 0;
}

static int prepare_dir(const char *path, char *err, size_t errlen) {
  char *copy = lbu_xstrdup(path);
  const char *dir = dirname(copy);
  char fallback[64];
  struct stat st;
  int r = 0;
  if (lb_socket_fallback_dir(fallback, sizeof(fallback)) == 0 && strcmp(dir, fallback) == 0) {
    r = prepare_fallback_dir(dir, err, errlen);
  } else if (stat(dir, &st) < 0) {
    /* A directory given by the user (XDG_RUNTIME_DIR, --socket) is theirs
     * to choose; one that is not there yet is made for them. */
    r = errno == ENOENT ? lbu_mkdir_p(dir, 0700) : -errno;
    if (r < 0)
      snprintf(err, errlen, "cannot use the socket directory %s: %s", dir, strerror(-r));
  }
  free(copy);
  return r;
}

/* The pid the lock's holder wrote into it right after locking: not there
 * yet when the holder started at the same moment, or a dead daemon's left
 * by a crash that the holder has not replaced yet; 0 for either. */
static pid_t lock_holder(int fd) {
  char buf[32];
  ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
  if (n <= 0)
    return 0;
  buf[n] = '\0';
  char *end;
  long pid = strtol(buf, &end, 10);
  if (end == buf || *end != '\n' || pid <= 0 || pid > INT_MAX)
    return 0;
  if (kill((pid_t)pid, 0) < 0 && errno == ESRCH)
    return 0;
  return (pid_t)pid;
}

/* Take <path>.lock for this daemon's whole life, before anything looks at
 * the socket path: two daemons starting at the same moment would otherwise
 * both find no live socket, and the second's bind would replace the first's
 * socket. Returns the locked fd, or a negative errno with err.
 *
 * The file stays when the daemon stops: removing it while another daemon
 * may have it open (about to lock the removed inode while a third makes a
 * new one) would let two daemons hold "the" lock at once. */
static int take_lock(const char *path, char *err, size_t errlen) {
  char *lock = lbu_xasprintf("%s.lock", path);
  int r;
  /* Not following a symlink, and only a file of our own with one name: in
   * a shared directory (--socket /tmp/x.sock) another user could have put
   * a link there, and the pid written below truncates the file. */
  int fd = open(lock, O_RDWR | O_CREAT | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC, 0600);
  if (fd < 0) {
    r = -errno;
    snprintf(err, errlen, "cannot open the lock file %s: %s; remove it or pass --socket", lock,
             strerror(-r));
    goto out;
  }
  struct stat st;
  if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_uid != geteuid() || st.st_nlink != 1) {
    snprintf(err, errlen,
             "%s is not a lock file of lumbard's (it must be a regular file of uid %u with no "
             "other name); remove it, or pass --socket",
             lock, (unsigned)geteuid());
    r = -EPERM;
    goto out;
  }
  /* Refused: wait a little for the holder's pid (it writes it just after it
   * locks), and take the lock after all if the holder is gone by then. */
  for (int tries = 0;; tries++) {
    if (flock(fd, LOCK_EX | LOCK_NB) == 0)
      break;
    if (errno != EWOULDBLOCK) {
      r = -errno;
      snprintf(err, errlen, "cannot lock %s: %s", lock, strerror(-r));
      goto out;
    }
    pid_t pid = lock_holder(fd);
    if (pid > 0 || tries == 100) {
      char who[32] = "";
      if (pid > 0)
        snprintf(who, sizeof(who), " (pid %d)", (int)pid);
      snprintf(err, errlen,
               "another lumbard is already running on %s%s; stop it first (systemctl --user "
               "stop lumbard), or give this one its own --socket",
               path, who);
      r = -EADDRINUSE;
      goto out;
    }
    nanosleep(&(struct timespec){.tv_nsec = 10 * 1000 * 1000}, NULL);
  }
  /* One write, so that a reader sees the whole line or none of it. */
  char line[32];
  int len = snprintf(line, sizeof(line), "%d\n", (int)getpid());
  if (ftruncate(fd, 0) < 0 || pwrite(fd, line, (size_t)len, 0) != len)
    lbu_warn("cannot write this daemon's pid into %s: %s; a second daemon will not be able to "
             "name it",
             lock, strerror(errno));
  r = fd;
  fd = -1;
out:
  if (fd >= 0)
    close(fd);
  free(lock);
  return r;
}

/* Empty before unlocking, so that no one reads this pid as the holder's. */
static void release_lock(int fd) {
  if (fd < 0)
    return;
  if (ftruncate(fd, 0) < 0)
    lbu_debug("cannot empty the socket's lock file: %s", strerror(errno));
  close(fd);
}

static void note_socket(lbd_rpc_server *s) {
  struct stat st;
  if (lstat(s->path, &st) < 0)
    return; /* then it is left where it is at close; the next start replaces it */
  s->bound = true;
  s->sock_dev = st.st_dev;
  s->sock_ino = st.st_ino;
  s->sock_ctim = st.st_ctim;
}

/* Remove the socket file only if it is still the one this server bound.
 * Under the lock no other lumbard can bind the path, but the lock file can
 * be removed under a running daemon (a /tmp cleaner, someone tidying up by
 * hand), and then a second daemon takes a new lock and the path: removing
 * its socket would leave it unreachable. The change time is compared too,
 * as a file system may give a removed file's inode number to a new one. */
static void remove_own_socket(lbd_rpc_server *s) {
  struct stat st;
  if (!s->bound || lstat(s->path, &st) < 0)
    return;
  if (!S_ISSOCK(st.st_mode) || st.st_dev != s->sock_dev || st.st_ino != s->sock_ino ||
      st.st_ctim.tv_sec != s->sock_ctim.tv_sec || st.st_ctim.tv_nsec != s->sock_ctim.tv_nsec) {
    lbu_notice("leaving %s in place: it is no longer the socket this daemon made", s->path);
    return;
  }
  unlink(s->path);
}

static void on_handle_close(uv_handle_t *h) {
  lbd_rpc_server *s = h->data;
  s->n_alive--;
  maybe_free(s);
}

/* Bound here, not with uv_pipe_bind(): libuv removes a path it bound when
 * the handle closes, by name, whoever's socket is there by then. Returns the
 * bound fd or a negative errno. */
static int bind_socket(const char *path) {
  struct sockaddr_un sa = {.sun_family = AF_UNIX};
  snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return -errno;
  /* Created 0600 from the start: no window in which another user could
   * connect. */
  mode_t old = umask(0177);
  int r = bind(fd, (struct sockaddr *)&sa, sizeof(sa));
  umask(old);
  if (r < 0) {
    r = -errno;
    close(fd);
    return r;
  }
  return fd;
}

lbd_rpc_server *lbd_rpc_server_listen(const lbd_core *d, const char *path, char *err,
                                      size_t errlen) {
  struct sockaddr_un sa;
  if (strlen(path) >= sizeof(sa.sun_path)) {
    snprintf(err, errlen, "the socket path %s is longer than %zu bytes; pass a shorter --socket",
             path, sizeof(sa.sun_path) - 1);
    return NULL;
  }
  if (prepare_dir(path, err, errlen) < 0)
    return NULL;
  int lock_fd = take_lock(path, err, errlen);
  if (lock_fd < 0) {
    errno = -lock_fd;
    return NULL;
  }

  /* Under the lock, a socket file here is a dead daemon's, or that of a
   * lumbard that takes no lock (an older one): ask it. */
  struct stat st;
  if (lstat(path, &st) == 0) {
    if (!S_ISSOCK(st.st_mode)) {
      snprintf(err, errlen, "%s exists and is not a socket; move it away or pass --socket", path);
      release_lock(lock_fd);
      return NULL;
    }
    if (socket_alive(path)) {
      snprintf(err, errlen,
               "another lumbard is already running on %s; stop it first (systemctl --user stop "
               "lumbard), or give this one its own --socket",
               path);
      release_lock(lock_fd);
      errno = EADDRINUSE;
      return NULL;
    }
    lbu_info("replacing the stale socket %s left by a daemon that is gone", path);
    unlink(path);
  }

  lbd_rpc_server *s = lbu_xcalloc(1, sizeof(*s));
  s->core = d;
  s->path = lbu_xstrdup(path);
  s->lock_fd = lock_fd;
  uv_pipe_init(d->loop, &s->listener, 0);
  s->listener.data = s;
  s->n_alive = 1;
  int r = bind_socket(path);
  if (r >= 0) {
    int fd = r;
    note_socket(s);
    r = uv_pipe_open(&s->listener, fd);
    if (r < 0)
      close(fd);
  }
  if (r == 0)
    r = uv_listen((uv_stream_t *)&s->listener, SOMAXCONN, on_connection);
  if (r < 0) {
    snprintf(err, errlen, "cannot listen on %s: %s", path, uv_strerror(r));
    remove_own_socket(s);
    s->closing = true; /* freed by the close callback, on the next loop turn */
    uv_close((uv_handle_t *)&s->listener, on_handle_close);
    release_lock(s->lock_fd);
    s->lock_fd = -1;
    return NULL;
  }
  uv_check_init(d->loop, &s->check);
  uv_prepare_init(d->loop, &s->prepare);
  s->check.data = s->prepare.data = s;
  s->n_alive += 2;
  lbd_events_add_sink(d->events, on_event, s);
  return s;
}

void lbd_rpc_server_close(lbd_rpc_server *s) {
  if (!s || s->closing)
    return;
  s->closing = true;
  lbd_events_remove_sink(s->core->events, on_event, s);
  while (s->conns)
    lbd_rpc_conn_close(s->conns, "the daemon is stopping"); /* each writes what it can first */
  for (size_t i = 0; i < s->n_flush; i++)
    lbd_rpc_conn_unref(s->flush[i]);
  s->n_flush = 0;
  remove_own_socket(s);
  uv_close((uv_handle_t *)&s->check, on_handle_close);
  uv_close((uv_handle_t *)&s->prepare, on_handle_close);
  uv_close((uv_handle_t *)&s->listener, on_handle_close); /* closes the socket now */
  /* Only after the socket is gone and closed: the next daemon may start. */
  release_lock(s->lock_fd);
  s->lock_fd = -1;
}
