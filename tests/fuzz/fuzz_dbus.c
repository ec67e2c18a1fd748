/* D-Bus message arguments to and from lb_value (daemon/dbus_value.c), and
 * what the D-Bus export does with them: bind them to a method's declared
 * parameters (daemon/args.c), run the handler, and append the answer with
 * the declared result type.
 *
 * The input is one of two things, told apart by its first byte:
 * - a marshalled D-Bus message ('l' or 'B', its byte order), as it comes off
 *   the bus (dbus_message_demarshal validates it as libdbus does for every
 *   message it receives). Each argument is read with lbd_dbus_read; the
 *   arguments are bound to each fuzz.* method whose D-Bus signature the
 *   message has (as the export's dispatch does) and to every method
 *   regardless of signature, and the bound call dispatched; its answer is
 *   appended with the declared result type, as the export answers.
 * - otherwise a MessagePack value, as a socket client sends one (already
 *   checked by lbd_value_from_msgpack): appended as every declared type it
 *   has, as events and answers are sent on the bus.
 *
 * Checked: every message lumbard builds is one libdbus itself accepts when it
 * reads it back (the bus would drop lumbard's connection for a malformed one)
 * with the declared signature; a value appended as "any" (a variant) reads
 * back as the value it was (nil as an empty array, nil map values left out,
 * as dbus_value.h says); and what was read from the bus, appended as "any",
 * reads back unchanged. */
#include <dbus/dbus.h>
#include <errno.h>
#include <math.h>
#include <msgpack.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "args.h"
#include "call.h"
#include "daemon.h"
#include "dbus_value.h"
#include "fuzz.h"
#include "fuzz_methods.h"
#include "log.h"
#include "util.h"
#include "value.h"
#include "value_msgpack.h"

/* A message may declare 2^32 elements in six bytes, and msgpack-c asks for
 * their memory when it reads the header. Outside AddressSanitizer that costs
 * address space only (see README.md); under it, the shadow of gigabytes is
 * written, and libFuzzer reports an out-of-memory. So memory here is as on a
 * small machine: an allocation over 32 MiB (twice what a 1 MiB message can
 * need) fails, with NULL, and the daemon must take that as it takes any
 * failed allocation in msgpack-c. */
const char *__asan_default_options(void);
const char *__asan_default_options(void) {
  return "allocator_may_return_null=1:max_allocation_size_mb=32";
}

#define MAX_ARGS 64

static struct {
  bool ready;
  uv_loop_t loop;
  lbd_daemon *d;
  const lbd_core *core;
  char dir[64];
} F;

