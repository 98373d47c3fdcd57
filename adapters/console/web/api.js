// The console's client of the public /v1 API: the same operations the
// contract (openapi/openapi.yaml) lists for every client, nothing
// private. Tokens live in this tab's sessionStorage only (gone when the
// tab closes); an access token that lapses is refreshed once, with the
// rotating refresh token, and the call sent again.

import { lang } from './i18n.js';

const KEY = 'kincare.console.session';

// ApiError is a problem+json answer (RFC 9457) or a network failure.
export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.title || `HTTP ${status}`);
    this.status = status;
    this.code = problem?.code || (status === 0 ? 'network_error' : 'http_' + status);
    this.problem = problem || {};
  }
}

export function session() {
  try {
    return JSON.parse(sessionStorage.getItem(KEY)) || null;
  } catch {
    return null;
  }
}

function keep(pair) {
  const s = { access: pair.accessToken, refresh: pair.refreshToken, user: pair.user };
  sessionStorage.setItem(KEY, JSON.stringify(s));
  return s;
}

export function forget() { sessionStorage.removeItem(KEY); }

async function send(method, path, body, token) {
  const headers = { 'Accept': 'application/json, application/problem+json', 'Accept-Language': lang() };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (token) headers['Authorization'] = 'Bearer ' + token;
  let res;
  try {
    res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'omit' });
  } catch (e) {
    throw new ApiError(0, { title: String(e.message || e) });
  }
  return res;
}

async function parse(res) {
  if (res.status === 204) return null;
  const text = await res.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { data = null; }
  if (!res.ok) throw new ApiError(res.status, data);
  return data;
}

// requestCode is requestOTP: POST /v1/auth/otp.
export async function requestCode(phone) {
  return parse(await send('POST', '/v1/auth/otp', { phone }));
}

// signIn is login with the SMS code: POST /v1/auth/login.
export async function signIn(phone, code) {
  return keep(await parse(await send('POST', '/v1/auth/login', { phone, code })));
}

// signOut is logout: the session's refresh tokens stop working at once.
export async function signOut() {
  const s = session();
  forget();
  if (s) {
    try { await send('POST', '/v1/auth/logout', undefined, s.access); } catch { /* gone either way */ }
  }
}

let refreshing = null;

// refresh is refreshTokens, one at a time: pages that ask in parallel
// share one rotation (a second use of a spent token would end the
// session).
function refresh() {
  if (!refreshing) {
    refreshing = (async () => {
      const s = session();
      if (!s) throw new ApiError(401, { code: 'session_ended' });
      try {
        return keep(await parse(await send('POST', '/v1/auth/refresh', { refreshToken: s.refresh })));
      } catch (e) {
        if (e.status === 401) forget();
        throw e;
      }
    })().finally(() => { refreshing = null; });
  }
  return refreshing;
}

// call is one authenticated operation; a 401 gets one refresh and retry.
export async function call(method, path, body) {
  const s = session();
  if (!s) throw new ApiError(401, { code: 'session_ended' });
  let res = await send(method, path, body, s.access);
  if (res.status === 401) {
    const fresh = await refresh();
    res = await send(method, path, body, fresh.access);
  }
  return parse(res);
}

export const get = (path) => call('GET', path);

// query builds "?a=1&b=2" from the non-empty values of params.
export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== '' && v !== false) q.set(k, String(v));
  }
  const s = q.toString();
  return s ? '?' + s : '';
}

// download fetches a file with the caller's token and hands it to the
// browser as a download (a plain link cannot carry the bearer token).
export async function download(path, fallbackName) {
  const s = session();
  if (!s) throw new ApiError(401, { code: 'session_ended' });
  let res = await send('GET', path, undefined, s.access);
  if (res.status === 401) {
    const fresh = await refresh();
    res = await send('GET', path, undefined, fresh.access);
  }
  if (!res.ok) return parse(res);
  const blob = await res.blob();
  const name = filenameOf(res.headers.get('Content-Disposition')) || fallbackName;
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60000);
  return { name, size: blob.size };
}

function filenameOf(disposition) {
  if (!disposition) return '';
  const star = /filename\*=UTF-8''([^;]+)/i.exec(disposition);
  if (star) return decodeURIComponent(star[1]);
  const plain = /filename="?([^";]+)"?/i.exec(disposition);
  return plain ? plain[1] : '';
}
