// The console's pages over the regulators' operations: the provider
// register (listRegulatorProviders) and a provider's record
// (getProvider, setProviderCredit, listProviderCreditHistory), complaint oversight
// (listRegulatorComplaints, getComplaint, decideComplaint), the credit
// lists and the audit log (listOfficialActions), and exports
// (exportRegulatorIndicators, exportRegulatorProviders,
// exportRegulatorComplaints, exportRegulatorExpiries,
// exportRegulatorIndicatorTrend, exportRegionVisitReport,
// exportOfficialActions) as CSV or XLSX
// downloads. The expiry list is expiries.js.

import * as api from './api.js';
import { h, mount, select, table, num } from './dom.js';
import { t, lang, label, labelsOf, dateTime, number } from './i18n.js';

// regionPrefix turns a GB/T 2260 code into the prefix the filters take:
// a province (310000) covers "31", a city (310100) "3101".
export function regionPrefix(code) {
  if (/^\d{2}0000$/.test(code)) return code.slice(0, 2);
  if (/^\d{4}00$/.test(code)) return code.slice(0, 4);
  return code;
}

const regionPattern = /^[1-9][0-9]([0-9]{2}){0,2}$/;

// regionOf is the region a page shows: the one its address names, else
// the one chosen last on any page (the filter follows the official).
export function regionOf(ctx, params) {
  const r = params.region ?? ctx.region;
  if (!regionPattern.test(r || '')) return '';
  ctx.region = r;
  return r;
}

// regionField is the shared region filter: the caller's own regions to
// pick from, or a narrower code typed in (a district of their city).
export function regionField(ctx, params) {
  const own = (ctx.me?.regionCodes || []).map(regionPrefix);
  const input = h('input', { id: 'region', name: 'region', list: 'own-regions', value: regionOf(ctx, params), size: 10,
    placeholder: t('allRegions'), title: t('regionHint'), maxlength: 6 });
  const field = h('label', {}, t('region'), input,
    h('datalist', { id: 'own-regions' }, own.map((p) => h('option', { value: p }))));
  return {
    field,
    // read gives the region to ask for ('' for all), or null when what
    // was typed is not a region code.
    read() {
      const v = input.value.trim();
      if (v !== '' && !regionPattern.test(v)) {
        input.setCustomValidity(t('regionHint'));
        input.reportValidity();
        return null;
      }
      input.setCustomValidity('');
      ctx.region = v;
      return v;
    },
  };
}

const enumOptions = (kind) => [['', t('any')], ...Object.entries(labelsOf(kind))];
const badge = (cls, text) => h('span', { class: 'badge ' + cls }, text);

function lapsesSoon(validTo) {
  if (!validTo) return false;
  const days = (Date.parse(validTo + 'T23:59:59+08:00') - Date.now()) / 86400000;
  return days <= 30;
}

function licenceCell(p) {
  return (p.licences || []).map((l) => h('div', {},
    label('kind', l.kind), ' ', h('span', { class: 'muted' }, l.number || ''),
    l.validTo ? [' ', badge(lapsesSoon(l.validTo) ? 'lapsing' : '', t('validTo') + ' ' + l.validTo)] : null));
}

// pager fetches pages of a list operation into a table body, with a
// "load more" button while the API gives a next cursor.
async function pager(where, path, params, toRow, heads, attrs) {
  const tbl = table(attrs, heads, []);
  const body = tbl.querySelector('tbody');
  const more = h('button', { type: 'button', class: 'secondary more', id: 'load-more', hidden: true }, t('loadMore'));
  const status = h('div', { class: 'muted', role: 'status' });
  mount(where, tbl, status, more);
  let cursor = '';
  const load = async () => {
    more.disabled = true;
    const page = await api.get(path + api.query({ ...params, limit: 50, cursor }));
    for (const item of page.items) {
      body.append(table({}, [], [toRow(item)]).querySelector('tbody tr'));
    }
    cursor = page.nextCursor || '';
    more.hidden = !cursor;
    more.disabled = false;
    status.textContent = body.children.length ? '' : t('empty');
    tbl.dataset.count = String(body.children.length);
    tbl.dataset.loaded = 'true';
  };
  more.addEventListener('click', () => load().catch((e) => status.replaceChildren(String(e.message))));
  await load();
}

