-- 0001_init.sql - accounts, the administrative tree and the organisation network.
--
-- Portable SQL (SQLite and PostgreSQL alike) except where noted. Every table that grows
-- with the population carries its ancestor ids (city_id .. grid_id): a subtree query
-- is an indexed equality, and the district id is the future shard key.

CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE nodes (
    id INTEGER PRIMARY KEY,
    parent_id INTEGER REFERENCES nodes(id),
    level TEXT NOT NULL,
    depth INTEGER NOT NULL,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    lat REAL,
    lon REAL,
    boundary TEXT,
    shape BLOB,
    city_id INTEGER, district_id INTEGER, street_id INTEGER, community_id INTEGER, grid_id INTEGER,
    updated_at TEXT NOT NULL
);
CREATE INDEX nodes_parent ON nodes(parent_id);
CREATE INDEX nodes_level ON nodes(depth, id);
CREATE INDEX nodes_community ON nodes(community_id);
CREATE INDEX nodes_grid ON nodes(grid_id);

CREATE TABLE buildings (
    id INTEGER PRIMARY KEY,
    grid_id INTEGER NOT NULL REFERENCES nodes(id),
    number TEXT NOT NULL,
    name TEXT, address TEXT, floors INTEGER, built_year INTEGER, lat REAL, lon REAL,
    has_leader INTEGER NOT NULL DEFAULT 0,
    city_id INTEGER, district_id INTEGER, street_id INTEGER, community_id INTEGER,
    updated_at TEXT NOT NULL,
    UNIQUE (grid_id, number)
);
-- (level, has_leader): subtree queries, and the gap lists of buildings without a leader
-- in id order, read straight from the index.
CREATE INDEX buildings_community ON buildings(community_id, has_leader);
CREATE INDEX buildings_street ON buildings(street_id, has_leader);
CREATE INDEX buildings_district ON buildings(district_id, has_leader);

CREATE TABLE units (
    id INTEGER PRIMARY KEY,
    building_id INTEGER NOT NULL REFERENCES buildings(id),
    number TEXT NOT NULL,
    floors INTEGER,
    has_leader INTEGER NOT NULL DEFAULT 0,
    city_id INTEGER, district_id INTEGER, street_id INTEGER, community_id INTEGER, grid_id INTEGER,
    updated_at TEXT NOT NULL,
    UNIQUE (building_id, number)
);
CREATE INDEX units_grid ON units(grid_id, has_leader);
CREATE INDEX units_community ON units(community_id, has_leader);
CREATE INDEX units_street ON units(street_id, has_leader);
CREATE INDEX units_district ON units(district_id, has_leader);

CREATE TABLE households (
    id INTEGER PRIMARY KEY,
    unit_id INTEGER NOT NULL REFERENCES units(id),
    room TEXT NOT NULL,
    area_m2 REAL, head_name TEXT, phone TEXT, n_people INTEGER, occupancy TEXT,
    n_links INTEGER NOT NULL DEFAULT 0,
    city_id INTEGER, district_id INTEGER, street_id INTEGER, community_id INTEGER, grid_id INTEGER,
    updated_at TEXT NOT NULL,
    UNIQUE (unit_id, room)
);
CREATE INDEX households_grid ON households(grid_id);

CREATE TABLE residents (
    id INTEGER PRIMARY KEY,
    household_id INTEGER NOT NULL REFERENCES households(id),
    name TEXT NOT NULL, gender TEXT, birth_year INTEGER, id_number TEXT, phone TEXT, relation TEXT,
    city_id INTEGER, district_id INTEGER, street_id INTEGER, community_id INTEGER, grid_id INTEGER,
    updated_at TEXT NOT NULL
);
CREATE INDEX residents_household ON residents(household_id);
CREATE INDEX residents_grid ON residents(grid_id);

