// Vital signs over FHIR with a real client (fhir-kit-client): a device
// integration posts Observations one at a time and as a batch Bundle, NEWS2
// comes back as an Observation with its SNOMED CT codes, alerts as Flags;
// every resource checked against the official FHIR R4 JSON schema.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { newDatabase, seedDemo, startServer } from '../lib/server.mjs';
import { valid, failure, tokenFor, fhirClient } from '../lib/fhir.mjs';


let db;
let srv;
let device; // the home-monitoring integration, acting for the home-care nurse
let token;
let stranger;
let ingrid;
const q = (sql) => db.query(sql);


const LOINC = { rr: ['9279-1', '/min'], spo2: ['59408-5', '%'], oxygen: ['3151-8', 'L/min'], sbp: ['8480-6', 'mm[Hg]'],
  pulse: ['8867-4', '/min'], temperature: ['8310-5', 'Cel'] };

function obs(pid, kind, value, at) {
  if (kind === 'acvpu') {
    return { resourceType: 'Observation', status: 'final', subject: { reference: `Patient/${pid}` },
      device: { display: 'Helsebro hjemmemonitor' },
      code: { coding: [{ system: 'http://loinc.org', code: '67775-7' }] }, effectiveDateTime: at,
      valueCodeableConcept: { coding: [{ system: 'https://helsebro.no/fhir/CodeSystem/acvpu', code: value }] } };
  }
  const [code, unit] = LOINC[kind];
  return { resourceType: 'Observation', status: 'final', subject: { reference: `Patient/${pid}` },
    device: { display: 'Helsebro hjemmemonitor' },
    category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'vital-signs' }] }],
    code: { coding: [{ system: 'http://loinc.org', code }] }, effectiveDateTime: at,
    valueQuantity: { value, unit, system: 'http://unitsofmeasure.org', code: unit } };
}

// A set as a batch Bundle; value 37.50 goes out as a raw JSON number.
function bundle(pid, set, at) {
  return { resourceType: 'Bundle', type: 'batch', entry: Object.entries(set).map(([k, v]) => ({
    resource: obs(pid, k, v, at), request: { method: 'POST', url: 'Observation' } })) };
}

before(async () => {
  db = newDatabase('fhirmon');
  seedDemo(db);
  srv = await startServer(db);
  token = tokenFor(db, 'hjemmesykepleier');
  device = fhirClient(srv.base, token);
  stranger = fhirClient(srv.base, tokenFor(db, 'sykepleier.haukeland'));
  ingrid = q("SELECT patient_id FROM app_user WHERE username = 'pasient'");
});

after(async () => {
  await srv?.stop();
});

test('the CapabilityStatement lists Observation and the batch endpoint', async () => {
  const cs = valid(await device.capabilityStatement());
  const o = cs.rest[0].resource.find((r) => r.type === 'Observation');
  assert.deepEqual(o.interaction.map((i) => i.code).sort(), ['create', 'read', 'search-type']);
  assert.deepEqual(o.searchParam.map((p) => p.name).sort(), ['_count', '_lastUpdated', 'code', 'date', 'patient']);
  assert.ok(cs.rest[0].interaction.some((i) => i.code === 'batch'));
});

test('one Observation at a time; the decimal comes back as it was sent', async () => {
  const at = new Date().toISOString();
  // 37.50 as a JSON number, written by hand: JavaScript would send 37.5.
  const body = JSON.stringify(obs(ingrid, 'temperature', 0, at)).replace('"value":0', '"value":37.50');
  const res = await fetch(`${srv.base}/fhir/Observation`, { method: 'POST', body,
    headers: { 'Content-Type': 'application/fhir+json', Authorization: `Bearer ${token}` } });
  assert.equal(res.status, 201);
  const text = await res.text();
  assert.match(text, /"value":37\.50[,}]/);
  const created = valid(JSON.parse(text));
  assert.match(res.headers.get('location'), /^\/fhir\/Observation\/\d+\/_history\/1$/);
  const read = await fetch(`${srv.base}/fhir/Observation/${created.id}`, { headers: { Authorization: `Bearer ${token}` } });
  assert.match(await read.text(), /"value":37\.50[,}]/, 'and from storage too');
  assert.equal(created.meta.profile[0], 'http://hl7.org/fhir/StructureDefinition/vitalsigns');
  assert.equal(created.code.coding[0].code, '8310-5');
});

