// Helsebro web UI: plain ES module, no build step. Text is Norwegian (bokmål).

import { state, el, api, show, isStaff, setUnauthorizedHandler } from './ui.js';
import { showPlan, workCards, showTeams, showConsents, planLinkFor } from './careplan.js';
import { showMonitor, showChart, stopMonitor } from './monitor.js';
import { showDashboard, showCompare } from './dashboard.js';
import { showProjection } from './projection.js';
import { showHighUsers } from './risk.js';

setUnauthorizedHandler(() => {
  state.me = null;
  renderChrome();
  showLogin('Økten er utløpt eller du er ikke logget inn. Logg inn på nytt.');
});

const relationLabels = {
  self: 'egen journal', municipality: 'bor i din kommune', gp: 'på din fastlegeliste',
  stay: 'innlagt i din enhet', emergency: 'nødtilgang', 'care-team': 'med i teamet rundt pasienten',
  'advice-request': 'spørsmål til din avdeling', 'co-consultation': 'invitert til samkonsultasjon',
  'discharge-notice': 'meldt utskrivningsklar til din kommune',
};

const isPerson = () => ['patient', 'relative'].includes(state.me?.role);
const inCare = () => ['gp', 'hospital-clinician', 'municipal-clinician'].includes(state.me?.role);

// ---- chrome ----
function renderChrome() {
  const nav = document.getElementById('nav');
  const who = document.getElementById('who');
  nav.hidden = !state.me;
  for (const a of nav.querySelectorAll('[data-staff]')) a.hidden = !isStaff();
  for (const a of nav.querySelectorAll('[data-patient]')) a.hidden = state.me?.role !== 'patient';
  for (const a of nav.querySelectorAll('[data-admin]')) a.hidden = state.me?.role !== 'admin';
  for (const a of nav.querySelectorAll('[data-notpatient]')) a.hidden = !state.me || isPerson();
  for (const a of nav.querySelectorAll('[data-care]')) a.hidden = !state.me || isPerson();
  for (const a of nav.querySelectorAll('[data-person]')) a.hidden = !isPerson();
  for (const a of nav.querySelectorAll('[data-clinical]')) a.hidden = !inCare();
  for (const a of nav.querySelectorAll('[data-discharge]')) a.hidden = !dischargeSide();
  const here = location.hash.split('/').slice(0, 2).join('/');
  for (const a of nav.querySelectorAll('a')) {
    if (a.getAttribute('href') === here) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  who.replaceChildren();
  if (state.me) {
    who.append(el('span', {}, `${state.me.name} · ${state.me.roleLabel} · ${state.me.orgName}`),
      el('button', { type: 'button', onclick: logout }, 'Logg ut'));
  }
}

// ---- login ----
function showLogin(message) {
  const err = el('p', { class: 'error', role: 'alert', id: 'login-error' }, message || '');
  const form = el('form', { class: 'card login', id: 'login-form' },
    el('h1', {}, 'Logg inn i Helsebro'),
    el('label', { for: 'username' }, 'Brukernavn'),
    el('input', { id: 'username', name: 'username', autocomplete: 'username', required: true }),
    el('label', { for: 'password' }, 'Passord'),
    el('input', { id: 'password', name: 'password', type: 'password', autocomplete: 'current-password', required: true }),
    err,
    el('div', { class: 'actions' }, el('button', { class: 'primary', type: 'submit' }, 'Logg inn')));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    err.textContent = '';
    try {
      state.me = await api('POST', '/api/login', {
        username: form.username.value.trim(), password: form.password.value,
      });
      renderChrome();
      if (location.hash === '#/start' || !location.hash) route(); else location.hash = '#/start';
      if (location.hash === '#/start') route();
    } catch (e) {
      err.textContent = e.message;
      form.password.value = '';
      form.password.focus();
    }
  });
  show(form, el('p', { class: 'login' }, el('a', { href: '#/offentlig' },
    'Se hvordan kommunene i helsefellesskapet ligger an (åpent for alle)')));
  form.username.focus();
}

async function logout() {
  try { await api('POST', '/api/logout'); } catch { /* the session may be gone already */ }
  state.me = null;
  history.replaceState(null, '', '#/start'); // no hashchange: keep the message below
  renderChrome();
  showLogin('Du er logget ut.');
}

// ---- start ----
// Open monitoring alerts for the patients my team follows, on the start page.
function alertCard() {
  const card = el('section', { class: 'card', id: 'my-alerts', 'aria-labelledby': 'alerts-h' },
    el('h2', { id: 'alerts-h' }, 'Varsler fra overvåkingen'), el('p', { class: 'muted' }, 'Henter …'));
  api('GET', '/api/monitor').then((d) => {
    const open = d.patients.flatMap((p) => p.alerts.map((a) => ({ ...a, patient: p })));
    card.replaceChildren(card.firstChild, open.length
      ? el('ul', {}, open.map((a) => el('li', {}, el('span', { class: `badge ${a.status === 'open' ? 'warn' : ''}` },
        a.status === 'open' ? 'ikke kvittert' : 'kvittert'), ' ',
      el('a', { href: `#/kurve/${a.patient.patientId}` }, a.patient.name), `: ${a.kindLabel} – ${a.detail} (${a.raisedLocal})`)))
      : el('p', {}, 'Ingen åpne varsler.'),
    el('p', {}, el('a', { href: '#/overvaking' }, 'Til overvåkingen')));
  }).catch((e) => card.replaceChildren(card.firstChild, el('p', { class: 'error' }, e.message)));
  return card;
}

