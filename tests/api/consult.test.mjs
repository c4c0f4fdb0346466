// consult.test.mjs - consultation (协商议事) over HTTP: topics and their stage machine,
// opinions, meetings, the vote rule, secret ballots (online and on paper), results with
// their digest, the decision; held to the contract of the consultation issue.
//
// One demo server for the file; every test makes its own topics. The demo "resident"
// represents an owner-occupied household of the first grid, so it votes as a household or
// an owner; more voters are accounts made by admin and linked to households or residents.
// Bad input of every sort answers a 4xx and leaves the topic as it was, which is checked by
// reading the topic, its opinions, meetings and results back (as admin) before and after.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/server.mjs';
import { isError, isList, all, loginAs } from '../lib/check.mjs';

let server;
const as = {};
let community; // the node of "community"
let grid1; // the grid of "grid" and "resident"
let grid2; // the grid of "grid2"
let otherCommunity; // a community "community" does not manage
let residentHousehold; // the household the demo resident represents
const PW = 'voter-pass-2026';
const M = 'c' + process.pid.toString(36); // a marker for this run's logins and records
let nUsers = 0;

before(async () => {
  server = await startServer();
  for (const n of ['admin', 'community', 'grid', 'grid2', 'resident', 'street']) as[n] = await loginAs(server.url, n);
  community = as.community.user.grants[0].node_id;
  grid1 = as.grid.user.grants[0].node_id;
  grid2 = as.grid2.user.grants[0].node_id;
  assert.equal(as.resident.user.grants[0].node_id, grid1, 'the demo resident lives in the first grid');
  const cs = await all(as.admin, '/api/v1/nodes?level=community');
  otherCommunity = cs.find((x) => x.id !== community).id;
  // The demo links the resident to the first owner-occupied household of the grid.
  const h = await as.admin.get(`/api/v1/households?under=${grid1}&occupancy=owner_occupied&limit=1`);
  residentHousehold = h.json.items[0].id;
});
after(async () => { if (server) await server.stop(); });

// ---- helpers ----

