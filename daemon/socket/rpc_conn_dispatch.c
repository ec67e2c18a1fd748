/* A connection's messages: each checked for its shape, looked up, bound to
 * its method's arguments and called; each call's answer packed into the
 * connection's output. */
#include <stdio.h>
#include <string.h>

#include "args.h"
#include "call.h"
#include "log.h"
#include "plugin_host.h"
#include "rpc_conn_private.h"
#include "util.h"
#include "value.h"
#include "value_msgpack.h"

void lbd_rpc_conn_send_error(lbd_rpc_conn *c, uint32_t msgid, const msgpack_object *msgid_obj,
                             lb_rpc_code code, const char *message) {
  if (c->closing)
    return;
  lbd_buf *b = lbd_rpc_conn_out(c);
  size_t start = b->len;
  msgpack_packer pk;
  msgpack_packer_init(&pk, b, lbd_buf_write);
  if (msgid_obj)
    lb_rpc_pack_response_error_id(&pk, msgid_obj, code, message);
  else
    lb_rpc_pack_response_error(&pk, msgid, code, message);
  lbd_rpc_conn_queued(c, b->len - start);
}

static bool has_option(const lbd_method_entry *m, const char *name) {
  for (uint32_t i = 0; i < m->n_options; i++)
    if (strcmp(m->decl->options[i].name, name) == 0)
      return true;
  return false;
}

/* Advice a client can follow with what the method takes. */
static const char *how_to_ask_for_less(const lbd_method_entry *m) {
  if (has_option(m, "limit") && has_option(m, "after"))
    return "ask for it in pages: {\"limit\": 1000}, then {\"limit\": 1000, \"after\": the last "
           "id} until a page is shorter";
  if (has_option(m, "since") && has_option(m, "limit"))
    return "ask for less: a shorter time range (since, until) or a smaller limit";
  if (has_option(m, "since"))
    return "ask for less: a shorter time range (since, until)";
  if (has_option(m, "limit"))
    return "ask for less: a smaller limit";
  return "this method cannot answer in pieces; tell lumbard's developers";
}

static void answer(void *ctx, const lb_call *call, const lb_value *result, lb_rpc_code code,
                   const char *message) {
  lbd_rpc_conn *c = ctx;
  const lbd_call_origin *o = lbd_call_origin_of(call);
  if (!o->wants_reply) {
    if (code != LB_RPC_OK)
      lbu_debug("client %llu: notification %s failed: %s", (unsigned long long)c->id,
                lbd_call_method(call)->name, message);
  } else if (!c->closing) {
    /* Packed straight into the connection's output, written at the end of
     * the loop turn with whatever else the turn answered. */
    lbd_buf *b = lbd_rpc_conn_out(c);
    size_t start = b->len;
    msgpack_packer pk;
    msgpack_packer_init(&pk, b, lbd_buf_write);
    if (code == LB_RPC_OK) {
      lb_rpc_pack_response_ok(&pk, o->msgid);
      lbd_value_pack(&pk, result);
    } else {
      lb_rpc_pack_response_error(&pk, o->msgid, code, message);
    }
    if (b->len - start > LB_RPC_MAX_MESSAGE) {
      char msg[512];
      const lbd_method_entry *m = lbd_call_method(call);
      snprintf(msg, sizeof(msg),
               "the answer of %s would be %zu bytes, over the 1 MiB limit of one message; %s",
               m->name, b->len - start, how_to_ask_for_less(m));
      b->len = start;
      lb_rpc_pack_response_error(&pk, o->msgid, LB_RPC_TOO_LARGE, msg);
    }
    lbd_rpc_conn_queued(c, b->len - start);
  }
  lbd_rpc_conn_unref(c);
}

