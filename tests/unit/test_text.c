/*
 * test_text.c - src/base/text.c: UTF-8 validation and length, strict number parsing,
 * calendar dates, and masking of personal data (names, phones, id numbers), including
 * short inputs and output buffers too small for the masked text.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "base/text.h"

/* Literals may hold NUL bytes, so their length is sizeof - 1, never strlen. */
#define LIT(s) (s), (sizeof(s) - 1)

static void utf8_accepts_well_formed(void **state)
{
    assert_true(gr_utf8_valid(LIT("")));
    assert_true(gr_utf8_valid(LIT("plain ascii ~\x7f")));
    assert_true(gr_utf8_valid(LIT("\xc2\x80")));         /* U+0080, smallest 2-byte */
    assert_true(gr_utf8_valid(LIT("\xdf\xbf")));         /* U+07FF */
    assert_true(gr_utf8_valid(LIT("\xe0\xa0\x80")));     /* U+0800, smallest 3-byte */
    assert_true(gr_utf8_valid(LIT("张三丰")));           /* CJK, 3 bytes each */
    assert_true(gr_utf8_valid(LIT("\xed\x9f\xbf")));     /* U+D7FF, just below surrogates */
    assert_true(gr_utf8_valid(LIT("\xee\x80\x80")));     /* U+E000, just above surrogates */
    assert_true(gr_utf8_valid(LIT("\xef\xbf\xbf")));     /* U+FFFF */
    assert_true(gr_utf8_valid(LIT("\xf0\x90\x80\x80"))); /* U+10000, smallest 4-byte */
    assert_true(gr_utf8_valid(LIT("\xf0\x9f\x98\x80"))); /* an emoji */
    assert_true(gr_utf8_valid(LIT("\xf4\x8f\xbf\xbf"))); /* U+10FFFF, the maximum */
}

static void utf8_rejects_overlongs(void **state)
{
    assert_false(gr_utf8_valid(LIT("\xc0\xaf")));         /* '/' in 2 bytes */
    assert_false(gr_utf8_valid(LIT("\xc1\xbf")));         /* U+007F in 2 bytes */
    assert_false(gr_utf8_valid(LIT("\xc0\x80")));         /* NUL in 2 bytes */
    assert_false(gr_utf8_valid(LIT("\xe0\x80\xaf")));     /* '/' in 3 bytes */
    assert_false(gr_utf8_valid(LIT("\xe0\x9f\xbf")));     /* U+07FF in 3 bytes */
    assert_false(gr_utf8_valid(LIT("\xf0\x80\x80\xaf"))); /* '/' in 4 bytes */
    assert_false(gr_utf8_valid(LIT("\xf0\x8f\xbf\xbf"))); /* U+FFFF in 4 bytes */
}

static void utf8_rejects_surrogates_and_beyond_max(void **state)
{
    assert_false(gr_utf8_valid(LIT("\xed\xa0\x80")));             /* U+D800 */
    assert_false(gr_utf8_valid(LIT("\xed\xbf\xbf")));             /* U+DFFF */
    assert_false(gr_utf8_valid(LIT("\xed\xa0\xbd\xed\xb8\x80"))); /* CESU-8 pair */
    assert_false(gr_utf8_valid(LIT("\xf4\x90\x80\x80")));         /* U+110000 */
    assert_false(gr_utf8_valid(LIT("\xf5\x80\x80\x80")));
    assert_false(gr_utf8_valid(LIT("\xf8\x88\x80\x80\x80"))); /* old 5-byte form */
    assert_false(gr_utf8_valid(LIT("\xff")));
    assert_false(gr_utf8_valid(LIT("\xfe")));
}

