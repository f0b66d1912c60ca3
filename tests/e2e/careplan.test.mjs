// Shared care over real HTTP on either backend: the one-plan rule, the
// coordinator rule, relatives' consent, the access policy and its audit
// records, edit conflicts, tasks, the worklist, the specialist's advice,
// co-consultations and the travel they avoid, and bad input that changes nothing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { newDatabase, seedDemo, startServer, Client, cli } from '../lib/server.mjs';

let db;
let srv;
const as = {};
let ingrid; // the demo patient
let plan; // her plan as the GP first saw it
const q = (sql) => db.query(sql);
const uid = (username) => q(`SELECT id FROM app_user WHERE username = '${username}'`);
const careCounts = () => ['care_plan', 'care_item', 'care_member', 'care_message', 'care_event',
  'consultation', 'observation', 'care_consent', 'change_log']
  .map((t) => `${t}=${q(`SELECT COUNT(*) FROM ${t}`)}`).join(' ');
const day = (offset) => {
  const d = new Date(Date.now() + offset * 86400000);
  return new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Oslo' }).format(d);
};

before(async () => {
  db = newDatabase('care');
  seedDemo(db);
  srv = await startServer(db);
  for (const u of ['fastlege', 'spesialist', 'hjemmesykepleier', 'pasient', 'parorende', 'sykepleier.kad',
    'fastlege.osteroy', 'analytiker', 'fastlege.lindas']) {
    as[u] = new Client(srv.base);
    const r = await as[u].login(u);
    assert.equal(r.status, 200, u);
  }
  ingrid = q("SELECT patient_id FROM app_user WHERE username = 'pasient'");
  plan = (await as.fastlege.get(`/api/patients/${ingrid}/plan`)).json.plan;
});

after(async () => {
  await srv?.stop();
});

// A patient on the GP's list without a plan, of the given offset.
function gpPatientWithoutPlan(gp = 'fastlege', offset = 0) {
  return q(`SELECT p.id FROM patient p WHERE p.gp_user_id = ${uid(gp)} AND NOT EXISTS
    (SELECT 1 FROM care_plan c WHERE c.patient_id = p.id) ORDER BY p.id LIMIT 1 OFFSET ${offset}`);
}

test('the demo plan: the team across organisations, the patient\'s words, goals, issues, tasks in every state', async () => {
  assert.equal(plan.title, 'Felles plan for Ingrid');
  assert.ok(plan.individualPlan);
  const roles = plan.members.map((m) => m.role);
  for (const r of ['gp', 'specialist', 'home-care-nurse', 'relative', 'patient']) assert.ok(roles.includes(r), r);
  const coordinator = plan.members.filter((m) => m.coordinator);
  assert.equal(coordinator.length, 1, 'exactly one coordinator');
  assert.equal(coordinator[0].name, 'Hanne Heimeteneste');
  assert.ok(plan.members.some((m) => m.standingTeam && m.teamName === 'Primærhelseteam Knarvik legesenter'));
  assert.ok(new Set(plan.members.map((m) => m.org).filter(Boolean)).size >= 3, 'members from several organisations');
  assert.match(plan.whatMatters, /bo hjemme/);
  assert.ok(plan.goals.some((g) => g.expressedBy === 'patient'), 'a goal in the patient\'s own words');
  assert.deepEqual(plan.issues.map((i) => i.code).filter(Boolean).sort(), ['J44.9', 'K77']);
  assert.deepEqual([...new Set(plan.tasks.map((t) => t.status))].sort(), ['cancelled', 'completed', 'in-progress', 'requested']);
  assert.ok(plan.tasks.some((t) => t.overdue), 'an overdue task');
  assert.equal(plan.nutritionWeight, '61.5');
  assert.equal(plan.nutritionScreeningLabel, 'I ernæringsmessig risiko');
  assert.match(plan.crisisSigns, /vektøkning/);
  assert.equal(plan.contacts[0].relation, 'datter');
  assert.equal(plan.consultations.length, 2);
  assert.ok(plan.measurements.length >= 5);
  assert.ok(plan.changes.length > 5, 'the plan\'s history in words');
  assert.deepEqual(plan.can, { edit: true, writeWhatMatters: true, message: true, measure: false });
});

