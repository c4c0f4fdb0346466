// names.js - names for the ids the API answers with (nodes, organisations, users), fetched
// once each and kept for the session; every feature shares one store. A name that cannot be
// fetched (outside the caller's reach) stays unknown (null) and the page shows the id
// instead.
import { reactive } from 'vue';
import { api } from './client.js';

export const nodeNames = reactive({}); // id -> {name, level} | null
export const orgNames = reactive({}); // id -> name | null
export const userNames = reactive({}); // id -> name | null
const asked = new Set(); // 'n' + id, 'o' + id, 'u' + id: asked once per session

export function rememberNode(n) {
  if (n && n.id) nodeNames[n.id] = { name: n.name, level: n.level };
}

export function rememberOrg(o) {
  if (o && o.id) orgNames[o.id] = o.name;
}

export function ensureNode(id) {
  if (!id || asked.has('n' + id)) return;
  asked.add('n' + id);
  if (nodeNames[id]) return;
  api.get(`/nodes/${id}`).then(rememberNode).catch(() => {
    nodeNames[id] = null;
  });
}

export function ensureOrg(id) {
  if (!id || asked.has('o' + id)) return;
  asked.add('o' + id);
  if (orgNames[id]) return;
  api.get(`/organisations/${id}`).then(rememberOrg).catch(() => {
    orgNames[id] = null;
  });
}

export function ensureUser(id) {
  if (!id || asked.has('u' + id)) return;
  asked.add('u' + id);
  api.get(`/users/${id}`)
    .then((u) => {
      userNames[id] = u && (u.name || u.login);
    })
    .catch(() => {
      userNames[id] = null;
    });
}

// The name known so far, or null (not asked yet, still on its way, or not to be had).
export const nodeName = (id) => (nodeNames[id] ? nodeNames[id].name : null);
export const orgName = (id) => orgNames[id] || null;