CREATE TABLE party_orgs (
    id INTEGER PRIMARY KEY,
    node_id INTEGER NOT NULL REFERENCES nodes(id),
    parent_id INTEGER REFERENCES party_orgs(id),
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    code TEXT UNIQUE,
    building_id INTEGER REFERENCES buildings(id),
    founded_on TEXT,
    city_id INTEGER, district_id INTEGER, street_id INTEGER, community_id INTEGER, grid_id INTEGER,
    updated_at TEXT NOT NULL
);
CREATE INDEX party_orgs_node ON party_orgs(node_id);
CREATE INDEX party_orgs_parent ON party_orgs(parent_id);
CREATE INDEX party_orgs_community ON party_orgs(community_id);

CREATE TABLE party_members (
    id INTEGER PRIMARY KEY,
    node_id INTEGER NOT NULL REFERENCES nodes(id),
    org_id INTEGER REFERENCES party_orgs(id),
    name TEXT NOT NULL, gender TEXT, birth_year INTEGER, phone TEXT, joined_on TEXT,
    in_service INTEGER, work_unit TEXT, registered_on TEXT,
    household_id INTEGER REFERENCES households(id),
    city_id INTEGER, district_id INTEGER, street_id INTEGER, community_id INTEGER, grid_id INTEGER,
    updated_at TEXT NOT NULL
);
CREATE INDEX party_members_org ON party_members(org_id);
CREATE INDEX party_members_community ON party_members(community_id, grid_id);
CREATE INDEX party_members_node ON party_members(node_id);
CREATE INDEX party_members_grid ON party_members(grid_id);
CREATE INDEX party_members_street ON party_members(street_id, community_id);
CREATE INDEX party_members_district ON party_members(district_id, community_id);
CREATE INDEX party_members_city ON party_members(city_id, community_id);

CREATE TABLE posts (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    person_name TEXT NOT NULL, phone TEXT,
    member_id INTEGER REFERENCES party_members(id),
    org_id INTEGER REFERENCES party_orgs(id),
    node_id INTEGER REFERENCES nodes(id),
    building_id INTEGER REFERENCES buildings(id),
    unit_id INTEGER REFERENCES units(id),
    since TEXT,
    city_id INTEGER, district_id INTEGER, street_id INTEGER, community_id INTEGER, grid_id INTEGER,
    updated_at TEXT NOT NULL
);
CREATE INDEX posts_building ON posts(building_id);
CREATE INDEX posts_unit ON posts(unit_id);
CREATE INDEX posts_node ON posts(node_id);
CREATE INDEX posts_org ON posts(org_id);
CREATE INDEX posts_grid ON posts(grid_id);

CREATE TABLE member_households (
    id INTEGER PRIMARY KEY,
    member_id INTEGER NOT NULL REFERENCES party_members(id),
    household_id INTEGER NOT NULL REFERENCES households(id),
    since TEXT,
    city_id INTEGER, district_id INTEGER, street_id INTEGER, community_id INTEGER, grid_id INTEGER,
    updated_at TEXT NOT NULL,
    UNIQUE (member_id, household_id)
);
CREATE INDEX member_households_household ON member_households(household_id);
CREATE INDEX member_households_grid ON member_households(grid_id);

CREATE TABLE organisations (
    id INTEGER PRIMARY KEY,
    node_id INTEGER NOT NULL REFERENCES nodes(id),
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    code TEXT UNIQUE,
    party_org_id INTEGER REFERENCES party_orgs(id),
    contact_name TEXT, phone TEXT, address TEXT,
    city_id INTEGER, district_id INTEGER, street_id INTEGER, community_id INTEGER, grid_id INTEGER,
    updated_at TEXT NOT NULL
);
CREATE INDEX organisations_node ON organisations(node_id);

CREATE TABLE cobuild_links (
    id INTEGER PRIMARY KEY,
    party_org_id INTEGER NOT NULL REFERENCES party_orgs(id),
    organisation_id INTEGER NOT NULL REFERENCES organisations(id),
    title TEXT NOT NULL,
    signed_on TEXT, ends_on TEXT, content TEXT,
    city_id INTEGER, district_id INTEGER, street_id INTEGER, community_id INTEGER, grid_id INTEGER,
    updated_at TEXT NOT NULL
);
CREATE INDEX cobuild_links_org ON cobuild_links(party_org_id);
CREATE INDEX cobuild_links_organisation ON cobuild_links(organisation_id);