async function providers(content, ctx, where) {
  const p = where.params;
  const region = regionField(ctx, p);
  const kind = select({ id: 'kind' }, enumOptions('kind'), p.kind);
  const credit = select({ id: 'credit' }, enumOptions('credit'), p.credit);
  const status = select({ id: 'status' }, enumOptions('status'), p.status);
  const lapsing = h('input', { type: 'checkbox', id: 'lapsing', checked: p.lapsing === '1' });
  const rate = /^\d+(\.\d+)?$/.test(p.rate || '') ? p.rate : '';
  const rateInput = h('input', { type: 'number', id: 'complaint-rate', min: 0, max: 10000, step: 'any', value: rate, size: 5,
    placeholder: t('any'), title: t('complaintRateHint') });
  const list = h('div', { id: 'provider-list' }, t('loading'));
  const apply = (ev) => {
    ev.preventDefault();
    const r = region.read();
    if (r === null) return;
    if (!rateInput.reportValidity()) return;
    ctx.go('providers', { region: r, kind: kind.value, credit: credit.value, status: status.value, lapsing: lapsing.checked ? '1' : '',
      rate: rateInput.value });
  };
  const filters = { region: regionOf(ctx, p), kind: p.kind, credit: p.credit, status: p.status,
    licenceLapsesWithinDays: p.lapsing === '1' ? 30 : '', complaintRateAtLeast: rate };
  mount(content, h('h2', {}, t('navProviders')),
    h('form', { class: 'filters', onsubmit: apply }, region.field,
      h('label', {}, t('kind'), kind), h('label', {}, t('credit'), credit), h('label', {}, t('status'), status),
      h('label', {}, t('lapsingOnly'), lapsing), h('label', {}, t('complaintRateAtLeast'), rateInput),
      h('button', { type: 'submit', id: 'apply' }, t('apply')),
      exportButtons(ctx, 'export-providers', '/v1/regulator/providers/export', filters)),
    list);
  try {
    await pager(list, '/v1/regulator/providers', filters,
      (it) => [{ class: 'clickable', dataset: { id: it.id }, onclick: () => ctx.go('providers/' + encodeURIComponent(it.id)) },
        h('a', { href: '#/providers/' + encodeURIComponent(it.id) }, it.legalName),
        it.address?.regionCode || '',
        badge(it.status, label('status', it.status)),
        badge(it.credit, label('credit', it.credit)),
        num(it.ratingCount ? number(it.ratingAverage, 1) : '—'),
        num(number(it.complaintCount)),
        rate ? { td: { class: 'num', dataset: { rate: String(it.complaintRate?.perHundred ?? '') } },
          v: it.complaintRate ? `${number(it.complaintRate.perHundred, 1)} (${it.complaintRate.complaints}/${it.complaintRate.orders})` : '' } : null,
        licenceCell(it)].filter((c) => c !== null),
      [t('name'), t('regionCode'), t('status'), t('credit'), [t('rating'), 'num'], [t('complaints90'), 'num'],
        rate ? [t('complaintRate'), 'num'] : null, t('licences')].filter((c) => c !== null),
      { id: 'providers' });
  } catch (e) {
    ctx.fail(list, e);
  }
}

function creditForm(ctx, providerId, onDone) {
  const status = select({ id: 'credit-status' }, Object.entries(labelsOf('credit')), 'normal');
  const reason = h('textarea', { id: 'credit-reason', maxlength: 500 });
  const out = h('div', { role: 'status' });
  return h('form', { class: 'panel', id: 'credit-form', onsubmit: async (ev) => {
    ev.preventDefault();
    try {
      const body = { status: status.value };
      if (reason.value.trim()) body.reason = reason.value.trim();
      const p = await api.call('PUT', '/v1/providers/' + encodeURIComponent(providerId) + '/credit', body);
      mount(out, h('div', { class: 'notice ok', id: 'credit-saved' }, t('saved')));
      onDone(p);
    } catch (e) {
      ctx.fail(out, e);
    }
  } },
  h('h3', {}, t('setCredit')),
  h('div', { class: 'row' }, h('label', {}, t('credit'), status), h('label', { class: 'grow' }, t('reason'), reason)),
  h('div', { class: 'more' }, h('button', { type: 'submit', id: 'credit-save' }, t('save'))), out);
}

