/* A bump allocator: everything decoded for one call is freed at once when the
 * call is answered. */
#ifndef LB_ARENA_H
#define LB_ARENA_H

#include <stddef.h>

typedef struct lb_arena_chunk lb_arena_chunk;
typedef struct lb_arena {
  lb_arena_chunk *head;
} lb_arena;

void lb_arena_init(lb_arena *a);
void *lb_arena_alloc(lb_arena *a, size_t n); /* zeroed, aligned for any type */
/* Make the next chunk exactly big enough for n bytes of allocations (each
 * counted with lb_arena_size): a small arena that lives long, one per queued
 * event, then costs what it holds rather than a whole chunk. */
void lb_arena_reserve(lb_arena *a, size_t n);
/* What lb_arena_alloc(n) takes of a chunk. */
size_t lb_arena_size(size_t n);
char *lb_arena_strndup(lb_arena *a, const char *s, size_t n);
void lb_arena_free(lb_arena *a); /* accepts a zeroed arena */
/* Free everything but one chunk of the usual size, kept for the next user. */
void lb_arena_reset(lb_arena *a);

#endif