static void utf8_rejects_truncated_and_stray_bytes(void **state)
{
    assert_false(gr_utf8_valid(LIT("\xe5\xbc")));       /* 张 cut after 2 of 3 */
    assert_false(gr_utf8_valid(LIT("\xe5")));           /* lead byte alone */
    assert_false(gr_utf8_valid(LIT("ab\xf0\x9f\x98"))); /* 4-byte cut at the end */
    assert_false(gr_utf8_valid(LIT("\xc3")));
    assert_false(gr_utf8_valid(LIT("\x80"))); /* continuation alone */
    assert_false(gr_utf8_valid(LIT("a\xbf"
                                   "b")));
    assert_false(gr_utf8_valid(LIT("\xe5\x41\x89"))); /* ASCII inside a sequence */
    assert_false(gr_utf8_valid(LIT("\xc3\xc3\xa9"))); /* a lead where a tail belongs */
    /* The length given is what counts: a valid string cut short is invalid. */
    const char *s = "张三";
    assert_true(gr_utf8_valid(s, 6));
    assert_false(gr_utf8_valid(s, 5));
    assert_false(gr_utf8_valid(s, 4));
    assert_true(gr_utf8_valid(s, 3));
}

static void utf8_rejects_nul(void **state)
{
    assert_false(gr_utf8_valid(LIT("\0")));
    assert_false(gr_utf8_valid(LIT("ab\0cd")));
    assert_false(gr_utf8_valid(LIT("张\0")));
}

static void utf8_len_counts_code_points(void **state)
{
    assert_int_equal(gr_utf8_len(LIT("")), 0);
    assert_int_equal(gr_utf8_len(LIT("abc")), 3);
    assert_int_equal(gr_utf8_len(LIT("张三丰")), 3);
    assert_int_equal(gr_utf8_len(LIT("a张b")), 3);
    assert_int_equal(gr_utf8_len(LIT("\xc3\xa9t\xc3\xa9")), 3); /* été */
    assert_int_equal(gr_utf8_len(LIT("\xf0\x9f\x98\x80x")), 2);
    assert_int_equal(gr_utf8_len(LIT("\xf4\x8f\xbf\xbf")), 1);
}

static void parse_i64_accepts_whole_integers(void **state)
{
    int64_t v = 99;
    assert_int_equal(gr_parse_i64(LIT("0"), &v), GR_OK);
    assert_int_equal(v, 0);
    assert_int_equal(gr_parse_i64(LIT("42"), &v), GR_OK);
    assert_int_equal(v, 42);
    assert_int_equal(gr_parse_i64(LIT("-17"), &v), GR_OK);
    assert_int_equal(v, -17);
    assert_int_equal(gr_parse_i64(LIT("9223372036854775807"), &v), GR_OK);
    assert_true(v == INT64_MAX);
    assert_int_equal(gr_parse_i64(LIT("-9223372036854775808"), &v), GR_OK);
    assert_true(v == INT64_MIN);
    /* Only the first n bytes are read. */
    assert_int_equal(gr_parse_i64("12345", 3, &v), GR_OK);
    assert_int_equal(v, 123);
}

static void parse_i64_rejects_junk_overflow_empty_and_bad_signs(void **state)
{
    static const char *const bad[] = {
        "",
        "-",
        " 1",
        "1 ",
        "1a",
        "a1",
        "0x10",
        "1.0",
        "1e3",
        "--1",
        "-+1",
        "+-1",
        "1-",
        "- 1",
        "\t1",
        "١٢",
        "9223372036854775808",
        "-9223372036854775809",
        "99999999999999999999999999999",
        "12345678901234567890123456789012345",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        int64_t v = 7;
        if (gr_parse_i64(bad[i], strlen(bad[i]), &v) != GR_EINVAL)
            fail_msg("gr_parse_i64 accepted \"%s\"", bad[i]);
        assert_int_equal(v, 7); /* untouched on failure */
    }
}

static void parse_i64_rejects_embedded_nul(void **state)
{
    /* "1\0" and "1\0002" are not decimal integers: the NUL must not end the number early. */
    int64_t v = 7;
    assert_int_equal(gr_parse_i64(LIT("1\0"), &v), GR_EINVAL);
    assert_int_equal(gr_parse_i64(LIT("12\0003"), &v), GR_EINVAL);
    assert_int_equal(v, 7);
}

