-- 0004_consult_more.sql - consultation, continued: photos of topics and of their
-- implementation items, the case a topic came from, invited stakeholder organisations,
-- opinions said at a meeting, who attended a meeting, followers of a topic and their
-- notifications.

-- A photo belongs to a case, or to a topic (and then maybe to one of its items).
ALTER TABLE photos ADD COLUMN topic_id INTEGER REFERENCES topics(id);
ALTER TABLE photos ADD COLUMN item_id INTEGER REFERENCES topic_items(id);
CREATE INDEX photos_topic ON photos(topic_id, id) WHERE topic_id IS NOT NULL;

-- The case a topic was raised from (proposer_kind 'case'); the case page lists its topics.
ALTER TABLE topics ADD COLUMN case_id INTEGER REFERENCES cases(id);
CREATE INDEX topics_case ON topics(case_id) WHERE case_id IS NOT NULL;

-- Stakeholder organisations invited to a topic: accounts holding a grant on one of them
-- see the topic and write opinions on it, even from outside its scope.
CREATE TABLE topic_orgs (
    topic_id INTEGER NOT NULL REFERENCES topics(id),
    org_id INTEGER NOT NULL REFERENCES organisations(id),
    PRIMARY KEY (topic_id, org_id)
) WITHOUT ROWID;
CREATE INDEX topic_orgs_org ON topic_orgs(org_id, topic_id);

-- An opinion may be what someone said at one of the topic's meetings.
ALTER TABLE opinions ADD COLUMN meeting_id INTEGER REFERENCES meetings(id);

-- Who attended a meeting: accounts, or residents (who may have no account). One row per
-- person; exactly one of user_id and resident_id is set.
CREATE TABLE meeting_attendees (
    meeting_id INTEGER NOT NULL REFERENCES meetings(id),
    user_id INTEGER REFERENCES users(id),
    resident_id INTEGER REFERENCES residents(id),
    CHECK ((user_id IS NULL) <> (resident_id IS NULL))
);
CREATE UNIQUE INDEX meeting_attendees_user ON meeting_attendees(meeting_id, user_id)
    WHERE user_id IS NOT NULL;
CREATE UNIQUE INDEX meeting_attendees_resident ON meeting_attendees(meeting_id, resident_id)
    WHERE resident_id IS NOT NULL;
CREATE INDEX meeting_attendees_by_user ON meeting_attendees(user_id) WHERE user_id IS NOT NULL;
CREATE INDEX meeting_attendees_by_resident ON meeting_attendees(resident_id)
    WHERE resident_id IS NOT NULL;

-- Followers of a topic, told (notifications 'u:ID') when it moves on.
CREATE TABLE topic_followers (
    topic_id INTEGER NOT NULL REFERENCES topics(id),
    user_id INTEGER NOT NULL REFERENCES users(id),
    since INTEGER NOT NULL,
    PRIMARY KEY (topic_id, user_id)
) WITHOUT ROWID;
CREATE INDEX topic_followers_user ON topic_followers(user_id, topic_id);

-- A notification may be about a topic instead of a case.
ALTER TABLE notifications ADD COLUMN topic_id INTEGER REFERENCES topics(id);