test('one active plan per patient; a completed plan makes room for a new one', async () => {
  const before = careCounts();
  let r = await as.fastlege.post(`/api/patients/${ingrid}/plan`, { title: 'En plan til' });
  assert.equal(r.status, 409);
  assert.equal(r.json.error.field, 'patientId');
  assert.equal(careCounts(), before, 'nothing changed');
  const pid = gpPatientWithoutPlan('fastlege', 0);
  r = await as.fastlege.post(`/api/patients/${pid}/plan`, { title: 'Felles plan' });
  assert.equal(r.status, 201, JSON.stringify(r.json));
  const id = r.json.id;
  assert.equal((await as.fastlege.post(`/api/patients/${pid}/plan`, { title: 'Igjen' })).status, 409);
  const page = (await as.fastlege.get(`/api/patients/${pid}/plan`)).json;
  assert.equal(page.plan.id, id);
  assert.equal(page.plan.members.length, 2, 'the author and the patient');
  r = await as.fastlege.put(`/api/plans/${id}`, { version: page.plan.version, status: 'completed' });
  assert.equal(r.status, 200, JSON.stringify(r.json));
  assert.equal((await as.fastlege.get(`/api/patients/${pid}/plan`)).json.plan, null);
  assert.equal((await as.fastlege.post(`/api/patients/${pid}/plan`, { title: 'Ny plan' })).status, 201);
  assert.equal(q(`SELECT COUNT(*) FROM care_plan WHERE patient_id = ${pid}`), '2');
  assert.equal(q(`SELECT COUNT(*) FROM care_plan WHERE patient_id = ${pid} AND status = 'active'`), '1');
});

test('an individual plan always has exactly one coordinator, a member of the team, handed over before leaving', async () => {
  const pid = gpPatientWithoutPlan('fastlege', 1);
  let r = await as.fastlege.post(`/api/patients/${pid}/plan`, { title: 'Individuell plan', individualPlan: true });
  assert.equal(r.status, 201);
  const planId = r.json.id;
  let p = (await as.fastlege.get(`/api/patients/${pid}/plan`)).json.plan;
  const me = p.members.find((m) => m.name === 'Dr. Sigrun Fastlege');
  assert.equal(p.coordinatorId, me.id, 'the author coordinates from the start');
  r = await as.fastlege.put(`/api/plans/${planId}`, { version: p.version, coordinatorId: null });
  assert.equal(r.status, 400);
  assert.equal(r.json.error.field, 'coordinatorId');
  const patientMember = p.members.find((m) => m.role === 'patient');
  r = await as.fastlege.put(`/api/plans/${planId}`, { coordinatorId: patientMember.id });
  assert.equal(r.status, 400, 'the patient cannot be the coordinator');
  const elsewhere = plan.members.find((m) => m.role === 'specialist').id; // a member of another team
  r = await as.fastlege.put(`/api/plans/${planId}`, { coordinatorId: elsewhere });
  assert.equal(r.status, 400);
  assert.equal(r.json.error.field, 'coordinatorId');
  r = await as.fastlege.put(`/api/members/${me.id}`, { to: day(0) });
  assert.equal(r.status, 409, 'the coordinator hands over first');
  assert.match(r.json.error.message, /koordinator/);
  r = await as.fastlege.post(`/api/teams/${me.teamId}/members`, { userId: uid('hjemmesykepleier'), role: 'home-care-nurse' });
  assert.equal(r.status, 201);
  const hc = r.json.id;
  assert.equal((await as.fastlege.post(`/api/teams/${me.teamId}/members`, { userId: uid('hjemmesykepleier'), role: 'nurse' })).status, 409,
    'already a member');
  r = await as.fastlege.put(`/api/plans/${planId}`, { coordinatorId: hc });
  assert.equal(r.status, 200);
  p = (await as.fastlege.get(`/api/patients/${pid}/plan`)).json.plan;
  assert.deepEqual(p.members.filter((m) => m.coordinator).map((m) => m.id), [hc]);
  r = await as.fastlege.put(`/api/members/${me.id}`, { to: day(0) });
  assert.equal(r.status, 200, 'no longer coordinator: may leave');
  const careTeam = JSON.parse(q(`SELECT resource FROM care_team WHERE id = ${me.teamId}`));
  assert.ok(careTeam.participant.some((x) => x.role.some((c) => c.coding[0].code === 'coordinator')));
});

