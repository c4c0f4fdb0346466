/*
 * demo_names.c - the words of the demo city: districts and streets of Nanchang, place
 * words, surnames weighted as in Jiangxi, given names by generation, phone, id and credit
 * code numbers with their check characters.
 *
 * Tables are constant; the only state is the surname lookup built by gr_demo_names_init().
 */
#include "demo_int.h"

#define LIST(a)                                                                                    \
    {                                                                                              \
        a, sizeof(a) / sizeof((a)[0]) - 1                                                          \
    }

/* ---- Districts and their streets (streets and towns as of the early 2020s). ---- */

static const char *const s_donghu[] = {"公园街道",   "滕王阁街道", "百花洲街道", "豫章街道",
                                       "董家窑街道", "墩子塘街道", "大院街道",   "彭家桥街道",
                                       "贤士湖街道", NULL};
static const char *const s_xihu[] = {"南浦街道",   "朝阳洲街道", "广润门街道", "西湖街道",
                                     "系马桩街道", "绳金塔街道", "十字街街道", "丁公路街道",
                                     "南站街道",   "桃源街道",   "朝农街道",   NULL};
static const char *const s_qingyunpu[] = {"洪都街道",   "京山街道",   "岱山街道", "徐家坊街道",
                                          "三家店街道", "青云谱街道", NULL};
static const char *const s_wanli[] = {"站前街道", "幸福街道", "招贤镇", "梅岭镇",
                                      "太平镇",   "罗亭镇",   NULL};
static const char *const s_qingshanhu[] = {"上海路街道", "青山路街道", "湖坊街道",   "塘山街道",
                                           "京东街道",   "罗家街道",   "艾溪湖街道", NULL};
static const char *const s_xinjian[] = {
    "长堎街道", "望城镇", "西山镇", "石岗镇", "松湖镇", "樵舍镇", "乐化镇", "溪霞镇", "象山镇",
    "石埠镇",   "流湖镇", "联圩镇", "昌邑乡", "南矶乡", "厚田乡", "金桥乡", "铁河乡", NULL};
static const char *const s_honggutan[] = {"沙井街道",   "卫东街道", "红角洲街道", "凤凰洲街道",
                                          "九龙湖街道", "生米街道", NULL};
static const char *const s_nanchangxian[] = {
    "莲塘镇", "向塘镇", "三江镇", "塘南镇", "幽兰镇", "蒋巷镇", "武阳镇", "冈上镇", "广福镇",
    "泾口乡", "南新乡", "塔城乡", "黄马乡", "富山乡", "东新乡", "八一乡", NULL};
static const char *const s_anyi[] = {"龙津镇", "万埠镇", "长埠镇", "东阳镇", "鼎湖镇", "石鼻镇",
                                     "黄洲镇", "乔乐乡", "长均乡", "新民乡", NULL};
static const char *const s_jinxian[] = {
    "民和镇",   "李渡镇", "温圳镇", "文港镇",   "梅庄镇", "张公镇", "罗溪镇",
    "架桥镇",   "前坊镇", "三里乡", "二塘乡",   "钟陵乡", "池溪乡", "南台乡",
    "三阳集乡", "七里乡", "衙前乡", "下埠集乡", "白圩乡", "泉岭乡", NULL};
static const char *const s_gaoxin[] = {"艾溪湖北街道", "瑶湖街道", "昌东镇", "麻丘镇", NULL};
static const char *const s_jingkai[] = {"蛟桥街道", "白水湖街道", "枫林街道", NULL};
static const char *const s_none[] = {NULL};

/* The first two are the small demo; the rest fill the city scale. Codes of the three
 * development zones and the new area are made up in the 3601 7x range. */
