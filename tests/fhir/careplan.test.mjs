// Shared care over FHIR with a real client (fhir-kit-client): CareTeam,
// CarePlan, Goal, Condition, Task, Communication and Appointment, every
// resource checked against the official FHIR R4 JSON schema.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { newDatabase, seedDemo, startServer } from '../lib/server.mjs';
import { valid, failure, tokenFor, fhirClient } from '../lib/fhir.mjs';


let db;
let srv;
let gp; // the GP's EPJ integration, with the GP's bearer token
let homecare;
let stranger; // a GP without a relation to the demo patient
let ingrid;
let planId;
const q = (sql) => db.query(sql);

const client = (username) => fhirClient(srv.base, tokenFor(db, username));

before(async () => {
  db = newDatabase('fhircare');
  seedDemo(db);
  srv = await startServer(db);
  gp = client('fastlege');
  homecare = client('hjemmesykepleier');
  stranger = client('fastlege.osteroy');
  ingrid = q("SELECT patient_id FROM app_user WHERE username = 'pasient'");
  planId = q(`SELECT id FROM care_plan WHERE patient_id = ${ingrid} AND status = 'active'`);
});

after(async () => {
  await srv?.stop();
});

test('the CapabilityStatement describes the shared-care resources', async () => {
  const cs = valid(await gp.capabilityStatement());
  const byType = Object.fromEntries(cs.rest[0].resource.map((r) => [r.type, r]));
  for (const t of ['CareTeam', 'CarePlan', 'Goal', 'Condition', 'Task', 'Communication', 'Appointment']) {
    const codes = byType[t].interaction.map((i) => i.code);
    for (const c of ['read', 'vread', 'history-instance', 'search-type', 'create']) assert.ok(codes.includes(c), `${t} ${c}`);
    assert.equal(codes.includes('update'), t !== 'Communication', `${t} update`);
    assert.ok(byType[t].searchParam.some((p) => p.name === 'patient'));
    assert.ok(byType[t].searchParam.some((p) => p.name === '_lastUpdated'));
  }
  assert.deepEqual(byType.CarePlan.searchInclude, ['CarePlan:goal', 'CarePlan:activity-reference']);
  assert.ok(byType.Goal.searchParam.some((p) => p.name === 'lifecycle-status'));
});

test('the demo plan with its goals and tasks in one search (_include), each resource valid', async () => {
  const b = valid(await gp.search({ resourceType: 'CarePlan', searchParams: {
    patient: `Patient/${ingrid}`, _include: ['CarePlan:goal', 'CarePlan:activity-reference'] } }));
  const matches = b.entry.filter((e) => e.search.mode === 'match');
  assert.equal(matches.length, 1);
  const plan = matches[0].resource;
  assert.equal(plan.id, planId);
  assert.equal(plan.subject.reference, `Patient/${ingrid}`);
  assert.equal(plan.category[0].coding[0].code, 'individual-plan');
  const included = b.entry.filter((e) => e.search.mode === 'include').map((e) => e.resource);
  const goalRefs = plan.goal.map((g) => g.reference).sort();
  assert.deepEqual(included.filter((r) => r.resourceType === 'Goal').map((r) => `Goal/${r.id}`).sort(), goalRefs);
  const taskRefs = plan.activity.map((a) => a.reference.reference).sort();
  assert.deepEqual(included.filter((r) => r.resourceType === 'Task').map((r) => `Task/${r.id}`).sort(), taskRefs);
  for (const r of included) valid(r);
  assert.ok(included.some((r) => r.resourceType === 'Goal' && r.expressedBy?.reference === `Patient/${ingrid}`),
    'the patient\'s own goal');
  const team = valid(await gp.read({ resourceType: 'CareTeam', id: plan.careTeam[0].reference.split('/')[1] }));
  assert.equal(team.subject.reference, `Patient/${ingrid}`);
  assert.ok(team.participant.length >= 5);
  const standing = valid(await gp.read({ resourceType: 'CareTeam', id: plan.careTeam[1].reference.split('/')[1] }));
  assert.equal(standing.category[0].coding[0].code, 'psht');
  assert.equal(standing.subject, undefined);
  const conditions = valid(await gp.search({ resourceType: 'Condition', searchParams: { patient: ingrid } }));
  assert.ok(conditions.entry.some((e) => e.resource.code.coding?.[0]?.system === 'urn:oid:2.16.578.1.12.4.1.1.7170'
    && e.resource.code.coding[0].code === 'K77'));
  const messages = valid(await gp.search({ resourceType: 'Communication', searchParams: { patient: ingrid } }));
  const answer = messages.entry.find((e) => e.resource.category[0].coding[0].code === 'answer');
  assert.ok(answer.resource.inResponseTo[0].reference.startsWith('Communication/'));
  const appts = valid(await gp.search({ resourceType: 'Appointment', searchParams: { patient: ingrid, status: 'fulfilled' } }));
  assert.equal(appts.entry.length, 1);
  const travel = appts.entry[0].resource.extension.find((e) => e.url.endsWith('travel-avoided'));
  assert.ok(travel.extension.find((e) => e.url === 'distance').valueQuantity.value > 0);
});

