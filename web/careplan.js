// Helsebro web UI: shared care. The patient's one plan (what matters, goals,
// health issues, tasks, crisis plan, nutrition, contacts, the team, the
// thread, co-consultations, home measurements), my worklist, the teams
// overview and the patient's consent for relatives. Text is Norwegian (bokmål).
import { state, el, api, show } from './ui.js';

const roleOptions = [['gp', 'Fastlege'], ['specialist', 'Spesialist'], ['nurse', 'Sykepleier'],
  ['home-care-nurse', 'Hjemmesykepleier'], ['physiotherapist', 'Fysioterapeut'],
  ['occupational-therapist', 'Ergoterapeut'], ['psychologist', 'Psykolog'], ['social-worker', 'Sosionom'],
  ['pharmacist', 'Farmasøyt'], ['relative', 'Pårørende'], ['other', 'Annen']];
const taskStatus = [['requested', 'Ikke startet'], ['in-progress', 'Pågår'], ['completed', 'Utført'], ['cancelled', 'Avlyst']];
const goalStatus = [['proposed', 'Foreslått'], ['active', 'Aktivt'], ['completed', 'Nådd'], ['cancelled', 'Avsluttet']];
const recurrences = [['', 'Én gang'], ['daily', 'Hver dag'], ['weekly', 'Hver uke'], ['monthly', 'Hver måned']];
const screenings = [['', 'Ikke vurdert'], ['not-at-risk', 'Ikke i risiko'], ['at-risk', 'I ernæringsmessig risiko'],
  ['malnourished', 'Underernært']];
const measureKinds = [['weight', 'Vekt (kg)'], ['sbp', 'Blodtrykk, øvre (mmHg)'], ['dbp', 'Blodtrykk, nedre (mmHg)'],
  ['pulse', 'Puls (slag per minutt)'], ['glucose', 'Blodsukker (mmol/L)'], ['temperature', 'Temperatur (°C)'],
  ['spo2', 'Oksygenmetning (%)']];
const scopeLabels = { plan: 'Se planen', messages: 'Meldinger med teamet', appointments: 'Se avtaler', measurements: 'Se målingene mine' };
const kr = new Intl.NumberFormat('nb-NO', { style: 'currency', currency: 'NOK', maximumFractionDigits: 0 });
const num = new Intl.NumberFormat('nb-NO', { maximumFractionDigits: 1 });

let uid = 0;
const fieldId = (name) => `cp-${name}-${++uid}`;

function selectEl(id, options, value) {
  const s = el('select', { id }, options.map(([v, l]) => el('option', { value: v }, l)));
  if (value !== undefined && value !== null) s.value = value;
  return s;
}

// A labelled input; returns [label, control].
function field(label, control) {
  return [el('label', { for: control.id }, label), control];
}

// A form that posts with onSubmit(form) and reloads the plan when done.
function planForm(className, children, submitLabel, onSubmit, reload) {
  const msg = el('p', { class: 'error', role: 'alert' });
  const form = el('form', { class: `card ${className}` }, children, msg,
    el('div', { class: 'actions' }, el('button', { type: 'submit', class: 'primary' }, submitLabel)));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    msg.textContent = '';
    try {
      await onSubmit(form);
      await reload();
    } catch (e) {
      msg.replaceChildren(conflictText(e));
    }
  });
  return form;
}

// The message of a failed save; for an edit conflict, what the other person changed.
function conflictText(e) {
  const c = e.body;
  if (e.status !== 409 || !c?.changes) return e.message;
  const frag = el('span', {}, e.message);
  const list = el('ul', { class: 'conflict' }, c.changes.filter((x) => x.touchesYourChange)
    .map((x) => el('li', {}, `${x.by} ${x.atLocal}: ${x.summary}`)));
  return el('span', {}, frag, list, 'Teksten din står fortsatt i feltet. Last inn planen på nytt for å se den nye teksten.');
}

