// labels.js - catalogue labels for the stored names of cases (statuses, actions and events,
// levels, list kinds, governance, alarms, notifications); a name the catalogue lacks is
// shown as stored.
import { translate } from '../../i18n/index.js';

function label(l, prefix, value) {
  if (value === null || value === undefined || value === '') return translate(l, 'common.none');
  const key = `${prefix}.${value}`;
  const s = translate(l, key);
  return s === key ? String(value) : s;
}

export const statusLabel = (l, status) => label(l, 'cases.statuses', status);
// Actions and the events of the timeline share one list (submit, overdue and due_soon are
// events only).
export const actionLabel = (l, action) => label(l, 'cases.actions', action);
export const levelLabel = (l, level) => label(l, 'levels', level);
export const listKindLabel = (l, kind) => label(l, 'cases.listKinds', kind);
export const governanceLabel = (l, g) => label(l, 'cases.governance', g);
export const alarmLabel = (l, tone) => label(l, 'cases.alarms', tone);
export const noticeLabel = (l, kind) => label(l, 'cases.notices', kind);
export const channelLabel = (l, channel) => label(l, 'cases.channels', channel);
export const unitLabel = (l, unit) => label(l, 'cases.units', unit);
