/* A refcounted byte buffer: one packed message shared by every connection
 * that writes it. msgpack packs straight into it through lb_buf_write. */
#ifndef LB_BUF_H
#define LB_BUF_H

#include <stddef.h>

typedef struct lb_buf {
  int refs;
  size_t len, cap;
  char *data;
} lb_buf;

lb_buf *lb_buf_new(size_t cap); /* refs = 1; aborts only if malloc fails */
lb_buf *lb_buf_ref(lb_buf *b);
void lb_buf_unref(lb_buf *b); /* accepts NULL */
/* msgpack_packer write callback: data is an lb_buf *. */
int lb_buf_write(void *data, const char *buf, size_t len);

#endif
