// The indicators dashboard: one region and month of
// getRegulatorIndicators as figures, its breakdowns as bar charts, and
// getRegulatorIndicatorTrend as 12-month lines. The rows, their labels
// and their order are the API's: a new indicator shows up without a
// change here, and one the API leaves out (no data kept yet, or nothing
// to compute it from) is absent, not drawn as 0. Every figure a chart
// draws is also in the DOM (data-series, the chart's aria-label), so a
// screen reader, and the browser test, read the numbers rather than
// pixels.

import * as api from './api.js';
import { h, mount } from './dom.js';
import { t, lang, number } from './i18n.js';
import { regionOf, regionField, currentMonth, exportButtons } from './pages.js';

// sixDigits is the region code the indicators take: a filter prefix
// ("3101") is its city's code (310100); none is the official's first region.
function sixDigits(ctx, prefix) {
  if (prefix) return prefix.padEnd(6, '0');
  return (ctx.me?.regionCodes || [])[0] || '';
}

// format shows a value in its unit.
export function format(unit, v) {
  switch (unit) {
    case 'ratio': return number(v * 100, 1) + '%';
    case 'seconds':
      if (v < 120) return number(v, 0) + (lang() === 'en' ? ' s' : ' 秒');
      if (v < 7200) return number(v / 60, 1) + (lang() === 'en' ? ' min' : ' 分钟');
      return number(v / 3600, 1) + (lang() === 'en' ? ' h' : ' 小时');
    case 'fen': return '¥' + number(v / 100, 2);
    case 'per_10000': return number(v, 1);
    default: return number(v, 0);
  }
}

const groupWords = {
  'zh-CN': { orders: '居家服务订单', complaints: '投诉处理', alarms: '紧急呼叫与告警', incidents: '紧急呼叫与告警', providers: '服务机构',
    childcare: '托育服务', meals: '助餐服务', visits: '探访关爱', caregivers: '护理员' },
  en: { orders: 'Home-care orders', complaints: 'Complaints', alarms: 'Alarms', incidents: 'Alarms', providers: 'Providers',
    childcare: 'Childcare', meals: 'Meal aid', visits: 'Visits', caregivers: 'Caregivers' },
};
const groupLabel = (g) => groupWords[lang()][g] || g;

// Charts drawn by the last render, disposed before the next one draws.
let charts = [];
let onResize = null;

function chart(el, option) {
  const lib = window.echarts;
  if (!lib) return; // figures still show; charts need the vendored file
  const c = lib.init(el, null, { renderer: 'canvas' });
  // richText tooltips are drawn on the canvas: no HTML with inline
  // styles, which the console's Content-Security-Policy refuses.
  c.setOption({
    aria: { enabled: true }, animation: false,
    tooltip: { trigger: 'axis', renderMode: 'richText' },
    grid: { left: 48, right: 16, top: 36, bottom: 28 },
    ...option,
  });
  charts.push(c);
}

// describe is what a chart shows, as text: "label: value; …".
const describe = (pairs) => pairs.map(([k, v]) => `${k}: ${v}`).join('; ');

export async function dashboard(content, ctx, where) {
  for (const c of charts) c.dispose();
  charts = [];
  const p = where.params;
  const region = regionField(ctx, p);
  const month = h('input', { type: 'month', id: 'month', value: p.month || currentMonth(), max: currentMonth(), required: true });
  const body = h('div', { id: 'indicators' }, t('loading'));
  mount(content, h('h2', {}, t('navDashboard')),
    h('form', { class: 'filters', onsubmit: (ev) => {
      ev.preventDefault();
      const r = region.read();
      if (r === null || !month.value) return;
      ctx.go('dashboard', { region: r, month: month.value });
    } }, region.field, h('label', {}, t('month'), month), h('button', { type: 'submit', id: 'apply' }, t('apply')),
    exportButtons(ctx, 'export-indicators', '/v1/regulator/indicators/export',
      { region: sixDigits(ctx, regionOf(ctx, p)), month: month.value })),
    body, h('div', { id: 'residents' }));
  const code = sixDigits(ctx, regionOf(ctx, p));
  const q = api.query({ region: code, month: month.value });
  let table, trend;
  try {
    [table, trend] = await Promise.all([
      api.get('/v1/regulator/indicators' + q),
      api.get('/v1/regulator/indicators/trend' + q),
    ]);
  } catch (e) {
    return ctx.fail(body, e);
  }
  render(body, table, trend);
  await residents(content.querySelector('#residents'), ctx, table.region,
    () => ctx.go('dashboard', { region: regionOf(ctx, p), month: month.value }));
}