test('a batch Bundle of a complete set: stored at once, scored as NEWS2 with SNOMED CT codes and derivedFrom', async () => {
  const at = new Date().toISOString();
  const res = valid(await device.batch({ body: bundle(ingrid,
    { rr: 24, spo2: 93, oxygen: 0, sbp: 105, pulse: 112, acvpu: 'A', temperature: 38.4 }, at) }));
  assert.equal(res.type, 'batch-response');
  assert.equal(res.entry.length, 7);
  assert.ok(res.entry.every((e) => e.response.status === '201 Created'));
  const scores = valid(await device.search({ resourceType: 'Observation',
    searchParams: { patient: `Patient/${ingrid}`, code: 'http://snomed.info/sct|1104051000000101' } }));
  const news2 = scores.entry[0].resource;
  assert.equal(news2.code.coding[0].code, '1104051000000101');
  assert.equal(news2.valueInteger, 2 + 2 + 0 + 1 + 2 + 0 + 1, 'rr 2, SpO2 2, air 0, sbp 1, pulse 2, alert 0, temperature 1');
  const codes = Object.fromEntries(news2.component.map((c) => [c.code.coding[0].code, c.valueInteger]));
  assert.equal(codes['1104301000000104'], 2, 'respiration rate score');
  assert.equal(codes['1104351000000103'], 2, 'pulse score');
  assert.equal(codes['1104311000000102'], 2, 'SpO2 scale 1 score');
  assert.equal(news2.derivedFrom.length, 7);
  for (const ref of news2.derivedFrom) valid(await device.read({ resourceType: 'Observation', id: ref.reference.split('/')[1] }));
  const pulses = valid(await device.search({ resourceType: 'Observation', searchParams: { patient: ingrid, code: '8867-4' } }));
  assert.ok(pulses.entry.every((e) => e.resource.code.coding[0].code === '8867-4'));
  const today = new Date().toISOString().slice(0, 10);
  const byDate = valid(await device.search({ resourceType: 'Observation', searchParams: { patient: ingrid, date: `ge${today}`, _count: 3 } }));
  assert.equal(byDate.entry.length, 3);
  assert.ok(byDate.link.some((l) => l.relation === 'next'));
  const flags = valid(await device.search({ resourceType: 'Flag', searchParams: { patient: `Patient/${ingrid}` } }));
  const alert = flags.entry.find((e) => e.resource.code.coding[0].system.endsWith('monitor-alert'));
  assert.equal(alert.resource.code.coding[0].code, 'news2-high', 'NEWS2 8: high');
  valid(await device.read({ resourceType: 'Flag', id: alert.resource.id }));
});

test('a batch with one bad entry changes nothing, and says which entry', async () => {
  const before = q('SELECT COUNT(*) FROM observation');
  const at = new Date().toISOString();
  const b = bundle(ingrid, { rr: 18, pulse: 70, temperature: 37 }, at);
  b.entry[1].resource.valueQuantity.value = 400;
  const bad = await failure(device.batch({ body: b }));
  assert.equal(bad.status, 422);
  assert.equal(bad.outcome.issue[0].expression[0], 'Bundle.entry[1].Observation.valueQuantity.value');
  assert.match(bad.outcome.issue[0].diagnostics, /mellom 20 og 300/);
  const wrongUnit = bundle(ingrid, { temperature: 99 }, at);
  wrongUnit.entry[0].resource.valueQuantity.code = '[degF]';
  assert.equal((await failure(device.batch({ body: wrongUnit }))).outcome.issue[0].expression[0],
    'Bundle.entry[0].Observation.valueQuantity.code');
  const unknownPatient = bundle('123', { pulse: 70 }, at);
  assert.equal((await failure(device.batch({ body: unknownPatient }))).status, 422);
  const unknownCode = bundle(ingrid, { pulse: 70 }, at);
  unknownCode.entry[0].resource.code.coding[0].code = '1234-5';
  assert.equal((await failure(device.batch({ body: unknownCode }))).outcome.issue[0].expression[0], 'Bundle.entry[0].Observation.code');
  assert.equal(q('SELECT COUNT(*) FROM observation'), before, 'nothing of a refused batch is stored');
});

test('no relation: 403 for writes, reads and searches', async () => {
  const at = new Date().toISOString();
  assert.equal((await failure(stranger.create({ resourceType: 'Observation', body: obs(ingrid, 'pulse', 80, at) }))).status, 403);
  const id = q(`SELECT id FROM observation WHERE patient_id = ${ingrid} LIMIT 1`);
  assert.equal((await failure(stranger.read({ resourceType: 'Observation', id }))).status, 403);
  assert.equal((await failure(stranger.search({ resourceType: 'Observation', searchParams: { patient: ingrid } }))).status, 403);
  assert.equal((await failure(device.search({ resourceType: 'Observation', searchParams: { patient: ingrid, colour: 'red' } }))).status, 400);
  assert.equal((await failure(device.read({ resourceType: 'Observation', id: '42' }))).status, 404);
});