// ---- the plan page ----
export async function showPlan(patientId) {
  show(el('p', { class: 'muted' }, 'Henter planen …'));
  let page;
  try {
    page = await api('GET', `/api/patients/${patientId}/plan`);
  } catch (e) {
    show(el('h1', {}, 'Felles plan'), el('p', { class: 'error' }, e.message));
    return;
  }
  const reload = () => showPlan(patientId);
  const name = page.patient.name;
  if (!page.plan) {
    const items = [el('h1', {}, `Felles plan: ${name}`),
      el('p', {}, `${name} har ingen aktiv felles plan.`)];
    if (page.canCreate) items.push(await createForm(patientId, reload));
    show(...items);
    return;
  }
  const p = page.plan;
  const sections = [el('h1', {}, p.title ? `${p.title}` : 'Felles plan', ' ',
    el('span', { class: 'badge' }, p.statusLabel), p.individualPlan ? el('span', { class: 'badge' }, ' Individuell plan') : '')];
  sections.push(el('p', { class: 'muted' }, `${name} · opprettet ${p.createdLocal} · sist endret ${p.updatedLocal} · versjon ${p.version}`));
  if (page.isRelative) sections.push(el('p', { class: 'muted' }, 'Du ser det pasienten har gitt deg samtykke til å se.'));
  if (p.changes) sections.push(changesBox(p));
  if (p.whatMatters !== undefined) sections.push(whatMattersSection(p, page, reload));
  if (p.goals) sections.push(goalsSection(p, page, reload));
  if (p.tasks) sections.push(tasksSection(p, page, reload));
  if (p.issues) sections.push(issuesSection(p, reload));
  if (p.crisisSigns !== undefined) sections.push(crisisSection(p, reload), nutritionSection(p, reload), contactsSection(p, reload));
  if (p.members) sections.push(await teamSection(p, reload));
  if (p.consultations) sections.push(consultSection(p, reload));
  if (p.measurements) sections.push(measureSection(p, page, patientId, reload));
  if (page.scopes.includes('messages')) sections.push(await threadSection(p, reload));
  show(...sections);
}

async function createForm(patientId, reload) {
  let teams = [];
  try { teams = (await api('GET', '/api/teams')).teams; } catch { teams = []; }
  const title = el('input', { id: fieldId('title'), value: 'Felles plan', required: true });
  const ip = el('input', { id: fieldId('ip'), type: 'checkbox' });
  const team = selectEl(fieldId('team'), [['', 'Bare teamet rundt pasienten'], ...teams.map((t) => [t.id, `${t.name} (${t.kindLabel})`])]);
  const words = el('textarea', { id: fieldId('words'), rows: 3 });
  return planForm('create-plan', [el('h2', {}, 'Opprett felles plan'), ...field('Navn på planen', title),
    el('label', { class: 'check' }, ip, 'Individuell plan (IP): krever en koordinator'),
    ...field('Fast team som følger pasienten', team), ...field('Hva er viktig for pasienten? (pasientens egne ord)', words)],
  'Opprett plan', (f) => api('POST', `/api/patients/${patientId}/plan`, {
    title: title.value.trim(), individualPlan: ip.checked,
    ...(team.value ? { standingTeamId: team.value } : {}), ...(words.value.trim() ? { whatMatters: words.value.trim() } : {}),
  }), reload);
}

function changesBox(p) {
  const fresh = p.changes.filter((c) => c.new);
  const box = el('section', { class: 'card', id: 'changes', 'aria-labelledby': 'changes-h' },
    el('h2', { id: 'changes-h' }, p.firstVisit ? 'Planens historikk' : `Endret siden du så sist (${fresh.length})`));
  const list = (p.firstVisit ? p.changes.slice(0, 8) : fresh).map((c) =>
    el('li', { class: c.new ? 'new' : '' }, el('span', { class: 'muted' }, `${c.atLocal} · ${c.by}: `), c.summary));
  box.append(list.length ? el('ul', {}, list) : el('p', { class: 'muted' }, 'Ingen endringer fra andre siden sist.'));
  const all = el('details', {}, el('summary', {}, 'Hele historikken'),
    el('ul', {}, p.changes.map((c) => el('li', {}, el('span', { class: 'muted' }, `${c.atLocal} · ${c.by}: `), c.summary))));
  box.append(all);
  return box;
}

function whatMattersSection(p, page, reload) {
  const sec = el('section', { class: 'card', id: 'what-matters', 'aria-labelledby': 'wm-h' },
    el('h2', { id: 'wm-h' }, page.isPatient ? 'Hva er viktig for deg?' : 'Hva er viktig for pasienten?'),
    el('blockquote', { class: 'words' }, p.whatMatters || 'Ikke skrevet ennå.'));
  if (p.can.writeWhatMatters) {
    const ta = el('textarea', { id: fieldId('wm'), rows: 3 }, p.whatMatters);
    sec.append(planForm('inline-form', [...field(page.isPatient ? 'Skriv med dine egne ord' : 'Pasientens egne ord', ta)],
      'Lagre', () => api('PUT', `/api/plans/${p.id}`, { version: p.version, whatMatters: ta.value.trim() }), reload));
  }
  return sec;
}

function itemStatusControl(item, options, reload, may) {
  if (!may) return el('span', { class: 'badge' }, item.statusLabel);
  const s = selectEl(fieldId('st'), options, item.status);
  s.setAttribute('aria-label', `Status for ${item.text}`);
  s.addEventListener('change', async () => {
    try {
      await api('PUT', `/api/items/${item.id}`, { version: item.version, status: s.value });
      await reload();
    } catch (e) {
      s.after(el('span', { class: 'error', role: 'alert' }, ` ${e.message}`));
      s.value = item.status;
    }
  });
  return s;
}

