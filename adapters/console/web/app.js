// The regulator's console: sign-in, the frame (top bar, side bar,
// language switch) and a hash router over the pages. Every datum comes
// from the public /v1 API through api.js; the API, not this script,
// decides who may see what (a non-regulator's calls answer 403, and the
// console says so).

import * as api from './api.js';
import { h, mount } from './dom.js';
import { t, lang, setLang } from './i18n.js';
import { pages } from './pages.js';
import { dashboard } from './dashboard.js';
import { expiries } from './expiries.js';

const root = document.getElementById('app');
setLang(lang());

// A policy violation (a script or style from elsewhere) is counted where
// the browser test can read it: the console must need nothing but self.
let violations = 0;
document.addEventListener('securitypolicyviolation', () => {
  violations += 1;
  document.body.dataset.cspViolations = String(violations);
});

const routes = [
  { name: 'dashboard', nav: 'navDashboard', render: dashboard },
  { name: 'providers', nav: 'navProviders', render: pages.providers },
  { name: 'provider', render: pages.provider, parent: 'providers' },
  { name: 'complaints', nav: 'navComplaints', render: pages.complaints },
  { name: 'complaint', render: pages.complaint, parent: 'complaints' },
  { name: 'expiries', nav: 'navExpiries', render: expiries },
  { name: 'credit', nav: 'navCredit', render: pages.credit },
  { name: 'exports', nav: 'navExports', render: pages.exports },
];

