// The FHIR API as a real client uses it (fhir-kit-client), every resource
// checked against the official FHIR R4 JSON schema.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { newDatabase, seedDemo, startServer, syntheticNid, patientResource } from '../lib/server.mjs';
import { validator, valid, failure, tokenFor, fhirClient } from '../lib/fhir.mjs';


let db;
let srv;
let alver; // client acting as the Alver allocation office
let admin;
let osteroy;

const token = (username) => tokenFor(db, username);
const client = (tok) => fhirClient(srv.base, tok);

before(async () => {
  db = newDatabase('fhir');
  seedDemo(db);
  srv = await startServer(db);
  alver = client(token('tildeling.alver'));
  admin = client(token('admin'));
  osteroy = db.query(`SELECT p.id FROM patient p JOIN org o ON o.id = p.municipality_id
    WHERE o.kommunenummer = '4630' AND NOT EXISTS (SELECT 1 FROM stay s WHERE s.patient_id = p.id)
    ORDER BY p.id LIMIT 1`);
});

after(async () => {
  await srv?.stop();
});

test('the validator itself rejects what is not FHIR', () => {
  assert.notDeepEqual(validator.validate({ resourceType: 'Patient', gender: 'sometimes' }), []);
  assert.notDeepEqual(validator.validate({ resourceType: 'Patient', birthDate: '14.03.1941' }), []);
  assert.deepEqual(validator.validate({ resourceType: 'Patient', birthDate: '1941-03-14' }), []);
});

test('CapabilityStatement lists exactly what works', async () => {
  const cs = valid(await alver.capabilityStatement());
  assert.equal(cs.fhirVersion, '4.0.1');
  const byType = Object.fromEntries(cs.rest[0].resource.map((r) => [r.type, r]));
  assert.deepEqual(Object.keys(byType).sort(), ['Appointment', 'AuditEvent', 'CarePlan', 'CareTeam', 'Communication',
    'Condition', 'Encounter', 'Flag', 'Goal', 'Location', 'Measure', 'MeasureReport', 'Observation', 'Organization', 'Patient',
    'Subscription', 'Task']);
  assert.deepEqual(byType.Encounter.searchParam.map((p) => p.name).sort(), ['_count', 'date', 'location', 'patient', 'status']);
  assert.deepEqual(byType.Patient.interaction.map((i) => i.code).sort(),
    ['create', 'history-instance', 'read', 'search-type', 'update', 'vread']);
  assert.deepEqual(byType.Patient.searchParam.map((p) => p.name).sort(), ['_count', 'birthdate', 'identifier', 'name']);
  assert.deepEqual(byType.Organization.interaction.map((i) => i.code).sort(), ['read', 'search-type']);
  assert.ok(byType.Location.searchParam.some((p) => p.name === 'partof'));
});

test('create, read, update with If-Match, vread and history', async () => {
  const nid = syntheticNid(1939, 11, 30, true, 3);
  const created = valid(await alver.create({
    resourceType: 'Patient',
    body: patientResource(nid, { family: 'Fhirsen', given: ['Gudrun', 'Kit'], gender: 'female', birthDate: '1939-11-30' }),
  }));
  assert.match(created.id, /^\d+$/);
  assert.equal(created.meta.versionId, '1');
  const read = valid(await alver.read({ resourceType: 'Patient', id: created.id }));
  assert.deepEqual(read, created);
  assert.equal(read.identifier[0].system, 'urn:oid:2.16.578.1.12.4.1.4.1');
  assert.equal(read.birthDate, '1939-11-30');
  const changed = { ...read, name: [{ family: 'Fhirsen', given: ['Gudrun'] }] };
  const updated = valid(await alver.update({
    resourceType: 'Patient', id: created.id, body: changed, options: { headers: { 'If-Match': 'W/"1"' } },
  }));
  assert.equal(updated.meta.versionId, '2');
  const v1 = valid(await alver.vread({ resourceType: 'Patient', id: created.id, version: '1' }));
  assert.deepEqual(v1.name[0].given, ['Gudrun', 'Kit']);
  const hist = valid(await alver.history({ resourceType: 'Patient', id: created.id }));
  assert.equal(hist.type, 'history');
  assert.deepEqual(hist.entry.map((e) => e.resource.meta.versionId), ['2', '1']);
  const stale = await failure(alver.update({
    resourceType: 'Patient', id: created.id, body: changed, options: { headers: { 'If-Match': 'W/"1"' } },
  }));
  assert.equal(stale.status, 412);
  const missing = await failure(alver.vread({ resourceType: 'Patient', id: created.id, version: '9' }));
  assert.equal(missing.status, 404);
});

