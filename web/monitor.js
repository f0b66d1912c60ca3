// Helsebro web UI: monitoring. The central dashboard of the patients my team
// follows (riskiest first, live), one patient's chart of every vital sign with
// the NEWS2 bands shaded and the alerts marked, and registering a set.
// Text is Norwegian (bokmål).
import { state, el, api, show } from './ui.js';

const SVG = 'http://www.w3.org/2000/svg';
const vitalsOrder = ['rr', 'spo2', 'oxygen', 'sbp', 'dbp', 'pulse', 'acvpu', 'temperature', 'weight', 'glucose'];
const subLabels = { rr: 'Resp.', spo2: 'SpO₂', air: 'O₂', sbp: 'BT', pulse: 'Puls', acvpu: 'ACVPU', temperature: 'Temp.' };
const riskClass = { low: 'ok', 'low-medium': 'warn', medium: 'warn', high: 'danger' };
let timer = null;

export function stopMonitor() {
  if (timer) { clearInterval(timer); timer = null; }
}

function svg(tag, attrs = {}, ...children) {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  for (const c of children) if (c) e.append(c);
  return e;
}

// A small trend line of NEWS2 totals (0-20), with the 5 and 7 lines.
function sparkline(trend) {
  const w = 120;
  const h = 32;
  const y = (v) => h - 2 - (Math.min(v, 12) / 12) * (h - 4);
  const s = svg('svg', { width: w, height: h, viewBox: `0 0 ${w} ${h}`, role: 'img',
    'aria-label': `NEWS2 siste målinger: ${trend.map((t) => t.total).join(', ')}` });
  s.append(svg('line', { x1: 0, x2: w, y1: y(5), y2: y(5), class: 'band-medium' }),
    svg('line', { x1: 0, x2: w, y1: y(7), y2: y(7), class: 'band-high' }));
  if (trend.length) {
    const step = trend.length > 1 ? (w - 8) / (trend.length - 1) : 0;
    const pts = trend.map((t, i) => `${4 + i * step},${y(t.total)}`).join(' ');
    s.append(svg('polyline', { points: pts, class: 'trend' }));
    trend.forEach((t, i) => s.append(svg('circle', { cx: 4 + i * step, cy: y(t.total), r: 2.5, class: 'trend' })));
  }
  return s;
}

async function act(alert, action, render) {
  let note;
  if (action === 'resolve') {
    note = window.prompt('Hva ble gjort? (påkrevd for å avslutte varselet)');
    if (note === null) return;
  }
  try {
    await api('POST', `/api/alerts/${alert.id}/${action}`, note ? { note } : {});
  } catch (e) {
    window.alert(e.message);
  }
  await render();
}

function alertItem(a, render) {
  return el('li', { class: `alert ${a.status}`, 'data-alert': a.id },
    el('strong', {}, a.kindLabel), ` – ${a.detail}`,
    el('div', { class: 'muted small' }, `${a.raisedLocal} · nivå ${a.level}: ${a.levelName || ''}`,
      a.status === 'acknowledged' ? ` · kvittert ${a.ackLocal} av ${a.ackBy}` : ''),
    el('div', { class: 'alert-actions' },
      a.status === 'open' ? el('button', { type: 'button', class: 'primary', onclick: () => act(a, 'acknowledge', render) }, 'Kvitter') : '',
      el('button', { type: 'button', onclick: () => act(a, 'escalate', render) }, 'Eskaler'),
      el('button', { type: 'button', onclick: () => act(a, 'resolve', render) }, 'Avslutt')));
}

export async function showMonitor() {
  stopMonitor();
  const list = el('div', { id: 'monitor-list', 'aria-live': 'polite' }, el('p', { class: 'muted' }, 'Henter …'));
  const stamp = el('p', { class: 'muted', id: 'monitor-stamp' });
  show(el('h1', {}, 'Overvåking'),
    el('p', {}, 'Pasientene teamet ditt følger, de med åpne varsler og høyest NEWS2 først. Oppdateres av seg selv.'),
    stamp, list);
  const render = async () => {
    let d;
    try { d = await api('GET', '/api/monitor'); } catch (e) { list.replaceChildren(el('p', { class: 'error' }, e.message)); return; }
    stamp.textContent = `Sist oppdatert ${d.atLocal}`;
    if (!d.patients.length) {
      list.replaceChildren(el('p', {}, 'Ingen pasienter med overvåking hos deg.'));
      return;
    }
    list.replaceChildren(el('table', { class: 'monitor' },
      el('thead', {}, el('tr', {}, el('th', {}, 'Pasient'), el('th', { class: 'num' }, 'NEWS2'), el('th', {}, 'Delskårer'),
        el('th', {}, 'Trend'), el('th', {}, 'Varsler'))),
      el('tbody', {}, d.patients.map((p) => el('tr', { 'data-patient': p.patientId, class: p.unacknowledged ? 'has-alert' : '' },
        el('td', {}, el('a', { href: `#/kurve/${p.patientId}` }, p.name), el('div', { class: 'muted small' }, `${p.age} år`,
          p.scale === 2 ? ' · SpO₂ skala 2' : ''),
        p.overdue ? el('span', { class: 'badge warn' }, `måling uteblitt (frist ${p.nextDueLocal})`) : ''),
        el('td', { class: 'num' }, p.latest
          ? el('span', { class: `score ${riskClass[p.latest.risk]}` }, String(p.latest.total)) : '–',
        p.latest ? el('div', { class: 'muted small' }, `${p.latest.riskLabel} · ${p.latest.atLocal}`) : ''),
        el('td', {}, p.latest ? el('ul', { class: 'subs' }, Object.entries(p.latest.sub).map(([k, v]) =>
          el('li', { class: v === 3 ? 'three' : v ? 'some' : '' }, `${subLabels[k]} ${v}`))) : ''),
        el('td', {}, sparkline(p.trend)),
        el('td', {}, p.alerts.length ? el('ul', { class: 'alerts' }, p.alerts.map((a) => alertItem(a, render)))
          : el('span', { class: 'muted' }, 'Ingen')))))));
  };
  await render();
  timer = setInterval(() => { if (document.getElementById('monitor-list')) render(); else stopMonitor(); }, 5000);
}

