// check.mjs - assertions shared by the API tests: the error body, the list shape, and
// reading every page of a list.
import assert from 'node:assert/strict';
import { Client, DEMO_PASSWORD, ADMIN_PASSWORD } from './server.mjs';

// An error answer: the status, and {"error": {"code", "message", "field"?}}; with field
// or code given, those too.
export function isError(r, status, field, code) {
  assert.equal(r.status, status, `expected ${status}, got ${r.status}: ${r.text}`);
  assert.ok(r.json && r.json.error, 'error body: ' + r.text);
  assert.match(r.json.error.code, /^[a-z_]+$/);
  assert.equal(typeof r.json.error.message, 'string');
  if (field !== undefined) assert.equal(r.json.error.field, field, 'field: ' + r.text);
  if (code !== undefined) assert.equal(r.json.error.code, code, r.text);
}

// A list answer: exactly {"items": [...], "next": string|null}.
export function isList(r) {
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(Object.keys(r.json).sort(), ['items', 'next']);
  assert.ok(Array.isArray(r.json.items));
  assert.ok(r.json.next === null || typeof r.json.next === 'string');
}

// Every item of a list, following next; checks that ids only grow across pages.
export async function all(c, path, limit = 500) {
  const items = [];
  let cursor = null;
  for (let i = 0; i < 1000; i++) {
    const sep = path.includes('?') ? '&' : '?';
    const r = await c.get(`${path}${sep}limit=${limit}${cursor ? '&cursor=' + encodeURIComponent(cursor) : ''}`);
    isList(r);
    for (const it of r.json.items) {
      if (items.length) assert.ok(it.id > items[items.length - 1].id, 'ids grow across pages');
      items.push(it);
    }
    if (r.json.next === null) return items;
    assert.ok(r.json.items.length > 0, 'a page with a next has items');
    cursor = r.json.next;
  }
  throw new Error('too many pages');
}

// Log in as a demo login (or admin); the client carries .user from the answer.
export async function loginAs(url, name, password) {
  const c = new Client(url);
  const r = await c.login(name, password ?? (name === 'admin' ? ADMIN_PASSWORD : DEMO_PASSWORD));
  assert.equal(r.status, 200, `login ${name}: ${r.text}`);
  c.user = r.json.user;
  return c;
}
