// cases.js - plain functions of the cases pages (诉求与案件): who sees which page, statuses
// and alarms, the actions of the case console and the bodies they send, the timeline, the
// responsibility list grouped and filtered, photo checks, periods and times. No Vue here:
// tested with node:test in web/test/cases.test.mjs.
import { translate } from '../../i18n/index.js';

// ---- roles and navigation ----

// Roles that file requests for themselves (居民, 楼长, 单元长).
export const RESIDENT_ROLES = ['resident', 'unit_leader', 'building_leader'];
// Roles that work on cases: the inbox, the responsibility list and the figures.
export const CASE_STAFF_ROLES = ['grid_worker', 'community_staff', 'street_staff', 'department_handler',
  'district_staff', 'city_staff', 'admin'];
// Roles that edit the responsibility list (src/api/cases.c gr_api_list_editor).
export const LIST_EDITOR_ROLES = ['district_staff', 'city_staff', 'admin'];

const hasRole = (user, roles) => Boolean(user && (user.grants || []).some((g) => roles.includes(g.role)));

export const isResident = (user) => hasRole(user, RESIDENT_ROLES);
export const isCaseStaff = (user) => hasRole(user, CASE_STAFF_ROLES);
export const isListEditor = (user) => hasRole(user, LIST_EDITOR_ROLES);

// The navigation entries of a user: residents report and follow their requests; staff
// work the inbox, read (and at district or city level edit) the list and see the figures.
export function navEntries(user) {
  const out = [];
  if (isResident(user)) out.push({ name: 'case-new', key: 'report' }, { name: 'my-cases', key: 'mine' });
  if (isCaseStaff(user)) {
    out.push({ name: 'inbox', key: 'inbox' }, { name: 'matters', key: 'matters' }, { name: 'figures', key: 'figures' });
  }
  return out;
}

// The department a user handles for (the first department grant), or null.
export function userDepartment(user) {
  const g = user && (user.grants || []).find((x) => x.organisation_id && x.role === 'department_handler');
  return g ? g.organisation_id : null;
}

// Does the user hold a staff grant on a node (not only a department's)? The figures of
// areas are theirs; a department handler sees their department's.
export function areaStaff(user) {
  return Boolean(user && (user.grants || []).some((g) =>
    g.role === 'admin' || (CASE_STAFF_ROLES.includes(g.role) && g.role !== 'department_handler' && g.node_id)));
}

// The grids a resident belongs to (their grants' nodes).
export function residentGrids(user) {
  return [...new Set(((user && user.grants) || [])
    .filter((g) => RESIDENT_ROLES.includes(g.role) && g.node_id).map((g) => g.node_id))];
}

// ---- statuses and alarms ----

// The colour family of a status: new (waiting for intake), work (being handled), done
// (resolved or verified, waiting to close), closed, stopped (rejected, merged), hold.
export function statusTone(status) {
  switch (status) {
    case 'submitted': return 'new';
    case 'accepted':
    case 'dispatched':
    case 'in_progress': return 'work';
    case 'resolved':
    case 'verified': return 'done';
    case 'closed': return 'closed';
    case 'on_hold': return 'hold';
    default: return 'stopped';
  }
}

// How urgent an open case is: red when overdue (or marked red by the sweep), yellow when
// due soon (marked by the sweep), else none.
export function alarmTone(c) {
  if (!c) return 'none';
  if (c.overdue || c.alarm === 'red') return 'red';
  if (c.alarm === 'yellow') return 'yellow';
  return 'none';
}

// The inbox by deadline, earliest first; cases without a deadline last, then by id.
export function sortInbox(items) {
  const due = (c) => (c.deadline ? Date.parse(c.deadline) : Infinity);
  return [...(items || [])].sort((a, b) => due(a) - due(b) || a.id - b.id);
}

// Counts of the inbox by alarm: {red, yellow, none}.
export function alarmCounts(items) {
  const n = { red: 0, yellow: 0, none: 0 };
  for (const c of items || []) n[alarmTone(c)] += 1;
  return n;
}

// ---- the console: actions and their bodies ----

// The form an action needs: a reason (note), a hold (note and review date), an extension
// (note and a time), a merge (the case it joins), dispatch (an owner), summon
// (departments), a rating; the rest are taken with one tap.
export const ACTION_FORMS = {
  reject: 'reason',
  return: 'reason',
  resolve: 'reason',
  rework: 'reason',
  escalate: 'reason',
  reopen: 'reason',
  hold: 'hold',
  request_extension: 'extension',
  merge: 'merge',
  dispatch: 'dispatch',
  summon: 'summon',
  rate: 'rate',
};

