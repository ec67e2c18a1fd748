/* lumbarctl's shared parts: the run's context, the verb tables that main.c
 * dispatches on, and the helpers every verb uses (talking to the daemon,
 * JSON, human output).
 *
 * Adding verbs: a file (say rest.c) defines `const lbctl_verb
 * lbctl_rest_verbs[]`, ending with an entry whose name is NULL, declares it
 * below, and main.c lists it in its table of tables. A name may be two words
 * ("rest start", "rest cancel"): main.c matches both, lists each in the help,
 * and `lumbarctl rest` alone names the sub-commands. */
#ifndef LUMBARCTL_H
#define LUMBARCTL_H

#include <jansson.h>
#include <lumbard/client.h>
#include <msgpack.h>
#include <stdbool.h>
#include <stdio.h>

/* Exit statuses (DESIGN §7). */
enum {
  LBCTL_OK = 0,
  LBCTL_DAEMON_SAID_NO = 1,
  LBCTL_USAGE = 2,
  LBCTL_UNREACHABLE = 3,
};

typedef struct lbctl {
  const char *socket_flag; /* --socket, or NULL */
  char socket[4096];       /* the path in use: --socket, $LUMBARD_SOCKET or the default */
  bool json;
  bool color;        /* stdout is a terminal and NO_COLOR is unset */
  lb_client *client; /* connected on first use by lbctl_connect() */
} lbctl;

typedef struct lbctl_verb lbctl_verb;
struct lbctl_verb {
  const char *name;
  const char *args;    /* what follows the name in the usage line: "[PATTERN]..." */
  const char *summary; /* one line, for the list of commands */
  const char *help;    /* the rest of `lumbarctl help NAME`; may be NULL */
  /* argv[0] is the verb's (last) word; the global flags (--json, --socket,
   * --help) are already taken out, "--" is left in. Returns an exit status. */
  int (*run)(lbctl *ctl, const lbctl_verb *self, int argc, char **argv);
};

/* The verb tables. */
extern const lbctl_verb lbctl_core_verbs[];
extern const lbctl_verb lbctl_rest_verbs[];
extern const lbctl_verb lbctl_remind_verbs[];

/* ---- arguments (main.c) -------------------------------------------------- */

/* Print "lumbarctl VERB: <message>", the verb's usage line and where to find
 * help, on stderr. Returns LBCTL_USAGE. */
