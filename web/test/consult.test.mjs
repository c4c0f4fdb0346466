// consult.test.mjs - the plain functions of the consultation pages (stages and timeline,
// console actions, opinion threads, vote rule and ballots, the results chart, the
// server's messages in both languages), run with node:test without a browser.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  STAGES, timeline, staffActions, proposerActions, opinionColumns, stanceCounts, opinionsOpen,
  localInputToIso, toLocalInput, formatTime, passRulesFor, optionLabel, ballotText, passText,
  eligibilityText, windowOpen, turnoutShare, ballotProblem, paperVoterField, voteRuleBody,
  isStaffUser, grantNode, objectionsOpen, progressNote, parseIds, pickPhotos, photosOpen, itemPhotosOpen,
  opinionMeetings, PHOTO_BYTES, inviteNote,
} from '../src/features/consult/consult.js';
import { resultRows, resultsOption, chartHeight, RESULT_COLOURS } from '../src/features/consult/resultsChart.js';
import {
  CONFLICT_REASONS, conflictMessage, consultMessage, errorText, fieldMessage, noticeHeadline, reasonText,
} from '../src/features/consult/messages.js';
import { catalogues } from '../src/i18n/index.js';
import { stageLabel, actionLabel, categoryLabel } from '../src/features/consult/labels.js';

const ev = (id, action, from, to, note = null) => ({ id, at: `2026-05-0${id}T08:00:00Z`, action, from, to, note });

test('the timeline marks done, current and coming stages with their times', () => {
  const topic = {
    stage: 'deliberating',
    events: [ev(1, 'propose', null, 'proposed'), ev(2, 'accept', 'proposed', 'collecting'),
      ev(3, 'start_deliberation', 'collecting', 'deliberating')],
  };
  const items = timeline(topic);
  assert.deepEqual(items.map((i) => i.stage), STAGES);
  assert.deepEqual(items.map((i) => i.state),
    ['done', 'done', 'current', 'todo', 'todo', 'todo', 'todo', 'todo']);
  assert.equal(items[1].at, '2026-05-02T08:00:00Z');
  assert.equal(items[3].at, null);
});

test('a vote that did not pass skips implementation', () => {
  const topic = {
    stage: 'notice',
    events: [ev(1, 'propose', null, 'proposed'), ev(2, 'accept', 'proposed', 'collecting'),
      ev(3, 'start_deliberation', 'collecting', 'deliberating'), ev(4, 'open_voting', 'deliberating', 'voting'),
      ev(5, 'close_voting', 'voting', 'decided'), ev(6, 'publish_notice', 'decided', 'notice')],
  };
  const states = Object.fromEntries(timeline(topic).map((i) => [i.stage, i.state]));
  assert.equal(states.implementing, 'skipped');
  assert.equal(states.notice, 'current');
  assert.equal(states.closed, 'todo');
});

test('a topic that ended early shows its end after the stage it left', () => {
  const declined = timeline({ stage: 'declined', events: [ev(1, 'propose', null, 'proposed'),
    ev(2, 'decline', 'proposed', 'declined', 'not in scope')] });
  assert.deepEqual(declined.slice(0, 3).map((i) => [i.stage, i.state]),
    [['proposed', 'done'], ['declined', 'ended'], ['collecting', 'stopped']]);
  const dismissed = timeline({ stage: 'dismissed', events: [ev(1, 'propose', null, 'proposed'),
    ev(2, 'accept', 'proposed', 'collecting'), ev(3, 'start_deliberation', 'collecting', 'deliberating'),
    ev(4, 'open_voting', 'deliberating', 'voting'), ev(5, 'dismiss', 'voting', 'dismissed')] });
  const at = dismissed.findIndex((i) => i.stage === 'dismissed');
  assert.equal(dismissed[at - 1].stage, 'voting');
  assert.equal(dismissed[at].at, '2026-05-05T08:00:00Z');
  assert.equal(dismissed.length, STAGES.length + 1);
});