// A time `s` seconds from now, as the API writes it.
const iso = (s) => new Date(Date.now() + s * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
const OPEN = () => ({ opens_at: iso(-3600), closes_at: iso(7 * 86400) });

async function propose(c, body) {
  const r = await c.post('/api/v1/topics', { title: '加装电梯' + M, body: '一单元加装电梯的议题', ...body });
  assert.equal(r.status, 201, r.text);
  return r.json;
}

const act = (c, id, action, extra = {}) => c.post(`/api/v1/topics/${id}/actions`, { action, ...extra });

async function move(c, id, action, extra) {
  const r = await act(c, id, action, extra);
  assert.equal(r.status, 200, `${action}: ${r.text}`);
  return r.json;
}

// A yes/no rule counted by household, majority, no quorum, open now.
const HH_RULE = () => ({ eligibility: 'households', kind: 'yes_no', pass: 'majority', ...OPEN() });

// A topic (proposed by `by`) taken to deliberation by community staff.
async function deliberating(body = { scope_node_id: grid1 }, by = as.resident) {
  const t = await propose(by, body);
  await move(as.community, t.id, 'accept');
  await move(as.community, t.id, 'start_deliberation');
  return t.id;
}

// A topic in its voting stage under `rule`.
async function voting(rule, body, by) {
  const id = await deliberating(body, by);
  const r = await as.community.put(`/api/v1/topics/${id}/vote-rule`, rule);
  assert.equal(r.status, 200, r.text);
  await move(as.community, id, 'open_voting');
  return id;
}

const vote = (c, id, body) => c.post(`/api/v1/topics/${id}/votes`, body);
const results = async (c, id) => {
  const r = await c.get(`/api/v1/topics/${id}/results`);
  assert.equal(r.status, 200, r.text);
  return r.json;
};

// A resident account made by admin, linked for voting; logged in.
async function voter(grid, link) {
  const login = `${M}v${++nUsers}`;
  const r = await as.admin.post('/api/v1/users', {
    login, password: PW, name: '投票人' + nUsers, grants: [{ role: 'resident', node_id: grid }], ...link,
  });
  assert.equal(r.status, 201, r.text);
  return loginAs(server.url, login, PW);
}
const rep = (grid, household) => voter(grid, { household_id: household, household_representative: true });

// Everything one can read of a topic, as admin.
async function snapshot(id) {
  const out = {};
  for (const p of ['', '/opinions', '/meetings', '/results']) {
    const r = await as.admin.get(`/api/v1/topics/${id}${p}`);
    out[p || 'topic'] = { status: r.status, json: r.json };
  }
  return out;
}

// Run fn (which sends bad requests) and check that the topic reads back the same.
async function unchanged(id, fn) {
  const before = await snapshot(id);
  await fn();
  assert.deepEqual(await snapshot(id), before, 'the topic changed');
}

// Every key anywhere in a JSON value.
function keysDeep(x, out = new Set()) {
  if (Array.isArray(x)) x.forEach((y) => keysDeep(y, out));
  else if (x && typeof x === 'object') {
    for (const [k, v] of Object.entries(x)) { out.add(k); keysDeep(v, out); }
  }
  return out;
}

const counts = (res) => res.tally.map((x) => x.count);

// ---- the full flow ----

test('the full flow: propose, review, opinions, deliberation, a meeting, the vote, results, decision, notice', async () => {
  const cs = as.community;
  const t = await propose(as.resident, { scope_node_id: grid1, category: 'elevator' });
  assert.deepEqual(Object.keys(t).sort(), ['body', 'case_id', 'category', 'created_at', 'decision', 'id', 'notice_ends_at', 'passed',
    'proposer_kind', 'proposer_org_id', 'proposer_user_id', 'scope_building_id', 'scope_node_id', 'scope_unit_id', 'stage',
    'tally_digest', 'title', 'updated_at']);
  assert.equal(t.stage, 'proposed');
  assert.equal(t.scope_node_id, grid1);
  assert.equal(t.proposer_user_id, as.resident.user.id);
  assert.equal(t.proposer_kind, 'resident');
  assert.equal(t.passed, null);
  assert.equal(t.decision, null);
  assert.equal(t.tally_digest, null);
  const id = t.id;

  const g = await as.grid.get('/api/v1/topics/' + id);
  assert.equal(g.status, 200, g.text);
  assert.equal(g.json.vote_rule, null);
  assert.deepEqual(g.json.events.map((e) => [e.action, e.from, e.to]), [['propose', null, 'proposed']]);

  let l = await all(cs, `/api/v1/topics?scope_node_id=${grid1}&stage=proposed`);
  assert.ok(l.some((x) => x.id === id), 'listed by scope and stage');
  l = await all(cs, `/api/v1/topics?scope_node_id=${grid1}&stage=voting`);
  assert.ok(!l.some((x) => x.id === id), 'not listed under another stage');
  assert.ok((await all(as.resident, '/api/v1/topics')).some((x) => x.id === id), 'the proposer lists it');

  assert.equal((await move(cs, id, 'accept')).stage, 'collecting');

  // Opinions for and against, a reply, and replies down to depth 3.
  const o1 = await as.resident.post(`/api/v1/topics/${id}/opinions`, { body: '支持加装', stance: 'for' });
  assert.equal(o1.status, 201, o1.text);
  assert.equal(o1.json.depth, 1);
  assert.equal(o1.json.parent_id, null);
  assert.equal(o1.json.author_user_id, as.resident.user.id);
  const o2 = await as.grid.post(`/api/v1/topics/${id}/opinions`, { body: '一楼住户担心采光', stance: 'against' });
  assert.equal(o2.status, 201, o2.text);
  const o3 = await cs.post(`/api/v1/topics/${id}/opinions`, { body: '可以协商补偿', stance: 'neutral', parent_id: o2.json.id });
  assert.equal(o3.status, 201, o3.text);
  assert.equal(o3.json.depth, 2);
  assert.equal(o3.json.parent_id, o2.json.id);
  const o4 = await as.grid.post(`/api/v1/topics/${id}/opinions`, { body: '同意补偿方案', stance: 'for', parent_id: o3.json.id });
  assert.equal(o4.status, 201, o4.text);
  assert.equal(o4.json.depth, 3);
  isError(await as.resident.post(`/api/v1/topics/${id}/opinions`, { body: '第四层', stance: 'for', parent_id: o4.json.id }),
    400, 'parent_id');
  const ol = await as.resident.get(`/api/v1/topics/${id}/opinions`);
  isList(ol);
  assert.deepEqual(ol.json.items.map((x) => [x.id, x.stance, x.depth]),
    [[o1.json.id, 'for', 1], [o2.json.id, 'against', 1], [o3.json.id, 'neutral', 2], [o4.json.id, 'for', 3]]);
  assert.deepEqual(ol.json.items[0], o1.json, 'an opinion reads back as created');

  assert.equal((await move(cs, id, 'start_deliberation')).stage, 'deliberating');
  const o5 = await as.resident.post(`/api/v1/topics/${id}/opinions`, { body: '协商中也可发表', stance: 'for' });
  assert.equal(o5.status, 201, 'opinions are taken while deliberating: ' + o5.text);

  const meeting = { held_at: iso(-86400), place: '社区党群服务中心', agenda: '电梯方案', minutes: '多数同意',
    participants: '居民代表、物业、社区', attendance: 23 };
  const m = await cs.post(`/api/v1/topics/${id}/meetings`, meeting);
  assert.equal(m.status, 201, m.text);
  for (const [k, v] of Object.entries(meeting)) assert.deepEqual(m.json[k], v, 'meeting.' + k);
  const ml = await as.resident.get(`/api/v1/topics/${id}/meetings`);
  isList(ml);
  assert.deepEqual(ml.json.items, [m.json]);

  const rule = { ...HH_RULE(), quorum: { num: 0, den: 1 }, allow_change: false, live_results: false };
  const vr = await cs.put(`/api/v1/topics/${id}/vote-rule`, rule);
  assert.equal(vr.status, 200, vr.text);
  assert.deepEqual(vr.json, { ...rule, options: ['yes', 'no', 'abstain'], max_choices: 1 });
  assert.deepEqual((await cs.get('/api/v1/topics/' + id)).json.vote_rule, vr.json, 'the rule reads back');

  const households = (await all(as.admin, `/api/v1/households?under=${grid1}`));
  assert.equal((await move(cs, id, 'open_voting')).stage, 'voting');
  const opened = (await cs.get('/api/v1/topics/' + id)).json;
  assert.equal(opened.vote_rule.eligible, households.length, 'the electorate is every household of the grid');

  // Nothing of deliberation once voting is open.
  await unchanged(id, async () => {
    isError(await as.resident.post(`/api/v1/topics/${id}/opinions`, { body: '晚了', stance: 'for' }), 409);
    isError(await cs.post(`/api/v1/topics/${id}/meetings`, meeting), 409);
    isError(await cs.put(`/api/v1/topics/${id}/vote-rule`, rule), 409);
  });

  // Online by the resident, on paper by staff for two other households.
  const v1 = await vote(as.resident, id, { choices: [0] });
  assert.equal(v1.status, 201, v1.text);
  const others = households.filter((h) => h.id !== residentHousehold);
  const p1 = await vote(cs, id, { choices: [0], paper: true, household_id: others[0].id });
  assert.equal(p1.status, 201, p1.text);
  const p2 = await vote(cs, id, { choices: [1], paper: true, household_id: others[1].id });
  assert.equal(p2.status, 201, p2.text);
  await unchanged(id, async () => {
    isError(await vote(cs, id, { choices: [1], paper: true, household_id: residentHousehold }), 409);
    isError(await vote(as.resident, id, { choices: [1] }), 409);
    isError(await vote(cs, id, { choices: [0], paper: true, household_id: others[1].id }), 409);
  });

  // Before close: turnout shown, the tally hidden, each caller's own ballot only.
  const mine = await results(as.resident, id);
  assert.equal(mine.closed, false);
  assert.equal(mine.stage, 'voting');
  assert.deepEqual(mine.turnout, { voted: 3, eligible: households.length });
  assert.equal(mine.tally, null);
  assert.equal(mine.outcome, undefined);
  assert.equal(mine.provisional, undefined);
  assert.equal(mine.digest, null);
  assert.deepEqual(mine.my_ballot, [0]);
  for (const c of [cs, as.grid, as.street]) {
    const x = await results(c, id);
    assert.equal(x.tally, null);
    assert.equal(x.my_ballot, null, 'no ballot of anyone else');
    assert.equal(x.turnout.voted, 3);
  }

  const closed = await move(cs, id, 'close_voting');
  assert.equal(closed.stage, 'decided');
  assert.equal(closed.passed, true, '2 of 3 said yes');
  assert.match(closed.tally_digest, /^[0-9a-f]{64}$/);
  const res = await results(as.resident, id);
  assert.equal(res.closed, true);
  assert.deepEqual(res.tally.map((x) => [x.option, x.label, x.count]), [[0, 'yes', 2], [1, 'no', 1], [2, 'abstain', 0]]);
  assert.equal(res.outcome.passed, true);
  assert.equal(res.outcome.quorum_met, true);
  assert.equal(typeof res.outcome.reason, 'string');
  assert.equal(res.digest, closed.tally_digest);
  assert.deepEqual(res.my_ballot, [0]);
  assert.deepEqual(res.turnout, { voted: 3, eligible: households.length });
  await unchanged(id, async () => {
    isError(await vote(as.resident, id, { choices: [1] }), 409);
    isError(await vote(cs, id, { choices: [1], paper: true, household_id: others[2].id }), 409);
    isError(await act(cs, id, 'start_implementation'), 409, undefined, 'conflict'); // no decision yet
    isError(await act(cs, id, 'publish_notice'), 409); // a passed vote is implemented first
    isError(await act(cs, id, 'close_voting'), 409);
    isError(await as.resident.put(`/api/v1/topics/${id}/decision`, { text: '加装' }), 403);
  });

  const d = await cs.put(`/api/v1/topics/${id}/decision`, { text: '同意加装电梯，费用按楼层分摊', person: '王主任' });
  assert.equal(d.status, 200, d.text);
  assert.deepEqual(d.json.decision, { text: '同意加装电梯，费用按楼层分摊', organisation_id: null, person: '王主任' });
  assert.equal((await move(cs, id, 'start_implementation')).stage, 'implementing');
  const n = await move(cs, id, 'publish_notice', { notice_days: 7 });
  assert.equal(n.stage, 'notice');
  const ends = Date.parse(n.notice_ends_at);
  assert.ok(Math.abs(ends - (Date.now() + 7 * 86400e3)) < 120e3, 'the notice runs 7 days: ' + n.notice_ends_at);
  await unchanged(id, async () => {
    isError(await act(cs, id, 'close'), 409, undefined, 'conflict'); // the notice period is not over
  });

  const final = (await as.resident.get('/api/v1/topics/' + id)).json;
  assert.deepEqual(final.events.map((e) => [e.action, e.from, e.to]), [
    ['propose', null, 'proposed'], ['accept', 'proposed', 'collecting'],
        ['start_deliberation', 'collecting', 'deliberating'], ['meeting', null, null],
    ['open_voting', 'deliberating', 'voting'],
    ['close_voting', 'voting', 'decided'], ['decision', null, null],
    ['start_implementation', 'decided', 'implementing'],
    ['publish_notice', 'implementing', 'notice']]);
  assert.equal(final.tally_digest, closed.tally_digest, 'the digest is frozen at close');
  assert.deepEqual((await results(as.grid, id)).tally, res.tally, 'the tally is frozen at close');
});

// ---- the stage machine ----

test('the stage machine: skipping or going back 409, the wrong actor 403, a missing reason 400', async () => {
  const cs = as.community;
  const id = (await propose(as.resident, { scope_node_id: grid1 })).id;
  await unchanged(id, async () => {
    for (const a of ['start_deliberation', 'open_voting', 'close_voting', 'start_implementation', 'publish_notice', 'close']) {
      isError(await act(cs, id, a), 409, undefined, 'conflict');
    }
    isError(await act(as.resident, id, 'accept'), 403, undefined, 'forbidden');
    isError(await act(as.resident, id, 'decline', { reason: '不行' }), 403);
    isError(await act(as.resident, id, 'dismiss', { reason: '不行' }), 403);
    isError(await act(as.grid, id, 'accept'), 403);
    isError(await act(cs, id, 'withdraw', { reason: '代为撤回' }), 403, undefined, 'forbidden');
    isError(await act(cs, id, 'decline'), 400, 'reason');
    isError(await act(cs, id, 'decline', { reason: '' }), 400, 'reason');
    isError(await act(cs, id, 'dismiss'), 400, 'reason');
    isError(await act(as.resident, id, 'withdraw'), 400, 'reason');
  });
  await move(cs, id, 'accept');
  await unchanged(id, async () => {
    isError(await act(cs, id, 'accept'), 409);
    isError(await act(cs, id, 'decline', { reason: '晚了' }), 409);
    isError(await act(cs, id, 'open_voting'), 409);
    isError(await act(cs, id, 'close_voting'), 409);
  });
  await move(cs, id, 'start_deliberation');
  await unchanged(id, async () => {
    isError(await act(cs, id, 'accept'), 409);
    isError(await act(cs, id, 'start_deliberation'), 409);
    isError(await act(cs, id, 'open_voting'), 409); // no vote rule yet
    isError(await act(cs, id, 'close_voting'), 409);
    isError(await act(as.resident, id, 'start_implementation'), 409);
  });
  const w = await move(as.resident, id, 'withdraw', { reason: '已与邻居协商解决' });
  assert.equal(w.stage, 'withdrawn');
  const ev = (await cs.get('/api/v1/topics/' + id)).json.events.at(-1);
  assert.deepEqual([ev.action, ev.from, ev.to, ev.note, ev.actor_user_id],
    ['withdraw', 'deliberating', 'withdrawn', '已与邻居协商解决', as.resident.user.id]);
  await unchanged(id, async () => {
    for (const a of ['accept', 'start_deliberation', 'open_voting', 'close_voting', 'publish_notice', 'close']) {
      isError(await act(cs, id, a), 409);
    }
    isError(await act(cs, id, 'dismiss', { reason: '终止' }), 409);
    isError(await act(as.resident, id, 'withdraw', { reason: '再次' }), 409);
  });

  // Declined at review, with its reason.
  const d = (await propose(as.resident, { scope_node_id: grid1 })).id;
  assert.equal((await move(cs, d, 'decline', { reason: '不属于居民自治事项' })).stage, 'declined');
  await unchanged(d, async () => { isError(await act(cs, d, 'accept'), 409); });

  // Withdrawing stops before voting; staff dismiss a vote with a reason.
  const v = await voting(HH_RULE());
  await unchanged(v, async () => {
    isError(await act(as.resident, v, 'withdraw', { reason: '撤回' }), 409);
    isError(await act(cs, v, 'open_voting'), 409);
    isError(await act(cs, v, 'start_deliberation'), 409);
    isError(await act(cs, v, 'publish_notice'), 409);
  });
  assert.equal((await move(cs, v, 'dismiss', { reason: '情况变化' })).stage, 'dismissed');

  // A vote that did not pass goes straight to notice; no decision, no implementation.
  const np = await voting(HH_RULE());
  const dec = await move(cs, np, 'close_voting');
  assert.equal(dec.passed, false, 'no ballots, no pass');
  await unchanged(np, async () => {
    isError(await act(cs, np, 'start_implementation'), 409);
    isError(await cs.put(`/api/v1/topics/${np}/decision`, { text: '照办' }), 409);
  });
  assert.equal((await move(cs, np, 'publish_notice')).stage, 'notice');

  // Bad bodies of the action itself.
  const b = (await propose(as.resident, { scope_node_id: grid1 })).id;
  await unchanged(b, async () => {
    isError(await cs.post(`/api/v1/topics/${b}/actions`, {}), 400, 'action');
    isError(await act(cs, b, 'approve'), 400, 'action');
    isError(await act(cs, b, 'ACCEPT'), 400, 'action');
    isError(await cs.post(`/api/v1/topics/${b}/actions`, { action: 1 }), 400, 'action');
    isError(await act(cs, b, 'accept', { extra: 1 }), 400, 'extra');
    isError(await act(cs, b, 'decline', { reason: 42 }), 400, 'reason');
    isError(await act(cs, b, 'decline', { reason: '理'.repeat(501) }), 400, 'reason');
    isError(await act(cs, b, 'accept', { note: ['x'] }), 400, 'note');
    for (const nd of [0, 91, '7', 1.5]) isError(await act(cs, b, 'accept', { notice_days: nd }), 400, 'notice_days');
    isError(await cs.post(`/api/v1/topics/${b}/actions`, '[]'), 400, undefined, 'invalid_json');
    isError(await cs.post(`/api/v1/topics/${b}/actions`, '{"action":'), 400, undefined, 'invalid_json');
  });
  isError(await act(cs, 99999999, 'accept'), 404);
});

// ---- topics: bad input ----

test('topics: bad input on create and list is refused and nothing is created', async () => {
  const c = as.community;
  const before = await all(as.admin, '/api/v1/topics');
  const good = { scope_node_id: grid1, title: '议题' + M, body: '内容' };
  const building2 = (await as.admin.get(`/api/v1/buildings?under=${grid2}&limit=1`)).json.items[0].id;
  const bad = [
    [{ ...good, extra: 1 }, 'extra'],
    [{ ...good, scope_node_id: undefined }, 'scope_node_id'],
    [{ ...good, scope_node_id: String(grid1) }, 'scope_node_id'],
    [{ ...good, scope_node_id: 99999999 }, 'scope_node_id'],
    [{ ...good, scope_node_id: as.street.user.grants[0].node_id }, 'scope_node_id'], // a street is too wide
    [{ ...good, scope_node_id: otherCommunity }, 'scope_node_id'], // not visible to the caller
    [{ ...good, scope_building_id: building2 }, 'scope_building_id'], // a building of another grid
    [{ ...good, scope_building_id: 'x' }, 'scope_building_id'],
    [{ ...good, scope_unit_id: 99999999 }, 'scope_unit_id'],
    [{ ...good, title: undefined }, 'title'],
    [{ ...good, title: '' }, 'title'],
    [{ ...good, title: '题'.repeat(101) }, 'title'],
    [{ ...good, title: 5 }, 'title'],
    [{ ...good, body: undefined }, 'body'],
    [{ ...good, body: ['x'] }, 'body'],
    [{ ...good, body: '文'.repeat(5001) }, 'body'],
    [{ ...good, category: 7 }, 'category'],
    [{ ...good, proposer_kind: 'mayor' }, 'proposer_kind'],
    [{ ...good, proposer_org_id: 99999999 }, 'proposer_org_id'],
  ];
  for (const [body, field] of bad) {
    const r = await c.post('/api/v1/topics', JSON.parse(JSON.stringify(body)));
    isError(r, 400, field);
  }
  isError(await c.post('/api/v1/topics', '[1]'), 400, undefined, 'invalid_json');
  isError(await c.get('/api/v1/topics?stage=bogus'), 400, 'stage');
  isError(await c.get('/api/v1/topics?scope_node_id=abc'), 400, 'scope_node_id');
  isError(await c.get(`/api/v1/topics?scope_node_id=${otherCommunity}`), 404);
  isError(await c.get('/api/v1/topics/99999999'), 404);
  assert.deepEqual(await all(as.admin, '/api/v1/topics'), before, 'no topic was created');

  // A building inside the scope is accepted and read back.
  const building1 = (await as.admin.get(`/api/v1/buildings?under=${grid1}&limit=1`)).json.items[0].id;
  const t = await propose(c, { scope_node_id: grid1, scope_building_id: building1 });
  assert.equal(t.scope_building_id, building1);
  assert.equal((await propose(c, { scope_node_id: community })).scope_node_id, community, 'a community topic');
});

// ---- the vote rule ----

test('vote rules: every bad rule is refused with 400 naming the field, and nothing is stored', async () => {
  const cs = as.community;
  const id = await deliberating();
  const good = HH_RULE();
  const choices = { eligibility: 'residents', kind: 'choices', options: ['A', 'B', 'C'], max_choices: 2, pass: 'plurality', ...OPEN() };
  const bad = [
    [{ ...good, extra: true }, 'extra'],
    [{ ...good, eligibility: undefined }, 'eligibility'],
    [{ ...good, eligibility: 'everyone' }, 'eligibility'],
    [{ ...good, eligibility: 1 }, 'eligibility'],
    [{ ...good, kind: 'ranked' }, 'kind'],
    [{ ...good, kind: undefined }, 'kind'],
    [{ ...good, pass: 'unanimous' }, 'pass'],
    [{ ...good, pass: undefined }, 'pass'],
    [{ ...good, pass: 'plurality' }, 'pass'], // plurality needs choices
    [{ ...choices, pass: 'majority' }, 'pass'], // majority needs yes/no
    [{ ...good, pass: 'owners_special' }, 'eligibility'], // the owners' rules need owners
    [{ ...good, pass: 'owners_ordinary' }, 'eligibility'],
    [{ ...good, options: ['yes', 'no'] }, 'options'],
    [{ ...good, max_choices: 2 }, 'max_choices'],
    [{ ...choices, options: ['A'] }, 'options'],
    [{ ...choices, options: Array.from({ length: 17 }, (_, i) => 'O' + i) }, 'options'],
    [{ ...choices, options: ['A', ''] }, 'options'],
    [{ ...choices, options: ['A', 2] }, 'options'],
    [{ ...choices, options: 'A,B' }, 'options'],
    [{ ...choices, options: ['A', '项'.repeat(51)] }, 'options'],
    [{ ...choices, max_choices: 0 }, 'max_choices'],
    [{ ...choices, max_choices: 4 }, 'max_choices'],
    [{ ...choices, max_choices: '2' }, 'max_choices'],
    [{ ...choices, max_choices: 1.5 }, 'max_choices'],
    [{ ...good, quorum: { num: 3, den: 2 } }, 'quorum'],
    [{ ...good, quorum: { num: 1, den: 0 } }, 'quorum'],
    [{ ...good, quorum: { num: -1, den: 2 } }, 'quorum'],
    [{ ...good, quorum: { num: 1 } }, 'quorum'],
    [{ ...good, quorum: { num: 1, den: 2, of: 'all' } }, 'quorum'],
    [{ ...good, quorum: { num: '1', den: 2 } }, 'quorum'],
    [{ ...good, quorum: { num: 0.5, den: 1 } }, 'quorum'],
    [{ ...good, quorum: '1/2' }, 'quorum'],
    [{ ...good, quorum: [1, 2] }, 'quorum'],
    [{ ...good, allow_change: 'yes' }, 'allow_change'],
    [{ ...good, live_results: 1 }, 'live_results'],
    [{ ...good, opens_at: undefined }, 'opens_at'],
    [{ ...good, closes_at: undefined }, 'closes_at'],
    [{ ...good, opens_at: 1767225600 }, 'opens_at'],
    [{ ...good, opens_at: '2026-01-01 00:00:00' }, 'opens_at'],
    [{ ...good, opens_at: '2026-01-01T00:00:00+08:00' }, 'opens_at'],
    [{ ...good, opens_at: '2026-01-01T00:00:00.000Z' }, 'opens_at'],
    [{ ...good, opens_at: '2026-02-30T00:00:00Z' }, 'opens_at'],
    [{ ...good, opens_at: '2026-13-01T00:00:00Z' }, 'opens_at'],
    [{ ...good, opens_at: '2026-01-01T24:00:00Z' }, 'opens_at'],
    [{ ...good, closes_at: '2026-01-01T00:60:00Z' }, 'closes_at'],
    [{ ...good, closes_at: '2026-01-01' }, 'closes_at'],
    [{ ...good, closes_at: good.opens_at }, 'closes_at'],
    [{ ...good, opens_at: good.closes_at, closes_at: good.opens_at }, 'closes_at'],
    [{ ...good, voters: [as.resident.user.id] }, 'voters'], // only for a list
    [{ ...good, eligibility: 'list' }, 'voters'],
    [{ ...good, eligibility: 'list', voters: [] }, 'voters'],
    [{ ...good, eligibility: 'list', voters: [0] }, 'voters'],
    [{ ...good, eligibility: 'list', voters: ['10'] }, 'voters'],
    [{ ...good, eligibility: 'list', voters: as.resident.user.id }, 'voters'],
  ];
  const failures = [];
  const check = async () => {
    for (const [body, field] of bad) {
      const r = await cs.put(`/api/v1/topics/${id}/vote-rule`, JSON.parse(JSON.stringify(body)));
      if (r.status !== 400 || r.json?.error?.field !== field) failures.push(`${JSON.stringify(body)} -> ${r.status} ${r.text}`);
    }
    isError(await cs.put(`/api/v1/topics/${id}/vote-rule`, '"rule"'), 400, undefined, 'invalid_json');
  };
  let snap = await snapshot(id);
  await check();
  assert.deepEqual(failures, [], 'bad rules that were not refused with 400 and their field');
  assert.deepEqual(await snapshot(id), snap, 'the topic changed');
  assert.equal((await cs.get('/api/v1/topics/' + id)).json.vote_rule, null, 'no rule was stored');

  // Nor does a bad rule replace a good one.
  const set = await cs.put(`/api/v1/topics/${id}/vote-rule`, choices);
  assert.equal(set.status, 200, set.text);
  assert.deepEqual(set.json, { ...choices, quorum: { num: 0, den: 1 }, allow_change: false, live_results: false });
  await unchanged(id, check);
  // A rule may be replaced by another good one before voting opens.
  const again = await cs.put(`/api/v1/topics/${id}/vote-rule`, { ...good, quorum: { num: 1, den: 2 }, live_results: true });
  assert.equal(again.status, 200, again.text);
  assert.deepEqual(again.json.quorum, { num: 1, den: 2 });
  assert.equal(again.json.kind, 'yes_no');

  // Only staff, and only while collecting or deliberating.
  await unchanged(id, async () => {
    isError(await as.resident.put(`/api/v1/topics/${id}/vote-rule`, good), 403);
    isError(await as.grid.put(`/api/v1/topics/${id}/vote-rule`, good), 403);
  });
  const p = (await propose(as.resident, { scope_node_id: grid1 })).id;
  await unchanged(p, async () => { isError(await cs.put(`/api/v1/topics/${p}/vote-rule`, good), 409); });
});

test('vote rules: numbers beyond 32 bits, and voter lists naming no one or someone twice, are refused', async () => {
  // The server reads max_choices and the quorum into C ints; 2^32 + 1 must not become 1.
  const cs = as.community;
  const id = await deliberating();
  const good = HH_RULE();
  const choices = { eligibility: 'residents', kind: 'choices', options: ['A', 'B', 'C'], max_choices: 2, pass: 'plurality', ...OPEN() };
  const bad = [
    [{ ...choices, max_choices: 4294967297 }, 'max_choices'], // 2^32 + 1, would wrap to 1
    [{ ...good, quorum: { num: 4294967298, den: 3 } }, 'quorum'], // would wrap to 2/3
    [{ ...good, quorum: { num: 1, den: 4294967298 } }, 'quorum'], // would wrap to 1/2
    [{ ...good, eligibility: 'list', voters: [as.resident.user.id, as.resident.user.id] }, 'voters'], // one voter counted twice
    [{ ...good, eligibility: 'list', voters: [99999999] }, 'voters'], // no such user
  ];
  const snap = await snapshot(id);
  const failures = [];
  for (const [body, field] of bad) {
    const r = await cs.put(`/api/v1/topics/${id}/vote-rule`, body);
    if (r.status !== 400 || r.json?.error?.field !== field) failures.push(`${JSON.stringify(body)} -> ${r.status} ${r.text}`);
  }
  assert.deepEqual(failures, [], 'bad rules that were not refused with 400 and their field');
  assert.deepEqual(await snapshot(id), snap, 'the topic changed');
});

// ---- ballots ----

test('ballots: bad choices, the wrong stage, a window not open, and who may vote', async () => {
  const cs = as.community;
  const rule = { eligibility: 'households', kind: 'choices', options: ['绿化', '停车', '照明', '健身'], max_choices: 2,
    pass: 'plurality', ...OPEN() };
  const id = await voting(rule);
  const otherHousehold = (await as.admin.get(`/api/v1/households?under=${grid1}&limit=3`)).json.items
    .find((h) => h.id !== residentHousehold).id;
  const grid2Household = (await as.admin.get(`/api/v1/households?under=${grid2}&limit=1`)).json.items[0].id;
  const failures = [];
  const snap = await snapshot(id);
  {
    const bad = [
      [as.resident, { choices: [0], extra: 1 }, 400, 'extra'],
      [as.resident, {}, 400, 'choices'],
      [as.resident, { choices: [] }, 400, 'choices'],
      [as.resident, { choices: 0 }, 400, 'choices'],
      [as.resident, { choices: ['0'] }, 400, 'choices'],
      [as.resident, { choices: [0.5] }, 400, 'choices'],
      [as.resident, { choices: [4] }, 400, 'choices'], // not offered
      [as.resident, { choices: [-1] }, 400, 'choices'],
      [as.resident, { choices: [99] }, 400, 'choices'],
      [as.resident, { choices: [0, 0] }, 400, 'choices'],
      [as.resident, { choices: [0, 1, 2] }, 400, 'choices'], // more than max_choices
      [as.resident, { choices: [0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0] }, 400, 'choices'],
      [as.resident, { choices: [0], paper: 'true' }, 400, 'paper'],
      [as.resident, { choices: [0], paper: true, household_id: residentHousehold }, 403, undefined], // residents enter no paper
      [as.grid, { choices: [0], paper: true, household_id: otherHousehold }, 403, undefined], // nor do grid workers
      [as.grid, { choices: [0] }, 403, undefined], // the grid worker represents no household
      [cs, { choices: [0], paper: true }, 400, 'household_id'],
      [cs, { choices: [0], paper: true, household_id: '1' }, 400, 'household_id'],
      [cs, { choices: [0], paper: true, resident_id: 1 }, 400, 'household_id'],
      [cs, { choices: [0], paper: true, household_id: grid2Household }, 400, 'household_id'], // outside the scope
      [cs, { choices: [0], paper: true, household_id: 99999999 }, 400, 'household_id'],
      [cs, { choices: [0] }, 403, undefined], // staff have no household of their own
    ];
    for (const [c, body, status, field] of bad) {
      const r = await vote(c, id, body);
      if (r.status !== status || (field && r.json?.error?.field !== field)) {
        failures.push(`${c.user.login} ${JSON.stringify(body)} -> ${r.status} ${r.text} (expected ${status} ${field ?? ''})`);
      }
    }
    isError(await vote(as.resident, id, '[0]'), 400, undefined, 'invalid_json');
  }
  assert.deepEqual(failures, [], 'bad ballots that were not refused as the contract says');
  assert.deepEqual(await snapshot(id), snap, 'the topic changed');
  assert.equal((await results(cs, id)).turnout.voted, 0, 'no bad ballot counted');

  const ok = await vote(as.resident, id, { choices: [2, 0] });
  assert.equal(ok.status, 201, ok.text);
  assert.deepEqual((await results(as.resident, id)).my_ballot, [2, 0]);
  await unchanged(id, async () => {
    isError(await vote(as.resident, id, { choices: [2, 0] }), 409);
    isError(await vote(as.resident, id, { choices: [1] }), 409);
    // Another representative of the same household: the household has voted.
    const second = await rep(grid1, residentHousehold);
    isError(await vote(second, id, { choices: [3] }), 409);
  });

  // The wrong stage: a rule set but voting not opened, and after close.
  const d = await deliberating();
  assert.equal((await cs.put(`/api/v1/topics/${d}/vote-rule`, rule)).status, 200);
  await unchanged(d, async () => { isError(await vote(as.resident, d, { choices: [0] }), 409); });
  const nr = (await propose(as.resident, { scope_node_id: grid1 })).id;
  isError(await vote(as.resident, nr, { choices: [0] }), 409);
  isError(await as.resident.get(`/api/v1/topics/${nr}/results`), 404); // no vote, no results

  // A window in the future (not open yet) and one in the past (closed).
  const future = await voting({ ...rule, opens_at: iso(86400), closes_at: iso(2 * 86400) });
  const past = await voting({ ...rule, opens_at: iso(-2 * 86400), closes_at: iso(-86400) });
  for (const t of [future, past]) {
    await unchanged(t, async () => {
      isError(await vote(as.resident, t, { choices: [0] }), 409);
      isError(await vote(cs, t, { choices: [0], paper: true, household_id: otherHousehold }), 409);
    });
    assert.equal((await results(cs, t)).turnout.voted, 0);
  }
});

test('an online ballot cannot name a household: that is for paper ballots entered by staff', async () => {
  const id = await voting(HH_RULE());
  const otherHousehold = (await as.admin.get(`/api/v1/households?under=${grid1}&limit=3`)).json.items
    .find((h) => h.id !== residentHousehold).id;
  await unchanged(id, async () => {
    isError(await vote(as.resident, id, { choices: [0], household_id: otherHousehold }), 400, 'household_id');
    isError(await vote(as.resident, id, { choices: [0], paper: false, household_id: otherHousehold }), 400, 'household_id');
  });
});

test('a paper ballot blocks every later vote of its voter, in every channel', async () => {
  const cs = as.community;
  const hs = (await as.admin.get(`/api/v1/households?under=${grid1}&limit=20`)).json.items.filter((h) => h.id !== residentHousehold);
  for (const allow of [false, true]) {
    const id = await voting({ ...HH_RULE(), allow_change: allow, live_results: true });
    const h = hs[allow ? 1 : 0].id;
    const u = await rep(grid1, h);
    const p = await vote(cs, id, { choices: [1], paper: true, household_id: h });
    assert.equal(p.status, 201, p.text);
    await unchanged(id, async () => {
      isError(await vote(u, id, { choices: [0] }), 409);
      isError(await vote(cs, id, { choices: [0], paper: true, household_id: h }), 409);
      isError(await vote(as.street, id, { choices: [0], paper: true, household_id: h }), 409);
    });
    const r = await results(u, id);
    assert.deepEqual(r.my_ballot, [1], 'the household sees the ballot entered for it');
    assert.deepEqual(counts(r), [0, 1, 0], 'live results count the paper ballot');
    assert.equal(r.turnout.voted, 1);
  }
});

test('eligibility residents and list: who votes, paper by resident_id and user_id, the electorate', async () => {
  const cs = as.community;
  // Residents: one vote per person of the scope.
  const hh = (await as.admin.get(`/api/v1/households?under=${grid1}&occupancy=owner_occupied&limit=20`)).json.items
    .filter((h) => h.id !== residentHousehold);
  const people = [];
  for (const h of hh) {
    people.push(...(await as.admin.get(`/api/v1/residents?household_id=${h.id}`)).json.items);
    if (people.length >= 3) break;
  }
  assert.ok(people.length >= 3, 'three residents of the grid');
  const u1 = await voter(grid1, { resident_id: people[0].id });
  const id = await voting({ eligibility: 'residents', kind: 'yes_no', pass: 'two_thirds', ...OPEN() });
  const everyone = await all(as.admin, `/api/v1/residents?under=${grid1}`);
  assert.equal((await cs.get('/api/v1/topics/' + id)).json.vote_rule.eligible, everyone.length, 'every resident of the grid');
  assert.equal((await vote(u1, id, { choices: [0] })).status, 201);
  assert.equal((await vote(cs, id, { choices: [1], paper: true, resident_id: people[1].id })).status, 201);
  assert.equal((await vote(as.resident, id, { choices: [0] })).status, 201, 'the demo resident stands for a resident');
  await unchanged(id, async () => {
    isError(await vote(u1, id, { choices: [1] }), 409);
    isError(await vote(cs, id, { choices: [1], paper: true, resident_id: people[0].id }), 409);
    isError(await vote(cs, id, { choices: [1], paper: true, household_id: hh[0].id }), 400, 'resident_id');
    const hhOnly = await rep(grid1, hh[0].id); // a household representative, but no resident
    isError(await vote(hhOnly, id, { choices: [0] }), 403);
  });
  assert.deepEqual((await results(u1, id)).my_ballot, [0]);
  await move(cs, id, 'close_voting');
  const r = await results(u1, id);
  assert.deepEqual(counts(r), [2, 1, 0]);
  assert.equal(r.outcome.passed, true, '2 of 3 is two thirds');

  // A named list of representatives.
  const a = await voter(grid1, {});
  const b = await voter(grid1, {});
  const l = await voting({ eligibility: 'list', voters: [a.user.id, b.user.id], kind: 'yes_no', pass: 'majority',
    quorum: { num: 1, den: 1 }, ...OPEN() });
  assert.equal((await cs.get('/api/v1/topics/' + l)).json.vote_rule.eligible, 2);
  assert.equal((await vote(a, l, { choices: [0] })).status, 201);
  await unchanged(l, async () => {
    isError(await vote(as.resident, l, { choices: [0] }), 403); // not on the list
    isError(await vote(cs, l, { choices: [0], paper: true, user_id: as.resident.user.id }), 400, 'user_id');
    isError(await vote(cs, l, { choices: [0], paper: true, user_id: a.user.id }), 409);
  });
  assert.equal((await vote(cs, l, { choices: [1], paper: true, user_id: b.user.id })).status, 201);
  await move(cs, l, 'close_voting');
  const lr = await results(b, l);
  assert.deepEqual(lr.my_ballot, [1]);
  assert.deepEqual(lr.turnout, { voted: 2, eligible: 2 });
  assert.equal(lr.outcome.quorum_met, true);
  assert.equal(lr.outcome.passed, false, '1 of 2 is not more than half');
});

test('outcomes: a quorum not met does not pass; plurality names its winner, a tie does not pass', async () => {
  const cs = as.community;
  const hs = (await as.admin.get(`/api/v1/households?under=${grid1}&limit=60`)).json.items.filter((h) => h.id !== residentHousehold);
  const q = await voting({ ...HH_RULE(), quorum: { num: 1, den: 2 } });
  assert.equal((await vote(as.resident, q, { choices: [0] })).status, 201);
  const qt = await move(cs, q, 'close_voting');
  assert.equal(qt.passed, false, 'one ballot of hundreds is below a quorum of one half');
  const qr = await results(as.resident, q);
  assert.deepEqual(counts(qr), [1, 0, 0]);
  assert.equal(qr.outcome.quorum_met, false);
  assert.equal(qr.outcome.passed, false);
  assert.equal((await move(cs, q, 'publish_notice')).stage, 'notice', 'a vote that did not pass goes to notice');

  const plural = { eligibility: 'households', kind: 'choices', options: ['东门', '西门', '南门'], max_choices: 2,
    pass: 'plurality', ...OPEN() };
  const p = await voting(plural);
  const ballots = [[0, 1], [1], [1, 2], [2]];
  for (const [i, b] of ballots.entries()) {
    assert.equal((await vote(cs, p, { choices: b, paper: true, household_id: hs[i].id })).status, 201);
  }
  await move(cs, p, 'close_voting');
  const pr = await results(as.grid, p);
  assert.deepEqual(counts(pr), [1, 3, 2]);
  assert.deepEqual(pr.outcome.winners, [1]);
  assert.equal(pr.outcome.passed, true);
  assert.equal(pr.turnout.voted, 4);

  const tie = await voting(plural);
  for (const [i, b] of [[0], [2]].entries()) {
    assert.equal((await vote(cs, tie, { choices: b, paper: true, household_id: hs[i].id })).status, 201);
  }
  assert.equal((await move(cs, tie, 'close_voting')).passed, false);
  const tr = await results(as.grid, tie);
  assert.deepEqual(tr.outcome.winners, [0, 2]);
  assert.equal(tr.outcome.passed, false);
  assert.notEqual(tr.digest, pr.digest, 'different ballots, different digests');
});

// ---- owners: the double majority of Civil Code art. 278 ----

test('owners (art. 278) on one building: participation at and just below two thirds, by headcount and by area', async () => {
  const cs = as.community;
  const b = await cs.post('/api/v1/buildings', { grid_id: grid1, number: M + '号楼', name: '业主表决楼' + M });
  assert.equal(b.status, 201, b.text);
  const u = await cs.post('/api/v1/units', { building_id: b.json.id, number: '1单元' });
  assert.equal(u.status, 201, u.text);
  // Nine homes: eight of 100 m² and one of 100.01 m² (900.01 m² in all, two thirds 600.0067).
  const areas = [100, 100, 100, 100, 100, 100, 100, 100, 100.01];
  const homes = [];
  for (const [i, area] of areas.entries()) {
    const h = await cs.post('/api/v1/households', { unit_id: u.json.id, room: `${i + 1}01`, area_m2: area, occupancy: 'owner_occupied' });
    assert.equal(h.status, 201, h.text);
    homes.push({ id: h.json.id, area, owner: await rep(grid1, h.json.id) });
  }
  const rule = { eligibility: 'owners', kind: 'yes_no', pass: 'owners_special', ...OPEN() };
  const scope = { scope_node_id: grid1, scope_building_id: b.json.id };

  // Each case: which homes vote how (Y yes, N no, A abstain, . not at all), passed?, why.
  const cases = [
    ['YYYYY...Y', true, 'six of nine, 600.01 of 900.01 m²: exactly two thirds by headcount, just over by area'],
    ['YYYYYY...', false, 'six of nine, but 600 of 900.01 m²: just below two thirds by area'],
    ['YYYYY....', false, 'five of nine: below two thirds by headcount and by area'],
    ['YYYYYYNN.', true, 'eight take part; 6 of 8 and 600 of 800 m² approve: exactly three quarters both ways'],
    ['YYYYYANN.', false, 'eight take part; 5 of 8 approve: below three quarters'],
    ['YYYYYYNNN', false, 'all take part; 6 of 9 approve: below three quarters'],
    ['YYYYNNNN.', false, 'owners_ordinary: 4 of 8 approve, exactly half, is not more than half', 'owners_ordinary'],
    ['YYYYYNNN.', true, 'owners_ordinary: 5 of 8 and 500 of 800 m² approve: more than half', 'owners_ordinary'],
    ['YYYYYA...', false, 'owners_ordinary: five of nine take part, below two thirds', 'owners_ordinary'],
  ];
  for (const [pattern, passed, what, pass] of cases) {
    const id = await voting({ ...rule, pass: pass ?? rule.pass }, scope, cs);
    const opened = (await cs.get('/api/v1/topics/' + id)).json.vote_rule;
    assert.equal(opened.eligible, 9, what);
    assert.equal(opened.eligible_area_m2, 900.01, what);
    // The demo resident owns no home in this building.
    isError(await vote(as.resident, id, { choices: [0] }), 403);
    let voted = 0;
    let area = 0;
    for (const [i, ch] of [...pattern].entries()) {
      if (ch === '.') continue;
      const r = await vote(homes[i].owner, id, { choices: ['YNA'.indexOf(ch)] });
      assert.equal(r.status, 201, `${what}: ${r.text}`);
      voted++;
      area += homes[i].area * 100;
    }
    const live = await results(homes[0].owner, id);
    assert.equal(live.tally, null, what);
    assert.equal(live.turnout.voted, voted, what);
    assert.equal(live.turnout.eligible, 9, what);
    assert.equal(Math.round(live.turnout.voted_area_m2 * 100), Math.round(area), what);
    assert.equal(live.turnout.eligible_area_m2, 900.01, what);
    const t = await move(cs, id, 'close_voting');
    assert.equal(t.passed, passed, what);
    const r = await results(homes[0].owner, id);
    assert.equal(r.outcome.passed, passed, what);
    assert.equal(r.outcome.quorum_met, voted >= 6 && area * 3 >= 90001 * 2, what);
    const yes = [...pattern].filter((c) => c === 'Y').length;
    assert.equal(r.tally[0].count, yes, what);
    assert.equal(Math.round(r.tally[0].area_m2 * 100),
      [...pattern].reduce((s, c, i) => s + (c === 'Y' ? Math.round(homes[i].area * 100) : 0), 0), what);
    assert.deepEqual(r.my_ballot, pattern[0] === '.' ? null : ['YNA'.indexOf(pattern[0])], what);
  }
});

// ---- changing a vote ----

test('allow_change: a changed vote replaces the old one in the tally; live results show it', async () => {
  const cs = as.community;
  const id = await voting({ ...HH_RULE(), allow_change: true, live_results: true });
  assert.equal((await vote(as.resident, id, { choices: [0] })).status, 201);
  let r = await results(as.grid, id);
  assert.deepEqual(counts(r), [1, 0, 0], 'live results');
  assert.equal(r.closed, false);
  assert.equal(r.provisional.passed, true);
  assert.equal(r.my_ballot, null);
  const c = await vote(as.resident, id, { choices: [1] });
  assert.equal(c.status, 201, 'a change is allowed: ' + c.text);
  r = await results(as.resident, id);
  assert.deepEqual(counts(r), [0, 1, 0], 'the old ballot left the tally');
  assert.equal(r.turnout.voted, 1);
  assert.deepEqual(r.my_ballot, [1]);
  assert.equal((await vote(as.resident, id, { choices: [2] })).status, 201);
  assert.equal((await vote(as.resident, id, { choices: [1] })).status, 201);
  await unchanged(id, async () => { isError(await vote(as.resident, id, { choices: [0, 1] }), 400, 'choices'); });
  const t = await move(cs, id, 'close_voting');
  assert.equal(t.passed, false);
  r = await results(as.resident, id);
  assert.deepEqual(counts(r), [0, 1, 0]);
  assert.deepEqual(r.turnout, { voted: 1, eligible: r.turnout.eligible });
  assert.deepEqual(r.my_ballot, [1]);
  assert.equal(r.outcome.passed, false);
  isError(await vote(as.resident, id, { choices: [0] }), 409, undefined, 'conflict');
});

// ---- concurrency ----

test('50 concurrent identical votes from one voter count once', async () => {
  const cs = as.community;
  const id = await voting(HH_RULE());
  const rs = await Promise.all(Array.from({ length: 50 }, () => vote(as.resident, id, { choices: [0] })));
  const by = {};
  for (const r of rs) by[r.status] = (by[r.status] || 0) + 1;
  assert.deepEqual(by, { 201: 1, 409: 49 }, 'one accepted, the rest conflicts');
  assert.equal((await results(cs, id)).turnout.voted, 1);
  await move(cs, id, 'close_voting');
  const r = await results(as.resident, id);
  assert.deepEqual(counts(r), [1, 0, 0]);
  assert.equal(r.turnout.voted, 1);

  // Changes racing each other still leave one ballot, and it is the voter's own.
  const ch = await voting({ ...HH_RULE(), allow_change: true, live_results: true });
  const rc = await Promise.all(Array.from({ length: 50 }, (_, i) => vote(as.resident, ch, { choices: [i % 3] })));
  assert.ok(rc.every((x) => x.status === 201), rc.map((x) => x.status).join());
  const after = await results(as.resident, ch);
  assert.equal(after.turnout.voted, 1);
  assert.equal(counts(after).reduce((s, x) => s + x, 0), 1, 'one ballot in the tally');
  assert.equal(after.tally[after.my_ballot[0]].count, 1, 'the ballot counted is the one the voter sees');
});

// ---- scope ----

test('callers outside the scope cannot read, write opinions or vote; another community is 404', async () => {
  const cs = as.community;
  const id = await deliberating();
  const g2Household = (await as.admin.get(`/api/v1/households?under=${grid2}&occupancy=owner_occupied&limit=1`)).json.items[0].id;
  const outsider = await rep(grid2, g2Household);
  await unchanged(id, async () => {
    for (const c of [as.grid2, outsider]) {
      isError(await c.get('/api/v1/topics/' + id), 404);
      isError(await c.post(`/api/v1/topics/${id}/opinions`, { body: '外网格的意见', stance: 'for' }), 404);
      isError(await c.get(`/api/v1/topics/${id}/opinions`), 404);
      isError(await c.get(`/api/v1/topics/${id}/meetings`), 404);
      isError(await act(c, id, 'withdraw', { reason: 'x' }), 404);
      assert.ok(!(await all(c, '/api/v1/topics')).some((x) => x.id === id), 'not listed');
    }
  });
  const v = await voting(HH_RULE());
  await unchanged(v, async () => {
    for (const c of [as.grid2, outsider]) {
      isError(await vote(c, v, { choices: [0] }), 404);
      isError(await c.get(`/api/v1/topics/${v}/results`), 404);
    }
  });

  // A topic of another community, proposed by admin, is not there for community staff.
  const o = await propose(as.admin, { scope_node_id: otherCommunity });
  await move(as.admin, o.id, 'accept');
  await unchanged(o.id, async () => {
    isError(await cs.get('/api/v1/topics/' + o.id), 404);
    isError(await act(cs, o.id, 'start_deliberation'), 404);
    isError(await act(cs, o.id, 'dismiss', { reason: 'x' }), 404);
    isError(await cs.post(`/api/v1/topics/${o.id}/opinions`, { body: '意见', stance: 'for' }), 404);
    isError(await cs.get(`/api/v1/topics/${o.id}/opinions`), 404);
    isError(await cs.post(`/api/v1/topics/${o.id}/meetings`, { held_at: iso(0), place: '会议室' }), 404);
    isError(await cs.put(`/api/v1/topics/${o.id}/vote-rule`, HH_RULE()), 404);
    isError(await vote(cs, o.id, { choices: [0] }), 404);
    isError(await cs.get(`/api/v1/topics/${o.id}/results`), 404);
    isError(await cs.put(`/api/v1/topics/${o.id}/decision`, { text: '决定' }), 404);
    isError(await as.resident.get('/api/v1/topics/' + o.id), 404);
  });
  assert.ok(!(await all(cs, '/api/v1/topics')).some((x) => x.id === o.id), 'not listed');
});

// ---- secrecy ----

test('no endpoint tells one voter how another voted', async () => {
  const cs = as.community;
  const hs = (await as.admin.get(`/api/v1/households?under=${grid1}&limit=40`)).json.items.filter((h) => h.id !== residentHousehold);
  const b = await rep(grid1, hs[5].id);
  const id = await deliberating();
  assert.equal((await b.post(`/api/v1/topics/${id}/opinions`, { body: '我投反对票', stance: 'against' })).status, 201);
  assert.equal((await cs.post(`/api/v1/topics/${id}/meetings`, { held_at: iso(-60), place: '议事厅' })).status, 201);
  assert.equal((await cs.put(`/api/v1/topics/${id}/vote-rule`, HH_RULE())).status, 200);
  await move(cs, id, 'open_voting');
  assert.equal((await vote(as.resident, id, { choices: [0] })).status, 201);
  assert.equal((await vote(b, id, { choices: [1] })).status, 201);
  assert.equal((await vote(cs, id, { choices: [2], paper: true, household_id: hs[6].id })).status, 201);

  const FORBIDDEN = ['choices', 'ballot', 'ballots', 'slot', 'voter_key', 'voter', 'voted_by'];
  const look = async (c, phase) => {
    for (const p of [`/api/v1/topics/${id}`, `/api/v1/topics/${id}/opinions`, `/api/v1/topics/${id}/meetings`,
      `/api/v1/topics?scope_node_id=${grid1}`, `/api/v1/topics/${id}/results`]) {
      const r = await c.get(p);
      assert.equal(r.status, 200, `${phase} ${c.user.login} ${p}: ${r.text}`);
      const keys = keysDeep(r.json);
      for (const k of FORBIDDEN) assert.ok(!keys.has(k), `${phase} ${c.user.login} ${p} shows ${k}`);
    }
  };
  for (const c of [b, as.resident, cs, as.grid, as.admin]) await look(c, 'voting');
  // Before close: each sees only their own ballot, and no tally.
  const seen = async () => ({
    a: (await results(as.resident, id)), b: (await results(b, id)), staff: (await results(cs, id)),
  });
  let s = await seen();
  assert.deepEqual(s.a.my_ballot, [0]);
  assert.deepEqual(s.b.my_ballot, [1]);
  assert.equal(s.staff.my_ballot, null, 'staff who entered a paper ballot do not read it back');
  for (const x of Object.values(s)) {
    assert.equal(x.tally, null);
    assert.equal(x.provisional, undefined);
    assert.equal(x.outcome, undefined);
  }
  // After close: the tally in numbers, and still only one's own ballot.
  await move(cs, id, 'close_voting');
  for (const c of [b, as.resident, cs, as.grid]) await look(c, 'closed');
  s = await seen();
  assert.deepEqual(counts(s.b), [1, 1, 1]);
  assert.deepEqual(s.a.my_ballot, [0]);
  assert.deepEqual(s.b.my_ballot, [1]);
  assert.equal(s.staff.my_ballot, null);
  // Both follow it (the proposer does from the start): "following" is the caller's own.
  assert.equal((await b.post(`/api/v1/topics/${id}/follow`)).status, 200);
  const bodyA = JSON.stringify((await as.resident.get('/api/v1/topics/' + id)).json);
  const bodyB = JSON.stringify((await b.get('/api/v1/topics/' + id)).json);
  assert.equal(bodyA, bodyB, 'the topic reads the same whoever voted how');
});

// ---- opinions, meetings and the decision: bad input ----

test('opinions: bad input, depth and stage are refused and nothing is added', async () => {
  const id = await deliberating();
  const other = await deliberating();
  const first = await as.resident.post(`/api/v1/topics/${id}/opinions`, { body: '第一条', stance: 'for' });
  assert.equal(first.status, 201, first.text);
  const elsewhere = await as.resident.post(`/api/v1/topics/${other}/opinions`, { body: '别的议题', stance: 'for' });
  const good = { body: '意见', stance: 'neutral' };
  await unchanged(id, async () => {
    const bad = [
      [{ ...good, extra: 1 }, 'extra'],
      [{ stance: 'for' }, 'body'],
      [{ ...good, body: '' }, 'body'],
      [{ ...good, body: 12 }, 'body'],
      [{ ...good, body: '字'.repeat(2001) }, 'body'],
      [{ body: '意见' }, 'stance'],
      [{ ...good, stance: 'maybe' }, 'stance'],
      [{ ...good, stance: 'FOR' }, 'stance'],
      [{ ...good, stance: true }, 'stance'],
      [{ ...good, parent_id: '1' }, 'parent_id'],
      [{ ...good, parent_id: 0 }, 'parent_id'],
      [{ ...good, parent_id: -3 }, 'parent_id'],
      [{ ...good, parent_id: 99999999 }, 'parent_id'],
      [{ ...good, parent_id: elsewhere.json.id }, 'parent_id'], // an opinion of another topic
    ];
    for (const [body, field] of bad) isError(await as.resident.post(`/api/v1/topics/${id}/opinions`, body), 400, field);
    isError(await as.resident.post(`/api/v1/topics/${id}/opinions`, 'null'), 400, undefined, 'invalid_json');
  });
  // Only while collecting or deliberating.
  const p = (await propose(as.resident, { scope_node_id: grid1 })).id;
  await unchanged(p, async () => { isError(await as.resident.post(`/api/v1/topics/${p}/opinions`, good), 409); });
  await move(as.resident, id, 'withdraw', { reason: '撤回' });
  await unchanged(id, async () => { isError(await as.resident.post(`/api/v1/topics/${id}/opinions`, good), 409); });
});

test('meetings and the decision: bad input, the wrong role and the wrong stage are refused', async () => {
  const cs = as.community;
  const id = await deliberating();
  const good = { held_at: iso(-3600), place: '议事厅' };
  await unchanged(id, async () => {
    const bad = [
      [{ ...good, extra: 1 }, 'extra'],
      [{ place: '议事厅' }, 'held_at'],
      [{ ...good, held_at: '2026-01-01' }, 'held_at'],
      [{ ...good, held_at: '2026-02-30T10:00:00Z' }, 'held_at'],
      [{ ...good, held_at: 1767225600 }, 'held_at'],
      [{ held_at: good.held_at }, 'place'],
      [{ ...good, place: '' }, 'place'],
      [{ ...good, place: '厅'.repeat(101) }, 'place'],
      [{ ...good, agenda: 5 }, 'agenda'],
      [{ ...good, attendance: -1 }, 'attendance'],
      [{ ...good, attendance: '20' }, 'attendance'],
      [{ ...good, attendance: 100001 }, 'attendance'],
    ];
    for (const [body, field] of bad) isError(await cs.post(`/api/v1/topics/${id}/meetings`, body), 400, field);
    isError(await as.resident.post(`/api/v1/topics/${id}/meetings`, good), 403);
    isError(await as.grid.post(`/api/v1/topics/${id}/meetings`, good), 403);
  });
  const c = (await propose(as.resident, { scope_node_id: grid1 })).id;
  await move(cs, c, 'accept');
  await unchanged(c, async () => { isError(await cs.post(`/api/v1/topics/${c}/meetings`, good), 409); });

  // The decision: staff, on a topic that was decided and passed.
  const v = await voting(HH_RULE());
  await unchanged(v, async () => { isError(await cs.put(`/api/v1/topics/${v}/decision`, { text: '决定' }), 409); });
  assert.equal((await vote(as.resident, v, { choices: [0] })).status, 201);
  await move(cs, v, 'close_voting');
  await unchanged(v, async () => {
    const bad = [
      [{}, 'text'],
      [{ text: '' }, 'text'],
      [{ text: 1 }, 'text'],
      [{ text: '决'.repeat(5001) }, 'text'],
      [{ text: '决定', extra: 1 }, 'extra'],
      [{ text: '决定', person: '人'.repeat(33) }, 'person'],
      [{ text: '决定', person: 3 }, 'person'],
      [{ text: '决定', organisation_id: 99999999 }, 'organisation_id'],
      [{ text: '决定', organisation_id: 'x' }, 'organisation_id'],
    ];
    for (const [body, field] of bad) isError(await cs.put(`/api/v1/topics/${v}/decision`, body), 400, field);
    isError(await as.resident.put(`/api/v1/topics/${v}/decision`, { text: '决定' }), 403);
    isError(await as.grid.put(`/api/v1/topics/${v}/decision`, { text: '决定' }), 403);
  });
  const org = (await as.admin.get(`/api/v1/organisations?under=${community}&limit=1`)).json.items[0];
  const body = { text: '由物业实施', person: '李经理', ...(org ? { organisation_id: org.id } : {}) };
  const d = await cs.put(`/api/v1/topics/${v}/decision`, body);
  assert.equal(d.status, 200, d.text);
  assert.deepEqual(d.json.decision, { organisation_id: null, ...body });
  assert.deepEqual((await as.resident.get('/api/v1/topics/' + v)).json.decision, d.json.decision);
});

test('an account made after the vote for a household does not read that household\'s ballot', async () => {
  // my_ballot is "the caller's own choices only": staff who may link accounts to households
  // must not learn how a household voted by making an account for it and asking.
  const cs = as.community;
  const id = await voting(HH_RULE());
  assert.equal((await vote(as.resident, id, { choices: [1] })).status, 201);
  const login = `${M}spy`;
  const made = await cs.post('/api/v1/users', { login, password: PW, name: '旁观者',
    grants: [{ role: 'resident', node_id: grid1 }], household_id: residentHousehold, household_representative: true });
  assert.equal(made.status, 201, 'community staff may make such an account: ' + made.text);
  const spy = await loginAs(server.url, login, PW);
  const r = await results(spy, id);
  assert.equal(r.my_ballot, null, 'an account that cast no ballot reads none: ' + JSON.stringify(r.my_ballot));
});

test('the electorate is frozen when voting opens: homes added or enlarged later do not swell the turnout', async () => {
  const cs = as.community;
  const b = await cs.post('/api/v1/buildings', { grid_id: grid1, number: M + '新楼', name: '冻结名册楼' + M });
  assert.equal(b.status, 201, b.text);
  const u = await cs.post('/api/v1/units', { building_id: b.json.id, number: '1单元' });
  const home = async (room) => {
    const h = await cs.post('/api/v1/households', { unit_id: u.json.id, room, area_m2: 90, occupancy: 'owner_occupied' });
    assert.equal(h.status, 201, h.text);
    return { id: h.json.id, owner: await rep(grid1, h.json.id) };
  };
  const early = [await home('101'), await home('102'), await home('103')];
  const id = await voting({ eligibility: 'owners', kind: 'yes_no', pass: 'owners_ordinary', ...OPEN() },
    { scope_node_id: grid1, scope_building_id: b.json.id }, cs);
  const rule = (await cs.get('/api/v1/topics/' + id)).json.vote_rule;
  assert.equal(rule.eligible, 3);
  assert.equal(rule.eligible_area_m2, 270);
  // Three more homes after the roll was frozen, and one early home enlarged to 9000 m².
  const late = [await home('201'), await home('202'), await home('203')];
  assert.equal((await cs.patch('/api/v1/households/' + early[0].id, { area_m2: 9000 })).status, 200);
  const statuses = [];
  for (const h of [...early.slice(0, 1), ...late]) statuses.push((await vote(h.owner, id, { choices: [0] })).status);
  const r = await results(cs, id);
  assert.ok(r.turnout.voted <= r.turnout.eligible,
    `turnout ${r.turnout.voted} of ${r.turnout.eligible} eligible (ballots answered ${statuses.join()})`);
  assert.ok(r.turnout.voted_area_m2 <= r.turnout.eligible_area_m2,
    `voted area ${r.turnout.voted_area_m2} m² of ${r.turnout.eligible_area_m2} m² eligible`);
});

test('a community-wide topic: the households of its grids are its electorate, and their representatives take part', async () => {
  // The electorate of a topic scoped to the community is every household of the community,
  // so the demo resident (who represents one of them) must be able to read it and vote.
  const cs = as.community;
  const id = await deliberating({ scope_node_id: community }, cs);
  const op = await as.resident.post(`/api/v1/topics/${id}/opinions`, { body: '社区范围的意见', stance: 'for' });
  assert.equal((await cs.put(`/api/v1/topics/${id}/vote-rule`, HH_RULE())).status, 200);
  await move(cs, id, 'open_voting');
  const eligible = (await cs.get('/api/v1/topics/' + id)).json.vote_rule.eligible;
  assert.equal(eligible, (await all(as.admin, `/api/v1/households?under=${community}`)).length);
  const g = await as.resident.get('/api/v1/topics/' + id);
  const v = await vote(as.resident, id, { choices: [0] });
  assert.deepEqual([g.status, op.status, v.status], [200, 201, 201],
    `a resident of the community: read ${g.status}, opinion ${op.status}, vote ${v.status} ${v.text}`);
});
