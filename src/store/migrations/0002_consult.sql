-- 0002_consult.sql - consultation (协商议事): topics and their stage events, opinions,
-- meetings, votes, decisions. Ballots are stored without voters: the voters table says
-- who voted (turnout, one vote each), the ballot log what was voted, joined only through
-- a keyed hash that the server alone can compute for the voter asking for their own.

-- Accounts may stand for a resident, and a household's representative (for votes).
ALTER TABLE users ADD COLUMN resident_id INTEGER REFERENCES residents(id);
ALTER TABLE users ADD COLUMN household_id INTEGER REFERENCES households(id);
ALTER TABLE users ADD COLUMN household_rep INTEGER NOT NULL DEFAULT 0;

CREATE TABLE topics (
    id INTEGER PRIMARY KEY,
    scope_node_id INTEGER NOT NULL REFERENCES nodes(id),
    scope_building_id INTEGER REFERENCES buildings(id),
    scope_unit_id INTEGER REFERENCES units(id),
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    category TEXT,
    proposer_user_id INTEGER NOT NULL REFERENCES users(id),
    proposer_kind TEXT NOT NULL,
    proposer_org_id INTEGER REFERENCES organisations(id),
    stage TEXT NOT NULL,
    passed INTEGER,
    decision_text TEXT,
    decision_org_id INTEGER REFERENCES organisations(id),
    decision_person TEXT,
    notice_ends_at INTEGER,
    tally_digest TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    city_id INTEGER, district_id INTEGER, street_id INTEGER, community_id INTEGER, grid_id INTEGER
);
CREATE INDEX topics_community ON topics(community_id, stage);
CREATE INDEX topics_street ON topics(street_id, stage);
CREATE INDEX topics_district ON topics(district_id, stage);
CREATE INDEX topics_city ON topics(city_id, stage);
CREATE INDEX topics_scope ON topics(scope_node_id);

-- Append-only: every move of a topic, the audit trail of the consultation.
CREATE TABLE topic_events (
    id INTEGER PRIMARY KEY,
    topic_id INTEGER NOT NULL REFERENCES topics(id),
    at TEXT NOT NULL,
    actor_user_id INTEGER REFERENCES users(id),
    action TEXT NOT NULL,
    from_stage TEXT,
    to_stage TEXT,
    note TEXT
);
CREATE INDEX topic_events_topic ON topic_events(topic_id, id);