function showStart() {
  const me = state.me;
  const items = [
    el('h1', {}, `Hei, ${me.name}`),
    el('div', { class: 'card' }, el('dl', { class: 'facts' },
      el('dt', {}, 'Rolle'), el('dd', {}, me.roleLabel),
      el('dt', {}, 'Organisasjon'), el('dd', {}, me.orgName),
      el('dt', {}, 'Brukernavn'), el('dd', {}, me.username))),
  ];
  const links = el('div', { class: 'card' }, el('h2', {}, 'Hva vil du gjøre?'));
  const ul = el('ul');
  if (isStaff()) ul.append(el('li', {}, el('a', { href: '#/sok' }, 'Søk etter en pasient')));
  if (me.role === 'patient') {
    ul.append(el('li', {}, planLinkFor(me.patientId, 'Min plan: hva som er viktig for meg, mål og oppgaver')),
      el('li', {}, el('a', { href: `#/pasient/${me.patientId}` }, 'Se opplysningene mine')),
      el('li', {}, el('a', { href: '#/min-logg' }, 'Se hvem som har sett journalen min')),
      el('li', {}, el('a', { href: '#/samtykke' }, 'Bestem hva pårørende kan se')));
  }
  if (me.role === 'relative') {
    ul.append(el('li', {}, planLinkFor(me.patientId, 'Planen til den du er pårørende for')),
      el('li', {}, el('a', { href: '#/samtykke' }, 'Se hva du har fått tilgang til')));
  }
  if (inCare()) {
    ul.append(el('li', {}, el('a', { href: '#/overvaking' }, 'Overvåking: pasientene teamet ditt følger, med varsler')),
      el('li', {}, el('a', { href: '#/team' }, 'Teamene og pasientene deres')));
  }
  if (!isPerson()) ul.append(el('li', {}, el('a', { href: '#/kapasitet' }, 'Se ledige senger og hva enhetene kan behandle')));
  if (me.orgIsUnit) ul.append(el('li', {}, el('a', { href: `#/enhet/${me.orgId}` }, `Sengeoversikt for ${me.orgName}`)));
  if (dischargeSide()) ul.append(el('li', {}, el('a', { href: '#/utskrivningsklare' }, 'Utskrivningsklare pasienter')));
  if (me.role === 'admin') ul.append(el('li', {}, el('a', { href: '#/nodtilgang' }, 'Følg opp nødtilganger')));
  ul.append(el('li', {}, el('a', { href: '#/organisasjon' }, 'Se kommunene og enhetene i helsefellesskapet')));
  links.append(ul);
  items.push(links);
  if (inCare()) items.push(alertCard());
  if (inCare() || isPerson()) items.push(workCards());
  if (isStaff()) {
    const work = el('div', { class: 'card', id: 'worklist' }, el('h2', {}, 'Arbeidsliste: opphold som skal følges opp'),
      el('p', { class: 'muted' }, 'Henter …'));
    items.push(work);
    api('GET', '/api/worklist').then((d) => {
      work.replaceChildren(work.firstChild, d.items.length
        ? el('ul', {}, d.items.map((w) => el('li', {},
          el('a', { href: `#/enhet/${w.unit.id}` }, `${w.unit.name}, seng ${w.bed}`), ': ',
          w.stay.patient ? `${w.stay.patient.name}, ` : '', `${w.stay.days} døgn – `,
          w.stay.flags.map((f) => el('span', { class: 'badge warn', title: f.source }, f.label)))))
        : el('p', {}, 'Ingen opphold å følge opp i enhetene dine.'));
    }).catch((e) => work.replaceChildren(work.firstChild, el('p', { class: 'error' }, e.message)));
  }
  show(...items);
}

// ---- patient search ----
const emergencyDialog = document.getElementById('emergency');

function askEmergency(patientId) {
  return new Promise((resolve) => {
    const form = document.getElementById('emergency-form');
    const reason = document.getElementById('emergency-reason');
    const err = document.getElementById('emergency-error');
    reason.value = '';
    err.textContent = '';
    const done = (ok) => {
      form.removeEventListener('submit', submit);
      document.getElementById('emergency-cancel').removeEventListener('click', cancel);
      emergencyDialog.close();
      resolve(ok);
    };
    const submit = async (ev) => {
      ev.preventDefault();
      try {
        await api('POST', `/api/patients/${patientId}/emergency-access`, { reason: reason.value.trim() });
        done(true);
      } catch (e) {
        err.textContent = e.message;
      }
    };
    const cancel = () => done(false);
    form.addEventListener('submit', submit);
    document.getElementById('emergency-cancel').addEventListener('click', cancel);
    emergencyDialog.showModal();
    reason.focus();
  });
}

function showSearch(query = '', sort = 'name') {
  const err = el('p', { class: 'error', role: 'alert' });
  const results = el('div', { id: 'results', 'aria-live': 'polite' });
  const form = el('form', { class: 'card', role: 'search' },
    el('div', { class: 'row' },
      el('div', { class: 'grow' },
        el('label', { for: 'q' }, 'Navn eller fødselsnummer'),
        el('input', { id: 'q', name: 'q', value: query, autocomplete: 'off', required: true })),
      el('button', { class: 'primary', type: 'submit' }, 'Søk')),
    el('p', { class: 'muted' }, 'Du ser bare pasienter du har en tjenstlig relasjon til. Alle treff logges.'),
    err);
  let current = sort;
  async function run() {
    err.textContent = '';
    results.replaceChildren(el('p', { class: 'muted' }, 'Søker …'));
    try {
      const q = form.q.value.trim();
      const data = await api('GET', `/api/patients?q=${encodeURIComponent(q)}&sort=${current}`);
      results.replaceChildren(renderResults(data, q));
    } catch (e) {
      results.replaceChildren();
      err.textContent = e.message;
    }
  }
  function sortButton(key, label) {
    return el('button', { type: 'button', onclick: () => { current = key; run(); },
      'aria-sort': current === key ? 'ascending' : 'none' }, label + (current === key ? ' ▲' : ''));
  }
  function renderResults(data, q) {
    const frag = el('div');
    if (data.restricted) {
      frag.append(el('div', { class: 'card' },
        el('p', {}, 'Pasienten finnes, men du har ingen tjenstlig relasjon til henne eller ham.'),
        el('button', { type: 'button', onclick: async () => {
          if (await askEmergency(data.restricted.id)) location.hash = `#/pasient/${data.restricted.id}`;
        } }, 'Bruk nødtilgang …')));
    }
    if (!data.results.length) {
      if (!data.restricted) frag.append(el('p', {}, `Ingen treff for «${q}».`));
      return frag;
    }
    const table = el('table', {},
      el('caption', { class: 'muted' }, `${data.results.length} treff${data.more ? ' (flere finnes: skriv mer presist)' : ''}`),
      el('thead', {}, el('tr', {},
        el('th', {}, sortButton('name', 'Navn')), el('th', {}, 'Fødselsnummer'),
        el('th', {}, sortButton('birthDate', 'Født')), el('th', { class: 'num' }, 'Alder'),
        el('th', {}, 'Kommune'))),
      el('tbody', {}, data.results.map((p) => el('tr', {},
        el('td', {}, el('a', { href: `#/pasient/${p.id}` }, `${p.family}, ${p.given}`)),
        el('td', {}, p.nid), el('td', {}, p.birthDateLocal), el('td', { class: 'num' }, p.age),
        el('td', {}, p.municipality || '')))));
    frag.append(table);
    return frag;
  }
  form.addEventListener('submit', (ev) => { ev.preventDefault(); run(); });
  show(el('h1', {}, 'Pasientsøk'), form, results);
  form.q.focus();
  if (query) run();
}

// ---- patient page ----
function accessTable(entries) {
  if (!entries.length) return el('p', {}, 'Ingen har sett journalen ennå.');
  return el('table', { class: 'access-log' },
    el('thead', {}, el('tr', {}, el('th', {}, 'Tidspunkt'), el('th', {}, 'Hvem'), el('th', {}, 'Rolle'),
      el('th', {}, 'Organisasjon'), el('th', {}, 'Hva'), el('th', {}, 'Grunnlag'))),
    el('tbody', {}, entries.map((e) => el('tr', {},
      el('td', {}, e.timeLocal), el('td', {}, e.user || 'System'), el('td', {}, e.role),
      el('td', {}, e.organisation || ''),
      el('td', {}, e.actionLabel, e.outcome === 'denied' ? el('span', { class: 'badge denied' }, ' avvist') : ''),
      el('td', {}, e.relation === 'emergency'
        ? el('span', { class: 'badge warn' }, `nødtilgang: ${e.reason || ''}`)
        : (relationLabels[e.relation] || e.relation || ''))))));
}

