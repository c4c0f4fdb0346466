// messages.js - the cases API's own messages (src/api/cases.c, src/api/case_ops.c,
// src/core/case.c, src/core/matter.c) in the user's language. A message not listed here is
// shown as the server wrote it, under the headline for its error code.
import { translate } from '../../i18n/index.js';
import { serverFieldText } from '../../components/fields.js';

// Server message (exact) -> key under cases.msg.
const EXACT = {
  // the responsibility list
  'district or city staff edit the responsibility list and the calendar': 'listEditors',
  'a published version cannot change; start a new draft': 'publishedFixed',
  'is not known': 'notKnown',
  'no such version': 'noVersion',
  'no such matter in a draft': 'noDraftMatter',
  'only a draft is published': 'onlyDraft',
  'the draft has no matters': 'emptyDraft',
  'must be grid, community, street or district': 'ownerLevel',
  'must be a list of at most 4 departments': 'coDeptsList',
  'must hold department names': 'coDeptsNames',
  'a matter needs a code': 'needCode',
  'a matter needs a name': 'needName',
  'the list kind is basic, cooperative or returned': 'listKind',
  'the governance is government, co_governance or self_governance': 'governance',
  'a basic duty names its level (district, street, community or grid), or neither a level nor a department when nobody clearly owns it (属地兜底)': 'basicLevel',
  'the owner level is district, street, community or grid, or none': 'ownerLevelNone',
  'a cooperative or returned duty names its department': 'needDept',
  'at most four co-handling departments': 'coDeptsList',
  'a co-handling department has no name': 'coDeptsNames',
  'the co-handling departments do not match their count': 'coDeptsNames',
  'the response limit is positive': 'limitPositive',
  'the response limit is in hours or days': 'unit',
  'the resolution limit is positive': 'limitPositive',
  'the resolution limit is in hours or days': 'unit',
  // intake
  'must be web, patrol or hotline': 'channel',
  'hotline cases are entered by staff, patrol cases by grid workers': 'channelRole',
  'the caller\'s phone is required for a call-back': 'phoneRequired',
  'lat and lon go together': 'latLon',
  'a point (lat, lon) or a building_id is required': 'needPlace',
  'the point lies outside every grid of the city': 'outsideGrids',
  'the location lies in no grid of the city': 'outsideGrids',
  'names no building or unit of the network': 'noBuilding',
  'no responsibility list is published': 'noList',
  'is not a matter of the published responsibility list': 'notMatter',
  // reading and acting
  'no such case': 'noCase',
  'is not a case status': 'notStatus',
  'names no node': 'noNode',
  'is not an action on cases': 'notAction',
  'must be yes, partly or no': 'resolvedValues',
  'must be satisfied, basically_satisfied or unsatisfied': 'satisfactionValues',
  'must be a list of at most 16 ids': 'orgIds',
  'only a submitted case is accepted or rejected': 'onlySubmitted',
  'only a case not yet dispatched can be merged': 'mergeBefore',
  'only an accepted case or one on hold is dispatched': 'dispatchWhen',
  'only a dispatched case or one on hold is signed for': 'signWhen',
  'only a dispatched case or one in progress is returned': 'returnWhen',
  'only a case in progress is resolved': 'resolveWhen',
  'only a resolved case is verified': 'verifyWhen',
  'only a resolved or verified case is sent back for rework': 'reworkWhen',
  'only a verified case is closed': 'closeWhen',
  'an extension is asked for only while the clock runs': 'extensionWhen',
  'an extension is approved only while the clock runs': 'extensionWhen',
  'only a dispatched case or one in progress is put on hold': 'holdWhen',
  'only an accepted case not yet resolved is escalated': 'escalateWhen',
  'departments are summoned only on an accepted case not yet resolved': 'summonWhen',
  'a department reports in only on a case not yet resolved': 'reportWhen',
  'only a resolved case is rated': 'rateWhen',
  'only a closed case is reopened': 'reopenWhen',
  'only intake staff of the owning level or above may do this': 'intakeOnly',
  'only the current owner of the case may do this': 'handlerOnly',
  'only the grid worker of the case or intake staff may do this': 'verifierOnly',
  'only the owner or a summoned department may report a result': 'resolverOnly',
  'only the owner, intake staff or the deadline sweep may escalate': 'escalatorOnly',
  'only street or community staff within scope may summon departments': 'summonerOnly',
  'only a department summoned on the case may report in': 'summonedOnly',
  'only the requester, or staff recording a call-back, may rate a case': 'raterOnly',
  'a reason is required': 'reasonRequired',
  'the result is required': 'resultRequired',
  'the case to merge into is required': 'intoRequired',
  'an owner is required': 'ownerRequired',
  'the time asked for is required': 'untilRequired',
  'a review date is required': 'reviewRequired',
  'the departments to summon are required': 'orgsRequired',
  'both answers are required': 'answersRequired',
  'the case has no owner': 'noOwner',
  'an extension request is already pending': 'extensionPending',
  'no extension request is pending': 'noExtension',
  'departments summoned on the case have not finished': 'tasksOpen',
  'the case is already at the top of the ladder': 'topLevel',
  'the case has been rated already': 'ratedAlready',
  'a case cannot be merged into itself': 'mergeSelf',
  'must name an open case': 'openCase',
  'must name a department of the case\'s district': 'districtDept',
  'must name departments of the case\'s district': 'districtDept',
  'must name the case\'s grid, community, street or district': 'caseNode',
  'the department\'s task is done already': 'taskDone',
  'the department was not summoned on the case': 'notSummoned',
  'a department is summoned on the case already': 'summonedAlready',
  'the department has reported in already': 'reportedAlready',
  'the case changed meanwhile; read it again': 'changedMeanwhile',
  // photos
  'photos are added by the requester and those handling the case': 'photoWho',
  'the body must be the image\'s bytes': 'photoEmpty',
  'a photo may be at most 4 MiB': 'photoTooBig',
  'must be a JPEG or PNG image, sent as such': 'photoType',
  'a case holds at most 9 photos': 'photoTooMany',
  'no such photo': 'noPhoto',
  'staff handling the case approve its photos': 'photoApprove',
  // figures
  'give one of node_id, org_id or matter_code': 'oneSubject',
  'the figures are for staff': 'figuresStaff',
  'must be a date like 2026-01-31': 'dateLike',
  'must not be before from': 'toBeforeFrom',
};

