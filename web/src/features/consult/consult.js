// consult.js - plain functions over the consultation API's data: the stages and their
// timeline, what the staff console offers in each stage, the opinion threads, the vote
// rule in words, ballots, times. No Vue and no I/O, so they are tested without a browser.
import { translate } from '../../i18n/index.js';

// The path a topic walks (src/core/topic.c) and the three ways it can end early.
export const STAGES = ['proposed', 'collecting', 'deliberating', 'voting', 'decided',
  'implementing', 'notice', 'closed'];
export const END_STAGES = ['declined', 'withdrawn', 'dismissed'];
export const ALL_STAGES = [...STAGES, ...END_STAGES];

export const STANCES = ['for', 'against', 'neutral'];
export const MAX_OPINION_DEPTH = 3;

// Categories offered by the new-topic form; the API takes any text up to 32 characters
// and an unknown one is shown as stored.
export const CATEGORIES = ['environment', 'facilities', 'parking', 'property', 'safety',
  'elderly', 'culture', 'other'];

// Roles that manage a scope (they may write nodes there, src/core/access.c): the staff
// console is shown to them; the server decides on each action.
export const STAFF_ROLES = ['community_staff', 'street_staff', 'district_staff', 'city_staff', 'admin'];

export function isStaffUser(user) {
  return Boolean(user && (user.grants || []).some((g) => STAFF_ROLES.includes(g.role)));
}

// The node a user's first grant points at (the default scope of a new topic).
export function grantNode(user) {
  const g = user && (user.grants || []).find((x) => x.node_id);
  return g ? g.node_id : null;
}

export const isOpenStage = (stage) => STAGES.includes(stage) && stage !== 'closed';

// The timeline: one item per stage of the path, each done, current or still to come
// (or skipped, for implementation after a vote that did not pass), with the time the
// topic entered it. A topic that ended early shows its end after the stage it left, and
// the rest of the path as not reached.
export function timeline(topic) {
  const events = (topic && topic.events) || [];
  const stage = topic ? topic.stage : null;
  const entered = {};
  for (const e of events) if (e.to && !(e.to in entered)) entered[e.to] = e.at;
  const ended = END_STAGES.includes(stage);
  let here = STAGES.indexOf(stage);
  if (ended) {
    const last = [...events].reverse().find((e) => e.to === stage);
    here = last && last.from ? STAGES.indexOf(last.from) : 0;
  }
  const items = [];
  STAGES.forEach((s, i) => {
    let state;
    if (ended) state = i <= here ? 'done' : 'stopped';
    else if (i < here) state = s in entered || i === 0 ? 'done' : 'skipped';
    else if (i === here) state = 'current';
    else state = 'todo';
    items.push({ stage: s, state, at: entered[s] || null });
    if (ended && i === here) items.push({ stage, state: 'ended', at: entered[stage] || null });
  });
  return items;
}

// What the staff console offers in a stage; the server's stage machine decides (a 403 or
// 409 is shown as it answers). `passed` is the topic's outcome after voting.
export function staffActions(topic) {
  const stage = topic && topic.stage;
  const passed = topic && topic.passed;
  const by = {
    proposed: ['accept', 'decline'],
    collecting: ['start_deliberation', 'vote_rule'],
    deliberating: ['meeting', 'vote_rule', 'open_voting'],
    voting: ['paper_ballot', 'close_voting'],
    decided: passed === false ? ['publish_notice'] : ['decision', 'start_implementation'],
    implementing: ['item', 'publish_notice'],
    notice: ['close'],
  };
  const list = [...(by[stage] || [])];
  // Stakeholder organisations are invited until voting starts.
  if (INVITE_STAGES.includes(stage)) list.push('invite');
  if (['proposed', 'collecting', 'deliberating', 'voting', 'decided', 'implementing'].includes(stage)) {
    list.push('dismiss');
  }
  return list;
}

export const INVITE_STAGES = ['proposed', 'collecting', 'deliberating'];

// Photos of the topic itself are added while it is open; photos of its implementation
// items while implementing or under notice (src/api/consult.c).
export const PHOTO_MAX = 9;
export const PHOTO_BYTES = 4 * 1024 * 1024;
export const photosOpen = (topic) => Boolean(topic) && isOpenStage(topic.stage);
export const itemPhotosOpen = (topic) => Boolean(topic) && ['implementing', 'notice'].includes(topic.stage);