const struct gr_demo_district gr_demo_districts[] = {
    {"东湖区", "360102", false, s_donghu},
    {"西湖区", "360103", false, s_xihu},
    {"青云谱区", "360104", false, s_qingyunpu},
    {"青山湖区", "360111", false, s_qingshanhu},
    {"红谷滩区", "360113", false, s_honggutan},
    {"新建区", "360112", true, s_xinjian},
    {"南昌县", "360121", true, s_nanchangxian},
    {"湾里区", "360105", true, s_wanli},
    {"安义县", "360123", true, s_anyi},
    {"进贤县", "360124", true, s_jinxian},
    {"南昌高新技术产业开发区", "360171", false, s_gaoxin},
    {"南昌经济技术开发区", "360172", false, s_jingkai},
    {"南昌小蓝经济技术开发区", "360173", true, s_none},
    {"赣江新区直管区", "360174", true, s_none},
    {"桑海经济技术开发区", "360175", true, s_none},
};
const size_t gr_demo_n_districts = sizeof(gr_demo_districts) / sizeof(gr_demo_districts[0]);

/* ---- Place words. ---- */

static const char *const w_places[] = {
    "青云", "象湖", "莲塘", "梅岭", "艾溪", "瑶湖", "贤士", "青山", "湖坊", "顺化", "抚河", "赣江",
    "滨江", "朝阳", "向阳", "光明", "幸福", "和平", "建设", "胜利", "民主", "团结", "友谊", "东方",
    "红星", "新洲", "沿江", "九洲", "丰和", "红谷", "凤凰", "龙王", "望城", "昌北", "昌南", "青桥",
    "彭桥", "董家", "百花", "滕王", "豫章", "孺子", "阳明", "永叔", "子固", "叠山", "船山", "中山",
    "八一", "解放", "人民", "新华", "站前", "洪都", "京山", "岱山", "徐坊", "施尧", "湖滨", "北湖",
    "南湖", "西湖", "东湖", "金盘", "上池", "下沙", "万寿", "绳金", "广润", "系马", "铁路", "电厂",
    "纺织", "钢城", "化纤", "交通", "邮电", "航空", "机械", "粮食", "城建", "水利", "农科", "江大",
    "师大", "省府", "市府", "桃花", "桃源", "桂苑", "兰苑", "梅苑", "竹苑", "松柏", "玉带", "金沙",
    "银湖", "翠林", "枫林", "杨柳", "荷塘", "莲花", "芳华", "锦绣", "华山", "庐山", "井冈", "南浦",
    "章江", "贡江", "修水", "信江", "饶河", "鄱阳", "青岚", "紫阳", "紫金", "金桥", "银河", "长青",
    "常青", "新港", "新园", "高新", "创新", "科技", "文教", "学府", "书院", "状元", "进士", "杏林",
    "博爱", "仁和", "怡和", "雅苑", "安居", "康乐", "福寿", "长春", "永和", "恒茂", "洪城", "赣新",
    "顺外", "罗家", "塘山", "京东", "上海", "北京", "南京", "洪湾", "新溪", "柏林", "洪客", "云锦",
    "蛟桥", "白水", "双港", "礼步", "湾里", "招贤", "太平", "罗亭", "生米", "卫东", "红角", "九龙",
    "龙兴", "沙井", "碟子", "前湖", "后湖", "丁公", "桃苑", "朝农", "十字", "南站", "月池", "迎宾",
    "昌东", "麻丘", "瑶里", "艾湖", "金湖", "春晖", "秋水", "落霞", "孤鹜", "滕阁", "绿茵", "长堎",
    "望湖", "映月", "观澜", "临江", "傍湖", "青湖", NULL};
const struct gr_demo_list gr_demo_places = LIST(w_places);

static const char *const w_community_suffixes[] = {"",     "",     "",   "路", "里", "苑", "新村",
                                                   "花园", "家园", "一", "二", "三", "东", "西",
                                                   "南",   "北",   "湾", "园", "城", NULL};
const struct gr_demo_list gr_demo_community_suffixes = LIST(w_community_suffixes);