static void parse_f64_accepts_reals(void **state)
{
    double d = 0;
    assert_int_equal(gr_parse_f64(LIT("0"), &d), GR_OK);
    assert_true(d == 0.0);
    assert_int_equal(gr_parse_f64(LIT("3.25"), &d), GR_OK);
    assert_true(d == 3.25);
    assert_int_equal(gr_parse_f64(LIT("-121.5"), &d), GR_OK);
    assert_true(d == -121.5);
    assert_int_equal(gr_parse_f64(LIT("+2.5"), &d), GR_OK);
    assert_true(d == 2.5);
    assert_int_equal(gr_parse_f64(LIT("1e3"), &d), GR_OK);
    assert_true(d == 1000.0);
    assert_int_equal(gr_parse_f64(LIT("-2.5E-1"), &d), GR_OK);
    assert_true(d == -0.25);
    assert_int_equal(gr_parse_f64(LIT(".5"), &d), GR_OK);
    assert_true(d == 0.5);
    assert_int_equal(gr_parse_f64(LIT("39.9042"), &d), GR_OK);
    assert_float_equal(d, 39.9042, 1e-12);
    assert_int_equal(gr_parse_f64("12.75xyz", 5, &d), GR_OK);
    assert_true(d == 12.75);
}

static void parse_f64_rejects_junk_nonfinite_and_overflow(void **state)
{
    static const char *const bad[] = {
        "",      ".",     "-",      "+",   "e5",  "1e",  "1.2.3", "1,5",
        " 1",    "1 ",    "abc",    "nan", "NAN", "inf", "-inf",  "infinity",
        "0x1p3", "1e999", "-1e999", "--1", "1..", "\t2", "1.0f",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        double d = 7;
        if (gr_parse_f64(bad[i], strlen(bad[i]), &d) != GR_EINVAL)
            fail_msg("gr_parse_f64 accepted \"%s\"", bad[i]);
        assert_true(d == 7);
    }
    double d = 7;
    assert_int_equal(gr_parse_f64(LIT("1\0"), &d), GR_EINVAL);
    assert_int_equal(gr_parse_f64(LIT("1.5\0002"), &d), GR_EINVAL);
}

static void date_valid_checks_calendar(void **state)
{
    assert_true(gr_date_valid(LIT("2024-01-31")));
    assert_true(gr_date_valid(LIT("2023-12-31")));
    assert_true(gr_date_valid(LIT("2023-04-30")));
    assert_false(gr_date_valid(LIT("2023-04-31")));
    assert_false(gr_date_valid(LIT("2023-06-31")));
    assert_false(gr_date_valid(LIT("2023-13-01")));
    assert_false(gr_date_valid(LIT("2023-00-10")));
    assert_false(gr_date_valid(LIT("2023-05-00")));
    assert_false(gr_date_valid(LIT("2023-05-32")));
}

static void date_valid_leap_years(void **state)
{
    assert_true(gr_date_valid(LIT("2024-02-29")));  /* divisible by 4 */
    assert_true(gr_date_valid(LIT("2000-02-29")));  /* divisible by 400 */
    assert_false(gr_date_valid(LIT("2023-02-29"))); /* common year */
    assert_false(gr_date_valid(LIT("1900-02-29"))); /* divisible by 100, not 400 */
    assert_false(gr_date_valid(LIT("2100-02-29")));
    assert_false(gr_date_valid(LIT("2024-02-30"))); /* never */
    assert_false(gr_date_valid(LIT("2000-02-30")));
    assert_true(gr_date_valid(LIT("2023-02-28")));
}

