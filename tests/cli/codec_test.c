/* The client codec on its own: requests out, byte streams in, in every
 * split, and the limits. */
#include <errno.h>
#include <lumbard/client_codec.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h" /* tests/unit/check.h */

static int sb_write(void *data, const char *buf, size_t len) {
  return msgpack_sbuffer_write(data, buf, len);
}

static void packer(msgpack_sbuffer *sb, msgpack_packer *pk) {
  msgpack_sbuffer_init(sb);
  msgpack_packer_init(pk, sb, sb_write);
}

static void pack_response_ok_str(msgpack_packer *pk, uint32_t msgid, const char *s) {
  lb_rpc_pack_response_ok(pk, msgid);
  lb_rpc_pack_str(pk, s);
}

static void pack_event(msgpack_packer *pk, const char *name, uint64_t id) {
  lb_rpc_pack_notification(pk, name, 1);
  msgpack_pack_map(pk, 1);
  lb_rpc_pack_str(pk, "id");
  msgpack_pack_uint64(pk, id);
}

static lbc_client_codec *new_codec(void) {
  lbc_client_codec *c;
  if (lbc_client_codec_new(&c) < 0) {
    fprintf(stderr, "cannot make a codec\n");
    exit(1);
  }
  return c;
}

static void test_requests(void) {
  lbc_client_codec *c = new_codec();
  msgpack_sbuffer out, params;
  msgpack_packer pk;
  uint32_t id1, id2;

  msgpack_sbuffer_init(&out);
  CHECK_INT(lbc_client_codec_pack_request(c, &out, "daemon.ping", NULL, 0, &id1), 0);
  packer(&params, &pk);
  msgpack_pack_array(&pk, 2);
  msgpack_pack_int(&pk, 90);
  lb_rpc_pack_str(&pk, "x");
  CHECK_INT(lbc_client_codec_pack_request(c, &out, "rest.start", params.data, params.size, &id2),
            0);
  CHECK(id2 == id1 + 1, "msgids should count up: %u then %u", id1, id2);

  /* What went out reads back as two requests. */
  msgpack_unpacked u;
  msgpack_unpacked_init(&u);
  size_t off = 0;
  lb_rpc_msg m;
  char err[256];
  CHECK_INT(msgpack_unpack_next(&u, out.data, out.size, &off), MSGPACK_UNPACK_SUCCESS);
  CHECK_INT(lb_rpc_parse(&u.data, &m, err, sizeof(err)), 0);
  CHECK_INT(m.type, LB_RPC_REQUEST);
  CHECK_INT(m.msgid, id1);
  CHECK(m.method_len == 11 && memcmp(m.method, "daemon.ping", 11) == 0, "method of request 1");
  CHECK_INT(m.params->via.array.size, 0);
  CHECK_INT(msgpack_unpack_next(&u, out.data, out.size, &off), MSGPACK_UNPACK_SUCCESS);
  CHECK_INT(lb_rpc_parse(&u.data, &m, err, sizeof(err)), 0);
  CHECK_INT(m.msgid, id2);
  CHECK_INT(m.params->via.array.size, 2);
  CHECK_INT(m.params->via.array.ptr[0].via.u64, 90);
  CHECK_INT(off, out.size);
  msgpack_unpacked_destroy(&u);

  /* Params that are not exactly one array never reach the stream. */
  size_t before = out.size;
  CHECK_INT(lbc_client_codec_pack_request(c, &out, "x.y", "\x01", 1, NULL), -EINVAL);
  CHECK_INT(lbc_client_codec_pack_request(c, &out, "x.y", "\x90\x90", 2, NULL), -EINVAL);
  CHECK_INT(lbc_client_codec_pack_request(c, &out, "x.y", "\x92\x01", 2, NULL), -EINVAL);
  CHECK_INT(lbc_client_codec_pack_request(c, &out, "", NULL, 0, NULL), -EINVAL);
  CHECK_INT(out.size, before);

  /* A request over 1 MiB is refused before it is sent. */
  msgpack_sbuffer_clear(&params);
  msgpack_pack_array(&pk, 1);
  msgpack_pack_bin(&pk, LB_RPC_MAX_MESSAGE);
  char *big = calloc(1, LB_RPC_MAX_MESSAGE);
  msgpack_pack_bin_body(&pk, big, LB_RPC_MAX_MESSAGE);
  free(big);
  CHECK_INT(lbc_client_codec_pack_request(c, &out, "x.y", params.data, params.size, NULL), -E2BIG);
  CHECK_INT(out.size, before);

  msgpack_sbuffer_destroy(&params);
  msgpack_sbuffer_destroy(&out);
  lbc_client_codec_free(c);
}