async function provider(content, ctx, where) {
  const p = await api.get('/v1/providers/' + encodeURIComponent(where.id));
  const fig = p.complaints;
  const a = p.address || {};
  const facts = h('dl', { class: 'facts' },
    h('dt', {}, t('status')), h('dd', {}, badge(p.status, label('status', p.status)), p.statusReason ? ' ' + p.statusReason : ''),
    h('dt', {}, t('credit')), h('dd', { id: 'provider-credit', dataset: { credit: p.credit } }, badge(p.credit, label('credit', p.credit))),
    p.creditReason ? [h('dt', {}, t('creditReason')), h('dd', {}, p.creditReason)] : null,
    p.creditSetAt ? [h('dt', {}, t('creditSetAt')), h('dd', {}, dateTime(p.creditSetAt))] : null,
    h('dt', {}, t('regionCode')), h('dd', {}, a.regionCode || ''),
    h('dt', {}, t('address')), h('dd', {}, [a.province, a.city, a.district, a.street].filter(Boolean).join(' ')),
    h('dt', {}, t('contactPhone')), h('dd', {}, p.contactPhone),
    h('dt', {}, t('rating')), h('dd', {}, p.ratingCount ? `${number(p.ratingAverage, 1)} (${p.ratingCount})` : '—'),
    h('dt', {}, t('licences')), h('dd', {}, licenceCell(p)));
  const figures = fig ? h('div', { class: 'panel' }, h('h3', {}, t('complaintFigures', { days: fig.windowDays })),
    h('div', { class: 'kpis' }, [['filed', fig.filed], ['answered', fig.answered], ['answeredInTime', fig.answeredInTime],
      ['escalated', fig.escalated], ['open', fig.open]].map(([k, v]) =>
      h('div', { class: 'kpi', dataset: { kpi: k } }, h('div', { class: 'label' }, t(k)), h('div', { class: 'value' }, number(v ?? 0)))))) : null;
  const history = h('div', { id: 'credit-history' }, t('loading'));
  mount(content,
    h('p', {}, h('a', { href: '#/providers' }, '← ' + t('back'))),
    h('h2', { id: 'provider-name' }, p.legalName),
    h('div', { class: 'panel' }, facts),
    figures,
    h('div', { class: 'panel' }, h('h3', {}, t('creditHistory')), history),
    creditForm(ctx, p.id, () => render(content, ctx, where)));
  // The credit file (listProviderCreditHistory): every change, newest
  // first, with its reason and the official who made it.
  await pager(history, '/v1/regulator/providers/' + encodeURIComponent(p.id) + '/credit-history', {},
    (c) => [{ dataset: { from: c.from || '', to: c.to } }, dateTime(c.at),
      [c.from ? badge(c.from, label('credit', c.from)) : t('creditUnknown'), ' → ', badge(c.to, label('credit', c.to))],
      c.reason || '', c.actorId || '',
      c.complaintId ? h('a', { href: '#/complaints/' + encodeURIComponent(c.complaintId) }, c.complaintId) : ''],
    [t('auditAt'), t('creditChange'), t('creditReason'), t('creditBy'), t('creditComplaint')], { id: 'credit-changes' })
    .catch((e) => ctx.fail(history, e));
}

// render re-draws a page after a change it made.
function render(content, ctx, where) {
  const page = where.name === 'provider' ? provider : complaint;
  return page(content, ctx, where).catch((e) => ctx.fail(content, e));
}

function overdue(c) {
  if (c.response) return c.response.late;
  return Date.parse(c.respondBy) < Date.now();
}

async function complaints(content, ctx, where) {
  const p = where.params;
  const region = regionField(ctx, p);
  const chosen = p.status ?? 'escalated';
  const status = select({ id: 'complaint-status' }, [['', t('any')], ...Object.entries(labelsOf('complaintStatus'))
    .filter(([v]) => v === 'escalated' || v === 'decided')], chosen);
  const list = h('div', { id: 'complaint-list' }, t('loading'));
  mount(content, h('h2', {}, t('navComplaints')),
    h('form', { class: 'filters', onsubmit: (ev) => {
      ev.preventDefault();
      const r = region.read();
      if (r === null) return;
      ctx.go('complaints', { region: r, status: status.value });
    } }, region.field, h('label', {}, t('status'), status), h('button', { type: 'submit', id: 'apply' }, t('apply'))),
    list);
  try {
    await pager(list, '/v1/regulator/complaints', { region: regionOf(ctx, p), status: chosen },
      (c) => [{ class: 'clickable', dataset: { id: c.id }, onclick: () => ctx.go('complaints/' + encodeURIComponent(c.id)) },
        dateTime(c.filedAt),
        h('a', { href: '#/providers/' + encodeURIComponent(c.providerId) }, c.providerName || c.providerId),
        c.regionCode || '',
        label('category', c.category),
        badge(c.status, label('complaintStatus', c.status)),
        c.escalation ? [label('escalatedBy', c.escalation.by), h('div', { class: 'muted' }, dateTime(c.escalation.at))] : '',
        overdue(c) ? badge('overdue', c.response ? t('lateAnswer') : t('overdue')) : dateTime(c.respondBy)],
      [t('filedAt'), t('provider'), t('regionCode'), t('category'), t('status'), t('escalation'), t('respondBy')],
      { id: 'complaints' });
  } catch (e) {
    ctx.fail(list, e);
  }
}

