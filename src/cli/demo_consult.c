/*
 * demo_consult.c - the demo city's consultations: topics in every stage, with opinions,
 * meetings and paper ballots, among them an elevator for an old building decided by the
 * owners' double majority (Civil Code art. 278) and a parking rule being voted on now.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "../api/api.h"
#include "../core/topic.h"
#include "../core/vote.h"
#include "cli_int.h"

struct ids {
    int64_t id[4096];
    size_t n;
};

static int collect(void *ctx, const struct gr_row *row)
{
    struct ids *ids = ctx;
    if (ids->n < sizeof(ids->id) / sizeof(ids->id[0]))
        ids->id[ids->n++] = row->id;
    return 0;
}

/* Ids of kind k whose field equals id (or, with field NULL, under the node). */
static enum gr_err ids_of(struct gr_store *st, enum gr_kind_id kind, const char *field, int64_t id,
                          struct gr_scope under, struct ids *out)
{
    const struct gr_kind *k = gr_kind_get(kind);
    struct gr_query q = {.all = true, .limit = 4096, .under = under};
    if (field) {
        q.n_filters = 1;
        q.filter_field[0] = gr_kind_field(k, field, strlen(field));
        q.filter_value[0] = (struct gr_value){.present = true, .i = id};
    }
    bool more;
    return gr_store_list(st, k, &q, collect, out, &more);
}

/* Move a topic through the named actions (the stage machine decides where each goes). */
static enum gr_err walk(struct gr_store *st, int64_t topic, const char *const *actions,
                        int64_t actor, const char *note)
{
    for (; *actions; actions++) {
        struct gr_topic t;
        enum gr_err e = gr_store_topic_get(st, topic, &t);
        if (e)
            return e;
        char from[32];
        snprintf(from, sizeof(from), "%s", t.stage);
        struct gr_vote_rule_row v;
        struct gr_topic_state s = {
            .stage = gr_stage_parse(t.stage),
            .has_vote_rule = gr_store_vote_rule_get(st, topic, &v) == GR_OK,
            .passed = t.passed == 1,
            .has_decision = t.decision_text != NULL,
        };
        struct gr_topic_move move;
        const char *why;
        e = gr_topic_check(&s, gr_topic_action_parse(*actions), GR_ACTOR_STAFF, note != NULL, &move,
                           &why);
        if (!e)
            e = gr_store_topic_move(st, topic, from, gr_stage_name(move.to), actor, *actions, note);
        if (e) {
            fprintf(stderr, "grassroots demo: topic %lld %s: %s\n", (long long)topic, *actions,
                    why ? why : gr_strerror(e));
            return e;
        }
    }
    return GR_OK;
}

static enum gr_err topic(struct gr_store *st, int64_t node, int64_t building, int64_t proposer,
                         const char *kind, const char *title, const char *body,
                         const char *category, int64_t *id)
{
    struct gr_topic t = {.scope_node_id = node,
                         .scope_building_id = building,
                         .title = title,
                         .body = body,
                         .category = category,
                         .proposer_user_id = proposer,
                         .proposer_kind = kind};
    return gr_store_topic_create(st, &t, id);
}

static enum gr_err opinion(struct gr_store *st, int64_t topic, int64_t parent, int64_t author,
                           const char *stance, const char *body)
{
    struct gr_opinion o = {.topic_id = topic,
                           .parent_id = parent,
                           .author_user_id = author,
                           .stance = stance,
                           .body = body};
    int64_t id;
    return gr_store_opinion_add(st, &o, 3, &id);
}

static enum gr_err meeting(struct gr_store *st, int64_t topic, int64_t staff, const char *place,
                           const char *minutes, int64_t attendance)
{
    char when[32];
    time_t t = time(NULL) - 3 * 86400;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(when, sizeof(when), "%Y-%m-%dT19:00:00Z", &tm);
    struct gr_meeting m = {.topic_id = topic,
                           .created_by = staff,
                           .held_at = when,
                           .place = place,
                           .agenda = "一、介绍方案；二、听取意见；三、确定表决办法",
                           .minutes = minutes,
                           .participants = "社区党委、居委会、业主代表、物业服务企业",
                           .attendance = attendance};
    int64_t id;
    return gr_store_meeting_add(st, &m, &id);
}