int lbctl_usage_error(const lbctl_verb *self, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void lbctl_verb_help(FILE *f, const lbctl_verb *v);

/* For verbs that take only positional arguments: refuse flags they do not
 * know (a negative number is not a flag), drop a "--", and check the count.
 * On success argv[1..*argc-1] are the positional arguments. max < 0: no
 * limit. Returns LBCTL_OK or LBCTL_USAGE (after saying why). */
int lbctl_positionals(const lbctl_verb *self, int *argc, char **argv, int min, int max);

/* A flag a verb takes: "--label L" or "--label=L" when value names what it
 * needs ("a LABEL"), else a switch ("--wait"). The last one given wins. */
typedef struct lbctl_flag {
  const char *name;       /* "--label" */
  const char *value;      /* "a LABEL", or NULL for a switch */
  const char **ret_value; /* set to the value given (points into argv) */
  bool *ret_on;           /* switches: set to true */
} lbctl_flag;

/* As lbctl_positionals(), taking the flags of the table (ended by a NULL
 * name; the table may be NULL) wherever they stand before a "--". */
int lbctl_args(const lbctl_verb *self, int *argc, char **argv, const lbctl_flag *flags, int min,
               int max);

/* ---- params (params.c) ------------------------------------------------------ */

/* A whole number of at most 19 digits, nothing else. */
bool lbctl_parse_u64(const char *s, uint64_t *ret);
/* An ID argument; otherwise a usage error that says it is a noun's number
 * ("a rest's number, as 'lumbarctl rest list' shows"). Returns LBCTL_OK or
 * LBCTL_USAGE. */
int lbctl_parse_id(const lbctl_verb *self, const char *arg, const char *noun, uint64_t *ret);
/* A duration as the daemon reads it: a whole number as an integer, anything
 * else as the text it is, for the daemon to parse or refuse. */
void lbctl_pack_duration(msgpack_packer *pk, const char *arg);

/* A named option of a method's last params map, from a flag: value is NULL
 * when the flag was not given. */
typedef enum lbctl_opt_kind {
  LBCTL_OPT_TEXT,     /* a string */
  LBCTL_OPT_COUNT,    /* a whole number (ids, counts): checked here, its range by the daemon */
  LBCTL_OPT_DURATION, /* as lbctl_pack_duration() */
} lbctl_opt_kind;
typedef struct lbctl_opt {
  const char *key;
  lbctl_opt_kind kind;
  const char *value;
} lbctl_opt;

/* A usage error (LBCTL_USAGE) for a COUNT that is not a whole number. */
int lbctl_check_options(const lbctl_verb *self, const lbctl_opt *opts, size_t n);
/* The map of the options given, in order (an empty map when none is). */
void lbctl_pack_options(msgpack_packer *pk, const lbctl_opt *opts, size_t n);

/* ---- local time (clock.c) ------------------------------------------------------ */

/* "Thu 2026-11-19 08:30:00 CET", as systemd writes a timestamp: in the
 * local zone, or with utc in UTC ("... 07:30:00 UTC"). */
void lbctl_clock_full(int64_t t, bool utc, char *buf, size_t len);
/* Local time as short as it is clear: "17:42" today, "Fri 17:42" within
 * six days, "Thu 2026-12-24 17:42" further; with seconds, ":10" more. */
void lbctl_clock_short(int64_t t, bool seconds, char *buf, size_t len);
/* A distance in time, rounded to what reads well: "45s", "4min 30s",
 * "2h 5min", "1d 6h", "12d". */
void lbctl_clock_distance(uint64_t seconds, char *buf, size_t len);
/* A signed distance from now (lbctl_clock_until()) as people say it: "in
 * 2h 5min", "3min ago", "now". */
void lbctl_clock_relative(int64_t seconds, char *buf, size_t len);
/* The wall clock, in ms. */
int64_t lbctl_clock_now_ms(void);
/* Seconds from now until t (negative: since t), rounded up as a countdown
 * is. */
int64_t lbctl_clock_until(int64_t t);
/* A time given by the user: unix seconds ("1792281600", "@1792281600") or
 * a local time "YYYY-MM-DD[ HH:MM[:SS]]" (one that comes twice is its
 * first). Returns 0, or -EINVAL / -ERANGE with err saying why. */
int lbctl_clock_parse(const char *s, int64_t *ret, char *err, size_t errlen);

/* ---- the daemon (ctl.c) ---------------------------------------------------- */

/* Connect if not yet connected. Returns LBCTL_OK or LBCTL_UNREACHABLE after
 * saying which socket was tried, why it failed and how to start lumbard. */
int lbctl_connect(lbctl *ctl);
/* Call method with packed params (NULL for []). Returns LBCTL_OK with
 * *ret_result valid until the next call, LBCTL_DAEMON_SAID_NO after printing
 * "lumbarctl: METHOD: CODE: MESSAGE", LBCTL_USAGE when the request is over
 * 1 MiB (nothing is sent), or LBCTL_UNREACHABLE after saying what broke. */
int lbctl_call(lbctl *ctl, const char *method, const msgpack_sbuffer *params,
               const msgpack_object **ret_result);
/* For a verb that takes no argument and prints one answer: check argv,
 * call method without params, and with --json print the answer, as is an
 * answer that is not of the type expected. Returns the exit status, with
 * *ret_result set (valid until the next call) when the verb is to print it
 * as text, else NULL. */
int lbctl_query(lbctl *ctl, const lbctl_verb *self, int argc, char **argv, const char *method,
                msgpack_object_type type, const msgpack_object **ret_result);
/* The exit status for what an lb_client call into the connected client
 * returned, after saying on stderr what went wrong, as lbctl_call() does. */
int lbctl_status(lbctl *ctl, const char *method, int r);
/* "lumbarctl: METHOD: CODE: MESSAGE" on stderr, after -EREMOTEIO. */
void lbctl_print_daemon_error(const char *method, const lb_client *c);
/* Say on stderr that the connection broke while doing `what`; returns
 * LBCTL_UNREACHABLE. */
int lbctl_connection_lost(lbctl *ctl, const char *what, int err);

/* ---- output and waiting (core.c) ------------------------------------------ */

/* The answer as indented JSON on stdout. Returns LBCTL_OK, or 1 when it
 * cannot be written. */
int lbctl_print_json_result(const msgpack_object *result);
/* One event as a line of JSON Lines on stdout, as `watch --json` prints it:
 * {"event": NAME, "fields": {...}}. Returns 0 or -EIO. */
int lbctl_print_event_json(const char *name, const msgpack_object *params);

/* Catch SIGINT and SIGTERM for a verb that waits: they stay blocked but
 * while waiting under *ret_wait_mask (lb_client_next_event(), ppoll()), so
 * one that comes between a check of lbctl_stop_requested() and the wait
 * still ends the wait, with -EINTR. */
void lbctl_catch_stop(sigset_t *ret_wait_mask);
bool lbctl_stop_requested(void);

/* Terminal styling: an escape sequence when colour is on, else "". */
const char *lbctl_bold(const lbctl *ctl);
const char *lbctl_dim(const lbctl *ctl);
const char *lbctl_reset(const lbctl *ctl);

/* ---- JSON (json.c) ------------------------------------------------------------ */

/* An argument as a value: JSON when it parses as JSON (90, "x", [1,2],
 * {"a":1}, true, null), else the text itself as a string. New reference. */
json_t *lbctl_json_from_arg(const char *arg);
/* Pack a JSON value: integers as integers, reals as floats, objects as maps. */
void lbctl_json_pack(msgpack_packer *pk, const json_t *j);
/* A msgpack value as JSON. bin and ext become base64 strings (an ext's type
 * is dropped), map keys that are not strings become their text, integers
 * above 2^63-1 become reals, NaN and infinities null, and invalid UTF-8 is
 * replaced by U+FFFD. New reference, never NULL but on lack of memory. */
json_t *lbctl_json_from_msgpack(const msgpack_object *o);
/* Write o as JSON and a newline: indented, or compact on one line. Returns 0
 * or -EIO. */
int lbctl_json_print(FILE *f, const msgpack_object *o, bool pretty);
int lbctl_json_print_json(FILE *f, const json_t *j, bool pretty);

/* ---- human output (print.c) -------------------------------------------- */

/* A result for people: a string as itself, a map as "key: value" lines
 * (nested ones indented), an array as "- " items, nil and empty ones as
 * "(none)". */
void lbctl_print_value(FILE *f, const msgpack_object *o);
/* One value on one line, as in "key=value": strings bare unless they hold
 * spaces, quotes or control characters (then JSON-quoted), containers as
 * compact JSON. */
void lbctl_print_inline(FILE *f, const msgpack_object *o);
/* A string's bytes with control characters other than newline and tab
 * shown as "?", so text from the daemon cannot drive the terminal. */
void lbctl_print_text(FILE *f, const char *s, size_t len);

/* Copy a string value (or "" for NULL or another type) with control
 * characters as "?", cut at a character boundary when it does not fit. */
void lbctl_copy_text(char *dst, size_t cap, const msgpack_object *s);

/* The terminal's width (stdout's; 80 when it is not a terminal). */
int lbctl_term_columns(void);
/* Whether the locale's character set is UTF-8, for block characters and
 * "…". */
bool lbctl_utf8_terminal(void);
/* Columns a UTF-8 text takes, one per character. */
int lbctl_text_width(const char *s);
/* Cut s (a buffer of cap bytes) to width columns, ending with "…" (or
 * "..." when not utf8) when anything was cut. */
void lbctl_text_cut(char *s, size_t cap, int width, bool utf8);
/* A table cell on stdout: text padded to width columns, and the gap to the
 * next column. */
void lbctl_put_cell(const char *s, int width);
/* Tables of ncols padded columns, then a last one of free text (a
 * message), under a bold header of ncols + 1 names. The widths w start as
 * the header's and widen to fit each row, whose cells are the strings of a
 * char [ncols][cell_size] array. */
void lbctl_table_start(int *w, const char *const *head, int ncols);
void lbctl_table_fit(int *w, int ncols, const char *cells, size_t cell_size);
void lbctl_table_head(const lbctl *ctl, const char *const *head, int ncols, const int *w);

/* Map lookups over msgpack objects; NULL when map is not a map, the key is
 * absent, or (for the typed ones) the value has another type. */
const msgpack_object *lbctl_map_get(const msgpack_object *map, const char *key);
const msgpack_object *lbctl_map_str(const msgpack_object *map, const char *key);
bool lbctl_map_int(const msgpack_object *map, const char *key, int64_t *ret);
/* An integer value, 0 when absent or of another type. */
int64_t lbctl_map_int0(const msgpack_object *map, const char *key);
bool lbctl_str_eq(const msgpack_object *o, const char *s);

#endif
