-- 0005_case_checks.sql - the same rules on cases, checked without a temporary table; and
-- the sweep's index by alarm and deadline.
--
-- SQLite checks "x IN (a, b, c)" against a list of more than two constants by building a
-- temporary b-tree of the list, every time a statement runs: the CHECK on cases.channel
-- and the condition of the partial index cases_due did so on every new case and every
-- change of one (about a sixth of the writer's time per new case). Written as ORs of
-- equalities they are plain comparisons, and mean the same.

-- The table's CHECK, rewritten in place: SQLite's documented procedure for changing a
-- table's constraints without copying it (https://sqlite.org/lang_altertable.html, "making
-- other kinds of table schema changes"). Every stored row satisfies the new text, which is
-- equivalent to the old. RESET reloads this connection's schema; the index statements
-- below change the schema's version, so other connections reload theirs.
PRAGMA writable_schema = ON;
UPDATE sqlite_schema
   SET sql = replace(sql,
       'CHECK (channel IN (''web'', ''patrol'', ''hotline'', ''open311'', ''import''))',
       'CHECK (channel = ''web'' OR channel = ''patrol'' OR channel = ''hotline'' OR '
       || 'channel = ''open311'' OR channel = ''import'')')
 WHERE type = 'table' AND name = 'cases';
PRAGMA writable_schema = RESET;

-- The sweep's index: cases whose clock runs, by alarm, deadline and id (the sweep's order
-- and cursor), so that a sweep reads only the cases that have come due since it last ran
-- (newly overdue with no red alarm yet, due within three days with no alarm), not every
-- open case as the sweep by cases_status did; with the status and the matter, which
-- decide whether a case due soon is in its warning window, so that the cases passed over
-- are read from the index alone. Its queries name the same condition.
DROP INDEX cases_due;
CREATE INDEX cases_due ON cases(alarm, resolve_due, id, status, matter_version, matter_code)
    WHERE status = 'accepted' OR status = 'dispatched' OR status = 'in_progress';
