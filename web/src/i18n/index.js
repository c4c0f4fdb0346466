// i18n/index.js - a small message catalogue: zh-CN first, English second.
//
// t('a.b', {n: 3}) looks the dotted key up in the current locale, then in zh-CN, and
// replaces {n}. Every text a user sees goes through here. The locale is kept in
// localStorage and mirrored on <html lang>.
import { ref } from 'vue';
import zhCN from './zh-CN.js';
import en from './en.js';

export const catalogues = { 'zh-CN': zhCN, en };
export const locales = ['zh-CN', 'en'];

const STORAGE_KEY = 'gr.locale';

function initialLocale() {
  try {
    const saved = globalThis.localStorage && localStorage.getItem(STORAGE_KEY);
    if (saved && catalogues[saved]) return saved;
  } catch {
    /* storage may be disabled */
  }
  return 'zh-CN';
}

export const locale = ref(initialLocale());

export function setLocale(l) {
  if (!catalogues[l]) return;
  locale.value = l;
  try {
    localStorage.setItem(STORAGE_KEY, l);
  } catch {
    /* storage may be disabled */
  }
  if (globalThis.document) document.documentElement.lang = l;
}

function lookup(cat, key) {
  let v = cat;
  for (const part of key.split('.')) {
    if (v === null || typeof v !== 'object' || !(part in v)) return undefined;
    v = v[part];
  }
  return typeof v === 'string' ? v : undefined;
}

// Pure translation against an explicit locale (used by chart builders and tests).
export function translate(l, key, params) {
  let s = lookup(catalogues[l] || zhCN, key);
  if (s === undefined) s = lookup(zhCN, key);
  if (s === undefined) return key;
  if (params) s = s.replace(/\{(\w+)\}/g, (m, k) => (k in params ? String(params[k]) : m));
  return s;
}

// Is there a catalogue entry for key (in the current locale or zh-CN)?
export function has(key) {
  return lookup(catalogues[locale.value], key) !== undefined || lookup(zhCN, key) !== undefined;
}

export function t(key, params) {
  return translate(locale.value, key, params);
}

// t() with a fallback for open-ended keys such as enum values the catalogue lacks.
export function tOr(key, fallback, params) {
  return has(key) ? t(key, params) : fallback;
}

// A share 0..1 as "62.5%"; null (no denominator) as the catalogue's dash.
export function formatShare(share, l = locale.value) {
  if (share === null || share === undefined || !Number.isFinite(share)) {
    return translate(l, 'common.none');
  }
  return (Math.round(share * 1000) / 10).toFixed(1) + '%';
}

export function formatNumber(n, l = locale.value) {
  if (n === null || n === undefined || !Number.isFinite(Number(n))) return translate(l, 'common.none');
  return Number(n).toLocaleString(l === 'en' ? 'en-US' : 'zh-CN', { maximumFractionDigits: 2 });
}

if (globalThis.document) document.documentElement.lang = locale.value;