async function showPatient(id) {
  show(el('p', { class: 'muted' }, 'Henter pasient …'));
  let p;
  try {
    p = await api('GET', `/api/patients/${id}`);
  } catch (e) {
    if (e.status === 403 && isStaff()) {
      show(el('h1', {}, 'Ingen tilgang'), el('div', { class: 'card' }, el('p', {}, e.message),
        el('button', { type: 'button', onclick: async () => { if (await askEmergency(id)) showPatient(id); } },
          'Bruk nødtilgang …')));
    } else {
      show(el('h1', {}, 'Kan ikke vise pasienten'), el('p', { class: 'error' }, e.message));
    }
    return;
  }
  const log = el('div', { id: 'access-log' }, el('p', { class: 'muted' }, 'Henter tilgangslogg …'));
  show(
    el('h1', {}, `${p.given} ${p.family}`),
    el('div', { class: 'card' }, el('dl', { class: 'facts' },
      el('dt', {}, 'Fødselsnummer'), el('dd', {}, p.nid),
      el('dt', {}, 'Født'), el('dd', {}, `${p.birthDateLocal} (${p.age} år)`),
      el('dt', {}, 'Kjønn'), el('dd', {}, p.sex),
      el('dt', {}, 'Bostedskommune'), el('dd', {}, p.municipality ? `${p.municipality} (${p.kommunenummer})` : 'Ukjent'),
      el('dt', {}, 'Din tilgang'), el('dd', {}, relationLabels[p.relation] || p.relation),
      el('dt', {}, 'Sist endret'), el('dd', {}, `${p.updatedLocal} (versjon ${p.version})`)),
      el('p', {}, planLinkFor(id, 'Åpne den felles planen'), inCare() ? ' · ' : '',
        inCare() ? el('a', { href: `#/kurve/${id}` }, 'Kurve og NEWS2') : '')),
    el('h2', {}, 'Tilgangslogg'),
    el('p', { class: 'muted' }, 'Hvem som har sett eller endret opplysningene, nyeste først.'),
    log);
  try {
    const data = await api('GET', `/api/patients/${id}/access-log`);
    log.replaceChildren(accessTable(data.entries));
  } catch (e) {
    log.replaceChildren(el('p', { class: 'error' }, e.message));
  }
}

async function showMyLog() {
  if (state.me.role !== 'patient') { location.hash = '#/start'; return; }
  show(el('p', { class: 'muted' }, 'Henter …'));
  try {
    const data = await api('GET', `/api/patients/${state.me.patientId}/access-log`);
    show(el('h1', {}, 'Hvem har sett journalen min'),
      el('p', {}, 'Alle som åpner, søker fram eller endrer opplysningene dine blir logget her.'),
      accessTable(data.entries));
  } catch (e) {
    show(el('h1', {}, 'Hvem har sett journalen min'), el('p', { class: 'error' }, e.message));
  }
}

// ---- emergency access report (administrators) ----
async function showEmergencyReport() {
  show(el('p', { class: 'muted' }, 'Henter …'));
  const data = await api('GET', '/api/audit/emergency');
  const body = data.entries.length
    ? el('table', { class: 'emergency-report' },
      el('thead', {}, el('tr', {}, el('th', {}, 'Tidspunkt'), el('th', {}, 'Hvem'), el('th', {}, 'Rolle'),
        el('th', {}, 'Organisasjon'), el('th', {}, 'Pasient-id'), el('th', {}, 'Begrunnelse'))),
      el('tbody', {}, data.entries.map((e) => el('tr', {},
        el('td', {}, e.timeLocal), el('td', {}, e.user || ''), el('td', {}, e.role),
        el('td', {}, e.organisation || ''), el('td', {}, e.patientId), el('td', {}, e.reason || '')))))
    : el('p', {}, 'Ingen nødtilganger er brukt.');
  show(el('h1', {}, 'Nødtilganger'),
    el('p', {}, 'Hver nødtilgang skal følges opp: var begrunnelsen god nok? Pasienten ser den også i sin tilgangslogg.'),
    body);
}

// ---- organisation overview ----
const fmt = new Intl.NumberFormat('nb-NO');

async function showOrgs() {
  show(el('p', { class: 'muted' }, 'Henter …'));
  const data = await api('GET', '/api/orgs');
  let total = 0, total80 = 0, beds = 0;
  const rows = data.municipalities.map((m) => {
    total += m.population?.total || 0;
    total80 += m.population?.age80 || 0;
    const mb = m.units.reduce((s, u) => s + (u.beds || 0), 0);
    beds += mb;
    return el('tr', {},
      el('td', {}, m.name), el('td', {}, m.kommunenummer),
      el('td', { class: 'num' }, fmt.format(m.population?.total || 0)),
      el('td', { class: 'num' }, fmt.format(m.population?.age80 || 0)),
      el('td', {}, m.units.length ? m.units.map((u) => `${u.name} (${u.unitTypeLabel}${u.beds ? `, ${u.beds} senger` : ''})`).join('; ') : '—'));
  });
  const rank = { helsefellesskap: 0, hf: 1, hospital: 2, 'gp-office': 3 };
  data.organisations.sort((a, b) => (rank[a.type] ?? 9) - (rank[b.type] ?? 9) || a.name.localeCompare(b.name, 'nb'));
  const others = data.organisations.map((o) => el('div', { class: 'card' },
    el('h2', {}, o.name), el('p', { class: 'muted' }, o.typeLabel + (o.parent ? ` · del av ${o.parent}` : '')),
    o.units.length ? el('ul', {}, o.units.map((u) => el('li', {}, `${u.name} – ${u.unitTypeLabel}${u.beds ? `, ${u.beds} senger` : ''}`))) : ''));
  const year = data.municipalities.find((m) => m.population)?.population.year;
  show(el('h1', {}, 'Helsefellesskapet'),
    el('h2', {}, `Kommunene${year ? ` (folketall ${year})` : ''}`),
    el('table', {},
      el('thead', {}, el('tr', {}, el('th', {}, 'Kommune'), el('th', {}, 'Kommunenr.'),
        el('th', { class: 'num' }, 'Innbyggere'), el('th', { class: 'num' }, '80+ år'), el('th', {}, 'Kommunale enheter'))),
      el('tbody', {}, rows),
      el('tfoot', {}, el('tr', {}, el('td', {}, 'Sum'), el('td', {}, `${data.municipalities.length} kommuner`),
        el('td', { class: 'num' }, fmt.format(total)), el('td', { class: 'num' }, fmt.format(total80)),
        el('td', {}, `${beds} kommunale senger`)))),
    el('h2', {}, 'Sykehus, helseforetak og fastlegekontor'),
    el('div', { class: 'grid2' }, others));
}