static const char *const w_village_suffixes[] = {"",   "",   "家", "坊", "桥", "湾", "山",
                                                 "岗", "洲", "塘", "垄", "埠", NULL};
const struct gr_demo_list gr_demo_village_suffixes = LIST(w_village_suffixes);

static const char *const w_estate_suffixes[] = {
    "花园", "小区", "新村", "家园", "苑",   "名都", "华府", "公馆", "雅居", "佳园",
    "锦城", "湾",   "府",   "公寓", "山庄", "一品", "嘉园", "御园", NULL};
const struct gr_demo_list gr_demo_estate_suffixes = LIST(w_estate_suffixes);

static const char *const w_roads[] = {
    "八一大道", "阳明路",     "叠山路",     "北京西路",   "井冈山大道", "洪都中大道", "象山北路",
    "解放西路", "孺子路",     "永叔路",     "胜利路",     "中山路",     "船山路",     "子固路",
    "民德路",   "沿江北大道", "红谷中大道", "丰和中大道", "庐山南大道", "赣江北大道", "昌东大道",
    "青山南路", "上海路",     "南京东路",   "湖滨南路",   "站前路",     "迎宾大道",   "莲塘大道",
    "金沙大道", "京东大道",   "紫阳大道",   "艾溪湖北路", "天祥大道",   "高新大道",   "南昌大道",
    "昌北大道", "蛟桥大道",   "枫林大道",   "双港大道",   "学府大道",   "九龙大道",   "世贤路",
    "抚生路",   "顺化门路",   "广场南路",   "二七北路",   "贤士路",     "洛阳路",     NULL};
const struct gr_demo_list gr_demo_roads = LIST(w_roads);

static const char *const w_departments[] = {"城市管理局",
                                            "住房和城乡建设局",
                                            "市场监督管理局",
                                            "公安分局",
                                            "生态环境分局",
                                            "民政局",
                                            "卫生健康委员会",
                                            "教育体育局",
                                            "应急管理局",
                                            "司法局",
                                            "人力资源和社会保障局",
                                            "退役军人事务局",
                                            NULL};
const struct gr_demo_list gr_demo_departments = LIST(w_departments);

static const char *const w_brands[] = {
    "洪城", "赣鄱", "豫章", "滕王", "绿源", "恒通", "华泰", "正荣", "昌盛", "瑞丰",
    "鸿运", "万家", "金洪", "赣新", "信达", "博远", "嘉禾", "汇通", "宏图", "长江",
    "鄱湖", "红土", "庐峰", "三清", "天祥", "卓越", "润泽", "安泰", "和顺", "兴业",
    "富源", "聚力", "同心", "明远", "启航", "青云", NULL};
const struct gr_demo_list gr_demo_brands = LIST(w_brands);

static const char *const w_industries[] = {"建设工程有限公司",
                                           "物流有限公司",
                                           "科技有限公司",
                                           "食品有限公司",
                                           "医药连锁有限公司",
                                           "商贸有限公司",
                                           "电子科技有限公司",
                                           "环境工程有限公司",
                                           "餐饮管理有限公司",
                                           "家政服务有限公司",
                                           "实业有限公司",
                                           "文化传媒有限公司",
                                           NULL};
const struct gr_demo_list gr_demo_industries = LIST(w_industries);

static const char *const w_work_units[] = {"江西省人民医院",
                                           "南昌大学",
                                           "江西师范大学",
                                           "南昌市第一医院",
                                           "国网南昌供电公司",
                                           "江西银行南昌分行",
                                           "南昌市公安局",
                                           "国家税务总局南昌市税务局",
                                           "中国邮政集团有限公司南昌市分公司",
                                           "南昌轨道交通集团有限公司",
                                           "江西省交通运输厅",
                                           "南昌市城市管理局",
                                           "南昌市第二中学",
                                           "中国铁路南昌局集团有限公司",
                                           "南昌市教育局",
                                           "江西省财政厅",
                                           "南昌市自然资源局",
                                           "南昌市水务集团有限公司",
                                           "江西日报社",
                                           "南昌市住房公积金管理中心",
                                           NULL};
