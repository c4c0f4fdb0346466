// figuresChart.js - the figures of cases (三率: response, resolution, satisfaction; on time
// and rework) from GET /api/v1/metrics, /metrics/trend and /metrics/ranking, and the
// ECharts options of the monthly trend (lines) and the ranking of the children (bars).
// Plain functions of the API data and a locale, tested without a browser.
import { translate, formatShare, formatNumber } from '../../i18n/index.js';

// Each rate with the counts it is made of (numerator a of denominator b), as
// src/core/figures.c defines them.
export const RATES = [
  { key: 'response_rate', a: (f) => f.responded_on_time, b: (f) => f.accepted },
  { key: 'resolution_rate', a: (f) => f.rated_yes, b: (f) => f.rated },
  { key: 'satisfaction_rate', a: (f) => (f.rated_satisfied || 0) + (f.rated_basic || 0), b: (f) => f.rated },
  { key: 'on_time_rate', a: (f) => f.closed_on_time, b: (f) => (f.closed || 0) + (f.overdue_open || 0) },
  { key: 'rework_rate', a: (f) => f.reworked, b: (f) => f.resolved },
];

// The three rates first (三率), then on time and rework.
export const TREND_RATES = ['response_rate', 'resolution_rate', 'satisfaction_rate', 'on_time_rate'];
export const RANK_BY = ['satisfaction_rate', 'response_rate', 'resolution_rate', 'on_time_rate', 'total'];

export const RATE_COLOURS = {
  response_rate: '#1565c0',
  resolution_rate: '#2e7d32',
  satisfaction_rate: '#b71c1c',
  on_time_rate: '#ef6c00',
  rework_rate: '#6a1b9a',
  total: '#5c6bc0',
};

// A rework rate is good when low; the others when high.
export function rateTone(key, share) {
  if (share === null || share === undefined || !Number.isFinite(share)) return 'none';
  if (key === 'rework_rate') return share <= 0.05 ? 'good' : share <= 0.15 ? 'fair' : 'poor';
  return share >= 0.9 ? 'good' : share >= 0.75 ? 'fair' : 'poor';
}

const rateOf = (v) => (v === null || v === undefined || !Number.isFinite(Number(v)) ? null : Number(v));

// One card per rate: label, share (0..1 or null), counts and text ("92.0%（23 / 25）").
export function rateCards(fig, l) {
  const f = fig || {};
  return RATES.map((r) => {
    const share = rateOf(f[r.key]);
    const a = r.a(f) || 0;
    const b = r.b(f) || 0;
    return {
      key: r.key,
      label: translate(l, `cases.figures.rates.${r.key}`),
      share,
      a,
      b,
      text: formatShare(share, l),
      ratio: translate(l, 'cases.figures.ratio', { a, b }),
      tone: rateTone(r.key, share),
    };
  });
}

// The counts shown beside the rates.
export const COUNTS = ['total', 'accepted', 'open', 'overdue_open', 'closed', 'rated', 'escalations', 'reopens'];

export function countRows(fig, l) {
  const f = fig || {};
  return COUNTS.map((k) => ({ key: k, label: translate(l, `cases.figures.counts.${k}`), value: f[k] ?? 0 }));
}

const percent = (v) => (v === null || v === undefined || !Number.isFinite(Number(v)) ? null : Math.round(Number(v) * 1000) / 10);

// A line per rate over the months of the trend, in percent; a month without a
// denominator leaves a gap (null), not a zero.
export function trendOption(trend, l) {
  const items = (trend && trend.items) || [];
  const months = items.map((i) => i.period);
  return {
    animation: false,
    aria: { enabled: true, label: { description: translate(l, 'cases.figures.trendLabel') } },
    color: TREND_RATES.map((k) => RATE_COLOURS[k]),
    grid: { left: 8, right: 16, top: 40, bottom: 8, containLabel: true },
    legend: { top: 0, left: 0, itemWidth: 14, itemHeight: 8, textStyle: { fontSize: 12 } },
    tooltip: { trigger: 'axis', confine: true, valueFormatter: (v) => (v === null || v === undefined ? '—' : `${v}%`) },
    xAxis: { type: 'category', boundaryGap: false, data: months, axisLabel: { fontSize: 11 } },
    yAxis: {
      type: 'value', min: 0, max: 100, interval: 25,
      axisLabel: { formatter: '{value}%' },
      splitLine: { lineStyle: { color: '#e0e0e0' } },
    },
    series: TREND_RATES.map((k) => ({
      name: translate(l, `cases.figures.rates.${k}`),
      type: 'line',
      connectNulls: false,
      showSymbol: true,
      symbolSize: 6,
      data: items.map((i) => percent(i[k])),
    })),
  };
}

const isRate = (by) => by !== 'total';

// The children of the ranking as rows: rank, node, name, the value ranked by, its text.
export function rankingRows(ranking, by, l) {
  return ((ranking && ranking.items) || []).map((r) => {
    const value = isRate(by) ? rateOf(r[by]) : r.total ?? 0;
    return {
      rank: r.rank,
      node_id: r.node_id,
      name: r.name,
      value,
      text: isRate(by) ? formatShare(value, l) : formatNumber(value, l),
      total: r.total ?? 0,
      rated: r.rated ?? 0,
      rates: Object.fromEntries(TREND_RATES.map((k) => [k, formatShare(rateOf(r[k]), l)])),
    };
  });
}

// A horizontal bar per child, best first, by the chosen figure (percent for a rate).
export function rankingOption(ranking, by, l) {
  const rows = rankingRows(ranking, by, l);
  const rate = isRate(by);
  return {
    animation: false,
    aria: {
      enabled: true,
      label: { description: translate(l, 'cases.figures.rankingLabel', { by: translate(l, `cases.figures.by.${by}`) }) },
    },
    grid: { left: 8, right: 56, top: 8, bottom: 8, containLabel: true },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, confine: true },
    xAxis: rate
      ? { type: 'value', min: 0, max: 100, interval: 25, axisLabel: { formatter: '{value}%' }, splitLine: { lineStyle: { color: '#e0e0e0' } } }
      : { type: 'value', minInterval: 1, splitLine: { lineStyle: { color: '#e0e0e0' } } },
    yAxis: {
      type: 'category',
      inverse: true,
      data: rows.map((r) => r.name),
      axisTick: { show: false },
      axisLabel: { width: 96, overflow: 'truncate', fontSize: 12 },
    },
    series: [
      {
        type: 'bar',
        barMaxWidth: 20,
        data: rows.map((r) => ({
          value: rate ? percent(r.value) : r.value,
          itemStyle: { color: RATE_COLOURS[by] || RATE_COLOURS.total },
          label: { formatter: r.text },
        })),
        label: { show: true, position: 'right', fontSize: 12 },
        showBackground: true,
        backgroundStyle: { color: '#f5f5f5' },
      },
    ],
  };
}

// The ranking chart's height for n children.
export const rankingHeight = (n) => Math.max(120, 24 + 30 * n);