// ---- capacity overview and my unit ----
const fmt1 = new Intl.NumberFormat('nb-NO', { minimumFractionDigits: 1, maximumFractionDigits: 1 });

function unitEditor(unit) {
  const msg = el('p', { role: 'status', id: 'unit-message' });
  const beds = el('input', { id: 'unit-beds', type: 'number', min: 0, max: 500, value: unit.beds, required: true });
  const boxes = unit.capabilityList.map((c) => el('label', { class: 'check' },
    el('input', { type: 'checkbox', name: 'cap', value: c.code, checked: unit.capabilities.includes(c.code) }),
    ` ${c.label}`));
  let version = unit.version;
  const form = el('form', { class: 'card', id: 'unit-form' },
    el('h2', {}, `Min enhet: ${unit.name}`),
    el('p', { class: 'muted' }, 'Hold antall senger og listen over hva dere kan behandle oppdatert – sykehuset og tildelingskontorene ser den.'),
    el('label', { for: 'unit-beds' }, 'Antall senger'), beds,
    el('fieldset', { class: 'caps' }, el('legend', {}, 'Enheten kan behandle'), boxes),
    msg,
    el('div', { class: 'actions' }, el('button', { class: 'primary', type: 'submit' }, 'Lagre')));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    msg.className = '';
    msg.textContent = 'Lagrer …';
    try {
      const r = await api('PUT', `/api/units/${unit.id}`, {
        beds: Number(beds.value), version,
        capabilities: [...form.querySelectorAll('input[name=cap]:checked')].map((b) => b.value),
      });
      version = r.version;
      msg.className = 'ok';
      msg.textContent = `Lagret (versjon ${r.version}).`;
      await renderCapacityTables();
    } catch (e) {
      msg.className = 'error';
      msg.textContent = e.message;
    }
  });
  return form;
}

// Administrators: which municipalities an inter-municipal KAD serves (an
// agreement between them); its beds count for each by inhabitants.
function servesEditor(data) {
  const kads = data.units.filter((u) => u.unitType === 'kad');
  if (!kads.length) return null;
  const unit = el('select', { id: 'serves-unit' }, kads.map((u) => el('option', { value: u.id }, u.owner ? `${u.name} (${u.owner})` : u.name)));
  const boxes = data.municipalities.map((m) => el('label', { class: 'check' },
    el('input', { type: 'checkbox', name: 'serves', value: m.kommunenummer }), ` ${m.name}`));
  const msg = el('p', { role: 'status', id: 'serves-message' });
  const form = el('form', { class: 'card', id: 'serves-form' },
    el('h2', {}, 'Interkommunal KAD'),
    el('p', { class: 'muted' }, 'Velg kommunene enheten betjener etter avtalen. Sengene fordeles på dem etter innbyggertall, '
      + 'i kapasitetsoversikten og i indikatorene. Ingen valgt: sengene telles hos kommunen som eier enheten.'),
    el('label', { for: 'serves-unit' }, 'Enhet'), unit,
    el('fieldset', { class: 'caps' }, el('legend', {}, 'Enheten betjener'), boxes),
    msg,
    el('div', { class: 'actions' }, el('button', { class: 'primary', type: 'submit' }, 'Lagre')));
  const load = async () => {
    const u = await api('GET', `/api/units/${unit.value}`);
    for (const b of form.querySelectorAll('input[name=serves]')) b.checked = u.serves.includes(b.value);
    msg.className = '';
    msg.textContent = '';
  };
  unit.addEventListener('change', load);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    msg.className = '';
    msg.textContent = 'Lagrer …';
    try {
      const r = await api('PUT', `/api/units/${unit.value}/serves`, {
        municipalities: [...form.querySelectorAll('input[name=serves]:checked')].map((b) => b.value),
      });
      msg.className = 'ok';
      msg.textContent = r.serves.length
        ? `Lagret: enheten betjener ${r.serves.length} kommuner, og sengene fordeles etter innbyggertall.`
        : 'Lagret: sengene telles hos kommunen som eier enheten.';
      await renderCapacityTables();
    } catch (e) {
      msg.className = 'error';
      msg.textContent = e.message;
    }
  });
  load();
  return form;
}

let capacityFilter = { cap: '', type: '' };

async function renderCapacityTables() {
  const data = await api('GET', '/api/capacity');
  const holder = document.getElementById('capacity-tables');
  if (!holder) return;
  const units = data.units.filter((u) => u.beds > 0 || u.capabilities.length)
    .filter((u) => !capacityFilter.cap || u.capabilities.some((c) => c.code === capacityFilter.cap))
    .filter((u) => !capacityFilter.type || u.unitType === capacityFilter.type);
  const sum = (k) => units.reduce((s, u) => s + u[k], 0);
  const unitTable = el('table', { id: 'capacity-units' },
    el('caption', { class: 'muted' }, `${units.length} enheter`),
    el('thead', {}, el('tr', {}, el('th', {}, 'Enhet'), el('th', {}, 'Type'), el('th', {}, 'Eier'),
      el('th', { class: 'num' }, 'Senger'), el('th', { class: 'num' }, 'Opptatt'), el('th', { class: 'num' }, 'Ledige'),
      el('th', {}, 'Kan behandle'))),
    el('tbody', {}, units.map((u) => el('tr', {},
      el('td', {}, u.beds ? el('a', { href: `#/enhet/${u.id}` }, u.name) : u.name),
      el('td', {}, u.unitTypeLabel), el('td', {}, u.owner || ''),
      el('td', { class: 'num' }, u.beds), el('td', { class: 'num' }, u.occupied),
      el('td', { class: 'num' }, u.free, u.overbooked ? el('span', { class: 'badge warn' }, ' overbelagt') : ''),
      el('td', {}, u.capabilities.map((c) => c.label).join(', ') || '—',
        u.unitType === 'joint-unit' ? el('div', {}, el('a', { href: `#/oppgjor-felles/${u.id}` }, 'Oppgjør mellom partene')) : '')))),
    el('tfoot', {}, el('tr', {}, el('td', {}, 'Sum'), el('td'), el('td'),
      el('td', { class: 'num' }, sum('beds')), el('td', { class: 'num' }, sum('occupied')),
      el('td', { class: 'num' }, sum('free')), el('td'))));
  const m = data.municipalityTotals;
  const muniTable = el('table', { id: 'capacity-municipalities' },
    el('thead', {}, el('tr', {}, el('th', {}, 'Kommune'), el('th', { class: 'num' }, 'Innbyggere'),
      el('th', { class: 'num' }, 'KAD-norm (senger)'), el('th', { class: 'num' }, 'KAD-senger (egne og andel av felles)'),
      el('th', { class: 'num' }, 'Innbyggere i KAD nå'))),
    el('tbody', {}, data.municipalities.map((x) => el('tr', {},
      el('td', {}, x.name), el('td', { class: 'num' }, fmt.format(x.population)),
      el('td', { class: 'num' }, fmt1.format(x.normBeds)), el('td', { class: 'num' }, fmt1.format(x.kadBeds)),
      el('td', { class: 'num' }, x.kadResidentsNow)))),
    el('tfoot', {}, el('tr', {}, el('td', {}, 'Sum'), el('td', { class: 'num' }, fmt.format(m.population)),
      el('td', { class: 'num' }, fmt1.format(m.normBeds)), el('td', { class: 'num' }, fmt1.format(m.kadBeds)),
      el('td', { class: 'num' }, m.kadResidentsNow))));
  holder.replaceChildren(unitTable,
    el('h2', {}, 'KAD mot normen: 1 seng per 7 000 innbyggere'),
    el('p', { class: 'muted' }, 'KAD-senger telles hos kommunen som eier enheten. En interkommunal KAD fordeles på kommunene den betjener etter innbyggertall.'),
    muniTable);
  return data;
}

