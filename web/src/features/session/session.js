// session.js - who is logged in: the user, the CSRF token (memory only, handed to the
// API client) and the caller's top nodes (where the caller's scope starts).
import { reactive } from 'vue';
import { api, setCsrfToken } from '../../api/client.js';

export const session = reactive({
  user: null,
  restored: false,
  topNodes: null, // [{id, level, name, ...}] once loaded
});

function accept(answer) {
  setCsrfToken(answer && answer.csrf_token);
  session.user = answer ? answer.user : null;
}

function forget() {
  setCsrfToken(null);
  session.user = null;
  session.topNodes = null;
}

let restoring = null;

// After a reload: ask the server for the current session (401 means none). Once.
export function restoreSession() {
  if (!restoring) {
    restoring = api
      .get('/session')
      .then(accept)
      .catch(() => forget())
      .finally(() => {
        session.restored = true;
      });
  }
  return restoring;
}

export async function logIn(login, password) {
  const answer = await api.post('/session', { login, password });
  session.topNodes = null;
  accept(answer);
  return session.user;
}

export async function logOut() {
  try {
    await api.del('/session');
  } finally {
    forget();
  }
}

// Called by the API client when a call answers 401: the session is gone.
export function sessionExpired() {
  forget();
}

let loadingTop = null;

export function loadTopNodes() {
  if (session.topNodes) return Promise.resolve(session.topNodes);
  if (!loadingTop) {
    loadingTop = api
      .get('/nodes', { limit: 500 })
      .then((page) => {
        session.topNodes = page.items || [];
        return session.topNodes;
      })
      .finally(() => {
        loadingTop = null;
      });
  }
  return loadingTop;
}
