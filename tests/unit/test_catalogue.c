/*
 * test_catalogue.c - src/core/catalogue.c: the integrity of the seed tables. Category codes
 * are unique and well formed and every minor class sits under a major of its own kind;
 * power types are the fifteen of the vocabulary; every matter names a minor class and a
 * power type that exist, a department from the list every demo district has, counts that
 * match and positive limits, and passes gr_matter_check.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/catalogue.h"

/* The departments of every demo district, written out here apart from the data. */
static const char *const depts[] = {
    "城市管理局",   "住房和城乡建设局", "市场监督管理局",       "公安分局",
    "生态环境分局", "民政局",           "卫生健康委员会",       "教育体育局",
    "应急管理局",   "司法局",           "人力资源和社会保障局", "退役军人事务局",
};

/* The power types in their order: the essay's five, then the standard ten. */
static const char *const power_codes[] = {
    "enforcement",  "administrative", "assessment", "participation", "comprehensive",
    "licensing",    "penalty",        "coercion",   "levy",          "payment",
    "adjudication", "confirmation",   "reward",     "inspection",    "other",
};

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

static bool is_dept(const char *s)
{
    for (size_t i = 0; s != NULL && i < N_OF(depts); i++)
        if (strcmp(depts[i], s) == 0)
            return true;
    return false;
}

static bool present(const char *s)
{
    return s != NULL && s[0] != '\0';
}

static bool digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

/* English names are plain ASCII. */
static bool ascii(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s >= 0x80)
            return false;
    return true;
}

static const struct gr_category *category(const char *code)
{
    for (size_t i = 0; code != NULL && i < gr_cn_n_categories; i++)
        if (strcmp(gr_cn_categories[i].code, code) == 0)
            return &gr_cn_categories[i];
    return NULL;
}

static bool power_type_exists(const char *code)
{
    for (size_t i = 0; code != NULL && i < gr_cn_n_power_types; i++)
        if (strcmp(gr_cn_power_types[i].code, code) == 0)
            return true;
    return false;
}

/* No clear owner: a basic duty without a level or a department (属地兜底). */
static bool fallback(const struct gr_matter *m)
{
    return m->list_kind == GR_LK_BASIC && m->owner_level == GR_LEVEL_NONE && m->owner_dept == NULL;
}

static void category_codes_are_well_formed(void **state)
{
    for (size_t i = 0; i < gr_cn_n_categories; i++) {
        const struct gr_category *c = &gr_cn_categories[i];
        bool part = strcmp(c->kind, "part") == 0;
        size_t len = strlen(c->code);

        assert_true(part || strcmp(c->kind, "event") == 0);
        assert_int_equal(c->code[0], part ? 'P' : 'E');
        assert_true(len == 3 || len == 5);
        assert_true(digits(c->code + 1, len - 1));
        assert_false(strncmp(c->code + 1, "00", 2) == 0);
        if (len == 5)
            assert_false(strcmp(c->code + 3, "00") == 0);
        assert_true(present(c->name));
        assert_true(present(c->name_en));
        assert_true(ascii(c->name_en));
        for (size_t j = i + 1; j < gr_cn_n_categories; j++)
            assert_string_not_equal(c->code, gr_cn_categories[j].code);
    }
}

static void minors_sit_under_a_major_of_their_kind(void **state)
{
    size_t n_minor = 0, n_part_major = 0, n_event_major = 0;

    for (size_t i = 0; i < gr_cn_n_categories; i++) {
        const struct gr_category *c = &gr_cn_categories[i];
        if (c->parent == NULL) {
            assert_int_equal(strlen(c->code), 3);
            if (strcmp(c->kind, "part") == 0)
                n_part_major++;
            else
                n_event_major++;
            /* Every major class has at least one minor class. */
            bool has_minor = false;
            for (size_t j = 0; j < gr_cn_n_categories; j++)
                if (gr_cn_categories[j].parent != NULL &&
                    strcmp(gr_cn_categories[j].parent, c->code) == 0)
                    has_minor = true;
            assert_true(has_minor);
            continue;
        }
        const struct gr_category *p = category(c->parent);
        assert_non_null(p);
        assert_null(p->parent);
        assert_string_equal(p->kind, c->kind);
        assert_int_equal(strlen(c->code), 5);
        assert_memory_equal(c->code, p->code, 3);
        n_minor++;
    }
    assert_int_equal(n_part_major, 6);
    assert_int_equal(n_event_major, 6);
    assert_true(n_minor >= 45);
}

static void power_types_are_the_vocabulary(void **state)
{
    assert_int_equal(gr_cn_n_power_types, N_OF(power_codes));
    for (size_t i = 0; i < gr_cn_n_power_types; i++) {
        assert_string_equal(gr_cn_power_types[i].code, power_codes[i]);
        assert_true(present(gr_cn_power_types[i].name));
        assert_true(present(gr_cn_power_types[i].name_en));
        assert_true(ascii(gr_cn_power_types[i].name_en));
    }
    assert_string_equal(gr_cn_power_types[4].name, "综合管理");
    assert_string_equal(gr_cn_power_types[14].name, "其他行政权力");
}

static void matter_codes_are_unique_and_well_formed(void **state)
{
    assert_true(gr_demo_n_matters >= 60);
    for (size_t i = 0; i < gr_demo_n_matters; i++) {
        const struct gr_matter *m = &gr_demo_matters[i];
        assert_int_equal(strlen(m->code), 4);
        assert_int_equal(m->code[0], 'M');
        assert_true(digits(m->code + 1, 3));
        assert_true(present(m->name));
        for (size_t j = i + 1; j < gr_demo_n_matters; j++) {
            assert_string_not_equal(m->code, gr_demo_matters[j].code);
            assert_string_not_equal(m->name, gr_demo_matters[j].name);
        }
    }
}