/* A stream of response, event, error response, fed in pieces of every size
 * from 1 byte to the whole: the same three messages come out each time. */
static void test_stream_splits(void) {
  msgpack_sbuffer sb;
  msgpack_packer pk;
  packer(&sb, &pk);
  pack_response_ok_str(&pk, 7, "pong");
  pack_event(&pk, "rest.finished", 42);
  lb_rpc_pack_response_error(&pk, 8, LB_RPC_NOT_FOUND, "no rest 9");

  for (size_t piece = 1; piece <= sb.size; piece++) {
    lbc_client_codec *c = new_codec();
    lbc_client_msg *got[3] = {0};
    int n = 0;
    for (size_t off = 0; off < sb.size; off += piece) {
      size_t len = sb.size - off < piece ? sb.size - off : piece;
      CHECK_INT(lbc_client_codec_feed(c, sb.data + off, len), 0);
      lbc_client_msg *m;
      int r;
      while ((r = lbc_client_codec_next(c, &m)) == 1) {
        if (n < 3)
          got[n] = m;
        else
          lbc_client_msg_free(m);
        n++;
      }
      CHECK(r == 0, "piece %zu: next returned %d (%s)", piece, r, lbc_client_codec_error(c));
    }
    /* The messages own their memory: they outlive the codec. */
    lbc_client_codec_free(c);
    CHECK(n == 3, "piece %zu: expected 3 messages, got %d", piece, n);
    if (n == 3) {
      CHECK_INT(lbc_client_msg_type(got[0]), LB_RPC_RESPONSE);
      CHECK_INT(lbc_client_msg_msgid(got[0]), 7);
      const msgpack_object *res = lbc_client_msg_result(got[0]);
      CHECK(res && res->type == MSGPACK_OBJECT_STR && res->via.str.size == 4 &&
                memcmp(res->via.str.ptr, "pong", 4) == 0,
            "piece %zu: the result should be \"pong\"", piece);
      CHECK(lbc_client_msg_error_code(got[0]) == NULL, "no error on a success");

      CHECK_INT(lbc_client_msg_type(got[1]), LB_RPC_NOTIFICATION);
      CHECK_STR(lbc_client_msg_method(got[1]), "rest.finished");
      const msgpack_object *p = lbc_client_msg_params(got[1]);
      CHECK(p && p->type == MSGPACK_OBJECT_ARRAY && p->via.array.size == 1 &&
                p->via.array.ptr[0].type == MSGPACK_OBJECT_MAP &&
                p->via.array.ptr[0].via.map.ptr[0].val.via.u64 == 42,
            "piece %zu: the event's fields should be {id: 42}", piece);

      CHECK_INT(lbc_client_msg_msgid(got[2]), 8);
      CHECK(lbc_client_msg_result(got[2]) == NULL, "an error response has no result");
      CHECK_STR(lbc_client_msg_error_code(got[2]), "not_found");
      CHECK_STR(lbc_client_msg_error_message(got[2]), "no rest 9");
    }
    for (int i = 0; i < 3; i++)
      lbc_client_msg_free(got[i]);
  }
  msgpack_sbuffer_destroy(&sb);
}

/* Feed raw bytes and return what next() says, keeping the first message. */
static int feed_and_next(lbc_client_codec *c, const void *data, size_t len, lbc_client_msg **ret) {
  CHECK_INT(lbc_client_codec_feed(c, data, len), 0);
  return lbc_client_codec_next(c, ret);
}

static void test_odd_errors(void) {
  static const struct {
    const char *what;
    const char *bytes;
    size_t len;
    const char *code, *message;
  } cases[] = {
      /* [1, 1, "boom", nil] */
      {"a bare string",
       "\x94\x01\x01\xa4"
       "boom\xc0",
       9, "internal", "boom"},
      /* [1, 1, 42, nil] */
      {"an integer", "\x94\x01\x01\x2a\xc0", 5, "internal",
       "the daemon answered an error without a message"},
      /* [1, 1, {"code": "conflict"}, nil] */
      {"a map without message",
       "\x94\x01\x01\x81\xa4"
       "code\xa8"
       "conflict\xc0",
       20, "conflict", "the daemon answered an error without a message"},
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    lbc_client_codec *c = new_codec();
    lbc_client_msg *m = NULL;
    int r = feed_and_next(c, cases[i].bytes, cases[i].len, &m);
    CHECK(r == 1, "%s: expected a message, got %d (%s)", cases[i].what, r,
          lbc_client_codec_error(c));
    if (m) {
      CHECK_STR(lbc_client_msg_error_code(m), cases[i].code);
      CHECK_STR(lbc_client_msg_error_message(m), cases[i].message);
    }
    lbc_client_msg_free(m);
    lbc_client_codec_free(c);
  }
}

