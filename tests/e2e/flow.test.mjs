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
  // The KAD in Knarvik serves all eight: its 8 beds are shared by inhabitants.
  const people = r.json.municipalities.reduce((s, m) => s + m.population, 0);
  assert.ok(Math.abs(alver.kadBeds - 8 * alver.population / people) < 1e-9, `${alver.kadBeds}`);
  assert.ok(Math.abs(r.json.municipalities.reduce((s, m) => s + m.kadBeds, 0) - 8) < 1e-9);
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

test('the joint unit settlement balances to the øre; the joint team decides who pays', async () => {
  const joint = db.query("SELECT id FROM org WHERE unit_type = 'joint-unit'");
  const month = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Oslo' }).format(new Date()).slice(0, 7);
  const [y, m] = month.split('-').map(Number);
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
  const period = `from=${month}-01&to=${month}-${String(last).padStart(2, '0')}`;
  const analyst = new Client(srv.base);
  await analyst.login('analytiker');
  let r = await analyst.get(`/api/units/${joint}/settlement?${period}`);
  assert.equal(r.status, 200, JSON.stringify(r.json));
  const s = r.json;
  const budget = s.unit.beds * last * s.unit.dayPriceNok * 100;
  const sum = (k) => s.parties.reduce((a, p) => a + p[k], 0);
  assert.equal(sum('prepaidOre'), budget, 'the prepayments add up to the budget exactly');
  assert.equal(s.totals.prepaidOre, budget);
  assert.equal(sum('costOre'), s.totals.costOre);
  assert.equal(s.totals.costOre, s.totals.bedDays * s.unit.dayPriceNok * 100);
  for (const p of s.parties) assert.equal(p.balanceOre, p.costOre - p.prepaidOre);
  assert.equal(sum('balanceOre'), s.totals.balanceOre);
  const hf = s.parties.find((p) => !p.kommunenummer);
  assert.equal(hf.prepaidOre, Math.floor(budget * s.unit.hfSharePercent / 100));
  const munis = s.parties.filter((p) => p.kommunenummer);
  const alver = munis.find((p) => p.kommunenummer === '4631');
  const osteroy = munis.find((p) => p.kommunenummer === '4630');
  assert.ok(Math.abs(alver.prepaidOre / osteroy.prepaidOre - 30200 / 8200) < 0.001, 'split by population');
  assert.equal(s.unassigned.length, 1, 'one stay not yet decided');

  const team = new Client(srv.base);
  await team.login('sykepleier.felles');
  const stay = s.unassigned[0].stayId;
  const before = s.totals.bedDays;
  const other = db.query(`SELECT o.id FROM org o WHERE o.type = 'municipality' AND o.id <> (SELECT p.municipality_id
    FROM stay st JOIN patient p ON p.id = st.patient_id WHERE st.id = ${stay}) LIMIT 1`);
  r = await team.put(`/api/stays/${stay}/charge`, { party: other });
  assert.equal(r.status, 400);
  assert.equal(r.json.error.field, 'party');
  const kadNurse = new Client(srv.base);
  await kadNurse.login('sykepleier.kad');
  assert.equal((await kadNurse.put(`/api/stays/${stay}/charge`, { party: hf.partyId })).status, 403, 'not the joint team');
  const kadStay = db.query("SELECT s.id FROM stay s JOIN org u ON u.id = s.unit_id WHERE u.unit_type = 'kad' LIMIT 1");
  assert.equal((await kadNurse.put(`/api/stays/${kadStay}/charge`, { party: hf.partyId })).status, 409, 'only joint units');
  assert.equal((await team.put('/api/stays/77/charge', { party: hf.partyId })).status, 404);
  r = await team.put(`/api/stays/${stay}/charge`, { party: hf.partyId });
  assert.equal(r.status, 200);
  assert.equal(db.query(`SELECT charged_by IS NOT NULL FROM stay WHERE id = ${stay}`).replace('t', '1'), '1', 'who decided is kept');
  const after = (await analyst.get(`/api/units/${joint}/settlement?${period}`)).json;
  assert.equal(after.unassigned.length, 0);
  assert.equal(after.totals.bedDays, before + s.unassigned[0].days);
  const csv = await analyst.get(`/api/units/${joint}/settlement?${period}&format=csv`);
  assert.match(csv.headers.get('content-type'), /text\/csv/);
  const rows = csv.text.trim().split('\r\n');
  assert.equal(rows.length, after.parties.length + 2);
  const kr = (ore) => `${ore < 0 ? '-' : ''}${Math.floor(Math.abs(ore) / 100)},${String(Math.abs(ore) % 100).padStart(2, '0')}`;
  assert.equal(rows.at(-1), `sum;;${after.totals.bedDays};${kr(after.totals.costOre)};${kr(after.totals.prepaidOre)};${kr(after.totals.balanceOre)}`);
  for (const [query, field] of [['from=2026-13-01&to=2026-12-31', 'from'], ['from=2026-11-10&to=2026-11-01', 'to']]) {
    const bad = await analyst.get(`/api/units/${joint}/settlement?${query}`);
    assert.equal(bad.status, 400, query);
    assert.equal(bad.json.error.field, field);
  }
  assert.equal((await analyst.get(`/api/units/${kad}/settlement?${period}`)).status, 404, 'not a joint unit');
});
