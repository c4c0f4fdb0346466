// messages.js - the consultation API's own messages (src/api/consult.c, src/core/topic.c,
// src/core/vote.c) in the user's language. A 409 is known by its stable reason code; a
// 400 or 403 by its message. A message not listed here is shown as the server wrote it,
// under the headline for its error code.
import { translate } from '../../i18n/index.js';
import { serverFieldText } from '../../components/fields.js';

// Server message (exact) -> key under consult.msg: the 400s and 403s (409s go by their
// reason, CONFLICT_REASONS).
const EXACT = {
  'only staff managing the topic\'s scope may do this': 'staffOnly',
  'only the proposer may withdraw a topic; staff dismiss it': 'withdrawProposer',
  'a reason is required': 'reasonRequired',
  'replies nest at most 3 deep': 'tooDeep',
  'is not an opinion of this topic': 'notOpinion',
  'staff of the community record meetings': 'staffMeetings',
  'staff of the community set the vote rule': 'staffRule',
  'staff of the community enter paper ballots': 'staffPaper',
  'you may not vote on this topic': 'mayNotVote',
  'you are not on the list of voters': 'notOnList',
  'only residents of the scope vote on this topic': 'residentsOnly',
  'only the representative of a household in the scope votes': 'representativeOnly',
  'is not a household of the topic\'s scope': 'notHousehold',
  'is not a resident of the topic\'s scope': 'notResident',
  'is not on the list of voters': 'notOnListPaper',
  'names the voter of a paper ballot': 'namesVoter',
  'staff of the community record the decision': 'staffDecision',
  'must be a community or a grid': 'communityOrGrid',
  'is required: the community or grid': 'scopeRequired',
  'refers to a record that does not exist': 'noSuchRecord',
  'must be a time YYYY-MM-DDTHH:MM:SSZ': 'time',
  'the vote must close after it opens': 'closeAfterOpen',
  'a yes/no vote has exactly the options yes, no and abstain': 'yesNoOptions',
  'a yes/no ballot holds exactly one choice': 'yesNoOne',
  'a choice vote needs 2 to 16 options': 'choiceOptions',
  'max_choices must be between 1 and the number of options': 'maxChoices',
  'majority and two_thirds need a yes/no vote': 'majorityYesNo',
  'the owners\' rules need eligibility owners': 'ownersEligibility',
  'the owners\' rules need a yes/no vote': 'ownersYesNo',
  'plurality needs a choice vote': 'pluralityChoices',
  'must be a list of names of 1 to 50 characters': 'optionNames',
  'must list the user ids of the representatives': 'voterIds',
  'too many choices': 'tooManyChoices',
  'no such option': 'noSuchOption',
  'an option is chosen twice': 'chosenTwice',
  'a ballot needs a choice': 'needChoice',
  'no such topic': 'noSuchTopic',
  'is not a stage': 'notStage',
  'is not a field here': 'notField',
  'must be for, against or neutral': 'stance',
  'staff of the community plan the implementation': 'staffItems',
  'staff of the community report progress': 'staffProgress',
  'no such item of this topic': 'noItem',
  'staff of the community answer objections': 'staffObjections',
  'no such objection of this topic': 'noObjection',
  'staff of the community invite organisations': 'staffInvite',
  'names an organisation that cannot be invited': 'notInvitable',
  'staff of the community record attendance': 'staffAttendance',
  'names an account that does not exist': 'noSuchAccount',
  'names a resident outside the topic\'s scope': 'residentOutside',
  'is not a meeting of this topic': 'notMeeting',
  'the proposer and staff of the community add photos of a topic': 'staffPhotos',
  'staff of the community add photos of the implementation': 'staffItemPhotos',
  'must be a JPEG or PNG image, sent as such': 'photoType',
  'a photo may be at most 4 MiB': 'photoSize',
  'the body must be the image\'s bytes': 'photoEmpty',
  'staff of the case\'s community raise a topic from it': 'staffCase',
  'must be a case of the topic\'s community': 'caseCommunity',
};