async function showCapacity() {
  show(el('p', { class: 'muted' }, 'Henter …'));
  const capSelect = el('select', { id: 'cap-filter' }, el('option', { value: '' }, 'Alle'));
  const typeSelect = el('select', { id: 'type-filter' }, el('option', { value: '' }, 'Alle typer'));
  const filters = el('div', { class: 'row card' },
    el('div', { class: 'grow' }, el('label', { for: 'cap-filter' }, 'Må kunne behandle'), capSelect),
    el('div', { class: 'grow' }, el('label', { for: 'type-filter' }, 'Type enhet'), typeSelect));
  const mine = el('div', { id: 'my-unit' });
  show(el('h1', {}, 'Kapasitet i helsefellesskapet'),
    el('p', {}, 'Ledige senger og hva hver enhet kan behandle. Ingen pasientopplysninger vises her.'),
    mine, filters, el('div', { id: 'capacity-tables' }));
  const data = await renderCapacityTables();
  for (const c of data.capabilities) capSelect.append(el('option', { value: c.code }, c.label));
  const types = [...new Map(data.units.map((u) => [u.unitType, u.unitTypeLabel])).entries()];
  for (const [code, label] of types) typeSelect.append(el('option', { value: code }, label));
  capSelect.value = capacityFilter.cap;
  typeSelect.value = capacityFilter.type;
  capSelect.addEventListener('change', () => { capacityFilter.cap = capSelect.value; renderCapacityTables(); });
  typeSelect.addEventListener('change', () => { capacityFilter.type = typeSelect.value; renderCapacityTables(); });
  if (data.units.some((u) => u.id === state.me.orgId)) {
    const unit = await api('GET', `/api/units/${state.me.orgId}`);
    if (unit.canEdit) mine.replaceChildren(unitEditor(unit));
  } else if (state.me.role === 'admin') {
    const editor = servesEditor(data);
    if (editor) mine.replaceChildren(editor);
  }
}

// ---- the bed board of one unit ----
let boardTimer = null;

const destinations = [['home', 'Hjem'], ['home-care', 'Hjem med hjemmetjenester'], ['nursing-home', 'Sykehjem'],
  ['hospital', 'Sykehus'], ['other-unit', 'Annen enhet'], ['deceased', 'Død']];
const sources = [['home', 'Hjemmet'], ['gp', 'Fastlege'], ['legevakt', 'Legevakt'], ['hospital-ward', 'Sykehusavdeling'],
  ['other-unit', 'Annen enhet']];

function select(id, options) {
  return el('select', { id }, options.map(([v, l]) => el('option', { value: v }, l)));
}

// A small form shown in place of a bed card's actions; resolves when done.
function inlineForm(card, fields, submitLabel, onSubmit) {
  const msg = el('p', { class: 'error', role: 'alert' });
  const form = el('form', { class: 'inline' }, fields, msg,
    el('div', { class: 'actions' },
      el('button', { type: 'button', onclick: () => refreshBoard() }, 'Avbryt'),
      el('button', { type: 'submit', class: 'primary' }, submitLabel)));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    try {
      await onSubmit(form);
      await refreshBoard();
    } catch (e) {
      msg.textContent = e.message;
    }
  });
  card.querySelector('.bed-actions').replaceChildren(form);
  form.querySelector('input, select')?.focus();
}

let boardUnit = null;
let boardUnitType = null;

function bedCard(b, canAct, freeBeds) {
  const card = el('li', { class: `bed ${b.state}`, 'data-bed': b.number },
    el('div', { class: 'bed-head' }, el('strong', {}, `Seng ${b.number}`), el('span', { class: 'badge' }, b.stateLabel)));
  if (b.stay) {
    card.append(el('p', { class: 'occupant' }, b.stay.patient
      ? el('a', { href: `#/pasient/${b.stay.patient.id}` }, `${b.stay.patient.name}, ${b.stay.patient.age} år`)
      : 'Opptatt'));
    card.append(el('p', { class: 'muted' }, `${b.stay.days} døgn · siden ${b.stay.sinceLocal}`));
    for (const f of b.stay.flags) card.append(el('p', {}, el('span', { class: 'badge warn', title: f.source }, f.label)));
  } else if (b.reason) {
    card.append(el('p', { class: 'muted' }, b.reason + (b.reservedUntilLocal ? ` (til ${b.reservedUntilLocal})` : '')));
  }
  const actions = el('div', { class: 'bed-actions' });
  card.append(actions);
  if (!canAct) return card;
  if (b.stay) {
    actions.append(
      el('button', { type: 'button', onclick: () => inlineForm(card, [
        el('label', { for: `to-${b.number}` }, 'Skrives ut til'), select(`to-${b.number}`, destinations)],
      'Skriv ut', (f) => api('POST', `/api/stays/${b.stay.id}/discharge`, { to: f.querySelector('select').value })) }, 'Skriv ut'),
      freeBeds.length ? el('button', { type: 'button', onclick: () => inlineForm(card, [
        el('label', { for: `mv-${b.number}` }, 'Flytt til seng'), select(`mv-${b.number}`, freeBeds.map((n) => [n, `Seng ${n}`]))],
      'Flytt', (f) => api('POST', `/api/stays/${b.stay.id}/move`, { unitId: boardUnit, bed: Number(f.querySelector('select').value) })) }, 'Flytt') : '',
      boardUnitType === 'hospital-ward' && b.stay.patient && state.me.role === 'hospital-clinician'
        ? el('button', { type: 'button', onclick: async () => {
          try {
            const r = await api('POST', '/api/discharge-ready', { patientId: b.stay.patient.id });
            location.hash = `#/utskrivningsklar/${r.id}`;
          } catch (e) {
            actions.append(el('p', { class: 'error', role: 'alert' }, e.message));
          }
        } }, 'Varsle kommunen') : '');
  } else if (b.state === 'free' || b.state === 'reserved') {
    actions.append(
      el('button', { type: 'button', class: 'primary', onclick: () => inlineForm(card, [
        el('label', { for: `nid-${b.number}` }, 'Fødselsnummer'),
        el('input', { id: `nid-${b.number}`, inputmode: 'numeric', autocomplete: 'off', required: true }),
        el('label', { for: `src-${b.number}` }, 'Kommer fra'), select(`src-${b.number}`, sources)],
      'Legg inn', async (f) => {
        const nid = f.querySelector('input').value.trim();
        const found = await api('GET', `/api/patients?q=${encodeURIComponent(nid)}`);
        const id = found.results[0]?.id || found.restricted?.id;
        if (!id) throw new Error('Fant ingen pasient med dette fødselsnummeret.');
        await api('POST', '/api/stays', { patientId: id, unitId: boardUnit, bed: b.number, source: f.querySelector('select').value });
      }) }, 'Legg inn'),
      el('button', { type: 'button', onclick: () => inlineForm(card, [
        el('label', { for: `why-${b.number}` }, 'Hvorfor stenges sengen?'),
        el('input', { id: `why-${b.number}`, required: true, minlength: 3 })],
      'Steng', (f) => api('PUT', `/api/units/${boardUnit}/beds/${b.number}`, { state: 'closed', reason: f.querySelector('input').value })) }, 'Steng'));
  } else {
    actions.append(el('button', { type: 'button', onclick: async () => {
      await api('PUT', `/api/units/${boardUnit}/beds/${b.number}`, { state: 'free' });
      await refreshBoard();
    } }, 'Marker som ledig'));
  }
  return card;
}

