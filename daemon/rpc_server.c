#include "rpc_server.h"

#include <errno.h>
#include <libgen.h>
#include <lumbard/rpc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "log.h"
#include "rpc_conn.h"
#include "util.h"
#include "value.h"

struct lb_rpc_server {
  lb_daemon *d;
  uv_pipe_t listener;
  char *path;
  lb_rpc_conn *conns; /* open ones; a closing connection is already off this list */
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
  lb_rpc_conn **flush;
  size_t n_flush, cap_flush;
};

lb_daemon *lb_rpc_server_daemon(lb_rpc_server *s) {
  return s->d;
}
size_t lb_rpc_server_n_clients(const lb_rpc_server *s) {
  return s->n_clients;
}

size_t lb_rpc_server_n_subscribers(const lb_rpc_server *s) {
  size_t n = 0;
  for (lb_rpc_conn *c = s->conns; c; c = lb_rpc_conn_next(c))
    n += lb_rpc_conn_n_patterns(c) > 0;
  return n;
}

void lb_rpc_server_conn_closed(lb_rpc_server *s, lb_rpc_conn *c) {
  lb_rpc_conn_unlink(&s->conns, c);
  s->n_clients--;
}

static void maybe_free(lb_rpc_server *s) {
  if (s->closing && s->n_alive == 0) {
    free(s->flush);
    free(s->path);
    free(s);
  }
}

