// Units, beds and what they can treat; the capacity overview. Over real HTTP
// against a fresh database on either backend.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { newDatabase, seedDemo, startServer, Client } from '../lib/server.mjs';

let db;
let srv;
let kad;

before(async () => {
  db = newDatabase('flow');
  seedDemo(db);
  srv = await startServer(db);
  kad = db.query("SELECT id FROM org WHERE unit_type = 'kad'");
});

after(async () => {
  await srv?.stop();
});

function unitSnapshot() {
  return {
    org: db.query(`SELECT beds || '/' || version FROM org WHERE id = ${kad}`),
    caps: db.query(`SELECT COUNT(*) FROM unit_capability WHERE unit_id = ${kad}`),
    changes: db.query(`SELECT COUNT(*) FROM change_log WHERE rid = ${kad}`),
  };
}

test('the capacity overview: beds, occupied and free per unit, totals, the KAD norm; no patient data', async () => {
  const c = new Client(srv.base);
  await c.login('sykepleier.haukeland');
  const r = await c.get('/api/capacity');
  assert.equal(r.status, 200);
  const unit = r.json.units.find((u) => u.id === kad);
  const open = Number(db.query(`SELECT COUNT(*) FROM stay WHERE unit_id = ${kad} AND end_at IS NULL`));
  assert.equal(unit.beds, 8);
  assert.equal(unit.occupied, open);
  assert.equal(unit.free, 8 - open);
  assert.ok(unit.capabilities.some((x) => x.code === 'iv-antibiotics' && x.label === 'Intravenøs antibiotika'));
  const sum = (k) => r.json.units.reduce((s, u) => s + u[k], 0);
  assert.deepEqual(r.json.totals, { beds: sum('beds'), occupied: sum('occupied'), free: sum('free') });
  assert.equal(r.json.municipalities.length, 8);
  const alver = r.json.municipalities.find((m) => m.kommunenummer === '4631');
  assert.ok(Math.abs(alver.normBeds - alver.population / 7000) < 1e-9);
  assert.equal(alver.kadBeds, 8);
  const residents = Number(db.query(`SELECT COUNT(*) FROM stay s JOIN patient p ON p.id = s.patient_id
    JOIN org m ON m.id = p.municipality_id WHERE s.unit_id = ${kad} AND s.end_at IS NULL AND m.kommunenummer = '4631'`));
  assert.equal(alver.kadResidentsNow, residents);
  assert.equal(r.json.municipalityTotals.kadBeds, 8);
  assert.equal(r.json.capabilities.length, 18);
  const anyFamily = db.query('SELECT family FROM patient p JOIN stay s ON s.patient_id = p.id LIMIT 1');
  assert.ok(!r.text.includes(anyFamily) && !/"nid"|"given"|patientId/.test(r.text), 'no patient data');
  const patient = new Client(srv.base);
  await patient.login('pasient');
  assert.equal((await patient.get('/api/capacity')).status, 403);
  const analyst = new Client(srv.base);
  await analyst.login('analytiker');
  assert.equal((await analyst.get('/api/capacity')).status, 200);
});

test('unit staff keep beds and capabilities current; every change is a new version', async () => {
  const c = new Client(srv.base);
  await c.login('sykepleier.kad');
  const u = await c.get(`/api/units/${kad}`);
  assert.equal(u.status, 200);
  assert.equal(u.json.canEdit, true);
  assert.equal(u.json.version, 1);
  const r = await c.put(`/api/units/${kad}`, { beds: 9, capabilities: ['oxygen', 'iv-antibiotics', 'telemetry'], version: 1 });
  assert.equal(r.status, 200, JSON.stringify(r.json));
  assert.equal(r.json.version, 2);
  const after = await c.get(`/api/units/${kad}`);
  assert.equal(after.json.beds, 9);
  assert.deepEqual(after.json.capabilities, ['iv-antibiotics', 'oxygen', 'telemetry'], 'kept in the list order');
  const v2 = JSON.parse(db.query(`SELECT resource FROM change_log WHERE rtype = 'Location' AND rid = ${kad} AND version = 2`));
  assert.deepEqual(v2.extension.map((e) => e.valueCoding.code), ['iv-antibiotics', 'oxygen', 'telemetry']);
  assert.equal(db.query(`SELECT COUNT(*) FROM change_log WHERE rtype = 'Location' AND rid = ${kad}`), '2', 'both versions kept');
  const capacity = await c.get('/api/capacity');
  assert.equal(capacity.json.units.find((x) => x.id === kad).beds, 9);
});