// Messages with numbers or examples in them.
const PATTERNS = [
  [/^must be a whole number from (-?\d+) to (-?\d+)$/, 'wholeNumber', ['min', 'max']],
  [/^must be a number from (-?[\d.e+]+) to (-?[\d.e+]+)$/, 'numberRange', ['min', 'max']],
  [/^must be a time like /, 'timeLike', []],
  [/^must be a (latitude|longitude) from /, 'latLonRange', []],
];

// The message in the user's language, or null when the catalogue does not know it.
export function casesMessage(l, message) {
  const m = String(message || '').trim();
  const key = EXACT[m];
  if (key) return translate(l, `cases.msg.${key}`);
  for (const [re, k, names] of PATTERNS) {
    const hit = m.match(re);
    if (!hit) continue;
    const params = {};
    names.forEach((n, i) => {
      params[n] = hit[i + 1];
    });
    return translate(l, `cases.msg.${k}`, params);
  }
  return null;
}

// The text shown next to a form field for the server's 400 about it.
export function fieldMessage(l, message, field = null) {
  return casesMessage(l, message) || serverFieldText(l, field, message);
}

// The headline of an error notice: the server's message when it is known, else ''
// (ErrorNotice then uses the text of the error code).
export function noticeHeadline(l, err) {
  return (err && err.status > 0 && casesMessage(l, err.message)) || '';
}