// parseHash reads "#/providers/ID?kind=home_care" into its parts.
function parseHash() {
  const raw = location.hash.replace(/^#\/?/, '');
  const [path, q] = raw.split('?');
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  const params = Object.fromEntries(new URLSearchParams(q || ''));
  let name = parts[0] || 'dashboard';
  if (name === 'providers' && parts[1]) name = 'provider';
  if (name === 'complaints' && parts[1]) name = 'complaint';
  return { name, id: parts[1], params };
}

// go changes the page; the router renders on hashchange (and at once
// when the hash is the same: "apply" with unchanged filters reloads).
export function go(path, params = {}) {
  const next = '#/' + path + api.query(params);
  if (location.hash === next) render();
  else location.hash = next;
}

// ctx is what every page gets: who is signed in, the shared region
// filter, and how to report an API failure.
const ctx = {
  me: null,
  go,
  get region() { return sessionStorage.getItem('kincare.console.region') || ''; },
  set region(v) { sessionStorage.setItem('kincare.console.region', v || ''); },
  // fail shows an API failure in place; a lapsed session goes back to
  // sign-in, a refusal to the "not for your account" page.
  fail(where, err) {
    if (err instanceof api.ApiError && err.status === 401) {
      api.forget();
      return start(t('sessionEnded'));
    }
    if (err instanceof api.ApiError && err.status === 403 && err.problem.code === 'forbidden') {
      return refused(err);
    }
    const msg = err instanceof api.ApiError ? (err.problem.detail || err.problem.title || err.message) : String(err);
    mount(where, h('div', { class: 'notice error', role: 'alert', dataset: { code: err.code || '' } }, t('errorGeneric', { title: msg })));
  },
};

function topbar() {
  const who = ctx.me ? [ctx.me.phone.replace(/(\d{3})\d{4}(\d{4})$/, '$1****$2'), (ctx.me.regionCodes || []).join(' ')].join(' · ') : '';
  return h('header', { class: 'topbar' },
    h('h1', {}, t('appTitle')),
    h('span', { class: 'spacer' }),
    h('span', { class: 'who', id: 'who' }, who),
    h('button', { id: 'lang', type: 'button', onclick: () => { setLang(lang() === 'en' ? 'zh-CN' : 'en'); render(); } }, t('switchLang')),
    ctx.me && h('button', { id: 'sign-out', type: 'button', onclick: async () => { await api.signOut(); start(); } }, t('signOut')));
}

// render draws the frame and the page the hash names.
async function render() {
  const where = parseHash();
  const route = routes.find((r) => r.name === where.name) || routes[0];
  const content = h('main', { id: 'content', dataset: { page: route.name } });
  const nav = h('nav', { class: 'side' }, routes.filter((r) => r.nav).map((r) =>
    h('a', { href: '#/' + r.name, class: (r.name === route.name || r.name === route.parent) ? 'active' : null, dataset: { nav: r.name } }, t(r.nav))));
  mount(root, topbar(), h('div', { class: 'shell' }, nav, content));
  root.dataset.state = 'ready';
  document.title = t('appTitle');
  try {
    await route.render(content, ctx, where);
  } catch (e) {
    ctx.fail(content, e);
  }
}

// refused is the page a non-regulator lands on: the API said 403.
function refused(err) {
  root.dataset.state = 'refused';
  mount(root, topbar(), h('div', { class: 'panel refused', id: 'refused', role: 'alert',
    dataset: { status: String(err.status), code: err.code } },
  h('h2', {}, t('refusedTitle')),
  h('p', {}, t('refusedBody', { status: err.status, code: err.code })),
  h('div', { class: 'row' },
    h('button', { type: 'button', id: 'retry', onclick: () => enter() }, t('checkAgain')),
    h('button', { type: 'button', id: 'use-another', class: 'secondary', onclick: async () => { await api.signOut(); start(); } }, t('useAnother')))));
}

// signInView: phone, "send code" (requestOTP), code, "sign in" (login).
function signInView(message) {
  root.dataset.state = 'signin';
  ctx.me = null;
  const status = h('div', { id: 'signin-status', role: 'status' }, message ? h('div', { class: 'notice' }, message) : null);
  const phone = h('input', { id: 'phone', name: 'phone', type: 'tel', autocomplete: 'tel', required: true, inputmode: 'numeric', maxlength: 20 });
  const code = h('input', { id: 'code', name: 'code', autocomplete: 'one-time-code', inputmode: 'numeric', pattern: '[0-9]{6}', maxlength: 6 });
  const show = (el) => mount(status, el);
  const problem = (e) => h('div', { class: 'notice error', role: 'alert', dataset: { code: e.code } }, e.problem.detail || e.problem.title || e.message);
  const send = h('button', { type: 'button', id: 'send-code', class: 'secondary', onclick: async () => {
    send.disabled = true;
    try {
      const r = await api.requestCode(phone.value.trim());
      show(h('div', { class: 'notice ok', id: 'code-sent' }, t('codeSent', { seconds: r.resendAfterSeconds })));
      code.focus();
    } catch (e) {
      show(problem(e));
    } finally {
      send.disabled = false;
    }
  } }, t('sendCode'));
  const form = h('form', { id: 'signin', onsubmit: async (ev) => {
    ev.preventDefault();
    show(h('div', { class: 'muted' }, t('signingIn')));
    try {
      await api.signIn(phone.value.trim(), code.value.trim());
      await enter();
    } catch (e) {
      show(problem(e));
    }
  } },
  h('label', {}, t('phone'), phone),
  h('div', { class: 'row' }, h('label', {}, t('code'), code), send),
  h('button', { type: 'submit', id: 'sign-in' }, t('signIn')));
  mount(root, topbar(), h('div', { class: 'signin' }, h('h2', {}, t('signInTitle')), status, form));
}

// enter: who is this (getMe), and may they use the console? The API
// answers that: the regulators' register is theirs alone.
async function enter() {
  try {
    ctx.me = await api.get('/v1/me');
    await api.get('/v1/regulator/providers?limit=1');
  } catch (e) {
    if (e instanceof api.ApiError && e.status === 403) return refused(e);
    if (e instanceof api.ApiError && e.status === 401) { api.forget(); return signInView(t('sessionEnded')); }
    return signInView(t('errorGeneric', { title: e.message }));
  }
  if (!location.hash) location.hash = '#/dashboard';
  return render();
}

function start(message) {
  if (!api.session()) return signInView(message);
  return enter();
}

window.addEventListener('hashchange', () => { if (ctx.me && root.dataset.state !== 'refused') render(); });
start();
