// resultsChart.js - the ECharts option of a vote's results, built from GET
// /api/v1/topics/{id}/results and the topic's vote rule. Plain functions of the API data
// and a locale, tested without a browser.
import { translate, formatNumber } from '../../i18n/index.js';
import { YES_NO, optionLabel } from './consult.js';

export const RESULT_COLOURS = {
  yes: '#2e7d32', no: '#c62828', abstain: '#9e9e9e', winner: '#b71c1c', other: '#5c6bc0',
};

// One row per option: label, count, floor area (owners only, else null), share of the
// ballots (or of the area) and its colour.
export function resultRows(results, rule, l) {
  const tally = (results && results.tally) || [];
  const decided = (results && (results.outcome || results.provisional)) || null;
  const winners = new Set((decided && decided.winners) || []);
  const total = tally.reduce((s, r) => s + (r.count || 0), 0);
  const totalArea = tally.reduce((s, r) => s + (r.area_m2 || 0), 0);
  return tally.map((r) => {
    // Yes/no options are yes, no, abstain in this order, whatever they are called.
    let colour = RESULT_COLOURS.other;
    if (rule && rule.kind === 'yes_no' && YES_NO[r.option]) colour = RESULT_COLOURS[YES_NO[r.option]];
    else if (winners.has(r.option)) colour = RESULT_COLOURS.winner;
    return {
      option: r.option,
      label: rule ? optionLabel(rule, r.option, l) : String(r.label),
      count: r.count || 0,
      area: r.area_m2 === undefined || r.area_m2 === null ? null : Number(r.area_m2),
      share: total > 0 ? (r.count || 0) / total : null,
      areaShare: totalArea > 0 && r.area_m2 !== undefined ? Number(r.area_m2) / totalArea : null,
      colour,
      winner: winners.has(r.option),
    };
  });
}

// A horizontal bar chart of the ballots per option (measure 'count') or of their floor
// area in m² (measure 'area', for owners' votes).
export function resultsOption(results, rule, l, measure = 'count') {
  const rows = resultRows(results, rule, l);
  const byArea = measure === 'area';
  const unit = byArea ? translate(l, 'consult.results.m2') : '';
  return {
    animation: false,
    aria: {
      enabled: true,
      label: { description: translate(l, byArea ? 'consult.results.chartArea' : 'consult.results.chartCount') },
    },
    grid: { left: 8, right: 64, top: 8, bottom: 8, containLabel: true },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, confine: true },
    xAxis: {
      type: 'value',
      minInterval: byArea ? 0 : 1,
      splitLine: { lineStyle: { color: '#e0e0e0' } },
    },
    yAxis: {
      type: 'category',
      inverse: true,
      data: rows.map((r) => r.label),
      axisTick: { show: false },
      axisLabel: { width: 96, overflow: 'break', fontSize: 13 },
    },
    series: [
      {
        type: 'bar',
        barMaxWidth: 26,
        data: rows.map((r) => {
          const v = byArea ? r.area ?? 0 : r.count;
          return {
            value: v,
            itemStyle: { color: r.colour },
            label: { formatter: formatNumber(v, l) + unit },
          };
        }),
        label: { show: true, position: 'right', fontSize: 12 },
        showBackground: true,
        backgroundStyle: { color: '#f5f5f5' },
      },
    ],
  };
}

// The chart's height for n options: enough room for each bar and its label.
export const chartHeight = (n) => Math.max(120, 24 + 44 * n);