test('the console offers the actions of the stage; the proposer may withdraw before voting', () => {
  assert.deepEqual(staffActions({ stage: 'proposed' }), ['accept', 'decline', 'invite', 'dismiss']);
  assert.deepEqual(staffActions({ stage: 'collecting' }), ['start_deliberation', 'vote_rule', 'invite', 'dismiss']);
  assert.deepEqual(staffActions({ stage: 'deliberating' }), ['meeting', 'vote_rule', 'open_voting', 'invite', 'dismiss']);
  assert.deepEqual(staffActions({ stage: 'voting' }), ['paper_ballot', 'close_voting', 'dismiss']);
  assert.deepEqual(staffActions({ stage: 'decided', passed: true }), ['decision', 'start_implementation', 'dismiss']);
  assert.deepEqual(staffActions({ stage: 'decided', passed: false }), ['publish_notice', 'dismiss']);
  assert.deepEqual(staffActions({ stage: 'implementing' }), ['item', 'publish_notice', 'dismiss']);
  assert.deepEqual(staffActions({ stage: 'notice' }), ['close']);
  assert.deepEqual(staffActions({ stage: 'closed' }), []);
  assert.deepEqual(proposerActions({ stage: 'collecting', proposer_user_id: 7 }, 7), ['withdraw']);
  assert.deepEqual(proposerActions({ stage: 'voting', proposer_user_id: 7 }, 7), []);
  assert.deepEqual(proposerActions({ stage: 'proposed', proposer_user_id: 7 }, 8), []);
  assert.ok(opinionsOpen('collecting') && opinionsOpen('deliberating') && !opinionsOpen('voting'));
});

test('staff roles and the default scope come from the grants', () => {
  assert.ok(isStaffUser({ grants: [{ role: 'community_staff', node_id: 8 }] }));
  assert.ok(!isStaffUser({ grants: [{ role: 'resident', node_id: 20 }] }));
  assert.ok(!isStaffUser({ grants: [{ role: 'grid_worker', node_id: 20 }] }));
  assert.equal(grantNode({ grants: [{ role: 'dept', node_id: null }, { role: 'resident', node_id: 20 }] }), 20);
  assert.equal(grantNode(null), null);
});

test('opinions become threads in the column of their first stance', () => {
  const ops = [
    { id: 3, parent_id: 1, depth: 2, stance: 'against' },
    { id: 1, parent_id: null, depth: 1, stance: 'for' },
    { id: 2, parent_id: null, depth: 1, stance: 'neutral' },
    { id: 4, parent_id: 3, depth: 3, stance: 'for' },
    { id: 5, parent_id: 99, depth: 2, stance: 'against' },
  ];
  const cols = opinionColumns(ops);
  assert.deepEqual(cols.for.map((o) => o.id), [1]);
  assert.deepEqual(cols.for[0].replies.map((o) => o.id), [3]);
  assert.deepEqual(cols.for[0].replies[0].replies.map((o) => o.id), [4]);
  assert.deepEqual(cols.against.map((o) => o.id), [5]);
  assert.deepEqual(cols.neutral.map((o) => o.id), [2]);
  assert.deepEqual(stanceCounts(ops), { for: 2, against: 2, neutral: 1 });
});

test('datetime-local values and API times convert both ways', () => {
  const iso = localInputToIso('2026-05-01T16:30');
  assert.match(iso, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:00Z$/);
  assert.equal(toLocalInput(Date.parse(iso)), '2026-05-01T16:30');
  assert.equal(formatTime(iso, 'en'), '2026-05-01 16:30');
  assert.equal(localInputToIso(''), null);
  assert.equal(localInputToIso('tomorrow'), null);
  assert.equal(formatTime(null, 'zh-CN'), '—');
});

const yesNo = {
  eligibility: 'households', kind: 'yes_no', options: ['yes', 'no', 'abstain'], max_choices: 1,
  pass: 'majority', quorum: { num: 0, den: 1 },
  opens_at: '2026-05-01T00:00:00Z', closes_at: '2026-05-08T00:00:00Z',
};
const choices = {
  eligibility: 'owners', kind: 'choices', options: ['A', 'B', 'C'], max_choices: 2, pass: 'plurality',
  quorum: { num: 1, den: 2 }, opens_at: '2026-05-01T00:00:00Z', closes_at: '2026-05-08T00:00:00Z',
};