test('relatives see only what the patient allowed; without consent nothing, and the patient can withdraw it', async () => {
  let r = await as.parorende.get(`/api/patients/${ingrid}/plan`);
  assert.equal(r.status, 200);
  assert.equal(r.json.relation, 'relative-consent');
  assert.deepEqual(r.json.scopes.sort(), ['appointments', 'messages', 'plan']);
  assert.ok(r.json.plan.goals.length > 0);
  assert.equal(r.json.plan.measurements, undefined, 'measurements were not shared');
  assert.equal(r.json.plan.can.edit, false);
  assert.equal((await as.parorende.get(`/api/plans/${plan.id}/messages`)).status, 200);
  assert.equal((await as.parorende.put(`/api/plans/${plan.id}`, { crisisSigns: 'x' })).status, 403, 'relatives do not edit');
  assert.equal((await as.parorende.get(`/api/patients/${ingrid}`)).status, 403, 'nor read the record');
  // A second relative account the patient never consented to.
  assert.equal(cli(['user', 'add', '--db', db.url, '--username', 'datter', '--name', 'Kari Haugland', '--role', 'relative',
    '--org', q("SELECT id FROM org WHERE kommunenummer = '4631'"), '--patient', ingrid], 'et-godt-passord\n').status, 0);
  const kari = new Client(srv.base);
  await kari.login('datter', 'et-godt-passord');
  assert.equal((await kari.get(`/api/patients/${ingrid}/plan`)).status, 403);
  assert.equal((await kari.get(`/api/plans/${plan.id}/messages`)).status, 403);
  assert.equal((await kari.post(`/api/plans/${plan.id}/messages`, { body: 'Hei' })).status, 403);
  // Only the patient gives consent; then only messages.
  assert.equal((await kari.put('/api/consents', { username: 'datter', scopes: ['plan'] })).status, 403);
  r = await as.pasient.put('/api/consents', { username: 'datter', scopes: ['messages'] });
  assert.equal(r.status, 200);
  assert.deepEqual(r.json.relatives.find((x) => x.username === 'datter').scopes, ['messages']);
  r = await kari.get(`/api/patients/${ingrid}/plan`);
  assert.equal(r.status, 200);
  assert.equal(r.json.plan.goals, undefined, 'the plan itself was not shared');
  assert.equal((await kari.post(`/api/plans/${plan.id}/messages`, { body: 'Mamma sover bedre nå.' })).status, 201);
  r = await as.pasient.put('/api/consents', { username: 'datter', scopes: [] });
  assert.equal(r.status, 200);
  assert.equal((await kari.get(`/api/patients/${ingrid}/plan`)).status, 403, 'withdrawn');
  assert.equal((await as.pasient.put('/api/consents', { username: 'fastlege', scopes: ['plan'] })).status, 400);
  assert.equal((await as.pasient.put('/api/consents', { username: 'datter', scopes: ['everything'] })).status, 400);
});

test('no relation: 403 and the attempt in the audit log; a relation without membership reads but does not edit', async () => {
  const denied = () => q(`SELECT COUNT(*) FROM audit_log WHERE patient_id = ${ingrid} AND outcome = 'denied'
    AND user_id = ${uid('fastlege.osteroy')}`);
  const d0 = Number(denied());
  let r = await as['fastlege.osteroy'].get(`/api/patients/${ingrid}/plan`);
  assert.equal(r.status, 403);
  assert.equal(Number(denied()), d0 + 1, 'the read attempt is audited');
  const before = careCounts();
  r = await as['fastlege.osteroy'].post(`/api/plans/${plan.id}/items`, { kind: 'task', text: 'Snik' });
  assert.equal(r.status, 403);
  assert.equal(Number(denied()), d0 + 2, 'the write attempt is audited');
  assert.equal((await as['fastlege.osteroy'].get(`/api/plans/${plan.id}/messages`)).status, 403);
  assert.equal(careCounts(), before);
  // The KAD nurse works in Alver (a relation) but is not in Ingrid's team.
  r = await as['sykepleier.kad'].get(`/api/patients/${ingrid}/plan`);
  assert.equal(r.status, 200);
  assert.equal(r.json.plan.can.edit, false);
  r = await as['sykepleier.kad'].post(`/api/plans/${plan.id}/items`, { kind: 'task', text: 'Ring pasienten' });
  assert.equal(r.status, 403);
  assert.match(r.json.error.message, /teamet/);
  assert.equal((await as.analytiker.get(`/api/patients/${ingrid}/plan`)).status, 403);
  // Every allowed read is audited with its relation.
  const reads = q(`SELECT relation FROM audit_log WHERE patient_id = ${ingrid} AND user_id = ${uid('sykepleier.kad')}
    AND what LIKE 'CarePlan/%' AND outcome = 'allowed' ORDER BY id DESC LIMIT 1`);
  assert.equal(reads, 'municipality');
  // A team member has the relation "care-team" on the patient's record too.
  r = await as.spesialist.get(`/api/patients/${ingrid}`);
  assert.equal(r.status, 200);
  assert.equal(r.json.relation, 'care-team');
});

