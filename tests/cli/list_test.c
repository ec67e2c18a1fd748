/* A list read page by page (lumbard/client_list.h) on its own: the params
 * of each page, when to stop, what it keeps, and the answers it refuses
 * rather than asking again for ever. */
#include <errno.h>
#include <lumbard/client_codec.h>
#include <lumbard/client_list.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h" /* tests/unit/check.h */

static lbc_client_list *new_list(void) {
  lbc_client_list *l;
  if (lbc_client_list_new(&l) < 0) {
    fprintf(stderr, "cannot make a list\n");
    exit(1);
  }
  return l;
}

/* A page as the daemon answers one: n maps {id, label}, ids from first
 * up by step. The object lives in u until it is destroyed. */
static const msgpack_object *page(msgpack_unpacked *u, int64_t first, uint32_t n, int64_t step) {
  msgpack_sbuffer sb;
  msgpack_packer pk;
  msgpack_sbuffer_init(&sb);
  msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
  msgpack_pack_array(&pk, n);
  for (uint32_t i = 0; i < n; i++) {
    char label[32];
    int64_t id = first + (int64_t)i * step;
    snprintf(label, sizeof(label), "r%lld", (long long)id);
    msgpack_pack_map(&pk, 2);
    lb_rpc_pack_str(&pk, "id");
    msgpack_pack_uint64(&pk, (uint64_t)id);
    lb_rpc_pack_str(&pk, "label");
    lb_rpc_pack_str(&pk, label);
  }
  size_t off = 0;
  msgpack_unpacked_init(u);
  if (msgpack_unpack_next(u, sb.data, sb.size, &off) != MSGPACK_UNPACK_SUCCESS) {
    fprintf(stderr, "cannot unpack a page\n");
    exit(1);
  }
  /* The unpacked strings point into sb: kept in the zone's care. */
  msgpack_zone_push_finalizer(u->zone, free, msgpack_sbuffer_release(&sb));
  return &u->data;
}

/* The params the list packs, as msgpack-c prints them. */
static void params_text(const lbc_client_list *l, char *buf, size_t len) {
  msgpack_sbuffer sb;
  msgpack_sbuffer_init(&sb);
  CHECK_INT(lbc_client_list_params(l, &sb), 0);
  msgpack_unpacked u;
  msgpack_unpacked_init(&u);
  size_t off = 0;
  CHECK_INT(msgpack_unpack_next(&u, sb.data, sb.size, &off), MSGPACK_UNPACK_SUCCESS);
  msgpack_object_print_buffer(buf, len, u.data);
  msgpack_unpacked_destroy(&u);
  msgpack_sbuffer_destroy(&sb);
}

static void test_pages_until_a_short_one(void) {
  lbc_client_list *l = new_list();
  char text[128];
  params_text(l, text, sizeof(text));
  CHECK_STR(text, "[{\"limit\"=>1000}]");

  msgpack_unpacked u;
  CHECK_INT(lbc_client_list_add(l, page(&u, 1, LBC_CLIENT_LIST_PAGE, 1)), 1);
  msgpack_unpacked_destroy(&u); /* the list keeps copies */
  params_text(l, text, sizeof(text));
  CHECK_STR(text, "[{\"limit\"=>1000, \"after\"=>1000}]");
  CHECK_INT(lbc_client_list_add(l, page(&u, 1001, LBC_CLIENT_LIST_PAGE, 1)), 1);
  msgpack_unpacked_destroy(&u);
  params_text(l, text, sizeof(text));
  CHECK_STR(text, "[{\"limit\"=>1000, \"after\"=>2000}]");
  CHECK_INT(lbc_client_list_add(l, page(&u, 2005, 7, 3)), 0); /* short: the last */
  msgpack_unpacked_destroy(&u);

  CHECK_INT(lbc_client_list_count(l), 2007);
  const msgpack_object *items = lbc_client_list_items(l);
  CHECK(items && items->type == MSGPACK_OBJECT_ARRAY, "the items are one array");
  if (items && items->type == MSGPACK_OBJECT_ARRAY && items->via.array.size == 2007) {
    CHECK_INT(lbc_msg_map_int0(&items->via.array.ptr[0], "id"), 1);
    CHECK_INT(lbc_msg_map_int0(&items->via.array.ptr[2006], "id"), 2023);
    char label[16] = "";
    const msgpack_object *s = lbc_msg_map_str(&items->via.array.ptr[1500], "label");
    if (s)
      snprintf(label, sizeof(label), "%.*s", (int)s->via.str.size, s->via.str.ptr);
    CHECK_STR(label, "r1501");
  } else {
    CHECK(false, "2007 items, got %u", items ? items->via.array.size : 0);
  }
  CHECK_INT(lbc_client_list_ids(l)[2006], 2023);
  CHECK(lbc_client_list_has(l, 2008) && !lbc_client_list_has(l, 2009) &&
            !lbc_client_list_has(l, 0) && !lbc_client_list_has(l, 3000),
        "has(): only the ids that came");
  lbc_client_list_free(l);
}