const struct gr_demo_list gr_demo_work_units = LIST(w_work_units);

static const char *const w_cobuild_contents[] = {
    "共同开展党员志愿服务、环境整治和政策宣讲，每季度至少开展一次联合主题党日活动。",
    "结对帮扶困难群众，共享党群服务阵地，推动人员、资源、服务下沉社区。",
    "联合开展矛盾纠纷排查化解和安全隐患巡查，建立问题清单、责任清单和需求清单。",
    "共同推进老旧小区改造、停车管理和物业服务提升，重大事项联席会议协商。",
    "在职党员到社区报到服务，认领微心愿，参与网格巡查和文明创建。",
    NULL};
const struct gr_demo_list gr_demo_cobuild_contents = LIST(w_cobuild_contents);

/* ---- Surnames, weighted roughly as in Jiangxi (per ten thousand people). ---- */

struct weighted {
    const char *s;
    uint16_t w;
};

static const struct weighted surnames[] = {
    {"刘", 560}, {"李", 520}, {"陈", 500},  {"王", 480}, {"张", 420}, {"黄", 330}, {"胡", 300},
    {"吴", 290}, {"杨", 260}, {"罗", 250},  {"徐", 240}, {"熊", 200}, {"周", 200}, {"彭", 180},
    {"邓", 170}, {"朱", 170}, {"肖", 160},  {"曾", 160}, {"万", 150}, {"余", 150}, {"谢", 140},
    {"涂", 120}, {"邹", 120}, {"郭", 120},  {"何", 120}, {"付", 110}, {"钟", 110}, {"廖", 100},
    {"高", 100}, {"饶", 90},  {"聂", 90},   {"龚", 90},  {"程", 90},  {"汪", 90},  {"林", 90},
    {"章", 80},  {"喻", 80},  {"赖", 80},   {"唐", 80},  {"叶", 80},  {"江", 80},  {"赵", 80},
    {"舒", 70},  {"宋", 70},  {"许", 70},   {"曹", 70},  {"袁", 70},  {"邱", 70},  {"孙", 70},
    {"甘", 60},  {"蔡", 60},  {"魏", 60},   {"卢", 60},  {"易", 60},  {"雷", 60},  {"夏", 60},
    {"方", 60},  {"郑", 60},  {"韩", 50},   {"冯", 50},  {"潘", 50},  {"姚", 50},  {"文", 50},
    {"马", 50},  {"梁", 50},  {"蒋", 50},   {"邵", 40},  {"戴", 40},  {"温", 40},  {"严", 40},
    {"董", 40},  {"田", 40},  {"杜", 40},   {"苏", 40},  {"丁", 40},  {"谭", 40},  {"范", 40},
    {"金", 40},  {"石", 40},  {"陶", 40},   {"黎", 40},  {"毛", 40},  {"汤", 40},  {"吕", 30},
    {"任", 30},  {"沈", 30},  {"姜", 30},   {"陆", 30},  {"尹", 30},  {"侯", 30},  {"龙", 30},
    {"贺", 30},  {"游", 30},  {"于", 20},   {"贾", 20},  {"白", 20},  {"孟", 20},  {"秦", 20},
    {"薛", 20},  {"段", 20},  {"史", 20},   {"顾", 20},  {"钱", 20},  {"武", 20},  {"莫", 20},
    {"孔", 20},  {"向", 20},  {"欧阳", 20}, {"皮", 20},  {"桂", 20},  {"晏", 20},  {"简", 20},
    {"艾", 20},  {"崔", 10},  {"韦", 10},   {"闫", 10},  {"郝", 10},  {"覃", 10},  {"幸", 10},
    {"揭", 10},  {"漆", 10},  {"帅", 10},   {"上官", 5},
};
#define N_SURNAMES (sizeof(surnames) / sizeof(surnames[0]))