test('search by identifier, name and birthdate, paged with next links', async () => {
  const nid = db.query("SELECT p.nid FROM patient p JOIN org o ON o.id = p.municipality_id WHERE o.kommunenummer = '4631' ORDER BY p.id LIMIT 1");
  const byId = valid(await alver.search({ resourceType: 'Patient', searchParams: { identifier: `urn:oid:2.16.578.1.12.4.1.4.1|${nid}` } }));
  assert.equal(byId.type, 'searchset');
  assert.equal(byId.entry.length, 1);
  assert.equal(byId.entry[0].resource.identifier[0].value, nid);
  const birth = byId.entry[0].resource.birthDate;
  const byBirth = valid(await alver.search({ resourceType: 'Patient', searchParams: { birthdate: birth } }));
  assert.ok(byBirth.entry.every((e) => e.resource.birthDate === birth));
  assert.ok(byBirth.entry.some((e) => e.resource.identifier[0].value === nid));

  const family = byId.entry[0].resource.name[0].family;
  const expected = Number(db.query(`SELECT COUNT(*) FROM patient p JOIN org o ON o.id = p.municipality_id
    WHERE o.kommunenummer = '4631' AND (p.family_lc LIKE '${family.toLowerCase().slice(0, 3)}%' OR p.given_lc LIKE '${family.toLowerCase().slice(0, 3)}%')`));
  let page = valid(await alver.search({ resourceType: 'Patient', searchParams: { name: family.slice(0, 3).toUpperCase(), _count: 2 } }));
  const seen = new Set();
  let pages = 0;
  while (page) {
    pages += 1;
    assert.ok(page.entry.length <= 2);
    for (const e of page.entry) {
      assert.ok(!seen.has(e.resource.id), 'no patient twice');
      seen.add(e.resource.id);
      assert.equal(e.resource.address[0].extension[0].valueCoding.code, '4631', 'only patients with a relation');
      assert.equal(e.search.mode, 'match');
    }
    page = page.link.some((l) => l.relation === 'next') ? valid(await alver.nextPage(page)) : null;
  }
  assert.equal(seen.size, expected, 'paging returns every match once');
  assert.ok(pages >= 2 || expected <= 2);
});

test('bad searches and reads are OperationOutcomes with the right status', async () => {
  assert.equal((await failure(alver.search({ resourceType: 'Patient', searchParams: { shoe: '42' } }))).status, 400);
  assert.equal((await failure(alver.search({ resourceType: 'Patient', searchParams: { birthdate: '1.1.1950' } }))).status, 400);
  assert.equal((await failure(alver.search({ resourceType: 'Patient', searchParams: { _count: '0' } }))).status, 400);
  assert.equal((await failure(alver.search({ resourceType: 'Patient', searchParams: { identifier: 'urn:oid:1.2.3|12345678901' } }))).status, 400);
  const nf = await failure(alver.read({ resourceType: 'Patient', id: '123' }));
  assert.equal(nf.status, 404);
  assert.equal(nf.outcome.issue[0].code, 'not-found');
  assert.equal((await failure(alver.read({ resourceType: 'Patient', id: 'abc' }))).status, 404);
  const forbidden = await failure(alver.read({ resourceType: 'Patient', id: osteroy }));
  assert.equal(forbidden.status, 403);
  const invalid = await failure(alver.create({ resourceType: 'Patient', body: patientResource('01010112345') }));
  assert.equal(invalid.status, 422);
  assert.ok(invalid.outcome.issue[0].expression[0].startsWith('Patient.identifier'));
  const unknownType = await failure(alver.read({ resourceType: 'Medication', id: '1' }));
  assert.equal(unknownType.status, 404);
});