async function complaint(content, ctx, where) {
  const c = await api.get('/v1/complaints/' + encodeURIComponent(where.id));
  const facts = h('dl', { class: 'facts' },
    h('dt', {}, t('provider')), h('dd', {}, h('a', { href: '#/providers/' + encodeURIComponent(c.providerId) }, c.providerName || c.providerId)),
    h('dt', {}, t('category')), h('dd', {}, label('category', c.category)),
    h('dt', {}, t('status')), h('dd', { id: 'complaint-state', dataset: { status: c.status } }, badge(c.status, label('complaintStatus', c.status))),
    h('dt', {}, t('filedAt')), h('dd', {}, dateTime(c.filedAt)),
    h('dt', {}, t('respondBy')), h('dd', {}, dateTime(c.respondBy), overdue(c) ? [' ', badge('overdue', t('overdue'))] : null),
    h('dt', {}, t('complaintText')), h('dd', {}, c.text),
    h('dt', {}, t('providerResponse')), h('dd', {}, c.response ? [c.response.text, ' ', h('span', { class: 'muted' }, dateTime(c.response.at))] : t('noResponse')),
    c.escalation ? [h('dt', {}, t('escalation')), h('dd', {}, label('escalatedBy', c.escalation.by), ' ', c.escalation.reason || '', ' ', dateTime(c.escalation.at))] : null,
    c.decision ? [h('dt', {}, t('decision')), h('dd', {}, label('outcome', c.decision.outcome), '：', c.decision.text)] : null);
  let form = null;
  if (c.status === 'escalated') {
    const outcome = select({ id: 'outcome' }, Object.entries(labelsOf('outcome')), 'upheld');
    const text = h('textarea', { id: 'finding', maxlength: 2000, required: true });
    const credit = select({ id: 'decision-credit' }, [['', t('noCreditChange')], ...Object.entries(labelsOf('credit'))], '');
    const out = h('div', { role: 'status' });
    form = h('form', { class: 'panel', id: 'decide-form', onsubmit: async (ev) => {
      ev.preventDefault();
      const body = { outcome: outcome.value, text: text.value.trim() };
      if (credit.value) body.credit = { status: credit.value };
      try {
        await api.call('POST', '/v1/complaints/' + encodeURIComponent(c.id) + '/decision', body);
        await render(content, ctx, where);
      } catch (e) {
        ctx.fail(out, e);
      }
    } }, h('h3', {}, t('decision')),
    h('div', { class: 'row' }, h('label', {}, t('outcome'), outcome), h('label', {}, t('creditEffect'), credit)),
    h('label', { class: 'grow' }, t('findingText'), text),
    h('div', { class: 'more' }, h('button', { type: 'submit', id: 'decide' }, t('decide'))), out);
  }
  mount(content, h('p', {}, h('a', { href: '#/complaints' }, '← ' + t('back'))),
    h('h2', {}, t('navComplaints')), h('div', { class: 'panel' }, facts), form);
}

async function credit(content, ctx, where) {
  const region = regionOf(ctx, where.params);
  const red = h('div', { id: 'red-list' }, t('loading'));
  const black = h('div', { id: 'black-list' }, t('loading'));
  const audit = h('div', { id: 'audit-log' }, t('loading'));
  mount(content, h('h2', {}, t('navCredit')),
    h('div', { class: 'panel' }, h('h3', {}, t('redList')), red),
    h('div', { class: 'panel' }, h('h3', {}, t('blackList')), black),
    h('div', { class: 'panel' }, h('h3', {}, t('auditLog')), audit));
  const row = (it) => [{ class: 'clickable', dataset: { id: it.id }, onclick: () => ctx.go('providers/' + encodeURIComponent(it.id)) },
    h('a', { href: '#/providers/' + encodeURIComponent(it.id) }, it.legalName), it.address?.regionCode || '',
    it.creditReason || '', dateTime(it.creditSetAt)];
  const heads = [t('name'), t('regionCode'), t('creditReason'), t('creditSetAt')];
  await Promise.all([
    pager(red, '/v1/regulator/providers', { region, credit: 'red_listed' }, row, heads, { id: 'red' }).catch((e) => ctx.fail(red, e)),
    pager(black, '/v1/regulator/providers', { region, credit: 'black_listed' }, row, heads, { id: 'black' }).catch((e) => ctx.fail(black, e)),
    pager(audit, '/v1/regulator/audit-log', {}, (e) => [dateTime(e.at), e.actorId, label('action', e.action),
      `${e.subjectKind} ${e.subjectId}`, e.detail || ''],
    [t('auditAt'), t('auditActor'), t('auditAction'), t('auditSubject'), t('auditDetail')], { id: 'audit' }).catch((e) => ctx.fail(audit, e)),
  ]);
}

