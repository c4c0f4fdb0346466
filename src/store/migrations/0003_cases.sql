-- 0003_cases.sql - residents' requests and events (案件): the responsibility list, the
-- working calendar, cases with their append-only events, summoned departments' sub-tasks,
-- photos, notifications, Open311 keys, and the rollups behind every figure.
-- Moments are Unix seconds; calendar days are local dates 'YYYY-MM-DD'.

-- Event and part classes (GB/T 30428): a major class and its minor classes.
CREATE TABLE categories (
    code TEXT PRIMARY KEY,
    parent_code TEXT REFERENCES categories(code),
    kind TEXT NOT NULL CHECK (kind IN ('event', 'part')),
    name TEXT NOT NULL,
    name_en TEXT
);

-- The power-type vocabulary (执法, 行政, … 行政许可 …).
CREATE TABLE power_types (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    name_en TEXT,
    ord INTEGER NOT NULL
);

-- Versions of the responsibility list. One draft at a time is edited; publishing gives it
-- an effective moment, from which new cases route under it.
CREATE TABLE matter_lists (
    version INTEGER PRIMARY KEY,
    status TEXT NOT NULL CHECK (status IN ('draft', 'published')),
    effective_at INTEGER,
    published_at INTEGER,
    published_by INTEGER REFERENCES users(id),
    note TEXT
);

CREATE TABLE matters (
    version INTEGER NOT NULL REFERENCES matter_lists(version),
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    category_code TEXT NOT NULL REFERENCES categories(code),
    power_type TEXT NOT NULL REFERENCES power_types(code),
    list_kind TEXT NOT NULL CHECK (list_kind IN ('basic', 'cooperative', 'returned')),
    governance TEXT NOT NULL
        CHECK (governance IN ('government', 'co_governance', 'self_governance')),
    owner_level TEXT,
    owner_dept TEXT,
    co_depts TEXT, -- department names joined by '|'
    legal_basis TEXT,
    respond_limit INTEGER NOT NULL,
    respond_unit TEXT NOT NULL CHECK (respond_unit IN ('hours', 'days')),
    resolve_limit INTEGER NOT NULL,
    resolve_unit TEXT NOT NULL CHECK (resolve_unit IN ('hours', 'days')),
    urgent INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (version, code)
);

-- Exceptions to Monday–Friday: public holidays on weekdays, make-up working days.
CREATE TABLE calendar_days (
    day TEXT PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('holiday', 'workday')),
    name TEXT
);
INSERT OR IGNORE INTO settings(key, value) VALUES ('work_periods', '08:30-12:00,14:00-17:30');
INSERT OR IGNORE INTO settings(key, value) VALUES ('reopen_limit', '1');