test('two people editing at once: the second gets a conflict showing the first one\'s change; other fields merge', async () => {
  const v = (await as.fastlege.get(`/api/patients/${ingrid}/plan`)).json.plan.version;
  let r = await as.fastlege.put(`/api/plans/${plan.id}`, { version: v, crisisSigns: 'Pustebesvær, vektøkning over 2 kg' });
  assert.equal(r.status, 200);
  const before = q(`SELECT crisis_signs FROM care_plan WHERE id = ${plan.id}`);
  r = await as.hjemmesykepleier.put(`/api/plans/${plan.id}`, { version: v, crisisSigns: 'Noe helt annet' });
  assert.equal(r.status, 409);
  assert.equal(r.json.error.field, 'version');
  assert.equal(r.json.current.crisisSigns, 'Pustebesvær, vektøkning over 2 kg', 'the other\'s change is shown');
  assert.equal(r.json.changes.at(-1).by, 'Dr. Sigrun Fastlege');
  assert.match(r.json.changes.at(-1).summary, /kriseplan/);
  assert.equal(q(`SELECT crisis_signs FROM care_plan WHERE id = ${plan.id}`), before, 'nothing overwritten');
  r = await as.hjemmesykepleier.put(`/api/plans/${plan.id}`, { version: v, nutritionNotes: 'Næringsdrikk tre ganger daglig' });
  assert.equal(r.status, 200, 'a different field merges');
  const now = (await as.fastlege.get(`/api/patients/${ingrid}/plan`)).json.plan;
  assert.equal(now.crisisSigns, 'Pustebesvær, vektøkning over 2 kg');
  assert.equal(now.nutritionNotes, 'Næringsdrikk tre ganger daglig');
  // The same for a task.
  const task = now.tasks.find((t) => t.status === 'requested' && t.assignee?.name === 'Hanne Heimeteneste');
  r = await as.fastlege.put(`/api/items/${task.id}`, { version: task.version, text: `${task.text} (haster)` });
  assert.equal(r.status, 200);
  r = await as.hjemmesykepleier.put(`/api/items/${task.id}`, { version: task.version, text: 'Annen tekst' });
  assert.equal(r.status, 409);
  assert.equal(r.json.current.text, `${task.text} (haster)`);
  r = await as.hjemmesykepleier.put(`/api/items/${task.id}`, { version: task.version, status: 'in-progress' });
  assert.equal(r.status, 200, 'the status was not changed by anyone else');
});