static void dispatch(lbd_rpc_conn *c, const lb_rpc_msg *msg) {
  const lbd_core *d = lbd_rpc_server_core(c->server);
  bool wants_reply = msg->type == LB_RPC_REQUEST;
  const lbd_method_entry *m = c->last_method;
  unsigned generation = lbd_registry_generation(d->registry);
  if (!m || c->last_generation != generation || c->last_len != msg->method_len ||
      !msg->method_len || memcmp(m->name, msg->method, msg->method_len) != 0) {
    m = lbd_registry_method(d->registry, msg->method, msg->method_len);
    c->last_method = m;
    c->last_len = msg->method_len;
    c->last_generation = generation;
  }
  if (!m && msg->method_len > 0 &&
      (memchr(msg->method, '\0', msg->method_len) ||
       !lbu_utf8_valid(msg->method, msg->method_len))) {
    /* Not a name any method can have: say what is wrong with it, with its
     * bytes escaped (a NUL would cut it short, 0xff is no text). */
    char name[256], text[512];
    lbd_args_escape(msg->method, msg->method_len, name, sizeof(name));
    snprintf(text, sizeof(text), "the method name \"%s\" %s; a method name is \"plugin.method\"",
             name,
             memchr(msg->method, '\0', msg->method_len) ? "holds a NUL byte (\\x00)"
                                                        : "is not valid UTF-8");
    if (wants_reply)
      lbd_rpc_conn_send_error(c, msg->msgid, NULL, LB_RPC_INVALID_PARAMS, text);
    else
      lbu_debug("client %llu: %s", (unsigned long long)c->id, text);
    return;
  }
  if (!m) {
    char text[1024];
    char why[768];
    const char *dot = msg->method_len ? memchr(msg->method, '.', msg->method_len) : NULL;
    if (dot && lbd_plugins_why_missing(d->plugins, msg->method, (size_t)(dot - msg->method), why,
                                       sizeof(why)))
      snprintf(text, sizeof(text), "no method \"%.*s\": %s",
               (int)(msg->method_len > 100 ? 100 : msg->method_len), msg->method, why);
    else
      snprintf(text, sizeof(text),
               "no method \"%.*s\"; `lumbarctl plugins` lists the methods this daemon serves",
               (int)(msg->method_len > 100 ? 100 : msg->method_len), msg->method);
    lbu_utf8_scrub(text); /* the name is the client's bytes, cut anywhere */
    if (wants_reply)
      lbd_rpc_conn_send_error(c, msg->msgid, NULL, LB_RPC_NO_SUCH_METHOD, text);
    else
      lbu_debug("client %llu: %s", (unsigned long long)c->id, text);
    return;
  }
  lbd_call_origin o = {.answer = answer,
                       .ctx = c,
                       .msgid = msg->msgid,
                       .wants_reply = wants_reply,
                       .transport = lbd_rpc_transport,
                       .session = c};
  lbd_rpc_conn_ref(c); /* released by answer() */
  lb_call *call = lbd_call_new(d->calls, m, &o);
  lb_value params = {0}; /* [] (daemon.ping, most calls) needs no decoding */
  char err[512];
  if (msg->params->via.array.size > 0 &&
      lbd_value_args_from_msgpack(lbd_call_arena(call), m, msg->params, &params, err, sizeof(err)) <
          0) {
    lbd_call_fail(call, LB_RPC_INVALID_PARAMS, "%s", err);
    return;
  }
  lbd_call_dispatch(call, params.as.arr.items, params.as.arr.len);
}

void lbd_rpc_conn_handle(lbd_rpc_conn *c, const msgpack_object *o) {
  lb_rpc_msg msg;
  char err[256];
  int r = lb_rpc_parse(o, &msg, err, sizeof(err));
  if (r == -ERANGE) { /* a request of the right shape: refuse it alone */
    if (msg.type == LB_RPC_REQUEST)
      lbd_rpc_conn_send_error(c, 0, msg.msgid_obj, LB_RPC_INVALID_PARAMS, err);
    return;
  }
  if (r < 0) {
    lbu_warn("client %llu (pid %d) sent a malformed message (%s); closing its connection",
             (unsigned long long)c->id, (int)c->pid, err);
    if (msg.msgid_obj) {
      char text[400];
      snprintf(text, sizeof(text), "malformed message: %s; closing the connection", err);
      lbd_rpc_conn_send_error(c, msg.msgid, msg.msgid_obj, LB_RPC_INVALID_PARAMS, text);
    }
    lbd_rpc_conn_close(c, NULL);
    return;
  }
  if (msg.type == LB_RPC_RESPONSE) {
    lbu_debug("client %llu sent a response to msgid %u; lumbard sends no requests, ignored",
              (unsigned long long)c->id, msg.msgid);
    return;
  }
  dispatch(c, &msg);
}
