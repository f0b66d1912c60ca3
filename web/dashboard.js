// Helsebro web UI: the helsefellesskap dashboard. Indicators per municipality
// against their norms (green, amber, red, always with a word, not colour
// alone), a municipality page with trends, all municipalities side by side on
// one indicator, CSV of every table, and the public view for citizens (the
// same suppressed numbers, no login). Text is Norwegian (bokmål).
import { el, api, show, state } from './ui.js';

const SVG = 'http://www.w3.org/2000/svg';
const statusWord = { green: 'innenfor norm', amber: 'nær norm', red: 'utenfor norm' };
const monthNames = ['januar', 'februar', 'mars', 'april', 'mai', 'juni', 'juli', 'august',
  'september', 'oktober', 'november', 'desember'];

function svg(tag, attrs = {}, ...children) {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  for (const c of children) if (c !== null && c !== undefined) e.append(c);
  return e;
}

// "2026-Q3" -> "3. kvartal 2026", "2026-09" -> "september 2026".
export function periodText(p) {
  if (/^\d{4}-Q\d$/.test(p)) return `${p[6]}. kvartal ${p.slice(0, 4)}`;
  if (/^\d{4}-\d{2}$/.test(p)) return `${monthNames[Number(p.slice(5)) - 1]} ${p.slice(0, 4)}`;
  return p;
}

function shortPeriod(p) {
  if (/^\d{4}-Q\d$/.test(p)) return `${p[6]}. kv. ${p.slice(2, 4)}`;
  if (/^\d{4}-\d{2}$/.test(p)) return `${monthNames[Number(p.slice(5)) - 1].slice(0, 3)} ${p.slice(2, 4)}`;
  return p;
}

export function formatValue(v, ind) {
  if (v.suppressed) return '<5';
  if (v.value === null || v.value === undefined) return '–';
  return new Intl.NumberFormat('nb-NO', {
    minimumFractionDigits: ind.decimals, maximumFractionDigits: ind.decimals,
  }).format(v.value);
}

function valueCell(v, ind, attrs = {}) {
  const text = formatValue(v, ind);
  const title = v.suppressed ? 'Skjult: færre enn 5 pasienter, eller kunne regnes ut fra andre tall'
    : v.status ? `${statusWord[v.status]} (${ind.norm})` : ind.norm;
  return el('td', { class: `num ${v.status ? `st-${v.status}` : ''} ${v.suppressed ? 'suppressed' : ''}`, title, ...attrs },
    text, v.status ? el('span', { class: 'st-word' }, ` ${statusWord[v.status]}`) : null);
}

// The periods the user can pick: years, quarters or months back from now.
function periodChoices(kind) {
  const now = new Date();
  const y = now.getFullYear();
  const out = [];
  if (kind === 'year') for (let i = 0; i < 4; i++) out.push(String(y - i));
  if (kind === 'quarter') {
    for (let i = 0; i < 8; i++) {
      const q = Math.floor(now.getMonth() / 3) - i;
      const yy = y + Math.floor(q / 4);
      out.push(`${yy}-Q${((q % 4) + 4) % 4 + 1}`);
    }
  }
  if (kind === 'month') {
    for (let i = 0; i < 24; i++) {
      const d = new Date(y, now.getMonth() - i, 1);
      out.push(`${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}`);
    }
  }
  return out;
}

// The trend range ending at period p: 8 quarters, 12 months or 5 years.
function trendRange(p) {
  if (/^\d{4}-Q\d$/.test(p)) {
    let y = Number(p.slice(0, 4));
    let q = Number(p[6]) - 7;
    while (q < 1) { q += 4; y -= 1; }
    return { from: `${y}-Q${q}`, to: p };
  }
  if (/^\d{4}-\d{2}$/.test(p)) {
    const d = new Date(Number(p.slice(0, 4)), Number(p.slice(5)) - 12, 1);
    return { from: `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}`, to: p };
  }
  return { from: String(Number(p) - 4), to: p };
}