CREATE TABLE opinions (
    id INTEGER PRIMARY KEY,
    topic_id INTEGER NOT NULL REFERENCES topics(id),
    parent_id INTEGER REFERENCES opinions(id),
    depth INTEGER NOT NULL,
    author_user_id INTEGER NOT NULL REFERENCES users(id),
    stance TEXT NOT NULL,
    body TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    hidden INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX opinions_topic ON opinions(topic_id, id);

CREATE TABLE meetings (
    id INTEGER PRIMARY KEY,
    topic_id INTEGER NOT NULL REFERENCES topics(id),
    held_at TEXT NOT NULL,
    place TEXT NOT NULL,
    agenda TEXT,
    minutes TEXT,
    participants TEXT,
    attendance INTEGER,
    created_by INTEGER REFERENCES users(id),
    created_at TEXT NOT NULL
);
CREATE INDEX meetings_topic ON meetings(topic_id, id);

-- The rule of a topic's vote; eligible counts are frozen when voting opens.
CREATE TABLE vote_rules (
    topic_id INTEGER PRIMARY KEY REFERENCES topics(id),
    eligibility TEXT NOT NULL,
    kind TEXT NOT NULL,
    options TEXT NOT NULL,
    max_choices INTEGER NOT NULL,
    pass TEXT NOT NULL,
    quorum_num INTEGER NOT NULL,
    quorum_den INTEGER NOT NULL,
    allow_change INTEGER NOT NULL,
    live_results INTEGER NOT NULL,
    opens_at INTEGER NOT NULL,
    closes_at INTEGER NOT NULL,
    voter_list TEXT,
    eligible INTEGER,
    eligible_area INTEGER
);

-- Who voted, for turnout and for one vote each: the key names a resident, a household or
-- a user, never the ballot.
CREATE TABLE voters (
    topic_id INTEGER NOT NULL REFERENCES topics(id),
    voter_key TEXT NOT NULL,
    channel TEXT NOT NULL,
    cast_by INTEGER REFERENCES users(id),
    voted_at TEXT NOT NULL,
    PRIMARY KEY (topic_id, voter_key)
);

-- The electorate, frozen when voting opens: who may vote and with what floor area. Voters
-- and areas added to the network later do not change a vote under way.
CREATE TABLE electorate (
    topic_id INTEGER NOT NULL REFERENCES topics(id),
    voter_key TEXT NOT NULL,
    area INTEGER NOT NULL,
    PRIMARY KEY (topic_id, voter_key)
);

-- What was voted, append-only: a changed vote is a new row for the same slot. slot is
-- HMAC(server key, topic:voter) in hex; seq orders the log for its digest.
CREATE TABLE ballots (
    seq INTEGER PRIMARY KEY,
    topic_id INTEGER NOT NULL REFERENCES topics(id),
    slot TEXT NOT NULL,
    choices TEXT NOT NULL,
    area INTEGER NOT NULL
);
CREATE INDEX ballots_slot ON ballots(topic_id, slot, seq);

-- The running tally, kept in the transaction of each ballot.
CREATE TABLE tallies (
    topic_id INTEGER NOT NULL REFERENCES topics(id),
    option INTEGER NOT NULL,
    count INTEGER NOT NULL DEFAULT 0,
    area INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (topic_id, option)
);

-- The key of the ballot slots, made once per database.
INSERT OR IGNORE INTO settings(key, value) VALUES ('ballot_key', lower(hex(randomblob(32))));

-- Implementation of a decision: items with progress (0-100); the topic's progress is
-- their mean. Each change of progress is also an event of the topic (a public update).
CREATE TABLE topic_items (
    id INTEGER PRIMARY KEY,
    topic_id INTEGER NOT NULL REFERENCES topics(id),
    title TEXT NOT NULL,
    due_on TEXT,
    progress INTEGER NOT NULL DEFAULT 0,
    updated_at TEXT NOT NULL
);
CREATE INDEX topic_items_topic ON topic_items(topic_id, id);

-- Objections raised during the public notice, each answered before the topic closes.
CREATE TABLE objections (
    id INTEGER PRIMARY KEY,
    topic_id INTEGER NOT NULL REFERENCES topics(id),
    author_user_id INTEGER NOT NULL REFERENCES users(id),
    body TEXT NOT NULL,
    answer TEXT,
    answered_by INTEGER REFERENCES users(id),
    created_at TEXT NOT NULL,
    answered_at TEXT
);
CREATE INDEX objections_topic ON objections(topic_id, id);

-- Earlier texts of an edited opinion, and reports of opinions (one per user each).
CREATE TABLE opinion_versions (
    opinion_id INTEGER NOT NULL REFERENCES opinions(id),
    version INTEGER NOT NULL,
    body TEXT NOT NULL,
    replaced_at TEXT NOT NULL,
    PRIMARY KEY (opinion_id, version)
);
CREATE TABLE opinion_reports (
    opinion_id INTEGER NOT NULL REFERENCES opinions(id),
    user_id INTEGER NOT NULL REFERENCES users(id),
    reason TEXT NOT NULL,
    at TEXT NOT NULL,
    PRIMARY KEY (opinion_id, user_id)
);
CREATE INDEX opinions_author ON opinions(author_user_id);
CREATE INDEX voters_cast_by ON voters(cast_by);
CREATE INDEX objections_author ON objections(author_user_id);