async function refreshBoard() {
  const holder = document.getElementById('board');
  if (!holder || !boardUnit) return;
  const data = await api('GET', `/api/units/${boardUnit}/board`);
  const canAct = ['hospital-clinician', 'municipal-clinician'].includes(state.me.role) &&
    (state.me.orgId === boardUnit || state.me.orgId === data.unit.ownerId);
  const free = data.beds.filter((b) => b.state === 'free').map((b) => b.number);
  boardUnitType = data.unit.unitType;
  const t = data.totals;
  document.getElementById('board-title').textContent = data.unit.name;
  document.getElementById('board-totals').textContent =
    `${t.beds} senger: ${t.free} ledige, ${t.occupied} opptatt, ${t.reserved} reservert, ${t.cleaning} til vask, ${t.closed} stengt`;
  holder.replaceChildren(...data.beds.map((b) => bedCard(b, canAct, free)));
  document.getElementById('board-updated').textContent = `Oppdatert ${new Date().toLocaleTimeString('nb-NO')}`;
}

async function showBoard(unitId) {
  boardUnit = unitId;
  show(el('h1', { id: 'board-title' }, 'Sengeoversikt'),
    el('p', { id: 'board-totals', 'aria-live': 'polite' }),
    el('p', { class: 'muted' }, 'Navn vises bare for pasienter du har en tjenstlig relasjon til; hver visning logges. ',
      el('span', { id: 'board-updated' })),
    el('ul', { id: 'board', class: 'board' }));
  await refreshBoard();
  boardTimer = setInterval(() => {
    if (document.querySelector('#board form.inline')) return; // do not disturb a form being filled in
    refreshBoard().catch(() => {});
  }, 15000);
}

// ---- finding a place ----
async function showFindPlace() {
  show(el('p', { class: 'muted' }, 'Henter …'));
  const [orgs, capacity] = await Promise.all([api('GET', '/api/orgs'), api('GET', '/api/capacity')]);
  const muni = el('select', { id: 'place-municipality', required: true },
    orgs.municipalities.map((m) => el('option', { value: m.kommunenummer }, `${m.name} (${m.kommunenummer})`)));
  const max = el('input', { id: 'place-max', type: 'number', min: 1, max: 600, value: 120, required: true });
  const needs = capacity.capabilities.map((c) => el('label', { class: 'check' },
    el('input', { type: 'checkbox', name: 'need', value: c.code }), ` ${c.label}`));
  const err = el('p', { class: 'error', role: 'alert' });
  const result = el('div', { id: 'place-result', 'aria-live': 'polite' });
  const form = el('form', { class: 'card', id: 'place-form' },
    el('div', { class: 'row' },
      el('div', { class: 'grow' }, el('label', { for: 'place-municipality' }, 'Pasienten bor i'), muni),
      el('div', {}, el('label', { for: 'place-max' }, 'Lengste reisetid (minutter)'), max)),
    el('fieldset', { class: 'caps' }, el('legend', {}, 'Pasienten trenger'), needs),
    err, el('div', { class: 'actions' }, el('button', { type: 'submit', class: 'primary' }, 'Finn plass')));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    err.textContent = '';
    const codes = [...form.querySelectorAll('input[name=need]:checked')].map((b) => b.value).join(',');
    try {
      const d = await api('GET', `/api/placement?municipality=${muni.value}&needs=${codes}&maxMinutes=${max.value}`);
      const minutes = (u) => (u.minutes === undefined ? 'ukjent' : `${u.minutes} min (${u.km} km)`);
      result.replaceChildren(
        el('h2', {}, d.candidates.length ? `Kan ta imot nå (${d.candidates.length}), nærmeste først` : 'Ingen enhet kan ta imot nå'),
        d.candidates.length ? el('table', { id: 'place-candidates' },
          el('thead', {}, el('tr', {}, el('th', {}, 'Enhet'), el('th', {}, 'Type'), el('th', {}, 'Sted'),
            el('th', {}, `Reisetid fra ${d.municipality}`), el('th', { class: 'num' }, 'Ledige senger'))),
          el('tbody', {}, d.candidates.map((u) => el('tr', {},
            el('td', {}, el('a', { href: `#/enhet/${u.id}` }, u.name)), el('td', {}, u.unitTypeLabel),
            el('td', {}, u.site || ''), el('td', {}, minutes(u)), el('td', { class: 'num' }, u.free))))) : '',
        el('h2', {}, 'Ikke aktuelle nå'),
        el('table', { id: 'place-excluded' },
          el('thead', {}, el('tr', {}, el('th', {}, 'Enhet'), el('th', {}, 'Reisetid'), el('th', {}, 'Hvorfor ikke'))),
          el('tbody', {}, d.excluded.map((u) => el('tr', {},
            el('td', {}, u.name), el('td', {}, minutes(u)), el('td', {}, u.reasons.join('; ')))))));
    } catch (e) {
      err.textContent = e.message;
    }
  });
  show(el('h1', {}, 'Finn plass'),
    el('p', {}, 'Hvilke enheter kan ta imot pasienten nå: ledig seng, alt pasienten trenger, og innenfor reisetiden.'),
    form, result);
}

// ---- discharge-ready patients (utskrivningsklare) ----
function dischargeSide() {
  const r = state.me?.role;
  return r === 'hospital-clinician' || r === 'allocation-office' || r === 'municipal-clinician';
}

const nok = new Intl.NumberFormat('nb-NO', { style: 'currency', currency: 'NOK', maximumFractionDigits: 0 });

