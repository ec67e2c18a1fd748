#include "arena.h"

#include <stdalign.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

#define CHUNK 4096 /* the usual size of a chunk */

struct lb_arena_chunk {
  lb_arena_chunk *next;
  size_t used, cap;
  alignas(max_align_t) char data[];
};

void lb_arena_init(lb_arena *a) {
  a->head = NULL;
}

size_t lb_arena_size(size_t n) {
  size_t align = alignof(max_align_t);
  return (n + align - 1) / align * align;
}

void lb_arena_reserve(lb_arena *a, size_t n) {
  lb_arena_chunk *c = lb_xmalloc(sizeof(*c) + (n ? n : 1));
  c->next = a->head;
  c->used = 0;
  c->cap = n;
  a->head = c;
}

void *lb_arena_alloc(lb_arena *a, size_t n) {
  n = lb_arena_size(n);
  lb_arena_chunk *c = a->head;
  if (!c || c->cap - c->used < n) {
    size_t cap = n > CHUNK ? n : CHUNK;
    c = lb_xmalloc(sizeof(*c) + cap);
    c->next = a->head;
    c->used = 0;
    c->cap = cap;
    a->head = c;
  }
  void *p = c->data + c->used;
  c->used += n;
  memset(p, 0, n);
  return p;
}

char *lb_arena_strndup(lb_arena *a, const char *s, size_t n) {
  char *p = lb_arena_alloc(a, n + 1);
  if (n) /* s may be NULL when n is 0 (an empty msgpack string) */
    memcpy(p, s, n);
  p[n] = '\0';
  return p;
}

void lb_arena_free(lb_arena *a) {
  lb_arena_chunk *c = a->head;
  while (c) {
    lb_arena_chunk *next = c->next;
    free(c);
    c = next;
  }
  a->head = NULL;
}

void lb_arena_reset(lb_arena *a) {
  lb_arena_chunk *keep = NULL, *c = a->head;
  while (c) {
    lb_arena_chunk *next = c->next;
    if (!keep && c->cap == CHUNK)
      keep = c;
    else
      free(c);
    c = next;
  }
  if (keep) {
    keep->next = NULL;
    keep->used = 0;
  }
  a->head = keep;
}