const prefs = { kind: 'quarter', period: null, group: '' };

function controls(onChange, groups) {
  const kindSel = el('select', { id: 'dash-kind', 'aria-label': 'Periodetype' },
    [['year', 'År'], ['quarter', 'Kvartal'], ['month', 'Måned']].map(([v, t]) =>
      el('option', { value: v, selected: prefs.kind === v }, t)));
  const perSel = el('select', { id: 'dash-period', 'aria-label': 'Periode' });
  const fill = () => {
    const choices = periodChoices(prefs.kind);
    if (!choices.includes(prefs.period)) [prefs.period] = choices;
    perSel.replaceChildren(...choices.map((p) => el('option', { value: p, selected: p === prefs.period }, periodText(p))));
  };
  fill();
  kindSel.addEventListener('change', () => { prefs.kind = kindSel.value; fill(); onChange(); });
  perSel.addEventListener('change', () => { prefs.period = perSel.value; onChange(); });
  const groupSel = el('select', { id: 'dash-group', 'aria-label': 'Område' },
    el('option', { value: '' }, 'Alle områder'),
    groups.map((g) => el('option', { value: g, selected: prefs.group === g }, g)));
  groupSel.addEventListener('change', () => { prefs.group = groupSel.value; onChange(); });
  return el('div', { class: 'row dash-controls' },
    el('div', {}, el('label', { for: 'dash-kind' }, 'Periodetype'), kindSel),
    el('div', {}, el('label', { for: 'dash-period' }, 'Periode'), perSel),
    el('div', {}, el('label', { for: 'dash-group' }, 'Område'), groupSel));
}

const GROUPS = ['KAD', 'Sykestue', 'Utskrivningsklare', 'Sykehus', 'Hjemmeoppfølging', 'Samkonsultasjon',
  'Felles plan', 'Brukererfaring'];

function csvLink(base, params, text = 'Last ned som CSV') {
  const q = new URLSearchParams({ ...params, format: 'csv' });
  return el('a', { class: 'csv', href: `${base}?${q}`, download: 'indikatorer.csv' }, text);
}