export const actionForm = (action) => ACTION_FORMS[action] || null;

// Actions that undo or stop something: shown in the danger style.
export const DANGER_ACTIONS = ['reject', 'return', 'rework', 'escalate', 'reopen', 'hold'];

// The order of the console's buttons: the step forward first, detours after.
const ORDER = ['accept', 'dispatch', 'sign', 'report_in', 'resolve', 'verify', 'close', 'approve_extension',
  'summon', 'request_extension', 'merge', 'hold', 'escalate', 'return', 'rework', 'reject', 'reopen', 'rate'];

// The buttons of the console from the case's "can" (the server's own list); the rating
// has its own form, so it is left out here. The server's list does not look at a summoned
// department's own task: report_in is left out once the caller's department (org) has
// reported in, resolve once its task is done.
export function consoleActions(can, tasks = [], org = null) {
  const mine = org ? (tasks || []).find((tk) => tk.org_id === org) : null;
  const list = (can || []).filter((a) => a !== 'rate' &&
    !(mine && a === 'report_in' && mine.reported_at) && !(mine && a === 'resolve' && mine.done_at));
  const rank = (a) => (ORDER.includes(a) ? ORDER.indexOf(a) : ORDER.length);
  return list.sort((a, b) => rank(a) - rank(b));
}

const pad = (n) => String(n).padStart(2, '0');

