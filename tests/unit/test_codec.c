/* The wire codec: packing, the validator's words, msgid peeking, and a
 * message arriving a byte at a time. */
#include <errno.h>
#include <lumbard/rpc.h>

#include "check.h"

typedef struct packed {
  msgpack_sbuffer sb;
  msgpack_packer pk;
} packed;

static void packed_init(packed *p) {
  msgpack_sbuffer_init(&p->sb);
  msgpack_packer_init(&p->pk, &p->sb, msgpack_sbuffer_write);
}

/* Unpack p and run the validator; returns its result, err filled. */
static int parse(packed *p, lb_rpc_msg *msg, char *err, size_t errlen, msgpack_unpacked *u) {
  msgpack_unpacked_init(u);
  size_t off = 0;
  if (msgpack_unpack_next(u, p->sb.data, p->sb.size, &off) != MSGPACK_UNPACK_SUCCESS)
    return -999;
  return lb_rpc_parse(&u->data, msg, err, errlen);
}

TEST(request_round_trip) {
  packed p;
  packed_init(&p);
  lb_rpc_pack_request(&p.pk, 4000000000u, "rest.start", 2);
  msgpack_pack_int(&p.pk, 90);
  msgpack_pack_map(&p.pk, 0);
  lb_rpc_msg m;
  char err[256];
  msgpack_unpacked u;
  CHECK_INT(parse(&p, &m, err, sizeof(err), &u), 0);
  CHECK_INT(m.type, LB_RPC_REQUEST);
  CHECK_INT(m.msgid, 4000000000u);
  CHECK(m.method_len == 10 && memcmp(m.method, "rest.start", 10) == 0, "method %.*s",
        (int)m.method_len, m.method);
  CHECK_INT(m.params->via.array.size, 2);
  msgpack_unpacked_destroy(&u);
  msgpack_sbuffer_destroy(&p.sb);
}

TEST(response_and_notification_round_trip) {
  packed p;
  packed_init(&p);
  lb_rpc_pack_response_error(&p.pk, 7, LB_RPC_NOT_FOUND, "no rest 12");
  lb_rpc_msg m;
  char err[256];
  msgpack_unpacked u;
  CHECK_INT(parse(&p, &m, err, sizeof(err), &u), 0);
  CHECK_INT(m.type, LB_RPC_RESPONSE);
  CHECK_INT(m.msgid, 7);
  CHECK_INT(m.error->type, MSGPACK_OBJECT_MAP);
  const msgpack_object_kv *kv = m.error->via.map.ptr;
  CHECK(kv[0].val.via.str.size == 9 && !memcmp(kv[0].val.via.str.ptr, "not_found", 9),
        "expected code not_found, got %.*s", (int)kv[0].val.via.str.size, kv[0].val.via.str.ptr);
  msgpack_unpacked_destroy(&u);
  msgpack_sbuffer_clear(&p.sb);

  lb_rpc_pack_notification(&p.pk, "rest.finished", 1);
  msgpack_pack_map(&p.pk, 0);
  CHECK_INT(parse(&p, &m, err, sizeof(err), &u), 0);
  CHECK_INT(m.type, LB_RPC_NOTIFICATION);
  CHECK_INT(m.params->via.array.size, 1);
  msgpack_unpacked_destroy(&u);
  msgpack_sbuffer_destroy(&p.sb);
}

/* Each malformed shape is refused with words naming what is wrong. */
TEST(validator_names_the_problem) {
  struct {
    const char *want;
    int has_msgid;
  } expect[] = {
      {"a message must be an array", 0},
      {"got an empty array", 0},
      {"its type: 0 (request)", 0},
      {"a request must be [0, msgid, method, params], got 3 elements", 1},
      {"msgid must be an unsigned 32-bit integer, got a string", 0},
      {"method must be a string, got an integer", 1},
      {"params must be an array, got a map", 1},
      {"a response must be [1, msgid, error, result]", 0},
      {"a notification must be [2, method, params]", 0},
      {"a notification's params must be an array, got nil", 0},
  };
  for (size_t i = 0; i < sizeof(expect) / sizeof(expect[0]); i++) {
    packed p;
    packed_init(&p);
    msgpack_packer *pk = &p.pk;
    switch (i) {
    case 0:
      lb_rpc_pack_str(pk, "hello");
      break;
    case 1:
      msgpack_pack_array(pk, 0);
      break;
    case 2:
      msgpack_pack_array(pk, 2), msgpack_pack_int(pk, 9), msgpack_pack_int(pk, 1);
      break;
    case 3:
      msgpack_pack_array(pk, 3), msgpack_pack_int(pk, 0), msgpack_pack_int(pk, 5);
      lb_rpc_pack_str(pk, "daemon.ping");
      break;
    case 4:
      msgpack_pack_array(pk, 4), msgpack_pack_int(pk, 0), lb_rpc_pack_str(pk, "1");
      lb_rpc_pack_str(pk, "daemon.ping"), msgpack_pack_array(pk, 0);
      break;
    case 5:
      msgpack_pack_array(pk, 4), msgpack_pack_int(pk, 0), msgpack_pack_int(pk, 5);
      msgpack_pack_int(pk, 3), msgpack_pack_array(pk, 0);
      break;
    case 6:
      msgpack_pack_array(pk, 4), msgpack_pack_int(pk, 0), msgpack_pack_int(pk, 5);
      lb_rpc_pack_str(pk, "daemon.ping"), msgpack_pack_map(pk, 0);
      break;
    case 7:
      msgpack_pack_array(pk, 2), msgpack_pack_int(pk, 1), msgpack_pack_int(pk, 5);
      break;
    case 8:
      msgpack_pack_array(pk, 4), msgpack_pack_int(pk, 2), lb_rpc_pack_str(pk, "x");
      msgpack_pack_array(pk, 0), msgpack_pack_nil(pk);
      break;
    case 9:
      msgpack_pack_array(pk, 3), msgpack_pack_int(pk, 2), lb_rpc_pack_str(pk, "x");
      msgpack_pack_nil(pk);
      break;
    }
    lb_rpc_msg m;
    char err[256] = "";
    msgpack_unpacked u;
    CHECK_INT(parse(&p, &m, err, sizeof(err), &u), -EBADMSG);
    CHECK_CONTAINS(err, expect[i].want);
    CHECK(m.has_msgid == expect[i].has_msgid, "case %zu: has_msgid %d, expected %d", i, m.has_msgid,
          expect[i].has_msgid);
    if (expect[i].has_msgid)
      CHECK_INT(m.msgid, 5);
    msgpack_unpacked_destroy(&u);
    msgpack_sbuffer_destroy(&p.sb);
  }
}