// ---- the helsefellesskap: every municipality against the norms ----
export async function showDashboard(nr, { isPublic = false, fellesskap = null } = {}) {
  if (fellesskap) return showEntity({ fellesskap }, { isPublic });
  if (nr) return showEntity({ municipality: nr }, { isPublic });
  const base = isPublic ? '/api/public/indicators' : '/api/indicators';
  const root = isPublic ? '#/offentlig' : '#/indikatorer';
  const out = el('div', { id: 'dash-out' }, el('p', { class: 'muted' }, 'Henter …'));
  let sortBy = null;
  let sortDir = 1;
  const render = async () => {
    const data = await api('GET', `${base}?${new URLSearchParams({ period: prefs.period })}`);
    const inds = data.indicators.filter((i) => !prefs.group || i.group === prefs.group);
    const rows = data.rows.map((r) => ({ entity: r.entity, values: r.values[0] }));
    const munis = rows.filter((r) => r.entity.kind === 'municipality');
    const totals = rows.filter((r) => r.entity.kind !== 'municipality');
    if (sortBy) {
      const key = (r) => {
        const v = r.values[sortBy];
        return v.suppressed || v.value === null || v.value === undefined ? null : v.value;
      };
      munis.sort((a, b) => {
        const x = key(a); const y = key(b);
        if (x === null && y === null) return a.entity.name.localeCompare(b.entity.name, 'nb');
        if (x === null) return 1;
        if (y === null) return -1;
        return (x - y) * sortDir;
      });
    }
    const head = el('tr', {}, el('th', { scope: 'col' }, 'Kommune'), inds.map((i) => el('th', { scope: 'col', class: 'num' },
      el('button', { type: 'button', 'data-sort': i.code, title: `Sorter etter ${i.name}`,
        onclick: () => { sortDir = sortBy === i.code ? -sortDir : 1; sortBy = i.code; render(); } },
      i.name, sortBy === i.code ? (sortDir > 0 ? ' ▲' : ' ▼') : ''),
      el('div', { class: 'small muted' }, i.unit),
      el('div', {}, el('a', { href: `${root}/sammenlign/${i.code}`, class: 'small' }, 'Sammenlign')))));
    const line = (r, total) => el('tr', { 'data-entity': r.entity.kommunenummer || r.entity.kind, class: total ? 'total' : '' },
      el('th', { scope: 'row' }, total
        ? (r.entity.kind === 'helsefellesskap' ? el('a', { href: `${root}/helsefellesskap/${r.entity.id}` }, r.entity.name) : r.entity.name)
        : el('a', { href: `${root}/${r.entity.kommunenummer}` }, `${r.entity.name} (${r.entity.kommunenummer})`)),
      inds.map((i) => valueCell(r.values[i.code], i)));
    out.replaceChildren(
      el('p', { class: 'muted' }, `${periodText(data.periods[0])}. Tall bygget på færre enn ${data.minPatients} pasienter vises som «<5», `
        + 'og så mange flere som trengs for at de ikke kan regnes ut fra summer.'),
      el('div', { class: 'table-wrap' }, el('table', { class: 'indicators', id: 'dash-table' },
        el('thead', {}, head), el('tbody', {}, munis.map((r) => line(r, false))),
        el('tfoot', {}, totals.map((r) => line(r, true))))),
      el('p', {}, csvLink(base, { period: prefs.period, ...(prefs.group ? { indicator: inds.map((i) => i.code).join(',') } : {}) })),
      legend(),
      definitions(inds));
  };
  show(el('h1', { id: 'js-title' }, isPublic ? 'Helsetjenestene i kommunene dine' : 'Indikatorer for helsefellesskapet'),
    isPublic ? el('p', {}, 'Tall for kvalitet og kapasitet i kommunene og sykehuset, slik helsefellesskapet følger dem. '
      + 'Ingen tall viser enkeltpersoner.') : null,
    controls(() => render().catch(fail(out)), GROUPS),
    !isPublic && ['analyst', 'admin'].includes(state.me?.role) ? surveyImport(() => render().catch(fail(out))) : null,
    isPublic ? null : el('p', {}, el('a', { href: '#/framskriving' }, 'Framskriving til 2040'),
      ['gp', 'hospital-clinician', 'municipal-clinician'].includes(state.me?.role)
        ? [' · ', el('a', { href: '#/hoyforbrukere' }, 'Pasienter som kan ha nytte av proaktiv oppfølging')] : null),
    out);
  await render().catch(fail(out));
}

const fail = (out) => (e) => out.replaceChildren(el('p', { class: 'error', role: 'alert' }, e.message));

// For the secretariat: import user-experience results (the GP patient
// survey's six indicators, PaRIS) from a CSV file.
function surveyImport(onDone) {
  const msg = el('p', { role: 'status', id: 'survey-msg' });
  const input = el('input', { type: 'file', id: 'survey-file', accept: '.csv,text/csv' });
  input.addEventListener('change', async () => {
    const file = input.files[0];
    if (!file) return;
    msg.className = '';
    msg.textContent = 'Leser inn …';
    try {
      const r = await api('POST', '/api/surveys', { csv: await file.text() });
      msg.className = 'ok';
      msg.textContent = `${r.rows} resultater lest inn fra ${file.name}.`;
      onDone();
    } catch (e) {
      msg.className = 'error';
      msg.textContent = e.message;
    }
    input.value = '';
  });
  return el('details', { class: 'card' }, el('summary', {}, 'Importer brukerundersøkelse (CSV)'),
    el('p', { class: 'small' }, 'Kolonner: kommunenummer;år;undersøkelse;indikator;verdi;antall_svar. '
      + 'Undersøkelse «fastlege» (fastlegen, organisering, samhandling, mestring, tilgjengelighet, kontinuitet) '
      + 'eller «paris» (personsentrert, koordinering, tillit, egenmestring, livskvalitet). Verdi 0–100.'),
    el('label', { for: 'survey-file' }, 'Fil'), input, msg);
}

