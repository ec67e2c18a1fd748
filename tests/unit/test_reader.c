/* The stream reader: messages cut at every byte, several in one read, and
 * the limits refused with the msgid of the request that broke them. */
#include <errno.h>
#include <lumbard/reader.h>
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

static lb_reader *reader(void) {
  lb_reader *r = NULL;
  CHECK_INT(lb_reader_new(64, &r), 0);
  return r;
}

/* [0, 7, "rest.start", [90, "a label long enough to span reads"]], then
 * [2, "rest.finished", [{"id": 3}]]. */
static void pack_two(packed *p) {
  packed_init(p);
  lb_rpc_pack_request(&p->pk, 7, "rest.start", 2);
  msgpack_pack_int(&p->pk, 90);
  lb_rpc_pack_str(&p->pk, "a label long enough to span reads");
  lb_rpc_pack_notification(&p->pk, "rest.finished", 1);
  msgpack_pack_map(&p->pk, 1);
  lb_rpc_pack_str(&p->pk, "id");
  msgpack_pack_int(&p->pk, 3);
}

/* The next message is the request of pack_two. */
static void check_request(const msgpack_object *o) {
  lb_rpc_msg m;
  char err[256];
  CHECK_INT(lb_rpc_parse(o, &m, err, sizeof(err)), 0);
  CHECK_INT(m.type, LB_RPC_REQUEST);
  CHECK_INT(m.msgid, 7);
  CHECK(m.method_len == 10 && memcmp(m.method, "rest.start", 10) == 0, "method %.*s",
        (int)m.method_len, m.method);
  CHECK_INT(m.params->via.array.size, 2);
  const msgpack_object *label = &m.params->via.array.ptr[1];
  CHECK(label->type == MSGPACK_OBJECT_STR && label->via.str.size == 33 &&
            memcmp(label->via.str.ptr, "a label long enough to span reads", 33) == 0,
        "label %.*s", (int)label->via.str.size, label->via.str.ptr);
}

static void check_notification(const msgpack_object *o) {
  lb_rpc_msg m;
  char err[256];
  CHECK_INT(lb_rpc_parse(o, &m, err, sizeof(err)), 0);
  CHECK_INT(m.type, LB_RPC_NOTIFICATION);
  CHECK(m.method_len == 13 && memcmp(m.method, "rest.finished", 13) == 0, "method %.*s",
        (int)m.method_len, m.method);
  const msgpack_object *fields = &m.params->via.array.ptr[0];
  CHECK(fields->type == MSGPACK_OBJECT_MAP && fields->via.map.size == 1 &&
            fields->via.map.ptr[0].val.via.u64 == 3,
        "fields of type %d", (int)fields->type);
}

/* Read out every whole message: check each in turn, count them. */
static int drain(lb_reader *r, int seen) {
  msgpack_object o;
  int e;
  while ((e = lb_reader_next(r, &o)) == 1) {
    if (seen == 0)
      check_request(&o);
    else
      check_notification(&o);
    seen++;
  }
  CHECK_INT(e, 0);
  return seen;
}

TEST(split_at_every_byte) {
  packed p;
  pack_two(&p);
  for (size_t cut = 0; cut <= p.sb.size; cut++) {
    lb_reader *r = reader();
    CHECK_INT(lb_reader_feed(r, p.sb.data, cut), 0);
    int seen = drain(r, 0);
    CHECK_INT(lb_reader_feed(r, p.sb.data + cut, p.sb.size - cut), 0);
    seen = drain(r, seen);
    CHECK(seen == 2, "cut at %zu: %d messages", cut, seen);
    lb_reader_free(r);
  }
  msgpack_sbuffer_destroy(&p.sb);
}

TEST(a_byte_at_a_time) {
  packed p;
  pack_two(&p);
  lb_reader *r = reader();
  int seen = 0;
  for (size_t i = 0; i < p.sb.size; i++) {
    char *buf;
    size_t len;
    CHECK_INT(lb_reader_buffer(r, 1, &buf, &len), 0);
    CHECK(len >= 1, "room for %zu bytes", len);
    buf[0] = p.sb.data[i];
    lb_reader_consumed(r, 1);
    seen = drain(r, seen);
  }
  CHECK_INT(seen, 2);
  lb_reader_free(r);
  msgpack_sbuffer_destroy(&p.sb);
}