async function showDischargeList() {
  show(el('p', { class: 'muted' }, 'Henter …'));
  const d = await api('GET', '/api/discharge-ready');
  const hospital = d.side === 'hospital';
  const cases = d.cases.filter((c) => c.status !== 'closed');
  const month = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Oslo' }).format(new Date()).slice(0, 7);
  show(el('h1', {}, hospital ? 'Utskrivningsklare pasienter fra avdelingen' : 'Meldinger om utskrivningsklare pasienter'),
    el('p', {}, hospital
      ? 'Status og døgn kommunen betaler for, eldste først.'
      : 'Meldinger å svare på, eldste først, med døgnene kommunen betaler for nå.'),
    el('table', { id: 'discharge-list' },
      el('thead', {}, el('tr', {}, el('th', {}, 'Pasient'), el('th', {}, hospital ? 'Kommune' : 'Avdeling'),
        el('th', {}, 'Meldt'), el('th', {}, 'Status'), el('th', { class: 'num' }, 'Betalingsdøgn'), el('th', { class: 'num' }, 'Beløp'))),
      el('tbody', {}, cases.map((c) => el('tr', {},
        el('td', {}, el('a', { href: `#/utskrivningsklar/${c.id}` }, c.patient?.name || 'Sak ' + c.id)),
        el('td', {}, hospital ? c.municipality : c.ward), el('td', {}, c.openedLocal),
        el('td', {}, c.statusLabel), el('td', { class: 'num' }, c.paidDays),
        el('td', { class: 'num' }, nok.format(c.amountNok), c.provisionalRate ? el('span', { class: 'badge warn', title: 'Satsen for året er ikke lagt inn; siste kjente sats er brukt' }, ' foreløpig') : '')))),
      el('tfoot', {}, el('tr', {}, el('td', {}, 'Sum'), el('td'), el('td'), el('td'),
        el('td', { class: 'num' }, cases.reduce((s, c) => s + c.paidDays, 0)),
        el('td', { class: 'num' }, nok.format(cases.reduce((s, c) => s + c.amountNok, 0)))))),
    hospital ? '' : el('p', {}, el('a', { href: `#/oppgjor/${month}` }, 'Månedsoppgjør')));
}

async function showDischargeCase(id) {
  show(el('p', { class: 'muted' }, 'Henter …'));
  const c = await api('GET', `/api/discharge-ready/${id}`);
  const msg = el('p', { class: 'error', role: 'alert' });
  const send = async (body) => {
    try {
      await api('POST', `/api/discharge-ready/${id}/messages`, body);
      await showDischargeCase(id);
    } catch (e) {
      msg.textContent = e.message;
    }
  };
  const actions = el('div', { class: 'card', id: 'discharge-actions' });
  if (c.canNotify && c.status === 'admitted') {
    actions.append(el('button', { type: 'button', class: 'primary', onclick: () => send({ kind: 'ready' }) }, 'Meld utskrivningsklar'));
  }
  if (c.canNotify && c.status !== 'closed') {
    actions.append(el('button', { type: 'button', onclick: () => send({ kind: 'discharged' }) }, 'Meld utskrevet'));
    if (c.status !== 'admitted') {
      actions.append(el('button', { type: 'button', onclick: () => send({ kind: 'cancelled' }) }, 'Avmeld'),
        el('button', { type: 'button', onclick: () => send({ kind: 'readmitted' }) }, 'Reinnlagt for ny sykdom'));
    }
  }
  if (c.canAnswer && (c.status === 'ready' || c.status === 'offered')) {
    const day = el('input', { id: 'answer-day', type: 'date', required: true });
    const place = el('input', { id: 'answer-place', placeholder: 'f.eks. Korttidsavdeling Alver' });
    const form = el('form', {},
      el('h2', {}, 'Svar fra kommunen'),
      el('label', { for: 'answer-day' }, 'Dato (tar imot / forventet)'), day,
      el('label', { for: 'answer-place' }, 'Tilbud (sted)'), place,
      el('div', { class: 'actions' },
        el('button', { type: 'button', onclick: () => send({ kind: 'cannot', day: day.value || undefined }) }, 'Kan ikke ta imot ennå'),
        el('button', { type: 'submit', class: 'primary' }, 'Vi tar imot pasienten')));
    form.addEventListener('submit', (ev) => { ev.preventDefault(); send({ kind: 'receive', day: day.value, place: place.value }); });
    actions.append(form);
  }
  actions.append(msg);
  show(el('h1', {}, c.patient ? `${c.patient.name}` : `Sak ${c.id}`),
    el('div', { class: 'card' }, el('dl', { class: 'facts' },
      el('dt', {}, 'Status'), el('dd', { id: 'discharge-status' }, c.statusLabel),
      el('dt', {}, 'Avdeling'), el('dd', {}, c.ward),
      el('dt', {}, 'Kommune'), el('dd', {}, c.municipality),
      el('dt', {}, 'Betalingsdøgn'), el('dd', { id: 'discharge-days' }, `${c.paidDays}${c.paidFrom ? ` fra ${c.paidFrom}` : ''}`),
      el('dt', {}, 'Beløp'), el('dd', {}, nok.format(c.amountNok) + (c.provisionalRate ? ' (foreløpig sats)' : '')))),
    actions.childElementCount > 1 ? actions : '',
    el('h2', {}, 'Tidslinje'),
    el('ol', { class: 'timeline', id: 'discharge-timeline' }, c.timeline.map((e) => el('li', {},
      el('strong', {}, e.label), ` · ${e.timeLocal}`,
      e.day ? ` · dato ${e.day}` : '', e.place ? ` · ${e.place}` : '', e.by ? el('span', { class: 'muted' }, ` (${e.by})`) : ''))));
}

async function showStatement(arg) {
  const month = arg && arg.length >= 7 ? arg.slice(-7) : new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Oslo' }).format(new Date()).slice(0, 7);
  const orgs = await api('GET', '/api/orgs');
  const muniSel = el('select', { id: 'st-muni' }, orgs.municipalities.map((m) => el('option', { value: m.kommunenummer }, m.name)));
  const monthIn = el('input', { id: 'st-month', type: 'month', value: month });
  const out = el('div', { id: 'statement' });
  const run = async () => {
    const qs = `municipality=${muniSel.value}&month=${monthIn.value}`;
    try {
      const d = await api('GET', `/api/discharge-ready/statement?${qs}`);
      out.replaceChildren(
        el('table', { id: 'statement-lines' },
          el('thead', {}, el('tr', {}, el('th', {}, 'Pasient'), el('th', {}, 'Avdeling'), el('th', {}, 'Fra'), el('th', {}, 'Til'),
            el('th', { class: 'num' }, 'Døgn'), el('th', { class: 'num' }, 'Beløp'))),
          el('tbody', {}, d.lines.map((l) => el('tr', {}, el('td', {}, l.patient?.name || '(skjult)'), el('td', {}, l.ward),
            el('td', {}, l.from), el('td', {}, l.to), el('td', { class: 'num' }, l.days), el('td', { class: 'num' }, nok.format(l.amountNok))))),
          el('tfoot', {}, el('tr', {}, el('td', {}, 'Sum'), el('td'), el('td'), el('td'),
            el('td', { class: 'num' }, d.totals.days), el('td', { class: 'num' }, nok.format(d.totals.amountNok))))),
        d.provisionalRate ? el('p', { class: 'muted' }, 'Satsen for året er ikke lagt inn ennå; siste kjente sats er brukt.') : '',
        el('p', {}, el('a', { href: `/api/discharge-ready/statement?${qs}&format=csv` }, 'Last ned som CSV'), ' · ',
          el('a', { href: `/api/discharge-ready/statement?${qs}&format=json` }, 'JSON')));
    } catch (e) {
      out.replaceChildren(el('p', { class: 'error' }, e.message));
    }
  };
  const form = el('form', { class: 'row card' },
    el('div', { class: 'grow' }, el('label', { for: 'st-muni' }, 'Kommune'), muniSel),
    el('div', {}, el('label', { for: 'st-month' }, 'Måned'), monthIn),
    el('button', { type: 'submit', class: 'primary' }, 'Vis oppgjør'));
  form.addEventListener('submit', (ev) => { ev.preventDefault(); run(); });
  show(el('h1', {}, 'Månedsoppgjør for utskrivningsklare pasienter'), form, out);
  await run();
}