function legend() {
  return el('p', { class: 'legend small' },
    el('span', { class: 'st-green chip' }, 'Grønn'), ' innenfor norm · ',
    el('span', { class: 'st-amber chip' }, 'Gul'), ' nær norm · ',
    el('span', { class: 'st-red chip' }, 'Rød'), ' utenfor norm · «–» ingen data · «<5» skjult for personvern');
}

function definitions(inds) {
  return el('details', { class: 'definitions' }, el('summary', {}, 'Definisjoner og kilder'),
    el('dl', { class: 'facts' }, inds.map((i) => [
      el('dt', {}, el('strong', {}, i.name)),
      el('dd', {}, i.definition, el('br'), `Teller: ${i.numerator}. Nevner: ${i.denominator}. `,
        `Kilde: ${i.source}. Norm: ${i.norm}.`)])));
}

// ---- one municipality or the helsefellesskap: every indicator with its trend ----
async function showEntity(which, { isPublic }) {
  const base = isPublic ? '/api/public/indicators' : '/api/indicators';
  const root = isPublic ? '#/offentlig' : '#/indikatorer';
  const nr = which.municipality;
  const out = el('div', { id: 'dash-out' }, el('p', { class: 'muted' }, 'Henter …'));
  const title = el('h1', { id: 'js-title' }, nr ? 'Kommune' : 'Helsefellesskapet');
  const render = async () => {
    const range = trendRange(prefs.period);
    const data = await api('GET', `${base}?${new URLSearchParams({ ...which, ...range })}`);
    const row = nr ? data.rows[0] : data.rows.find((r) => r.entity.kind === 'helsefellesskap');
    title.textContent = nr ? `${row.entity.name} kommune` : row.entity.name;
    const last = data.periods.length - 1;
    const inds = data.indicators.filter((i) => !prefs.group || i.group === prefs.group);
    const byGroup = new Map();
    for (const i of inds) byGroup.set(i.group, [...(byGroup.get(i.group) || []), i]);
    out.replaceChildren(
      el('p', { class: 'muted' }, `${periodText(data.periods[last])}, med utviklingen fra ${periodText(data.periods[0])}.`),
      ...[...byGroup].map(([g, list]) => el('section', { class: 'card' }, el('h2', {}, g),
        el('table', { class: 'indicators' },
          el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'Indikator'), el('th', { scope: 'col', class: 'num' }, periodText(data.periods[last])),
            el('th', { scope: 'col' }, 'Norm'), el('th', { scope: 'col' }, 'Utvikling'))),
          el('tbody', {}, list.map((i) => el('tr', { 'data-indicator': i.code },
            el('th', { scope: 'row' }, i.name, el('div', { class: 'small muted' }, i.definition),
              !isPublic && nr && drillable(i) ? drillButton(i, nr, data.periods[last]) : null),
            valueCell(row.values[last][i.code], i),
            el('td', { class: 'small' }, i.norm),
            el('td', {}, trendChart(data.periods, row.values.map((v) => v[i.code]), i)))))))),
      el('p', {}, csvLink(base, { ...which, ...range }, 'Last ned utviklingen som CSV')),
      legend(), definitions(inds));
  };
  show(el('p', {}, el('a', { href: root }, nr ? '← Alle kommuner' : '← Kommunene side om side')), title,
    controls(() => render().catch(fail(out)), GROUPS), out);
  await render().catch(fail(out));
}

// Stay indicators can show the stays behind the number, to users with a
// relation to the patients (the server checks and audits each one).
const drillable = (i) => ['KAD', 'Sykestue', 'Sykehus'].includes(i.group) && i.code !== 'kad_beds_per_7000';

