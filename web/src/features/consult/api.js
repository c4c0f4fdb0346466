// api.js - the calls the consultation feature makes (topics, stage actions, opinions,
// meetings and who attended, the vote and its results, the decision, invited
// organisations, following, photos), all through the one API client.
import { api, buildUrl } from '../../api/client.js';

export const PAGE = 50;

export const listTopics = (filters, cursor) => api.get('/topics', { ...filters, limit: PAGE, cursor });
export const createTopic = (body) => api.post('/topics', body);
export const getTopic = (id) => api.get(`/topics/${id}`);
// action: accept, decline, start_deliberation, open_voting, close_voting,
// start_implementation, publish_notice, close, withdraw, dismiss; extra: {reason, note,
// notice_days}.
export const topicAction = (id, action, extra = {}) => api.post(`/topics/${id}/actions`, { action, ...extra });

export const listOpinions = (id) => api.get(`/topics/${id}/opinions`);
export const addOpinion = (id, body) => api.post(`/topics/${id}/opinions`, body);
export const listMeetings = (id) => api.get(`/topics/${id}/meetings`);
export const addMeeting = (id, body) => api.post(`/topics/${id}/meetings`, body);

export const putVoteRule = (id, body) => api.put(`/topics/${id}/vote-rule`, body);
export const castVote = (id, body) => api.post(`/topics/${id}/votes`, body);
export const getResults = (id) => api.get(`/topics/${id}/results`);
export const putDecision = (id, body) => api.put(`/topics/${id}/decision`, body);

// Nodes and organisations around a topic: its community, the scopes a topic may be raised
// for, the organisations that may be invited or named in a decision (names: api/names.js).
export const getNode = (id) => api.get(`/nodes/${id}`);
export const nodeChildren = (id) => api.get(`/nodes/${id}/children`, { limit: 500 });
export const listOrganisations = (under) => api.get('/organisations', { under, limit: 500 });
export const getOrganisation = (id) => api.get(`/organisations/${id}`);
// Implementation items (staff, while implementing) and objections (anyone, during the
// public notice; staff answer them).
export const addItem = (id, body) => api.post(`/topics/${id}/items`, body);
export const updateItem = (id, item, body) => api.patch(`/topics/${id}/items/${item}`, body);
export const addObjection = (id, body) => api.post(`/topics/${id}/objections`, body);
export const answerObjection = (id, objection, body) => api.put(`/topics/${id}/objections/${objection}`, body);

// Who attended a meeting ({user_ids, resident_ids}, replacing the lists), the invited
// organisations (replacing the list), following, photos of the topic or of an item.
export const setAttendees = (id, meeting, body) => api.put(`/topics/${id}/meetings/${meeting}/attendees`, body);
export const setInvited = (id, ids) => api.put(`/topics/${id}/organisations`, { organisation_ids: ids });
export const follow = (id, on) => (on ? api.post(`/topics/${id}/follow`) : api.del(`/topics/${id}/follow`));
export const uploadPhoto = (id, file, itemId = null) =>
  api.upload(itemId ? `/topics/${id}/photos?item_id=${itemId}` : `/topics/${id}/photos`, file, file.type);
export const photoSrc = (photoId) => buildUrl(`/photos/${photoId}`);
// The topics raised from a case (for the case page).
export const caseTopics = (caseId) => api.get('/topics', { case_id: caseId, limit: PAGE });
