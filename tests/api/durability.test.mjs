// durability.test.mjs - no acknowledged ballot is lost when the server is killed with
// SIGKILL under load: every 201 answered before the kill is in the database afterwards.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { startServer } from '../lib/server.mjs';
import { loginAs } from '../lib/check.mjs';

test('ballots acknowledged before a SIGKILL survive it', async () => {
  const server = await startServer();
  const staff = await loginAs(server.url, 'community');
  const community = staff.user.grants[0].node_id;
  const t = await staff.post('/api/v1/topics', { scope_node_id: community, title: '耐久', body: '耐久' });
  for (const action of ['accept', 'start_deliberation']) await staff.post(`/api/v1/topics/${t.json.id}/actions`, { action });
  await staff.put(`/api/v1/topics/${t.json.id}/vote-rule`, {
    eligibility: 'residents', kind: 'yes_no', pass: 'majority',
    opens_at: '2020-01-01T00:00:00Z', closes_at: '2099-01-01T00:00:00Z' });
  const open = await staff.post(`/api/v1/topics/${t.json.id}/actions`, { action: 'open_voting' });
  assert.equal(open.status, 200, open.text);
  const residents = [];
  for (let cursor = null; residents.length < 3000;) {
    const r = await staff.get(`/api/v1/residents?under=${community}&limit=500${cursor ? '&cursor=' + cursor : ''}`);
    residents.push(...r.json.items.map((x) => x.id));
    if (!r.json.next) break;
    cursor = r.json.next;
  }
  const acked = [];
  let stop = false;
  // 32 senders, each a run of paper ballots; the server is killed while they send.
  const sender = async (k) => {
    for (let i = k; i < residents.length && !stop; i += 32) {
      try {
        const r = await staff.post(`/api/v1/topics/${t.json.id}/votes`,
          { choices: [0], paper: true, resident_id: residents[i] });
        if (r.status === 201) acked.push(residents[i]);
      } catch { return; } // the connection died with the server
    }
  };
  const senders = Array.from({ length: 32 }, (_, k) => sender(k));
  await new Promise((r) => setTimeout(r, 400));
  await server.kill('SIGKILL');
  stop = true;
  await Promise.all(senders);
  assert.ok(acked.length > 20, `some ballots were acknowledged before the kill (${acked.length})`);
  // Restart on the same file: every acknowledged ballot is there.
  const again = await startServer({ dir: server.dir, db: server.db });
  try {
    const staff2 = await loginAs(again.url, 'community');
    const res = await staff2.get(`/api/v1/topics/${t.json.id}/results`);
    assert.equal(res.status, 200, res.text);
    assert.ok(res.json.turnout.voted >= acked.length,
      `turnout ${res.json.turnout.voted} holds the ${acked.length} acknowledged ballots`);
    // Each acknowledged voter is counted: a second ballot for them is refused as a repeat.
    for (const id of acked.slice(0, 50)) {
      const r = await staff2.post(`/api/v1/topics/${t.json.id}/votes`, { choices: [1], paper: true, resident_id: id });
      assert.equal(r.status, 409, `resident ${id} voted before the kill: ${r.text}`);
    }
  } finally {
    await again.stop();
    rmSync(server.dir, { recursive: true, force: true });
  }
});