function drillButton(ind, nr, period) {
  const box = el('div', { class: 'drill' });
  const button = el('button', { type: 'button', class: 'small', 'data-drill': ind.code }, 'Vis oppholdene');
  button.addEventListener('click', async () => {
    button.disabled = true;
    try {
      const d = await api('GET', `/api/indicators/stays?${new URLSearchParams({ indicator: ind.code, municipality: nr, period })}`);
      box.replaceChildren(
        d.stays.length ? el('table', { class: 'drill-table' },
          el('thead', {}, el('tr', {}, ['Pasient', 'Enhet', 'Inn', 'Ut', 'Døgn'].map((h) => el('th', { scope: 'col' }, h)))),
          el('tbody', {}, d.stays.map((st) => el('tr', {},
            el('td', {}, el('a', { href: `#/pasient/${st.patientId}` }, st.name)), el('td', {}, st.unit),
            el('td', {}, st.start), el('td', {}, st.end || 'innlagt'),
            el('td', { class: 'num' }, new Intl.NumberFormat('nb-NO', { maximumFractionDigits: 1 }).format(st.days))))))
          : el('p', { class: 'small' }, 'Ingen opphold du har tjenstlig behov for å se.'),
        d.withoutRelation ? el('p', { class: 'small muted' }, `${d.withoutRelation} opphold vises ikke: du har ikke tjenstlig relasjon til pasientene.`) : null);
    } catch (e) {
      box.replaceChildren(el('p', { class: 'error' }, e.message));
    }
    button.disabled = false;
  });
  return el('div', {}, button, box);
}

// A small line chart; suppressed and empty periods are gaps, the norm a
// dashed line. Text labels so it reads when printed in black and white.
function trendChart(periods, values, ind) {
  const w = 260; const h = 90; const padL = 34; const padB = 18;
  const nums = values.map((v) => (v && !v.suppressed && v.value !== null && v.value !== undefined ? v.value : null));
  const target = ind.target ? [ind.target.low, ind.target.high].filter((x) => x !== undefined) : [];
  const all = nums.filter((x) => x !== null).concat(target);
  const max = Math.max(1, ...all) * 1.1;
  const x = (i) => padL + (periods.length > 1 ? (i * (w - padL - 6)) / (periods.length - 1) : 0);
  const y = (v) => h - padB - (v / max) * (h - padB - 6);
  const fmt = (v) => new Intl.NumberFormat('nb-NO', { maximumFractionDigits: ind.decimals }).format(v);
  const s = svg('svg', { viewBox: `0 0 ${w} ${h}`, width: w, height: h, role: 'img', class: 'trend-chart',
    'aria-label': `${ind.name}: ${periods.map((p, i) => `${shortPeriod(p)} ${nums[i] === null ? (values[i]?.suppressed ? '<5' : 'ingen data') : fmt(nums[i])}`).join(', ')}` });
  s.append(svg('line', { x1: padL, x2: w - 4, y1: h - padB, y2: h - padB, class: 'axis-line' }),
    svg('text', { x: padL - 4, y: y(max / 1.1) + 4, class: 'axis', 'text-anchor': 'end' }, fmt(max / 1.1)),
    svg('text', { x: padL - 4, y: h - padB, class: 'axis', 'text-anchor': 'end' }, '0'),
    svg('text', { x: padL, y: h - 4, class: 'axis' }, shortPeriod(periods[0])),
    svg('text', { x: w - 4, y: h - 4, class: 'axis', 'text-anchor': 'end' }, shortPeriod(periods[periods.length - 1])));
  for (const t of target) s.append(svg('line', { x1: padL, x2: w - 4, y1: y(t), y2: y(t), class: 'norm-line' }));
  let seg = [];
  const flush = () => {
    if (seg.length > 1) s.append(svg('polyline', { points: seg.join(' '), class: 'trend' }));
    seg = [];
  };
  nums.forEach((v, i) => {
    if (v === null) { flush(); return; }
    seg.push(`${x(i)},${y(v)}`);
    s.append(svg('circle', { cx: x(i), cy: y(v), r: 2.5, class: `trend ${values[i].status ? `st-${values[i].status}` : ''}` }));
  });
  flush();
  return s;
}

