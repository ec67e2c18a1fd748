/* Ctrl-C and SIGTERM for the verbs that wait (watch, rest --wait, the
 * check-in's prompt): a stop they see between two waits, never one lost
 * before a wait begins. */
#include <signal.h>

#include "lumbarctl.h"

static volatile sig_atomic_t stop_signal;

static void on_stop(int sig) {
  stop_signal = sig;
}

void lbctl_stop_catch(sigset_t *ret_wait_mask) {
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGINT);
  sigaddset(&stop, SIGTERM);
  sigprocmask(SIG_BLOCK, &stop, ret_wait_mask);
  sigdelset(ret_wait_mask, SIGINT);
  sigdelset(ret_wait_mask, SIGTERM);
  struct sigaction sa = {.sa_handler = on_stop}; /* no SA_RESTART: the wait must end */
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);
}

bool lbctl_stop_requested(void) {
  return stop_signal != 0;
}