test('the vote rule in words, in both languages', () => {
  assert.deepEqual(passRulesFor('yes_no', 'households'), ['majority', 'two_thirds']);
  assert.deepEqual(passRulesFor('yes_no', 'owners'), ['majority', 'two_thirds', 'owners_ordinary', 'owners_special']);
  assert.deepEqual(passRulesFor('choices', 'owners'), ['plurality']);
  assert.equal(optionLabel(yesNo, 0, 'zh-CN'), '赞成');
  assert.equal(optionLabel(yesNo, 2, 'en'), 'Abstain');
  assert.equal(optionLabel(choices, 1, 'en'), 'B');
  assert.equal(ballotText(choices, [0, 2], 'zh-CN'), 'A、C');
  assert.equal(ballotText(yesNo, [1], 'en'), 'No');
  assert.equal(passText(yesNo, 'zh-CN'), '赞成票超过投票总数的一半');
  assert.equal(passText({ ...yesNo, quorum: { num: 1, den: 2 } }, 'en'),
    'Yes votes are more than half of the ballots cast, with a turnout of at least 1/2');
  assert.match(passText({ ...yesNo, pass: 'owners_special', quorum: { num: 2, den: 3 } }, 'zh-CN'), /四分之三.*重大事项）$/);
  assert.equal(eligibilityText(yesNo, 'en'), 'Every household of the area, one vote cast by its representative');
  assert.equal(eligibilityText({ eligibility: 'martians' }, 'en'), 'martians');
});

test('the window, turnout and ballots', () => {
  assert.ok(windowOpen(yesNo, Date.parse('2026-05-03T00:00:00Z')));
  assert.ok(!windowOpen(yesNo, Date.parse('2026-05-08T00:00:00Z')));
  assert.ok(!windowOpen(null, Date.now()));
  assert.equal(turnoutShare({ voted: 1, eligible: 4 }), 0.25);
  assert.equal(turnoutShare({ voted: 0, eligible: 0 }), null);
  assert.equal(ballotProblem(yesNo, []), 'consult.vote.chooseOne');
  assert.equal(ballotProblem(yesNo, [0, 1]), 'consult.vote.tooMany');
  assert.equal(ballotProblem(choices, [0, 1]), null);
  assert.equal(ballotProblem(choices, [0, 1, 2]), 'consult.vote.tooMany');
  assert.equal(paperVoterField('households'), 'household_id');
  assert.equal(paperVoterField('owners'), 'household_id');
  assert.equal(paperVoterField('residents'), 'resident_id');
  assert.equal(paperVoterField('list'), 'user_id');
});

test('the vote rule form becomes the body of PUT /vote-rule', () => {
  const base = {
    eligibility: 'households', kind: 'yes_no', pass: 'majority', options: ['', ''], max_choices: '1',
    quorum_num: '', quorum_den: '', opens_at: '2026-05-01T08:00', closes_at: '2026-05-02T08:00',
    allow_change: true, live_results: false, voters: '',
  };
  const { body } = voteRuleBody(base);
  assert.deepEqual(Object.keys(body).sort(),
    ['allow_change', 'closes_at', 'eligibility', 'kind', 'live_results', 'opens_at', 'pass']);
  assert.equal(body.opens_at, localInputToIso('2026-05-01T08:00'));
  const c = voteRuleBody({ ...base, kind: 'choices', pass: 'plurality', options: [' A ', '', 'B'], max_choices: '2', quorum_num: '2', quorum_den: '3' });
  assert.deepEqual(c.body.options, ['A', 'B']);
  assert.equal(c.body.max_choices, 2);
  assert.deepEqual(c.body.quorum, { num: 2, den: 3 });
  assert.deepEqual(voteRuleBody({ ...base, kind: 'choices', options: ['A'], opens_at: '' }).errors,
    { options: 'consult.rule.needOptions', opens_at: 'consult.rule.needTime' });
  assert.deepEqual(voteRuleBody({ ...base, eligibility: 'list', voters: '12, 13，14' }).body.voters, [12, 13, 14]);
  assert.deepEqual(voteRuleBody({ ...base, eligibility: 'list', voters: 'x' }).errors, { voters: 'consult.rule.needVoters' });
});

