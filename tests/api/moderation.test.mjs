// moderation.test.mjs - opinions after they are written: edits by their author (versions
// counted), reports (once per user, hidden automatically at three), moderation by staff with
// a logged reason; and the participation record of a person and of a household, which never
// holds how anyone voted.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/server.mjs';
import { isError, loginAs } from '../lib/check.mjs';

let server, staff, resident, worker, other, collecting, parking;

before(async () => {
  server = await startServer();
  staff = await loginAs(server.url, 'community');
  resident = await loginAs(server.url, 'resident');
  worker = await loginAs(server.url, 'grid');
  other = await loginAs(server.url, 'grid2');
  const list = (await resident.get('/api/v1/topics?limit=50')).json.items;
  collecting = list.find((t) => t.stage === 'collecting');
  parking = list.find((t) => t.stage === 'voting');
  assert.ok(collecting && parking);
});
after(async () => { if (server) await server.stop(); });

test('the author edits an opinion; others cannot; bad input changes nothing', async () => {
  const made = await resident.post(`/api/v1/topics/${collecting.id}/opinions`, { body: '放在门口', stance: 'for' });
  assert.equal(made.status, 201, made.text);
  const url = `/api/v1/topics/${collecting.id}/opinions/${made.json.id}`;
  isError(await staff.patch(url, { body: '改写' }), 404);
  isError(await resident.patch(url, { body: '' }), 400, 'body');
  isError(await resident.patch(url, { body: 'x', stance: 'against' }), 400, 'stance');
  isError(await other.patch(url, { body: 'x' }), 404);
  const ed = await resident.patch(url, { body: '放在门口有遮雨棚的地方' });
  assert.equal(ed.status, 200, ed.text);
  assert.equal(ed.json.version, 2);
  assert.equal(ed.json.body, '放在门口有遮雨棚的地方');
  isError(await resident.patch(`/api/v1/topics/${parking.id}/opinions/${made.json.id}`, { body: 'x' }), 409);
});

test('three reports hide an opinion; a second report by the same user is refused', async () => {
  const made = await staff.post(`/api/v1/topics/${collecting.id}/opinions`, { body: '不需要快递柜', stance: 'against' });
  const url = `/api/v1/topics/${collecting.id}/opinions/${made.json.id}/reports`;
  isError(await resident.post(url, {}), 400, 'reason');
  const r1 = await resident.post(url, { reason: '离题' });
  assert.equal(r1.status, 201, r1.text);
  assert.equal(r1.json.hidden, false);
  isError(await resident.post(url, { reason: '再举报' }), 409);
  assert.equal((await worker.post(url, { reason: '不实' })).json.hidden, false);
  const r3 = await staff.post(url, { reason: '重复' });
  assert.equal(r3.json.hidden, true);
  const ops = (await resident.get(`/api/v1/topics/${collecting.id}/opinions`)).json.items;
  const hidden = ops.find((o) => o.id === made.json.id);
  assert.equal(hidden.hidden, true);
  assert.equal(hidden.body, '', 'a hidden opinion shows no text');
  isError(await other.post(url, { reason: 'x' }), 404);
  isError(await resident.post(`/api/v1/topics/${collecting.id}/opinions/999999/reports`, { reason: 'x' }), 404);
});

test('staff hide and restore with a reason that the topic records', async () => {
  const made = await resident.post(`/api/v1/topics/${collecting.id}/opinions`, { body: '含有电话号码 138…', stance: 'neutral' });
  const url = `/api/v1/topics/${collecting.id}/opinions/${made.json.id}/moderation`;
  isError(await resident.post(url, { hidden: true, reason: '自己隐藏' }), 403);
  isError(await staff.post(url, { hidden: 'yes', reason: 'x' }), 400, 'hidden');
  isError(await staff.post(url, { hidden: true }), 400, 'reason');
  const h = await staff.post(url, { hidden: true, reason: '含个人电话' });
  assert.equal(h.status, 200, h.text);
  assert.equal(h.json.hidden, true);
  const back = await staff.post(url, { hidden: false, reason: '已删去电话后恢复' });
  assert.equal(back.json.hidden, false);
  const events = (await staff.get(`/api/v1/topics/${collecting.id}`)).json.events;
  const last = events.slice(-2).map((e) => [e.action, e.note]);
  assert.deepEqual(last.map((x) => x[0]), ['hide_opinion', 'restore_opinion']);
  assert.match(last[0][1], /含个人电话/);
});

test('the participation record lists opinions and ballots, never the choices', async () => {
  const rule = (await staff.get(`/api/v1/topics/${parking.id}`)).json.vote_rule;
  assert.ok(rule);
  const v = await resident.post(`/api/v1/topics/${parking.id}/votes`, { choices: [1] });
  assert.equal(v.status, 201, v.text);
  const me = await resident.get(`/api/v1/users/${resident.user.id}/participation`);
  assert.equal(me.status, 200, me.text);
  const kinds = new Set(me.json.items.map((p) => p.kind));
  assert.ok(kinds.has('opinion') && kinds.has('vote'), JSON.stringify(me.json.items));
  const vote = me.json.items.find((p) => p.kind === 'vote' && p.topic_id === parking.id);
  assert.equal(vote.channel, 'online');
  assert.deepEqual(Object.keys(vote).sort(), ['at', 'channel', 'kind', 'topic_id', 'topic_title']);
  assert.ok(!JSON.stringify(me.json).includes('choices'));
  // Staff of the community read it; a grid worker of another grid does not.
  assert.equal((await staff.get(`/api/v1/users/${resident.user.id}/participation`)).status, 200);
  isError(await other.get(`/api/v1/users/${resident.user.id}/participation`), 404);
  // The household's record: ballots cast in its name, whoever cast them.
  const hh = await staff.get('/api/v1/households?under=' + resident.user.grants[0].node_id + '&limit=500');
  const mine = hh.json.items.find((h) => h.head_name);
  assert.ok(mine);
  const rec = await staff.get(`/api/v1/households/${mine.id}/participation`);
  assert.equal(rec.status, 200, rec.text);
  assert.ok(rec.json.items.every((p) => p.kind === 'vote'));
  isError(await other.get(`/api/v1/households/${mine.id}/participation`), 404);
});