test('Organization and Location: search by name, identifier and type; read', async () => {
  const byName = valid(await alver.search({ resourceType: 'Organization', searchParams: { name: 'alv' } }));
  assert.equal(byName.entry.length, 1);
  const alverOrg = byName.entry[0].resource;
  assert.equal(alverOrg.identifier[0].value, '4631');
  const byIdent = valid(await alver.search({ resourceType: 'Organization', searchParams: { identifier: 'urn:oid:2.16.578.1.12.4.1.1.3402|4631' } }));
  assert.equal(byIdent.entry[0].resource.id, alverOrg.id);
  const munis = valid(await alver.search({ resourceType: 'Organization', searchParams: { type: 'municipality' } }));
  assert.equal(munis.entry.length, 8);
  valid(await alver.read({ resourceType: 'Organization', id: alverOrg.id }));
  const kad = valid(await alver.search({ resourceType: 'Location', searchParams: { type: 'kad' } }));
  assert.equal(kad.entry.length, 1);
  const loc = valid(await alver.read({ resourceType: 'Location', id: kad.entry[0].resource.id }));
  assert.equal(loc.managingOrganization.reference, `Organization/${alverOrg.id}`);
  const caps = loc.extension.filter((e) => e.url === 'https://helsebro.no/fhir/StructureDefinition/unit-capability');
  assert.ok(caps.some((e) => e.valueCoding.code === 'iv-antibiotics'), 'what the unit can treat');
  assert.deepEqual(kad.entry[0].resource.extension, loc.extension, 'search shows the same');
  const beds = valid(await alver.search({ resourceType: 'Location', searchParams: { partof: `Location/${loc.id}` } }));
  assert.equal(beds.entry.length, Number(db.query(`SELECT COUNT(*) FROM bed WHERE unit_id = ${loc.id}`)));
  const occupied = Number(db.query(`SELECT COUNT(*) FROM bed WHERE unit_id = ${loc.id} AND state = 'occupied'`));
  assert.equal(beds.entry.filter((e) => e.resource.operationalStatus.code === 'O').length, occupied);
  for (const e of beds.entry) {
    assert.equal(e.resource.physicalType.coding[0].code, 'bd');
    assert.equal(e.resource.partOf.reference, `Location/${loc.id}`);
  }
  const bed = valid(await alver.read({ resourceType: 'Location', id: `${loc.id}-1` }));
  assert.equal(bed.name, 'Seng 1');
  assert.equal((await failure(alver.read({ resourceType: 'Location', id: `${loc.id}-99` }))).status, 404);
  assert.equal((await failure(alver.read({ resourceType: 'Location', id: alverOrg.id }))).status, 404);
  assert.equal((await failure(alver.search({ resourceType: 'Location', searchParams: { type: 'spa' } }))).status, 400);
});

test('AuditEvent: administrators see who accessed a patient; others may not', async () => {
  const id = db.query("SELECT p.id FROM patient p JOIN org o ON o.id = p.municipality_id WHERE o.kommunenummer = '4631' ORDER BY p.id DESC LIMIT 1");
  await alver.read({ resourceType: 'Patient', id });
  const bundle = valid(await admin.search({ resourceType: 'AuditEvent', searchParams: { patient: `Patient/${id}` } }));
  assert.ok(bundle.entry.length >= 1);
  const ev = bundle.entry[0].resource;
  assert.equal(ev.action, 'R');
  assert.equal(ev.outcome, '0');
  assert.equal(ev.entity[0].what.reference, `Patient/${id}`);
  assert.equal(ev.agent[0].who.display, 'Tone Tildeling');
  const denied = await failure(alver.search({ resourceType: 'AuditEvent', searchParams: { patient: `Patient/${id}` } }));
  assert.equal(denied.status, 403);
});

