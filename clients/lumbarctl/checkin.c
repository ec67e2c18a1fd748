/* Check-ins of the pain diary (plugins/pain/README.md): lumbard makes one
 * due every evening and after a rest routine; lumbarctl answers it from the
 * terminal, right after a routine it followed (rest.c) or with `pain
 * checkin`. The answer is a pain.log entry, or pain.checkin({skip: true}). */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <lumbard/rpc.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "lumbarctl.h"

static const char PROMPT[] = "How is your back now? 0-10, Enter to skip: ";

/* pain.checkin, or pain.checkin({skip: true}). With missing_ok a daemon
 * without the pain plugin is no error: LBCTL_OK and *ret NULL. Else as
 * lbctl_call(). */
static int checkin_call(lbctl *ctl, bool skip, bool missing_ok, const msgpack_object **ret) {
  *ret = NULL;
  int r = lbctl_connect(ctl);
  if (r != LBCTL_OK)
    return r;
  lbctl_request q;
  msgpack_packer *pk = lbctl_request_start(&q, skip ? 1 : 0);
  if (skip) {
    msgpack_pack_map(pk, 1);
    lb_rpc_pack_str(pk, "skip");
    msgpack_pack_true(pk);
  }
  int e = lbc_client_call(ctl->client, "pain.checkin", q.sb.data, q.sb.size, ret);
  msgpack_sbuffer_destroy(&q.sb);
  if (e == -EREMOTEIO && missing_ok &&
      strcmp(lbc_client_error_code(ctl->client), "no_such_method") == 0) {
    *ret = NULL;
    return LBCTL_OK;
  }
  r = lbctl_status(ctl, "pain.checkin", e);
  if (r == LBCTL_OK && (*ret)->type != MSGPACK_OBJECT_MAP) {
    fprintf(stderr, "lumbarctl: pain.checkin: an answer that is not a map: is lumbard newer "
                    "than lumbarctl?\n");
    *ret = NULL;
    return 1; /* see main(): no status of DESIGN §7 fits */
  }
  return r;
}

int lbctl_checkin_query(lbctl *ctl, const msgpack_object **ret_answer) {
  return checkin_call(ctl, false, true, ret_answer);
}

void lbctl_checkin_due_text(const msgpack_object *answer, char *buf, size_t len) {
  char reason[64], when[64] = "";
  int64_t since = lbc_msg_map_int0(answer, "since");
  lbctl_copy_text(reason, sizeof(reason), lbc_msg_map_str(answer, "reason"));
  if (since > 0)
    lbctl_clock_short(since, false, when, sizeof(when));
  snprintf(buf, len, "Check-in due%s%s%s%s%s", when[0] ? " since " : "", when,
           reason[0] ? " (" : "", reason, reason[0] ? ")" : "");
}

/* A score as typed: a whole number from 0 to 10, blanks around it. */
static bool parse_level(const char *s, int *ret) {
  while (*s == ' ' || *s == '\t')
    s++;
  size_t digits = strspn(s, "0123456789");
  if (digits == 0 || digits > 2 || s[digits + strspn(s + digits, " \t")] != '\0')
    return false;
  int level = (int)strtol(s, NULL, 10);
  if (level > 10)
    return false;
  *ret = level;
  return true;
}

/* pain.log(level, {trigger}) and what was logged: "Logged 3/10 (abduction)
 * at 21:04." */
static int log_level(lbctl *ctl, int level, const char *trigger) {
  bool with_trigger = trigger && *trigger;
  lbctl_request q;
  msgpack_packer *pk = lbctl_request_start(&q, 2);
  msgpack_pack_int(pk, level);
  msgpack_pack_map(pk, with_trigger ? 1 : 0);
  if (with_trigger) {
    lb_rpc_pack_str(pk, "trigger");
    lb_rpc_pack_str(pk, trigger);
  }
  const msgpack_object *result;
  int r = lbctl_request_send(ctl, &q, "pain.log", &result);
  if (r != LBCTL_OK)
    return r;
  if (ctl->json)
    return lbctl_print_json_result(result);
  char what[160] = "", when[64];
  if (with_trigger) {
    char clean[128];
    lbctl_clean_text(clean, sizeof(clean), trigger, strlen(trigger));
    for (char *p = clean; *p; p++) /* as the diary keeps it */
      *p = (char)tolower((unsigned char)*p);
    snprintf(what, sizeof(what), " (%s)", clean);
  }
  lbctl_clock_short(lbc_msg_map_int0(result, "at"), false, when, sizeof(when));
  printf("Logged %d/10%s at %s.\n", level, what, when);
  return LBCTL_OK;
}

static int skip_checkin(lbctl *ctl) {
  const msgpack_object *answer;
  int r = checkin_call(ctl, true, false, &answer);
  if (r != LBCTL_OK)
    return r;
  if (ctl->json)
    return lbctl_print_json_result(answer);
  printf("Check-in skipped; 'lumbarctl pain log LEVEL' logs how your back is at any time.\n");
  return LBCTL_OK;
}

/* One line typed on stdin, without its newline (cut at cap). Returns true,
 * or false at the end of stdin (Ctrl-D) or after Ctrl-C or SIGTERM. A byte
 * at a time, so that nothing after the line is taken. */
