/*
 * test_csv.c - src/base/csv.c: the reader (BOM, CRLF and LF, quoted fields with doubled
 * quotes and embedded newlines, line numbers, empty fields, malformed records) and the
 * writer (quoting when needed), and a round trip of random fields through both.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "base/csv.h"

#define LIT(s) (s), (sizeof(s) - 1)

/* Assert that field i of the record just read is exactly s. */
static void field_is(const struct gr_csv *c, size_t i, const char *s)
{
    assert_true(i < c->n);
    if (c->f[i].len != strlen(s) || memcmp(c->f[i].s, s, c->f[i].len) != 0)
        fail_msg("field %zu is \"%.*s\", expected \"%s\"", i, (int)c->f[i].len, c->f[i].s, s);
}

static void reads_bom_and_crlf(void **state)
{
    struct gr_csv c;
    gr_csv_init(&c, LIT("\xEF\xBB\xBF"
                        "code,name\r\n"
                        "G01,东湖网格\r\n"));
    assert_int_equal(gr_csv_next(&c), GR_OK);
    assert_int_equal(c.n, 2);
    field_is(&c, 0, "code"); /* the BOM is not part of the first field */
    field_is(&c, 1, "name");
    assert_int_equal(c.line, 1);
    assert_int_equal(gr_csv_next(&c), GR_OK);
    assert_int_equal(c.n, 2);
    field_is(&c, 0, "G01");
    field_is(&c, 1, "东湖网格");
    assert_int_equal(c.line, 2);
    assert_int_equal(gr_csv_next(&c), GR_ENOTFOUND);
    assert_int_equal(gr_csv_next(&c), GR_ENOTFOUND);
    gr_csv_cleanup(&c);
}

static void reads_lf_and_missing_final_newline(void **state)
{
    struct gr_csv c;
    gr_csv_init(&c, LIT("a,b,c\nd,e,f"));
    assert_int_equal(gr_csv_next(&c), GR_OK);
    assert_int_equal(c.n, 3);
    field_is(&c, 2, "c");
    assert_int_equal(gr_csv_next(&c), GR_OK);
    assert_int_equal(c.n, 3);
    field_is(&c, 0, "d");
    field_is(&c, 2, "f");
    assert_int_equal(c.line, 2);
    assert_int_equal(gr_csv_next(&c), GR_ENOTFOUND);
    gr_csv_cleanup(&c);
}

static void reads_empty_input(void **state)
{
    struct gr_csv c;
    gr_csv_init(&c, LIT(""));
    assert_int_equal(gr_csv_next(&c), GR_ENOTFOUND);
    gr_csv_cleanup(&c);
    gr_csv_init(&c, LIT("\xEF\xBB\xBF"));
    assert_int_equal(gr_csv_next(&c), GR_ENOTFOUND);
    gr_csv_cleanup(&c);
}

static void reads_quoted_fields(void **state)
{
    struct gr_csv c;
    gr_csv_init(&c, LIT("\"a,b\",\"say \"\"hi\"\"\",\"\"\"\"\n"
                        "\"\",\"plain\",\"x\"\"\"\n"));
    assert_int_equal(gr_csv_next(&c), GR_OK);
    assert_int_equal(c.n, 3);
    field_is(&c, 0, "a,b");
    field_is(&c, 1, "say \"hi\"");
    field_is(&c, 2, "\"");
    assert_int_equal(gr_csv_next(&c), GR_OK);
    assert_int_equal(c.n, 3);
    field_is(&c, 0, "");
    field_is(&c, 1, "plain");
    field_is(&c, 2, "x\"");
    assert_int_equal(gr_csv_next(&c), GR_ENOTFOUND);
    gr_csv_cleanup(&c);
}

static void embedded_newlines_keep_line_numbers(void **state)
{
    struct gr_csv c;
    gr_csv_init(&c, LIT("id,note\n"
                        "1,\"first line\nsecond \"\"quoted\"\"\nthird\"\n"
                        "2,\"crlf\r\ninside\"\r\n"
                        "3,plain\n"));
    assert_int_equal(gr_csv_next(&c), GR_OK);
    assert_int_equal(c.line, 1);
    assert_int_equal(gr_csv_next(&c), GR_OK);
    assert_int_equal(c.line, 2);
    assert_int_equal(c.n, 2);
    field_is(&c, 0, "1");
    field_is(&c, 1, "first line\nsecond \"quoted\"\nthird");
    assert_int_equal(gr_csv_next(&c), GR_OK);
    assert_int_equal(c.line, 5);
    field_is(&c, 1, "crlf\r\ninside");
    assert_int_equal(gr_csv_next(&c), GR_OK);
    assert_int_equal(c.line, 7);
    field_is(&c, 0, "3");
    field_is(&c, 1, "plain");
    assert_int_equal(gr_csv_next(&c), GR_ENOTFOUND);
    gr_csv_cleanup(&c);
}