// ---- joint unit settlement ("trekkspill") ----
const kr = (ore) => new Intl.NumberFormat('nb-NO', { style: 'currency', currency: 'NOK' }).format(ore / 100);

async function showJointSettlement(unitId) {
  const today = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Oslo' }).format(new Date());
  const from = el('input', { id: 'js-from', type: 'date', value: `${today.slice(0, 7)}-01`, required: true });
  const to = el('input', { id: 'js-to', type: 'date', value: today, required: true });
  const out = el('div', { id: 'joint-settlement' });
  const run = async () => {
    const qs = `from=${from.value}&to=${to.value}`;
    try {
      const d = await api('GET', `/api/units/${unitId}/settlement?${qs}`);
      document.getElementById('js-title').textContent = `Oppgjør: ${d.unit.name}`;
      out.replaceChildren(
        el('p', {}, `${d.unit.beds} senger à ${fmt.format(d.unit.dayPriceNok)} kr per døgn. Forskudd: helseforetaket ${d.unit.hfSharePercent} %, kommunene resten etter folketall. Negativ saldo betyr penger tilbake.`),
        el('table', { id: 'joint-parties' },
          el('thead', {}, el('tr', {}, el('th', {}, 'Part'), el('th', { class: 'num' }, 'Liggedøgn'), el('th', { class: 'num' }, 'Kostnad'),
            el('th', { class: 'num' }, 'Forskudd'), el('th', { class: 'num' }, 'Saldo'))),
          el('tbody', {}, d.parties.map((p) => el('tr', {}, el('td', {}, p.party), el('td', { class: 'num' }, p.bedDays),
            el('td', { class: 'num' }, kr(p.costOre)), el('td', { class: 'num' }, kr(p.prepaidOre)), el('td', { class: 'num' }, kr(p.balanceOre))))),
          el('tfoot', {}, el('tr', {}, el('td', {}, 'Sum'), el('td', { class: 'num' }, d.totals.bedDays),
            el('td', { class: 'num' }, kr(d.totals.costOre)), el('td', { class: 'num' }, kr(d.totals.prepaidOre)),
            el('td', { class: 'num' }, kr(d.totals.balanceOre))))),
        d.unassigned.length ? el('p', { class: 'error' }, `${d.unassigned.length} opphold (${d.unassignedBedDays} døgn) er ikke fordelt på en part ennå.`) : '',
        el('p', {}, el('a', { href: `/api/units/${unitId}/settlement?${qs}&format=csv` }, 'Last ned som CSV'), ' · ',
          el('a', { href: `/api/units/${unitId}/settlement?${qs}&format=json` }, 'JSON')));
    } catch (e) {
      out.replaceChildren(el('p', { class: 'error' }, e.message));
    }
  };
  const form = el('form', { class: 'row card' },
    el('div', {}, el('label', { for: 'js-from' }, 'Fra og med'), from),
    el('div', {}, el('label', { for: 'js-to' }, 'Til og med'), to),
    el('button', { type: 'submit', class: 'primary' }, 'Beregn'));
  form.addEventListener('submit', (ev) => { ev.preventDefault(); run(); });
  show(el('h1', { id: 'js-title' }, 'Oppgjør for felles enhet'), form, out);
  await run();
}

// ---- routing ----
async function route() {
  if (boardTimer) { clearInterval(boardTimer); boardTimer = null; boardUnit = null; }
  stopMonitor();
  renderChrome();
  const [, page, arg, arg2] = location.hash.split('/');
  try {
    if (page === 'offentlig') {
      if (arg === 'sammenlign' && arg2) await showCompare(arg2, { isPublic: true });
      else if (arg === 'helsefellesskap' && arg2) await showDashboard(null, { isPublic: true, fellesskap: arg2 });
      else await showDashboard(arg, { isPublic: true });
      return;
    }
    if (!state.me) { showLogin(); return; }
    if (page === 'framskriving' && !isPerson()) { await showProjection(); return; }
    if (page === 'hoyforbrukere' && inCare()) { await showHighUsers(); return; }
    if (page === 'indikatorer' && !isPerson()) {
      if (arg === 'sammenlign' && arg2) await showCompare(arg2);
      else if (arg === 'helsefellesskap' && arg2) await showDashboard(null, { fellesskap: arg2 });
      else await showDashboard(arg);
      return;
    }
    if (page === 'sok' && isStaff()) showSearch(decodeURIComponent(arg || ''));
    else if (page === 'pasient' && arg) await showPatient(arg);
    else if (page === 'organisasjon') await showOrgs();
    else if (page === 'kapasitet' && !isPerson()) await showCapacity();
    else if (page === 'enhet' && arg && !isPerson()) await showBoard(arg);
    else if (page === 'finn-plass' && !isPerson()) await showFindPlace();
    else if (page === 'utskrivningsklare' && dischargeSide()) await showDischargeList();
    else if (page === 'utskrivningsklar' && arg && dischargeSide()) await showDischargeCase(arg);
    else if (page === 'oppgjor' && !isPerson()) await showStatement(arg);
    else if (page === 'oppgjor-felles' && arg && !isPerson()) await showJointSettlement(arg);
    else if (page === 'min-logg') await showMyLog();
    else if (page === 'plan' && arg) await showPlan(arg);
    else if (page === 'overvaking' && inCare()) await showMonitor();
    else if (page === 'kurve' && arg && inCare()) await showChart(arg);
    else if (page === 'team' && !isPerson()) await showTeams();
    else if (page === 'samtykke' && isPerson()) await showConsents();
    else if (page === 'nodtilgang' && state.me.role === 'admin') await showEmergencyReport();
    else showStart();
  } catch (e) {
    if (e.status !== 401) show(el('h1', {}, 'Noe gikk galt'), el('p', { class: 'error' }, e.message));
  }
}

window.addEventListener('hashchange', route);

(async () => {
  try {
    state.me = await fetch('/api/me', { credentials: 'same-origin' }).then((r) => (r.ok ? r.json() : null));
  } catch { state.me = null; }
  route();
})();