function goalsSection(p, page, reload) {
  const sec = el('section', { class: 'card', id: 'goals', 'aria-labelledby': 'goals-h' }, el('h2', { id: 'goals-h' }, 'Mål'));
  sec.append(p.goals.length ? el('ul', { class: 'items' }, p.goals.map((g) => el('li', {},
    el('strong', {}, g.text), ' ',
    g.expressedBy === 'patient' ? el('span', { class: 'badge ok' }, 'pasientens eget mål') : '',
    g.dayLocal ? el('span', { class: 'muted' }, ` · innen ${g.dayLocal}`) : '', ' ',
    itemStatusControl(g, goalStatus, reload, p.can.edit || (page.isPatient && g.expressedBy === 'patient')))))
    : el('p', { class: 'muted' }, 'Ingen mål ennå.'));
  if (p.can.edit || page.isPatient) {
    const text = el('input', { id: fieldId('goal'), required: true });
    const day = el('input', { id: fieldId('goal-day'), type: 'date' });
    const whose = selectEl(fieldId('whose'), [['patient', 'Pasientens eget mål'], ['team', 'Teamets mål']]);
    sec.append(planForm('inline-form', [...field('Nytt mål', text), ...field('Innen (valgfritt)', day),
      ...(p.can.edit ? field('Hvem sitt mål', whose) : [])], 'Legg til mål',
    () => api('POST', `/api/plans/${p.id}/items`, { kind: 'goal', text: text.value.trim(),
      ...(day.value ? { day: day.value } : {}), ...(p.can.edit ? { expressedBy: whose.value } : {}) }), reload));
  }
  return sec;
}

function assigneeOptions(p) {
  const opts = [['', 'Ingen'], ['patient:', 'Pasienten selv']];
  for (const m of p.members) if (m.userId && m.active && m.role !== 'patient' && m.role !== 'relative') opts.push([`user:${m.userId}`, `${m.name} (${m.roleLabel})`]);
  return opts;
}

function tasksSection(p, page, reload) {
  const sec = el('section', { class: 'card', id: 'tasks', 'aria-labelledby': 'tasks-h' }, el('h2', { id: 'tasks-h' }, 'Oppgaver og tiltak'));
  const order = { requested: 0, 'in-progress': 0, completed: 1, cancelled: 2 };
  const tasks = [...p.tasks].sort((a, b) => order[a.status] - order[b.status] || (a.day || '9').localeCompare(b.day || '9'));
  sec.append(tasks.length ? el('table', { class: 'tasks' },
    el('thead', {}, el('tr', {}, el('th', {}, 'Hva'), el('th', {}, 'Ansvarlig'), el('th', {}, 'Frist'), el('th', {}, 'Status'))),
    el('tbody', {}, tasks.map((t) => el('tr', { class: t.overdue ? 'overdue' : '', 'data-task': t.id },
      el('td', {}, t.text, t.recurrence ? el('span', { class: 'muted' }, ` (${recurrences.find((r) => r[0] === t.recurrence)[1].toLowerCase()})`) : ''),
      el('td', {}, t.assignee ? t.assignee.name : el('span', { class: 'muted' }, 'Ingen')),
      el('td', {}, t.dayLocal || '', t.overdue ? el('span', { class: 'badge warn' }, ' forfalt') : ''),
      el('td', {}, itemStatusControl(t, taskStatus, reload, p.can.edit || (page.isPatient && t.assignee?.kind === 'patient')))))))
    : el('p', { class: 'muted' }, 'Ingen oppgaver ennå.'));
  if (p.can.edit) {
    const text = el('input', { id: fieldId('task'), required: true });
    const who = selectEl(fieldId('who'), assigneeOptions(p));
    const day = el('input', { id: fieldId('task-day'), type: 'date' });
    const rec = selectEl(fieldId('rec'), recurrences);
    sec.append(planForm('inline-form', [el('h3', {}, 'Ny oppgave'), ...field('Hva skal gjøres', text),
      el('div', { class: 'row' }, el('div', { class: 'grow' }, ...field('Ansvarlig', who)),
        el('div', {}, ...field('Frist', day)), el('div', {}, ...field('Gjentas', rec)))],
    'Legg til oppgave', () => {
      const [kind, id] = who.value.split(':');
      return api('POST', `/api/plans/${p.id}/items`, { kind: 'task', text: text.value.trim(),
        ...(day.value ? { day: day.value } : {}), ...(rec.value ? { recurrence: rec.value } : {}),
        ...(kind ? { assignee: kind === 'patient' ? { kind } : { kind, id } } : {}) });
    }, reload));
  }
  return sec;
}

