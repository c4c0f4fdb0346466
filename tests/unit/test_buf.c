/*
 * test_buf.c - src/base/buf.c and the arena of src/base/mem.c: growth, the hard maximum
 * (an append past it fails with GR_ETOOBIG and changes nothing), printf, take; arena
 * allocations, alignment, strndup and printf; JSON strings (read back by jansson).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "base/buf.h"
#include "base/mem.h"

static void buf_json_str_reads_back(void **state)
{
    static const char *const texts[] = {"",
                                        "plain",
                                        "楼道口垃圾堆放，请清理",
                                        "say \"hi\"",
                                        "back\\slash",
                                        "line\nbreak\ttab\rcr",
                                        "\x01\x1f end",
                                        "</script>",
                                        "emoji 😀"};
    for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
        struct gr_buf b;
        gr_buf_init(&b, 1000);
        assert_int_equal(gr_buf_json_str(&b, texts[i]), GR_OK);
        json_error_t err;
        json_t *j = json_loadb(b.data, b.len, JSON_DECODE_ANY, &err);
        assert_non_null(j);
        assert_true(json_is_string(j));
        assert_string_equal(json_string_value(j), texts[i]);
        json_decref(j);
        gr_buf_cleanup(&b);
    }
    struct gr_buf b;
    gr_buf_init(&b, 1000);
    gr_buf_json_str(&b, "a\"b\\c\nd\x02");
    gr_buf_adds(&b, " ");
    gr_buf_json_str(&b, NULL);
    assert_string_equal(b.data, "\"a\\\"b\\\\c\\nd\\u0002\" null");
    gr_buf_cleanup(&b);
    /* Past the maximum: nothing is added, not even the opening quote. */
    gr_buf_init(&b, 8);
    gr_buf_adds(&b, "ab");
    assert_int_equal(gr_buf_json_str(&b, "0123456789"), GR_ETOOBIG);
    assert_string_equal(b.data, "ab");
    assert_int_equal(b.len, 2);
    gr_buf_cleanup(&b);
}

static void buf_empty_take_gives_empty_string(void **state)
{
    struct gr_buf b;
    gr_buf_init(&b, 100);
    size_t len = 99;
    char *s = gr_buf_take(&b, &len);
    assert_non_null(s);
    assert_string_equal(s, "");
    assert_int_equal(len, 0);
    free(s);
    gr_buf_cleanup(&b);
}

static void buf_grows_and_stays_terminated(void **state)
{
    struct gr_buf b;
    gr_buf_init(&b, 1 << 20);
    char expect[5000];
    for (size_t i = 0; i < sizeof(expect) - 1; i++) {
        char c = (char)('a' + i % 26);
        assert_int_equal(gr_buf_addc(&b, c), GR_OK);
        expect[i] = c;
        assert_int_equal(b.len, i + 1);
        assert_int_equal(b.data[b.len], '\0');
        assert_true(b.cap > b.len);
    }
    expect[sizeof(expect) - 1] = '\0';
    assert_string_equal(b.data, expect);
    assert_int_equal(gr_buf_adds(&b, "张三"), GR_OK);
    assert_int_equal(b.len, sizeof(expect) - 1 + 6);
    assert_memory_equal(b.data + sizeof(expect) - 1, "张三", 7);
    gr_buf_cleanup(&b);
    assert_null(b.data);
    assert_int_equal(b.len, 0);
}

static void buf_add_binary_and_zero_length(void **state)
{
    struct gr_buf b;
    gr_buf_init(&b, 64);
    assert_int_equal(gr_buf_add(&b, "a\0b", 3), GR_OK);
    assert_int_equal(b.len, 3);
    assert_memory_equal(b.data, "a\0b", 4);
    assert_int_equal(gr_buf_add(&b, NULL, 0), GR_OK);
    assert_int_equal(b.len, 3);
    gr_buf_cleanup(&b);
}

static void buf_maximum_is_hard(void **state)
{
    struct gr_buf b;
    gr_buf_init(&b, 10);
    assert_int_equal(gr_buf_adds(&b, "0123456"), GR_OK);
    /* 7 + 4 > 10: refused, and the content is as it was. */
    assert_int_equal(gr_buf_adds(&b, "789A"), GR_ETOOBIG);
    assert_int_equal(b.len, 7);
    assert_string_equal(b.data, "0123456");
    /* Exactly up to the maximum is fine. */
    assert_int_equal(gr_buf_adds(&b, "789"), GR_OK);
    assert_int_equal(b.len, 10);
    assert_string_equal(b.data, "0123456789");
    assert_int_equal(gr_buf_addc(&b, 'x'), GR_ETOOBIG);
    assert_int_equal(gr_buf_printf(&b, "%d", 1), GR_ETOOBIG);
    assert_int_equal(gr_buf_add(&b, "", 0), GR_OK);
    assert_string_equal(b.data, "0123456789");
    assert_int_equal(b.len, 10);
    gr_buf_cleanup(&b);
}