static void test_an_empty_list_and_an_empty_last_page(void) {
  lbc_client_list *l = new_list();
  msgpack_unpacked u;
  CHECK_INT(lbc_client_list_add(l, page(&u, 1, 0, 1)), 0);
  msgpack_unpacked_destroy(&u);
  const msgpack_object *items = lbc_client_list_items(l);
  CHECK(items && items->type == MSGPACK_OBJECT_ARRAY && items->via.array.size == 0,
        "no items: an empty array");
  lbc_client_list_free(l);

  /* exactly a page's worth: one more page, empty, says it is all */
  l = new_list();
  CHECK_INT(lbc_client_list_add(l, page(&u, 1, LBC_CLIENT_LIST_PAGE, 1)), 1);
  msgpack_unpacked_destroy(&u);
  CHECK_INT(lbc_client_list_add(l, page(&u, 1, 0, 1)), 0);
  msgpack_unpacked_destroy(&u);
  CHECK_INT(lbc_client_list_items(l)->via.array.size, LBC_CLIENT_LIST_PAGE);
  lbc_client_list_free(l);
}

static void test_answers_that_are_not_pages(void) {
  lbc_client_list *l = new_list();
  msgpack_unpacked u;
  CHECK_INT(lbc_client_list_add(l, page(&u, 1, LBC_CLIENT_LIST_PAGE, 1)), 1);
  msgpack_unpacked_destroy(&u);
  /* A daemon that took no notice of `after`: the same page again. */
  CHECK_INT(lbc_client_list_add(l, page(&u, 1, LBC_CLIENT_LIST_PAGE, 1)), -EBADMSG);
  msgpack_unpacked_destroy(&u);
  CHECK_CONTAINS(lbc_client_list_error(l), "do not grow past the last one (item 1)");
  CHECK_INT(lbc_client_list_count(l), LBC_CLIENT_LIST_PAGE); /* a bad page adds nothing */
  /* ids out of order within a page */
  CHECK_INT(lbc_client_list_add(l, page(&u, 2000, 3, -1)), -EBADMSG);
  msgpack_unpacked_destroy(&u);
  CHECK_CONTAINS(lbc_client_list_error(l), "(item 2)");
  /* not a list at all */
  msgpack_object nil = {.type = MSGPACK_OBJECT_NIL};
  CHECK_INT(lbc_client_list_add(l, &nil), -EBADMSG);
  CHECK_STR(lbc_client_list_error(l), "the answer is not a list");
  CHECK_INT(lbc_client_list_add(l, NULL), -EBADMSG);
  /* an item without an id */
  msgpack_object item = {.type = MSGPACK_OBJECT_MAP};
  msgpack_object one = {.type = MSGPACK_OBJECT_ARRAY, .via.array = {1, &item}};
  CHECK_INT(lbc_client_list_add(l, &one), -EBADMSG);
  CHECK_STR(lbc_client_list_error(l), "item 1 of the page has no id");
  lbc_client_list_free(l);
  lbc_client_list_free(NULL);
}

RUN_TESTS(T(test_pages_until_a_short_one), T(test_an_empty_list_and_an_empty_last_page),
          T(test_answers_that_are_not_pages))