function issuesSection(p, reload) {
  const sec = el('section', { class: 'card', id: 'issues', 'aria-labelledby': 'issues-h' }, el('h2', { id: 'issues-h' }, 'Helseutfordringer'));
  sec.append(p.issues.length ? el('ul', { class: 'items' }, p.issues.map((i) => el('li', {}, i.text,
    i.code ? el('span', { class: 'muted' }, ` (${i.codeSystem === 'icpc2' ? 'ICPC-2' : 'ICD-10'} ${i.code})`) : '',
    ' ', el('span', { class: 'badge' }, i.statusLabel)))) : el('p', { class: 'muted' }, 'Ingen registrert.'));
  if (p.can.edit) {
    const text = el('input', { id: fieldId('issue'), required: true });
    const sys = selectEl(fieldId('sys'), [['', 'Uten kode'], ['icpc2', 'ICPC-2'], ['icd10', 'ICD-10']]);
    const code = el('input', { id: fieldId('code'), size: 8 });
    sec.append(planForm('inline-form', [el('div', { class: 'row' }, el('div', { class: 'grow' }, ...field('Ny helseutfordring', text)),
      el('div', {}, ...field('Kodeverk', sys)), el('div', {}, ...field('Kode', code)))], 'Legg til',
    () => api('POST', `/api/plans/${p.id}/items`, { kind: 'issue', text: text.value.trim(),
      ...(sys.value ? { codeSystem: sys.value, code: code.value.trim().toUpperCase() } : {}) }), reload));
  }
  return sec;
}

// A section of the plan's own fields, edited together.
function fieldsSection(id, title, p, rows, reload) {
  const sec = el('section', { class: 'card', id, 'aria-labelledby': `${id}-h` }, el('h2', { id: `${id}-h` }, title));
  const dl = el('dl', { class: 'facts' });
  for (const r of rows) dl.append(el('dt', {}, r.label), el('dd', {}, r.show || el('span', { class: 'muted' }, 'Ikke fylt ut')));
  sec.append(dl);
  if (!p.can.edit) return sec;
  const controls = rows.map((r) => r.control);
  const details = el('details', {}, el('summary', {}, 'Endre'),
    planForm('inline-form', rows.flatMap((r) => field(r.label, r.control)), 'Lagre', () => {
      const body = { version: p.version };
      rows.forEach((r, i) => { body[r.name] = controls[i].value.trim(); });
      return api('PUT', `/api/plans/${p.id}`, body);
    }, reload));
  sec.append(details);
  return sec;
}

function crisisSection(p, reload) {
  return fieldsSection('crisis', 'Kriseplan', p, [
    { name: 'crisisSigns', label: 'Tidlige tegn på forverring', show: p.crisisSigns, control: el('textarea', { id: fieldId('signs'), rows: 3 }, p.crisisSigns) },
    { name: 'crisisActions', label: 'Hva gjør vi da', show: p.crisisActions, control: el('textarea', { id: fieldId('acts'), rows: 3 }, p.crisisActions) },
  ], reload);
}

function nutritionSection(p, reload) {
  return fieldsSection('nutrition', 'Ernæring', p, [
    { name: 'nutritionWeight', label: 'Vekt (kg)', show: p.nutritionWeight ? `${p.nutritionWeight.replace('.', ',')} kg` : '', control: el('input', { id: fieldId('w'), value: p.nutritionWeight, inputmode: 'decimal' }) },
    { name: 'nutritionScreening', label: 'Ernæringsscreening', show: p.nutritionScreeningLabel, control: selectEl(fieldId('scr'), screenings, p.nutritionScreening) },
    { name: 'nutritionNotes', label: 'Kost og notater', show: p.nutritionNotes, control: el('textarea', { id: fieldId('nn'), rows: 3 }, p.nutritionNotes) },
  ], reload);
}

function contactsSection(p, reload) {
  const sec = el('section', { class: 'card', id: 'contacts', 'aria-labelledby': 'contacts-h' }, el('h2', { id: 'contacts-h' }, 'Kontakter'));
  sec.append(p.contacts.length ? el('ul', {}, p.contacts.map((c) => el('li', {}, `${c.name}`,
    c.relation ? ` (${c.relation})` : '', c.phone ? el('span', {}, ' · ', el('a', { href: `tel:${c.phone.replace(/ /g, '')}` }, c.phone)) : '')))
    : el('p', { class: 'muted' }, 'Ingen kontakter.'));
  if (p.can.edit) {
    const name = el('input', { id: fieldId('cn'), required: true });
    const rel = el('input', { id: fieldId('cr') });
    const phone = el('input', { id: fieldId('cp'), inputmode: 'tel' });
    sec.append(el('details', {}, el('summary', {}, 'Legg til kontakt'), planForm('inline-form',
      [...field('Navn', name), ...field('Relasjon (for eksempel datter)', rel), ...field('Telefon', phone)], 'Legg til',
      () => api('PUT', `/api/plans/${p.id}`, { version: p.version,
        contacts: [...p.contacts, { name: name.value.trim(), relation: rel.value.trim(), phone: phone.value.trim() }] }), reload)));
  }
  return sec;
}

