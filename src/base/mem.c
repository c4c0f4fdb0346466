/* mem.c - aborting allocators and the bump arena. */
#include "mem.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void oom(size_t n)
{
    fprintf(stderr, "grassroots: out of memory (%zu bytes)\n", n);
    abort();
}

void *gr_malloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        oom(n);
    return p;
}

void *gr_calloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p)
        oom(n * size);
    return p;
}

void *gr_realloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q)
        oom(n);
    return q;
}

char *gr_strndup(const char *s, size_t n)
{
    char *p = gr_malloc(n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *gr_strdup(const char *s)
{
    return gr_strndup(s, strlen(s));
}

size_t gr_mul(size_t a, size_t b)
{
    if (b && a > SIZE_MAX / b)
        oom(SIZE_MAX);
    return a * b;
}

struct gr_arena_block {
    struct gr_arena_block *next;
    max_align_t data[];
};

#define BLOCK_MIN 4096

void gr_arena_init(struct gr_arena *a)
{
    a->head = NULL;
    a->used = 0;
    a->cap = 0;
}

void gr_arena_cleanup(struct gr_arena *a)
{
    struct gr_arena_block *b = a->head;
    while (b) {
        struct gr_arena_block *next = b->next;
        free(b);
        b = next;
    }
    gr_arena_init(a);
}

void *gr_arena_alloc(struct gr_arena *a, size_t n)
{
    size_t align = sizeof(max_align_t);
    size_t need = (n + align - 1) / align * align;
    if (need < n)
        oom(n);
    if (!a->head || a->cap - a->used < need) {
        size_t cap = need > BLOCK_MIN ? need : BLOCK_MIN;
        if (a->cap * 2 > cap && a->cap < (1u << 20))
            cap = a->cap * 2;
        struct gr_arena_block *b = gr_malloc(sizeof(*b) + cap);
        b->next = a->head;
        a->head = b;
        a->cap = cap;
        a->used = 0;
    }
    void *p = (char *)a->head->data + a->used;
    a->used += need;
    return p;
}

char *gr_arena_strndup(struct gr_arena *a, const char *s, size_t n)
{
    char *p = gr_arena_alloc(a, n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *gr_arena_printf(struct gr_arena *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return gr_arena_strndup(a, "", 0);
    char *p = gr_arena_alloc(a, (size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return p;
}