test('a system integration with a bearer token creates a Task in the plan; update with If-Match, history and vread', async () => {
  const body = {
    resourceType: 'Task', status: 'requested', intent: 'plan', description: 'Ta INR-prøve',
    basedOn: [{ reference: `CarePlan/${planId}` }], for: { reference: `Patient/${ingrid}` },
    owner: { reference: `Practitioner/${q("SELECT id FROM app_user WHERE username = 'hjemmesykepleier'")}` },
    restriction: { period: { end: '2099-01-15' } },
  };
  const created = valid(await gp.create({ resourceType: 'Task', body }));
  assert.match(created.id, /^\d+$/);
  assert.equal(created.meta.versionId, '1');
  assert.equal(q(`SELECT text || '|' || day || '|' || plan_id FROM care_item WHERE id = ${created.id}`), `Ta INR-prøve|2099-01-15|${planId}`);
  const page = await fetch(`${srv.base}/api/my-work`, { headers: { Authorization: `Bearer ${tokenFor(db, 'hjemmesykepleier')}` } });
  assert.ok((await page.json()).tasks.some((t) => t.id === created.id), 'in the home-care nurse\'s worklist');
  const changed = { ...created, status: 'in-progress' };
  const updated = valid(await homecare.update({ resourceType: 'Task', id: created.id, body: changed,
    options: { headers: { 'If-Match': 'W/"1"' } } }));
  assert.equal(updated.meta.versionId, '2');
  assert.equal(updated.status, 'in-progress');
  const stale = await failure(gp.update({ resourceType: 'Task', id: created.id, body: { ...created, status: 'cancelled' },
    options: { headers: { 'If-Match': 'W/"1"' } } }));
  assert.equal(stale.status, 412);
  const hist = valid(await gp.history({ resourceType: 'Task', id: created.id }));
  assert.deepEqual(hist.entry.map((e) => e.resource.meta.versionId), ['2', '1']);
  const v1 = valid(await gp.vread({ resourceType: 'Task', id: created.id, version: '1' }));
  assert.equal(v1.status, 'requested');
  const plan = valid(await gp.read({ resourceType: 'CarePlan', id: planId }));
  assert.ok(plan.activity.some((a) => a.reference.reference === `Task/${created.id}`), 'the plan lists the new task');
  // Searches by status, date and _lastUpdated.
  const inProgress = valid(await gp.search({ resourceType: 'Task', searchParams: { patient: ingrid, status: 'in-progress' } }));
  assert.ok(inProgress.entry.every((e) => e.resource.status === 'in-progress'));
  assert.ok(inProgress.entry.some((e) => e.resource.id === created.id));
  const byDue = valid(await gp.search({ resourceType: 'Task', searchParams: { patient: ingrid, period: '2099-01-15' } }));
  assert.deepEqual(byDue.entry.map((e) => e.resource.id), [created.id]);
  const today = new Date().toISOString().slice(0, 10);
  const recent = valid(await gp.search({ resourceType: 'Task', searchParams: { patient: ingrid, _lastUpdated: `ge${today}` } }));
  assert.ok(recent.entry.some((e) => e.resource.id === created.id));
  const old = valid(await gp.search({ resourceType: 'Task', searchParams: { patient: ingrid, _lastUpdated: 'lt2001-01-01' } }));
  assert.equal(old.entry.length, 0);
});