void gr_demo_names_init(struct gr_demo_names *nm)
{
    uint32_t total = 0, cum = 0;
    for (size_t i = 0; i < N_SURNAMES; i++)
        total += surnames[i].w;
    size_t k = 0;
    cum = surnames[0].w;
    for (uint32_t i = 0; i < GR_DEMO_SURNAME_LUT; i++) {
        /* Entry i stands for the weight at the middle of its 1/4096 slice. */
        uint64_t at = ((uint64_t)i * 2 + 1) * total / (2 * GR_DEMO_SURNAME_LUT);
        while (at >= cum && k + 1 < N_SURNAMES)
            cum += surnames[++k].w;
        nm->surname[i] = (uint16_t)k;
    }
}

const char *gr_demo_surname(const struct gr_demo_names *nm, struct gr_demo_rng *r)
{
    return surnames[nm->surname[gr_demo_rng_next(r) >> 52]].s;
}

/* ---- Given names by generation. ---- */

static const char *const g_old_m[] = {
    "建国", "国华", "志强", "德明", "春生", "国强", "建华", "家富", "金生", "水生", "根生",
    "长庚", "福生", "洪亮", "振华", "立新", "卫东", "红兵", "建军", "庆华", "光明", "文华",
    "国平", "桂生", "冬生", "和平", "新民", "永康", "德胜", "茂林", NULL};
static const char *const g_old_f[] = {"秀英", "桂英", "秀兰", "玉兰", "桂兰", "凤英", "玉珍",
                                      "淑珍", "冬梅", "春花", "秀珍", "金花", "桂香", "美华",
                                      "红梅", "素珍", "菊英", "翠兰", "月娥", "桂花", "爱华",
                                      "小英", "水英", "细妹", "满英", "腊梅", NULL};
static const char *const g_mid_m[] = {
    "伟",   "强",   "磊",   "军",   "勇",   "杰",   "涛",   "斌",   "超",   "明",   "刚",
    "平",   "辉",   "鹏",   "华",   "飞",   "波",   "浩",   "林",   "峰",   "志刚", "海涛",
    "建平", "晓东", "小军", "文斌", "俊杰", "永红", "建明", "志勇", "国栋", "海波", "卫国",
    "小平", "剑锋", "云峰", "晓峰", "建新", "东升", "文杰", NULL};
static const char *const g_mid_f[] = {
    "丽",   "芳",   "静",   "敏",   "燕",   "艳",   "娟",   "霞",   "婷",   "琴",
    "红",   "玲",   "萍",   "英",   "慧",   "颖",   "莉",   "梅",   "娜",   "洁",
    "丽华", "小红", "晓燕", "春燕", "雪梅", "海燕", "丽娟", "玉梅", "小玲", "晓霞",
    "丽萍", "文静", "美玲", "红霞", "秋菊", "慧敏", NULL};
static const char *const g_young_m[] = {
    "子轩", "浩然", "宇轩", "俊熙", "浩宇", "梓豪", "一鸣", "子豪", "皓轩", "宇航", "博文",
    "思远", "天佑", "明轩", "睿",   "泽宇", "嘉懿", "锦程", "鑫",   "晨阳", "俊宇", "梓睿",
    "宇辰", "文博", "昊天", "子墨", "奕辰", "铭泽", "一航", "煜",   NULL};
static const char *const g_young_f[] = {
    "梓涵", "一诺", "欣怡", "诗涵", "雨桐", "子涵", "可馨", "梓萱", "语嫣", "思琪", "佳怡",
    "欣妍", "若汐", "雨欣", "紫涵", "晨曦", "依诺", "芷若", "心怡", "梦瑶", "雅琪", "诗琪",
    "佳琪", "悦",   "静怡", "沐晴", "安琪", "思彤", "语桐", "可欣", NULL};
