// Helsebro web UI: helpers shared by the page modules (DOM building, the API
// client, the current user). Plain ES module, no build step.

export const main = document.getElementById('main');
export const state = { me: null };

// Called when the API answers 401: app.js shows the login form.
let onUnauthorized = () => {};
export function setUnauthorizedHandler(fn) { onUnauthorized = fn; }

export function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

export class ApiError extends Error {
  constructor(status, body) {
    super(body?.error?.message || `Feil ${status}`);
    this.status = status;
    this.field = body?.error?.field;
    this.body = body; // a 409 edit conflict carries the other person's change
  }
}

export async function api(method, path, body) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && state.me?.csrfToken) headers['X-CSRF-Token'] = state.me.csrfToken;
  const res = await fetch(path, {
    method, headers, credentials: 'same-origin',
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  const data = text ? JSON.parse(text) : null;
  if (!res.ok) {
    if (res.status === 401 && path !== '/api/login') onUnauthorized();
    throw new ApiError(res.status, data);
  }
  return data;
}

export function show(...nodes) {
  main.replaceChildren(...nodes.filter((n) => n !== null && n !== undefined && n !== false));
  main.focus();
}

export function isStaff() {
  return ['hospital-clinician', 'municipal-clinician', 'allocation-office', 'gp'].includes(state.me?.role);
}
