// The indicators over FHIR with a real client (fhir-kit-client): Measure and
// MeasureReport against the R4 schema, the same numbers as /api/indicators,
// masked cells without counts, and errors as OperationOutcome.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { newDatabase, seedDemo, startServer, Client } from '../lib/server.mjs';
import { valid, failure, tokenFor, fhirClient } from '../lib/fhir.mjs';

let db;
let srv;
let fhir;
let api;
const lastYear = String(new Date().getFullYear() - 1);

before(async () => {
  db = newDatabase('fhirmeasure');
  seedDemo(db);
  srv = await startServer(db);
  fhir = fhirClient(srv.base, tokenFor(db, 'analytiker'));
  api = new Client(srv.base);
  await api.login('analytiker');
});

after(async () => {
  await srv?.stop();
});

test('Measure and MeasureReport are in the CapabilityStatement', async () => {
  const cs = valid(await fhir.capabilityStatement());
  const types = cs.rest[0].resource.map((r) => r.type);
  assert.ok(types.includes('Measure') && types.includes('MeasureReport'));
  const mr = cs.rest[0].resource.find((r) => r.type === 'MeasureReport');
  assert.deepEqual(mr.searchParam.map((p) => p.name), ['measure', 'subject', 'period']);
});

test('every indicator is a Measure with its definition, populations and norm', async () => {
  const bundle = valid(await fhir.search({ resourceType: 'Measure' }));
  assert.equal(bundle.total, bundle.entry.length);
  assert.ok(bundle.total >= 20);
  for (const e of bundle.entry) valid(e.resource);
  const los = valid(await fhir.read({ resourceType: 'Measure', id: 'kad-los' }));
  assert.equal(los.title, 'Gjennomsnittlig liggetid i KAD');
  assert.equal(los.scoring.coding[0].code, 'continuous-variable');
  assert.equal(los.improvementNotation.coding[0].code, 'decrease');
  assert.equal(los.guidance, 'Høyst 3 døgn');
  assert.deepEqual(los.group[0].population.map((p) => p.code.coding[0].code), ['numerator', 'denominator']);
  assert.equal(los.identifier[0].value, 'kad_los');
  const missing = await failure(fhir.read({ resourceType: 'Measure', id: 'no-such' }));
  assert.equal(missing.status, 404);
});

test('one MeasureReport per municipality and period, with the numbers of /api/indicators', async () => {
  const alver = db.query("SELECT id FROM org WHERE kommunenummer = '4631'");
  const bundle = valid(await fhir.search({ resourceType: 'MeasureReport',
    searchParams: { measure: 'Measure/kad-home-share', subject: `Organization/${alver}`, period: lastYear } }));
  assert.equal(bundle.total, 1);
  const report = valid(bundle.entry[0].resource);
  assert.equal(report.id, `kad-home-share.4631.${lastYear}`);
  assert.equal(report.subject.reference, `Organization/${alver}`);
  assert.deepEqual(report.period, { start: `${lastYear}-01-01`, end: `${lastYear}-12-31` });
  const json = await api.get(`/api/indicators?municipality=4631&period=${lastYear}&indicator=kad_home_share`);
  const cell = json.json.rows[0].values[0].kad_home_share;
  assert.equal(Math.round(report.group[0].measureScore.value), cell.value);
  const [num, den] = report.group[0].population.map((p) => p.count);
  assert.equal(Math.round((100 * num) / den), cell.value, 'numerator / denominator is the score');
  // Read by id gives the same report.
  const again = valid(await fhir.read({ resourceType: 'MeasureReport', id: report.id }));
  assert.deepEqual(again.group, report.group);
  // The whole helsefellesskap for a quarter: a report per indicator and entity.
  const all = valid(await fhir.search({ resourceType: 'MeasureReport', searchParams: { period: `${lastYear}-Q2` } }));
  const measures = valid(await fhir.search({ resourceType: 'Measure' })).total;
  assert.equal(all.total, measures * 9, 'eight municipalities and the helsefellesskap');
});

test('a suppressed cell is masked: no counts, no score', async () => {
  const fedje = db.query("SELECT id FROM org WHERE kommunenummer = '4633'");
  const json = await api.get(`/api/indicators?municipality=4633&period=${lastYear}-03&indicator=kad_los`);
  assert.equal(json.json.rows[0].values[0].kad_los.display, '<5', 'Fedje: too few patients');
  const report = valid(await fhir.read({ resourceType: 'MeasureReport', id: `kad-los.4633.${lastYear}-03` }));
  assert.equal(report.subject.reference, `Organization/${fedje}`);
  assert.equal(report.group[0].population, undefined);
  assert.deepEqual(report.group[0].measureScore.extension,
    [{ url: 'http://hl7.org/fhir/StructureDefinition/data-absent-reason', valueCode: 'masked' }]);
});

test('bad searches and ids answer with an OperationOutcome', async () => {
  for (const searchParams of [{ measure: 'nope' }, { period: '2026-13' }, { subject: 'Patient/x' }, { bogus: '1' }]) {
    const r = await failure(fhir.search({ resourceType: 'MeasureReport', searchParams }));
    assert.equal(r.status, 400, JSON.stringify(searchParams));
  }
  for (const id of ['kad-los.9999.2026', 'nope.4631.2026', 'kad-los.4631.20x6', 'kad-los']) {
    const r = await failure(fhir.read({ resourceType: 'MeasureReport', id }));
    assert.equal(r.status, 404, id);
  }
});