/* A vote rule over households (by count, or owners by area), opened with its electorate
 * frozen, then paper ballots for the households: share_voted of them vote, yes_per_10 of
 * each ten voters say yes, the rest no. */
static enum gr_err vote(struct gr_store *st, int64_t topic_id, int64_t staff,
                        const char *eligibility, const char *pass, bool live, int64_t opens,
                        int64_t closes, const struct ids *households, int share_voted_pct,
                        int yes_per_10)
{
    struct gr_vote_rule_row v = {.eligibility = eligibility,
                                 .kind = "yes_no",
                                 .options = "[\"同意\",\"不同意\",\"弃权\"]",
                                 .pass = pass,
                                 .max_choices = 1,
                                 .quorum_num = 0,
                                 .quorum_den = 1,
                                 .live_results = live,
                                 .opens_at = opens,
                                 .closes_at = closes};
    enum gr_err e = gr_store_vote_rule_set(st, topic_id, &v);
    static const char *const open[] = {"open_voting", NULL};
    if (!e)
        e = walk(st, topic_id, open, staff, NULL);
    struct gr_topic t;
    if (!e)
        e = gr_store_topic_get(st, topic_id, &t);
    if (!e) {
        struct gr_scope s = {t.anc.id[GR_LEVEL_GRID] == t.scope_node_id ? GR_LEVEL_GRID
                                                                        : GR_LEVEL_COMMUNITY,
                             t.scope_node_id};
        e = gr_store_electorate_freeze(st, topic_id, eligibility, s, t.scope_building_id, 0, NULL,
                                       0);
    }
    size_t voters = households->n * (size_t)share_voted_pct / 100;
    for (size_t i = 0; !e && i < voters; i++) {
        /* From the last household back: the demo resident's (among the first) can still vote
         * online. */
        int64_t household = households->id[households->n - 1 - i];
        char key[32], slot[65];
        snprintf(key, sizeof(key), "h:%lld", (long long)household);
        int64_t a = 0;
        if ((e = gr_store_elector(st, topic_id, key, &a)))
            break;
        const char *choice = (int)(i % 10) < yes_per_10 ? "0" : "1";
        e = gr_api_ballot_slot(st, topic_id, key, slot);
        if (!e)
            e = gr_store_vote_cast(st, topic_id, key, slot, choice, a, "paper", staff, false);
    }
    return e;
}

/* Close a vote: the tally decided by core, the digest of the ballot log kept. */
static enum gr_err close_vote(struct gr_store *st, int64_t topic_id, int64_t staff)
{
    struct gr_vote_rule_row v;
    enum gr_err e = gr_store_vote_rule_get(st, topic_id, &v);
    if (e)
        return e;
    struct gr_vote_rule rule = {.eligibility = gr_vote_eligibility_parse(v.eligibility),
                                .kind = GR_VOTE_YES_NO,
                                .n_options = 3,
                                .max_choices = 1,
                                .pass = gr_vote_pass_parse(v.pass),
                                .quorum_num = v.quorum_num,
                                .quorum_den = v.quorum_den};
    struct gr_tally t = {.eligible = v.eligible, .eligible_area = v.eligible_area};
    struct gr_vote_outcome out;
    char digest[65];
    e = gr_store_tally(st, topic_id, t.count, t.area, 3, &t.voted, &t.voted_area);
    if (!e)
        e = gr_store_ballot_digest(st, topic_id, digest);
    if (!e) {
        gr_vote_decide(&rule, &t, &out);
        e = gr_store_topic_outcome(st, topic_id, out.passed, digest);
    }
    static const char *const close[] = {"close_voting", NULL};
    return e ? e : walk(st, topic_id, close, staff, NULL);
}