TEST(two_messages_in_one_feed) {
  packed p;
  pack_two(&p);
  lb_reader *r = reader();
  CHECK_INT(lb_reader_feed(r, p.sb.data, p.sb.size), 0);
  CHECK_INT(drain(r, 0), 2);
  lb_reader_free(r);
  msgpack_sbuffer_destroy(&p.sb);
}

/* Fed twice before reading out, over the first buffer's size: the bytes of
 * the first feed stay in front of the second's. */
TEST(fed_twice_before_reading) {
  packed p;
  pack_two(&p);
  lb_reader *r = reader();
  size_t half = p.sb.size / 2;
  CHECK_INT(lb_reader_feed(r, p.sb.data, half), 0);
  CHECK_INT(lb_reader_feed(r, p.sb.data + half, p.sb.size - half), 0);
  CHECK_INT(drain(r, 0), 2);
  lb_reader_free(r);
  msgpack_sbuffer_destroy(&p.sb);
}

/* A message kept (lb_reader_keep) outlives the reader and what it reads next. */
TEST(kept_message_outlives_the_reader) {
  packed p;
  pack_two(&p);
  lb_reader *r = reader();
  CHECK_INT(lb_reader_feed(r, p.sb.data, p.sb.size), 0);
  msgpack_object o;
  CHECK_INT(lb_reader_next(r, &o), 1);
  msgpack_zone *z = lb_reader_keep(r);
  CHECK(z != NULL, "the request needed no memory");
  for (int i = 0; i < 100; i++)
    CHECK_INT(lb_reader_feed(r, p.sb.data, p.sb.size), 0);
  lb_reader_free(r);
  check_request(&o);
  msgpack_zone_free(z);
  msgpack_sbuffer_destroy(&p.sb);
}

/* Feed in pieces of 64 KiB until the reader refuses; returns its answer. */
static int feed_until_refused(lb_reader *r, const char *data, size_t len) {
  msgpack_object o;
  int e = 0;
  for (size_t off = 0; off < len && e >= 0; off += 65536) {
    size_t n = len - off < 65536 ? len - off : 65536;
    CHECK_INT(lb_reader_feed(r, data + off, n), 0);
    while ((e = lb_reader_next(r, &o)) == 1)
      ;
  }
  return e;
}

TEST(over_1mib_answers_its_msgid) {
  packed p;
  packed_init(&p);
  lb_rpc_pack_request(&p.pk, 4242, "test.echo", 1);
  size_t big = 2 * 1024 * 1024;
  char *x = malloc(big);
  memset(x, 'x', big);
  msgpack_pack_str(&p.pk, big);
  msgpack_pack_str_body(&p.pk, x, big);
  free(x);
  lb_reader *r = reader();
  CHECK_INT(feed_until_refused(r, p.sb.data, p.sb.size), -EMSGSIZE);
  const lb_reader_refusal *why = lb_reader_refused(r);
  CHECK_INT(why->fault, LB_READER_TOO_LARGE);
  CHECK_STR(why->what, "over the 1 MiB limit");
  CHECK(why->has_msgid && why->msgid == 4242, "msgid %d %u", why->has_msgid, why->msgid);
  msgpack_object o;
  CHECK_INT(lb_reader_next(r, &o), -EMSGSIZE); /* the stream stays refused */
  lb_reader_free(r);

  /* Up to the limit is read: the same request of 1 MiB less a few bytes. */
  packed ok;
  packed_init(&ok);
  lb_rpc_pack_request(&ok.pk, 4243, "test.echo", 1);
  size_t fits = LB_RPC_MAX_MESSAGE - ok.sb.size - 5;
  msgpack_pack_str(&ok.pk, fits);
  msgpack_pack_str_body(&ok.pk, p.sb.data + p.sb.size - fits, fits);
  CHECK_INT(ok.sb.size, LB_RPC_MAX_MESSAGE);
  r = reader();
  CHECK_INT(lb_reader_feed(r, ok.sb.data, ok.sb.size), 0);
  CHECK_INT(lb_reader_next(r, &o), 1);
  lb_reader_free(r);
  msgpack_sbuffer_destroy(&ok.sb);
  msgpack_sbuffer_destroy(&p.sb);
}

