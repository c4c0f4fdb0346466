// placeLabels.js - titles of buildings, units and rooms (the network's pages, the place
// picker of a report). The data often names them in full ("11栋", "3单元"); a bare number
// ("11", "3") gets the catalogue's wording ("11 号楼").
import { translate } from '../i18n/index.js';

const BARE = /^[0-9A-Za-z-]+$/;

function label(l, key, param, value) {
  if (value === null || value === undefined || value === '') return translate(l, 'common.none');
  return BARE.test(String(value)) ? translate(l, key, { [param]: value }) : String(value);
}

export const buildingLabel = (l, number) => label(l, 'building.title', 'number', number);
export const unitLabel = (l, number) => label(l, 'unit.title', 'number', number);
export const roomLabel = (l, room) => label(l, 'household.title', 'room', room);