static void matters_name_minor_classes_and_power_types(void **state)
{
    size_t n_event = 0, n_part = 0;

    for (size_t i = 0; i < gr_demo_n_matters; i++) {
        const struct gr_matter *m = &gr_demo_matters[i];
        const struct gr_category *c = category(m->category);
        assert_non_null(c);
        assert_non_null(c->parent);
        if (strcmp(c->kind, "part") == 0)
            n_part++;
        else
            n_event++;
        assert_true(power_type_exists(m->power_type));
        assert_true(present(m->legal_basis));
    }
    assert_true(n_event > 0);
    assert_true(n_part > 0);
}

static void every_list_kind_and_governance_is_there(void **state)
{
    size_t lk[4] = {0}, gov[4] = {0}, n_fallback = 0;

    for (size_t i = 0; i < gr_demo_n_matters; i++) {
        const struct gr_matter *m = &gr_demo_matters[i];
        assert_true(m->list_kind >= GR_LK_BASIC && m->list_kind <= GR_LK_RETURNED);
        assert_true(m->governance >= GR_GOV_GOVERNMENT && m->governance <= GR_GOV_SELF);
        lk[m->list_kind]++;
        gov[m->governance]++;
        if (fallback(m))
            n_fallback++;
    }
    for (int k = GR_LK_BASIC; k <= GR_LK_RETURNED; k++)
        assert_true(lk[k] > 0);
    for (int g = GR_GOV_GOVERNMENT; g <= GR_GOV_SELF; g++)
        assert_true(gov[g] > 0);
    assert_true(n_fallback >= 1);
}

static void owners_and_departments(void **state)
{
    for (size_t i = 0; i < gr_demo_n_matters; i++) {
        const struct gr_matter *m = &gr_demo_matters[i];
        if (m->list_kind == GR_LK_BASIC) {
            /* The territorial level owns it, or nobody clearly does (属地兜底). */
            assert_null(m->owner_dept);
            assert_true(m->owner_level == GR_LEVEL_NONE || m->owner_level == GR_LEVEL_GRID ||
                        m->owner_level == GR_LEVEL_COMMUNITY || m->owner_level == GR_LEVEL_STREET);
        } else {
            assert_true(is_dept(m->owner_dept));
            assert_int_equal(m->owner_level, GR_LEVEL_NONE);
        }
        /* Residents govern themselves through the residents' committee. */
        if (m->governance == GR_GOV_SELF) {
            assert_int_equal(m->list_kind, GR_LK_BASIC);
            assert_int_equal(m->owner_level, GR_LEVEL_COMMUNITY);
        }
    }
}

static void co_departments_match_their_count(void **state)
{
    for (size_t i = 0; i < gr_demo_n_matters; i++) {
        const struct gr_matter *m = &gr_demo_matters[i];
        size_t n = 0;
        while (n < GR_MATTER_MAX_CO && m->co_depts[n] != NULL)
            n++;
        assert_int_equal(m->n_co, n);
        for (size_t j = n; j < GR_MATTER_MAX_CO; j++)
            assert_null(m->co_depts[j]);
        for (size_t j = 0; j < n; j++) {
            assert_true(is_dept(m->co_depts[j]));
            if (m->owner_dept != NULL)
                assert_string_not_equal(m->co_depts[j], m->owner_dept);
            for (size_t k = j + 1; k < n; k++)
                assert_string_not_equal(m->co_depts[j], m->co_depts[k]);
        }
    }
}

static void limits_are_positive(void **state)
{
    for (size_t i = 0; i < gr_demo_n_matters; i++) {
        const struct gr_matter *m = &gr_demo_matters[i];
        assert_true(m->respond_limit > 0);
        assert_true(m->resolve_limit > 0);
        assert_true(m->respond_unit == GR_TU_HOURS || m->respond_unit == GR_TU_DAYS);
        assert_true(m->resolve_unit == GR_TU_HOURS || m->resolve_unit == GR_TU_DAYS);
        /* Answered before resolved: within one unit, the response limit is the shorter. */
        if (m->respond_unit == m->resolve_unit)
            assert_true(m->respond_limit <= m->resolve_limit);
        else
            assert_int_equal(m->respond_unit, GR_TU_HOURS);
        /* Urgent matters are answered within working hours, not days. */
        if (m->urgent) {
            assert_int_equal(m->respond_unit, GR_TU_HOURS);
            assert_true(m->respond_limit <= 2);
        }
    }
}

static void every_matter_passes_the_check(void **state)
{
    for (size_t i = 0; i < gr_demo_n_matters; i++) {
        struct gr_matter m = gr_demo_matters[i];
        const char *field = NULL, *why = NULL;

        enum gr_err rc = gr_matter_check(&m, &field, &why);
        if (rc != GR_OK)
            fail_msg("%s %s: %s: %s", m.code, m.name, field ? field : "?", why ? why : "?");
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(category_codes_are_well_formed),
        cmocka_unit_test(minors_sit_under_a_major_of_their_kind),
        cmocka_unit_test(power_types_are_the_vocabulary),
        cmocka_unit_test(matter_codes_are_unique_and_well_formed),
        cmocka_unit_test(matters_name_minor_classes_and_power_types),
        cmocka_unit_test(every_list_kind_and_governance_is_there),
        cmocka_unit_test(owners_and_departments),
        cmocka_unit_test(co_departments_match_their_count),
        cmocka_unit_test(limits_are_positive),
        cmocka_unit_test(every_matter_passes_the_check),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
