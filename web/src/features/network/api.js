// api.js - the calls the network feature makes (nodes, coverage, geography, records).
import { api } from '../../api/client.js';

export const PAGE = 500; // the largest page the API gives

export const topNodes = () => api.get('/nodes', { limit: PAGE });
export const getNode = (id) => api.get(`/nodes/${id}`);
export const nodeChildren = (id, cursor) => api.get(`/nodes/${id}/children`, { limit: PAGE, cursor });
export const nodeCoverage = (id) => api.get(`/nodes/${id}/coverage`);
export const nodeBoundary = (id) => api.get(`/nodes/${id}/boundary`);
export const geoUnder = (id, level) => api.get('/geo', { under: id, level });

// A list of records of a kind filtered by equality (e.g. {unit_id: 5}); one page.
export const listRecords = (kind, filters, cursor) =>
  api.get(`/${kind}`, { ...filters, limit: PAGE, cursor });
export const getRecord = (kind, id) => api.get(`/${kind}/${id}`);
export const patchRecord = (kind, id, changes) => api.patch(`/${kind}/${id}`, changes);
