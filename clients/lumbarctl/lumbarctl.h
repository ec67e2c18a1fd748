/* lumbarctl's shared parts: the run's context, the verb tables that main.c
 * dispatches on, and the helpers every verb uses (talking to the daemon,
 * JSON, human output).
 *
 * A section for each module, in the order they depend on each other: a
 * module uses only the sections above its own, never one below. From the
 * bottom up:
 *   term, json, print, stop      the terminal, JSON, human output, Ctrl-C
 *   typed, usage, args, params   what the person typed, and reading it
 *   clock, output                local time; where -o writes
 *   ctl                          talking to the daemon
 *   rest_view, pain_data,        what the rest, pain and train plugins answer,
 *   train_data                   read
 *   checkin, countdown           the check-in; following one rest
 *   the verbs                    core, rest, train, remind, pain (pain_chart,
 *                                pain_report), checkin, complete
 * and main.c on top: the global flags, the help and the dispatch.
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
#include <lumbard/client_list.h>
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

/* How long a call waits for the daemon's answer. */
#define LBCTL_ANSWER_TIMEOUT_S 30

typedef struct lbctl_verb lbctl_verb;

typedef struct lbctl {
  const char *socket_flag; /* --socket, or NULL */
  char socket[4096];       /* the path in use: --socket, $LUMBARD_SOCKET or the default */
  bool json;
  bool color;             /* stdout is a terminal and NO_COLOR is unset */
  lbc_client *client;     /* connected on first use by lbctl_connect() */
  const lbctl_verb *verb; /* the verb that runs: the daemon's refusals of what the person
                           * typed are its usage errors (lbctl_status()) */
} lbctl;

struct lbctl_verb {
  const char *name;
  const char *args;    /* what follows the name in the usage line: "[PATTERN]..." */
  const char *summary; /* one line, for the list of commands */
  const char *help;    /* the rest of `lumbarctl help NAME`; may be NULL */
  /* argv[0] is the verb's (last) word; the global flags (--json, --socket,
   * --help) are already taken out, "--" is left in. Returns an exit status. */
  int (*run)(lbctl *ctl, const lbctl_verb *self, int argc, char **argv);
};

/* ---- the terminal (term.c) -------------------------------------------------- */

/* The terminal's width: stdout's, or fd's; 80 when it is not a terminal. */
int lbctl_term_columns(void);
int lbctl_term_fd_columns(int fd);
/* Whether the locale's character set is UTF-8, for block characters and
 * "…". */
bool lbctl_term_utf8(void);
/* Terminal styling: an escape sequence when colour is on, else "". */
const char *lbctl_term_bold(const lbctl *ctl);
const char *lbctl_term_dim(const lbctl *ctl);
const char *lbctl_term_reset(const lbctl *ctl);

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
/* The answer as indented JSON on stdout. Returns LBCTL_OK, or 1 when it
 * cannot be written. */
int lbctl_print_json_result(const msgpack_object *result);
/* One event as `watch` prints it, on stdout: "HH:MM:SS NAME key=value...". */
void lbctl_print_event_line(const char *name, const msgpack_object *params);
/* One event as a line of JSON Lines on stdout, as `watch --json` prints it:
 * {"event": NAME, "fields": {...}}. Returns 0 or -EIO. */
int lbctl_print_event_json(const char *name, const msgpack_object *params);

/* Copy a string value (or "" for NULL or another type) with control
 * characters as "?", cut at a character boundary when it does not fit. */
void lbctl_copy_text(char *dst, size_t cap, const msgpack_object *s);
/* The same from n bytes of text. */
void lbctl_clean_text(char *dst, size_t cap, const char *s, size_t n);
/* Where the first line of text wrapped at room columns ends: the bytes up
 * to the last space within room columns (a longer word stays whole). The
 * next line starts after the spaces that follow. */
size_t lbctl_wrap(const char *text, int room);
/* text to f from column col on (where the cursor stands), wrapped at word
 * boundaries to end by column cols (a longer word stays whole), each line
 * after the first indented to column indent. */
void lbctl_put_wrapped(FILE *f, const char *text, int col, int indent, int cols);

/* prefix and text, one line; on a terminal text wraps between words to its
 * width (the lines after the first indented by two), never inside one. */
void lbctl_put_said(FILE *f, const char *prefix, const char *text);
/* prefix, then text on stdout wrapped at word boundaries to cols columns
 * (a word longer than a line stays whole), the lines after the first
 * indented as far as the prefix reaches, or by two columns when that
 * leaves too little room. */
void lbctl_put_hanging(const char *prefix, const char *text, int cols);
/* A line of text on stdout; on a terminal wrapped at word boundaries to its
 * width, which would otherwise break it anywhere. */
