/* Talking to the daemon, with the messages and exit statuses users see when
 * that does not work. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "lumbarctl.h"

static const char HOW_TO_START[] =
    "Start it with 'lumbard' (or 'systemctl --user start lumbard'), or pass --socket.";

int lbctl_connect(lbctl *ctl) {
  if (ctl->client)
    return LBCTL_OK;
  char why[1024];
  int r = lbc_client_connect_err(ctl->socket, &ctl->client, why, sizeof(why));
  if (r == -EPERM) { /* another user's socket: starting lumbard is not the fix */
    fprintf(stderr, "lumbarctl: %s\n", why);
    return LBCTL_UNREACHABLE;
  }
  if (r < 0) {
    fprintf(stderr, "lumbarctl: cannot reach lumbard at %s: %s. %s\n", ctl->socket, strerror(-r),
            HOW_TO_START);
    return LBCTL_UNREACHABLE;
  }
  /* A stopped or stuck daemon is said, not waited on for ever (events, as
   * in watch and --wait, are not calls: they wait as long as they must). */
  lbc_client_set_timeout(ctl->client, LBCTL_ANSWER_TIMEOUT_S * 1000);
  return LBCTL_OK;
}

int lbctl_connection_lost(lbctl *ctl, const char *what, int err) {
  const char *why = ctl->client ? lbc_client_error_message(ctl->client) : "";
  if (!why || !*why)
    why = strerror(-err);
  if (err == -ECONNRESET || err == -EPIPE || err == -ENOTCONN)
    fprintf(stderr, "lumbarctl: %s: lost the connection to lumbard at %s: %s. %s\n", what,
            ctl->socket, why, HOW_TO_START);
  else
    fprintf(stderr, "lumbarctl: %s: cannot talk to lumbard at %s: %s\n", what, ctl->socket, why);
  return LBCTL_UNREACHABLE;
}

/* "lumbarctl: METHOD: CODE: MESSAGE" on stderr, after -EREMOTEIO. */
static void print_daemon_error(const char *method, const lbc_client *c) {
  const char *code = lbc_client_error_code(c), *message = lbc_client_error_message(c);
  if (isatty(STDERR_FILENO)) { /* wrapped between words */
    char prefix[256], said[4096];
    snprintf(prefix, sizeof(prefix), "lumbarctl: %s: %s: ", method, code);
    lbctl_clean_text(said, sizeof(said), message, strlen(message));
    char clean_prefix[256];
    lbctl_clean_text(clean_prefix, sizeof(clean_prefix), prefix, strlen(prefix));
    lbctl_put_said(stderr, clean_prefix, said);
    return;
  }
  fprintf(stderr, "lumbarctl: %s: ", method);
  lbctl_print_text(stderr, code, strlen(code));
  fputs(": ", stderr);
  lbctl_print_text(stderr, message, strlen(message));
  fputc('\n', stderr);
}

int lbctl_status(lbctl *ctl, const char *method, int r) {
  if (r == 0)
    return LBCTL_OK;
  if (r == -EREMOTEIO) {
    /* A value the person typed that the daemon refuses is a usage error,
     * said in the person's words ("--where", "LEVEL"); a refusal of the
     * request itself (not_found, conflict, ...), or of a value lumbarctl
     * cannot tie to what was typed, is the daemon's no. */
    char said[2048];
    const char *code = lbc_client_error_code(ctl->client);
    if (ctl->verb && code && strcmp(code, "invalid_params") == 0 &&
        lbctl_typed_rewrite(lbc_client_error_message(ctl->client), said, sizeof(said))) {
      char clean[2048];
      lbctl_clean_text(clean, sizeof(clean), said, strlen(said));
      return lbctl_usage_error(ctl->verb, "%s", clean);
    }
    print_daemon_error(method, ctl->client);
    return LBCTL_DAEMON_SAID_NO;
  }
  if (r == -E2BIG) {
    /* Nothing was sent: what the user asked for is too big to ask. */
    fprintf(stderr, "lumbarctl: %s: the request is over the 1 MiB limit of one message\n", method);
    return LBCTL_USAGE;
  }
  return lbctl_connection_lost(ctl, method, r);
}

