// messages.js - the consultation API's own messages (src/api/consult.c, src/core/topic.c,
// src/core/vote.c) in the user's language. A message not listed here is shown as the
// server wrote it, under the headline for its error code.
import { translate } from '../../i18n/index.js';
import { serverFieldText } from '../../components/fields.js';

// Server message (exact) -> key under consult.msg.
const EXACT = {
  'only a proposed topic is reviewed': 'onlyProposed',
  'only staff managing the topic\'s scope may do this': 'staffOnly',
  'deliberation follows collecting opinions': 'deliberationFollows',
  'voting follows deliberation': 'votingFollows',
  'the topic is not being voted on': 'notVoting',
  'implementation follows the decision': 'implementationFollows',
  'the notice follows implementation or a vote that did not pass': 'noticeFollows',
  'only a topic under public notice is closed': 'closeOnlyNotice',
  'a topic can be withdrawn only before voting starts': 'withdrawBefore',
  'only the proposer may withdraw a topic; staff dismiss it': 'withdrawProposer',
  'only an open topic, up to implementation, can be dismissed': 'dismissOpen',
  'the topic has no vote rule': 'noVoteRule',
  'the vote did not pass': 'notPassed',
  'no decision is recorded': 'noDecision',
  'a passed decision is implemented before its notice': 'implementFirst',
  'the notice period is not over': 'noticeNotOver',
  'objections are not yet answered': 'objectionsOpen',
  'a reason is required': 'reasonRequired',
  'the topic moved meanwhile': 'movedMeanwhile',
  'opinions are taken while collecting opinions and deliberating': 'opinionsClosed',
  'replies nest at most 3 deep': 'tooDeep',
  'is not an opinion of this topic': 'notOpinion',
  'staff of the community record meetings': 'staffMeetings',
  'meetings are held while deliberating': 'meetingsDeliberating',
  'staff of the community set the vote rule': 'staffRule',
  'the vote rule is set before voting opens': 'ruleBeforeVoting',
  'the topic is not in its voting stage': 'notVotingStage',
  'voting is not open now': 'votingClosedNow',
  'staff of the community enter paper ballots': 'staffPaper',
  'this voter has voted already': 'votedAlready',
  'this ballot was entered on paper': 'enteredOnPaper',
  'you may not vote on this topic': 'mayNotVote',
  'you are not on the list of voters': 'notOnList',
  'only residents of the scope vote on this topic': 'residentsOnly',
  'only the representative of a household in the scope votes': 'representativeOnly',
  'is not a household of the topic\'s scope': 'notHousehold',
  'is not a resident of the topic\'s scope': 'notResident',
  'is not on the list of voters': 'notOnListPaper',
  'names the voter of a paper ballot': 'namesVoter',
  'staff of the community record the decision': 'staffDecision',
  'a decision is recorded for a topic that passed': 'decisionPassed',
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
  'items are planned while implementing': 'itemsImplementing',
  'staff of the community report progress': 'staffProgress',
  'progress is reported while implementing': 'progressImplementing',
  'no such item of this topic': 'noItem',
  'objections are raised during the public notice': 'objectionsNotice',
  'staff of the community answer objections': 'staffObjections',
  'objections are answered during the notice': 'objectionsAnswerNotice',
  'no such objection of this topic': 'noObjection',
  'this objection has an answer already': 'answeredAlready',
};

// The message in the user's language, or null when the catalogue does not know it.
export function consultMessage(l, message) {
  const key = EXACT[String(message || '').trim()];
  return key ? translate(l, `consult.msg.${key}`) : null;
}

// The text shown next to a form field for the server's 400 about it.
export function fieldMessage(l, message, field = null) {
  return consultMessage(l, message) || serverFieldText(l, field, message);
}

// The headline of an error notice: the server's message when it is known, else ''
// (ErrorNotice then uses the text of the error code).
export function noticeHeadline(l, err) {
  return (err && err.status > 0 && consultMessage(l, err.message)) || '';
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