static void remove_files(void) {
  fuzz_remove_dir(F.dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc, (void)argv;
  if (F.ready)
    return 0;
  if (!getenv("LUMBARD_FUZZ_VERBOSE"))
    lbu_log_set_max_level(LBU_ERR - 1);
  /* libdbus aborts on a "check failed" (an invalid string appended, say) by
   * default anyway; say so, so that such a finding is never missed. */
  setenv("DBUS_FATAL_WARNINGS", "1", 1);
  snprintf(F.dir, sizeof(F.dir), "/tmp/lumbard-fuzz-XXXXXX");
  FUZZ_CHECK(mkdtemp(F.dir) != NULL, "mkdtemp %s: %s", F.dir, strerror(errno));
  atexit(remove_files);
  /* The daemon main() makes, serving nothing: the calls are made here. */
  char err[512];
  uv_loop_init(&F.loop);
  lbd_daemon_options o = {
      .config_text = "", .data_dir = F.dir, .socket_path = "-", .no_socket = true, .no_dbus = true};
  F.d = lbd_daemon_new(&F.loop, &o, NULL, err, sizeof(err));
  FUZZ_CHECK(F.d != NULL, "%s", err);
  F.core = lbd_daemon_core(F.d);
  fuzz_methods_register(F.core);
  F.ready = true;
  return 0;
}

/* ---- comparing values ---------------------------------------------------------- */

static bool same_number(const lb_value *a, const lb_value *b) {
  if (a->kind == LB_UINT && a->as.u > INT64_MAX)
    return b->kind == LB_UINT && b->as.u == a->as.u;
  if (b->kind == LB_UINT && b->as.u > INT64_MAX)
    return false;
  int64_t x = a->kind == LB_INT ? a->as.i : (int64_t)a->as.u;
  int64_t y = b->kind == LB_INT ? b->as.i : (int64_t)b->as.u;
  return x == y;
}

/* Values nested this deep may be cut on D-Bus (dbus_value.h): the shallowest
 * cut is a map inside 20 maps, each level costing an array, a dict entry and
 * a variant of the 64 a message may nest. */
#define CUT_DEPTH 20

/* Whether got, read back from D-Bus, is what v was when appended as "any",
 * v being depth levels down in the value appended. */
static bool equivalent(const lb_value *v, const lb_value *got, int depth) {
  if (depth >= CUT_DEPTH && (v->kind == LB_ARRAY || v->kind == LB_MAP) &&
      ((got->kind == LB_ARRAY && got->as.arr.len == 0) ||
       (got->kind == LB_MAP && got->as.map.len == 0)))
    return true;
  switch (v->kind) {
  case LB_NIL:
    return got->kind == LB_ARRAY && got->as.arr.len == 0;
  case LB_BOOL:
    return got->kind == LB_BOOL && got->as.b == v->as.b;
  case LB_INT:
  case LB_UINT:
    return (got->kind == LB_INT || got->kind == LB_UINT) && same_number(v, got);
  case LB_DOUBLE:
    return got->kind == LB_DOUBLE && (memcmp(&got->as.d, &v->as.d, sizeof(double)) == 0 ||
                                      (isnan(got->as.d) && isnan(v->as.d)));
  case LB_STR:
    return got->kind == LB_STR && got->as.str.len == v->as.str.len &&
           memcmp(got->as.str.ptr, v->as.str.ptr, v->as.str.len) == 0;
  case LB_ARRAY:
    if (got->kind != LB_ARRAY || got->as.arr.len != v->as.arr.len)
      return false;
    for (uint32_t i = 0; i < v->as.arr.len; i++)
      if (!equivalent(&v->as.arr.items[i], &got->as.arr.items[i], depth + 1))
        return false;
    return true;
  case LB_MAP: {
    if (got->kind != LB_MAP)
      return false;
    uint32_t k = 0;
    for (uint32_t i = 0; i < v->as.map.len; i++) {
      const lb_pair *p = &v->as.map.items[i];
      if (p->val.kind == LB_NIL)
        continue; /* left out */
      if (k >= got->as.map.len || strcmp(got->as.map.items[k].key, p->key) != 0 ||
          !equivalent(&p->val, &got->as.map.items[k].val, depth + 1))
        return false;
      k++;
    }
    return k == got->as.map.len;
  }
  }
  return false;
}

/* ---- building and reading back messages --------------------------------------- */

/* A message as lumbard would send it: a method return to serial 1 (libdbus
 * gives a message its own serial as it sends it). */
static DBusMessage *new_reply(void) {
  DBusMessage *m = dbus_message_new(DBUS_MESSAGE_TYPE_METHOD_RETURN);
  FUZZ_CHECK(m != NULL, "out of memory");
  dbus_message_set_reply_serial(m, 1);
  dbus_message_set_serial(m, 2);
  return m;
}

/* m marshalled and read back by libdbus, which validates it as the bus and
 * every peer would. */
static DBusMessage *reread(DBusMessage *m, const char *what) {
  char *bytes;
  int len;
  FUZZ_CHECK(dbus_message_marshal(m, &bytes, &len), "out of memory");
  DBusError e;
  dbus_error_init(&e);
  DBusMessage *back = dbus_message_demarshal(bytes, len, &e);
  FUZZ_CHECK(back != NULL, "%s: lumbard built a message libdbus refuses: %s", what, e.message);
  dbus_free(bytes);
  return back;
}

/* Every argument of m, read into the arena; the count, or -1 when one is
 * refused. */
static int read_all(lbd_arena *a, DBusMessage *m, lb_value *ret, int max) {
  DBusMessageIter it;
  int n = 0;
  if (!dbus_message_iter_init(m, &it))
    return 0;
  do {
    if (n == max)
      return n;
    char err[256] = "";
    if (lbd_dbus_read(a, &it, &ret[n], err, sizeof(err)) < 0) {
      FUZZ_CHECK(err[0] != '\0', "lbd_dbus_read refused an argument without saying why");
      return -1;
    }
    n++;
  } while (dbus_message_iter_next(&it));
  return n;
}

/* Append v as type t (with fields for maps); check the message is valid and
 * has t's signature; when t is "any", check v reads back as itself. */
static void append_as(const lb_value *v, lb_type t, const lb_field *fields, const char *what) {
  if (t == LB_T_NONE)
    return;
  DBusMessage *m = new_reply();
  DBusMessageIter it;
  dbus_message_iter_init_append(m, &it);
  FUZZ_CHECK(lbd_dbus_append(&it, t, fields, v), "%s: lbd_dbus_append failed", what);
  DBusMessage *back = reread(m, what);
  FUZZ_CHECK(strcmp(dbus_message_get_signature(back), lbd_dbus_signature(t)) == 0,
             "%s: appended as %s, the signature is '%s'", what, lbd_type_name(t),
             dbus_message_get_signature(back));
  if (t == LB_T_ANY) {
    lbd_arena a;
    lbd_arena_init(&a);
    lb_value got[1];
    char err[256] = "";
    DBusMessageIter bit;
    FUZZ_CHECK(dbus_message_iter_init(back, &bit), "%s: nothing appended", what);
    FUZZ_CHECK(lbd_dbus_read(&a, &bit, &got[0], err, sizeof(err)) == 0,
               "%s: what lumbard appended does not read back: %s", what, err);
    char d1[96], d2[96];
    lbd_value_describe(v, d1, sizeof(d1));
    lbd_value_describe(&got[0], d2, sizeof(d2));
    FUZZ_CHECK(equivalent(v, &got[0], 0), "%s: appended %s as a variant, read back %s", what, d1,
               d2);
    lbd_arena_free(&a);
  }
  dbus_message_unref(back);
  dbus_message_unref(m);
}

/* ---- a call, as the D-Bus export makes one --------------------------------------- */

static void answer(void *ctx, const lb_call *call, const lb_value *result, lb_rpc_code code,
                   const char *message) {
  (void)ctx;
  const lbd_method_entry *m = lbd_call_method(call);
  if (code == LB_RPC_OK) {
    append_as(result, m->decl->result, m->decl->result_fields, m->name);
  } else {
    FUZZ_CHECK(message && message[0], "%s failed without a message", m->name);
    /* The message becomes a D-Bus error's text: a string libdbus must take. */
    lb_value text = lb_v_str(message);
    append_as(&text, LB_T_STRING, NULL, "an error message");
  }
}

static void signature_of(const lbd_method_entry *m, char *buf, size_t len) {
  size_t off = 0;
  buf[0] = '\0';
  for (uint32_t k = 0; k < m->n_params; k++)
    off +=
        (size_t)snprintf(buf + off, len - off, "%s", lbd_dbus_signature(m->decl->params[k].type));
  if (m->n_options)
    snprintf(buf + off, len - off, "a{sv}");
}

static void call(const lbd_method_entry *m, const lb_value *given, uint32_t n) {
  lbd_call_origin o = {.answer = answer, .wants_reply = true};
  lb_call *c = lbd_call_new(F.core->calls, m, &o);
  lb_value *copy = lbd_arena_alloc(lbd_call_arena(c), sizeof(lb_value) * (n ? n : 1));
  for (uint32_t i = 0; i < n; i++)
    copy[i] = lbd_value_copy(lbd_call_arena(c), &given[i]);
  lbd_call_dispatch(c, copy, n);
  /* Deferred answers come from timers a few ms away. */
  while (fuzz_methods_deferred() > 0)
    uv_run(&F.loop, UV_RUN_ONCE);
  FUZZ_CHECK(lbd_calls_pending(F.core->calls) == 0, "%s was never answered", m->name);
}

static void from_dbus(const uint8_t *data, size_t size) {
  DBusError e;
  dbus_error_init(&e);
  DBusMessage *msg = dbus_message_demarshal((const char *)data, (int)size, &e);
  if (!msg) {
    dbus_error_free(&e);
    return;
  }
  lbd_arena a;
  lbd_arena_init(&a);
  lb_value args[MAX_ARGS];
  int n = read_all(&a, msg, args, MAX_ARGS);
  if (n >= 0) {
    const char *sig = dbus_message_get_signature(msg);
    for (int i = 0; i < n; i++)
      append_as(&args[i], LB_T_ANY, NULL, "an argument read from the bus");
    for (size_t i = 0; i < fuzz_methods_count(); i++) {
      char name[64], want[256];
      snprintf(name, sizeof(name), "fuzz.%s", fuzz_method_at(i)->name);
      const lbd_method_entry *m = lbd_registry_method(F.core->registry, name, strlen(name));
      signature_of(m, want, sizeof(want));
      /* As the export: only a call with the declared signature is bound. Then
       * as if it had been, so that binding meets every kind of value. */
      uint32_t k = m->n_params + (m->n_options ? 1 : 0);
      if (strcmp(sig, want) == 0 && (uint32_t)n == k)
        call(m, args, k);
      call(m, args, (uint32_t)n < k ? (uint32_t)n : k);
    }
  }
  lbd_arena_free(&a);
  dbus_message_unref(msg);
}

/* ---- a value from a socket client, sent on the bus -------------------------------- */

static void from_msgpack(const uint8_t *data, size_t size) {
  msgpack_unpacked u;
  msgpack_unpacked_init(&u);
  size_t off = 0;
  if (msgpack_unpack_next(&u, (const char *)data, size, &off) != MSGPACK_UNPACK_SUCCESS) {
    msgpack_unpacked_destroy(&u);
    return;
  }
  lbd_arena a;
  lbd_arena_init(&a);
  lb_value v;
  char err[256];
  if (lbd_value_from_msgpack(&a, &u.data, &v, err, sizeof(err)) == 0) {
    static const lb_type all[] = {LB_T_ANY,    LB_T_BOOL,   LB_T_INT,      LB_T_UINT, LB_T_U64,
                                  LB_T_DOUBLE, LB_T_STRING, LB_T_DURATION, LB_T_TIME, LB_T_STRINGS,
                                  LB_T_MAP,    LB_T_MAPS,   LB_T_INTS};
    for (size_t i = 0; i < LBU_ARRAY_SIZE(all); i++) {
      char why[256];
      /* Only what a plugin could send: a value of the declared type. */
      if (lbd_value_has_type(&v, all[i], why, sizeof(why)))
        append_as(&v, all[i], NULL, "a value from a socket client");
    }
  }
  lbd_arena_free(&a);
  msgpack_unpacked_destroy(&u);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  LLVMFuzzerInitialize(NULL, NULL);
  if (size > 0 && (data[0] == 'l' || data[0] == 'B'))
    from_dbus(data, size);
  else
    from_msgpack(data, size);
  return 0;
}