test('bad unit updates are refused with the field named, and change nothing', async () => {
  const c = new Client(srv.base);
  await c.login('sykepleier.kad');
  const version = (await c.get(`/api/units/${kad}`)).json.version;
  const before = unitSnapshot();
  const cases = [
    [{ beds: -1, capabilities: [], version }, 400, 'beds'],
    [{ beds: 501, capabilities: [], version }, 400, 'beds'],
    [{ beds: '8', capabilities: [], version }, 400, 'beds'],
    [{ beds: 8, capabilities: ['teleportation'], version }, 400, 'capabilities'],
    [{ beds: 8, capabilities: ['oxygen', 'oxygen'], version }, 400, 'capabilities'],
    [{ beds: 8, capabilities: 'oxygen', version }, 400, 'capabilities'],
    [{ beds: 8, capabilities: [] }, 400, 'version'],
    [{ beds: 8, capabilities: [], version: version - 1 }, 409, 'version'],
  ];
  for (const [body, status, field] of cases) {
    const r = await c.put(`/api/units/${kad}`, body);
    assert.equal(r.status, status, JSON.stringify(body));
    assert.equal(r.json.error.field, field, JSON.stringify(body));
  }
  assert.match((await c.put(`/api/units/${kad}`, { beds: 8, capabilities: [], version: version - 1 })).json.error.message,
    /endret av en annen/);
  const ward = new Client(srv.base);
  await ward.login('sykepleier.haukeland');
  let r = await ward.put(`/api/units/${kad}`, { beds: 1, capabilities: [], version });
  assert.equal(r.status, 403, 'staff of another unit');
  assert.equal((await ward.get(`/api/units/${kad}`)).json.canEdit, false);
  const analyst = new Client(srv.base);
  await analyst.login('analytiker');
  r = await analyst.put(`/api/units/${kad}`, { beds: 1, capabilities: [], version });
  assert.equal(r.status, 403, 'analysts do not edit units');
  r = await c.put('/api/units/12345', { beds: 1, capabilities: [], version: 1 });
  assert.equal(r.status, 404);
  const alver = db.query("SELECT id FROM org WHERE kommunenummer = '4631'");
  assert.equal((await c.get(`/api/units/${alver}`)).status, 404, 'a municipality is not a unit');
  assert.deepEqual(unitSnapshot(), before);
});

test('two nurses saving the same version: one wins, the other is told', async () => {
  const a = new Client(srv.base);
  const b = new Client(srv.base);
  await a.login('sykepleier.kad');
  await b.login('sykepleier.kad');
  const version = (await a.get(`/api/units/${kad}`)).json.version;
  const [ra, rb] = await Promise.all([
    a.put(`/api/units/${kad}`, { beds: 7, capabilities: ['oxygen'], version }),
    b.put(`/api/units/${kad}`, { beds: 6, capabilities: ['x-ray'], version }),
  ]);
  assert.deepEqual([ra.status, rb.status].sort(), [200, 409]);
  const winner = ra.status === 200 ? 7 : 6;
  assert.equal((await a.get(`/api/units/${kad}`)).json.beds, winner);
});

test('finding a place: free bed, every need, nearest first, and why the others are left out', async () => {
  const c = new Client(srv.base);
  await c.login('sykepleier.haukeland');
  let r = await c.get('/api/placement?municipality=4630&needs=iv-antibiotics&maxMinutes=60');
  assert.equal(r.status, 200);
  assert.equal(r.json.municipality, 'Osterøy');
  const minutes = r.json.candidates.map((u) => u.minutes);
  assert.deepEqual(minutes, [...minutes].sort((a, b) => a - b), 'nearest first');
  assert.ok(r.json.candidates.every((u) => u.free > 0));
  const short = r.json.excluded.find((u) => u.name === 'Korttidsavdeling Alver');
  assert.deepEqual(short.reasons, ['Mangler: Intravenøs antibiotika']);
  r = await c.get('/api/placement?municipality=4630&needs=iv-antibiotics&maxMinutes=40');
  const kadLeft = r.json.excluded.find((u) => u.id === kad);
  assert.ok(kadLeft.reasons.some((x) => /For langt unna \(45 min/.test(x)), JSON.stringify(kadLeft));
  // Close every free KAD bed: it is then left out for that reason.
  const nurse = new Client(srv.base);
  await nurse.login('sykepleier.kad');
  const free = db.query(`SELECT number FROM bed WHERE unit_id = ${kad} AND state = 'free'`).split('\n').filter(Boolean);
  for (const n of free) assert.equal((await nurse.put(`/api/units/${kad}/beds/${n}`, { state: 'closed', reason: 'Test: stengt' })).status, 200);
  r = await c.get('/api/placement?municipality=4631&needs=oxygen');
  assert.ok(r.json.excluded.find((u) => u.id === kad).reasons.includes('Ingen ledig seng'));
  for (const n of free) await nurse.put(`/api/units/${kad}/beds/${n}`, { state: 'free' });
  for (const [query, field] of [['municipality=0000', 'municipality'], ['municipality=4631&needs=magic', 'needs'],
    ['municipality=4631&maxMinutes=0', 'maxMinutes'], ['municipality=4631&maxMinutes=abc', 'maxMinutes'], ['', 'municipality']]) {
    const bad = await c.get(`/api/placement?${query}`);
    assert.equal(bad.status, 400, query);
    assert.equal(bad.json.error.field, field, query);
  }
  const patient = new Client(srv.base);
  await patient.login('pasient');
  assert.equal((await patient.get('/api/placement?municipality=4631')).status, 403);
});
