// names.js - names for the ids the cases API answers with: nodes (shared with the
// consultation pages), organisations and users, fetched once each and kept for the session.
// A name that cannot be fetched (outside the caller's reach) stays unknown and the page
// shows the id instead.
import { reactive } from 'vue';
import { getOrganisation, getUser } from './api.js';
import { ensureNode, nodeNames, rememberNode } from '../consult/names.js';

export { ensureNode, nodeNames, rememberNode };

export const orgNames = reactive({}); // id -> name | null
export const userNames = reactive({}); // id -> name | null
const asked = new Set();

export function rememberOrg(o) {
  if (o && o.id) orgNames[o.id] = o.name;
}

export function ensureOrg(id) {
  if (!id || asked.has('o' + id)) return;
  asked.add('o' + id);
  if (orgNames[id]) return;
  getOrganisation(id).then(rememberOrg).catch(() => {
    orgNames[id] = null;
  });
}

export function ensureUser(id) {
  if (!id || asked.has('u' + id)) return;
  asked.add('u' + id);
  getUser(id)
    .then((u) => {
      userNames[id] = u && (u.name || u.login);
    })
    .catch(() => {
      userNames[id] = null;
    });
}

export const nodeName = (id) => (nodeNames[id] ? nodeNames[id].name : null);
export const orgName = (id) => orgNames[id] || null;