test('results become rows and a bar chart, by count and by floor area', () => {
  const results = {
    closed: true,
    tally: [{ option: 0, label: 'yes', count: 3 }, { option: 1, label: 'no', count: 1 }, { option: 2, label: 'abstain', count: 0 }],
    outcome: { quorum_met: true, passed: true, reason: 'passed', winners: [] },
  };
  const rows = resultRows(results, yesNo, 'zh-CN');
  assert.deepEqual(rows.map((r) => [r.label, r.count, r.colour]),
    [['赞成', 3, RESULT_COLOURS.yes], ['反对', 1, RESULT_COLOURS.no], ['弃权', 0, RESULT_COLOURS.abstain]]);
  assert.equal(rows[0].share, 0.75);
  const named = resultRows(results, { ...yesNo, options: ['同意', '不同意', '弃权'] }, 'en');
  assert.deepEqual(named.map((r) => [r.label, r.colour]),
    [['同意', RESULT_COLOURS.yes], ['不同意', RESULT_COLOURS.no], ['弃权', RESULT_COLOURS.abstain]]);
  const o = resultsOption(results, yesNo, 'en');
  assert.deepEqual(o.yAxis.data, ['Yes', 'No', 'Abstain']);
  assert.deepEqual(o.series[0].data.map((d) => d.value), [3, 1, 0]);
  assert.doesNotThrow(() => JSON.stringify(o));

  const owners = {
    tally: [{ option: 0, label: 'A', count: 2, area_m2: 180.5 }, { option: 1, label: 'B', count: 2, area_m2: 90 },
      { option: 2, label: 'C', count: 0, area_m2: 0 }],
    provisional: { quorum_met: true, passed: true, reason: 'passed', winners: [0] },
  };
  const orows = resultRows(owners, choices, 'en');
  assert.equal(orows[0].colour, RESULT_COLOURS.winner);
  assert.equal(orows[1].colour, RESULT_COLOURS.other);
  assert.equal(orows[0].area, 180.5);
  const area = resultsOption(owners, choices, 'zh-CN', 'area');
  assert.deepEqual(area.series[0].data.map((d) => d.value), [180.5, 90, 0]);
  assert.equal(area.series[0].data[0].label.formatter, '180.5 ㎡');
  assert.equal(chartHeight(3), 156);
});

test('the server\'s messages in the user\'s language', () => {
  assert.equal(conflictMessage('zh-CN', 'notice_not_over'), '公示期还没有结束。');
  assert.equal(conflictMessage('en', 'already_voted'), 'This voter has voted already.');
  assert.equal(conflictMessage('en', 'a_reason_from_the_future'), null);
  assert.equal(consultMessage('zh-CN', 'staff of the community record meetings'), '协商会议由社区工作人员记录。');
  assert.equal(consultMessage('en', 'something new'), null);
  // A 409 goes by its reason, never by its English text.
  assert.equal(consultMessage('zh-CN', 'the notice period is not over'), null);
  assert.equal(fieldMessage('zh-CN', 'must be 1 to 100 characters'), '应为 1 到 100 个字');
  assert.equal(fieldMessage('zh-CN', 'a reason is required'), '请说明理由。');
  assert.equal(fieldMessage('en', 'brand new words'), 'brand new words');
  assert.equal(noticeHeadline('zh-CN', { status: 409, reason: 'voting_not_open', message: 'anything' }), '现在不在表决时间内。');
  assert.equal(noticeHeadline('zh-CN', { status: 409, reason: 'wrong_stage', message: 'meetings are held while deliberating' }),
    '议题当前所处的阶段不能进行这项操作，请刷新后查看。');
  assert.equal(noticeHeadline('zh-CN', { status: 409, reason: 'unknown_reason', message: 'x' }), '');
  assert.equal(noticeHeadline('zh-CN', { status: 0, reason: 'voting_not_open' }), '');
  assert.equal(noticeHeadline('en', { status: 403, message: 'staff of the community invite organisations' }),
    'Staff of the community invite organisations.');
  assert.equal(errorText('zh-CN', { status: 409, reason: 'photo_limit', message: 'a topic holds at most 9 photos' }), '图片已达 9 张的上限。');
  assert.equal(errorText('zh-CN', { status: 400, field: 'photo', message: 'must be a JPEG or PNG image, sent as such' }),
    '只能上传 JPEG 或 PNG 图片。');
  assert.equal(reasonText('zh-CN', 'approval not more than half of the ballots cast'), '赞成票未超过投票总数的一半');
  assert.equal(reasonText('en', 'participation below two thirds of owners by area'),
    'Fewer than two thirds of owners took part (by floor area)');
  assert.equal(reasonText('zh-CN', 'approval below three quarters of participating owners by headcount and by area'),
    '赞成的业主不足参与表决业主的四分之三（按人数和面积）');
  assert.equal(reasonText('en', 'a reason nobody wrote yet'), 'a reason nobody wrote yet');
});