// The reason codes of the consultation's 409s (docs/API.md, "Conflicts and their reasons")
// -> key under consult.msg.
export const CONFLICT_REASONS = {
  wrong_stage: 'wrongStage',
  no_vote_rule: 'noVoteRule',
  vote_not_passed: 'notPassed',
  no_decision: 'noDecision',
  implement_first: 'implementFirst',
  notice_not_over: 'noticeNotOver',
  open_objections: 'objectionsOpen',
  notice_over: 'noticeOver',
  voting_not_open: 'votingClosedNow',
  already_voted: 'votedAlready',
  paper_ballot: 'enteredOnPaper',
  already_answered: 'answeredAlready',
  already_reported: 'reportedAlready',
  photo_limit: 'photoLimit',
  moved_meanwhile: 'movedMeanwhile',
};

// A 409's reason in the user's language, or null for an unknown one.
export function conflictMessage(l, reason) {
  const key = CONFLICT_REASONS[String(reason || '')];
  return key ? translate(l, `consult.msg.${key}`) : null;
}

// The message in the user's language, or null when the catalogue does not know it.
export function consultMessage(l, message) {
  const key = EXACT[String(message || '').trim()];
  return key ? translate(l, `consult.msg.${key}`) : null;
}

// The text shown next to a form field for the server's 400 about it.
export function fieldMessage(l, message, field = null) {
  return consultMessage(l, message) || serverFieldText(l, field, message);
}

// The headline of an error notice: a 409's reason, or the server's message when it is
// known, else '' (ErrorNotice then uses the text of the error code).
export function noticeHeadline(l, err) {
  if (!err || !(err.status > 0)) return '';
  if (err.status === 409 && err.reason) return conflictMessage(l, err.reason) || '';
  return consultMessage(l, err.message) || '';
}

// The text next to a form field for an error the server gave about it (a 400 by its
// message, a 409 by its reason).
export function errorText(l, err) {
  if (err && err.status === 409 && err.reason) return conflictMessage(l, err.reason) || err.message;
  return fieldMessage(l, err && err.message, err && err.field);
}

// The outcome's reason (src/core/vote.c) in the user's language, or as given.
const REASONS = {
  passed: 'passed',
  'no ballots cast': 'noBallots',
  'no eligible voters': 'noEligible',
  'no eligible owners': 'noOwners',
  'no eligible floor area': 'noArea',
  'participation below the quorum': 'belowQuorum',
  'approval not more than half of the ballots cast': 'notMajority',
  'approval below two thirds of the ballots cast': 'notTwoThirds',
  'tie between the leading options': 'tie',
  'invalid quorum': 'invalid',
  'invalid vote rule': 'invalid',
  'inconsistent tally': 'invalid',
};

export function reasonText(l, reason) {
  const r = String(reason || '');
  if (REASONS[r]) return translate(l, `consult.reasons.${REASONS[r]}`);
  // The owners' rules name headcount and/or area.
  let m = r.match(/^participation below two thirds of owners by (.+)$/);
  if (m) return translate(l, 'consult.reasons.ownersParticipation', { by: byText(l, m[1]) });
  m = r.match(/^approval below three quarters of participating owners by (.+)$/);
  if (m) return translate(l, 'consult.reasons.ownersThreeQuarters', { by: byText(l, m[1]) });
  m = r.match(/^approval not more than half of participating owners by (.+)$/);
  if (m) return translate(l, 'consult.reasons.ownersHalf', { by: byText(l, m[1]) });
  return r || translate(l, 'common.none');
}

function byText(l, by) {
  if (by === 'area') return translate(l, 'consult.reasons.byArea');
  if (by === 'headcount') return translate(l, 'consult.reasons.byHead');
  return translate(l, 'consult.reasons.byBoth');
}