static bool read_line(const sigset_t *wait_mask, char *buf, size_t cap) {
  size_t n = 0;
  for (;;) {
    if (lbctl_stop_requested())
      return false;
    struct pollfd pfd = {.fd = STDIN_FILENO, .events = POLLIN};
    if (ppoll(&pfd, 1, NULL, wait_mask) < 0) {
      if (errno == EINTR)
        continue;
      return false;
    }
    char ch;
    ssize_t got = read(STDIN_FILENO, &ch, 1);
    if (got < 0 && (errno == EINTR || errno == EAGAIN))
      continue;
    if (got <= 0)
      return false;
    if (ch == '\n') {
      buf[n] = '\0';
      return true;
    }
    if (n + 1 < cap)
      buf[n++] = ch;
  }
}

/* Ask on the terminal until a score or an empty line comes; log it, or
 * skip the check-in. Returns the exit status. */
static int ask_and_answer(lbctl *ctl, const char *trigger, const sigset_t *wait_mask) {
  char line[64];
  tcflush(STDIN_FILENO, TCIFLUSH); /* what was typed before the question is no answer */
  for (;;) {
    fputs(PROMPT, stdout);
    fflush(stdout);
    if (!read_line(wait_mask, line, sizeof(line))) {
      printf("\nThe check-in stays due: 'lumbarctl pain checkin' answers it later.\n");
      return LBCTL_OK;
    }
    int level;
    if (line[strspn(line, " \t")] == '\0')
      return skip_checkin(ctl);
    if (parse_level(line, &level))
      return log_level(ctl, level, trigger);
    char shown[64];
    lbctl_clean_text(shown, sizeof(shown), line, strlen(line));
    printf("Not a score: '%s'. Type 0 (no pain) to 10 (the worst), or only Enter to skip.\n",
           shown);
  }
}

int lbctl_checkin_after(lbctl *ctl, const char *trigger, const sigset_t *wait_mask) {
  const msgpack_object *answer;
  int r = lbctl_checkin_query(ctl, &answer);
  if (r != LBCTL_OK || !answer || !lbc_msg_map_true(answer, "due"))
    return r;
  return ask_and_answer(ctl, trigger, wait_mask);
}

/* ---- pain checkin ------------------------------------------------------------------------ */

static int checkin_run(lbctl *ctl, const lbctl_verb *self, int argc, char **argv) {
  bool skip = false;
  const lbctl_flag flags[] = {{"--skip", NULL, NULL, &skip}, {0}};
  int r = lbctl_args(self, &argc, argv, flags, 0, 1);
  if (r != LBCTL_OK)
    return r;
  int level = -1;
  lbctl_typed_note("level", "LEVEL");
  if (argc > 1 && !parse_level(argv[1], &level))
    return lbctl_usage_error(self,
                             "LEVEL is how your back is, a whole number from 0 (no pain) to 10 "
                             "(the worst), not '%s'",
                             argv[1]);
  if (level >= 0 && skip)
    return lbctl_usage_error(self, "give a LEVEL or --skip, not both");

  sigset_t wait_mask;
  lbctl_stop_catch(&wait_mask);
  const msgpack_object *answer;
  r = checkin_call(ctl, false, false, &answer);
  if (r != LBCTL_OK)
    return r;
  bool due = lbc_msg_map_true(answer, "due");
  bool ask = level < 0 && !skip;
  char due_text[256];
  lbctl_checkin_due_text(answer, due_text, sizeof(due_text));
  if (!due || (ask && (ctl->json || !isatty(STDIN_FILENO)))) {
    if (ctl->json)
      return lbctl_print_json_result(answer);
    if (due)
      printf("%s: answer it with 'lumbarctl pain checkin LEVEL' (0-10), or skip it with "
             "--skip.\n",
             due_text);
    else if (skip)
      printf("No check-in is due: nothing to skip.\n");
    else if (level >= 0)
      printf("No check-in is due, so nothing was logged: 'lumbarctl pain log %d' logs it.\n",
             level);
    else
      printf("No check-in is due: lumbard asks at [pain] checkin (21:00 by default) and after a\n"
             "routine. 'lumbarctl pain log LEVEL' logs how your back is at any time.\n");
    return LBCTL_OK;
  }
  if (skip)
    return skip_checkin(ctl);
  if (level >= 0)
    return log_level(ctl, level, NULL);
  printf("%s.\n", due_text);
  return ask_and_answer(ctl, NULL, &wait_mask);
}

const lbctl_verb lbctl_checkin_verbs[] = {
    {
        .name = "pain checkin",
        .args = "[LEVEL] [--skip]",
        .summary = "answer the check-in lumbard has due",
        .help = "lumbard makes a check-in due every evening ([pain] checkin, 21:00 by\n"
                "default) and after a rest routine; 'lumbarctl status' says when one is.\n"
                "With LEVEL (0 no pain, 10 the worst) this logs that level; without, on a\n"
                "terminal, it asks \"How is your back now? 0-10, Enter to skip\" (again,\n"
                "with a hint, after an answer that is not a score; Ctrl-C or Ctrl-D leaves\n"
                "the check-in due). When none is due it says so and logs nothing, exit 0:\n"
                "'lumbarctl pain log LEVEL' logs how your back is at any time.\n"
                "\n"
                "  --skip   skip the check-in: it is no longer due, nothing is logged\n"
                "\n"
                "A check-in stops being due when any entry is logged, when it is skipped,\n"
                "or 12 hours after it came. After 'lumbarctl rest preset NAME --wait' (or\n"
                "'rest watch') on a terminal, lumbarctl asks as soon as the routine is done\n"
                "and logs the answer with the routine's name as its trigger.\n"
                "\n"
                "With --json nothing is asked: the answer of the last call, pain.checkin's\n"
                "{due, since, reason, message, scores} (nothing due, or no LEVEL), or\n"
                "pain.log's {id, at}.\n",
        .run = checkin_run,
    },
    {0},
};