async function teamSection(p, reload) {
  const sec = el('section', { class: 'card', id: 'team', 'aria-labelledby': 'team-h' }, el('h2', { id: 'team-h' }, 'Teamet rundt pasienten'));
  const rows = p.members.map((m) => {
    const actions = el('td', {});
    if (p.can.edit && m.active && !m.standingTeam) {
      if (!m.coordinator && m.userId && m.role !== 'patient' && m.role !== 'relative') {
        actions.append(el('button', { type: 'button', onclick: async () => {
          try { await api('PUT', `/api/plans/${p.id}`, { version: p.version, coordinatorId: m.id }); await reload(); } catch (e) { actions.append(el('span', { class: 'error', role: 'alert' }, e.message)); }
        } }, 'Gjør til koordinator'));
      }
      actions.append(el('button', { type: 'button', onclick: async () => {
        const today = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Oslo' }).format(new Date());
        try { await api('PUT', `/api/members/${m.id}`, { to: today }); await reload(); } catch (e) { actions.append(el('span', { class: 'error', role: 'alert' }, e.message)); }
      } }, 'Avslutt'));
    }
    return el('tr', { class: m.active ? '' : 'inactive' },
      el('td', {}, m.name, m.coordinator ? el('span', { class: 'badge ok' }, ' koordinator') : ''),
      el('td', {}, m.roleLabel), el('td', {}, m.org || ''), el('td', {}, m.contact || ''),
      el('td', {}, m.standingTeam ? m.teamName : 'Teamet rundt pasienten'),
      el('td', {}, m.to ? `til ${m.to.split('-').reverse().join('.')}` : `fra ${m.from.split('-').reverse().join('.')}`), actions);
  });
  sec.append(el('table', { class: 'members' }, el('thead', {}, el('tr', {}, el('th', {}, 'Navn'), el('th', {}, 'Rolle'),
    el('th', {}, 'Organisasjon'), el('th', {}, 'Kontakt'), el('th', {}, 'Team'), el('th', {}, 'Periode'), el('th', {}, ''))),
  el('tbody', {}, rows)));
  if (!p.can.edit) return sec;
  let people = [];
  try {
    const { teams } = await api('GET', '/api/teams');
    const have = new Set(p.members.filter((m) => m.active).map((m) => m.userId));
    const seen = new Set();
    for (const t of teams) for (const m of t.members) {
      if (m.userId && !have.has(m.userId) && !seen.has(m.userId)) { seen.add(m.userId); people.push([m.userId, `${m.name} (${t.name})`, m.role]); }
    }
  } catch { people = []; }
  const who = selectEl(fieldId('person'), [['', 'Skriv inn navn under'], ...people.map(([id, label]) => [id, label])]);
  const name = el('input', { id: fieldId('mname') });
  const role = selectEl(fieldId('mrole'), roleOptions);
  const contact = el('input', { id: fieldId('mcontact') });
  const teamId = p.members.find((m) => !m.standingTeam).teamId;
  who.addEventListener('change', () => { const hit = people.find((x) => x[0] === who.value); if (hit) role.value = hit[2]; });
  sec.append(el('details', {}, el('summary', {}, 'Legg til i teamet'), planForm('inline-form',
    [...field('Fra et fast team', who), ...field('Eller navn', name), ...field('Rolle', role), ...field('Kontakt (telefon eller e-post)', contact)],
    'Legg til', () => api('POST', `/api/teams/${teamId}/members`, { role: role.value,
      ...(who.value ? { userId: who.value } : { name: name.value.trim() }), ...(contact.value.trim() ? { contact: contact.value.trim() } : {}) }), reload)));
  return sec;
}

function travelText(t) {
  return `${num.format(t.km)} km og ${num.format(t.minutes / 60)} timer reise spart, ${kr.format(t.nokOre / 100)}, ${num.format(t.co2Grams / 1000)} kg CO₂`;
}