TEST(peek_msgid_every_encoding) {
  static const struct {
    unsigned char bytes[16];
    size_t len;
    int ok;
    uint32_t id;
  } cases[] = {
      {{0x94, 0x00, 0x05}, 3, 1, 5},
      {{0x94, 0x00, 0xcc, 0xfe}, 4, 1, 254},
      {{0x94, 0x00, 0xcd, 0x12, 0x34}, 5, 1, 0x1234},
      {{0x94, 0x00, 0xce, 0xde, 0xad, 0xbe, 0xef}, 7, 1, 0xdeadbeef},
      {{0x94, 0x00, 0xcf, 0, 0, 0, 0, 0, 0, 0, 9}, 11, 1, 9},
      {{0x94, 0x00, 0xcf, 0, 0, 0, 1, 0, 0, 0, 0}, 11, 0, 0}, /* over 32 bits */
      {{0xdc, 0x00, 0x04, 0x00, 0x2a}, 5, 1, 42},             /* array16 */
      {{0x94, 0x01, 0x05}, 3, 0, 0},                          /* a response */
      {{0x93, 0x00, 0x05}, 3, 0, 0},                          /* three elements */
      {{0x94, 0x00, 0xce, 0xde}, 4, 0, 0},                    /* cut short */
      {{0x94}, 1, 0, 0},
      {{0}, 0, 0, 0},
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    uint32_t id = 0;
    bool ok = lb_rpc_peek_msgid(cases[i].bytes, cases[i].len, &id);
    CHECK(ok == cases[i].ok, "case %zu: expected %s, got %s", i, cases[i].ok ? "a msgid" : "none",
          ok ? "a msgid" : "none");
    if (ok && cases[i].ok)
      CHECK(id == cases[i].id, "case %zu: expected msgid %u, got %u", i, cases[i].id, id);
  }
}

TEST(code_names_round_trip) {
  for (int c = LB_RPC_INVALID_PARAMS; c <= LB_RPC_TOO_LARGE; c++) {
    const char *name = lb_rpc_code_name((lb_rpc_code)c);
    CHECK_INT(lb_rpc_code_from_name(name, strlen(name)), c);
  }
  CHECK_STR(lb_rpc_code_name(LB_RPC_TOO_LARGE), "too_large");
  CHECK_STR(lb_rpc_code_name(LB_RPC_NO_SUCH_METHOD), "no_such_method");
  CHECK_INT(lb_rpc_code_from_name("bogus", 5), LB_RPC_INTERNAL);
}

/* The daemon feeds its unpacker whatever a read delivered: a message cut
 * into single bytes must come out whole, once. */
TEST(streaming_byte_by_byte) {
  packed p;
  packed_init(&p);
  for (uint32_t id = 1; id <= 3; id++) {
    lb_rpc_pack_request(&p.pk, id, "daemon.ping", 0);
  }
  msgpack_unpacker un;
  msgpack_unpacker_init(&un, 64);
  msgpack_unpacked u;
  msgpack_unpacked_init(&u);
  int messages = 0;
  for (size_t i = 0; i < p.sb.size; i++) {
    msgpack_unpacker_reserve_buffer(&un, 1);
    memcpy(msgpack_unpacker_buffer(&un), p.sb.data + i, 1);
    msgpack_unpacker_buffer_consumed(&un, 1);
    msgpack_unpack_return r;
    while ((r = msgpack_unpacker_next(&un, &u)) == MSGPACK_UNPACK_SUCCESS) {
      lb_rpc_msg m;
      char err[128];
      CHECK_INT(lb_rpc_parse(&u.data, &m, err, sizeof(err)), 0);
      CHECK_INT(m.msgid, messages + 1);
      messages++;
    }
    CHECK_INT(r, MSGPACK_UNPACK_CONTINUE);
  }
  CHECK_INT(messages, 3);
  msgpack_unpacked_destroy(&u);
  msgpack_unpacker_destroy(&un);
  msgpack_sbuffer_destroy(&p.sb);
}

RUN_TESTS(T(request_round_trip), T(response_and_notification_round_trip),
          T(validator_names_the_problem), T(peek_msgid_every_encoding), T(code_names_round_trip),
          T(streaming_byte_by_byte))