// Files a person picked, split into those that may be sent (JPEG or PNG, at most 4 MiB,
// no more than `room`) and the rest with a catalogue key saying why not.
export function pickPhotos(files, room) {
  const ok = [];
  const rejected = [];
  for (const f of files || []) {
    let key = null;
    if (!['image/jpeg', 'image/png'].includes(f.type)) key = 'consult.msg.photoType';
    else if (f.size > PHOTO_BYTES) key = 'consult.msg.photoSize';
    else if (ok.length >= room) key = 'consult.msg.photoLimit';
    if (key) rejected.push({ name: f.name, key });
    else ok.push(f);
  }
  return { ok, rejected };
}

// Ids typed in a text box ("12, 15 17"): {ids} or {error: catalogue key}; empty is [].
export function parseIds(text) {
  const parts = String(text || '').split(/[\s,，、;；]+/).filter(Boolean);
  if (parts.some((s) => !/^\d+$/.test(s) || Number(s) <= 0)) return { error: 'consult.meetings.needIds' };
  return { ids: [...new Set(parts.map(Number))] };
}

// The meetings an opinion may name: those of the topic, while it is deliberating.
export function opinionMeetings(topic, meetings) {
  return topic && topic.stage === 'deliberating' ? [...(meetings || [])] : [];
}

// Objections are raised while the topic is under notice and the notice period runs.
export function objectionsOpen(topic, now) {
  if (!topic || topic.stage !== 'notice') return false;
  return !topic.notice_ends_at || now < Date.parse(topic.notice_ends_at);
}

// A progress event's note ("item 3: 50% — text", src/store/sqlite/consult.c) as its parts:
// {item, progress, text}, or null for any other note.
export function progressNote(note) {
  const m = String(note || '').match(/^item (\d+): (\d+)%(?: — ([\s\S]*))?$/);
  return m ? { item: Number(m[1]), progress: Number(m[2]), text: m[3] || '' } : null;
}

// An invitation event's note ("organisations: 3 17" or "none", src/store/sqlite/consult.c)
// as the ids it names, or null for any other note.
export function inviteNote(note) {
  const s = String(note || '');
  if (s === 'none') return [];
  const m = s.match(/^organisations:((?: \d+)+)$/);
  return m ? m[1].trim().split(' ').map(Number) : null;
}

// The proposer may withdraw until voting starts.
export function proposerActions(topic, userId) {
  if (!topic || topic.proposer_user_id !== userId) return [];
  return ['proposed', 'collecting', 'deliberating'].includes(topic.stage) ? ['withdraw'] : [];
}

// Actions that need a reason (the server answers 400 on "reason" without one).
export const REASON_ACTIONS = ['decline', 'withdraw', 'dismiss'];

export const opinionsOpen = (stage) => stage === 'collecting' || stage === 'deliberating';

// Opinions as threads: each top-level opinion in the column of its stance, its replies
// nested under it (in any stance) in the order written. A reply whose parent is missing
// is shown as a thread of its own.
export function opinionColumns(items) {
  const byId = new Map();
  const sorted = [...(items || [])].sort((a, b) => a.id - b.id);
  for (const o of sorted) byId.set(o.id, { ...o, replies: [] });
  const cols = { for: [], against: [], neutral: [] };
  for (const o of byId.values()) {
    const parent = o.parent_id ? byId.get(o.parent_id) : null;
    if (parent) parent.replies.push(o);
    else (cols[o.stance] || cols.neutral).push(o);
  }
  return cols;
}

// How many opinions (replies included) take each stance.
export function stanceCounts(items) {
  const c = { for: 0, against: 0, neutral: 0 };
  for (const o of items || []) if (o.stance in c) c[o.stance] += 1;
  return c;
}

// ---- times ----

const pad = (n) => String(n).padStart(2, '0');

