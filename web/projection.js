// Helsebro web UI: projections of bed-days and beds to 2040. Two scenarios
// side by side, each with its assumptions next to its result; changing an
// assumption recomputes that scenario. Text is Norwegian (bokmål).
import { el, api, show } from './ui.js';

const SVG = 'http://www.w3.org/2000/svg';
const kinds = [['hospital', 'Sykehus'], ['kad', 'KAD'], ['sykestue', 'Sykestue']];
const fields = [
  ['shift', 'Sunnere aldring (år forskyvning innen sluttåret)', 0, 10, 0.5],
  ['efficiency', 'Effektivisering (% færre liggedøgn per år)', -5, 10, 0.1],
  ['collaboration', 'Samhandling, f.eks. PSHT og KAD (% færre liggedøgn per år)', -5, 10, 0.1],
  ['occupancy', 'Ønsket belegg (%)', 50, 100, 1],
];
const scenarios = [
  { id: 'a', title: 'Scenario A: dagens praksis', values: { shift: 0, efficiency: 0, collaboration: 0, occupancy: 85 } },
  { id: 'b', title: 'Scenario B: sunnere aldring og samhandling', values: { shift: 2, efficiency: 0.5, collaboration: 0.5, occupancy: 85 } },
];
const nf = (d) => new Intl.NumberFormat('nb-NO', { minimumFractionDigits: d, maximumFractionDigits: d });

function svg(tag, attrs = {}, ...children) {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  for (const c of children) if (c !== null && c !== undefined) e.append(c);
  return e;
}

function entityRow(data, nr) {
  return data.rows.find((r) => (nr ? r.entity.kommunenummer === nr : r.entity.kind === 'helsefellesskap'));
}

// Beds needed, scenario A against B, for one kind of unit.
function chart(a, b, kind, label) {
  const w = 520; const h = 170; const padL = 40; const padB = 22;
  const va = a.series.map((y) => y[kind].beds ?? null);
  const vb = b.series.map((y) => y[kind].beds ?? null);
  const max = Math.max(1, ...va.filter((v) => v !== null), ...vb.filter((v) => v !== null)) * 1.15;
  const n = a.series.length;
  const x = (i) => padL + (n > 1 ? (i * (w - padL - 10)) / (n - 1) : 0);
  const y = (v) => h - padB - (v / max) * (h - padB - 8);
  const s = svg('svg', { viewBox: `0 0 ${w} ${h}`, width: '100%', role: 'img', class: 'proj-chart',
    'aria-label': `${label}, senger: A ${va.map((v) => (v === null ? '<5' : nf(1).format(v))).join(', ')}; B ${vb.map((v) => (v === null ? '<5' : nf(1).format(v))).join(', ')}` });
  s.append(svg('line', { x1: padL, x2: w - 6, y1: h - padB, y2: h - padB, class: 'axis-line' }),
    svg('text', { x: padL - 4, y: y(max / 1.15) + 4, class: 'axis', 'text-anchor': 'end' }, nf(1).format(max / 1.15)),
    svg('text', { x: padL - 4, y: h - padB, class: 'axis', 'text-anchor': 'end' }, '0'),
    svg('text', { x: padL, y: h - 6, class: 'axis' }, a.series[0].year),
    svg('text', { x: w - 6, y: h - 6, class: 'axis', 'text-anchor': 'end' }, a.series[n - 1].year));
  const line = (vals, cls, tag) => {
    if (vals.some((v) => v === null)) return;
    s.append(svg('polyline', { points: vals.map((v, i) => `${x(i)},${y(v)}`).join(' '), class: `proj ${cls}` }),
      svg('text', { x: x(n - 1) - 2, y: y(vals[n - 1]) - 5, class: 'axis', 'text-anchor': 'end' }, tag));
  };
  line(va, 'scen-a', 'A');
  line(vb, 'scen-b', 'B');
  return el('figure', { class: 'proj' }, el('figcaption', {}, `${label}: senger som trengs`), s);
}

function table(row) {
  return el('table', { class: 'indicators proj-table' },
    el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'År'), el('th', { scope: 'col', class: 'num' }, 'Innbyggere 80+'),
      kinds.map(([, l]) => [el('th', { scope: 'col', class: 'num' }, `${l} liggedøgn`), el('th', { scope: 'col', class: 'num' }, `${l} senger`)]))),
    el('tbody', {}, row.series.filter((y, i) => i === 0 || y.year % 5 === 0 || i === row.series.length - 1).map((y) =>
      el('tr', { 'data-year': y.year }, el('th', { scope: 'row' }, y.year), el('td', { class: 'num' }, nf(0).format(y.population80)),
        kinds.map(([k]) => (y[k].suppressed ? [el('td', { class: 'num suppressed' }, '<5'), el('td', { class: 'num suppressed' }, '<5')]
          : [el('td', { class: 'num' }, nf(0).format(y[k].bedDays)), el('td', { class: 'num', 'data-beds': k }, nf(1).format(y[k].beds))]))))));
}