// ---- one patient's chart ----
function chart(series, kind, alerts, from, to) {
  const s = series[kind];
  const pts = s.points.filter((p) => kind !== 'acvpu');
  const w = 640;
  const h = 140;
  const pad = 36;
  if (!pts.length) return null;
  const nums = pts.map((p) => p.num / 100);
  const bandTops = s.bands.map((b) => (b.upto < 0 ? null : b.upto / 100)).filter((v) => v !== null);
  let lo = Math.min(...nums, ...(bandTops.length ? [bandTops[0] - 5] : []));
  let hi = Math.max(...nums, ...(bandTops.length ? [bandTops[bandTops.length - 1] + 5] : []));
  if (hi - lo < 1) { lo -= 1; hi += 1; }
  const x = (t) => pad + ((t - from) / Math.max(1, to - from)) * (w - pad - 8);
  const y = (v) => h - 18 - ((v - lo) / (hi - lo)) * (h - 28);
  const g = svg('svg', { viewBox: `0 0 ${w} ${h}`, class: 'vital-chart', role: 'img',
    'aria-label': `${s.label}: ${pts.map((p) => p.value).join(', ')}` });
  // NEWS2 bands shaded by their score.
  let below = lo;
  for (const b of s.bands) {
    const top = b.upto < 0 ? hi : Math.min(hi, b.upto / 100 + 0.5);
    if (top > below) {
      g.append(svg('rect', { x: pad, width: w - pad - 8, y: y(top), height: Math.max(0, y(below) - y(top)), class: `band score${b.score}` }));
    }
    below = Math.max(below, top);
  }
  for (const a of alerts) {
    const t = Date.parse(a.at);
    if (t >= from) g.append(svg('line', { x1: x(t), x2: x(t), y1: 4, y2: h - 16, class: 'alert-mark' }));
  }
  g.append(svg('text', { x: 2, y: y(hi) + 10, class: 'axis' }, document.createTextNode(String(Math.round(hi)))),
    svg('text', { x: 2, y: y(lo), class: 'axis' }, document.createTextNode(String(Math.round(lo)))));
  const line = pts.map((p) => `${x(Date.parse(p.at))},${y(p.num / 100)}`).join(' ');
  g.append(svg('polyline', { points: line, class: 'trend' }));
  for (const p of pts) g.append(svg('circle', { cx: x(Date.parse(p.at)), cy: y(p.num / 100), r: 3, class: 'trend' }));
  return el('figure', { class: 'vital' }, el('figcaption', {}, `${s.label} (${s.unit === 'Cel' ? '°C' : s.unit})`,
    el('span', { class: 'muted' }, ` · siste ${pts[pts.length - 1].value.replace('.', ',')}`)), g);
}

