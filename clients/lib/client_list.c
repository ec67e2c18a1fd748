/* A list read page by page: the items of each page packed again, one after
 * the other, and unpacked as one array when the caller asks for it. */
#include "lumbard/client_list.h"

#include <errno.h>
#include <lumbard/client_codec.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct lbc_client_list {
  msgpack_sbuffer packed; /* every item so far, packed, without an array header */
  uint64_t *ids;          /* their ids, ascending */
  size_t n, cap;
  /* The array of items as lbc_client_list_items() last made it: whole holds
   * its bytes (the unpacked strings point into them), NULL when an add came
   * since. */
  char *whole;
  msgpack_unpacked unpacked;
  char error[160];
};

int lbc_client_list_new(lbc_client_list **ret) {
  lbc_client_list *l = calloc(1, sizeof(*l));
  *ret = l;
  if (!l)
    return -ENOMEM;
  msgpack_sbuffer_init(&l->packed);
  msgpack_unpacked_init(&l->unpacked);
  return 0;
}

static void drop_whole(lbc_client_list *l) {
  free(l->whole);
  l->whole = NULL;
  msgpack_unpacked_destroy(&l->unpacked);
  msgpack_unpacked_init(&l->unpacked);
}

lbc_client_list *lbc_client_list_free(lbc_client_list *l) {
  if (!l)
    return NULL;
  drop_whole(l);
  msgpack_sbuffer_destroy(&l->packed);
  free(l->ids);
  free(l);
  return NULL;
}

int lbc_client_list_params(const lbc_client_list *l, msgpack_sbuffer *out) {
  msgpack_packer pk;
  msgpack_packer_init(&pk, out, msgpack_sbuffer_write);
  int r = msgpack_pack_array(&pk, 1);
  r |= msgpack_pack_map(&pk, l->n ? 2 : 1);
  r |= msgpack_pack_str_with_body(&pk, "limit", 5);
  r |= msgpack_pack_uint32(&pk, LBC_CLIENT_LIST_PAGE);
  if (l->n) {
    r |= msgpack_pack_str_with_body(&pk, "after", 5);
    r |= msgpack_pack_uint64(&pk, l->ids[l->n - 1]);
  }
  return r < 0 ? -ENOMEM : 0;
}

static int bad_page(lbc_client_list *l, const char *fmt, size_t i) {
  snprintf(l->error, sizeof(l->error), fmt, i + 1);
  return -EBADMSG;
}

int lbc_client_list_add(lbc_client_list *l, const msgpack_object *page) {
  if (!page || page->type != MSGPACK_OBJECT_ARRAY) {
    snprintf(l->error, sizeof(l->error), "the answer is not a list");
    return -EBADMSG;
  }
  uint32_t n = page->via.array.size;
  /* Checked whole before anything is kept: a bad page adds nothing. */
  uint64_t last = l->n ? l->ids[l->n - 1] : 0;
  for (uint32_t i = 0; i < n; i++) {
    const msgpack_object *id = lbc_msg_map_get(&page->via.array.ptr[i], "id");
    if (!id || id->type != MSGPACK_OBJECT_POSITIVE_INTEGER)
      return bad_page(l, "item %zu of the page has no id", i);
    if (id->via.u64 <= last)
      return bad_page(l,
                      "the ids of the page do not grow past the last one (item %zu): the "
                      "daemon did not take the option 'after'",
                      i);
    last = id->via.u64;
  }
  if (l->n + n > l->cap) {
    size_t cap = l->cap ? l->cap : LBC_CLIENT_LIST_PAGE;
    while (cap < l->n + n)
      cap *= 2;
    uint64_t *ids = realloc(l->ids, cap * sizeof(*ids));
    if (!ids)
      return -ENOMEM;
    l->ids = ids;
    l->cap = cap;
  }
  drop_whole(l);
  msgpack_packer pk;
  msgpack_packer_init(&pk, &l->packed, msgpack_sbuffer_write);
  for (uint32_t i = 0; i < n; i++) {
    const msgpack_object *item = &page->via.array.ptr[i];
    if (msgpack_pack_object(&pk, *item) < 0)
      return -ENOMEM;
    l->ids[l->n++] = lbc_msg_map_get(item, "id")->via.u64; /* checked above */
  }
  return n < LBC_CLIENT_LIST_PAGE ? 0 : 1;
}

size_t lbc_client_list_count(const lbc_client_list *l) {
  return l->n;
}

const uint64_t *lbc_client_list_ids(const lbc_client_list *l) {
  return l->ids;
}

bool lbc_client_list_has(const lbc_client_list *l, uint64_t id) {
  size_t lo = 0, hi = l->n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (l->ids[mid] == id)
      return true;
    if (l->ids[mid] < id)
      lo = mid + 1;
    else
      hi = mid;
  }
  return false;
}

const msgpack_object *lbc_client_list_items(lbc_client_list *l) {
  if (l->whole)
    return &l->unpacked.data;
  /* An array header for n items, then the items as they were packed. */
  msgpack_sbuffer sb;
  msgpack_sbuffer_init(&sb);
  msgpack_packer pk;
  msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
  if (msgpack_pack_array(&pk, l->n) < 0 ||
      (l->packed.size && msgpack_sbuffer_write(&sb, l->packed.data, l->packed.size) < 0)) {
    msgpack_sbuffer_destroy(&sb);
    return NULL;
  }
  size_t off = 0, size = sb.size;
  l->whole = msgpack_sbuffer_release(&sb);
  if (msgpack_unpack_next(&l->unpacked, l->whole, size, &off) != MSGPACK_UNPACK_SUCCESS) {
    drop_whole(l); /* only lack of memory: these bytes were packed here */
    return NULL;
  }
  return &l->unpacked.data;
}

const char *lbc_client_list_error(const lbc_client_list *l) {
  return l->error;
}
