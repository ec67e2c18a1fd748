#include "dbus_glue.h"

#include <stdbool.h>
#include <stdlib.h>

#include "log.h"
#include "util.h"

typedef struct fd_watch fd_watch;

struct lbu_dbus_glue {
  uv_loop_t *loop;
  DBusConnection *conn;
  uv_idle_t dispatch;
  fd_watch *fds;
  int open_handles; /* the glue is freed when the last one closes */
  bool closing;
};

/* Every DBusWatch on one fd, sharing one poll. */
struct fd_watch {
  lbu_dbus_glue *g;
  fd_watch *next;
  int fd;
  uv_poll_t poll;
  DBusWatch **watches;
  size_t n;
  bool closing;
};

typedef struct timeout {
  lbu_dbus_glue *g;
  uv_timer_t timer;
  DBusTimeout *t;
} timeout;

static void handle_closed(uv_handle_t *h);

static void glue_closed(lbu_dbus_glue *g) {
  if (--g->open_handles == 0)
    free(g);
}

/* ---- dispatch -------------------------------------------------------------- */

static void on_dispatch(uv_idle_t *h) {
  lbu_dbus_glue *g = h->data;
  uv_idle_stop(h);
  if (!g->conn)
    return;
  dbus_connection_ref(g->conn); /* a handler may close it */
  while (dbus_connection_dispatch(g->conn) == DBUS_DISPATCH_DATA_REMAINS)
    ;
  dbus_connection_unref(g->conn);
}

static void wake(lbu_dbus_glue *g) {
  if (!g->closing)
    uv_idle_start(&g->dispatch, on_dispatch);
}

static void on_dispatch_status(DBusConnection *conn, DBusDispatchStatus status, void *data) {
  (void)conn;
  if (status == DBUS_DISPATCH_DATA_REMAINS)
    wake(data);
}

static void on_wakeup(void *data) {
  wake(data);
}

/* ---- watches ---------------------------------------------------------------- */

static void on_fd_event(uv_poll_t *h, int status, int events) {
  fd_watch *fw = h->data;
  lbu_dbus_glue *g = fw->g;
  unsigned flags = 0;
  if (status < 0)
    flags |= DBUS_WATCH_ERROR;
  if (events & UV_READABLE)
    flags |= DBUS_WATCH_READABLE;
  if (events & UV_WRITABLE)
    flags |= DBUS_WATCH_WRITABLE;
  if (events & UV_DISCONNECT)
    flags |= DBUS_WATCH_HANGUP;

  /* Handling a watch may add or remove watches on this very fd: work on a
   * copy of the list, and keep the connection alive meanwhile. */
  size_t n = fw->n;
  DBusWatch *copy[8]; /* libdbus puts at most a read and a write watch on one fd */
  if (n > 8)
    n = 8;
  for (size_t i = 0; i < n; i++)
    copy[i] = fw->watches[i];
  DBusConnection *conn = dbus_connection_ref(g->conn);
  for (size_t i = 0; i < n; i++) {
    if (!dbus_watch_get_enabled(copy[i]))
      continue;
    unsigned want = dbus_watch_get_flags(copy[i]) | DBUS_WATCH_ERROR | DBUS_WATCH_HANGUP;
    if (flags & want)
      dbus_watch_handle(copy[i], flags & want);
  }
  if (dbus_connection_get_dispatch_status(conn) == DBUS_DISPATCH_DATA_REMAINS)
    wake(g);
  dbus_connection_unref(conn);
}

static void update_poll(fd_watch *fw) {
  int events = UV_DISCONNECT; /* hangup always watched; errors come as status */
  for (size_t i = 0; i < fw->n; i++) {
    if (!dbus_watch_get_enabled(fw->watches[i]))
      continue;
    unsigned f = dbus_watch_get_flags(fw->watches[i]);
    if (f & DBUS_WATCH_READABLE)
      events |= UV_READABLE;
    if (f & DBUS_WATCH_WRITABLE)
      events |= UV_WRITABLE;
  }
  uv_poll_start(&fw->poll, events, on_fd_event);
}

static dbus_bool_t add_watch(DBusWatch *w, void *data) {
  lbu_dbus_glue *g = data;
  int fd = dbus_watch_get_unix_fd(w);
  fd_watch *fw = g->fds;
  while (fw && fw->fd != fd)
    fw = fw->next;
  if (!fw) {
    fw = lbu_xcalloc(1, sizeof(*fw));
    fw->g = g;
    fw->fd = fd;
    if (uv_poll_init(g->loop, &fw->poll, fd) < 0) {
      free(fw);
      return FALSE;
    }
    fw->poll.data = fw;
    g->open_handles++;
    fw->next = g->fds;
    g->fds = fw;
  }
  fw->watches = lbu_xrealloc(fw->watches, (fw->n + 1) * sizeof(DBusWatch *));
  fw->watches[fw->n++] = w;
  dbus_watch_set_data(w, fw, NULL);
  update_poll(fw);
  return TRUE;
}