// residents shows the region's residents aged 60+ the officials entered
// (getRegionResidents), the basis of certified caregivers per 10,000,
// and the form to enter a year's figure (putRegionResidents); saved, the
// dashboard is drawn again with it.
async function residents(where, ctx, code, redraw) {
  const path = '/v1/regulator/regions/' + encodeURIComponent(code) + '/residents';
  let figures;
  try {
    figures = (await api.get(path)).figures || [];
  } catch (e) {
    return ctx.fail(where, e);
  }
  const thisYear = Number(currentMonth().slice(0, 4));
  const year = h('input', { type: 'number', id: 'residents-year', min: 2000, max: thisYear, step: 1, value: thisYear - 1, required: true });
  const count = h('input', { type: 'number', id: 'residents-count', min: 1, max: 100000000, step: 1, required: true, size: 10 });
  const out = h('div', { role: 'status' });
  const list = figures.length
    ? h('ul', { id: 'residents-figures' }, figures.map((f) => h('li', { dataset: { year: String(f.year), aged60Plus: String(f.aged60Plus) } },
      t('residentsFigure', { year: f.year, count: number(f.aged60Plus) }))))
    : h('p', { class: 'muted', id: 'residents-none' }, t('residentsNone'));
  mount(where, h('form', { class: 'panel', id: 'residents-form', onsubmit: async (ev) => {
    ev.preventDefault();
    if (!year.reportValidity() || !count.reportValidity()) return;
    try {
      await api.call('PUT', path + '/' + encodeURIComponent(year.value), { aged60Plus: Number(count.value) });
      redraw();
    } catch (e) {
      ctx.fail(out, e);
    }
  } },
  h('h3', {}, t('residentsTitle', { region: code })),
  h('p', { class: 'muted' }, t('residentsIntro')), list,
  h('div', { class: 'row' }, h('label', {}, t('year'), year), h('label', {}, t('aged60Plus'), count),
    h('button', { type: 'submit', id: 'residents-save' }, t('save'))), out));
}

function render(body, table, trend) {
  const rows = table.indicators || [];
  const head = h('p', { class: 'muted', id: 'indicator-scope', dataset: { region: table.region, month: table.month } },
    `${t('regionCode')} ${table.region} · ${table.month}`);
  if (!rows.length) {
    mount(body, head, h('div', { class: 'notice', id: 'no-indicators' }, t('noData')));
    body.dataset.rendered = '0';
    return;
  }
  const groups = [...new Set(rows.map((r) => r.group))];
  const panels = groups.map((g) => h('section', { class: 'panel', dataset: { group: g } },
    h('h3', {}, groupLabel(g)),
    h('div', { class: 'kpis' }, rows.filter((r) => r.group === g).map((r) =>
      h('div', { class: 'kpi', dataset: { kpi: r.key, value: String(r.value), unit: r.unit }, title: r.basis ? `n = ${r.basis}` : null },
        h('div', { class: 'label' }, r.label), h('div', { class: 'value' }, format(r.unit, r.value)))))));
  const breakdowns = rows.filter((r) => (r.breakdown || []).length);
  const countSeries = (trend.series || []).filter((s) => s.unit === 'count');
  const ratioSeries = (trend.series || []).filter((s) => s.unit === 'ratio');
  const boxes = [];
  const box = (id, title, pairs) => {
    const el = h('div', { class: 'chart', id, role: 'img', dataset: { series: describe(pairs) } });
    boxes.push(el);
    return h('div', { class: 'panel' }, h('h3', {}, title), el);
  };
  const breakdownBoxes = breakdowns.map((r) => box('chart-' + r.key.replace(/\W/g, '-'), r.label,
    r.breakdown.map((b) => [b.label, b.value])));
  const trendPairs = (list) => list.map((s) => [s.label, s.points.map((pt) => `${pt.month}=${pt.value}`).join(',')]);
  const countBox = countSeries.length ? box('chart-trend-counts', t('trendCounts'), trendPairs(countSeries)) : null;
  const ratioBox = ratioSeries.length ? box('chart-trend-ratios', t('trendRatios'), trendPairs(ratioSeries)) : null;
  mount(body, head, panels, h('div', { class: 'charts' }, breakdownBoxes, countBox, ratioBox));

  // Draw once the boxes are laid out (ECharts reads their size).
  let i = 0;
  for (const r of breakdowns) {
    chart(boxes[i++], {
      xAxis: { type: 'category', data: r.breakdown.map((b) => b.label) },
      yAxis: { type: 'value', minInterval: 1 },
      series: [{ type: 'bar', name: r.label, data: r.breakdown.map((b) => b.value), label: { show: true, position: 'top' } }],
    });
  }
  // A month without a point is a gap (null), never 0.
  const line = (list, scale) => ({
    legend: { top: 0, type: 'scroll' },
    grid: { left: 48, right: 16, top: 40, bottom: 28 },
    xAxis: { type: 'category', data: trend.months },
    yAxis: { type: 'value', minInterval: scale === 1 ? 1 : 0, axisLabel: scale === 100 ? { formatter: '{value}%' } : {} },
    series: list.map((s) => {
      const at = new Map(s.points.map((pt) => [pt.month, pt.value * scale]));
      return { type: 'line', name: s.label, connectNulls: false, data: trend.months.map((m) => (at.has(m) ? at.get(m) : null)) };
    }),
  });
  if (countBox) chart(boxes[i++], line(countSeries, 1));
  if (ratioBox) chart(boxes[i++], line(ratioSeries, 100));
  body.dataset.rendered = String(charts.length);
  if (onResize) window.removeEventListener('resize', onResize);
  onResize = () => charts.forEach((c) => c.resize());
  window.addEventListener('resize', onResize);
}
