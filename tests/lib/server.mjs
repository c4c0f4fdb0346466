// server.mjs - start a real grassroots server on an ephemeral port with a fresh database.
//
// Used by the API tests (tests/api) and the browser tests (tests/e2e). The binary comes
// from $GR_BIN (set by ctest) or ../../build/grassroots. Each call makes its own temp dir.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const BIN = process.env.GR_BIN || join(here, '..', '..', 'build', 'grassroots');
export const DEMO_PASSWORD = 'demo-pass-2026';
export const ADMIN_PASSWORD = 'admin-pass-2026';

// Start a server. opts.demo: build the small demo city (default true); otherwise an
// empty database with only `admin`. Resolves to { url, db, dir, stop() }.
export async function startServer(opts = {}) {
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'gr-test-'));
  const db = opts.db ?? join(dir, 'test.db');
  if (opts.db) {
    // an existing database (a restart)
  } else if (opts.demo === false) {
    execFileSync(BIN, ['init', '--db', db, '--admin-password', ADMIN_PASSWORD]);
  } else {
    execFileSync(BIN, ['demo', '--db', db, '--seed', String(opts.seed ?? 1),
      '--admin-password', ADMIN_PASSWORD, '--demo-password', DEMO_PASSWORD]);
  }
  const args = ['serve', '--db', db, '--listen', '127.0.0.1:0', '--threads', '2', ...(opts.args || [])];
  const child = spawn(BIN, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => { stderr += d; if (stderr.length > 1e6) stderr = stderr.slice(-5e5); });
  const url = await new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error('server did not start: ' + stderr)), 20000);
    child.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/listening on (http:\/\/[0-9.:]+)/);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`server exited ${code}: ${stderr}`)); });
  });
  return {
    url, db, dir,
        logs: () => stderr,
    // Kill without a clean shutdown (for durability tests); keeps the files.
    async kill(signal = 'SIGKILL') {
      if (child.exitCode === null && child.signalCode === null) {
        const done = new Promise((r) => child.on('exit', r));
        child.kill(signal);
        await done;
      }
    },
    async stop() {
      if (child.exitCode === null) {
        const done = new Promise((r) => child.on('exit', r));
        child.kill('SIGTERM');
        await done;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

// A small client keeping the session cookie and CSRF token like a browser would.
export class Client {
  constructor(base) { this.base = base; this.cookie = null; this.csrf = null; this.bearer = null; }
  async req(method, path, body, headers = {}) {
    const h = { ...headers };
    if (this.cookie) h.cookie = this.cookie;
    if (this.bearer) h.authorization = 'Bearer ' + this.bearer;
    if (this.csrf && method !== 'GET') h['x-csrf-token'] = this.csrf;
    let payload;
    if (body !== undefined) {
      payload = typeof body === 'string' ? body : JSON.stringify(body);
      h['content-type'] = h['content-type'] || 'application/json';
    }
    const res = await fetch(this.base + path, { method, headers: h, body: payload });
    const text = await res.text();
    let json = null;
    try { json = text ? JSON.parse(text) : null; } catch { json = null; }
    return { status: res.status, headers: res.headers, json, text };
  }
  async login(login, password) {
    const r = await this.req('POST', '/api/v1/session', { login, password });
    if (r.status === 200) {
      const sc = r.headers.get('set-cookie');
      this.cookie = sc.split(';')[0];
      this.csrf = r.json.csrf_token;
    }
    return r;
  }
  get(p) { return this.req('GET', p); }
  post(p, b) { return this.req('POST', p, b); }
  patch(p, b) { return this.req('PATCH', p, b); }
  put(p, b) { return this.req('PUT', p, b); }
  del(p) { return this.req('DELETE', p); }
}