function consultSection(p, reload) {
  const sec = el('section', { class: 'card', id: 'consultations', 'aria-labelledby': 'cons-h' }, el('h2', { id: 'cons-h' }, 'Samkonsultasjoner'));
  sec.append(p.consultations.length ? el('ul', { class: 'items' }, p.consultations.map((c) => {
    const li = el('li', {}, el('strong', {}, c.startLocal), ` (${c.minutes} min) – ${c.purpose} `, el('span', { class: 'badge' }, c.statusLabel),
      el('div', { class: 'muted' }, 'Deltakere: ', c.participants.map((x) => `${x.name} (${x.role})`).join(', ')),
      c.videoUrl && c.status === 'booked' ? el('div', {}, el('a', { href: c.videoUrl, rel: 'noopener' }, 'Åpne videorommet')) : '',
      c.record ? el('div', {}, 'Avtalt: ', c.record) : '',
      c.travelAvoided ? el('div', { class: 'ok' }, travelText(c.travelAvoided)) : '');
    if (c.status === 'booked' && p.can.edit) {
      const rec = el('textarea', { id: fieldId('rec'), rows: 2 });
      li.append(el('details', {}, el('summary', {}, 'Skriv referat'), planForm('inline-form', [...field('Hva ble dere enige om', rec)],
        'Gjennomført', () => api('PUT', `/api/consultations/${c.id}`, { version: c.version, status: 'fulfilled', record: rec.value.trim() }), reload),
      el('button', { type: 'button', onclick: async () => { await api('PUT', `/api/consultations/${c.id}`, { version: c.version, status: 'cancelled' }); await reload(); } }, 'Avlys')));
    }
    return li;
  })) : el('p', { class: 'muted' }, 'Ingen samkonsultasjoner.'));
  if (p.can.edit) {
    const when = el('input', { id: fieldId('when'), type: 'datetime-local', required: true });
    const minutes = el('input', { id: fieldId('min'), type: 'number', min: 10, max: 240, value: 30 });
    const purpose = el('input', { id: fieldId('purpose'), required: true });
    const video = el('input', { id: fieldId('video'), type: 'url', placeholder: 'https://' });
    const boxes = p.members.filter((m) => m.active && (m.userId || m.role === 'patient')).map((m) => {
      const cb = el('input', { type: 'checkbox', value: m.userId || '', 'data-name': m.name, 'data-role': m.role, checked: m.role === 'patient' });
      return el('label', { class: 'check' }, cb, `${m.name} (${m.roleLabel})`);
    });
    sec.append(el('details', {}, el('summary', {}, 'Avtal samkonsultasjon'), planForm('inline-form',
      [...field('Tidspunkt', when), ...field('Varighet (minutter)', minutes), ...field('Formål', purpose),
        ...field('Lenke til videorommet', video), el('fieldset', { class: 'caps' }, el('legend', {}, 'Deltakere'), boxes)],
      'Avtal', (f) => {
        const participants = [...f.querySelectorAll('fieldset input:checked')].map((cb) => (cb.value
          ? { userId: cb.value } : { name: cb.dataset.name, role: cb.dataset.role }));
        const local = new Date(when.value);
        return api('POST', `/api/plans/${p.id}/consultations`, { start: local.toISOString(), minutes: Number(minutes.value),
          purpose: purpose.value.trim(), ...(video.value ? { videoUrl: video.value } : {}), participants });
      }, reload)));
  }
  return sec;
}

function measureSection(p, page, patientId, reload) {
  const sec = el('section', { class: 'card', id: 'measurements', 'aria-labelledby': 'meas-h' }, el('h2', { id: 'meas-h' }, 'Målinger hjemmefra'));
  if (p.can.measure) {
    const kind = selectEl(fieldId('kind'), measureKinds);
    const value = el('input', { id: fieldId('value'), inputmode: 'decimal', required: true, class: 'big' });
    sec.append(planForm('measure-form big', [...field('Hva har du målt?', kind), ...field('Verdi', value)], 'Send målingen',
      () => api('POST', `/api/patients/${patientId}/measurements`, { kind: kind.value, value: value.value.trim() }), reload));
  }
  sec.append(p.measurements.length ? el('table', {}, el('thead', {}, el('tr', {}, el('th', {}, 'Når'), el('th', {}, 'Hva'), el('th', { class: 'num' }, 'Verdi'))),
    el('tbody', {}, p.measurements.map((m) => el('tr', {}, el('td', {}, m.atLocal), el('td', {}, m.label),
      el('td', { class: 'num' }, `${m.value.replace('.', ',')} ${m.unit === 'Cel' ? '°C' : m.unit === 'mm[Hg]' ? 'mmHg' : m.unit}`)))))
    : el('p', { class: 'muted' }, 'Ingen målinger ennå.'));
  return sec;
}

async function threadSection(p, reload) {
  const sec = el('section', { class: 'card', id: 'thread', 'aria-labelledby': 'thread-h' }, el('h2', { id: 'thread-h' }, 'Meldinger i teamet'));
  let data;
  try { data = await api('GET', `/api/plans/${p.id}/messages`); } catch (e) { sec.append(el('p', { class: 'error' }, e.message)); return sec; }
  const canAnswer = state.me.role === 'hospital-clinician';
  sec.append(data.messages.length ? el('ol', { class: 'thread' }, data.messages.map((m) => {
    const li = el('li', { class: `msg ${m.kind}${m.unread ? ' unread' : ''}` },
      el('div', { class: 'muted' }, `${m.author} (${m.authorRole}) · ${m.atLocal}`,
        m.kind === 'question' ? ` · spørsmål til ${m.toOrg}${m.status === 'in-progress' ? ', venter på svar' : ', besvart'}` : '',
        m.kind === 'answer' ? ' · svar fra spesialisthelsetjenesten' : ''),
      el('p', {}, m.body),
      m.readBy.length ? el('div', { class: 'muted small' }, `Lest av ${m.readBy.join(', ')}`) : '');
    if (m.kind === 'question' && m.status === 'in-progress' && canAnswer) {
      const ans = el('textarea', { id: fieldId('ans'), rows: 2 });
      li.append(planForm('inline-form', [...field('Svar', ans)], 'Send svar',
        () => api('POST', `/api/plans/${p.id}/messages`, { kind: 'answer', replyTo: m.id, body: ans.value.trim() }), reload));
    }
    return li;
  })) : el('p', { class: 'muted' }, 'Ingen meldinger ennå.'));
  if (p.can.message) {
    const body = el('textarea', { id: fieldId('msg'), rows: 3, required: true });
    const extra = [];
    let ask = null;
    let org = null;
    if (data.canAsk) {
      let wards = [];
      try {
        const o = await api('GET', '/api/orgs');
        for (const h of o.organisations.filter((x) => x.type === 'hospital')) {
          wards.push([h.id, h.name]);
          for (const u of h.units) wards.push([u.id, `${h.name}: ${u.name}`]);
        }
      } catch { wards = []; }
      ask = el('input', { type: 'checkbox', id: fieldId('ask') });
      org = selectEl(fieldId('org'), wards);
      extra.push(el('label', { class: 'check' }, ask, 'Spør spesialisthelsetjenesten om råd'), ...field('Til', org));
    }
    sec.append(planForm('inline-form', [...field('Ny melding', body), ...extra], 'Send',
      () => api('POST', `/api/plans/${p.id}/messages`, ask?.checked
        ? { kind: 'question', body: body.value.trim(), toOrgId: org.value } : { body: body.value.trim() }), reload));
  }
  return sec;
}