void lbctl_put_line(const char *text);
/* Columns a UTF-8 text takes, one per character. */
int lbctl_text_width(const char *s);
/* Cut s (a buffer of cap bytes) to width columns, ending with "…" (or
 * "..." when not utf8) when anything was cut. */
void lbctl_text_cut(char *s, size_t cap, int width, bool utf8);
/* A table cell on stdout: text padded to width columns, and the gap to the
 * next column. */
void lbctl_put_cell(const char *s, int width);
/* A row of a table on stdout that ends in no blanks: each cell's padding
 * and gap are held back until a cell with text follows. A zeroed
 * lbctl_row starts a row; lbctl_row_cell() adds a cell (on and off: the
 * styles around its text, "" for none), lbctl_row_end() the last column's
 * free text and the newline. */
typedef struct lbctl_row {
  int pad; /* blanks owed before the next text */
} lbctl_row;
void lbctl_row_cell(lbctl_row *r, const char *on, const char *s, int width, const char *off);
void lbctl_row_end(lbctl_row *r, const char *last);
/* Tables of ncols padded columns, then a last one of free text (a
 * message), under a bold header of ncols + 1 names. The widths w start as
 * the header's and widen to fit each row, whose cells are the strings of a
 * char [ncols][cell_size] array. */
void lbctl_table_start(int *w, const char *const *head, int ncols);
void lbctl_table_fit(int *w, int ncols, const char *cells, size_t cell_size);
void lbctl_table_head(const lbctl *ctl, const char *const *head, int ncols, const int *w);
/* On a terminal: narrow the columns so that a table fits cols, leaving at
 * least last_min columns to the last one. The columns of give[] give up
 * width in that order, none below its min. Returns the width left for the
 * last column (at least 1); the caller cuts the cells to w (and the last to
 * what is returned) with lbctl_text_cut(). */
typedef struct lbctl_squeeze {
  int column, min;
} lbctl_squeeze;
int lbctl_table_squeeze(int *w, int ncols, int cols, const lbctl_squeeze *give, size_t n_give,
                        int last_min);

/* The rows of a table kept as text, for a table of any length: each row's
 * cells one after the other, so 100,000 rows take what their text takes
 * rather than what their widest cells could. Zero-initialised; freed with
 * lbctl_rows_free(). */
typedef struct lbctl_rows {
  char *text; /* every cell, each ended by a NUL */
  size_t len, cap;
  size_t *start; /* where each row begins in text */
  size_t n, n_cap;
} lbctl_rows;
/* Append a row: the ncols strings of a char [ncols][cell_size] array (as
 * lbctl_table_fit() takes them) and the last column's free text. Returns 0
 * or -ENOMEM. */
int lbctl_rows_add(lbctl_rows *t, const char *cells, size_t cell_size, int ncols, const char *last);
/* Cell c of a row; c == ncols is its last column. */
const char *lbctl_rows_cell(const lbctl_rows *t, size_t row, int c);
void lbctl_rows_free(lbctl_rows *t);

/* ---- stopping a wait (stop.c) ------------------------------------------------ */

/* Catch SIGINT and SIGTERM for a verb that waits: they stay blocked but
 * while waiting under *ret_wait_mask (lbc_client_next_event(), ppoll()), so
 * one that comes between a check of lbctl_stop_requested() and the wait
 * still ends the wait, with -EINTR. */
void lbctl_stop_catch(sigset_t *ret_wait_mask);
bool lbctl_stop_requested(void);

/* ---- what the person typed (typed.c) ----------------------------------------- */

/* The daemon names a value by its wire name ("option 'location' must be
 * ...", "parameter 'level' must be ..."); the person gave it as a flag or a
 * positional argument ("--where", "LEVEL"). lumbarctl runs one verb a
 * process, so these notes are the process's: lbctl_args() notes each flag
 * with a value as it was spelt, lbctl_parse_id() (ID), lbctl_parse_duration()
 * and lbctl_pack_options() theirs; a verb notes its other positionals with
 * lbctl_typed_note(). */
void lbctl_typed_note(const char *wire, const char *typed);
/* lbctl_args()'s notes: flag (as typed) gave value, which the daemon calls
 * wire (NULL: not known yet; lbctl_pack_options() fills it in); and, for
 * the flags not given, their first names, for a message that names them
 * too ("--from and --to go with ..."). Only a message that names a value
 * typed is the person's error (lbctl_typed_rewrite()). */
void lbctl_typed_flag(const char *wire, const char *flag, const void *value);
void lbctl_typed_known(const char *wire, const char *flag, const void *value);
/* The daemon's name for the value of a flag noted without one
 * (lbctl_pack_options(): an option's key). */
