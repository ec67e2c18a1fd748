/* A bump allocator: everything decoded for one call is freed at once when the
 * call is answered. */
#ifndef LBD_ARENA_H
#define LBD_ARENA_H

#include <stddef.h>

typedef struct lbd_arena_chunk lbd_arena_chunk;
typedef struct lbd_arena {
  lbd_arena_chunk *head;
} lbd_arena;

void lbd_arena_init(lbd_arena *a);
void *lbd_arena_alloc(lbd_arena *a, size_t n); /* zeroed, aligned for any type */
/* Make the next chunk exactly big enough for n bytes of allocations (each
 * counted with lbd_arena_size): a small arena that lives long, one per queued
 * event, then costs what it holds rather than a whole chunk. */
void lbd_arena_reserve(lbd_arena *a, size_t n);
/* What lbd_arena_alloc(n) takes of a chunk. */
size_t lbd_arena_size(size_t n);
char *lbd_arena_strndup(lbd_arena *a, const char *s, size_t n);
void lbd_arena_free(lbd_arena *a); /* accepts a zeroed arena */
/* Free everything but one chunk of the usual size, kept for the next user. */
void lbd_arena_reset(lbd_arena *a);

#endif
