// notice.test.mjs - implementation and public notice of a consultation: items with
// progress and public updates, objections raised during the notice and answered before the
// topic may close. Uses the demo's elevator topic (decided by the owners, under way).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/server.mjs';
import { isError, loginAs } from '../lib/check.mjs';

let server, staff, resident, other, elevator, parking;

before(async () => {
  server = await startServer();
  staff = await loginAs(server.url, 'community');
  resident = await loginAs(server.url, 'resident');
  other = await loginAs(server.url, 'grid2');
  const list = await resident.get('/api/v1/topics?limit=50');
  assert.equal(list.status, 200, list.text);
  elevator = list.json.items.find((t) => t.stage === 'implementing');
  parking = list.json.items.find((t) => t.stage === 'voting');
  assert.ok(elevator && parking, 'the demo has a topic under way and one being voted on');
});
after(async () => { if (server) await server.stop(); });

test('the decided topic carries its items and their mean progress', async () => {
  const r = await resident.get(`/api/v1/topics/${elevator.id}`);
  assert.equal(r.status, 200);
  assert.ok(r.json.items.length >= 2);
  const mean = Math.floor(r.json.items.reduce((a, i) => a + i.progress, 0) / r.json.items.length);
  assert.equal(r.json.progress, mean);
  assert.ok(r.json.decision && r.json.decision.text.length > 0);
  assert.equal(r.json.passed, true);
});

test('staff plan items and report progress; bad input and other callers change nothing', async () => {
  const before = (await staff.get(`/api/v1/topics/${elevator.id}`)).json;
  const made = await staff.post(`/api/v1/topics/${elevator.id}/items`, { title: '竣工验收资料归档', due_on: '2027-05-31' });
  assert.equal(made.status, 201, made.text);
  assert.equal(made.json.progress, 0);
  isError(await staff.post(`/api/v1/topics/${elevator.id}/items`, { title: '' }), 400, 'title');
  isError(await staff.post(`/api/v1/topics/${elevator.id}/items`, { title: 'x', due_on: '2027-02-30' }), 400, 'due_on');
  isError(await staff.post(`/api/v1/topics/${elevator.id}/items`, { title: 'x', owner: 1 }), 400, 'owner');
  isError(await resident.post(`/api/v1/topics/${elevator.id}/items`, { title: 'x' }), 403);
  isError(await other.post(`/api/v1/topics/${elevator.id}/items`, { title: 'x' }), 404);
  for (const bad of [-1, 101, 50.5, '50', null])
    isError(await staff.patch(`/api/v1/topics/${elevator.id}/items/${made.json.id}`, { progress: bad }), 400, 'progress');
  isError(await staff.patch(`/api/v1/topics/${elevator.id}/items/999999`, { progress: 10 }), 404);
  isError(await staff.patch(`/api/v1/topics/${parking.id}/items/${made.json.id}`, { progress: 10 }), 409);
  const p = await staff.patch(`/api/v1/topics/${elevator.id}/items/${made.json.id}`, { progress: 40, note: '资料收集中' });
  assert.equal(p.status, 200, p.text);
  const after = (await staff.get(`/api/v1/topics/${elevator.id}`)).json;
  assert.equal(after.items.length, before.items.length + 1);
  assert.equal(after.items.find((i) => i.id === made.json.id).progress, 40);
  const update = after.events.at(-1);
  assert.equal(update.action, 'progress');
  assert.match(update.note, /40%/);
  assert.match(update.note, /资料收集中/);
});

test('objections come during the notice and must be answered; the topic closes only after', async () => {
  isError(await resident.post(`/api/v1/topics/${elevator.id}/objections`, { body: '太早了' }), 409);
  const pub = await staff.post(`/api/v1/topics/${elevator.id}/actions`, { action: 'publish_notice', notice_days: 1 });
  assert.equal(pub.status, 200, pub.text);
  assert.equal(pub.json.stage, 'notice');
  assert.ok(Date.parse(pub.json.notice_ends_at) > Date.now() + 23 * 3600 * 1000);
  isError(await staff.post(`/api/v1/topics/${elevator.id}/items`, { title: 'late' }), 409);
  isError(await resident.post(`/api/v1/topics/${elevator.id}/objections`, { body: '' }), 400, 'body');
  isError(await other.post(`/api/v1/topics/${elevator.id}/objections`, { body: '外网格' }), 404);
  const ob = await resident.post(`/api/v1/topics/${elevator.id}/objections`, { body: '施工噪音请限定在白天' });
  assert.equal(ob.status, 201, ob.text);
  let t = (await staff.get(`/api/v1/topics/${elevator.id}`)).json;
  assert.equal(t.open_objections, 1);
  isError(await staff.post(`/api/v1/topics/${elevator.id}/actions`, { action: 'close' }), 409);
  isError(await resident.put(`/api/v1/topics/${elevator.id}/objections/${ob.json.id}`, { answer: '我自己答' }), 403);
  isError(await staff.put(`/api/v1/topics/${elevator.id}/objections/${ob.json.id}`, { answer: '' }), 400, 'answer');
  isError(await staff.put(`/api/v1/topics/${elevator.id}/objections/999999`, { answer: 'x' }), 404);
  const ans = await staff.put(`/api/v1/topics/${elevator.id}/objections/${ob.json.id}`, { answer: '施工时间限定为白天' });
  assert.equal(ans.status, 200, ans.text);
  isError(await staff.put(`/api/v1/topics/${elevator.id}/objections/${ob.json.id}`, { answer: '再答' }), 409);
  t = (await staff.get(`/api/v1/topics/${elevator.id}`)).json;
  assert.equal(t.open_objections, 0);
  assert.equal(t.objections[0].answer, '施工时间限定为白天');
  // The notice period (a day) is not over yet: closing still waits.
  const c = await staff.post(`/api/v1/topics/${elevator.id}/actions`, { action: 'close' });
  isError(c, 409);
  assert.equal((await staff.get(`/api/v1/topics/${elevator.id}`)).json.stage, 'notice');
});

test('a community-wide topic is seen by the residents inside the community', async () => {
  const community = staff.user.grants[0].node_id; // the resident's grid lies in it
  const made = await staff.post('/api/v1/topics', { scope_node_id: community, title: '社区公约修订', body: '修订居民公约' });
  assert.equal(made.status, 201, made.text);
  const seen = await resident.get(`/api/v1/topics/${made.json.id}`);
  assert.equal(seen.status, 200, seen.text);
  const listed = await resident.get('/api/v1/topics?limit=100');
  assert.ok(listed.json.items.some((t) => t.id === made.json.id));
});
