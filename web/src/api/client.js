// client.js - the one HTTP client of the app: every call to the grassroots API goes here.
//
// It sends the session cookie (same origin), adds the CSRF token to writes, and maps the
// server's error body {"error":{"code","message","field","reason"?}} once, into ApiError. The CSRF
// token lives in memory only; after a reload it is fetched again with GET /api/v1/session.

const BASE = 'api/v1';
const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

let csrfToken = null;
let onUnauthenticated = null;

// An error answered by the server (status > 0) or a failure to reach it (status 0).
export class ApiError extends Error {
  constructor(status, code, message, field, reason) {
    super(message || code);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.field = field || null;
    this.reason = reason || null; // a stable code beside some errors' code (the consultation's 409s)
  }
}

export function setCsrfToken(token) {
  csrfToken = token || null;
}

// fn() is called when an authenticated call answers 401 (the session expired).
export function setUnauthenticatedHandler(fn) {
  onUnauthenticated = fn;
}

// Build "api/v1/path?k=v" from a query object, leaving out null/undefined/'' values.
export function buildUrl(path, query) {
  let url = BASE + path;
  if (query) {
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) {
      if (v !== null && v !== undefined && v !== '') qs.append(k, String(v));
    }
    const s = qs.toString();
    if (s) url += (url.includes('?') ? '&' : '?') + s;
  }
  return url;
}

// Map any answer that is not 2xx to an ApiError; the body shape is the server's.
export function errorFromBody(status, body) {
  const e = body && typeof body === 'object' ? body.error : null;
  if (e && typeof e === 'object') {
    return new ApiError(status, e.code || 'internal', e.message || '', e.field, e.reason);
  }
  return new ApiError(status, status === 0 ? 'network' : 'http_' + status, '');
}

// body is sent as JSON; raw ({data, type}) is sent as it is with its Content-Type (photos).
async function send(method, path, { query, body, raw, retried } = {}) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (raw) headers['Content-Type'] = raw.type;
  if (WRITES.has(method) && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  let res;
  try {
    res = await fetch(buildUrl(path, query), {
      method,
      headers,
      credentials: 'same-origin',
      body: raw ? raw.data : body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (err) {
    throw new ApiError(0, 'network', String(err && err.message ? err.message : err));
  }
  if (res.status === 204) return null;
  const text = await res.text();
  let json = null;
  if (text) {
    try {
      json = JSON.parse(text);
    } catch {
      json = null;
    }
  }
  if (res.ok) return json;
  const error = errorFromBody(res.status, json);
  // A stale CSRF token (e.g. the session was renewed in another tab): fetch the current
  // one and try the write once more.
  if (error.code === 'csrf' && !retried && path !== '/session') {
    const s = await send('GET', '/session', { retried: true }).catch(() => null);
    if (s && s.csrf_token) {
      csrfToken = s.csrf_token;
      return send(method, path, { query, body, raw, retried: true });
    }
  }
  if (res.status === 401 && path !== '/session' && onUnauthenticated) onUnauthenticated();
  throw error;
}

export const api = {
  get: (path, query) => send('GET', path, { query }),
  post: (path, body) => send('POST', path, { body }),
  put: (path, body) => send('PUT', path, { body }),
  patch: (path, body) => send('PATCH', path, { body }),
  del: (path) => send('DELETE', path),
  // A file's bytes as the body, with its own Content-Type (e.g. a photo of a case).
  upload: (path, data, type) => send('POST', path, { raw: { data, type } }),
};