// The value of a datetime-local input (local time) as the API's UTC time, or null.
export function localInputToIso(value) {
  if (!value || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(value)) return null;
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return null;
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

// A date (Date or ms) as the value of <input type="datetime-local">, in local time.
export function toLocalInput(when) {
  const d = new Date(when);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

// A date (Date or ms) as YYYY-MM-DD in local time.
export function toLocalDay(when) {
  const d = new Date(when);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

// The body of an action from its dialog's draft ({note, until, review_on, into}), with the
// light checks of what cannot be sent at all: {body} or {errors: {field: catalogue key}}.
// A missing note is the server's answer (400 on "note"), shown next to the note.
export function actionBody(action, draft = {}) {
  const body = {};
  const errors = {};
  const note = String(draft.note || '').trim();
  if (note) body.note = note;
  if (action === 'hold') {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(draft.review_on || '')) errors.review_on = 'cases.dialog.needDay';
    else body.review_on = draft.review_on;
  }
  if (action === 'request_extension') {
    const until = localInputToIso(draft.until);
    if (!until) errors.until = 'cases.dialog.needTime';
    else body.until = until;
  }
  if (action === 'merge') {
    const into = String(draft.into || '').trim();
    if (!/^\d+$/.test(into)) errors.into = 'form.notInteger';
    else body.into = Number(into);
  }
  return Object.keys(errors).length ? { errors } : { body };
}

// The field of the dialog that the server's "target" error is about, per action.
export const TARGET_FIELD = {
  hold: 'review_on', request_extension: 'until', merge: 'into', dispatch: 'owner', summon: 'org_ids',
  rate: 'satisfaction',
};

// The field a 400 names, as the dialog shows it ("target" is the action's own target).
export function dialogField(action, field) {
  if (field === 'target') return TARGET_FIELD[action] || 'note';
  if (field === 'owner_org_id' || field === 'owner_node_id') return 'owner';
  return field;
}

// The dispatch dialog's choice as the body: the routed owner (nothing), a department or a
// node of the case.
export function dispatchBody(choice) {
  if (!choice || choice.kind === 'routed') return { body: {} };
  if (choice.kind === 'department') {
    return choice.org_id ? { body: { owner_org_id: Number(choice.org_id) } } : { errors: { owner: 'cases.dispatch.needDepartment' } };
  }
  if (choice.kind === 'node') {
    return choice.node_id ? { body: { owner_node_id: Number(choice.node_id) } } : { errors: { owner: 'cases.dispatch.needNode' } };
  }
  return { errors: { owner: 'cases.dispatch.needOwner' } };
}

// The nodes a case may be dispatched to: its grid, community, street and district.
export const DISPATCH_LEVELS = ['grid', 'community', 'street', 'district'];

export function caseNodes(c) {
  if (!c) return [];
  return DISPATCH_LEVELS.map((level) => ({ level, id: c[level + '_id'] || null })).filter((n) => n.id);
}

// The rating's answers.
export const RESOLVED = ['yes', 'partly', 'no'];
export const SATISFACTION = ['satisfied', 'basically_satisfied', 'unsatisfied'];

export function rateBody(draft = {}) {
  const errors = {};
  if (!RESOLVED.includes(draft.resolved)) errors.resolved = 'cases.rate.needResolved';
  if (!SATISFACTION.includes(draft.satisfaction)) errors.satisfaction = 'cases.rate.needSatisfaction';
  if (Object.keys(errors).length) return { errors };
  const body = { resolved: draft.resolved, satisfaction: draft.satisfaction };
  const comment = String(draft.comment || '').trim();
  if (comment) body.comment = comment;
  return { body };
}

// ---- the timeline ----

// The events in the order they happened (time, then id).
export function eventsInOrder(events) {
  return [...(events || [])].sort((a, b) => Date.parse(a.at) - Date.parse(b.at) || a.id - b.id);
}

function levelText(l, level) {
  const s = translate(l, `levels.${level}`);
  return s === `levels.${level}` ? String(level) : s;
}

// What an event's data says, in words (or ''): the owner a case went to, the level it was
// escalated to, the departments summoned, a late report, the answers of a rating, the time
// asked for. names: {node(id), org(id)} give names of ids (or null).
export function eventDetail(e, l, names = {}) {
  const d = (e && e.data) || {};
  const node = (id) => (names.node && names.node(id)) || translate(l, 'common.id', { id });
  const org = (id) => (names.org && names.org(id)) || translate(l, 'common.id', { id });
  switch (e && e.action) {
    case 'submit':
    case 'dispatch': {
      if (d.owner_org_id) return translate(l, 'cases.events.toOwner', { owner: org(d.owner_org_id) });
      if (d.owner_node_id) {
        return translate(l, 'cases.events.toOwner', {
          owner: `${levelText(l, d.owner_level)} · ${node(d.owner_node_id)}`,
        }) + (d.fallback ? translate(l, 'cases.events.fallback') : '');
      }
      return '';
    }
    case 'escalate':
      if (!d.to_level) return '';
      return translate(l, d.overdue ? 'cases.events.escalatedOverdue' : 'cases.events.escalated',
        { from: levelText(l, d.from_level), to: levelText(l, d.to_level) });
    case 'summon':
      return d.departments ? translate(l, 'cases.events.summoned', { n: d.departments }) : '';
    case 'report_in':
    case 'resolve':
      if (!d.org_id) return '';
      return translate(l, d.late ? 'cases.events.reportLate' : 'cases.events.byOrg', { org: org(d.org_id) });
    case 'rate':
      if (!d.resolved) return '';
      return `${translate(l, `cases.rate.resolved.${d.resolved}`)} · ${translate(l, `cases.rate.satisfaction.${d.satisfaction}`)}`;
    case 'request_extension':
    case 'approve_extension':
      return d.until ? translate(l, 'cases.events.until', { time: formatTime(new Date(d.until * 1000).toISOString(), l) }) : '';
    case 'hold':
      return d.review_on ? translate(l, 'cases.events.reviewOn', { day: d.review_on }) : '';
    case 'merge':
      return d.into ? translate(l, 'cases.events.mergedInto', { id: d.into }) : '';
    default:
      return '';
  }
}

// ---- the responsibility list ----

// The name of a category in the user's language.
export function categoryName(categories, code, l) {
  const c = (categories || []).find((x) => x.code === code);
  if (!c) return code ? String(code) : translate(l, 'common.none');
  return l === 'en' && c.name_en ? c.name_en : c.name;
}

// The major class (大类) of a category: its parent, or itself at the top.
export function majorOf(categories, code) {
  const c = (categories || []).find((x) => x.code === code);
  return c && c.parent ? c.parent : code;
}

// The matters grouped by the major class of their category, classes in code order and
// matters by code within: [{code, name, matters}].
export function groupMatters(matters, categories, l) {
  const groups = new Map();
  for (const m of matters || []) {
    const major = majorOf(categories, m.category) || '';
    if (!groups.has(major)) groups.set(major, { code: major, name: categoryName(categories, major, l), matters: [] });
    groups.get(major).matters.push(m);
  }
  const list = [...groups.values()].sort((a, b) => String(a.code).localeCompare(String(b.code)));
  for (const g of list) g.matters.sort((a, b) => String(a.code).localeCompare(String(b.code)));
  return list;
}

// The list filtered by kind, governance, major class and words in name, code or basis.
export function filterMatters(matters, filters, categories) {
  const f = filters || {};
  const q = String(f.q || '').trim().toLowerCase();
  return (matters || []).filter((m) => {
    if (f.list_kind && m.list_kind !== f.list_kind) return false;
    if (f.governance && m.governance !== f.governance) return false;
    if (f.major && majorOf(categories, m.category) !== f.major) return false;
    if (q) {
      const text = [m.code, m.name, m.legal_basis, m.owner_dept, ...(m.co_depts || [])].join(' ').toLowerCase();
      if (!text.includes(q)) return false;
    }
    return true;
  });
}

export const LIST_KINDS = ['basic', 'cooperative', 'returned'];
export const GOVERNANCES = ['government', 'co_governance', 'self_governance'];
export const TIME_UNITS = ['hours', 'days'];
export const OWNER_LEVELS = ['grid', 'community', 'street', 'district'];

// A time limit in words: "4 个工作小时", "3 working days".
export function limitText(n, unit, l) {
  if (!n || !unit) return translate(l, 'common.none');
  return translate(l, unit === 'days' ? 'cases.matters.workingDays' : 'cases.matters.workingHours', { n });
}

// Who owns a matter, in words: the level, or the department.
export function matterOwner(m, l) {
  if (!m) return translate(l, 'common.none');
  if (m.owner_dept) return m.owner_dept;
  if (m.owner_level) return levelText(l, m.owner_level);
  return translate(l, 'cases.matters.territorial');
}

// The editor's draft of a matter (strings for the inputs) and back to the body of PUT.
export function matterDraft(m) {
  const x = m || {};
  return {
    code: x.code || '',
    name: x.name || '',
    category: x.category || '',
    power_type: x.power_type || '',
    list_kind: x.list_kind || 'basic',
    governance: x.governance || 'government',
    owner_level: x.owner_level || '',
    owner_dept: x.owner_dept || '',
    co_depts: (x.co_depts || []).join('、'),
    legal_basis: x.legal_basis || '',
    respond_limit: x.respond_limit ? String(x.respond_limit) : '',
    respond_unit: x.respond_unit || 'hours',
    resolve_limit: x.resolve_limit ? String(x.resolve_limit) : '',
    resolve_unit: x.resolve_unit || 'days',
    urgent: Boolean(x.urgent),
  };
}

// {code, body} or {errors}: the code must be there (it is the address), limits whole
// numbers; everything else (lengths, which fields a kind needs, known categories) is the
// server's answer, shown next to the field it names.
export function matterBody(d) {
  const errors = {};
  const code = String(d.code || '').trim();
  if (!code) errors.code = 'form.required';
  const int = (name) => {
    const s = String(d[name] ?? '').trim();
    if (s === '') return null;
    if (!/^\d+$/.test(s)) {
      errors[name] = 'form.notInteger';
      return null;
    }
    return Number(s);
  };
  const body = {
    name: String(d.name || '').trim(),
    category: String(d.category || '').trim(),
    power_type: String(d.power_type || '').trim(),
    list_kind: d.list_kind,
    governance: d.governance,
    respond_limit: int('respond_limit'),
    respond_unit: d.respond_unit,
    resolve_limit: int('resolve_limit'),
    resolve_unit: d.resolve_unit,
    urgent: Boolean(d.urgent),
  };
  if (d.owner_level) body.owner_level = d.owner_level;
  const dept = String(d.owner_dept || '').trim();
  if (dept) body.owner_dept = dept;
  const co = String(d.co_depts || '').split(/[、,，;；\n]+/).map((s) => s.trim()).filter(Boolean);
  if (co.length) body.co_depts = co;
  const basis = String(d.legal_basis || '').trim();
  if (basis) body.legal_basis = basis;
  for (const k of ['name', 'category', 'power_type']) if (!body[k]) delete body[k];
  for (const k of ['respond_limit', 'resolve_limit']) if (body[k] === null) delete body[k];
  return Object.keys(errors).length ? { errors } : { code, body };
}

// ---- photos ----

export const PHOTO_MAX = 4 * 1024 * 1024;
export const PHOTO_MAX_PER_CASE = 9;
export const PHOTO_TYPES = ['image/jpeg', 'image/png'];

// Which of the chosen files may be sent: {ok: [file], errors: [{name, key}]}, given the
// number of photos the case has (or will have) already.
export function checkPhotos(files, already = 0) {
  const ok = [];
  const errors = [];
  for (const f of files || []) {
    if (!PHOTO_TYPES.includes(f.type)) errors.push({ name: f.name, key: 'cases.photos.notImage' });
    else if (f.size > PHOTO_MAX) errors.push({ name: f.name, key: 'cases.photos.tooBig' });
    else if (already + ok.length >= PHOTO_MAX_PER_CASE) errors.push({ name: f.name, key: 'cases.photos.tooMany' });
    else if (f.size === 0) errors.push({ name: f.name, key: 'cases.photos.empty' });
    else ok.push(f);
  }
  return { ok, errors };
}

// A size in words: "830 KB", "1.2 MB".
export function sizeText(bytes) {
  if (!(bytes >= 0)) return '';
  if (bytes < 1024 * 1024) return `${Math.max(1, Math.round(bytes / 1024))} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

// ---- the report ----

// The body of POST /cases from the report form: the place is a point or a building.
// Empty optional fields are left out; the server answers for what is missing, next to the
// field it names.
export function reportBody(d) {
  const body = {};
  if (d.matter_code) body.matter_code = d.matter_code;
  body.description = String(d.description || '').trim();
  if (d.place === 'building') {
    if (d.building_id) body.building_id = Number(d.building_id);
  } else if (Number.isFinite(d.lat) && Number.isFinite(d.lon)) {
    body.lat = d.lat;
    body.lon = d.lon;
  }
  const address = String(d.address || '').trim();
  if (address) body.address = address;
  if (d.anonymous) body.anonymous = true;
  return body;
}

// The point to look for duplicates near: the tapped point, or the chosen building's.
export function reportPoint(d, buildings) {
  if (d.place === 'building') {
    const b = (buildings || []).find((x) => String(x.id) === String(d.building_id));
    return b && Number.isFinite(b.lat) && Number.isFinite(b.lon) ? { lat: b.lat, lon: b.lon } : null;
  }
  return Number.isFinite(d.lat) && Number.isFinite(d.lon) ? { lat: d.lat, lon: d.lon } : null;
}

// ---- periods and times ----

export const PERIODS = ['30d', '90d', 'year', '12m', 'custom'];

// A period preset as {from, to} (YYYY-MM-DD, local days) ending on the day of now; a
// custom period is taken as given when both days are there.
export function periodRange(preset, now = Date.now(), custom = {}) {
  const end = new Date(now);
  const to = toLocalDay(end);
  const back = (days) => toLocalDay(new Date(end.getFullYear(), end.getMonth(), end.getDate() - days));
  switch (preset) {
    case '30d': return { from: back(29), to };
    case '90d': return { from: back(89), to };
    case 'year': return { from: `${end.getFullYear()}-01-01`, to };
    case 'custom':
      if (/^\d{4}-\d{2}-\d{2}$/.test(custom.from || '') && /^\d{4}-\d{2}-\d{2}$/.test(custom.to || '')) {
        return { from: custom.from, to: custom.to };
      }
      return periodRange('12m', now);
    case '12m':
    default:
      return { from: toLocalDay(new Date(end.getFullYear() - 1, end.getMonth(), end.getDate() + 1)), to };
  }
}

// An API time ("2026-05-01T08:00:00Z") in the browser's time zone: "2026-05-01 16:00".
export function formatTime(iso, l) {
  if (!iso) return translate(l, 'common.none');
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

// The time left to a deadline, or past it, in words: "还剩 3 小时", "已超时 2 天".
export function dueText(deadline, now, l) {
  if (!deadline) return translate(l, 'cases.due.none');
  const ms = Date.parse(deadline) - now;
  const abs = Math.abs(ms);
  const hours = Math.floor(abs / 3600000);
  let span;
  if (hours >= 48) span = translate(l, 'cases.due.days', { n: Math.floor(hours / 24) });
  else if (hours >= 1) span = translate(l, 'cases.due.hours', { n: hours });
  else span = translate(l, 'cases.due.minutes', { n: Math.max(1, Math.floor(abs / 60000)) });
  return translate(l, ms >= 0 ? 'cases.due.left' : 'cases.due.over', { span });
}