int lbctl_call(lbctl *ctl, const char *method, const msgpack_sbuffer *params,
               const msgpack_object **ret_result) {
  int r = lbctl_connect(ctl);
  if (r != LBCTL_OK)
    return r;
  return lbctl_status(ctl, method,
                      lbc_client_call(ctl->client, method, params ? params->data : NULL,
                                      params ? params->size : 0, ret_result));
}

msgpack_packer *lbctl_request_start(lbctl_request *q, uint32_t nparams) {
  msgpack_sbuffer_init(&q->sb);
  msgpack_packer_init(&q->pk, &q->sb, msgpack_sbuffer_write);
  msgpack_pack_array(&q->pk, nparams);
  return &q->pk;
}

int lbctl_request_send(lbctl *ctl, lbctl_request *q, const char *method,
                       const msgpack_object **ret_result) {
  int r = lbctl_call(ctl, method, &q->sb, ret_result);
  msgpack_sbuffer_destroy(&q->sb);
  return r;
}

int lbctl_query(lbctl *ctl, const lbctl_verb *self, int argc, char **argv, const char *method,
                msgpack_object_type type, const msgpack_object **ret_result) {
  *ret_result = NULL;
  int r = lbctl_args_positionals(self, &argc, argv, 0, 0);
  if (r != LBCTL_OK)
    return r;
  const msgpack_object *result;
  r = lbctl_call(ctl, method, NULL, &result);
  if (r != LBCTL_OK)
    return r;
  if (ctl->json)
    return lbctl_print_json_result(result);
  if (result->type != type) {
    lbctl_print_value(stdout, result); /* a newer daemon's answer, shown as it is */
    return LBCTL_OK;
  }
  *ret_result = result;
  return LBCTL_OK;
}

int lbctl_call_list(lbctl *ctl, const char *method, lbc_client_list **ret_list) {
  *ret_list = NULL;
  lbc_client_list *l;
  if (lbc_client_list_new(&l) < 0) {
    fprintf(stderr, "lumbarctl: %s: out of memory\n", method);
    return 1;
  }
  int r;
  do {
    msgpack_sbuffer sb;
    msgpack_sbuffer_init(&sb);
    const msgpack_object *page;
    if ((r = lbc_client_list_params(l, &sb)) < 0) {
      msgpack_sbuffer_destroy(&sb);
      break;
    }
    int status = lbctl_call(ctl, method, &sb, &page);
    msgpack_sbuffer_destroy(&sb);
    if (status != LBCTL_OK) {
      lbc_client_list_free(l);
      return status;
    }
    r = lbc_client_list_add(l, page);
  } while (r == 1);
  if (r < 0 || !lbc_client_list_items(l)) {
    if (r == -EBADMSG)
      fprintf(stderr, "lumbarctl: %s: an answer lumbarctl cannot page through: %s\n", method,
              lbc_client_list_error(l));
    else
      fprintf(stderr, "lumbarctl: %s: out of memory\n", method);
    lbc_client_list_free(l);
    return 1; /* see main(): no status of DESIGN §7 fits */
  }
  *ret_list = l;
  return LBCTL_OK;
}

int lbctl_query_list(lbctl *ctl, const lbctl_verb *self, int argc, char **argv, const char *method,
                     lbc_client_list **ret_list) {
  *ret_list = NULL;
  int r = lbctl_args_positionals(self, &argc, argv, 0, 0);
  if (r != LBCTL_OK)
    return r;
  lbc_client_list *l;
  r = lbctl_call_list(ctl, method, &l);
  if (r != LBCTL_OK)
    return r;
  if (ctl->json) {
    r = lbctl_print_json_result(lbc_client_list_items(l));
    lbc_client_list_free(l);
    return r;
  }
  *ret_list = l;
  return LBCTL_OK;
}
