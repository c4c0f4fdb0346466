// fields.js - plain functions over the field descriptors of GET /api/v1/meta: labels,
// display values, the light client-side check of a form input, and the text of errors.
// No Vue here, so they are tested without a browser (web/test/).
import { translate } from '../i18n/index.js';

// The server names field types as JSON does ("string", "integer", "number", "boolean",
// "enum", "date", "ref"); the C names ("text", "int", "real", "bool") are accepted too.
const TYPES = {
  string: 'text', text: 'text', integer: 'int', int: 'int', number: 'real', real: 'real',
  boolean: 'bool', bool: 'bool', enum: 'enum', date: 'date', ref: 'ref',
};

// One of text, int, real, bool, enum, date, ref (text for anything unknown).
export function ftype(field) {
  return TYPES[field && field.type] || 'text';
}

// The label of a field: a kind-specific one if the catalogue has it, else the common one.
export function fieldLabel(l, kind, name) {
  const specific = translate(l, `kindFields.${kind}.${name}`);
  if (specific !== `kindFields.${kind}.${name}`) return specific;
  const common = translate(l, `fields.${name}`);
  return common === `fields.${name}` ? name : common;
}

// The catalogue key of an enum value: a field called "kind" is labelled per record kind.
function enumKey(kind, field, value) {
  return field.name === 'kind' ? `enums.${kind}.${value}` : `enums.${field.name}.${value}`;
}

export function enumLabel(l, kind, field, value) {
  const key = enumKey(kind, field, value);
  const s = translate(l, key);
  return s === key ? String(value) : s;
}

// A record's value for display. Masked values are shown exactly as the server gave them.
export function formatValue(l, kind, field, value) {
  if (value === null || value === undefined || value === '') return translate(l, 'common.none');
  switch (ftype(field)) {
    case 'bool':
      return translate(l, value ? 'common.yes' : 'common.no');
    case 'enum':
      return enumLabel(l, kind, field, value);
    case 'real':
      return typeof value === 'number' ? String(Math.round(value * 100) / 100) : String(value);
    default:
      return String(value);
  }
}

// Fields a form may change: not derived by the store, not fixed at creation.
export function editableFields(fields) {
  return fields.filter((f) => !f.derived && !f.immutable);
}

// The text an input shows for a record's value.
export function toInput(field, value) {
  if (value === null || value === undefined) return '';
  if (ftype(field) === 'bool') return value ? 'true' : 'false';
  return String(value);
}

// Parse one input into a JSON value. The check is deliberately light (can the value be
// sent at all?): ranges, lengths and enum membership are the server's answer, which is
// authoritative and shown next to the field. Returns {value} or {error: catalogue key}.
export function parseInput(field, raw) {
  const s = typeof raw === 'string' ? raw.trim() : raw;
  if (s === '' || s === null || s === undefined) {
    return field.required ? { error: 'form.required' } : { value: null };
  }
  switch (ftype(field)) {
    case 'int':
    case 'ref':
      if (!/^-?\d+$/.test(s)) return { error: 'form.notInteger' };
      return { value: Number(s) };
    case 'real': {
      const n = Number(s.replace(',', '.'));
      if (!/^-?(\d+([.,]\d*)?|[.,]\d+)([eE][-+]?\d+)?$/.test(s) || !Number.isFinite(n)) {
        return { error: 'form.notNumber' };
      }
      return { value: n };
    }
    case 'bool':
      return { value: s === 'true' };
    default:
      return { value: s };
  }
}

// Compare a draft ({name: input text}) with the record: the changed values to PATCH and
// the client-side errors ({name: catalogue key}).
export function collectChanges(fields, record, draft) {
  const changes = {};
  const errors = {};
  for (const f of fields) {
    if (!(f.name in draft)) continue;
    const r = parseInput(f, draft[f.name]);
    if (r.error) {
      errors[f.name] = r.error;
      continue;
    }
    const before = record[f.name] === undefined ? null : record[f.name];
    if (r.value !== before) changes[f.name] = r.value;
  }
  return { changes, errors };
}