test('tasks change state; a recurring one comes back; the patient marks their own done and no one else\'s', async () => {
  let p = (await as.pasient.get(`/api/patients/${ingrid}/plan`)).json.plan;
  const own = p.tasks.find((t) => t.assignee?.kind === 'patient' && t.status === 'requested');
  assert.equal(own.recurrence, 'weekly');
  let r = await as.pasient.put(`/api/items/${own.id}`, { status: 'completed' });
  assert.equal(r.status, 200, JSON.stringify(r.json));
  p = (await as.pasient.get(`/api/patients/${ingrid}/plan`)).json.plan;
  const next = p.tasks.find((t) => t.text === own.text && t.status === 'requested');
  assert.ok(next, 'the next occurrence');
  const d = new Date(`${own.day}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 7);
  assert.equal(next.day, d.toISOString().slice(0, 10));
  const gpTask = p.tasks.find((t) => t.assignee?.name === 'Dr. Sigrun Fastlege' && t.status === 'requested');
  assert.equal((await as.pasient.put(`/api/items/${gpTask.id}`, { status: 'completed' })).status, 403);
  assert.equal((await as.pasient.put(`/api/items/${own.id}`, { text: 'Noe annet' })).status, 403, 'only the status');
  r = await as.pasient.post(`/api/plans/${plan.id}/items`, { kind: 'goal', text: 'Gå tur med hunden til naboen' });
  assert.equal(r.status, 201, 'the patient adds a goal of their own');
  assert.equal(q(`SELECT expressed_by FROM care_item WHERE id = ${r.json.id}`), 'patient');
  assert.equal((await as.pasient.post(`/api/plans/${plan.id}/items`, { kind: 'task', text: 'x' })).status, 403);
  r = await as.pasient.put(`/api/plans/${plan.id}`, { whatMatters: 'Å være hjemme til jul.' });
  assert.equal(r.status, 200);
  assert.equal((await as.pasient.put(`/api/plans/${plan.id}`, { crisisActions: 'x' })).status, 403);
  const hcTask = p.tasks.find((t) => t.assignee?.name === 'Hanne Heimeteneste' && t.status !== 'completed');
  for (const status of ['in-progress', 'completed']) {
    r = await as.hjemmesykepleier.put(`/api/items/${hcTask.id}`, { status });
    assert.equal(r.status, 200);
    assert.equal(q(`SELECT status FROM care_item WHERE id = ${hcTask.id}`), status);
  }
  assert.equal((await as.hjemmesykepleier.put(`/api/items/${hcTask.id}`, { status: 'done' })).status, 400);
  const versions = q(`SELECT COUNT(*) FROM change_log WHERE rtype = 'Task' AND rid = ${hcTask.id}`);
  assert.ok(Number(versions) >= 3, 'every version kept');
});

test('my worklist: my tasks and my organisation\'s, overdue first; unread messages; plans changed since I looked', async () => {
  let r = await as.fastlege.get('/api/my-work');
  assert.equal(r.status, 200);
  const days = r.json.tasks.map((t) => t.day).filter(Boolean);
  assert.deepEqual(days, [...days].sort(), 'by due day: overdue first');
  assert.ok(r.json.tasks[0].overdue);
  assert.ok(r.json.tasks.every((t) => t.assignee.name === 'Dr. Sigrun Fastlege' || t.assignee.kind === 'org'));
  // The GP gives the home-care nurse a task and writes to the team.
  const due = day(1);
  r = await as.fastlege.post(`/api/plans/${plan.id}/items`, { kind: 'task', text: 'Måle blodtrykk i morgen', day: due,
    assignee: { kind: 'user', id: uid('hjemmesykepleier') } });
  assert.equal(r.status, 201);
  const taskId = r.json.id;
  assert.equal((await as.fastlege.post(`/api/plans/${plan.id}/messages`, { body: 'Se ny oppgave om blodtrykk.' })).status, 201);
  r = await as.hjemmesykepleier.get('/api/my-work');
  assert.ok(r.json.tasks.some((t) => t.id === taskId && t.patientName === 'Ingrid Marie Haugland'));
  const unread = r.json.unread.find((x) => x.planId === plan.id);
  assert.ok(unread.unread >= 1);
  assert.ok(r.json.changed.some((x) => x.planId === plan.id));
  const orgTask = q(`SELECT COUNT(*) FROM care_item WHERE assignee_org_id = ${q("SELECT id FROM org WHERE name = 'Heimetenesta Alver'")}`);
  assert.ok(Number(orgTask) >= 1);
  // Reading the thread and the plan clears both.
  const thread = (await as.hjemmesykepleier.get(`/api/plans/${plan.id}/messages`)).json.messages;
  assert.ok(thread.some((m) => m.unread));
  await as.hjemmesykepleier.get(`/api/patients/${ingrid}/plan`);
  r = await as.hjemmesykepleier.get('/api/my-work');
  assert.equal(r.json.unread.find((x) => x.planId === plan.id), undefined);
  assert.equal(r.json.changed.find((x) => x.planId === plan.id), undefined);
  // Read receipts: the GP sees who has read the message.
  const gpThread = (await as.fastlege.get(`/api/plans/${plan.id}/messages`)).json.messages;
  assert.ok(gpThread.at(-1).readBy.includes('Hanne Heimeteneste'));
  // Invitations: the relative is invited to the coming co-consultation.
  r = await as.parorende.get('/api/my-work');
  assert.equal(r.json.consultations.length, 1);
  assert.match(r.json.consultations[0].videoUrl, /^https:/);
  // The patient sees their own tasks.
  r = await as.pasient.get('/api/my-work');
  assert.ok(r.json.tasks.every((t) => t.assignee.kind === 'patient'));
  // The specialist sees the open question to the ward.
  r = await as.spesialist.get('/api/my-work');
  assert.ok(r.json.questions.length >= 1);
});

test('ask the specialist: the question gives the ward a relation until it is answered', async () => {
  const question = (await as.spesialist.get('/api/questions')).json.questions[0];
  assert.ok(question);
  let r = await as.spesialist.get(`/api/patients/${question.patientId}/plan`);
  assert.equal(r.status, 200);
  assert.equal(r.json.relation, 'advice-request');
  assert.equal((await as.spesialist.post(`/api/plans/${question.planId}/items`, { kind: 'task', text: 'x' })).status, 403,
    'advice, not membership');
  assert.equal((await as['sykepleier.kad'].post(`/api/plans/${question.planId}/messages`,
    { kind: 'answer', replyTo: question.id, body: 'Ja' })).status, 403);
  r = await as.spesialist.post(`/api/plans/${question.planId}/messages`, { kind: 'answer', replyTo: question.id,
    body: 'Start apixaban 5 mg x 2, vi ser henne på poliklinikken om tre måneder.' });
  assert.equal(r.status, 201, JSON.stringify(r.json));
  assert.equal(q(`SELECT status FROM care_message WHERE id = ${question.id}`), 'completed');
  assert.equal((await as.spesialist.post(`/api/plans/${question.planId}/messages`, { kind: 'answer', replyTo: question.id,
    body: 'Igjen' })).status, 403, 'answered: the relation has ended');
  assert.equal((await as.spesialist.get(`/api/patients/${question.patientId}/plan`)).status, 403);
  const thread = (await as.fastlege.get(`/api/plans/${question.planId}/messages`)).json.messages;
  assert.equal(thread.at(-1).kind, 'answer');
  assert.equal(thread.at(-1).replyTo, question.id);
  r = await as.fastlege.post(`/api/plans/${question.planId}/messages`, { kind: 'question', body: 'Hjelp?' });
  assert.equal(r.status, 400);
  assert.equal(r.json.error.field, 'toOrgId');
});

test('co-consultations: booked, recorded, the plan updated, the travel avoided priced at the rates', async () => {
  const municipality = q(`SELECT municipality_id FROM patient WHERE id = ${ingrid}`);
  const [km, minutes] = q(`SELECT km || ' ' || minutes FROM travel_time WHERE municipality_id = ${municipality}
    AND site = 'Haukeland'`).split(' ').map(Number);
  const totals0 = (await as.fastlege.get('/api/consultations/totals')).json;
  const start = `${day(2)}T09:00:00+01:00`;
  let r = await as.fastlege.post(`/api/plans/${plan.id}/consultations`, {
    start, minutes: 45, purpose: 'Gjennomgang av medisiner', videoUrl: 'https://video.example.no/rom/1',
    participants: [{ userId: uid('spesialist') }, { userId: uid('fastlege') }, { name: 'Kari Haugland', role: 'relative' }],
  });
  assert.equal(r.status, 201, JSON.stringify(r.json));
  const id = r.json.id;
  assert.ok((await as.spesialist.get('/api/my-work')).json.consultations.some((c) => c.id === id), 'the invitation');
  const tasks0 = Number(q(`SELECT COUNT(*) FROM care_item WHERE plan_id = ${plan.id} AND kind = 'task'`));
  r = await as.spesialist.put(`/api/consultations/${id}`, { status: 'fulfilled', record: 'Seponere digitoksin; ny kontroll om tre måneder.',
    tasks: [{ text: 'Seponere digitoksin', assignee: { kind: 'user', id: uid('fastlege') }, day: day(3) }] });
  assert.equal(r.status, 200, JSON.stringify(r.json));
  assert.equal(Number(q(`SELECT COUNT(*) FROM care_item WHERE plan_id = ${plan.id} AND kind = 'task'`)), tasks0 + 1, 'the record adds the task');
  const row = q(`SELECT km || ' ' || travel_minutes || ' ' || nok_ore || ' ' || co2_g FROM consultation WHERE id = ${id}`).split(' ').map(Number);
  assert.deepEqual(row, [2 * km, 2 * minutes, 2 * km * 350, 2 * km * 120], 'round trip at 3.50 NOK and 120 g CO2 per km');
  const totals1 = (await as.fastlege.get('/api/consultations/totals')).json;
  assert.equal(totals1.held, totals0.held + 1);
  assert.equal(totals1.travelAvoided.km, totals0.travelAvoided.km + 2 * km);
  assert.equal(totals1.travelAvoided.nokOre, totals0.travelAvoided.nokOre + 2 * km * 350);
  assert.equal(totals1.travelAvoided.co2Grams, totals0.travelAvoided.co2Grams + 2 * km * 120);
  assert.equal((await as.spesialist.put(`/api/consultations/${id}`, { status: 'cancelled' })).status, 409, 'already held');
  const page = (await as.fastlege.get(`/api/patients/${ingrid}/plan`)).json.plan;
  assert.ok(page.changes.some((c) => /Seponere digitoksin; ny kontroll/.test(c.summary)), 'the record in the plan\'s history');
  // New rates apply to the next one, not to those already held.
  const rates = cli(['rates', '--db', db.url, '--nok-per-km', '4.20', '--co2-g-per-km', '100']);
  assert.equal(rates.status, 0, rates.stderr);
  assert.match(rates.stdout, /4,20/);
  r = await as.fastlege.post(`/api/plans/${plan.id}/consultations`, { start, purpose: 'Oppfølging',
    participants: [{ userId: uid('spesialist') }, { userId: uid('pasient') }] });
  const id2 = r.json.id;
  assert.equal((await as.fastlege.put(`/api/consultations/${id2}`, { status: 'fulfilled', record: 'OK' })).status, 200);
  assert.equal(q(`SELECT nok_ore || ' ' || co2_g FROM consultation WHERE id = ${id2}`), `${2 * km * 420} ${2 * km * 100}`);
  assert.equal(q(`SELECT nok_ore FROM consultation WHERE id = ${id}`), String(2 * km * 350));
});

test('bad input is refused with the field named and changes nothing', async () => {
  const other = q(`SELECT patient_id FROM care_plan WHERE patient_id <> ${ingrid} AND status = 'active' LIMIT 1`);
  const otherPlan = q(`SELECT id FROM care_plan WHERE patient_id = ${other} AND status = 'active'`);
  const before = careCounts();
  const cases = [
    [as.fastlege, 'POST', `/api/plans/${plan.id}/items`, { kind: 'task', text: 'Ring', assignee: { kind: 'user', id: uid('fastlege.osteroy') } }, 400, 'assignee'],
    [as.fastlege, 'POST', `/api/plans/${plan.id}/items`, { kind: 'task', text: 'Ring', assignee: { kind: 'user', id: '123' } }, 400, 'assignee'],
    [as.fastlege, 'POST', `/api/plans/${plan.id}/items`, { kind: 'task', text: 'Ring', assignee: { kind: 'org', id: '9' } }, 400, 'assignee'],
    [as.fastlege, 'POST', `/api/plans/${plan.id}/items`, { kind: 'goal' }, 400, 'text'],
    [as.fastlege, 'POST', `/api/plans/${plan.id}/items`, { kind: 'goal', text: '   ' }, 400, 'text'],
    [as.fastlege, 'POST', `/api/plans/${plan.id}/items`, { kind: 'wish', text: 'x' }, 400, 'kind'],
    [as.fastlege, 'POST', `/api/plans/${plan.id}/items`, { kind: 'issue', text: 'Diabetes', codeSystem: 'icpc2', code: 'T9' }, 400, 'code'],
    [as.fastlege, 'POST', `/api/plans/${plan.id}/items`, { kind: 'issue', text: 'Diabetes', codeSystem: 'snomed', code: 'T90' }, 400, 'codeSystem'],
    [as.fastlege, 'POST', `/api/plans/${plan.id}/items`, { kind: 'task', text: 'x', day: '2026-02-30' }, 400, 'day'],
    [as.fastlege, 'POST', `/api/plans/${plan.id}/items`, { kind: 'task', text: 'x', recurrence: 'weekly' }, 400, 'day'],
    [as.fastlege, 'POST', `/api/plans/${plan.id}/items`, { kind: 'goal', text: 'x', status: 'done' }, 400, 'status'],
    [as.fastlege, 'PUT', `/api/plans/${plan.id}`, { nutritionWeight: '5 kg' }, 400, 'nutritionWeight'],
    [as.fastlege, 'PUT', `/api/plans/${plan.id}`, { contacts: [{ name: 'A', phone: 'ring meg' }] }, 400, 'contacts'],
    [as.fastlege, 'PUT', `/api/plans/${plan.id}`, { title: '' }, 400, 'title'],
    [as.fastlege, 'PUT', `/api/plans/${plan.id}`, { version: 'x' }, 400, 'version'],
    [as.fastlege, 'POST', `/api/plans/${plan.id}/messages`, { body: '' }, 400, 'body'],
    [as.fastlege, 'POST', `/api/plans/${plan.id}/consultations`, { start: `${day(1)}T10:00:00Z`, purpose: 'x', participants: [{ userId: uid('fastlege') }] }, 400, 'participants'],
    [as.fastlege, 'POST', `/api/plans/${plan.id}/consultations`, { start: `${day(1)}T10:00:00Z`, purpose: 'x', videoUrl: 'http://x', participants: [{ userId: uid('fastlege') }, { name: 'A', role: 'patient' }] }, 400, 'videoUrl'],
    [as.fastlege, 'POST', `/api/plans/${plan.id}/consultations`, { start: 'i morgen', purpose: 'x', participants: [] }, 400, 'start'],
    [as.fastlege, 'POST', `/api/teams/${plan.members[0].teamId}/members`, { name: 'Ola', role: 'wizard' }, 400, 'role'],
    [as.fastlege, 'POST', `/api/teams/${plan.members[0].teamId}/members`, { userId: '42', role: 'nurse' }, 400, 'userId'],
    [as.pasient, 'POST', `/api/patients/${ingrid}/measurements`, { kind: 'weight', value: '900' }, 400, 'value'],
    [as.pasient, 'POST', `/api/patients/${ingrid}/measurements`, { kind: 'temperature', value: '45.5' }, 400, 'value'],
    [as.pasient, 'POST', `/api/patients/${ingrid}/measurements`, { kind: 'mood', value: '5' }, 400, 'kind'],
  ];
  for (const [who, method, path, body, status, field] of cases) {
    const r = await who.request(method, path, { body });
    assert.equal(r.status, status, `${method} ${path} ${JSON.stringify(body)}: ${JSON.stringify(r.json)}`);
    assert.equal(r.json.error.field, field, JSON.stringify(body));
    assert.ok(r.json.error.message.length > 5);
  }
  // The patient may not write into another patient's plan.
  for (const [method, path, body] of [
    ['POST', `/api/plans/${otherPlan}/messages`, { body: 'Hei' }],
    ['POST', `/api/plans/${otherPlan}/items`, { kind: 'goal', text: 'Mitt mål' }],
    ['PUT', `/api/plans/${otherPlan}`, { whatMatters: 'Meg' }],
    ['POST', `/api/patients/${other}/measurements`, { kind: 'weight', value: '70' }],
  ]) {
    const r = await as.pasient.request(method, path, { body });
    assert.equal(r.status, 403, `${method} ${path}`);
  }
  assert.equal((await as.pasient.get(`/api/patients/${other}/plan`)).status, 403);
  assert.equal(careCounts(), before, 'nothing changed');
});

test('home measurements keep the precision they were written with', async () => {
  const r = await as.pasient.post(`/api/patients/${ingrid}/measurements`, { kind: 'temperature', value: '37,50' });
  assert.equal(r.status, 201);
  assert.equal(q(`SELECT value || ' ' || unit || ' ' || code FROM observation WHERE id = ${r.json.id}`), '37.50 Cel 8310-5');
  const page = (await as.fastlege.get(`/api/patients/${ingrid}/plan`)).json.plan;
  assert.equal(page.measurements[0].value, '37.50');
  assert.ok(page.changes.some((c) => /Temperatur 37\.50/.test(c.summary)));
});

test('standing teams: created with members, listed, and the overview for team leaders', async () => {
  let r = await as.hjemmesykepleier.post('/api/teams', { kind: 'home-care', name: 'Heimetenesta Knarvik sone 1',
    members: [{ name: 'Ola Assistent', role: 'nurse' }] });
  assert.equal(r.status, 201, JSON.stringify(r.json));
  assert.equal((await as.hjemmesykepleier.post('/api/teams', { kind: 'club', name: 'x' })).status, 400);
  assert.equal((await as.pasient.post('/api/teams', { kind: 'psht', name: 'x' })).status, 403);
  r = await as.hjemmesykepleier.get('/api/teams');
  const t = r.json.teams.find((x) => x.name === 'Heimetenesta Knarvik sone 1');
  assert.deepEqual(t.members.map((m) => m.name).sort(), ['Hanne Heimeteneste', 'Ola Assistent']);
  const psht = r.json.teams.find((x) => x.kind === 'psht');
  assert.ok(psht.patients >= 5);
  r = await as.fastlege.get('/api/teams/overview');
  assert.equal(r.status, 200);
  const team = r.json.teams.find((x) => x.name === 'Primærhelseteam Knarvik legesenter');
  assert.equal(team.plans.length, psht.patients);
  assert.equal(team.plansWithoutPatientGoal, team.plans.filter((p) => !p.patientGoal).length);
  assert.ok(team.plansWithoutPatientGoal >= 1, 'the demo has plans without the patient\'s own goal');
  assert.equal(team.overdueTasks, team.plans.reduce((s, p) => s + p.overdueTasks, 0));
  assert.ok(team.plans.some((p) => p.daysSinceContact !== undefined));
});

test('at the same moment: two plans for one patient, or two edits of one field, and exactly one wins', async () => {
  const pid = gpPatientWithoutPlan('fastlege', 2);
  const created = await Promise.all([
    as.fastlege.post(`/api/patients/${pid}/plan`, { title: 'Fra legen' }),
    as.fastlege.post(`/api/patients/${pid}/plan`, { title: 'Fra legen, igjen' }),
    as.hjemmesykepleier.post(`/api/patients/${pid}/plan`, { title: 'Fra hjemmesykepleien' }),
  ]);
  assert.deepEqual(created.map((r) => r.status).sort(), [201, 409, 409]);
  assert.equal(q(`SELECT COUNT(*) FROM care_plan WHERE patient_id = ${pid}`), '1');
  const page = (await as.fastlege.get(`/api/patients/${pid}/plan`)).json.plan;
  const edits = await Promise.all(['Tegn A', 'Tegn B'].map((t) =>
    as.fastlege.put(`/api/plans/${page.id}`, { version: page.version, crisisSigns: t })));
  assert.deepEqual(edits.map((r) => r.status).sort(), [200, 409]);
  const loser = edits.find((r) => r.status === 409).json;
  assert.equal(q(`SELECT crisis_signs FROM care_plan WHERE id = ${page.id}`), loser.current.crisisSigns,
    'the stored text is the winner\'s, and the loser is shown it');
});