static void flush_all(lb_rpc_server *s) {
  /* A flush queues nothing new (a failed write closes its connection), so
   * the list does not change under the loop. */
  for (size_t i = 0; i < s->n_flush; i++) {
    lb_rpc_conn_flush(s->flush[i]);
    lb_rpc_conn_unref(s->flush[i]);
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

void lb_rpc_server_flush_later(lb_rpc_server *s, lb_rpc_conn *c) {
  if (s->n_flush == s->cap_flush) {
    s->cap_flush = s->cap_flush ? s->cap_flush * 2 : 16;
    s->flush = lb_xrealloc(s->flush, s->cap_flush * sizeof(*s->flush));
  }
  lb_rpc_conn_ref(c);
  s->flush[s->n_flush++] = c;
  if (s->n_flush == 1) {
    uv_check_start(&s->check, on_check);
    uv_prepare_start(&s->prepare, on_prepare);
  }
}

void lb_rpc_server_conn_freed(lb_rpc_server *s) {
  s->n_alive--;
  maybe_free(s);
}

/* The event sink: pack each event once, share the bytes with every
 * subscriber that wants it. */
static void on_event(void *ud, const lb_event_entry *ev, const lb_value *fields) {
  lb_rpc_server *s = ud;
  lb_buf *b = NULL;
  for (lb_rpc_conn *c = s->conns, *next; c; c = next) {
    next = lb_rpc_conn_next(c); /* sending may drop c from the list */
    if (!lb_rpc_conn_wants(c, ev->name))
      continue;
    if (!b) {
      b = lb_buf_new(256);
      msgpack_packer pk;
      msgpack_packer_init(&pk, b, lb_buf_write);
      lb_rpc_pack_notification(&pk, ev->name, 1);
      lb_value_pack(&pk, fields);
    }
    lb_rpc_conn_send(c, b);
  }
  lb_buf_unref(b);
}

static void on_connection(uv_stream_t *listener, int status) {
  lb_rpc_server *s = listener->data;
  if (status < 0) {
    lb_warn("accepting a client: %s", uv_strerror(status));
    return;
  }
  s->n_alive++;
  lb_rpc_conn *c = lb_rpc_conn_accept(s, listener, ++s->next_id);
  if (!c)
    return; /* refused; freed through its close callback */
  lb_rpc_conn_link(&s->conns, c);
  s->n_clients++;
  if (s->n_clients > LB_RPC_MAX_CLIENTS) {
    if (!s->warned_full)
      lb_warn("%d clients are connected, the most lumbard serves; refusing new ones until some "
              "leave",
              LB_RPC_MAX_CLIENTS);
    s->warned_full = true;
    lb_rpc_conn_close(c, "too many clients");
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

static int prepare_dir(const char *path, char *err, size_t errlen) {
  char *copy = lb_xstrdup(path);
  const char *dir = dirname(copy);
  struct stat st;
  int r = 0;
  if (stat(dir, &st) < 0) {
    /* Only the /tmp fallback is ours to create; XDG_RUNTIME_DIR is not. */
    if (errno == ENOENT && (r = lb_mkdir_p(dir, 0700)) == 0) {
      free(copy);
      return 0;
    }
    snprintf(err, errlen, "cannot use the socket directory %s: %s", dir, strerror(r ? -r : errno));
    r = -errno;
  } else if (st.st_uid != geteuid() && strncmp(dir, "/tmp/lumbard-", 13) == 0) {
    snprintf(err, errlen, "%s belongs to another user; remove it or pass --socket", dir);
    r = -EPERM;
  }
  free(copy);
  return r;
}

static void on_handle_close(uv_handle_t *h) {
  lb_rpc_server *s = h->data;
  s->n_alive--;
  maybe_free(s);
}

lb_rpc_server *lb_rpc_server_listen(lb_daemon *d, const char *path, char *err, size_t errlen) {
  struct sockaddr_un sa;
  if (strlen(path) >= sizeof(sa.sun_path)) {
    snprintf(err, errlen, "the socket path %s is longer than %zu bytes; pass a shorter --socket",
             path, sizeof(sa.sun_path) - 1);
    return NULL;
  }
  if (prepare_dir(path, err, errlen) < 0)
    return NULL;

  struct stat st;
  if (lstat(path, &st) == 0) {
    if (!S_ISSOCK(st.st_mode)) {
      snprintf(err, errlen, "%s exists and is not a socket; move it away or pass --socket", path);
      return NULL;
    }
    if (socket_alive(path)) {
      snprintf(err, errlen,
               "another lumbard is already running on %s; stop it first (systemctl --user stop "
               "lumbard), or give this one its own --socket",
               path);
      errno = EADDRINUSE;
      return NULL;
    }
    lb_info("replacing the stale socket %s left by a daemon that is gone", path);
    unlink(path);
  }

  lb_rpc_server *s = lb_xcalloc(1, sizeof(*s));
  s->d = d;
  s->path = lb_xstrdup(path);
  uv_pipe_init(d->loop, &s->listener, 0);
  s->listener.data = s;
  s->n_alive = 1;
  /* Created 0600 from the start: no window in which another user could
   * connect. */
  mode_t old = umask(0177);
  int r = uv_pipe_bind(&s->listener, path);
  umask(old);
  if (r == 0)
    r = uv_listen((uv_stream_t *)&s->listener, SOMAXCONN, on_connection);
  if (r < 0) {
    snprintf(err, errlen, "cannot listen on %s: %s", path, uv_strerror(r));
    s->closing = true; /* freed by the close callback, on the next loop turn */
    uv_close((uv_handle_t *)&s->listener, on_handle_close);
    return NULL;
  }
  uv_check_init(d->loop, &s->check);
  uv_prepare_init(d->loop, &s->prepare);
  s->check.data = s->prepare.data = s;
  s->n_alive += 2;
  lb_events_add_sink(d->events, on_event, s);
  return s;
}

void lb_rpc_server_close(lb_rpc_server *s) {
  if (!s || s->closing)
    return;
  s->closing = true;
  lb_events_remove_sink(s->d->events, on_event, s);
  while (s->conns)
    lb_rpc_conn_close(s->conns, "the daemon is stopping"); /* each writes what it can first */
  for (size_t i = 0; i < s->n_flush; i++)
    lb_rpc_conn_unref(s->flush[i]);
  s->n_flush = 0;
  unlink(s->path);
  uv_close((uv_handle_t *)&s->check, on_handle_close);
  uv_close((uv_handle_t *)&s->prepare, on_handle_close);
  uv_close((uv_handle_t *)&s->listener, on_handle_close);
}