enum gr_err gr_cli_demo_consult(struct gr_store *st, int64_t community, int64_t grid, int64_t staff,
                                int64_t resident)
{
    int64_t now = (int64_t)time(NULL), id;
    struct gr_scope in_grid = {GR_LEVEL_GRID, grid}, in_community = {GR_LEVEL_COMMUNITY, community};
    struct ids buildings = {.n = 0}, units, households, all_households;
    enum gr_err e =
        ids_of(st, GR_K_BUILDINGS, "grid_id", grid, (struct gr_scope){0, 0}, &buildings);
    if (e || buildings.n < 2)
        return e;
    /* The households of the grid's second building (an old one without a lift). */
    households.n = 0;
    units.n = 0;
    if ((e = ids_of(st, GR_K_UNITS, "building_id", buildings.id[1], (struct gr_scope){0, 0},
                    &units)))
        return e;
    for (size_t i = 0; !e && i < units.n; i++)
        e = ids_of(st, GR_K_HOUSEHOLDS, "unit_id", units.id[i], (struct gr_scope){0, 0},
                   &households);
    all_households.n = 0;
    if (!e)
        e = ids_of(st, GR_K_HOUSEHOLDS, NULL, 0, in_grid, &all_households);
    (void)in_community;
    if (e)
        return e;

    /* 1. The elevator: owners of the building, special matter, passed, implementing. */
    static const char *const to_voting[] = {"accept", "start_deliberation", NULL};
    e = topic(st, grid, buildings.id[1], resident, "resident", "2栋加装电梯",
              "2栋建于1995年，共6层，无电梯，老年住户上下楼困难。拟申请既有住宅加装电梯补助，"
              "费用按楼层分摊，请全体业主表决。",
              "既有住宅加装电梯", &id);
    if (!e)
        e = walk(st, id, to_voting, staff, NULL);
    if (!e)
        e = opinion(st, id, 0, resident, "for", "家里老人腿脚不便，每天上下楼很吃力，支持加装。");
    if (!e)
        e = opinion(st, id, 1, staff, "against",
                    "一楼住户担心采光和噪音，建议方案里写明补偿办法。");
    if (!e)
        e = opinion(st, id, 0, staff, "neutral", "请物业提供电梯日常维护费用的测算。");
    if (!e)
        e = meeting(st, id, staff, "社区党群服务中心二楼会议室",
                    "社区党委书记主持。设计单位介绍方案；一楼住户提出采光顾虑，经协商由高层住户"
                    "按楼层给予一次性补偿；物业承诺维保报价公开。会议同意提交业主表决。",
                    31);
    if (!e)
        e = vote(st, id, staff, "owners", "owners_special", false, now - 10 * 86400,
                 now - 2 * 86400, &households, 90, 9);
    if (!e)
        e = close_vote(st, id, staff);
    if (!e)
        e = gr_store_topic_decide(st, id,
                                  "经参与表决的业主人数和专有部分面积均达四分之三以上同意，"
                                  "2栋加装电梯。由业主委员会委托施工单位实施，社区全程监督。",
                                  0, "业主委员会主任", staff);
    static const char *const implement[] = {"start_implementation", NULL};
    if (!e)
        e = walk(st, id, implement, staff, NULL);
    /* Implementation under way: design done, the lift bought, the shaft being built. */
    static const struct {
        const char *title, *due, *note;
        int progress;
    } items[] = {{"施工图设计与审查", "2026-10-15", "施工图已通过审查", 100},
                 {"电梯采购与监造", "2026-12-20", "合同已签订，设备生产中", 60},
                 {"井道基础与钢结构施工", "2027-02-28", "基础开挖完成", 20},
                 {"安装调试与特种设备验收", "2027-04-30", NULL, 0}};
    for (size_t i = 0; !e && i < sizeof(items) / sizeof(items[0]); i++) {
        int64_t item;
        e = gr_store_item_add(st, id, items[i].title, items[i].due, &item);
        if (!e && items[i].progress)
            e = gr_store_item_progress(st, id, item, items[i].progress, staff, items[i].note);
    }

    /* 2. Parking: one vote per household of the grid, voting now, live results. */
    if (!e)
        e = topic(st, grid, 0, staff, "residents_committee", "小区停车管理规定",
                  "小区车位紧张，消防通道常被占用。拟划定固定车位、外来车辆限时停放，"
                  "消防通道全天禁停，请各户表决。",
                  "停车管理", &id);
    if (!e)
        e = walk(st, id, to_voting, staff, NULL);
    if (!e)
        e = opinion(st, id, 0, resident, "for", "消防通道必须清出来，支持。");
    if (!e)
        e = meeting(st, id, staff, "小区议事亭", "居民代表、物业、业委会协商停车方案，形成表决稿。",
                    18);
    if (!e)
        e = vote(st, id, staff, "households", "majority", true, now - 86400, now + 6 * 86400,
                 &all_households, 35, 7);

    /* 3. The garden: decided by the households, renovation under way. */
    if (!e)
        e = topic(st, grid, 0, resident, "resident", "社区小花园改造",
                  "把楼间闲置空地改造成口袋花园，增加座椅和儿童游乐设施，晚上十点后关闭照明。",
                  "环境改善", &id);
    if (!e)
        e = walk(st, id, to_voting, staff, NULL);
    if (!e)
        e = opinion(st, id, 0, resident, "for", "孩子们需要一个安全的玩耍地方。");
    if (!e)
        e = opinion(st, id, 0, staff, "against", "担心晚上有人聚集影响休息，建议限定开放时间。");
    if (!e)
        e = meeting(st, id, staff, "小区议事亭",
                    "居民代表与共建单位园林所协商方案，采纳限定开放时间的意见，园林所出资施工。",
                    15);
    if (!e)
        e = vote(st, id, staff, "households", "majority", false, now - 20 * 86400, now - 12 * 86400,
                 &all_households, 55, 8);
    if (!e)
        e = close_vote(st, id, staff);
    if (!e)
        e = gr_store_topic_decide(st, id,
                                  "经参与表决户过半数同意，改造楼间空地为口袋花园，"
                                  "22:00 后关闭照明。由居委会牵头，共建单位园林所施工。",
                                  0, "居委会主任", staff);
    if (!e)
        e = walk(st, id, implement, staff, NULL);
    static const struct {
        const char *title, *due, *note;
        int progress;
    } garden[] = {{"清理空地与土方平整", "2026-11-10", "已完成", 100},
                  {"座椅与儿童设施安装", "2026-12-15", "座椅已安装，游乐设施到货", 50},
                  {"绿化种植", "2027-03-20", NULL, 0}};
    for (size_t i = 0; !e && i < sizeof(garden) / sizeof(garden[0]); i++) {
        int64_t item;
        e = gr_store_item_add(st, id, garden[i].title, garden[i].due, &item);
        if (!e && garden[i].progress)
            e = gr_store_item_progress(st, id, item, garden[i].progress, staff, garden[i].note);
    }

    /* 4. Proposed; 5. collecting; 6. declined. */
    if (!e)
        e = topic(st, grid, 0, resident, "resident", "楼道堆物清理公约",
                  "楼道里堆放杂物有消防隐患，建议制定楼道堆物清理公约。", "公共秩序", &id);
    if (!e)
        e = topic(st, grid, 0, resident, "resident", "增设智能快递柜",
                  "快递经常放在门口丢失，建议在小区门口增设智能快递柜。", "便民服务", &id);
    static const char *const accept[] = {"accept", NULL};
    if (!e)
        e = walk(st, id, accept, staff, NULL);
    if (!e)
        e = opinion(st, id, 0, resident, "for", "支持，最好能放在有遮雨的位置。");
    if (!e)
        e = topic(st, grid, 0, resident, "resident", "限制广场舞音量",
                  "晚上广场舞音响太响，影响休息。", "公共秩序", &id);
    static const char *const decline[] = {"decline", NULL};
    if (!e)
        e = walk(st, id, decline, staff,
                 "属于噪声管理执法事项，已转城市管理部门按诉求件办理，不作为议题。");
    return e;
}