static void buf_huge_append_does_not_wrap(void **state)
{
    struct gr_buf b;
    gr_buf_init(&b, 16);
    assert_int_equal(gr_buf_adds(&b, "abc"), GR_OK);
    /* A length near SIZE_MAX must not overflow the size check. */
    assert_int_equal(gr_buf_add(&b, "x", SIZE_MAX), GR_ETOOBIG);
    assert_int_equal(gr_buf_add(&b, "x", SIZE_MAX - 2), GR_ETOOBIG);
    assert_string_equal(b.data, "abc");
    assert_int_equal(b.len, 3);
    gr_buf_cleanup(&b);
}

static void buf_zero_maximum(void **state)
{
    struct gr_buf b;
    gr_buf_init(&b, 0);
    assert_int_equal(gr_buf_addc(&b, 'a'), GR_ETOOBIG);
    size_t len = 1;
    char *s = gr_buf_take(&b, &len);
    assert_string_equal(s, "");
    assert_int_equal(len, 0);
    free(s);
}

static void buf_printf_small_and_large(void **state)
{
    struct gr_buf b;
    gr_buf_init(&b, 1 << 16);
    assert_int_equal(gr_buf_printf(&b, "%s-%d-%05.1f", "ab", 42, 3.14159), GR_OK);
    assert_string_equal(b.data, "ab-42-003.1");
    /* Longer than the internal 256-byte first attempt. */
    char big[1000];
    memset(big, 'q', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    assert_int_equal(gr_buf_printf(&b, "[%s]", big), GR_OK);
    assert_int_equal(b.len, 11 + 2 + 999);
    assert_int_equal(b.data[11], '[');
    assert_int_equal(b.data[b.len - 1], ']');
    assert_int_equal(b.data[b.len], '\0');
    assert_int_equal(strspn(b.data + 12, "q"), 999);
    gr_buf_cleanup(&b);
}

static void buf_printf_respects_maximum(void **state)
{
    struct gr_buf b;
    gr_buf_init(&b, 300);
    assert_int_equal(gr_buf_adds(&b, "head"), GR_OK);
    char big[400];
    memset(big, 'z', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    assert_int_equal(gr_buf_printf(&b, "%s", big), GR_ETOOBIG);
    assert_string_equal(b.data, "head");
    assert_int_equal(b.len, 4);
    assert_int_equal(gr_buf_printf(&b, "%.*s", 296, big), GR_OK);
    assert_int_equal(b.len, 300);
    assert_int_equal(b.data[300], '\0');
    assert_int_equal(gr_buf_printf(&b, "%s", ""), GR_OK);
    assert_int_equal(gr_buf_printf(&b, "%c", 'y'), GR_ETOOBIG);
    assert_int_equal(b.len, 300);
    gr_buf_cleanup(&b);
}

static void buf_take_hands_over_and_resets(void **state)
{
    struct gr_buf b;
    gr_buf_init(&b, 1000);
    assert_int_equal(gr_buf_adds(&b, "hello"), GR_OK);
    size_t len = 0;
    char *s = gr_buf_take(&b, &len);
    assert_string_equal(s, "hello");
    assert_int_equal(len, 5);
    assert_null(b.data);
    assert_int_equal(b.len, 0);
    assert_int_equal(b.max, 1000); /* the maximum survives */
    /* The buffer is usable again and independent of what was taken. */
    assert_int_equal(gr_buf_adds(&b, "again"), GR_OK);
    assert_string_equal(b.data, "again");
    assert_string_equal(s, "hello");
    free(s);
    char *t = gr_buf_take(&b, NULL);
    assert_string_equal(t, "again");
    free(t);
    gr_buf_cleanup(&b);
}

static void buf_reset_keeps_capacity(void **state)
{
    struct gr_buf b;
    gr_buf_init(&b, 1000);
    gr_buf_reset(&b); /* on a fresh buffer: nothing to do, no crash */
    assert_int_equal(gr_buf_adds(&b, "abcdef"), GR_OK);
    gr_buf_reset(&b);
    assert_int_equal(b.len, 0);
    assert_string_equal(b.data, "");
    assert_int_equal(gr_buf_adds(&b, "xy"), GR_OK);
    assert_string_equal(b.data, "xy");
    gr_buf_cleanup(&b);
    gr_buf_cleanup(&b); /* twice is harmless */
}

static void arena_many_allocations(void **state)
{
    struct gr_arena a;
    gr_arena_init(&a);
    enum { N = 20000 };
    unsigned char **ptrs = gr_calloc(N, sizeof(*ptrs));
    size_t *sizes = gr_calloc(N, sizeof(*sizes));
    for (size_t i = 0; i < N; i++) {
        sizes[i] = 1 + (i * 7919) % 300;
        if (i % 1000 == 999)
            sizes[i] = 10000 + i; /* now and then more than a block */
        ptrs[i] = gr_arena_alloc(&a, sizes[i]);
        assert_non_null(ptrs[i]);
        memset(ptrs[i], (int)(i & 0xff), sizes[i]);
    }
    /* No allocation overlapped another: each still holds its own pattern. */
    for (size_t i = 0; i < N; i++)
        for (size_t k = 0; k < sizes[i]; k++)
            if (ptrs[i][k] != (unsigned char)(i & 0xff))
                fail_msg("allocation %zu byte %zu was overwritten", i, k);
    free(ptrs);
    free(sizes);
    gr_arena_cleanup(&a);
    assert_null(a.head);
    /* Reusable after cleanup. */
    char *p = gr_arena_alloc(&a, 10);
    memcpy(p, "reuse", 6);
    assert_string_equal(p, "reuse");
    gr_arena_cleanup(&a);
    gr_arena_cleanup(&a); /* twice is harmless */
}

static void arena_alignment(void **state)
{
    struct gr_arena a;
    gr_arena_init(&a);
    for (size_t n = 0; n < 200; n++) {
        void *p = gr_arena_alloc(&a, n % 37 + 1);
        if ((uintptr_t)p % _Alignof(max_align_t) != 0)
            fail_msg("allocation %zu is not aligned", n);
        /* Any type may live there. */
        if (n % 37 + 1 >= sizeof(long double))
            *(long double *)p = (long double)n;
    }
    void *big = gr_arena_alloc(&a, 100000);
    assert_int_equal((uintptr_t)big % _Alignof(max_align_t), 0);
    memset(big, 1, 100000);
    gr_arena_cleanup(&a);
}

static void arena_strndup_and_printf(void **state)
{
    struct gr_arena a;
    gr_arena_init(&a);
    char *s = gr_arena_strndup(&a, "张三丰 and more", 9);
    assert_string_equal(s, "张三丰");
    char *e = gr_arena_strndup(&a, "x", 0);
    assert_string_equal(e, "");
    char *p = gr_arena_printf(&a, "%s/%d/%s", "grid", 17, s);
    assert_string_equal(p, "grid/17/张三丰");
    char big[6000];
    memset(big, 'w', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    char *q = gr_arena_printf(&a, "<%s>", big);
    assert_int_equal(strlen(q), sizeof(big) + 1);
    assert_int_equal(q[0], '<');
    assert_int_equal(q[sizeof(big)], '>');
    /* Earlier strings are untouched by later growth. */
    assert_string_equal(s, "张三丰");
    assert_string_equal(p, "grid/17/张三丰");
    gr_arena_cleanup(&a);
}

static void mem_helpers(void **state)
{
    char *s = gr_strndup("abcdef", 3);
    assert_string_equal(s, "abc");
    free(s);
    s = gr_strdup("");
    assert_string_equal(s, "");
    free(s);
    assert_int_equal(gr_mul(0, SIZE_MAX), 0);
    assert_int_equal(gr_mul(6, 7), 42);
    assert_int_equal(gr_mul(SIZE_MAX, 1), SIZE_MAX);
    int *z = gr_calloc(10, sizeof(int));
    for (int i = 0; i < 10; i++)
        assert_int_equal(z[i], 0);
    z = gr_realloc(z, 20 * sizeof(int));
    assert_int_equal(z[9], 0);
    free(z);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(buf_empty_take_gives_empty_string),
        cmocka_unit_test(buf_grows_and_stays_terminated),
        cmocka_unit_test(buf_add_binary_and_zero_length),
        cmocka_unit_test(buf_maximum_is_hard),
        cmocka_unit_test(buf_huge_append_does_not_wrap),
        cmocka_unit_test(buf_zero_maximum),
        cmocka_unit_test(buf_printf_small_and_large),
        cmocka_unit_test(buf_printf_respects_maximum),
        cmocka_unit_test(buf_take_hands_over_and_resets),
        cmocka_unit_test(buf_reset_keeps_capacity),
        cmocka_unit_test(arena_many_allocations),
        cmocka_unit_test(arena_alignment),
        cmocka_unit_test(arena_strndup_and_printf),
        cmocka_unit_test(mem_helpers),
        cmocka_unit_test(buf_json_str_reads_back),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
