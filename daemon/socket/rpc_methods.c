/* The socket's own methods: daemon.subscribe and daemon.unsubscribe. A
 * subscription is a connection's, so they are declared for the socket alone
 * (D-Bus clients listen to signals) and run on the connection the call came
 * on, the call's session. */
#include <lumbard/rpc.h>

#include "call.h"
#include "log.h"
#include "rpc_conn.h"
#include "rpc_server.h"
#include "util.h"

#define MAX_PATTERNS 64
#define MAX_PATTERN_LEN 128

const char lbd_rpc_transport[] = "socket";

static void reply_patterns(lb_call *call, lbd_rpc_conn *c) {
  size_t n = lbd_rpc_conn_n_patterns(c);
  lb_value *items = lbd_arena_alloc(lbd_call_arena(call), sizeof(lb_value) * n);
  for (size_t i = 0; i < n; i++)
    items[i] = lb_v_str(lbd_rpc_conn_pattern(c, i));
  lb_value v = lb_v_array(items, n);
  lbd_call_reply(call, &v);
}

/* Declared for the socket alone, so only the socket dispatches them; a
 * call made any other way is refused all the same. */
static lbd_rpc_conn *socket_client(lb_call *call) {
  const lbd_call_origin *o = lbd_call_origin_of(call);
  if (o->transport != lbd_rpc_transport) {
    lbd_call_fail(call, LB_RPC_INVALID_PARAMS,
                  "subscriptions are for socket clients; on D-Bus, listen to the signals instead");
    return NULL;
  }
  return o->session;
}

static void subscribe(lb_call *call, const lb_value *args, void *ud) {
  (void)ud;
  lbd_rpc_conn *c = socket_client(call);
  if (!c)
    return;
  const lb_value *pats = &args[0];
  if (pats->as.arr.len == 0) {
    lbd_call_fail(call, LB_RPC_INVALID_PARAMS,
                  "give at least one pattern: [\"*\"] for every event, or names such as "
                  "\"rest.*\" and \"pain.logged\"");
    return;
  }
  for (uint32_t i = 0; i < pats->as.arr.len; i++) {
    const lb_value *p = &pats->as.arr.items[i];
    if (p->as.str.len == 0 || p->as.str.len > MAX_PATTERN_LEN) {
      lbd_call_fail(call, LB_RPC_INVALID_PARAMS, "pattern %u is empty or longer than %d characters",
                    i + 1, MAX_PATTERN_LEN);
      return;
    }
  }
  if (lbd_rpc_conn_n_patterns(c) + pats->as.arr.len > MAX_PATTERNS) {
    lbd_call_fail(call, LB_RPC_INVALID_PARAMS,
                  "at most %d patterns per connection; unsubscribe some, or use a wider glob",
                  MAX_PATTERNS);
    return;
  }
  for (uint32_t i = 0; i < pats->as.arr.len; i++)
    lbd_rpc_conn_subscribe(c, pats->as.arr.items[i].as.str.ptr);
  reply_patterns(call, c);
}

static void unsubscribe(lb_call *call, const lb_value *args, void *ud) {
  (void)ud;
  lbd_rpc_conn *c = socket_client(call);
  if (!c)
    return;
  if (lb_is_nil(&args[0]))
    lbd_rpc_conn_unsubscribe(c, NULL);
  else
    for (uint32_t i = 0; i < args[0].as.arr.len; i++)
      lbd_rpc_conn_unsubscribe(c, args[0].as.arr.items[i].as.str.ptr);
  reply_patterns(call, c);
}

static const lb_param subscribe_params[] = {
    {.name = "patterns", .type = LB_T_STRINGS, .doc = "globs over event names: \"*\", \"rest.*\""},
    {0}};
static const lb_param unsubscribe_params[] = {{.name = "patterns",
                                               .type = LB_T_STRINGS,
                                               .optional = true,
                                               .doc = "the patterns to drop; all when omitted"},
                                              {0}};

static lb_method methods[] = {
    {.name = "subscribe",
     .doc = "Send this connection each event whose name matches a pattern, as a notification "
            "[2, name, [fields]]. Answers the connection's patterns.",
     .params = subscribe_params,
     .result = LB_T_STRINGS,
     .handler = subscribe},
    {.name = "unsubscribe",
     .doc = "Stop sending the events of these patterns (all when omitted). Answers the patterns "
            "left.",
     .params = unsubscribe_params,
     .result = LB_T_STRINGS,
     .handler = unsubscribe},
};

int lbd_rpc_methods_register(const lbd_core *core) {
  char err[256];
  for (size_t i = 0; i < LBU_ARRAY_SIZE(methods); i++) {
    int r = lbd_registry_add_transport_method(core->registry, lbd_rpc_transport, &methods[i], err,
                                              sizeof(err));
    if (r < 0) {
      lbu_err("socket method: %s", err);
      return r;
    }
  }
  return 0;
}