CREATE TABLE cases (
    id INTEGER PRIMARY KEY,
    status TEXT NOT NULL,
    channel TEXT NOT NULL CHECK (channel IN ('web', 'patrol', 'hotline', 'open311', 'import')),
    matter_version INTEGER NOT NULL,
    matter_code TEXT NOT NULL,
    category_code TEXT NOT NULL,
    description TEXT NOT NULL,
    lat REAL,
    lon REAL,
    address TEXT,
    building_id INTEGER REFERENCES buildings(id),
    unit_id INTEGER REFERENCES units(id),
    city_id INTEGER, district_id INTEGER, street_id INTEGER, community_id INTEGER,
    grid_id INTEGER NOT NULL,
    -- The current owner: a node (territorial), or a department supervised by a node.
    owner_level TEXT NOT NULL,
    owner_node_id INTEGER NOT NULL,
    owner_org_id INTEGER REFERENCES organisations(id),
    requester_user_id INTEGER REFERENCES users(id),
    requester_name TEXT,
    requester_phone TEXT,
    requester_email TEXT,
    anonymous INTEGER NOT NULL DEFAULT 0,
    api_key_id INTEGER,
    token TEXT,
    urgent INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    day TEXT NOT NULL, -- local date of submission: the cohort every figure counts it in
    respond_due INTEGER,
    resolve_due INTEGER,
    first_due INTEGER, -- the first resolve deadline, for the on-time rate
    accepted_at INTEGER,
    dispatched_at INTEGER,
    responded_at INTEGER,
    resolved_at INTEGER,
    closed_at INTEGER,
    alarm INTEGER NOT NULL DEFAULT 0, -- 0 none, 1 yellow (due soon), 2 red (overdue)
    escalations INTEGER NOT NULL DEFAULT 0,
    reworks INTEGER NOT NULL DEFAULT 0,
    extensions INTEGER NOT NULL DEFAULT 0,
    reopens INTEGER NOT NULL DEFAULT 0,
    extension_asked INTEGER, -- the deadline a pending extension request asks for
    hold_review TEXT,
    merged_into INTEGER REFERENCES cases(id),
    rated_resolved TEXT,
    rated_satisfaction TEXT,
    rated_comment TEXT,
    rated_at INTEGER,
    public_note TEXT,
    was_overdue INTEGER NOT NULL DEFAULT 0 -- counted as overdue in the rollups
);
-- Lists by place and status, newest first: the city's by status, a district's and a
-- street's by their index, a community's and a grid's by the community's, which holds the
-- grid (a community's list sorts the ids of one status, a few thousand at most). A list of
-- several statuses takes the newest ids of each and merges them (store/sqlite/cases.c).
CREATE INDEX cases_status ON cases(status, id);
CREATE INDEX cases_district ON cases(district_id, status, id);
CREATE INDEX cases_street ON cases(street_id, status, id);
CREATE INDEX cases_community ON cases(community_id, status, grid_id, id);
CREATE INDEX cases_owner_org ON cases(owner_org_id, status, id) WHERE owner_org_id IS NOT NULL;
CREATE INDEX cases_requester ON cases(requester_user_id, id) WHERE requester_user_id IS NOT NULL;
CREATE UNIQUE INDEX cases_token ON cases(token) WHERE token IS NOT NULL;
-- The sweep: open cases by deadline.
CREATE INDEX cases_due ON cases(resolve_due)
    WHERE status IN ('accepted', 'dispatched', 'in_progress');

-- Append-only: every change of a case (actor, time, from, to, note, data).
CREATE TABLE case_events (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES cases(id),
    at INTEGER NOT NULL,
    actor_user_id INTEGER REFERENCES users(id),
    action TEXT NOT NULL,
    from_status TEXT,
    to_status TEXT,
    note TEXT,
    data TEXT, -- JSON: owner, deadlines, rating, departments
    public INTEGER NOT NULL DEFAULT 0 -- shown to the public (Open311 status_notes)
);
CREATE INDEX case_events_case ON case_events(case_id, id);
-- The public feed by time (Open311's servicerequestupdates). Times grow, so new entries
-- append at the index's end: cheap to keep.
CREATE INDEX case_events_at ON case_events(at) WHERE public = 1;

-- 吹哨报到: a department summoned on a case.
CREATE TABLE case_tasks (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES cases(id),
    org_id INTEGER NOT NULL REFERENCES organisations(id),
    summoned_by INTEGER REFERENCES users(id),
    summoned_at INTEGER NOT NULL,
    report_due INTEGER NOT NULL,
    reported_at INTEGER,
    handle_due INTEGER NOT NULL,
    done_at INTEGER,
    late INTEGER NOT NULL DEFAULT 0, -- reported in after report_due
    UNIQUE (case_id, org_id)
);
CREATE INDEX case_tasks_org ON case_tasks(org_id, done_at);

-- Photos of cases (and later of topics): JPEG or PNG, checked by their bytes.
CREATE TABLE photos (
    id INTEGER PRIMARY KEY,
    case_id INTEGER REFERENCES cases(id),
    event_id INTEGER REFERENCES case_events(id),
    mime TEXT NOT NULL CHECK (mime IN ('image/jpeg', 'image/png')),
    bytes BLOB NOT NULL,
    size INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    public INTEGER NOT NULL DEFAULT 0, -- approved by staff for the public
    uploaded_by INTEGER REFERENCES users(id),
    created_at INTEGER NOT NULL
);
CREATE INDEX photos_case ON photos(case_id, id);

-- In-app notifications, addressed to a node's staff ('n:ID'), a department ('o:ID') or an
-- account ('u:ID').
CREATE TABLE notifications (
    id INTEGER PRIMARY KEY,
    target TEXT NOT NULL,
    case_id INTEGER REFERENCES cases(id),
    kind TEXT NOT NULL,
    at INTEGER NOT NULL,
    note TEXT
);
CREATE INDEX notifications_target ON notifications(target, id);

-- Open311 clients.
CREATE TABLE api_keys (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    key_hash TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL,
    disabled INTEGER NOT NULL DEFAULT 0
);

-- The figures, kept in the transaction of every event: per subject ('n:ID' a node of any
-- level, 'o:ID' a department, 'm:CODE' a matter) and per submission day of the cases, so
-- the figures of a node for a year sum at most 366 rows whatever the number of cases.
-- Keyed by subject: a subject's year is one range of neighbouring rows.
CREATE TABLE case_stats (
    subject TEXT NOT NULL,
    day TEXT NOT NULL,
    total INTEGER NOT NULL DEFAULT 0,
    accepted INTEGER NOT NULL DEFAULT 0,
    rejected INTEGER NOT NULL DEFAULT 0,
    merged INTEGER NOT NULL DEFAULT 0,
    responded INTEGER NOT NULL DEFAULT 0,
    responded_on_time INTEGER NOT NULL DEFAULT 0,
    resolved INTEGER NOT NULL DEFAULT 0,
    closed INTEGER NOT NULL DEFAULT 0,
    closed_on_time INTEGER NOT NULL DEFAULT 0,
    overdue_open INTEGER NOT NULL DEFAULT 0,
    open INTEGER NOT NULL DEFAULT 0,
    rated INTEGER NOT NULL DEFAULT 0,
    rated_yes INTEGER NOT NULL DEFAULT 0,
    rated_partly INTEGER NOT NULL DEFAULT 0,
    rated_satisfied INTEGER NOT NULL DEFAULT 0,
    rated_basic INTEGER NOT NULL DEFAULT 0,
    reworks INTEGER NOT NULL DEFAULT 0,
    reworked INTEGER NOT NULL DEFAULT 0,
    extensions INTEGER NOT NULL DEFAULT 0,
    escalations INTEGER NOT NULL DEFAULT 0,
    reopens INTEGER NOT NULL DEFAULT 0,
    handling_seconds INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (subject, day)
) WITHOUT ROWID;