test('Encounter: the stays of a unit, read and searched, only where there is a relation', async () => {
  const kadNurse = client(token('sykepleier.kad'));
  const gp = client(token('fastlege'));
  const kadId = db.query("SELECT id FROM org WHERE unit_type = 'kad'");
  const open = Number(db.query(`SELECT COUNT(*) FROM stay WHERE unit_id = ${kadId} AND end_at IS NULL`));
  const b = valid(await kadNurse.search({ resourceType: 'Encounter', searchParams: { location: `Location/${kadId}`, status: 'in-progress' } }));
  assert.equal(b.entry.length, open, 'the unit sees every stay in it');
  for (const e of b.entry) {
    assert.equal(e.resource.status, 'in-progress');
    assert.equal(e.resource.location[0].location.reference, `Location/${kadId}`);
  }
  const one = b.entry[0].resource;
  assert.deepEqual(valid(await kadNurse.read({ resourceType: 'Encounter', id: one.id })), one);
  const byPatient = valid(await kadNurse.search({ resourceType: 'Encounter', searchParams: { patient: one.subject.reference } }));
  assert.ok(byPatient.entry.some((e) => e.resource.id === one.id));
  const today = new Date().toISOString().slice(0, 10);
  const byDate = valid(await kadNurse.search({ resourceType: 'Encounter', searchParams: { location: kadId, date: today } }));
  assert.equal(byDate.entry.length, open, 'open stays overlap today');
  const old = valid(await kadNurse.search({ resourceType: 'Encounter', searchParams: { location: kadId, date: '2001-01-01' } }));
  assert.equal(old.entry.length, 0);
  const paged = valid(await kadNurse.search({ resourceType: 'Encounter', searchParams: { location: kadId, status: 'in-progress', _count: 2 } }));
  assert.equal(paged.entry.length, Math.min(2, open));
  if (open > 2) assert.ok(paged.link.some((l) => l.relation === 'next'));
  const gpView = valid(await gp.search({ resourceType: 'Encounter', searchParams: { location: kadId } }));
  const gpId = db.query("SELECT id FROM app_user WHERE username = 'fastlege'");
  for (const e of gpView.entry) {
    const pid = e.resource.subject.reference.split('/')[1];
    assert.equal(db.query(`SELECT gp_user_id FROM patient WHERE id = ${pid}`), gpId, 'only the GP\'s own patients');
  }
  const hidden = b.entry.find((e) => db.query(`SELECT gp_user_id FROM patient WHERE id = ${e.resource.subject.reference.split('/')[1]}`) !== gpId);
  if (hidden) assert.equal((await failure(gp.read({ resourceType: 'Encounter', id: hidden.resource.id }))).status, 403);
  assert.equal((await failure(kadNurse.read({ resourceType: 'Encounter', id: '42' }))).status, 404);
  assert.equal((await failure(kadNurse.search({ resourceType: 'Encounter', searchParams: { status: 'planned' } }))).status, 400);
  assert.equal((await failure(kadNurse.search({ resourceType: 'Encounter', searchParams: { subject: 'x' } }))).status, 400);
  assert.equal((await failure(kadNurse.search({ resourceType: 'Encounter', searchParams: { date: '24.11.2026' } }))).status, 400);
});

test('Flag: a discharge-ready case as the municipality and the ward see it', async () => {
  const c = db.query("SELECT c.id || ' ' || c.patient_id FROM discharge_case c JOIN org m ON m.id = c.municipality_id WHERE m.kommunenummer = '4631' AND c.status = 'ready' LIMIT 1");
  const [caseId, pid] = c.split(' ');
  const flag = valid(await alver.read({ resourceType: 'Flag', id: caseId }));
  assert.equal(flag.status, 'active');
  assert.equal(flag.code.coding[0].code, 'ready');
  assert.equal(flag.subject.reference, `Patient/${pid}`);
  assert.ok(flag.extension[0].valueInteger >= 1, 'days paid so far');
  const found = valid(await alver.search({ resourceType: 'Flag', searchParams: { patient: `Patient/${pid}` } }));
  assert.ok(found.entry.some((e) => e.resource.id === caseId));
  const os = client(token('fastlege'));
  const gpId = db.query("SELECT id FROM app_user WHERE username = 'fastlege'");
  if (db.query(`SELECT gp_user_id FROM patient WHERE id = ${pid}`) !== gpId) {
    assert.equal((await failure(os.read({ resourceType: 'Flag', id: caseId }))).status, 403);
    assert.equal(valid(await os.search({ resourceType: 'Flag', searchParams: { patient: pid } })).entry.length, 0);
  }
  assert.equal((await failure(alver.search({ resourceType: 'Flag', searchParams: {} }))).status, 400);
  assert.equal((await failure(alver.read({ resourceType: 'Flag', id: '5' }))).status, 404);
});