test('Goal and Condition through FHIR: created, updated, and refused with the FHIRPath of what is wrong', async () => {
  const goal = valid(await gp.create({ resourceType: 'Goal', body: {
    resourceType: 'Goal', lifecycleStatus: 'active', description: { text: 'Klare trappen hjemme' },
    subject: { reference: `Patient/${ingrid}` }, expressedBy: { reference: `Patient/${ingrid}` },
    target: [{ dueDate: '2099-06-01' }] } }));
  assert.equal(q(`SELECT expressed_by || '|' || day FROM care_item WHERE id = ${goal.id}`), 'patient|2099-06-01');
  const done = valid(await gp.update({ resourceType: 'Goal', id: goal.id, body: { ...goal, lifecycleStatus: 'completed' } }));
  assert.equal(done.achievementStatus.coding[0].code, 'achieved');
  const noText = await failure(gp.create({ resourceType: 'Goal', body: {
    resourceType: 'Goal', lifecycleStatus: 'active', description: { text: '' }, subject: { reference: `Patient/${ingrid}` } } }));
  assert.equal(noText.status, 422);
  assert.deepEqual(noText.outcome.issue[0].expression, ['Goal.description.text']);
  const cond = valid(await gp.create({ resourceType: 'Condition', body: {
    resourceType: 'Condition', subject: { reference: `Patient/${ingrid}` },
    clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }] },
    code: { text: 'Diabetes type 2', coding: [{ system: 'urn:oid:2.16.578.1.12.4.1.1.7170', code: 'T90' }] } } }));
  assert.equal(cond.code.coding[0].code, 'T90');
  const badCode = await failure(gp.create({ resourceType: 'Condition', body: {
    resourceType: 'Condition', subject: { reference: `Patient/${ingrid}` },
    code: { text: 'Diabetes', coding: [{ system: 'urn:oid:2.16.578.1.12.4.1.1.7170', code: 'T9000' }] } } }));
  assert.equal(badCode.status, 422);
  assert.deepEqual(badCode.outcome.issue[0].expression, ['Condition.code.coding']);
  const noPlan = q(`SELECT p.id FROM patient p WHERE p.gp_user_id = (SELECT id FROM app_user WHERE username = 'fastlege')
    AND NOT EXISTS (SELECT 1 FROM care_plan c WHERE c.patient_id = p.id) LIMIT 1`);
  const withoutPlan = await failure(gp.create({ resourceType: 'Goal', body: {
    resourceType: 'Goal', lifecycleStatus: 'active', description: { text: 'x' }, subject: { reference: `Patient/${noPlan}` } } }));
  assert.equal(withoutPlan.status, 422);
  assert.match(withoutPlan.outcome.issue[0].diagnostics, /ingen aktiv plan/);
  const wrongType = await failure(gp.create({ resourceType: 'Goal', body: { resourceType: 'Task' } }));
  assert.ok([400, 422].includes(wrongType.status));
});

test('a CarePlan created over FHIR with its team; CareTeam participants changed by update', async () => {
  const pid = q(`SELECT p.id FROM patient p WHERE p.gp_user_id = (SELECT id FROM app_user WHERE username = 'fastlege')
    AND NOT EXISTS (SELECT 1 FROM care_plan c WHERE c.patient_id = p.id) ORDER BY p.id DESC LIMIT 1`);
  const created = valid(await gp.create({ resourceType: 'CarePlan', body: {
    resourceType: 'CarePlan', status: 'active', intent: 'plan', title: 'Plan fra journalsystemet',
    subject: { reference: `Patient/${pid}` },
    extension: [
      { url: 'https://helsebro.no/fhir/StructureDefinition/what-matters', valueString: 'Å komme meg på hytta i sommer.' },
      { url: 'https://helsebro.no/fhir/StructureDefinition/nutrition-weight-kg', valueString: '72.40' },
    ] } }));
  assert.equal(created.title, 'Plan fra journalsystemet');
  assert.equal(created.extension.find((e) => e.url.endsWith('nutrition-weight-kg')).valueString, '72.40', 'precision kept');
  const again = await failure(gp.create({ resourceType: 'CarePlan', body: {
    resourceType: 'CarePlan', status: 'active', intent: 'plan', title: 'To', subject: { reference: `Patient/${pid}` } } }));
  assert.equal(again.status, 409);
  const teamId = created.careTeam[0].reference.split('/')[1];
  const team = valid(await gp.read({ resourceType: 'CareTeam', id: teamId }));
  const hc = q("SELECT id FROM app_user WHERE username = 'hjemmesykepleier'");
  const participants = [...team.participant, {
    role: [{ coding: [{ system: 'https://helsebro.no/fhir/CodeSystem/care-role', code: 'home-care-nurse' }] }],
    member: { reference: `Practitioner/${hc}` } }];
  const updated = valid(await gp.update({ resourceType: 'CareTeam', id: teamId, body: { ...team, participant: participants },
    options: { headers: { 'If-Match': `W/"${team.meta.versionId}"` } } }));
  assert.ok(updated.participant.some((p) => p.member.reference === `Practitioner/${hc}`));
  assert.ok(Number(updated.meta.versionId) > Number(team.meta.versionId));
  valid(await homecare.read({ resourceType: 'CarePlan', id: created.id })); // now a member: a relation
  const updatedPlan = valid(await gp.read({ resourceType: 'CarePlan', id: created.id }));
  const put = valid(await gp.update({ resourceType: 'CarePlan', id: created.id, body: { ...updatedPlan, title: 'Ny tittel' },
    options: { headers: { 'If-Match': `W/"${updatedPlan.meta.versionId}"` } } }));
  assert.equal(put.title, 'Ny tittel');
  assert.equal(put.extension.find((e) => e.url.endsWith('what-matters')).valueString, 'Å komme meg på hytta i sommer.');
  // A standing team over FHIR.
  const psht = valid(await gp.create({ resourceType: 'CareTeam', body: {
    resourceType: 'CareTeam', status: 'active', name: 'PSHT Lindås',
    category: [{ coding: [{ system: 'https://helsebro.no/fhir/CodeSystem/care-team-kind', code: 'psht' }] }],
    participant: [{ role: [{ coding: [{ system: 'https://helsebro.no/fhir/CodeSystem/care-role', code: 'nurse' }] }],
      member: { display: 'Siv Sykepleier' } }] } }));
  assert.equal(psht.participant.length, 2, 'the author and Siv');
  const bad = await failure(gp.create({ resourceType: 'CareTeam', body: { resourceType: 'CareTeam', name: 'x',
    category: [{ coding: [{ code: 'club' }] }] } }));
  assert.equal(bad.status, 422);
  assert.deepEqual(bad.outcome.issue[0].expression, ['CareTeam.category']);
});