/* Characters combined into two-character names: a first and a second position each. */
static const char *const c_m1[] = {"文", "明", "志", "国", "建", "晓", "俊", "宏", "家", "永", "海",
                                   "学", "振", "德", "嘉", "思", "子", "浩", "宇", "泽", NULL};
static const char *const c_m2[] = {"军", "华", "强", "林", "峰", "涛", "斌", "亮", "杰", "鹏", "明",
                                   "伟", "平", "辉", "轩", "然", "博", "成", "龙", "辰", NULL};
static const char *const c_f1[] = {"丽", "秀", "玉", "晓", "美", "雅", "静", "婷", "慧", "佳", "欣",
                                   "诗", "雨", "梦", "思", "若", "紫", "春", "秋", "海", NULL};
static const char *const c_f2[] = {"芳", "燕", "玲", "琳", "娟", "霞", "敏", "洁", "萍", "怡", "涵",
                                   "琪", "彤", "颖", "婷", "华", "红", "兰", "梅", "丹", NULL};

static const struct gr_demo_list l_old_m = LIST(g_old_m), l_old_f = LIST(g_old_f);
static const struct gr_demo_list l_mid_m = LIST(g_mid_m), l_mid_f = LIST(g_mid_f);
static const struct gr_demo_list l_young_m = LIST(g_young_m), l_young_f = LIST(g_young_f);
static const struct gr_demo_list l_c_m1 = LIST(c_m1), l_c_m2 = LIST(c_m2);
static const struct gr_demo_list l_c_f1 = LIST(c_f1), l_c_f2 = LIST(c_f2);

void gr_demo_given_name(struct gr_demo_rng *r, bool male, int birth_year, struct gr_demo_text *t)
{
    const struct gr_demo_list *l;
    if (birth_year < 1965)
        l = male ? &l_old_m : &l_old_f;
    else if (birth_year < 1990)
        l = male ? &l_mid_m : &l_mid_f;
    else
        l = male ? &l_young_m : &l_young_f;
    if (gr_demo_rng_chance(r, 0.35)) { /* a composed two-character name */
        gr_demo_text_add(t, gr_demo_pick(r, male ? &l_c_m1 : &l_c_f1));
        gr_demo_text_add(t, gr_demo_pick(r, male ? &l_c_m2 : &l_c_f2));
        return;
    }
    gr_demo_text_add(t, gr_demo_pick(r, l));
}

void gr_demo_person_name(const struct gr_demo_names *nm, struct gr_demo_rng *r, const char *surname,
                         bool male, int birth_year, struct gr_demo_text *t)
{
    gr_demo_text_clear(t);
    gr_demo_text_add(t, surname ? surname : gr_demo_surname(nm, r));
    gr_demo_given_name(r, male, birth_year, t);
}

/* ---- Numbers. ---- */

static const char *const mobile_prefixes[] = {
    "130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152",
    "155", "156", "157", "158", "159", "166", "173", "176", "177", "178", "180", "181",
    "182", "183", "185", "186", "187", "188", "189", "191", "193", "195", "198", "199"};

static void digits(struct gr_demo_rng *r, char *out, int n)
{
    uint64_t v = gr_demo_rng_next(r);
    for (int i = 0; i < n; i++) {
        out[i] = (char)('0' + v % 10);
        v /= 10;
    }
}

void gr_demo_phone(struct gr_demo_rng *r, char out[12])
{
    size_t n = sizeof(mobile_prefixes) / sizeof(mobile_prefixes[0]);
    memcpy(out, mobile_prefixes[gr_demo_rng_below(r, (uint32_t)n)], 3);
    digits(r, out + 3, 8);
    out[11] = '\0';
}

void gr_demo_landline(struct gr_demo_rng *r, char out[16])
{
    memcpy(out, "0791-8", 6);
    digits(r, out + 6, 7);
    out[13] = '\0';
}

