// The licence and certificate expiry list (证照到期清单) over
// listRegulatorExpiries, with its filters — region, how many days ahead,
// lapsed or not — and its export (exportRegulatorExpiries). Which
// providers an official sees, and what "today" is, are the API's.

import * as api from './api.js';
import { h, mount, select, table } from './dom.js';
import { t, label } from './i18n.js';
import { regionField, regionOf, exportButtons } from './pages.js';

const badge = (cls, text) => h('span', { class: 'badge ' + cls }, text);

// kindOf is a licence's kind of business or a certificate's kind.
function kindOf(e) {
  return e.what === 'certificate' ? label('certificate', e.type) : label('kind', e.type);
}

export async function expiries(content, ctx, where) {
  const p = where.params;
  const region = regionField(ctx, p);
  const days = /^\d{1,3}$/.test(p.withinDays || '') && Number(p.withinDays) <= 366 ? p.withinDays : '30';
  const within = h('input', { type: 'number', id: 'within-days', min: 0, max: 366, step: 1, value: days, required: true, size: 4 });
  const lapsed = select({ id: 'lapsed' }, [['', t('any')], ['true', t('lapsedOnly')], ['false', t('notLapsedOnly')]], p.lapsed);
  const list = h('div', { id: 'expiry-list' }, t('loading'));
  const filters = { region: regionOf(ctx, p), withinDays: days, lapsed: p.lapsed || '' };
  const summary = h('p', { class: 'muted', id: 'expiry-until' });
  mount(content, h('h2', {}, t('navExpiries')),
    h('form', { class: 'filters', onsubmit: (ev) => {
      ev.preventDefault();
      const r = region.read();
      if (r === null || !within.reportValidity()) return;
      ctx.go('expiries', { region: r, withinDays: within.value, lapsed: lapsed.value });
    } }, region.field, h('label', {}, t('withinDays'), within), h('label', {}, t('lapsed'), lapsed),
    h('button', { type: 'submit', id: 'apply' }, t('apply')),
    exportButtons(ctx, 'export-expiries', '/v1/regulator/expiries/export', filters)),
    summary, list);

  const tbl = table({ id: 'expiries' }, [t('name'), t('regionCode'), t('expiryWhat'), t('expiryType'), t('number'),
    t('caregiver'), t('validTo'), t('lapsed')], []);
  const body = tbl.querySelector('tbody');
  const more = h('button', { type: 'button', class: 'secondary more', id: 'load-more', hidden: true }, t('loadMore'));
  const status = h('div', { class: 'muted', role: 'status' });
  let cursor = '';
  const load = async () => {
    more.disabled = true;
    const page = await api.get('/v1/regulator/expiries' + api.query({ ...filters, limit: 50, cursor }));
    summary.textContent = t('expiryUntil', { until: page.until });
    summary.dataset.until = page.until;
    for (const e of page.items) {
      body.append(table({}, [], [[
        { class: 'clickable', dataset: { provider: e.providerId, what: e.what, lapsed: String(e.lapsed) },
          onclick: () => ctx.go('providers/' + encodeURIComponent(e.providerId)) },
        h('a', { href: '#/providers/' + encodeURIComponent(e.providerId) }, e.providerName),
        e.regionCode, label('expiryWhat', e.what), kindOf(e), e.number, e.caregiverId || '',
        e.validTo, e.lapsed ? badge('overdue', t('lapsedBadge')) : badge('lapsing', t('lapsingBadge'))]]).querySelector('tbody tr'));
    }
    cursor = page.nextCursor || '';
    more.hidden = !cursor;
    more.disabled = false;
    status.textContent = body.children.length ? '' : t('empty');
    tbl.dataset.count = String(body.children.length);
    tbl.dataset.loaded = 'true';
  };
  more.addEventListener('click', () => load().catch((e) => ctx.fail(status, e)));
  mount(list, tbl, status, more);
  try {
    await load();
  } catch (e) {
    ctx.fail(list, e);
  }
}