export async function showProjection() {
  const muniSel = el('select', { id: 'proj-muni' }, el('option', { value: '' }, 'Hele helsefellesskapet'));
  const out = el('div', { id: 'proj-out', class: 'grid2' });
  const charts = el('div', { id: 'proj-charts' });
  const results = {};
  const forms = scenarios.map((sc) => {
    const inputs = fields.map(([name, label, min, max, step]) => [
      el('label', { for: `${sc.id}-${name}` }, label),
      el('input', { id: `${sc.id}-${name}`, name, type: 'number', min, max, step, value: sc.values[name], required: true })]);
    const err = el('p', { class: 'error', role: 'alert' });
    const result = el('div', { class: 'proj-result' });
    const form = el('form', { class: 'card', id: `scenario-${sc.id}`, 'aria-labelledby': `h-${sc.id}` },
      el('h2', { id: `h-${sc.id}` }, sc.title), el('fieldset', { class: 'assumptions' }, el('legend', {}, 'Forutsetninger'), inputs.flat()),
      el('div', { class: 'actions' }, el('button', { type: 'submit', class: 'primary' }, 'Beregn')), err, result);
    const run = async () => {
      err.textContent = '';
      for (const f of fields) sc.values[f[0]] = form.elements[f[0]].value;
      const q = new URLSearchParams({ ...sc.values, ...(muniSel.value ? { municipality: muniSel.value } : {}) });
      try {
        const data = await api('GET', `/api/projections?${q}`);
        const row = entityRow(data, muniSel.value);
        results[sc.id] = row;
        const a = data.assumptions;
        result.replaceChildren(
          el('p', { class: 'small muted' }, `Dagens bruk målt ${data.base.from.split('-').reverse().join('.')}–${data.base.to.split('-').reverse().join('.')}. `
            + `Forutsetninger: sunnere aldring ${nf(1).format(a.shiftYears)} år, effektivisering ${nf(1).format(a.efficiencyPct)} % og samhandling `
            + `${nf(1).format(a.collaborationPct)} % per år, ønsket belegg ${nf(0).format(a.occupancyPct)} %.`),
          el('div', { class: 'table-wrap' }, table(row)),
          el('p', {}, el('a', { class: 'csv', href: `/api/projections?${q}&format=csv`, download: 'framskriving.csv' }, 'Last ned som CSV')));
        drawCharts();
      } catch (e) {
        err.textContent = e.message;
        if (e.field) form.elements[e.field]?.focus();
      }
    };
    form.addEventListener('submit', (ev) => { ev.preventDefault(); run(); });
    form.addEventListener('change', () => run());
    return { form, run };
  });
  const drawCharts = () => {
    if (!results.a || !results.b) return;
    charts.replaceChildren(el('h2', {}, 'A mot B'), el('div', { class: 'grid2' },
      kinds.map(([k, l]) => chart(results.a, results.b, k, l))));
  };
  muniSel.addEventListener('change', () => forms.forEach((f) => f.run()));
  out.append(...forms.map((f) => f.form));
  show(el('h1', { id: 'js-title' }, 'Framskriving til 2040'),
    el('p', {}, 'Liggedøgn og senger som trengs, regnet fra dagens bruk per aldersgruppe i Helsebro og befolkningsframskrivingen. '
      + 'Nasjonalt ventes skrøpelige eldre å øke med 13 % til 2040 (0,7 % i året) etter justering for sunnere aldring og bedre samhandling.'),
    el('div', { class: 'row' }, el('div', {}, el('label', { for: 'proj-muni' }, 'Område'), muniSel)),
    out, charts,
    el('details', {}, el('summary', {}, 'Slik regnes det'),
      el('p', {}, 'Bruk i dag = liggedøgn siste 12 måneder per innbygger i hver aldersgruppe (0–17, 18–49, 50–66, 67–79, 80–89, 90+). '
        + 'Sunnere aldring: bruken forskyves lineært til det oppgitte antall år eldre innen sluttåret, ved at en andel av hver aldersgruppe '
        + 'bruker tjenester som gruppen under. Effektivisering og samhandling gir (1 − p/100)^år. Senger = liggedøgn / (365 × belegg). '
        + 'Kommuner der dagens bruk kommer fra færre enn 5 pasienter vises som «<5».')));
  const orgs = await api('GET', '/api/indicators?indicator=kad_beds_per_7000');
  for (const r of orgs.rows.filter((x) => x.entity.kind === 'municipality')) {
    muniSel.append(el('option', { value: r.entity.kommunenummer }, r.entity.name));
  }
  await Promise.all(forms.map((f) => f.run()));
}
