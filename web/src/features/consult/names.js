// names.js - names for the ids the consultation API answers with (scope nodes, users,
// organisations), fetched once each and kept for the session. A name that cannot be
// fetched (e.g. a user outside the caller's management) stays unknown and the page shows
// the id instead.
import { reactive } from 'vue';
import { getNode, getOrganisation, getUser, nodeChildren } from './api.js';

export const nodeNames = reactive({}); // id -> {name, level} | null
export const userNames = reactive({}); // id -> name | null
export const orgNames = reactive({}); // id -> name | null
const asked = new Set();

export function rememberNode(n) {
  if (n && n.id) nodeNames[n.id] = { name: n.name, level: n.level };
}

export function ensureNode(id) {
  if (!id || asked.has('n' + id)) return;
  asked.add('n' + id);
  if (nodeNames[id]) return;
  getNode(id).then(rememberNode).catch(() => {
    nodeNames[id] = null;
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

export function ensureOrg(id) {
  if (!id || asked.has('o' + id)) return;
  asked.add('o' + id);
  getOrganisation(id)
    .then((o) => {
      orgNames[id] = o && o.name;
    })
    .catch(() => {
      orgNames[id] = null;
    });
}

export function rememberOrg(o) {
  if (o && o.id) orgNames[o.id] = o.name;
}

// The nodes a topic may be raised for, from the caller's top nodes: a community and its
// grids, or a grid; a street's communities. Districts and cities are too far up: their
// staff start from a community's page (its "consultation" link).
export async function scopeOptions(topNodes) {
  const out = [];
  const seen = new Set();
  const add = (n, parent) => {
    if (seen.has(n.id)) return;
    seen.add(n.id);
    rememberNode(n);
    out.push({ id: n.id, name: n.name, level: n.level, parent: parent ? parent.name : null });
  };
  for (const top of topNodes || []) {
    if (top.level === 'grid') add(top, null);
    if (top.level === 'community' || top.level === 'street') {
      if (top.level === 'community') add(top, null);
      const page = await nodeChildren(top.id).catch(() => null);
      for (const c of (page && page.items) || []) {
        if (c.level === 'grid' || c.level === 'community') add(c, top);
      }
    }
  }
  return out;
}