TEST(announcing_too_much_answers_its_msgid) {
  /* [0, 77, "test.echo", [array32 of 2^28 ...]: refused from its header,
   * whether that arrives with the msgid or in a later read. */
  static const char head[] = "\x94\x00\x4d\xa9test.echo\x91";
  static const char huge[] = "\xdd\x10\x00\x00\x00";
  for (int split = 0; split < 2; split++) {
    lb_reader *r = reader();
    msgpack_object o;
    CHECK_INT(lb_reader_feed(r, head, sizeof(head) - 1), 0);
    if (split)
      CHECK_INT(lb_reader_next(r, &o), 0);
    CHECK_INT(lb_reader_feed(r, huge, sizeof(huge) - 1), 0);
    CHECK_INT(lb_reader_next(r, &o), -EMSGSIZE);
    const lb_reader_refusal *why = lb_reader_refused(r);
    CHECK_INT(why->fault, LB_READER_TOO_MANY);
    CHECK_CONTAINS(why->what, "announces more elements than 1 MiB can hold");
    CHECK(why->has_msgid && why->msgid == 77, "msgid %d %u", why->has_msgid, why->msgid);
    lb_reader_free(r);
  }
}

/* [0, 5, "test.echo", [nest]] with nest arrays around "leaf": the message's
 * own array is level 1, its params level 2. */
static void pack_nested(packed *p, int nest) {
  packed_init(p);
  lb_rpc_pack_request(&p->pk, 5, "test.echo", 1);
  for (int i = 0; i < nest; i++)
    msgpack_pack_array(&p->pk, 1);
  lb_rpc_pack_str(&p->pk, "leaf");
}

TEST(nesting_deeper_than_32) {
  packed p;
  msgpack_object o;
  pack_nested(&p, LB_RPC_MAX_DEPTH - 2); /* 32 levels: read */
  lb_reader *r = reader();
  CHECK_INT(lb_reader_feed(r, p.sb.data, p.sb.size), 0);
  CHECK_INT(lb_reader_next(r, &o), 1);
  lb_reader_free(r);
  msgpack_sbuffer_destroy(&p.sb);

  pack_nested(&p, LB_RPC_MAX_DEPTH - 1); /* 33 levels: refused */
  r = reader();
  CHECK_INT(lb_reader_feed(r, p.sb.data, p.sb.size), 0);
  CHECK_INT(lb_reader_next(r, &o), -EMSGSIZE);
  const lb_reader_refusal *why = lb_reader_refused(r);
  CHECK_INT(why->fault, LB_READER_TOO_DEEP);
  CHECK_CONTAINS(why->what, "nested deeper than 32 levels");
  CHECK(why->has_msgid && why->msgid == 5, "msgid %d %u", why->has_msgid, why->msgid);
  lb_reader_free(r);
  msgpack_sbuffer_destroy(&p.sb);
}

TEST(garbage_after_a_good_message) {
  packed p;
  pack_two(&p);
  msgpack_sbuffer_write(&p.sb, "\xc1\xc1\xc1 this is not msgpack", 24);
  lb_reader *r = reader();
  CHECK_INT(lb_reader_feed(r, p.sb.data, p.sb.size), 0);
  msgpack_object o;
  CHECK_INT(lb_reader_next(r, &o), 1);
  check_request(&o);
  CHECK_INT(lb_reader_next(r, &o), 1);
  check_notification(&o);
  CHECK_INT(lb_reader_next(r, &o), -EBADMSG);
  CHECK_INT(lb_reader_refused(r)->fault, LB_READER_GARBAGE);
  CHECK(!lb_reader_refused(r)->has_msgid, "a msgid in garbage");
  CHECK_INT(lb_reader_next(r, &o), -EBADMSG);
  lb_reader_free(r);
  msgpack_sbuffer_destroy(&p.sb);
}

RUN_TESTS(T(split_at_every_byte), T(a_byte_at_a_time), T(two_messages_in_one_feed),
          T(fed_twice_before_reading), T(kept_message_outlives_the_reader),
          T(over_1mib_answers_its_msgid), T(announcing_too_much_answers_its_msgid),
          T(nesting_deeper_than_32), T(garbage_after_a_good_message))
