// scopes.js - the nodes a topic may be raised for, from the caller's top nodes: a community
// and its grids, or a grid; a street's communities. Districts and cities are too far up:
// their staff start from a community's page (its "consultation" link).
import { rememberNode } from '../../api/names.js';
import { nodeChildren } from './api.js';

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
