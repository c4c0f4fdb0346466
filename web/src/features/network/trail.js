// trail.js - breadcrumbs: the ancestors of a node (names from the API) and, for records,
// the chain grid → building → unit → household. Ancestors above the caller's top nodes
// are outside its scope and shown without a link.
import { getNode, getRecord } from './api.js';

const RANK = { city: 1, district: 2, street: 3, community: 4, grid: 5 };

// Crumb items for a node page: its ancestors (linked from the caller's first top node
// down) and, when withSelf, the node itself as a link.
export function nodeCrumbs(node, topIds, withSelf = false) {
  const chain = [...(node.ancestors || [])].sort((a, b) => (RANK[a.level] || 0) - (RANK[b.level] || 0));
  if (withSelf) chain.push({ id: node.id, level: node.level, name: node.name });
  const tops = new Set(topIds || []);
  const from = chain.findIndex((a) => tops.has(a.id));
  // Unknown top nodes (not loaded yet): link everything; a 404 page is the worst case.
  const first = topIds ? from : 0;
  return chain.map((a, i) => ({
    key: `node-${a.id}`,
    label: a.name,
    to: first >= 0 && i >= first ? { name: 'node', params: { id: String(a.id) } } : null,
  }));
}

// Fetch the chain of records above a building, unit or household, up to its grid node.
// Returns {grid, building?, unit?}.
export async function recordChain(kind, record) {
  const out = {};
  if (kind === 'households') {
    out.unit = await getRecord('units', record.unit_id);
    out.building = await getRecord('buildings', out.unit.building_id);
  } else if (kind === 'units') {
    out.building = await getRecord('buildings', record.building_id);
  } else {
    out.building = record;
  }
  out.grid = await getNode(out.building.grid_id);
  return out;
}