-- Per-grid counters behind coverage; recomputed by the store in the transaction of every
-- network write (and in bulk after imports), so coverage of a district sums ~2,000 rows.
CREATE TABLE grid_stats (
    grid_id INTEGER PRIMARY KEY REFERENCES nodes(id),
    city_id INTEGER, district_id INTEGER, street_id INTEGER, community_id INTEGER,
    has_branch INTEGER NOT NULL DEFAULT 0,
    n_workers INTEGER NOT NULL DEFAULT 0,
    buildings INTEGER NOT NULL DEFAULT 0,
    buildings_led INTEGER NOT NULL DEFAULT 0,
    units INTEGER NOT NULL DEFAULT 0,
    units_led INTEGER NOT NULL DEFAULT 0,
    households INTEGER NOT NULL DEFAULT 0,
    households_linked INTEGER NOT NULL DEFAULT 0,
    links INTEGER NOT NULL DEFAULT 0,
    members INTEGER NOT NULL DEFAULT 0,
    members_linking INTEGER NOT NULL DEFAULT 0
);
-- The gap lists: grids without a branch, or without a worker, under a node, in id order.
CREATE INDEX grid_stats_community_branch ON grid_stats(community_id, has_branch);
CREATE INDEX grid_stats_community_worker ON grid_stats(community_id, n_workers);
CREATE INDEX grid_stats_street_branch ON grid_stats(street_id, has_branch);
CREATE INDEX grid_stats_street_worker ON grid_stats(street_id, n_workers);
CREATE INDEX grid_stats_district_branch ON grid_stats(district_id, has_branch);
CREATE INDEX grid_stats_district_worker ON grid_stats(district_id, n_workers);
CREATE INDEX grid_stats_city_branch ON grid_stats(city_id, has_branch);
CREATE INDEX grid_stats_city_worker ON grid_stats(city_id, n_workers);

-- The same counters summed per community, plus the party members serving the community
-- above its grids; recomputed with the grids they sum. Coverage of a district sums a few
-- hundred of these rows, of the city a few thousand.
CREATE TABLE community_stats (
    community_id INTEGER PRIMARY KEY REFERENCES nodes(id),
    city_id INTEGER, district_id INTEGER, street_id INTEGER,
    grids INTEGER NOT NULL DEFAULT 0,
    grids_with_branch INTEGER NOT NULL DEFAULT 0,
    grids_with_worker INTEGER NOT NULL DEFAULT 0,
    n_workers INTEGER NOT NULL DEFAULT 0,
    buildings INTEGER NOT NULL DEFAULT 0,
    buildings_led INTEGER NOT NULL DEFAULT 0,
    units INTEGER NOT NULL DEFAULT 0,
    units_led INTEGER NOT NULL DEFAULT 0,
    households INTEGER NOT NULL DEFAULT 0,
    households_linked INTEGER NOT NULL DEFAULT 0,
    links INTEGER NOT NULL DEFAULT 0,
    members INTEGER NOT NULL DEFAULT 0,
    members_linking INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX community_stats_street ON community_stats(street_id);
CREATE INDEX community_stats_district ON community_stats(district_id);
CREATE INDEX community_stats_city ON community_stats(city_id);

CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    login TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    pw_hash TEXT NOT NULL,
    disabled INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
);

CREATE TABLE grants (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id),
    role TEXT NOT NULL,
    node_id INTEGER REFERENCES nodes(id),
    organisation_id INTEGER REFERENCES organisations(id),
    city_id INTEGER, district_id INTEGER, street_id INTEGER, community_id INTEGER, grid_id INTEGER
);
CREATE INDEX grants_user ON grants(user_id);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id),
    csrf TEXT NOT NULL,
    expires_at INTEGER NOT NULL
);

CREATE TABLE api_tokens (
    token_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id),
    name TEXT NOT NULL,
    created_at TEXT NOT NULL
);