// ---- all municipalities side by side on one indicator ----
export async function showCompare(code, { isPublic = false } = {}) {
  const base = isPublic ? '/api/public/indicators' : '/api/indicators';
  const root = isPublic ? '#/offentlig' : '#/indikatorer';
  const out = el('div', { id: 'dash-out' }, el('p', { class: 'muted' }, 'Henter …'));
  const title = el('h1', { id: 'js-title' }, 'Sammenligning');
  const render = async () => {
    const data = await api('GET', `${base}?${new URLSearchParams({ period: prefs.period, indicator: code })}`);
    const ind = data.indicators[0];
    title.textContent = `${ind.name}: alle kommuner`;
    const rows = data.rows.map((r) => ({ entity: r.entity, v: r.values[0][code] }));
    rows.sort((a, b) => (b.v.value ?? -1) - (a.v.value ?? -1));
    out.replaceChildren(el('p', {}, ind.definition, ' ', el('strong', {}, `Norm: ${ind.norm}.`)),
      barChart(rows, ind),
      el('table', { class: 'indicators', id: 'compare-table' },
        el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'Kommune'), el('th', { scope: 'col', class: 'num' }, `${ind.name} (${ind.unit})`))),
        el('tbody', {}, rows.map((r) => el('tr', {}, el('th', { scope: 'row' }, r.entity.name), valueCell(r.v, ind))))),
      el('p', {}, csvLink(base, { period: prefs.period, indicator: code })));
  };
  show(el('p', {}, el('a', { href: root }, '← Alle indikatorer')), title,
    controls(() => render().catch(fail(out)), []), out);
  await render().catch(fail(out));
}

function barChart(rows, ind) {
  const rowH = 22; const labelW = 190; const w = 640; const h = rows.length * rowH + 24;
  const vals = rows.map((r) => (r.v.suppressed || r.v.value == null ? null : r.v.value));
  const target = ind.target ? [ind.target.low, ind.target.high].filter((x) => x !== undefined) : [];
  const max = Math.max(1, ...vals.filter((v) => v !== null), ...target) * 1.1;
  const x = (v) => labelW + (v / max) * (w - labelW - 70);
  const fmt = (v) => new Intl.NumberFormat('nb-NO', { maximumFractionDigits: ind.decimals }).format(v);
  const s = svg('svg', { viewBox: `0 0 ${w} ${h}`, width: '100%', role: 'img', class: 'bar-chart',
    'aria-label': `${ind.name} per kommune` });
  rows.forEach((r, i) => {
    const top = i * rowH + 4;
    s.append(svg('text', { x: labelW - 6, y: top + 14, 'text-anchor': 'end', class: 'axis label' }, r.entity.name));
    if (vals[i] === null) {
      s.append(svg('text', { x: labelW + 4, y: top + 14, class: 'axis' }, r.v.suppressed ? '<5' : '–'));
      return;
    }
    s.append(svg('rect', { x: labelW, y: top + 2, width: Math.max(1, x(vals[i]) - labelW), height: rowH - 6,
      class: `bar ${r.v.status ? `st-${r.v.status}` : ''} ${r.entity.kind !== 'municipality' ? 'total' : ''}` }),
    svg('text', { x: x(vals[i]) + 4, y: top + 14, class: 'axis' }, fmt(vals[i])));
  });
  for (const t of target) {
    s.append(svg('line', { x1: x(t), x2: x(t), y1: 0, y2: h - 20, class: 'norm-line' }),
      svg('text', { x: x(t), y: h - 6, 'text-anchor': 'middle', class: 'axis' }, `norm ${fmt(t)}`));
  }
  return s;
}
