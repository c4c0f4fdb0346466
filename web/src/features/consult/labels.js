// labels.js - catalogue labels for the consultation's stored names (stages, actions,
// categories, proposer kinds, stances); a name the catalogue lacks is shown as stored.
import { translate } from '../../i18n/index.js';

function label(l, prefix, value) {
  if (value === null || value === undefined || value === '') return translate(l, 'common.none');
  const key = `${prefix}.${value}`;
  const s = translate(l, key);
  return s === key ? String(value) : s;
}

export const stageLabel = (l, stage) => label(l, 'consult.stages', stage);
export const actionLabel = (l, action) => label(l, 'consult.actions', action);
export const categoryLabel = (l, category) => label(l, 'consult.categories', category);
export const proposerKindLabel = (l, kind) => label(l, 'consult.proposerKinds', kind);
export const stanceLabel = (l, stance) => label(l, 'consult.opinions.stances', stance);
