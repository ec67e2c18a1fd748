#include "arena.h"

#include <stdalign.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

#define CHUNK 4096 /* the usual size of a chunk */

struct lbd_arena_chunk {
  lbd_arena_chunk *next;
  size_t used, cap;
  alignas(max_align_t) char data[];
};

void lbd_arena_init(lbd_arena *a) {
  a->head = NULL;
}

size_t lbd_arena_size(size_t n) {
  size_t align = alignof(max_align_t);
  return (n + align - 1) / align * align;
}

void lbd_arena_reserve(lbd_arena *a, size_t n) {
  lbd_arena_chunk *c = lbu_xmalloc(sizeof(*c) + (n ? n : 1));
  c->next = a->head;
  c->used = 0;
  c->cap = n;
  a->head = c;
}

void *lbd_arena_alloc(lbd_arena *a, size_t n) {
  n = lbd_arena_size(n);
  lbd_arena_chunk *c = a->head;
  if (!c || c->cap - c->used < n) {
    size_t cap = n > CHUNK ? n : CHUNK;
    c = lbu_xmalloc(sizeof(*c) + cap);
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

char *lbd_arena_strndup(lbd_arena *a, const char *s, size_t n) {
  char *p = lbd_arena_alloc(a, n + 1);
  if (n) /* s may be NULL when n is 0 (an empty msgpack string) */
    memcpy(p, s, n);
  p[n] = '\0';
  return p;
}

void lbd_arena_free(lbd_arena *a) {
  lbd_arena_chunk *c = a->head;
  while (c) {
    lbd_arena_chunk *next = c->next;
    free(c);
    c = next;
  }
  a->head = NULL;
}

void lbd_arena_reset(lbd_arena *a) {
  lbd_arena_chunk *keep = NULL, *c = a->head;
  while (c) {
    lbd_arena_chunk *next = c->next;
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
