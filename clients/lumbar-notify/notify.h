/* lumbar-notify's modules: its config, the link to the daemon (link.c), the
 * desktop's notification server (desk.c), and what each event shows
 * (show.c), which ties the two together. Everything runs on one libuv loop.
 * See README.md in this folder for what a person sees. */
#ifndef LN_NOTIFY_H
#define LN_NOTIFY_H

#include <msgpack.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <uv.h>

/* ---- config: the [notify] section ---------------------------------------- */

typedef struct ln_config {
  bool reminders, rest, checkin; /* which events notify; red flags always do */
  int32_t timeout_ms;            /* reminders, check-ins: -1 the server's, 0 never */
  int32_t rest_timeout_ms;       /* "Rest over" without a set left, "Routine done" */
  uint32_t countdown_ms;         /* redraw a running rest this often; 0: never */
  bool sound;
} ln_config;

void ln_config_defaults(ln_config *c);
/* Read the [notify] section of path over the defaults. A missing file is
 * the defaults; a bad value is logged with its key and keeps its default.
 * Returns 0, or a negative errno when the file exists but cannot be read or
 * parsed (c then holds the defaults). */
int ln_config_load(const char *path, ln_config *c);

/* ---- link: the daemon's socket ------------------------------------------- */

typedef struct ln_link ln_link;

typedef struct ln_link_cbs {
  /* Connected and subscribed (again, after a reconnect). */
  void (*up)(void *ud);
  /* An event: its name and its fields (a map). */
  void (*event)(void *ud, const char *name, const msgpack_object *fields);
} ln_link_cbs;

/* An answer: result, or (result NULL) the error's code and message. Called
 * exactly once per call that ln_link_call accepted, with code "unavailable"
 * when the connection is lost first or the link is freed. */
typedef void (*ln_reply_fn)(void *ud, const msgpack_object *result, const char *code,
                            const char *message);

/* Connect to the socket at path now and whenever the connection is lost,
 * after 0.25 s, then twice as long each time up to 10 s. */
ln_link *ln_link_new(uv_loop_t *loop, const char *path, const char *const *patterns,
                     size_t n_patterns, const ln_link_cbs *cbs, void *ud);
/* Call method with the packed params array (one msgpack array). Returns 0,
 * or -ENOTCONN when the daemon is not connected (fn is not called). fn may
 * be NULL when the answer does not matter. */
int ln_link_call(ln_link *l, const char *method, const void *params, size_t params_len,
                 ln_reply_fn fn, void *fn_ud);
void ln_link_free(ln_link *l); /* accepts NULL */

/* ---- desk: org.freedesktop.Notifications on the session bus ------------- */

typedef struct ln_desk ln_desk;

typedef struct ln_desk_cbs {
  void (*action)(void *ud, uint32_t id, const char *key);
  void (*closed)(void *ud, uint32_t id, uint32_t reason);
  /* A server is there (its capabilities known), or gone: every id it gave
   * is void. */
  void (*server)(void *ud, bool present);
  /* The session bus is gone: lumbar-notify cannot go on. */
  void (*lost)(void *ud);
} ln_desk_cbs;

enum { LN_URGENCY_LOW = 0, LN_URGENCY_NORMAL = 1, LN_URGENCY_CRITICAL = 2 };

/* One notification's content. actions: n_actions (key, label) pairs. */
typedef struct ln_note {
  const char *summary, *body;
  const char *const *actions;
  size_t n_actions;
  uint8_t urgency;
  const char *category, *sound; /* NULL: none */
  bool resident, transient;
  int value;          /* the progress hint, 0-100; -1: none */
  int32_t timeout_ms; /* -1 the server's, 0 never */
} ln_note;

/* The answer to a Notify: the notification's id, 0 when it failed. */
typedef void (*ln_shown_fn)(void *ud, uint32_t id);

/* Connect to the session bus. Returns 0, or -ENOTCONN (logged) when there is
 * none. */
int ln_desk_new(uv_loop_t *loop, const ln_desk_cbs *cbs, void *ud, ln_desk **ret);
bool ln_desk_present(const ln_desk *d);
bool ln_desk_has(const ln_desk *d, const char *capability);
/* Show note, replacing notification replaces (0: a new one). Returns true
 * when sent: fn is then called once with the id; false when no server is
 * there (fn is not called). */
bool ln_desk_notify(ln_desk *d, uint32_t replaces, const ln_note *note, ln_shown_fn fn, void *ud);
void ln_desk_close_note(ln_desk *d, uint32_t id);
/* Send what is queued (before exiting). */
void ln_desk_flush(ln_desk *d);
/* Every pending fn is called with 0 first. Accepts NULL. */
void ln_desk_free(ln_desk *d);

/* ---- show: events to notifications, buttons to commands ----------------- */

typedef struct ln_show ln_show;

ln_show *ln_show_new(uv_loop_t *loop, const ln_config *config);
void ln_show_attach(ln_show *s, ln_link *link, ln_desk *desk);
void ln_show_set_config(ln_show *s, const ln_config *config);
/* The link's and the desk's callbacks; ud is the ln_show. */
extern const ln_link_cbs ln_show_link_cbs;
extern const ln_desk_cbs ln_show_desk_cbs;
/* Close the countdowns (they would stand still) before exiting. */
void ln_show_shutdown(ln_show *s);
/* Accepts NULL. After ln_link_free(): the link's last answers end the
 * lists show was still reading. */
void ln_show_free(ln_show *s);
/* Set by a lost session bus: main's exit status. */
bool ln_show_bus_lost(const ln_show *s);

#endif