// ---- my worklist, on the start page ----
export function workCards() {
  const card = el('section', { class: 'card', id: 'my-work', 'aria-labelledby': 'work-h' },
    el('h2', { id: 'work-h' }, 'Min arbeidsliste'), el('p', { class: 'muted' }, 'Henter …'));
  const render = async () => {
    let d;
    try { d = await api('GET', '/api/my-work'); } catch (e) { card.replaceChildren(card.firstChild, el('p', { class: 'error' }, e.message)); return; }
    const parts = [card.firstChild];
    parts.push(el('h3', {}, `Oppgaver (${d.tasks.length})`));
    parts.push(d.tasks.length ? el('ul', { class: 'work-tasks' }, d.tasks.map((t) => el('li', { class: t.overdue ? 'overdue' : '', 'data-task': t.id },
      t.overdue ? el('span', { class: 'badge warn' }, 'forfalt') : '', ' ',
      el('a', { href: `#/plan/${t.patientId}` }, t.patientName), `: ${t.text}`,
      t.dayLocal ? el('span', { class: 'muted' }, ` · frist ${t.dayLocal}`) : '',
      t.assignee?.kind === 'org' ? el('span', { class: 'muted' }, ` · ${t.assignee.name}`) : '', ' ',
      el('button', { type: 'button', onclick: async () => {
        try { await api('PUT', `/api/items/${t.id}`, { version: t.version, status: 'completed' }); await render(); } catch (e) { card.append(el('p', { class: 'error', role: 'alert' }, e.message)); }
      } }, 'Utført')))) : el('p', { class: 'muted' }, 'Ingen åpne oppgaver.'));
    if (d.unread.length) {
      parts.push(el('h3', {}, 'Uleste meldinger'), el('ul', {}, d.unread.map((u) => el('li', {},
        el('a', { href: `#/plan/${u.patientId}` }, u.patientName), `: ${u.unread} ulest${u.unread === 1 ? '' : 'e'}`))));
    }
    if (d.changed.length) {
      parts.push(el('h3', {}, 'Planer endret siden du så sist'), el('ul', {}, d.changed.map((u) => el('li', {},
        el('a', { href: `#/plan/${u.patientId}` }, u.patientName), `: ${u.changes} endring${u.changes === 1 ? '' : 'er'}`))));
    }
    if (d.consultations.length) {
      parts.push(el('h3', {}, 'Samkonsultasjoner du er invitert til'), el('ul', {}, d.consultations.map((c) => el('li', {},
        `${c.startLocal}: `, el('a', { href: `#/plan/${c.patientId}` }, c.patientName), ` – ${c.purpose}`,
        c.videoUrl ? el('span', {}, ' · ', el('a', { href: c.videoUrl, rel: 'noopener' }, 'videorom')) : ''))));
    }
    if (d.questions.length) {
      parts.push(el('h3', {}, 'Spørsmål til avdelingen'), el('ul', {}, d.questions.map((x) => el('li', {},
        el('a', { href: `#/plan/${x.patientId}` }, x.patientName), ` – ${x.from}, ${x.atLocal}: ${x.body}`))));
    }
    card.replaceChildren(...parts);
  };
  render();
  return card;
}

export function planLinkFor(patientId, text = 'Felles plan') {
  return el('a', { href: `#/plan/${patientId}` }, text);
}