export async function showChart(patientId) {
  stopMonitor();
  show(el('p', { class: 'muted' }, 'Henter …'));
  let d;
  try { d = await api('GET', `/api/patients/${patientId}/vitals?days=3`); } catch (e) {
    show(el('h1', {}, 'Kurve'), el('p', { class: 'error' }, e.message));
    return;
  }
  // The time axis spans the measurements shown (at most the three days fetched).
  const to = Date.now();
  const times = [...Object.values(d.series).flatMap((x) => x.points), ...d.news2].map((p) => Date.parse(p.at));
  const from = Math.max(to - 3 * 86400e3, (times.length ? Math.min(...times) : to) - 30 * 60e3);
  const items = [el('h1', {}, `Kurve: ${d.patient.name}`),
    el('p', {}, el('a', { href: '#/overvaking' }, 'Tilbake til overvåkingen'), ' · ', el('a', { href: `#/plan/${patientId}` }, 'Felles plan'))];
  const latest = d.news2[d.news2.length - 1];
  if (latest) {
    items.push(el('div', { class: 'card' }, el('strong', {}, `NEWS2 ${latest.total}`), ` (${latest.riskLabel}) · ${latest.atLocal}`,
      latest.monitorMinutes ? ` · ny måling minst hver ${latest.monitorMinutes >= 60 ? `${latest.monitorMinutes / 60}. time` : `${latest.monitorMinutes}. minutt`}`
        : ' · kontinuerlig overvåking'));
  }
  const news2 = { label: 'NEWS2', unit: 'poeng', bands: [{ upto: 400, score: 0 }, { upto: 600, score: 2 }, { upto: -1, score: 3 }],
    points: d.news2.map((n) => ({ at: n.at, num: n.total * 100, value: String(n.total) })) };
  const charts = [chart({ news2 }, 'news2', d.alerts, from, to), ...vitalsOrder.map((k) => chart(d.series, k, d.alerts, from, to))].filter(Boolean);
  items.push(el('section', { class: 'charts' }, charts.length ? charts : el('p', { class: 'muted' }, 'Ingen målinger de siste tre dagene.')));
  if (d.alerts.length) {
    items.push(el('h2', {}, 'Varsler'), el('ul', {}, d.alerts.map((a) => el('li', {}, `${a.atLocal}: ${a.kindLabel} – ${a.detail} (${a.status === 'resolved' ? 'avsluttet' : a.status === 'acknowledged' ? 'kvittert' : 'åpent'})`))));
  }
  if (['hospital-clinician', 'municipal-clinician', 'gp'].includes(state.me.role)) items.push(setForm(patientId, d), settingsForm(patientId, d));
  show(...items);
}

function setForm(patientId) {
  const fields = [['rr', 'Respirasjonsfrekvens (per minutt)'], ['spo2', 'Oksygenmetning (%)'], ['oxygen', 'Oksygen (L/min, 0 = luft)'],
    ['sbp', 'Systolisk blodtrykk (mmHg)'], ['pulse', 'Puls (per minutt)'], ['acvpu', 'Bevissthet (A, C, V, P eller U)'],
    ['temperature', 'Temperatur (°C)']];
  const inputs = fields.map(([k]) => el('input', { id: `vs-${k}`, inputmode: k === 'acvpu' ? 'text' : 'decimal', required: true }));
  const msg = el('p', { class: 'error', role: 'alert' });
  const form = el('form', { class: 'card', id: 'vitals-form' }, el('h2', {}, 'Registrer målinger (NEWS2)'),
    el('div', { class: 'grid2' }, fields.map(([, label], i) => el('div', {}, el('label', { for: inputs[i].id }, label), inputs[i]))),
    msg, el('div', { class: 'actions' }, el('button', { type: 'submit', class: 'primary' }, 'Lagre målingene')));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    msg.textContent = '';
    const values = Object.fromEntries(fields.map(([k], i) => [k, inputs[i].value.trim()]));
    try {
      await api('POST', `/api/patients/${patientId}/vitals`, { values });
      await showChart(patientId);
    } catch (e) {
      msg.textContent = e.message;
      document.getElementById(`vs-${e.field}`)?.focus();
    }
  });
  return form;
}

function settingsForm(patientId, d) {
  const m = d.monitoring || { scale: 1, thresholds: {} };
  const scale2 = el('input', { type: 'checkbox', id: 'scale2', checked: m.scale === 2 });
  const max = el('input', { id: 'pulse-max', inputmode: 'decimal', value: m.thresholds?.pulse?.max || '' });
  const min = el('input', { id: 'spo2-min', inputmode: 'decimal', value: m.thresholds?.spo2?.min || '' });
  const msg = el('p', { class: 'error', role: 'alert' });
  const form = el('form', { class: 'card' }, el('h2', {}, 'Innstillinger for overvåkingen'),
    el('label', { class: 'check' }, scale2, 'SpO₂ skala 2: mål 88-92 % (hyperkapni)'),
    m.scaleSet ? el('p', { class: 'muted small' }, `Skala satt ${m.scaleSet.atLocal} av ${m.scaleSet.by}`) : '',
    el('label', { for: 'pulse-max' }, 'Personlig grense: puls over'), max,
    el('label', { for: 'spo2-min' }, 'Personlig grense: oksygenmetning under'), min, msg,
    el('div', { class: 'actions' }, el('button', { type: 'submit', class: 'primary' }, 'Lagre innstillingene')));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const thresholds = {};
    if (max.value.trim()) thresholds.pulse = { max: max.value.trim() };
    if (min.value.trim()) thresholds.spo2 = { min: min.value.trim() };
    try {
      await api('PUT', `/api/patients/${patientId}/monitoring`, { scale: scale2.checked ? 2 : 1, thresholds });
      await showChart(patientId);
    } catch (e) {
      msg.textContent = e.message;
    }
  });
  return form;
}