test('Communication and Appointment through FHIR', async () => {
  const msg = valid(await homecare.create({ resourceType: 'Communication', body: {
    resourceType: 'Communication', status: 'completed', subject: { reference: `Patient/${ingrid}` },
    about: [{ reference: `CarePlan/${planId}` }], payload: [{ contentString: 'Vekten er 62,0 kg i dag.' }] } }));
  assert.equal(msg.sender.display, 'Hanne Heimeteneste');
  const noUpdate = await failure(homecare.update({ resourceType: 'Communication', id: msg.id, body: msg }));
  assert.equal(noUpdate.status, 405);
  const spec = q("SELECT id FROM app_user WHERE username = 'spesialist'");
  const soon = new Date(Date.now() + 30 * 86400000).toISOString().slice(0, 10);
  const appt = valid(await gp.create({ resourceType: 'Appointment', body: {
    resourceType: 'Appointment', status: 'booked', description: 'Samkonsultasjon om diuretika',
    start: `${soon}T09:00:00+01:00`, end: `${soon}T09:30:00+01:00`, minutesDuration: 30,
    supportingInformation: [{ reference: `CarePlan/${planId}` }],
    participant: [{ actor: { reference: `Practitioner/${spec}` }, status: 'accepted' },
      { actor: { reference: `Patient/${ingrid}` }, status: 'accepted' }] } }));
  assert.equal(appt.status, 'booked');
  assert.equal(appt.participant.length, 2);
  const held = valid(await gp.update({ resourceType: 'Appointment', id: appt.id,
    body: { ...appt, status: 'fulfilled', comment: 'Fortsette som nå.' } }));
  assert.equal(held.status, 'fulfilled');
  assert.ok(held.extension.some((e) => e.url.endsWith('travel-avoided')));
  const missing = await failure(gp.create({ resourceType: 'Appointment', body: {
    resourceType: 'Appointment', status: 'booked', start: `${soon}T09:00:00+01:00`, participant: [] } }));
  assert.equal(missing.status, 422);
});

test('without a relation: 403 on read, nothing in searches, no writes', async () => {
  const denied = await failure(stranger.read({ resourceType: 'CarePlan', id: planId }));
  assert.equal(denied.status, 403);
  const s = valid(await stranger.search({ resourceType: 'Task', searchParams: { patient: ingrid } }));
  assert.equal(s.entry.length, 0);
  const w = await failure(stranger.create({ resourceType: 'Task', body: { resourceType: 'Task', status: 'requested',
    intent: 'plan', description: 'x', basedOn: [{ reference: `CarePlan/${planId}` }], for: { reference: `Patient/${ingrid}` } } }));
  assert.equal(w.status, 403);
  assert.ok(Number(q(`SELECT COUNT(*) FROM audit_log WHERE patient_id = ${ingrid} AND outcome = 'denied'
    AND user_id = (SELECT id FROM app_user WHERE username = 'fastlege.osteroy')`)) >= 2);
  assert.equal((await failure(gp.read({ resourceType: 'Goal', id: '12345' }))).status, 404);
  assert.equal((await failure(gp.search({ resourceType: 'Task', searchParams: { colour: 'blue' } }))).status, 400);
  assert.equal((await failure(gp.search({ resourceType: 'Task', searchParams: { period: '15.01.2099' } }))).status, 400);
});