static void test_bad_streams(void) {
  lbc_client_codec *c = new_codec();
  lbc_client_msg *m;

  /* 0xc1 is never used in MessagePack; the stream stays broken after it. */
  CHECK_INT(feed_and_next(c, "\xc1", 1, &m), -EBADMSG);
  CHECK(m == NULL, "no message from garbage");
  CHECK(strstr(lbc_client_codec_error(c), "not MessagePack"), "error says: %s",
        lbc_client_codec_error(c));
  CHECK_INT(feed_and_next(c, "\x94\x01\x01\xc0\xc0", 5, &m), -EBADMSG);
  lbc_client_codec_free(c);

  /* A response whose msgid is a string: a shape error that names it. */
  c = new_codec();
  CHECK_INT(feed_and_next(c, "\x94\x01\xa1x\xc0\xc0", 6, &m), -EBADMSG);
  CHECK(strstr(lbc_client_codec_error(c), "msgid"), "error should name the msgid: %s",
        lbc_client_codec_error(c));
  lbc_client_codec_free(c);

  /* Nested 40 deep: over the wire's 32 levels. */
  c = new_codec();
  char deep[48];
  memset(deep, 0x91, 40); /* fixarray of 1, 40 times */
  deep[40] = (char)0xc0;
  CHECK_INT(feed_and_next(c, deep, 41, &m), -EMSGSIZE);
  lbc_client_codec_free(c);
}

/* A response of n string bytes: [1, 1, nil, "aaa..."]. */
static void pack_big_response(msgpack_sbuffer *sb, size_t n) {
  msgpack_packer pk;
  packer(sb, &pk);
  lb_rpc_pack_response_ok(&pk, 1);
  char *s = malloc(n);
  memset(s, 'a', n);
  msgpack_pack_str(&pk, n);
  msgpack_pack_str_body(&pk, s, n);
  free(s);
}

static void test_size_limit(void) {
  msgpack_sbuffer sb;
  lbc_client_msg *m;

  /* Just under 1 MiB, in one piece: fine. */
  pack_big_response(&sb, LB_RPC_MAX_MESSAGE - 64);
  lbc_client_codec *c = new_codec();
  CHECK_INT(feed_and_next(c, sb.data, sb.size, &m), 1);
  lbc_client_msg_free(m);
  lbc_client_codec_free(c);
  msgpack_sbuffer_destroy(&sb);

  /* Over 1 MiB, in one piece: refused though it is whole. */
  pack_big_response(&sb, LB_RPC_MAX_MESSAGE + 10);
  c = new_codec();
  CHECK_INT(feed_and_next(c, sb.data, sb.size, &m), -EMSGSIZE);
  CHECK(strstr(lbc_client_codec_error(c), "1 MiB"), "error says: %s", lbc_client_codec_error(c));
  lbc_client_codec_free(c);

  msgpack_sbuffer_destroy(&sb);

  /* Well over 1 MiB, in 64 KiB reads: refused as soon as it is too much,
   * before the rest arrives. */
  pack_big_response(&sb, LB_RPC_MAX_MESSAGE + 200000);
  c = new_codec();
  int r = 0;
  size_t off = 0;
  while (off < sb.size && r == 0) {
    size_t len = sb.size - off < 65536 ? sb.size - off : 65536;
    r = feed_and_next(c, sb.data + off, len, &m);
    off += len;
  }
  CHECK_INT(r, -EMSGSIZE);
  CHECK(off < sb.size, "refused only after all %zu bytes came", sb.size);
  lbc_client_codec_free(c);
  msgpack_sbuffer_destroy(&sb);
}

RUN_TESTS(T(test_requests), T(test_stream_splits), T(test_odd_errors), T(test_bad_streams),
          T(test_size_limit))
