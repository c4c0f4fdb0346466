// api.js - the calls the cases feature makes (the responsibility list, intake, the case
// page and its actions, photos, the inbox, notifications and the figures), all through
// the one API client.
import { api, buildUrl } from '../../api/client.js';

export const PAGE = 50;

// The responsibility list (权责清单): the published one, or a version (a draft) by number.
export const listMatters = (version) => api.get('/matters', { version, limit: 1000 });
export const listCategories = () => api.get('/categories');
export const listPowerTypes = () => api.get('/power-types');
export const listMatterLists = () => api.get('/matter-lists');
export const newDraft = () => api.post('/matter-lists', {});
export const putMatter = (version, code, body) =>
  api.put(`/matter-lists/${version}/matters/${encodeURIComponent(code)}`, body);
export const deleteMatter = (version, code) =>
  api.del(`/matter-lists/${version}/matters/${encodeURIComponent(code)}`);
export const publishList = (version, effectiveAt) =>
  api.post(`/matter-lists/${version}/publish`, effectiveAt ? { effective_at: effectiveAt } : {});

// Cases.
export const createCase = (body) => api.post('/cases', body);
export const listCases = (filters, cursor) => api.get('/cases', { ...filters, limit: PAGE, cursor });
export const nearbyCases = (lat, lon, matterCode) =>
  api.get('/cases/nearby', { lat, lon, matter_code: matterCode });
export const getCase = (id) => api.get(`/cases/${id}`);
// action: accept, reject, merge, dispatch, sign, return, resolve, verify, rework, close,
// request_extension, approve_extension, hold, escalate, summon, report_in, rate, reopen;
// extra: {note, into, owner_org_id, owner_node_id, org_ids, until, review_on, resolved,
// satisfaction, comment}.
export const caseAction = (id, action, extra = {}) => api.post(`/cases/${id}/actions`, { action, ...extra });
export const uploadPhoto = (id, file) => api.upload(`/cases/${id}/photos`, file, file.type);
export const setPhotoPublic = (photoId, pub) => api.patch(`/photos/${photoId}`, { public: pub });
// The address of a photo for <img src>, relative like every call of the client.
export const photoSrc = (photoId) => buildUrl(`/photos/${photoId}`);

export const getInbox = () => api.get('/inbox', { limit: 200 });
export const getNotifications = () => api.get('/notifications', { limit: 20 });

// Figures: subject is {node_id} or {org_id}; period {from, to} as YYYY-MM-DD.
export const getFigures = (subject, period) => api.get('/metrics', { ...subject, ...period });
export const getRanking = (nodeId, by, period) =>
  api.get('/metrics/ranking', { node_id: nodeId, by, ...period });
export const getTrend = (subject, period) => api.get('/metrics/trend', { ...subject, ...period, bucket: 'month' });

// Places: the grid of a point, boundaries, buildings, departments (names of nodes,
// organisations and users: api/names.js).
export const locate = (lat, lon) => api.get('/locate', { lat, lon });
export const geoUnder = (id, level) => api.get('/geo', { under: id, level });
export const nodeBoundary = (id) => api.get(`/nodes/${id}/boundary`);
export const listBuildings = (gridId) => api.get('/buildings', { grid_id: gridId, limit: 500 });
export const getBuilding = (id) => api.get(`/buildings/${id}`);
export const listDepartments = (districtId) =>
  api.get('/organisations', { kind: 'department', node_id: districtId, limit: 500 });
