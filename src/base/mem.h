/*
 * mem.h - allocation that never returns NULL, and a bump arena.
 *
 * Allocation failure aborts with a message: a supervisor restarts the process and
 * committed data is safe in the store. Size arithmetic is checked for overflow.
 */
#ifndef GR_MEM_H
#define GR_MEM_H

#include <stddef.h>

void *gr_malloc(size_t n);
void *gr_calloc(size_t n, size_t size);
void *gr_realloc(void *p, size_t n);
char *gr_strdup(const char *s);
char *gr_strndup(const char *s, size_t n);
/* Return a*b, aborting on overflow. */
size_t gr_mul(size_t a, size_t b);

/* A bump arena: many allocations, one release. Blocks grow; nothing is freed alone. */
struct gr_arena_block;
struct gr_arena {
    struct gr_arena_block *head;
    size_t used; /* bytes used in head */
    size_t cap;  /* capacity of head */
};

void gr_arena_init(struct gr_arena *a);
/* Release every block; the arena may be reused after. */
void gr_arena_cleanup(struct gr_arena *a);
/* Aligned memory valid until gr_arena_cleanup(). */
void *gr_arena_alloc(struct gr_arena *a, size_t n);
char *gr_arena_strndup(struct gr_arena *a, const char *s, size_t n);
/* printf into the arena. */
char *gr_arena_printf(struct gr_arena *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