static void date_valid_rejects_bad_shapes(void **state)
{
    static const char *const bad[] = {
        "",
        "2024-1-01",
        "2024-01-1",
        "24-01-01",
        "2024/01/01",
        "20240101",
        "2024-01-01 ",
        " 2024-01-01",
        "2024-01-01T00:00:00Z",
        "2024-0a-01",
        "abcd-ef-gh",
        "2024--1-01",
        "+024-01-01",
        "2024-01-+1",
        "２０２４-01-01",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        if (gr_date_valid(bad[i], strlen(bad[i])))
            fail_msg("gr_date_valid accepted \"%s\"", bad[i]);
    /* Only the first n bytes count. */
    assert_true(gr_date_valid("2024-03-15 trailing", 10));
    assert_false(gr_date_valid("2024-03-15", 9));
}

static void mask_name_keeps_first_character(void **state)
{
    char out[64];
    gr_mask_name(LIT("张三丰"), out, sizeof(out));
    assert_string_equal(out, "张**");
    gr_mask_name(LIT("张三"), out, sizeof(out));
    assert_string_equal(out, "张*");
    gr_mask_name(LIT("欧阳娜娜"), out, sizeof(out));
    assert_string_equal(out, "欧***");
    gr_mask_name(LIT("Alice"), out, sizeof(out));
    assert_string_equal(out, "A****");
    gr_mask_name(LIT("\xf0\x9f\x98\x80z"), out, sizeof(out));
    assert_string_equal(out, "\xf0\x9f\x98\x80*");
}

static void mask_name_short_inputs(void **state)
{
    char out[64];
    /* A one-character name still gets a star: the mask never shows a whole name. */
    gr_mask_name(LIT("张"), out, sizeof(out));
    assert_string_equal(out, "张*");
    gr_mask_name(LIT("A"), out, sizeof(out));
    assert_string_equal(out, "A*");
    memcpy(out, "junk", 5);
    gr_mask_name(LIT(""), out, sizeof(out));
    assert_string_equal(out, "");
}

static void mask_name_long_inputs_are_capped(void **state)
{
    /* The number of stars is capped so that a mask does not reveal a long name's length
     * beyond a point; the rest of the name never appears. */
    char out[64];
    gr_mask_name(LIT("ABCDEFGHIJKLMNOPQRSTUVWXYZ"), out, sizeof(out));
    assert_int_equal(out[0], 'A');
    assert_null(strpbrk(out + 1, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"));
    assert_true(strlen(out) <= 9);
    assert_true(strlen(out) >= 2);
}

static void mask_phone(void **state)
{
    char out[64];
    gr_mask_phone(LIT("13812345678"), out, sizeof(out));
    assert_string_equal(out, "138****5678");
    gr_mask_phone(LIT("12345678"), out, sizeof(out));
    assert_string_equal(out, "123*5678");
    /* Too short to keep 3 + 4 digits and hide anything: all hidden. */
    gr_mask_phone(LIT("1234567"), out, sizeof(out));
    assert_string_equal(out, "***");
    gr_mask_phone(LIT("110"), out, sizeof(out));
    assert_string_equal(out, "***");
    gr_mask_phone(LIT(""), out, sizeof(out));
    assert_string_equal(out, "***");
}

static void mask_idnum(void **state)
{
    char out[64];
    gr_mask_idnum(LIT("11010519491231002X"), out, sizeof(out));
    assert_string_equal(out, "1101**********002X");
    gr_mask_idnum(LIT("123456789"), out, sizeof(out));
    assert_string_equal(out, "1234*6789");
    gr_mask_idnum(LIT("12345678"), out, sizeof(out));
    assert_string_equal(out, "***");
    gr_mask_idnum(LIT("1"), out, sizeof(out));
    assert_string_equal(out, "***");
}

static void mask_small_buffers_truncate_safely(void **state)
{
    /* A buffer too small is filled with a NUL-terminated prefix of the mask: never
     * more than cap bytes, never any of the hidden digits. */
    char out[16];
    memset(out, 'Z', sizeof(out));
    gr_mask_phone(LIT("13812345678"), out, 6);
    assert_string_equal(out, "138**");
    assert_int_equal(out[6], 'Z');
    memset(out, 'Z', sizeof(out));
    gr_mask_idnum(LIT("11010519491231002X"), out, 8);
    assert_string_equal(out, "1101***");
    assert_int_equal(out[8], 'Z');
    memset(out, 'Z', sizeof(out));
    gr_mask_phone(LIT("13812345678"), out, 1);
    assert_string_equal(out, "");
    assert_int_equal(out[1], 'Z');
    /* cap 0 writes nothing at all. */
    memset(out, 'Z', sizeof(out));
    gr_mask_phone(LIT("13812345678"), out, 0);
    gr_mask_idnum(LIT("11010519491231002X"), out, 0);
    gr_mask_name(LIT("张三丰"), out, 0);
    assert_int_equal(out[0], 'Z');
    memset(out, 'Z', sizeof(out));
    gr_mask_name(LIT("张三丰"), out, 5);
    assert_string_equal(out, "张*");
    assert_int_equal(out[5], 'Z');
}

static void mask_name_small_buffer_never_splits_a_character(void **state)
{
    /* The masked name goes into JSON, which must be valid UTF-8: a buffer too small for
     * the first character must not receive part of it. */
    for (size_t cap = 1; cap <= 4; cap++) {
        char out[8];
        memset(out, 0, sizeof(out));
        gr_mask_name(LIT("张三丰"), out, cap);
        if (!gr_utf8_valid(out, strlen(out)))
            fail_msg("cap %zu: mask is not valid UTF-8 (%zu bytes)", cap, strlen(out));
    }
}

static void fmt_double_round_trips(void **state)
{
    static const double fixed[] = {0.0,
                                   -0.0,
                                   0.1,
                                   1.0 / 3.0,
                                   -121.5,
                                   39.9042,
                                   1e300,
                                   -1e-300,
                                   4.9e-324,
                                   1.7976931348623157e308,
                                   120.12345678901234,
                                   2.2250738585072014e-308};
    char out[40];
    for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++) {
        gr_fmt_double(fixed[i], out, sizeof(out));
        if (strtod(out, NULL) != fixed[i])
            fail_msg("%.17g was written as %s", fixed[i], out);
    }
    /* Random bit patterns, skipping the non-finite ones. */
    uint64_t x = 0x9e3779b97f4a7c15u;
    for (int i = 0; i < 20000; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        double d;
        memcpy(&d, &x, sizeof(d));
        if (!isfinite(d))
            continue;
        gr_fmt_double(d, out, sizeof(out));
        if (strtod(out, NULL) != d)
            fail_msg("%.17g was written as %s", d, out);
    }
}

static void fmt_double_is_short(void **state)
{
    char out[40];
    gr_fmt_double(0.1, out, sizeof(out));
    assert_string_equal(out, "0.1");
    gr_fmt_double(39.9042, out, sizeof(out));
    assert_string_equal(out, "39.9042");
    gr_fmt_double(120.05, out, sizeof(out));
    assert_string_equal(out, "120.05");
    gr_fmt_double(-3, out, sizeof(out));
    assert_string_equal(out, "-3");
    gr_fmt_double(1e21, out, sizeof(out));
    assert_string_equal(out, "1e+21");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(utf8_accepts_well_formed),
        cmocka_unit_test(utf8_rejects_overlongs),
        cmocka_unit_test(utf8_rejects_surrogates_and_beyond_max),
        cmocka_unit_test(utf8_rejects_truncated_and_stray_bytes),
        cmocka_unit_test(utf8_rejects_nul),
        cmocka_unit_test(utf8_len_counts_code_points),
        cmocka_unit_test(parse_i64_accepts_whole_integers),
        cmocka_unit_test(parse_i64_rejects_junk_overflow_empty_and_bad_signs),
        cmocka_unit_test(parse_i64_rejects_embedded_nul),
        cmocka_unit_test(parse_f64_accepts_reals),
        cmocka_unit_test(parse_f64_rejects_junk_nonfinite_and_overflow),
        cmocka_unit_test(date_valid_checks_calendar),
        cmocka_unit_test(date_valid_leap_years),
        cmocka_unit_test(date_valid_rejects_bad_shapes),
        cmocka_unit_test(mask_name_keeps_first_character),
        cmocka_unit_test(mask_name_short_inputs),
        cmocka_unit_test(mask_name_long_inputs_are_capped),
        cmocka_unit_test(mask_phone),
        cmocka_unit_test(mask_idnum),
        cmocka_unit_test(mask_small_buffers_truncate_safely),
        cmocka_unit_test(mask_name_small_buffer_never_splits_a_character),
        cmocka_unit_test(fmt_double_round_trips),
        cmocka_unit_test(fmt_double_is_short),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