static const char *const jiangxi_counties[] = {
    "360102", "360103", "360104", "360111", "360112", "360121", "360123", "360124",
    "360202", "360222", "360281", "360302", "360313", "360402", "360403", "360424",
    "360428", "360430", "360502", "360602", "360681", "360702", "360704", "360721",
    "360782", "360802", "360821", "360881", "360902", "360921", "360981", "361002",
    "361021", "361025", "361102", "361103", "361128", "361181"};

const char *gr_demo_birthplace(struct gr_demo_rng *r, const char *local)
{
    if (gr_demo_rng_chance(r, 0.6))
        return local;
    size_t n = sizeof(jiangxi_counties) / sizeof(jiangxi_counties[0]);
    return jiangxi_counties[gr_demo_rng_below(r, (uint32_t)n)];
}

char gr_demo_id_check(const char *first17)
{
    static const int w[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
    int sum = 0;
    for (int i = 0; i < 17; i++)
        sum += (first17[i] - '0') * w[i];
    return "10X98765432"[sum % 11];
}

static int days_in_month(int y, int m)
{
    static const int md[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return md[m - 1] + (m == 2 && leap);
}

static void put2(char *p, int v)
{
    p[0] = (char)('0' + v / 10);
    p[1] = (char)('0' + v % 10);
}

static void put4(char *p, int v)
{
    put2(p, v / 100);
    put2(p + 2, v % 100);
}

void gr_demo_id_number(struct gr_demo_rng *r, const char *region, int year, bool male, char out[19])
{
    int m = gr_demo_rng_range(r, 1, 12), d = gr_demo_rng_range(r, 1, days_in_month(year, m));
    int seq = gr_demo_rng_range(r, 0, 499) * 2 + (male ? 1 : 0); /* odd: male, even: female */
    memcpy(out, region, 6);
    put4(out + 6, year);
    put2(out + 10, m);
    put2(out + 12, d);
    out[14] = (char)('0' + seq / 100);
    put2(out + 15, seq % 100);
    out[17] = gr_demo_id_check(out);
    out[18] = '\0';
}

void gr_demo_date(struct gr_demo_rng *r, int y0, int y1, char out[11])
{
    int y = gr_demo_rng_range(r, y0, y1), m = gr_demo_rng_range(r, 1, 12);
    int d = gr_demo_rng_range(r, 1, days_in_month(y, m));
    put4(out, y);
    out[4] = '-';
    put2(out + 5, m);
    out[7] = '-';
    put2(out + 8, d);
    out[10] = '\0';
}

/* GB 32100: 31 characters without I, O, Z, S, V; weights 3^i mod 31. The embedded
 * organisation code follows GB 11714 (weights 3 7 9 10 5 8 4 2, check mod 11). */
void gr_demo_uscc(const char *kind2, const char *region, uint64_t serial, uint64_t salt,
                  char out[19])
{
    static const char cs[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";
    static const int w_org[8] = {3, 7, 9, 10, 5, 8, 4, 2};
    static const int w_cc[17] = {1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28};
    /* A bijection of the serial modulo 10^8 (48271 is prime to 10): distinct serials give
     * distinct codes. */
    uint64_t body = (serial * 48271u + salt) % 100000000u;
    memcpy(out, kind2, 2);
    memcpy(out + 2, region, 6);
    int sum = 0;
    for (int i = 7; i >= 0; i--) {
        int dgt = (int)(body % 10);
        body /= 10;
        out[8 + i] = (char)('0' + dgt);
        sum += dgt * w_org[i];
    }
    int c = 11 - sum % 11;
    out[16] = c == 10 ? 'X' : (c == 11 ? '0' : (char)('0' + c));
    sum = 0;
    for (int i = 0; i < 17; i++)
        sum += (int)(strchr(cs, out[i]) - cs) * w_cc[i];
    out[17] = cs[(31 - sum % 31) % 31];
    out[18] = '\0';
}
