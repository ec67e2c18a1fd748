#include "buf.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

lbd_buf *lbd_buf_new(size_t cap) {
  lbd_buf *b = lbu_xmalloc(sizeof(*b));
  b->refs = 1;
  b->len = 0;
  b->cap = cap ? cap : 64;
  b->data = lbu_xmalloc(b->cap);
  return b;
}

lbd_buf *lbd_buf_ref(lbd_buf *b) {
  b->refs++;
  return b;
}

void lbd_buf_unref(lbd_buf *b) {
  if (!b || --b->refs > 0)
    return;
  free(b->data);
  free(b);
}

int lbd_buf_write(void *data, const char *buf, size_t len) {
  lbd_buf *b = data;
  if (b->len + len > b->cap) {
    size_t cap = b->cap * 2;
    while (cap < b->len + len)
      cap *= 2;
    b->data = lbu_xrealloc(b->data, cap);
    b->cap = cap;
  }
  /* msgpack packs most tokens a byte at a time (array and string headers,
   * small integers, nil): no call to memcpy for those. */
  if (len == 1)
    b->data[b->len] = *buf;
  else
    memcpy(b->data + b->len, buf, len);
  b->len += len;
  return 0;
}