// ---- teams overview ----
export async function showTeams() {
  show(el('p', { class: 'muted' }, 'Henter …'));
  const [overview, teams, totals] = await Promise.all([api('GET', '/api/teams/overview'), api('GET', '/api/teams'),
    api('GET', '/api/consultations/totals')]);
  const sections = [el('h1', {}, 'Teamene og pasientene deres')];
  if (['gp', 'hospital-clinician', 'municipal-clinician'].includes(state.me.role)) {
    sections.push(el('p', {}, el('a', { href: '#/hoyforbrukere' }, 'Pasienter uten team som kan ha nytte av proaktiv oppfølging')));
  }
  for (const t of overview.teams) {
    const rows = t.plans.map((p) => el('tr', {},
      el('td', {}, el('a', { href: `#/plan/${p.patientId}` }, p.patientName)),
      el('td', {}, p.patientGoal ? 'Ja' : el('span', { class: 'badge warn' }, 'Mangler')),
      el('td', { class: 'num' }, p.overdueTasks ? el('span', { class: 'badge warn' }, p.overdueTasks) : '0'),
      el('td', {}, p.lastContactLocal ? `${p.lastContactLocal} (${p.daysSinceContact} dager siden)`
        : el('span', { class: 'muted' }, 'Ingen'))));
    const table = el('table', { class: 'overview' },
      el('thead', {}, el('tr', {}, el('th', {}, 'Pasient'), el('th', {}, 'Pasientens eget mål'),
        el('th', { class: 'num' }, 'Forfalte oppgaver'), el('th', {}, 'Siste kontakt'))),
      el('tbody', {}, rows));
    sections.push(el('section', { class: 'card' }, el('h2', {}, t.name),
      el('p', {}, `${t.plans.length} pasienter · ${t.plansWithoutPatientGoal} planer uten mål med pasientens egne ord · ${t.overdueTasks} forfalte oppgaver`),
      table));
  }
  if (!overview.teams.length) sections.push(el('p', { class: 'muted' }, 'Du er ikke med i noe team ennå.'));
  sections.push(el('section', { class: 'card', id: 'travel-totals' }, el('h2', {}, 'Samkonsultasjoner i helsefellesskapet'),
    el('p', {}, `${totals.held} gjennomført, ${totals.coming} avtalt fram i tid.`),
    el('p', { class: 'ok' }, travelText(totals.travelAvoided)),
    el('p', { class: 'muted' }, `Beregnet som tur-retur fra pasientens kommune til sykehuset, ${kr.format(totals.rates.orePerKm / 100)} og ${totals.rates.co2GramsPerKm} g CO₂ per km.`)));
  sections.push(el('h2', {}, 'Faste team'), el('ul', {}, teams.teams.map((t) => el('li', {}, el('strong', {}, t.name),
    ` (${t.kindLabel}, ${t.org}) · ${t.patients} pasienter · `, t.members.map((m) => `${m.name} (${m.roleLabel})`).join(', ')))));
  if (['gp', 'hospital-clinician', 'municipal-clinician', 'admin'].includes(state.me.role)) {
    const kind = selectEl(fieldId('tkind'), [['psht', 'Primærhelseteam (PSHT)'], ['fact', 'FACT-team'], ['home-care', 'Hjemmetjenesteteam']]);
    const name = el('input', { id: fieldId('tname'), required: true });
    sections.push(planForm('inline-form', [el('h3', {}, 'Nytt fast team'), ...field('Type', kind), ...field('Navn', name)], 'Opprett team',
      () => api('POST', '/api/teams', { kind: kind.value, name: name.value.trim() }), showTeams));
  }
  show(...sections);
}

// ---- consent (the patient) ----
export async function showConsents() {
  show(el('p', { class: 'muted' }, 'Henter …'));
  const d = await api('GET', '/api/consents');
  const items = [el('h1', {}, state.me.role === 'patient' ? 'Pårørendes tilgang' : `Tilgangen din til planen til ${d.patientName}`)];
  if (!d.relatives.length) items.push(el('p', {}, 'Ingen pårørende er registrert med brukerkonto.'));
  for (const r of d.relatives) {
    if (state.me.role !== 'patient') {
      items.push(el('p', {}, r.scopes.length ? `Du kan: ${r.scopes.map((s) => scopeLabels[s].toLowerCase()).join(', ')}.` : 'Du har ikke fått tilgang.'));
      continue;
    }
    const boxes = Object.entries(scopeLabels).map(([s, label]) => el('label', { class: 'check' },
      el('input', { type: 'checkbox', value: s, checked: r.scopes.includes(s) }), label));
    items.push(planForm('consent', [el('h2', {}, r.name), el('p', { class: 'muted' }, r.givenLocal ? `Samtykke gitt ${r.givenLocal}` : 'Ingen tilgang nå'),
      el('fieldset', { class: 'caps' }, el('legend', {}, `Hva kan ${r.name} se?`), boxes)], 'Lagre samtykke',
    (f) => api('PUT', '/api/consents', { username: r.username, scopes: [...f.querySelectorAll('input:checked')].map((x) => x.value) }), showConsents));
  }
  show(...items);
}
