// coverageChart.js - ECharts options built from GET /api/v1/nodes/{id}/coverage.
// Plain functions of the API data and a locale, tested without a browser.
import { translate, formatShare } from '../../i18n/index.js';

// The four shares, each with the counts it is made of (numerator a of denominator b).
export const SHARES = [
  { key: 'grid_branch_share', a: 'grids_with_branch', b: 'grids' },
  { key: 'building_leader_share', a: 'buildings_with_leader', b: 'buildings' },
  { key: 'unit_leader_share', a: 'units_with_leader', b: 'units' },
  { key: 'household_link_share', a: 'households_linked', b: 'households' },
];

// Colours by how complete the coverage is: a gap shows red, near-complete amber.
export const SHARE_COLOURS = { full: '#2e7d32', high: '#f9a825', low: '#c62828', none: '#9e9e9e' };

export function shareColour(share) {
  if (share === null || share === undefined || !Number.isFinite(share)) return SHARE_COLOURS.none;
  if (share >= 0.999) return SHARE_COLOURS.full;
  if (share >= 0.8) return SHARE_COLOURS.high;
  return SHARE_COLOURS.low;
}

// One row per share: label, share (0..1 or null), the counts, its text.
export function coverageRows(coverage, locale) {
  return SHARES.map((s) => {
    const share = coverage ? coverage[s.key] : null;
    const a = coverage ? coverage[s.a] ?? 0 : 0;
    const b = coverage ? coverage[s.b] ?? 0 : 0;
    const v = share === null || share === undefined ? null : Number(share);
    return {
      key: s.key,
      label: translate(locale, `coverage.shares.${s.key}`),
      share: v,
      a,
      b,
      text: translate(locale, 'coverage.shareOf', { share: formatShare(v, locale), a, b }),
    };
  });
}

// A horizontal bar chart of the four shares in percent; a null share draws no bar and
// is labelled with a dash.
export function coverageOption(coverage, locale) {
  const rows = coverageRows(coverage, locale);
  return {
    animation: false,
    aria: { enabled: true, label: { description: translate(locale, 'coverage.chartLabel') } },
    grid: { left: 8, right: 56, top: 8, bottom: 8, containLabel: true },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, confine: true },
    xAxis: {
      type: 'value',
      min: 0,
      max: 100,
      interval: 25,
      axisLabel: { formatter: '{value}%' },
      splitLine: { lineStyle: { color: '#e0e0e0' } },
    },
    yAxis: {
      type: 'category',
      inverse: true,
      data: rows.map((r) => r.label),
      axisTick: { show: false },
      axisLabel: { width: 110, overflow: 'break', fontSize: 12 },
    },
    series: [
      {
        type: 'bar',
        barMaxWidth: 22,
        data: rows.map((r) => ({
          value: r.share === null ? null : Math.round(r.share * 1000) / 10,
          itemStyle: { color: shareColour(r.share) },
          label: { formatter: formatShare(r.share, locale) },
        })),
        label: { show: true, position: 'right', fontSize: 12 },
        showBackground: true,
        backgroundStyle: { color: '#f5f5f5' },
      },
    ],
  };
}

// The count figures shown in text under the chart, in order.
export const FIGURES = [
  'grids', 'grids_with_branch', 'grids_with_worker', 'buildings', 'buildings_with_leader',
  'units', 'units_with_leader', 'households', 'households_linked', 'party_members',
  'members_linking', 'links', 'households_per_linking_member',
];

export const GAP_KINDS = ['grid_no_branch', 'grid_no_worker', 'building_no_leader', 'unit_no_leader'];