static void reads_empty_fields(void **state)
{
    struct gr_csv c;
    gr_csv_init(&c, LIT(",,\na,,b\n\"\",x,\nlast,"));
    assert_int_equal(gr_csv_next(&c), GR_OK);
    assert_int_equal(c.n, 3);
    for (size_t i = 0; i < 3; i++)
        assert_int_equal(c.f[i].len, 0);
    assert_int_equal(gr_csv_next(&c), GR_OK);
    assert_int_equal(c.n, 3);
    field_is(&c, 0, "a");
    field_is(&c, 1, "");
    field_is(&c, 2, "b");
    assert_int_equal(gr_csv_next(&c), GR_OK);
    assert_int_equal(c.n, 3);
    field_is(&c, 0, "");
    field_is(&c, 1, "x");
    field_is(&c, 2, "");
    assert_int_equal(gr_csv_next(&c), GR_OK);
    assert_int_equal(c.n, 2); /* a trailing comma at the end of the data is a field */
    field_is(&c, 0, "last");
    field_is(&c, 1, "");
    assert_int_equal(c.line, 4);
    assert_int_equal(gr_csv_next(&c), GR_ENOTFOUND);
    gr_csv_cleanup(&c);
}

/* Read records until one fails; return its code and line. */
static enum gr_err read_until_error(const char *data, size_t len, size_t *line, const char **why)
{
    struct gr_csv c;
    gr_csv_init(&c, data, len);
    enum gr_err e;
    while ((e = gr_csv_next(&c)) == GR_OK)
        ;
    *line = c.line;
    *why = c.error;
    gr_csv_cleanup(&c);
    return e;
}

static void malformed_records_are_refused(void **state)
{
    static const struct {
        const char *data;
        size_t line;
    } cases[] = {
        {"a,b\n\"unclosed,c\n", 2}, /* unclosed quote runs to the end */
        {"a,b\nc,\"never closed", 2},
        {"a,b\n\"closed\"x,c\n", 2}, /* text after a closing quote */
        {"a\nb\n\"q\" ,c\n", 3},     /* even a space */
        {"a,b\nc,d\"e\n", 2},        /* a quote inside an unquoted field */
        {"ab\"\n", 1},
        {"a,b\n\"x\ny\",ok\nbad\"field\n", 4}, /* the line after an embedded newline */
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        size_t line = 0;
        const char *why = NULL;
        enum gr_err e = read_until_error(cases[i].data, strlen(cases[i].data), &line, &why);
        if (e != GR_EINVAL)
            fail_msg("case %zu: %s instead of invalid", i, gr_strerror(e));
        assert_non_null(why);
        if (line != cases[i].line)
            fail_msg("case %zu: error on line %zu, expected %zu", i, line, cases[i].line);
    }
}

static void too_many_fields(void **state)
{
    char data[512];
    size_t n = 0;
    for (int i = 0; i < GR_CSV_MAX_FIELDS; i++)
        n += (size_t)snprintf(data + n, sizeof(data) - n, "%s%d", i ? "," : "", i);
    struct gr_csv c;
    /* Exactly the maximum is fine. */
    gr_csv_init(&c, data, n);
    assert_int_equal(gr_csv_next(&c), GR_OK);
    assert_int_equal(c.n, GR_CSV_MAX_FIELDS);
    field_is(&c, GR_CSV_MAX_FIELDS - 1, "63");
    gr_csv_cleanup(&c);
    /* One more is refused. */
    n += (size_t)snprintf(data + n, sizeof(data) - n, ",x\n");
    gr_csv_init(&c, data, n);
    assert_int_equal(gr_csv_next(&c), GR_EINVAL);
    assert_non_null(c.error);
    gr_csv_cleanup(&c);
}

static char *put_all(const char *const *fields, size_t n)
{
    struct gr_buf b;
    gr_buf_init(&b, 4096);
    for (size_t i = 0; i < n; i++)
        gr_csv_put(&b, fields[i], strlen(fields[i]), i == 0);
    return gr_buf_take(&b, NULL);
}