static void remove_watch(DBusWatch *w, void *data) {
  lbu_dbus_glue *g = data;
  fd_watch *fw = dbus_watch_get_data(w);
  if (!fw)
    return;
  dbus_watch_set_data(w, NULL, NULL);
  for (size_t i = 0; i < fw->n; i++)
    if (fw->watches[i] == w) {
      fw->watches[i] = fw->watches[--fw->n];
      break;
    }
  if (fw->n > 0) {
    update_poll(fw);
    return;
  }
  for (fd_watch **p = &g->fds; *p; p = &(*p)->next)
    if (*p == fw) {
      *p = fw->next;
      break;
    }
  fw->closing = true;
  uv_close((uv_handle_t *)&fw->poll, handle_closed);
}

static void toggle_watch(DBusWatch *w, void *data) {
  (void)data;
  fd_watch *fw = dbus_watch_get_data(w);
  if (fw)
    update_poll(fw);
}

/* ---- timeouts ---------------------------------------------------------------- */

static void on_timeout(uv_timer_t *h) {
  timeout *t = h->data;
  dbus_timeout_handle(t->t);
  if (t->g->conn && dbus_connection_get_dispatch_status(t->g->conn) == DBUS_DISPATCH_DATA_REMAINS)
    wake(t->g);
}

static void arm(timeout *t) {
  if (dbus_timeout_get_enabled(t->t)) {
    uint64_t ms = (uint64_t)dbus_timeout_get_interval(t->t);
    uv_timer_start(&t->timer, on_timeout, ms, ms);
  } else {
    uv_timer_stop(&t->timer);
  }
}

static dbus_bool_t add_timeout(DBusTimeout *dt, void *data) {
  lbu_dbus_glue *g = data;
  timeout *t = lbu_xcalloc(1, sizeof(*t));
  t->g = g;
  t->t = dt;
  uv_timer_init(g->loop, &t->timer);
  t->timer.data = t;
  g->open_handles++;
  dbus_timeout_set_data(dt, t, NULL);
  arm(t);
  return TRUE;
}

static void remove_timeout(DBusTimeout *dt, void *data) {
  (void)data;
  timeout *t = dbus_timeout_get_data(dt);
  if (!t)
    return;
  dbus_timeout_set_data(dt, NULL, NULL);
  uv_close((uv_handle_t *)&t->timer, handle_closed);
}

static void toggle_timeout(DBusTimeout *dt, void *data) {
  (void)data;
  timeout *t = dbus_timeout_get_data(dt);
  if (t)
    arm(t);
}

/* ---- life ---------------------------------------------------------------------- */

/* Close callback of every handle: free what holds it, then maybe the glue. */
static void handle_closed(uv_handle_t *h) {
  lbu_dbus_glue *g;
  if (h->type == UV_POLL) {
    fd_watch *fw = h->data;
    g = fw->g;
    free(fw->watches);
    free(fw);
  } else if (h->type == UV_TIMER) {
    timeout *t = h->data;
    g = t->g;
    free(t);
  } else {
    g = h->data;
  }
  glue_closed(g);
}

lbu_dbus_glue *lbu_dbus_glue_new(uv_loop_t *loop, DBusConnection *conn) {
  lbu_dbus_glue *g = lbu_xcalloc(1, sizeof(*g));
  g->loop = loop;
  g->conn = dbus_connection_ref(conn);
  uv_idle_init(loop, &g->dispatch);
  g->dispatch.data = g;
  g->open_handles = 1;
  dbus_connection_set_dispatch_status_function(conn, on_dispatch_status, g, NULL);
  dbus_connection_set_wakeup_main_function(conn, on_wakeup, g, NULL);
  if (!dbus_connection_set_watch_functions(conn, add_watch, remove_watch, toggle_watch, g, NULL) ||
      !dbus_connection_set_timeout_functions(conn, add_timeout, remove_timeout, toggle_timeout, g,
                                             NULL)) {
    lbu_err("D-Bus: cannot hook the connection into the loop (out of memory)");
    lbu_dbus_glue_close(g);
    return NULL;
  }
  /* Messages may already wait (read while connecting). */
  wake(g);
  return g;
}

void lbu_dbus_glue_close(lbu_dbus_glue *g) {
  if (!g || g->closing)
    return;
  g->closing = true;
  DBusConnection *conn = g->conn;
  /* Closing makes libdbus remove every watch and timeout, which closes
   * their handles; then nothing of ours is left in the connection. */
  dbus_connection_close(conn);
  dbus_connection_set_watch_functions(conn, NULL, NULL, NULL, NULL, NULL);
  dbus_connection_set_timeout_functions(conn, NULL, NULL, NULL, NULL, NULL);
  dbus_connection_set_dispatch_status_function(conn, NULL, NULL, NULL);
  dbus_connection_set_wakeup_main_function(conn, NULL, NULL, NULL);
  /* Watches that libdbus did not remove (it keeps them on a closed
   * connection until it is freed) are closed here. */
  while (g->fds) {
    fd_watch *fw = g->fds;
    g->fds = fw->next;
    for (size_t i = 0; i < fw->n; i++)
      dbus_watch_set_data(fw->watches[i], NULL, NULL);
    fw->closing = true;
    uv_close((uv_handle_t *)&fw->poll, handle_closed);
  }
  g->conn = NULL;
  dbus_connection_unref(conn);
  uv_close((uv_handle_t *)&g->dispatch, handle_closed);
}