// The allowed range of a numeric field, or null.
export function rangeOf(field) {
  const type = ftype(field);
  if ((type === 'int' || type === 'real') && Number.isFinite(field.min) &&
      Number.isFinite(field.max)) {
    return { min: field.min, max: field.max };
  }
  return null;
}

// The allowed range of a numeric field as "（0 – 10000）", or ''.
export function rangeHint(l, field) {
  const r = rangeOf(field);
  return r ? translate(l, 'form.range', r) : '';
}

// The server's validation messages (src/core/schema.c, src/api/records.c) as patterns:
// each maps to a catalogue entry with the values it names. A message that matches none is
// shown exactly as the server wrote it.
const NUM = '(-?\\d+(?:\\.\\d+)?(?:e[-+]?\\d+)?)';
const SERVER_MESSAGES = [
  [new RegExp(`^must be from ${NUM} to ${NUM}$`), 'serverMessages.range', ['min', 'max']],
  [new RegExp(`^must be an integer from ${NUM} to ${NUM}$`), 'serverMessages.intRange', ['min', 'max']],
  [/^must be at most (\d+) characters$/, 'serverMessages.maxLen', ['n']],
  [/^must be 1 to (\d+) characters$/, 'serverMessages.lenRange', ['n']],
  [/^must be one of (.+)$/, 'serverMessages.oneOf', ['values']],
  [/^must be an integer$/, 'form.notInteger', []],
  [/^must be a number$/, 'form.notNumber', []],
  [/^must be a string$/, 'serverMessages.text', []],
  [/^is required\b/, 'serverMessages.required', []],
  [/^must not be empty$/, 'serverMessages.empty', []],
  [/^must be a date\b/, 'serverMessages.date', []],
  [/^must be true or false$/, 'serverMessages.bool', []],
  [/^must be (a positive id|an id)$/, 'serverMessages.id', []],
  [/^is not valid UTF-8$/, 'serverMessages.utf8', []],
  [/^cannot be changed after creation$/, 'serverMessages.immutable', []],
  [/^is maintained by the system\b/, 'serverMessages.derived', []],
  [/^is already taken$/, 'serverMessages.taken', []],
  [/^out of range$/, 'serverMessages.outOfRange', []],
  [/^is too long$/, 'serverMessages.tooLong', []],
  [/^is not one of the allowed values$/, 'serverMessages.notAllowed', []],
];

// The text shown next to a field for the server's 400 about it.
export function serverFieldText(l, field, message) {
  const m = String(message || '');
  for (const [re, key, names] of SERVER_MESSAGES) {
    const hit = m.match(re);
    if (!hit) continue;
    const params = {};
    names.forEach((n, i) => {
      params[n] = hit[i + 1];
    });
    let s = translate(l, key, params);
    // The older wordings do not name the limits: take them from the meta descriptor.
    if (key === 'serverMessages.outOfRange' && field) s += rangeHint(l, field);
    if (key === 'serverMessages.tooLong' && field && field.max_len) {
      s += ' · ' + translate(l, 'form.maxLen', { n: field.max_len });
    }
    return s;
  }
  return m || translate(l, 'errors.invalid');
}

// The headline for an ApiError (or anything thrown) in the user's language.
export function errorText(l, err) {
  const code = err && err.code ? err.code : 'unknown';
  const key = `errors.${code}`;
  const s = translate(l, key);
  return s === key ? translate(l, 'errors.unknown') : s;
}

// The server's own message, when it says more than the headline.
export function errorDetail(l, err) {
  // Only what the server said: a failure inside the app is not shown as its words.
  if (!err || !(err.status > 0) || !err.message || err.message === err.code) return '';
  return translate(l, 'errors.detail', { message: err.message });
}