static void writer_quotes_when_needed(void **state)
{
    static const char *const plain[] = {"abc", "张三", " spaced ", "", "1.5"};
    char *s = put_all(plain, 5);
    assert_string_equal(s, "abc,张三, spaced ,,1.5");
    free(s);
    static const char *const special[] = {"a,b", "say \"hi\"", "two\nlines", "cr\rhere", "\""};
    s = put_all(special, 5);
    assert_string_equal(s, "\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",\"cr\rhere\",\"\"\"\"");
    free(s);
    static const char *const one[] = {"x"};
    s = put_all(one, 1);
    assert_string_equal(s, "x"); /* no leading comma on the first field */
    free(s);
}

/* A small deterministic generator: the round trip is reproducible. */
static uint32_t next_rand(uint32_t *x)
{
    *x ^= *x << 13;
    *x ^= *x >> 17;
    *x ^= *x << 5;
    return *x;
}

static void random_field(uint32_t *seed, char *out, size_t cap)
{
    static const char *const atoms[] = {"a",  "Z", "0",  ",", "\"",   "\n",   "\r",  " ",
                                        "张", "é", "\t", ";", "\"\"", "\r\n", "网格"};
    size_t len = next_rand(seed) % 12;
    if (next_rand(seed) % 20 == 0)
        len = 100 + next_rand(seed) % 200; /* now and then long, to grow the scratch */
    size_t at = 0;
    for (size_t i = 0; i < len; i++) {
        const char *a = atoms[next_rand(seed) % (sizeof(atoms) / sizeof(atoms[0]))];
        size_t n = strlen(a);
        if (at + n >= cap)
            break;
        memcpy(out + at, a, n);
        at += n;
    }
    out[at] = '\0';
}

enum { RT_RECORDS = 300, RT_FIELDS = 12, RT_FIELD_CAP = 800 };

static void round_trip_with(const char *eol)
{
    static char fields[RT_RECORDS][RT_FIELDS][RT_FIELD_CAP];
    static size_t n_fields[RT_RECORDS];
    static size_t start[RT_RECORDS];
    uint32_t seed = 0x9e3779b9u;
    struct gr_buf b;
    gr_buf_init(&b, 16 << 20);
    for (size_t r = 0; r < RT_RECORDS; r++) {
        start[r] = b.len;
        n_fields[r] = 1 + next_rand(&seed) % RT_FIELDS;
        for (size_t i = 0; i < n_fields[r]; i++) {
            random_field(&seed, fields[r][i], RT_FIELD_CAP);
            gr_csv_put(&b, fields[r][i], strlen(fields[r][i]), i == 0);
        }
        gr_buf_adds(&b, eol);
    }
    struct gr_csv c;
    gr_csv_init(&c, b.data, b.len);
    for (size_t r = 0; r < RT_RECORDS; r++) {
        enum gr_err e = gr_csv_next(&c);
        if (e != GR_OK)
            fail_msg("record %zu: %s (%s)", r, gr_strerror(e), c.error ? c.error : "");
        assert_int_equal(c.n, n_fields[r]);
        for (size_t i = 0; i < n_fields[r]; i++)
            field_is(&c, i, fields[r][i]);
        /* The record starts on the line after every newline written before it. */
        size_t line = 1;
        for (size_t k = 0; k < start[r]; k++)
            line += b.data[k] == '\n';
        assert_int_equal(c.line, line);
    }
    assert_int_equal(gr_csv_next(&c), GR_ENOTFOUND);
    gr_csv_cleanup(&c);
    gr_buf_cleanup(&b);
}

static void round_trip_random_fields_lf(void **state)
{
    round_trip_with("\n");
}

static void round_trip_random_fields_crlf(void **state)
{
    round_trip_with("\r\n");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(reads_bom_and_crlf),
        cmocka_unit_test(reads_lf_and_missing_final_newline),
        cmocka_unit_test(reads_empty_input),
        cmocka_unit_test(reads_quoted_fields),
        cmocka_unit_test(embedded_newlines_keep_line_numbers),
        cmocka_unit_test(reads_empty_fields),
        cmocka_unit_test(malformed_records_are_refused),
        cmocka_unit_test(too_many_fields),
        cmocka_unit_test(writer_quotes_when_needed),
        cmocka_unit_test(round_trip_random_fields_lf),
        cmocka_unit_test(round_trip_random_fields_crlf),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