// An API time ("2026-05-01T08:00:00Z") in the browser's time zone: "2026-05-01 16:00".
export function formatTime(iso, l) {
  if (!iso) return translate(l, 'common.none');
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

// A date (Date or ms) as the value of <input type="datetime-local">, in local time.
export function toLocalInput(when) {
  const d = new Date(when);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

// The value of a datetime-local input (local time) as the API's UTC time, or null.
export function localInputToIso(value) {
  if (!value || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(value)) return null;
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return null;
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

// ---- the vote ----

export const ELIGIBILITIES = ['households', 'residents', 'owners', 'list'];
export const VOTE_KINDS = ['yes_no', 'choices'];
export const YES_NO = ['yes', 'no', 'abstain'];

// The pass rules that fit a kind of vote and who votes (src/core/vote.c).
export function passRulesFor(kind, eligibility) {
  if (kind === 'choices') return ['plurality'];
  const rules = ['majority', 'two_thirds'];
  if (eligibility === 'owners') rules.push('owners_ordinary', 'owners_special');
  return rules;
}

// The label of option i: yes/no/abstain in the user's language, named choices as given.
export function optionLabel(rule, i, l) {
  const name = rule && rule.options ? rule.options[i] : undefined;
  if (name === undefined) return `#${i}`;
  if (rule.kind === 'yes_no' && YES_NO.includes(name)) return translate(l, `consult.vote.yesNo.${name}`);
  return String(name);
}

// A ballot's choices in words ("赞成", or "A、C").
export function ballotText(rule, choices, l) {
  if (!choices || !choices.length) return translate(l, 'common.none');
  return choices.map((i) => optionLabel(rule, i, l)).join(translate(l, 'consult.vote.joiner'));
}

// The pass rule in words, with the quorum when there is one (the owners' rules carry
// their own two thirds).
export function passText(rule, l) {
  if (!rule) return translate(l, 'common.none');
  let s = translate(l, `consult.pass.${rule.pass}`);
  if (s === `consult.pass.${rule.pass}`) s = String(rule.pass);
  const q = rule.quorum;
  if (q && q.num > 0 && q.den > 0 && !String(rule.pass).startsWith('owners_')) {
    s += translate(l, 'consult.vote.quorumText', { num: q.num, den: q.den });
  }
  return s;
}

export function eligibilityText(rule, l) {
  if (!rule) return translate(l, 'common.none');
  const key = `consult.eligibility.${rule.eligibility}`;
  const s = translate(l, key);
  return s === key ? String(rule.eligibility) : s;
}

// Is `now` (ms) inside the window [opens_at, closes_at)?
export function windowOpen(rule, now) {
  if (!rule || !rule.opens_at || !rule.closes_at) return false;
  return now >= Date.parse(rule.opens_at) && now < Date.parse(rule.closes_at);
}

// Turnout as a share 0..1 (null without an electorate).
export function turnoutShare(turnout) {
  if (!turnout || !(turnout.eligible > 0)) return null;
  return Math.min(1, turnout.voted / turnout.eligible);
}

// May this ballot be sent? Returns a catalogue key or null. Yes/no: exactly one; choices:
// 1..max_choices distinct options.
export function ballotProblem(rule, choices) {
  if (!choices || !choices.length) return 'consult.vote.chooseOne';
  const max = rule && rule.kind === 'yes_no' ? 1 : (rule && rule.max_choices) || 1;
  if (choices.length > max) return 'consult.vote.tooMany';
  return null;
}

// The parameter that names the voter of a paper ballot under each eligibility.
export function paperVoterField(eligibility) {
  if (eligibility === 'residents') return 'resident_id';
  if (eligibility === 'list') return 'user_id';
  return 'household_id';
}

// The vote rule form's draft to the body of PUT /vote-rule, with light checks (can it be
// sent at all?): {body} or {errors: {field: catalogue key}}. Consistency (options, pass
// rule, window order) is the server's answer, shown next to the field it names.
export function voteRuleBody(d) {
  const errors = {};
  const body = {
    eligibility: d.eligibility,
    kind: d.kind,
    pass: d.pass,
    allow_change: Boolean(d.allow_change),
    live_results: Boolean(d.live_results),
  };
  if (d.kind === 'choices') {
    const options = (d.options || []).map((s) => String(s || '').trim()).filter(Boolean);
    if (options.length < 2) errors.options = 'consult.rule.needOptions';
    body.options = options;
    const mc = Number(d.max_choices);
    if (!Number.isInteger(mc)) errors.max_choices = 'form.notInteger';
    body.max_choices = mc;
  }
  if (d.quorum_num !== '' && d.quorum_num !== null && d.quorum_num !== undefined && Number(d.quorum_num) > 0) {
    const num = Number(d.quorum_num);
    const den = Number(d.quorum_den);
    if (!Number.isInteger(num) || !Number.isInteger(den)) errors.quorum = 'form.notInteger';
    body.quorum = { num, den };
  }
  body.opens_at = localInputToIso(d.opens_at);
  body.closes_at = localInputToIso(d.closes_at);
  if (!body.opens_at) errors.opens_at = 'consult.rule.needTime';
  if (!body.closes_at) errors.closes_at = 'consult.rule.needTime';
  if (d.eligibility === 'list') {
    const ids = String(d.voters || '').split(/[\s,，、;；]+/).filter(Boolean);
    if (!ids.length || ids.some((s) => !/^\d+$/.test(s))) errors.voters = 'consult.rule.needVoters';
    body.voters = ids.map(Number);
  }
  return Object.keys(errors).length ? { errors } : { body };
}
