/* A refcounted byte buffer: one packed message shared by every connection
 * that writes it. msgpack packs straight into it through lbd_buf_write. */
#ifndef LBD_BUF_H
#define LBD_BUF_H

#include <stddef.h>

typedef struct lbd_buf {
  int refs;
  size_t len, cap;
  char *data;
} lbd_buf;

lbd_buf *lbd_buf_new(size_t cap); /* refs = 1; aborts only if malloc fails */
lbd_buf *lbd_buf_ref(lbd_buf *b);
void lbd_buf_unref(lbd_buf *b); /* accepts NULL */
/* msgpack_packer write callback: data is an lbd_buf *. */
int lbd_buf_write(void *data, const char *buf, size_t len);

#endif