test('stage, action and category labels fall back to the stored name', () => {
  assert.equal(stageLabel('zh-CN', 'notice'), '结果公示');
  assert.equal(actionLabel('en', 'open_voting'), 'Open voting');
  assert.equal(categoryLabel('en', 'parking'), 'Parking');
  assert.equal(categoryLabel('zh-CN', '垃圾分类'), '垃圾分类');
});

test('objections run with the notice; progress notes name their item', () => {
  const t = { stage: 'notice', notice_ends_at: '2026-05-08T00:00:00Z' };
  assert.ok(objectionsOpen(t, Date.parse('2026-05-07T23:59:59Z')));
  assert.ok(!objectionsOpen(t, Date.parse('2026-05-08T00:00:00Z')));
  assert.ok(!objectionsOpen({ ...t, stage: 'implementing' }, 0));
  assert.deepEqual(progressNote('item 3: 50% — 完成招标'), { item: 3, progress: 50, text: '完成招标' });
  assert.deepEqual(progressNote('item 12: 100%'), { item: 12, progress: 100, text: '' });
  assert.deepEqual(inviteNote('organisations: 3 17'), [3, 17]);
  assert.deepEqual(inviteNote('none'), []);
  assert.equal(inviteNote('something else'), null);
  assert.equal(progressNote('something else'), null);
});

test('every reason code of the 409s has words in both languages', () => {
  const reasons = ['wrong_stage', 'no_vote_rule', 'vote_not_passed', 'no_decision', 'implement_first', 'notice_not_over',
    'open_objections', 'notice_over', 'voting_not_open', 'already_voted', 'paper_ballot', 'already_answered',
    'already_reported', 'photo_limit', 'moved_meanwhile'];
  assert.deepEqual(Object.keys(CONFLICT_REASONS).sort(), [...reasons].sort(), 'the codes of docs/API.md');
  for (const l of ['zh-CN', 'en']) {
    for (const r of reasons) {
      const key = CONFLICT_REASONS[r];
      assert.equal(typeof catalogues[l].consult.msg[key], 'string', `${l} consult.msg.${key}`);
    }
  }
});

test('photos are picked by type, size and room; ids are typed as a list', () => {
  const f = (name, type, size) => ({ name, type, size });
  const { ok, rejected } = pickPhotos([f('a.jpg', 'image/jpeg', 10), f('b.gif', 'image/gif', 10),
    f('c.png', 'image/png', PHOTO_BYTES + 1), f('d.png', 'image/png', PHOTO_BYTES), f('e.png', 'image/png', 1)], 2);
  assert.deepEqual(ok.map((x) => x.name), ['a.jpg', 'd.png']);
  assert.deepEqual(rejected.map((x) => [x.name, x.key]), [['b.gif', 'consult.msg.photoType'],
    ['c.png', 'consult.msg.photoSize'], ['e.png', 'consult.msg.photoLimit']]);
  assert.deepEqual(parseIds('12, 15 17，12'), { ids: [12, 15, 17] });
  assert.deepEqual(parseIds(''), { ids: [] });
  assert.deepEqual(parseIds('12, x'), { error: 'consult.meetings.needIds' });
  assert.deepEqual(parseIds('0'), { error: 'consult.meetings.needIds' });
  assert.ok(photosOpen({ stage: 'proposed' }) && photosOpen({ stage: 'notice' }));
  assert.ok(!photosOpen({ stage: 'closed' }) && !photosOpen({ stage: 'withdrawn' }));
  assert.ok(itemPhotosOpen({ stage: 'implementing' }) && itemPhotosOpen({ stage: 'notice' }));
  assert.ok(!itemPhotosOpen({ stage: 'decided' }));
  const ms = [{ id: 1 }, { id: 2 }];
  assert.deepEqual(opinionMeetings({ stage: 'deliberating' }, ms), ms);
  assert.deepEqual(opinionMeetings({ stage: 'collecting' }, ms), []);
});