void lbctl_typed_wire(const void *value, const char *wire);
/* The flag as the person spelt it ("-w", "--where") that set value (a
 * ret_value or ret_values of lbctl_flag), or fallback when none did. */
const char *lbctl_typed(const void *value, const char *fallback);
/* The daemon's message with each name of a value the verb takes, quoted
 * ('location'; with the word "option" or "parameter" before it, as the
 * daemon writes them), replaced by what the person typed (or would type):
 * "option 'location' must be one of ..." becomes "--where must be one of
 * ...". Returns whether a value typed was named; buf holds the message
 * either way. */
bool lbctl_typed_rewrite(const char *message, char *buf, size_t len);

/* ---- usage (usage.c) -------------------------------------------------------- */

/* Print "lumbarctl VERB: <message>", the verb's usage line and where to find
 * help, on stderr. Returns LBCTL_USAGE. Input errors name what the person
 * typed: the flag as it was spelt ("--where", "-w"; lbctl_typed()), a
 * positional argument by its name in the usage ("LEVEL"), never a name of
 * the wire ("location"). */
int lbctl_usage_error(const lbctl_verb *self, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Every line of help fits this many columns. */
#define LBCTL_HELP_COLUMNS 80
/* prefix, the verb's name and its arguments, from column col on: wrapped
 * between groups of the arguments at LBCTL_HELP_COLUMNS, the lines after
 * the first indented to where the arguments start. Returns the column
 * where the last line ends. */
int lbctl_usage_put(FILE *f, int col, const char *prefix, const lbctl_verb *v);
/* `lumbarctl help VERB`: the usage line, the summary, the help, the
 * options and exit statuses. */
void lbctl_usage_help(FILE *f, const lbctl_verb *v);
/* The global options and the exit statuses, after a blank line, as every
 * help ends. */
void lbctl_usage_put_options(FILE *f);
/* "Try 'lumbarctl help VERB'." on stderr; with NULL, where the commands
 * are. */
void lbctl_usage_try_help(const char *verb);

/* ---- arguments (args.c) ------------------------------------------------------ */

/* For verbs that take only positional arguments: refuse flags they do not
 * know (a negative number is not a flag), drop a "--", and check the count.
 * On success argv[1..*argc-1] are the positional arguments. max < 0: no
 * limit. Returns LBCTL_OK or LBCTL_USAGE (after saying why). */
int lbctl_args_positionals(const lbctl_verb *self, int *argc, char **argv, int min, int max);

/* A flag a verb takes: "--label L" or "--label=L" when value names what it
 * needs ("a LABEL"), else a switch ("--wait"). The last one given wins; a
 * flag with ret_values instead of ret_value may be given up to max_values
 * times, each value collected in order ("--symptom a --symptom b"). wire,
 * when set, is the name the daemon gives the value in its messages
 * ("location" for --where): lbctl_args() notes that the person typed it as
 * the flag (see lbctl_typed()). A flag of an lbctl_opt needs none: the
 * option's key is its wire name. */
typedef struct lbctl_flag {
  const char *name;        /* "--label" */
  const char *value;       /* "a LABEL", or NULL for a switch */
  const char **ret_value;  /* set to the value given (points into argv) */
  bool *ret_on;            /* switches: set to true */
  const char **ret_values; /* repeatable flags: the values, in order */
  int max_values;
  int *ret_n;       /* how many ret_values holds */
  const char *wire; /* the daemon's name for the value, or NULL */
} lbctl_flag;

/* As lbctl_args_positionals(), taking the flags of the table (ended by a NULL
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
 * else as the text it is, for the daemon to parse or refuse. Prefer
 * lbctl_parse_duration(), which refuses a text that is no duration before
 * anything is sent. */
void lbctl_pack_duration(msgpack_packer *pk, const char *arg);
/* A DURATION argument ("90", "90s", "1m30s", "2min", "1h"; DESIGN §6),
 * read with the daemon's own parser, so what passes here the daemon reads
 * alike. name is what the person typed: the positional's name in the
 * usage ("DURATION") or the flag ("--until"); wire the daemon's name for
 * the value ("seconds"), noted for its refusals (a range: "DURATION must be
 * between 1s and 1d"), or NULL. Returns LBCTL_OK with *ret, or LBCTL_USAGE
 * after saying what is wrong, naming name. */
int lbctl_parse_duration(const lbctl_verb *self, const char *arg, const char *name,
                         const char *wire, uint64_t *ret);

/* A named option of a method's last params map, from a flag: value is NULL
 * when the flag was not given. */
typedef enum lbctl_opt_kind {
  LBCTL_OPT_TEXT,     /* a string */
  LBCTL_OPT_COUNT,    /* a whole number (ids, counts): checked here, its range by the daemon */
  LBCTL_OPT_DURATION, /* a duration: its form checked here (lbctl_parse_duration()), its range
                       * by the daemon */
} lbctl_opt_kind;
typedef struct lbctl_opt {
  const char *key;
  lbctl_opt_kind kind;
  const char *value;
} lbctl_opt;

/* A usage error (LBCTL_USAGE) for a COUNT that is not a whole number or a
 * DURATION that is not a duration, naming the flag as it was typed. */
int lbctl_check_options(const lbctl_verb *self, const lbctl_opt *opts, size_t n);
/* The map of the options given, in order (an empty map when none is); a
 * COUNT or DURATION that reads as one is packed as its number. Each
 * option's key becomes the wire name of its flag, given or not, for
 * lbctl_typed_rewrite(). */
void lbctl_pack_options(msgpack_packer *pk, const lbctl_opt *opts, size_t n);

/* ---- local time (clock.c) ------------------------------------------------------ */

/* "Thu 2026-11-19 08:30:00 CET", as systemd writes a timestamp: in the
 * local zone, or with utc in UTC ("... 07:30:00 UTC"). */
void lbctl_clock_full(int64_t t, bool utc, char *buf, size_t len);
/* Local time as short as it is clear: "17:42" today, "Fri 17:42" within
 * six days, "Thu 2026-12-24 17:42" further; with seconds, ":10" more. */
void lbctl_clock_short(int64_t t, bool seconds, char *buf, size_t len);
/* A length of time, exactly: "90s" is "1min 30s", 86405 s "1d 5s". The one
 * way lumbarctl writes a duration, as the daemon's messages write theirs
 * ("between 1s and 1d"): every duration a verb prints is made with it or
 * with lbctl_clock_distance(), which rounds, then writes with it. */
void lbctl_clock_duration(uint64_t seconds, char *buf, size_t len);
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
/* Time left as a countdown reads it, rounded up to the second: "0:47",
 * "12:05", "1:02:03". */
void lbctl_clock_countdown(int64_t ms, char *buf, size_t len);
/* A time given by the user: unix seconds ("1792281600", "@1792281600") or
 * a local time "YYYY-MM-DD[ HH:MM[:SS]]" (one that comes twice is its
 * first). Returns 0, or -EINVAL / -ERANGE with err saying why. */
int lbctl_clock_parse(const char *s, int64_t *ret, char *err, size_t errlen);
/* A moment as people name one looking back, relative to now (unix
 * seconds): what lbctl_clock_parse() reads, and "now", "HH:MM[:SS]"
 * (today), "today" or "yesterday" with or without "HH:MM[:SS]", and
 * "DURATION ago" ("2h ago", "1h 30min ago", "3d ago"). */
int lbctl_clock_parse_moment(const char *s, int64_t now, int64_t *ret, char *err, size_t errlen);
/* A TIME the person gave (--at, --since; NULL: *ret is 0), read with
 * lbctl_clock_parse_moment() from now; a usage error that names it as name
 * ("--since") otherwise. Returns LBCTL_OK or LBCTL_USAGE. */
int lbctl_clock_parse_arg(const lbctl_verb *self, const char *name, const char *arg, int64_t *ret);
/* Local time written with strftime's fmt ("%a %Y-%m-%d %H:%M"). */
void lbctl_clock_format(int64_t t, const char *fmt, char *buf, size_t len);
/* Local calendar days, numbered from 1970-01-01: the day t falls on, the
 * moment a day starts (its local midnight, or the first moment after it
 * when the clocks skip midnight), and a day written with strftime's fmt
 * ("%a %Y-%m-%d"). */
int64_t lbctl_clock_day(int64_t t);
int64_t lbctl_clock_day_start(int64_t day);
void lbctl_clock_day_format(int64_t day, const char *fmt, char *buf, size_t len);

/* ---- where -o writes (output.c) ------------------------------------------------ */

/* Where a verb's -o sends its output. Files that exist and are regular, or
 * new names, are replaced whole (by lumbard, or by lumbarctl through a
 * temporary file beside them: fd is then -1 and path absolute, as lumbard
 * needs it). Everything else is written as a stream, on fd: stdout ("-",
 * NULL, "/dev/stdout", "/dev/fd/1"), another descriptor the process was
 * given ("/dev/stderr", "/dev/fd/N": the descriptor itself, so that its
 * offset and O_APPEND stand as the shell set them), or a file that exists
 * and is not a regular file (a FIFO, a terminal, /dev/null), opened here
 * before anything is asked of lumbard, so that a FIFO's reader always sees
 * an end. */
typedef struct lbctl_output {
  int fd;          /* -1: a file to replace whole, at path */
  bool close;      /* fd was opened here: lbctl_output_close() closes it */
  char path[4096]; /* absolute, or the /dev/fd name as given */
} lbctl_output;
/* Returns LBCTL_OK, or the exit status after saying (as "lumbarctl VERB:")
 * why out cannot be written. */
int lbctl_output_open(const lbctl_verb *self, const char *out, lbctl_output *ret);
/* Close fd when it was opened here. Returns 0 or -errno. */
int lbctl_output_close(lbctl_output *o);
/* All of data to fd, through EINTR and short writes. Returns 0 or -errno. */
int lbctl_write_all(int fd, const void *data, size_t len);

/* ---- the daemon (ctl.c) ---------------------------------------------------- */

/* A request's params being packed: request_start() opens the params array
 * of nparams values, which the caller packs with the packer it returns. */
typedef struct lbctl_request {
  msgpack_sbuffer sb;
  msgpack_packer pk;
} lbctl_request;
msgpack_packer *lbctl_request_start(lbctl_request *q, uint32_t nparams);
/* lbctl_call() with the params, which it frees. */
int lbctl_request_send(lbctl *ctl, lbctl_request *q, const char *method,
                       const msgpack_object **ret_result);

/* Connect if not yet connected. Returns LBCTL_OK or LBCTL_UNREACHABLE after
 * saying which socket was tried, why it failed and how to start lumbard (or,
 * when another user serves the socket, who and what to do instead). */
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
/* lbctl_query() for a method that answers in pages (rest.list,
 * reminders.list; lumbard/client_list.h): check argv (no argument), read
 * every page, one at a time, each with the timeout of one call, and with
 * --json print the whole list as one JSON array. Returns the exit status,
 * with *ret_list set (to be freed with lbc_client_list_free()) when the verb
 * is to print it as text, else NULL. */
int lbctl_query_list(lbctl *ctl, const lbctl_verb *self, int argc, char **argv, const char *method,
                     lbc_client_list **ret_list);
/* Every item of a method that answers in pages, asked a page at a time.
 * Returns the exit status, as lbctl_call() does; on LBCTL_OK *ret_list
 * holds the whole list (to be freed with lbc_client_list_free()). */
int lbctl_call_list(lbctl *ctl, const char *method, lbc_client_list **ret_list);
/* The exit status for what an lbc_client call into the connected client
 * returned, after saying on stderr what went wrong, as lbctl_call() does. */
int lbctl_status(lbctl *ctl, const char *method, int r);
/* Say on stderr that the connection broke while doing `what`; returns
 * LBCTL_UNREACHABLE. */
int lbctl_connection_lost(lbctl *ctl, const char *what, int err);

/* ---- a rest as lumbarctl knows it (rest_view.c) ------------------------------- */

/* A copy of a rest's view (rest.start's answer, an item of rest.list), or
 * what the events said since: results and events live only until the next
 * call into the client. Text is cleaned of control characters on the way
 * in, so it prints as it is. */
typedef struct lbctl_rest_view {
  uint64_t id;
  char label[256], state[16], message[512], routine[128];
  int64_t seconds, remaining_ms, ends_at_ms, window_end_ms;
  int64_t set, sets, step, steps, warn;
} lbctl_rest_view;

void lbctl_rest_view_read(lbctl_rest_view *v, const msgpack_object *m);
/* In state ("running", "paused", "ready", "overdue", "in_set"). */
bool lbctl_rest_view_is(const lbctl_rest_view *v, const char *state);
/* Sets counted: more than one, and no steps. */
bool lbctl_rest_view_is_routine(const lbctl_rest_view *v);
/* Over, waiting for the next set: a routine between sets, or a window. */
bool lbctl_rest_view_is_over(const lbctl_rest_view *v);
/* "sequence", "routine" or "rest". */
const char *lbctl_rest_view_noun(const lbctl_rest_view *v);
/* What is left of a running or paused rest, in ms. */
int64_t lbctl_rest_view_left_ms(const lbctl_rest_view *v);
/* seconds (of a view, a step, a preset) as lbctl_clock_duration() writes
 * them; 0 for less. */
void lbctl_rest_view_duration(int64_t seconds, char *buf, size_t len);
/* " (abduction)", or "" for the daemon's default label. */
const char *lbctl_rest_view_label_note(const lbctl_rest_view *v, char *buf, size_t len);
/* ", set 1 of 3 done" or ", step 1 of 2": where a routine or sequence is;
 * "" for a single rest. */
const char *lbctl_rest_view_progress_note(const lbctl_rest_view *v, char *buf, size_t len);
/* "Step 1 of 2 (1min): Left side: deep massage ...": a step and what to
 * do, wrapped to the terminal. */
void lbctl_rest_view_print_step(const lbctl_rest_view *v);
/* "LEAD: 1min 30s (abduction), set 1 of 3 done, ends at 17:42:10" for a
 * rest that just started (fresh: its length), else "LEAD: 0:47 left
 * (abduction), ..., ends at 17:42:10" (or ", paused"). A step of a
 * sequence that just started adds its text. */
void lbctl_rest_view_print_running(const lbctl_rest_view *v, const char *lead, bool fresh);
/* The line that says what a rest is doing now, after lead ("Rest 3
 * started", "Watching routine 7"): its countdown, or where its routine
 * is. */
void lbctl_rest_view_print_now(const lbctl_rest_view *v, const char *lead, bool fresh);
/* Rest id as rest.list has it now (a page of one). Returns the exit status;
 * on LBCTL_OK *ret_item is its view (valid until the next call), or NULL
 * when no rest id is under way. */
int lbctl_rest_view_get(lbctl *ctl, uint64_t id, const msgpack_object **ret_item);
/* The fields of an event (name, params) of the rest of v, or NULL. */
const msgpack_object *lbctl_rest_view_event(const lbctl_rest_view *v, const char *name,
                                            const msgpack_object *params);

/* ---- the pain diary (pain_data.c) -------------------------------------------- */

/* What pain.* answers, read for the pain verbs (pain.c), the chart
 * (pain_chart.c) and the report (pain_report.c), and the sentences the
 * stats and the report share. Every sentence describes the person's own
 * entries; none says what they mean medically. */

/* An entry of pain.history, copied out of the answer. Text is as it came,
 * each string allocated (never NULL; "" when absent): the caller cleans it
 * for a terminal or escapes it for HTML. */
typedef struct lbctl_pain_entry {
  int64_t id, at, level;
  char *location, *trigger, *note;
  char *symptoms; /* the keys, joined with ", " */
} lbctl_pain_entry;

/* pain.history({since, until, limit}), each left out when 0. */
int lbctl_pain_history_call(lbctl *ctl, int64_t since, int64_t until, uint64_t limit,
                            const msgpack_object **ret_result);
/* The entries of a pain.history answer, in its order (newest first);
 * *ret_entries is freed with lbctl_pain_entries_free(). Returns 0 or
 * -ENOMEM. */
int lbctl_pain_entries_read(const msgpack_object *list, lbctl_pain_entry **ret_entries,
                            size_t *ret_n);
void lbctl_pain_entries_free(lbctl_pain_entry *entries, size_t n);

/* A flare-up of pain.stats' episodes: days from start to end (local
 * midnights), current while under way (end is then the last day so far). */
typedef struct lbctl_pain_episode {
  int64_t start, end, days, worst;
  double average; /* NAN when the daemon gave none */
  bool current;
} lbctl_pain_episode;

/* A day of a diary: the worst level logged that local day. */
typedef struct lbctl_pain_day {
  int64_t day;   /* lbctl_clock_day()'s number */
  int64_t start; /* the moment it starts */
  int worst;     /* -1: no entry that day */
  int entries;
  bool episode; /* within a flare-up */
} lbctl_pain_day;

/* The last ndays days up to today, read from pain.history and pain.stats. */
typedef struct lbctl_pain_diary {
  int ndays;
  lbctl_pain_day *days; /* ndays, oldest first */
  lbctl_pain_entry *entries;
  size_t n_entries; /* the entries of those days, newest first */
  lbctl_pain_episode *episodes;
  size_t n_episodes;           /* every flare-up pain.stats names, oldest first */
  int logged_days;             /* days with an entry */
  const msgpack_object *stats; /* pain.stats({days: ndays}), valid until the next call */
} lbctl_pain_diary;

/* Returns the exit status; on LBCTL_OK the diary is to be freed with
 * lbctl_pain_diary_free(), which accepts one zeroed or half-loaded. */
int lbctl_pain_diary_load(lbctl *ctl, int ndays, lbctl_pain_diary *ret);
void lbctl_pain_diary_free(lbctl_pain_diary *d);

/* The --days of chart and report: a whole number from 1 to max; a usage
 * error otherwise. NULL: def. */
int lbctl_pain_parse_days(const lbctl_verb *self, const char *arg, int def, int max, int *ret);

/* A location key as people read it: "lower-back-left" is "lower back,
 * left", "glute-right" "glute, right". */
void lbctl_pain_place(const char *key, char *buf, size_t len);
/* The places pain.log takes, as the wire has them ("lower-back-left"),
 * NULL-terminated. */
extern const char *const lbctl_pain_places[];
/* A place as the person gave it, as the wire has it or as lumbarctl shows
 * it (lbctl_pain_place(): "lower back, left"), in any case, into its key;
 * "" stays "" (no place). Returns false for anything else. */
bool lbctl_pain_place_key(const char *given, char *key, size_t len);
/* "3.1": an average, one decimal; "-" for NAN. */
void lbctl_pain_average(double avg, char *buf, size_t len);
/* {count, average, worst} as "5 entries, average 3.1, worst 6", or "no
 * entries". */
void lbctl_pain_summary(const msgpack_object *m, char *buf, size_t len);
/* The trend of pain.stats with its rule: "better: the last 7 days average
 * 3.1 against 5.4 the week before (a meaningful change: 2 points or 30 %)". */
void lbctl_pain_trend(const msgpack_object *trend, char *buf, size_t len);
/* The warm-up comparison: "after sessions warmed up: 2.8 on average (5
 * sessions); without a warm-up: 5.1 (3 sessions); 2.3 points lower after a
 * warm-up — a meaningful difference", or what is missing for one. */
void lbctl_pain_warmup(const msgpack_object *warmup, bool utf8, char *buf, size_t len);
/* What a training session is, and when it is warmed up, as a sentence. */
extern const char lbctl_pain_session_rule[];
/* A training session of the warm-up comparison (pain.stats' warmup.sessions). */
typedef struct lbctl_pain_session {
  int64_t start, end, sets, entries_after;
  double average_after; /* NAN without an entry after it */
  bool warmed_up;
  char how[32]; /* "warm-up preset", "warm-up reminder"; "" when not warmed up */
} lbctl_pain_session;
/* The sessions of pain.stats' warmup, oldest first; *ret is freed with
 * free(). Returns 0 or -ENOMEM. */
int lbctl_pain_sessions_read(const msgpack_object *warmup, lbctl_pain_session **ret, size_t *ret_n);
/* A session in four texts: "Mon 2026-11-16 18:02", "3 sets", "warm-up preset"
 * (or "no warm-up"), "pain 2.0 (1 entry)" (or "no entry in the 48 h
 * after"). */
void lbctl_pain_session_texts(const lbctl_pain_session *s, char (*cells)[64]);

/* A symptom key in words ("night-pain": "night pain (it wakes you, or does
 * not ease with rest)"); an unknown key as it is. */
const char *lbctl_pain_symptom_words(const char *key);
/* Whether a symptom key is a red flag (DESIGN §6 "pain"). */
bool lbctl_pain_red_flag(const char *key);
/* The keys of an entry's symptoms (lbctl_pain_entry.symptoms, joined with
 * ", "), up to max. Returns how many. */
size_t lbctl_pain_symptom_keys(const char *joined, char (*keys)[64], size_t max);
/* The urgent-care sentence a view of the diary shows with a red flag, when
 * it has no advice of the daemon's to show. */
extern const char lbctl_pain_urgent_care[];
/* The rule of episodes, as a sentence. */
extern const char lbctl_pain_episode_rule[];
/* The closing line of every view of the stats. */
extern const char lbctl_pain_disclaimer[];
/* "3 days", "1 day" */
void lbctl_pain_days_text(int64_t days, char *buf, size_t len);
/* The verbs in other files. */
int lbctl_pain_chart_run(lbctl *ctl, const lbctl_verb *self, int argc, char **argv);
int lbctl_pain_report_run(lbctl *ctl, const lbctl_verb *self, int argc, char **argv);
/* The episodes of a pain.stats answer, oldest first. Returns 0 or -ENOMEM. */
int lbctl_pain_episodes_read(const msgpack_object *stats, lbctl_pain_episode **ret, size_t *ret_n);

/* ---- the training log (train_data.c) ----------------------------------------- */

/* What the person typed for a set, and the sets of train.* read for the
 * train verbs (train.c) and for the Enter that ends a routine's set
 * (countdown.c). */

/* The numbers of a set as typed: REPS and a WEIGHT with its unit. */
typedef struct lbctl_train_numbers {
  uint64_t reps;
  bool has_weight; /* a WEIGHT was given (0: no weight) */
  double weight;
  char unit[3]; /* "kg", "lb", or "" for the config's ([train] unit) */
} lbctl_train_numbers;

/* REPS: a whole number (its range is the daemon's to check). */
bool lbctl_train_parse_reps(const char *s, uint64_t *ret);
/* A WEIGHT: a number, 0 or more ("40", "92.5"), with a unit after it or
 * not ("40kg", "90lb", "90lbs", in any case). Sets weight and unit. */
bool lbctl_train_parse_weight(const char *s, lbctl_train_numbers *n);
/* A unit alone: kg, lb or lbs, in any case, into unit ("kg", "lb"). */
bool lbctl_train_parse_unit(const char *s, char unit[3]);
/* A line typed for a set: "25", "25 40kg", "25 40 kg", blanks around.
 * Returns 1 with *ret set, 0 for a blank line, or -1 with err saying what
 * does not read. */
int lbctl_train_parse_typed(const char *line, lbctl_train_numbers *ret, char *err, size_t errlen);
/* A weight as lumbarctl writes one: at most two decimals, none when whole
 * ("40", "92.5", "40.82"). */
void lbctl_train_weight_text(double weight, char *buf, size_t len);
/* A set's numbers in words, from a set of train.* ({reps, weight, unit,
 * rir}): "25 reps at 40 kg, RIR 2"; "1 rep", no weight: "20 reps". */
void lbctl_train_numbers_text(const msgpack_object *set, char *buf, size_t len);
/* The same from the fields of the train.logged event, which has the weight
 * in kg only: unit ("kg" or "lb") is the one to write it in. */
void lbctl_train_logged_text(const msgpack_object *ev, const char *unit, char *buf, size_t len);
/* train.amend(id, {reps, weight, unit}) with the numbers typed. Returns
 * lbctl_call()'s status, with *ret_set the set as it now is. */
int lbctl_train_amend_numbers(lbctl *ctl, uint64_t id, const lbctl_train_numbers *n,
                              const msgpack_object **ret_set);

/* ---- check-ins (checkin.c) ---------------------------------------------------- */

/* pain.checkin() without answering it: LBCTL_OK with *ret_answer ({due,
 * since, reason, message, scores}, valid until the next call), or with
 * NULL when the pain plugin is not loaded; else the exit status, after
 * saying why. */
int lbctl_checkin_query(lbctl *ctl, const msgpack_object **ret_answer);
/* "Check-in due since 21:00 (after routine)" for an answer that is due. */
void lbctl_checkin_due_text(const msgpack_object *answer, char *buf, size_t len);
/* After a routine followed on a terminal: when a check-in is due, ask "How
 * is your back now? 0-10, Enter to skip" on stdin, and log the answer with
 * trigger (the routine's name; NULL or "" for none), or skip the check-in.
 * Nothing when none is due or the pain plugin is not loaded. wait_mask is
 * lbctl_stop_catch()'s. Returns the exit status. */
int lbctl_checkin_after(lbctl *ctl, const char *trigger, const sigset_t *wait_mask);

/* ---- following one rest (countdown.c) ----------------------------------------- */

/* Catch Ctrl-C (lbctl_stop_catch()) and subscribe to the rest events, for
 * a countdown that begins with the next call. */
int lbctl_countdown_prepare(lbctl *ctl, sigset_t *ret_wait_mask);
/* Subscribe to the rest events only: what a call into a rest did, read
 * from the events queued before its answer. Returns the exit status. */
int lbctl_countdown_subscribe(lbctl *ctl);
/* Follow the rest of start (subscribed to rest.* before its view was
 * asked for) until it is over, or until a person must act and no prompt
 * can ask: a live bar and prompts on a terminal, plain lines elsewhere,
 * the events as JSON Lines with --json. The events that came before the
 * view are in it already: with replay they are shown (they say what the
 * call that answered start did, as for rest next), else only passed on
 * with --json. When the train plugin logs the sets of the routine (its
 * preset is an exercise's), the reps and weight typed before the Enter
 * that ends a set ("25 40kg") amend the set it logs. A routine that ends
 * here, with stdin and stdout terminals, is followed by the check-in.
 * Returns the exit status. */
int lbctl_countdown_run(lbctl *ctl, const lbctl_rest_view *start, const sigset_t *wait_mask,
                        bool replay);
/* lbctl_countdown_run() of a rest that is all there is to follow (the rest
 * after a set logged, `set --wait`): it ends when the rest is over, and
 * nothing is asked: the person logs the next set. */
int lbctl_countdown_run_rest(lbctl *ctl, const lbctl_rest_view *start, const sigset_t *wait_mask);

/* ---- the verbs (core.c, rest.c, train.c, remind.c, pain.c, checkin.c; complete.c) ---- */

/* The verb tables, for main.c. */
extern const lbctl_verb lbctl_core_verbs[];
extern const lbctl_verb lbctl_rest_verbs[];
extern const lbctl_verb lbctl_train_verbs[];
extern const lbctl_verb lbctl_remind_verbs[];
extern const lbctl_verb lbctl_pain_verbs[];
extern const lbctl_verb lbctl_checkin_verbs[];

/* `lumbarctl __complete KIND` (complete.c): the daemon's values for the shell
 * completions, "value<TAB>description" a line; hidden from the help. */
int lbctl_complete(lbctl *ctl, int argc, char **argv);

#endif
