/* The wire's error codes by name, as PROTOCOL.md lists them. */
#include "lumbard/wire.h"

#include <string.h>

static const char *const code_names[] = {
    [LB_RPC_OK] = "ok",
    [LB_RPC_INVALID_PARAMS] = "invalid_params",
    [LB_RPC_NOT_FOUND] = "not_found",
    [LB_RPC_CONFLICT] = "conflict",
    [LB_RPC_INTERNAL] = "internal",
    [LB_RPC_NO_SUCH_METHOD] = "no_such_method",
    [LB_RPC_TOO_LARGE] = "too_large",
};

const char *lb_rpc_code_name(lb_rpc_code code) {
  if ((size_t)code >= sizeof(code_names) / sizeof(code_names[0]))
    return "internal";
  return code_names[code];
}

lb_rpc_code lb_rpc_code_from_name(const char *name, size_t len) {
  for (size_t i = 1; i < sizeof(code_names) / sizeof(code_names[0]); i++)
    if (strlen(code_names[i]) == len && memcmp(code_names[i], name, len) == 0)
      return (lb_rpc_code)i;
  return LB_RPC_INTERNAL;
}