// exportButtons are a CSV and an XLSX download of one export operation
// with the given query; the file comes with the caller's token (a plain
// link cannot carry it) and is handed to the browser as a download.
export function exportButtons(ctx, id, path, params) {
  const out = h('span', { class: 'muted', role: 'status' });
  const button = (format) => h('button', { type: 'button', class: 'secondary', id: `${id}-${format}`, dataset: { format },
    onclick: async () => {
      out.textContent = t('loading');
      try {
        const got = await api.download(path + api.query({ ...params, format, lang: lang() === 'en' ? 'en' : '' }),
          `${id}.${format}`);
        out.textContent = t('downloaded', { name: got.name });
        out.dataset.downloaded = got.name;
      } catch (e) {
        ctx.fail(out, e);
      }
    } }, `${t('download')} ${format.toUpperCase()}`);
  return h('span', { class: 'row exports', id }, button('csv'), button('xlsx'), out);
}

async function exports(content, ctx, where) {
  const p = where.params;
  const region = regionField(ctx, p);
  const month = h('input', { type: 'month', id: 'month', value: p.month || currentMonth(), max: currentMonth(), required: true });
  const list = h('div', { id: 'export-list' });
  mount(content, h('h2', {}, t('navExports')), h('p', { class: 'muted' }, t('exportsIntro')),
    h('form', { class: 'filters', onsubmit: (ev) => {
      ev.preventDefault();
      const r = region.read();
      if (r === null || !month.value) return;
      ctx.go('exports', { region: r, month: month.value });
    } }, region.field, h('label', {}, t('month'), month), h('button', { type: 'submit', id: 'apply' }, t('apply'))),
    list);
  const r = regionOf(ctx, p);
  const m = month.value;
  // The indicator files name one region (six digits): the one chosen, or
  // the official's first; the others take a six-digit code or none.
  const code = (r || (ctx.me?.regionCodes || [])[0] || '').padEnd(6, '0');
  const optional = r ? r.padEnd(6, '0') : '';
  mount(list,
    h('div', { class: 'panel' }, h('h3', {}, t('exportIndicators')),
      exportButtons(ctx, 'export-indicators', '/v1/regulator/indicators/export', { region: code, month: m })),
    h('div', { class: 'panel' }, h('h3', {}, t('exportTrend')),
      exportButtons(ctx, 'export-trend', '/v1/regulator/indicators/trend/export', { region: code, month: m })),
    h('div', { class: 'panel' }, h('h3', {}, t('exportVisits')),
      exportButtons(ctx, 'export-visits', '/v1/regulator/visit-report/export', { region: optional, month: m })),
    h('div', { class: 'panel' }, h('h3', {}, t('exportAuditLog')),
      exportButtons(ctx, 'export-audit-log', '/v1/regulator/audit-log/export', { region: optional, month: m })),
    h('div', { class: 'panel' }, h('h3', {}, t('exportProviders')),
      exportButtons(ctx, 'export-providers', '/v1/regulator/providers/export', { region: r })),
    h('div', { class: 'panel' }, h('h3', {}, t('exportComplaints')),
      exportButtons(ctx, 'export-complaints', '/v1/regulator/complaints/export', { region: r, month: m })),
    h('div', { class: 'panel' }, h('h3', {}, t('exportExpiries')),
      exportButtons(ctx, 'export-expiries', '/v1/regulator/expiries/export', { region: r })));
}

// currentMonth is the month now in Beijing, YYYY-MM.
export function currentMonth() {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit' })
    .formatToParts(new Date());
  const get = (type) => parts.find((x) => x.type === type).value;
  return `${get('year')}-${get('month')}`;
}

export const pages = { providers, provider, complaints, complaint, credit, exports };
