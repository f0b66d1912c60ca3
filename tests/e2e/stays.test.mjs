// Beds, stays and the bed board over real HTTP on either backend.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { newDatabase, seedDemo, startServer, Client, cli } from '../lib/server.mjs';

let db;
let srv;
let kad;
let shortTerm;
let ward;
let nurse; // KAD nurse
const q = (sql) => db.query(sql);

// A patient of the municipality with no open stay.
function freePatient(kommune, skip = 0) {
  return q(`SELECT p.id FROM patient p JOIN org m ON m.id = p.municipality_id WHERE m.kommunenummer = '${kommune}'
    AND NOT EXISTS (SELECT 1 FROM stay s WHERE s.patient_id = p.id AND s.end_at IS NULL) ORDER BY p.id LIMIT 1 OFFSET ${skip}`);
}
const freeBed = (unit) => Number(q(`SELECT MIN(number) FROM bed WHERE unit_id = ${unit} AND state = 'free'`));
const bedState = (unit, n) => q(`SELECT state FROM bed WHERE unit_id = ${unit} AND number = ${n}`);
const snapshot = () => ({
  stays: q('SELECT COUNT(*) || \'/\' || COALESCE(SUM(version), 0) FROM stay'),
  beds: q("SELECT COUNT(*) FROM bed WHERE state = 'occupied'"),
  versions: q('SELECT COALESCE(SUM(version), 0) FROM bed'),
});

before(async () => {
  db = newDatabase('stays');
  seedDemo(db);
  srv = await startServer(db);
  kad = q("SELECT id FROM org WHERE unit_type = 'kad'");
  shortTerm = q("SELECT id FROM org WHERE name = 'Korttidsavdeling Alver'");
  ward = q("SELECT id FROM org WHERE name = 'Medisinsk avdeling'");
  nurse = new Client(srv.base);
  await nurse.login('sykepleier.kad');
  // Room for the tests below: the KAD goes from 8 to 14 beds.
  const unit = await nurse.get(`/api/units/${kad}`);
  const grown = await nurse.put(`/api/units/${kad}`, { beds: 14, capabilities: unit.json.capabilities, version: unit.json.version });
  assert.equal(grown.status, 200);
});

after(async () => {
  await srv?.stop();
});

test('the bed board: every bed, names only with a relation, flags with their source, totals', async () => {
  const r = await nurse.get(`/api/units/${kad}/board`);
  assert.equal(r.status, 200);
  assert.equal(r.json.beds.length, 14);
  const occupied = r.json.beds.filter((b) => b.state === 'occupied');
  assert.equal(occupied.length, Number(q(`SELECT COUNT(*) FROM stay WHERE unit_id = ${kad} AND end_at IS NULL`)));
  assert.ok(occupied.every((b) => b.stay.patient?.name), 'the unit nurse sees who lies there');
  const t = r.json.totals;
  assert.equal(t.free + t.occupied + t.reserved + t.cleaning + t.closed, t.beds);
  const long = Number(q(`SELECT COUNT(*) FROM stay WHERE unit_id = ${kad} AND end_at IS NULL
    AND start_at < ${Date.now() * 1000 - 3 * 86400e6}`));
  const flagged = occupied.filter((b) => b.stay.flags.some((f) => f.code === 'kad-over-3-days'));
  assert.equal(flagged.length, long, 'stays over 3 days are flagged');
  if (flagged.length) assert.match(flagged[0].stay.flags[0].source, /3 døgn/);
  const audits = Number(q(`SELECT COUNT(*) FROM audit_log WHERE action = 'board'`));
  assert.equal(audits, occupied.length, 'each name shown is audited');

  const wardNurse = new Client(srv.base);
  await wardNurse.login('sykepleier.haukeland');
  const other = await wardNurse.get(`/api/units/${kad}/board`);
  assert.equal(other.status, 200);
  assert.ok(other.json.beds.filter((b) => b.state === 'occupied').every((b) => !b.stay.patient), 'no relation: just occupied');
  const name = occupied[0].stay.patient.name.split(' ').pop();
  assert.ok(!other.text.includes(name));
  const patient = new Client(srv.base);
  await patient.login('pasient');
  assert.equal((await patient.get(`/api/units/${kad}/board`)).status, 403);
});

test('the worklist: flagged stays in my units, with their sources', async () => {
  const audited = () => Number(q("SELECT COUNT(*) FROM audit_log WHERE action = 'board'"));
  const before = audited();
  const r = await nurse.get('/api/worklist');
  assert.equal(audited() - before, r.json.items.filter((w) => w.stay.patient).length,
    'only the stays the worklist shows are audited');
  assert.equal(r.status, 200);
  const long = Number(q(`SELECT COUNT(*) FROM stay WHERE unit_id = ${kad} AND end_at IS NULL
    AND start_at < ${Date.now() * 1000 - 3 * 86400e6}`));
  assert.equal(r.json.items.length, long);
  for (const w of r.json.items) {
    assert.equal(w.unit.id, kad);
    assert.ok(w.stay.flags.some((f) => f.code === 'kad-over-3-days' && f.source));
  }
  const gp = new Client(srv.base);
  await gp.login('fastlege');
  assert.deepEqual((await gp.get('/api/worklist')).json.items, [], 'a GP office has no beds');
});

test('admit to a free bed: the stay gives the unit a relation to the patient', async () => {
  const pid = freePatient('4630'); // Osterøy: no municipal relation to the KAD nurse
  assert.equal((await nurse.get(`/api/patients/${pid}`)).status, 403);
  const bed = freeBed(kad);
  const r = await nurse.post('/api/stays', { patientId: pid, unitId: kad, bed, source: 'legevakt', referredBy: 'Legevakt', priorityGroup: 'frail-elderly' });
  assert.equal(r.status, 201, JSON.stringify(r.json));
  assert.equal(bedState(kad, bed), 'occupied');
  const p = await nurse.get(`/api/patients/${pid}`);
  assert.equal(p.status, 200);
  assert.equal(p.json.relation, 'stay');
  const enc = JSON.parse(q(`SELECT resource FROM change_log WHERE rtype = 'Encounter' AND rid = ${r.json.id}`));
  assert.equal(enc.status, 'in-progress');
  assert.equal(enc.hospitalization.admitSource.text, 'Legevakt');
  const board = await nurse.get(`/api/units/${kad}/board`);
  assert.equal(board.json.beds.find((b) => b.number === bed).stay.id, r.json.id);
});

test('bad admissions are refused, naming the field, and change nothing', async () => {
  const pid = freePatient('4630', 1);
  const busy = Number(q(`SELECT MIN(number) FROM bed WHERE unit_id = ${kad} AND state = 'occupied'`));
  const inStay = q(`SELECT patient_id FROM stay WHERE unit_id = ${kad} AND end_at IS NULL LIMIT 1`);
  const bed = freeBed(kad);
  const before = snapshot();
  const cases = [
    [{ patientId: pid, unitId: '123', bed, source: 'home' }, 404, 'unitId'],
    [{ patientId: pid, unitId: kad, bed: busy, source: 'home' }, 409, 'bed'],
    [{ patientId: pid, unitId: kad, bed: 99, source: 'home' }, 404, 'bed'],
    [{ patientId: inStay, unitId: kad, bed, source: 'home' }, 409, 'patientId'],
    [{ patientId: '999', unitId: kad, bed, source: 'home' }, 404, 'patientId'],
    [{ patientId: pid, unitId: kad, bed, source: 'moon' }, 400, 'source'],
    [{ patientId: pid, unitId: kad, bed, source: 'home', priorityGroup: 'vip' }, 400, 'priorityGroup'],
    [{ patientId: pid, unitId: kad, bed: 0, source: 'home' }, 400, 'bed'],
    [{ unitId: kad, bed, source: 'home' }, 400, 'patientId'],
  ];
  for (const [body, status, field] of cases) {
    const r = await nurse.post('/api/stays', body);
    assert.equal(r.status, status, JSON.stringify(body) + JSON.stringify(r.json));
    assert.equal(r.json.error.field, field, JSON.stringify(body));
  }
  const wardNurse = new Client(srv.base);
  await wardNurse.login('sykepleier.haukeland');
  assert.equal((await wardNurse.post('/api/stays', { patientId: pid, unitId: kad, bed, source: 'home' })).status, 403);
  const gp = new Client(srv.base);
  await gp.login('fastlege');
  assert.equal((await gp.post('/api/stays', { patientId: pid, unitId: kad, bed, source: 'home' })).status, 403);
  assert.deepEqual(snapshot(), before);
});

test('two nurses admitting to the last free bed at once: exactly one wins', async () => {
  const bed = freeBed(kad);
  const other = new Client(srv.base);
  await other.login('sykepleier.kad');
  const [a, b] = await Promise.all([
    nurse.post('/api/stays', { patientId: freePatient('4628', 0), unitId: kad, bed, source: 'home' }),
    other.post('/api/stays', { patientId: freePatient('4628', 1), unitId: kad, bed, source: 'gp' }),
  ]);
  assert.deepEqual([a.status, b.status].sort(), [201, 409]);
  assert.equal(q(`SELECT COUNT(*) FROM stay WHERE unit_id = ${kad} AND bed_number = ${bed} AND end_at IS NULL`), '1');
});

test('move within the unit, to another unit, and discharge; beds follow', async () => {
  const pid = freePatient('4631', 2);
  const bed = freeBed(kad);
  const admitted = await nurse.post('/api/stays', { patientId: pid, unitId: kad, bed, source: 'home' });
  assert.equal(admitted.status, 201);
  const to = freeBed(kad);
  let r = await nurse.post(`/api/stays/${admitted.json.id}/move`, { unitId: kad, bed: to });
  assert.equal(r.status, 200, JSON.stringify(r.json));
  assert.equal(r.json.id, admitted.json.id, 'same stay within the unit');
  assert.equal(bedState(kad, bed), 'cleaning');
  assert.equal(bedState(kad, to), 'occupied');
  r = await nurse.post(`/api/stays/${admitted.json.id}/move`, { unitId: shortTerm, bed: 1 });
  assert.equal(r.status, 403, 'the KAD nurse does not work in the short-term unit');
  // A municipal clinician working for Alver (owner of both units) moves across.
  const alver = q("SELECT id FROM org WHERE kommunenummer = '4631'");
  assert.equal(cli(['user', 'add', '--db', db.url, '--username', 'lege.alver', '--name', 'Lege Alver',
    '--role', 'municipal-clinician', '--org', alver], 'et-godt-passord\n').status, 0);
  const doctor = new Client(srv.base);
  await doctor.login('lege.alver', 'et-godt-passord');
  const stBed = freeBed(shortTerm);
  r = await doctor.post(`/api/stays/${admitted.json.id}/move`, { unitId: shortTerm, bed: stBed });
  assert.equal(r.status, 200, JSON.stringify(r.json));
  assert.notEqual(r.json.id, admitted.json.id, 'a new stay in the other unit');
  assert.equal(q(`SELECT discharge_to FROM stay WHERE id = ${admitted.json.id}`), 'other-unit');
  assert.equal(q(`SELECT source FROM stay WHERE id = ${r.json.id}`), 'other-unit');
  assert.equal(bedState(kad, to), 'cleaning');
  assert.equal(bedState(shortTerm, stBed), 'occupied');
  const bad = await doctor.post(`/api/stays/${r.json.id}/discharge`, { to: 'mars' });
  assert.equal(bad.status, 400);
  assert.equal(bad.json.error.field, 'to');
  const done = await doctor.post(`/api/stays/${r.json.id}/discharge`, { to: 'home-care' });
  assert.equal(done.status, 200);
  assert.equal(bedState(shortTerm, stBed), 'cleaning');
  assert.equal((await doctor.post(`/api/stays/${r.json.id}/discharge`, { to: 'home' })).status, 409, 'already ended');
  assert.equal(JSON.parse(q(`SELECT resource FROM change_log WHERE rtype = 'Encounter' AND rid = ${r.json.id} ORDER BY version DESC LIMIT 1`)).hospitalization.dischargeDisposition.text, 'Hjem med hjemmetjenester');
});

test('bed states: cleaning, closed with a reason, reserved with an expiry; a bed with a patient stays put', async () => {
  const n = Number(q(`SELECT MIN(number) FROM bed WHERE unit_id = ${kad} AND state = 'cleaning'`)) || freeBed(kad);
  let r = await nurse.put(`/api/units/${kad}/beds/${n}`, { state: 'closed' });
  assert.equal(r.status, 400);
  assert.equal(r.json.error.field, 'reason');
  r = await nurse.put(`/api/units/${kad}/beds/${n}`, { state: 'closed', reason: 'Vannlekkasje' });
  assert.equal(r.status, 200);
  let board = await nurse.get(`/api/units/${kad}/board`);
  let b = board.json.beds.find((x) => x.number === n);
  assert.equal(b.state, 'closed');
  assert.equal(b.reason, 'Vannlekkasje');
  r = await nurse.put(`/api/units/${kad}/beds/${n}`, { state: 'reserved', reason: 'Pasient fra Haukeland' });
  assert.equal(r.status, 400, 'a reservation needs an expiry');
  r = await nurse.put(`/api/units/${kad}/beds/${n}`, { state: 'reserved', reason: 'Pasient fra Haukeland', reservedHours: 4 });
  assert.equal(r.status, 200);
  board = await nurse.get(`/api/units/${kad}/board`);
  b = board.json.beds.find((x) => x.number === n);
  assert.equal(b.state, 'reserved');
  assert.match(b.reservedUntilLocal, /^\d\d\.\d\d\.\d{4} \d\d:\d\d$/);
  assert.equal((await nurse.put(`/api/units/${kad}/beds/${n}`, { state: 'occupied' })).status, 400);
  assert.equal((await nurse.put(`/api/units/${kad}/beds/99`, { state: 'free' })).status, 404);
  const busy = q(`SELECT MIN(number) FROM bed WHERE unit_id = ${kad} AND state = 'occupied'`);
  r = await nurse.put(`/api/units/${kad}/beds/${busy}`, { state: 'free' });
  assert.equal(r.status, 409);
  assert.equal(bedState(kad, busy), 'occupied');
  r = await nurse.put(`/api/units/${kad}/beds/${n}`, { state: 'free' });
  assert.equal(r.status, 200);
});

test('the bed count cannot drop below a bed that holds a patient', async () => {
  const top = Number(q(`SELECT MAX(number) FROM bed WHERE unit_id = ${kad} AND state = 'occupied'`));
  const unit = await nurse.get(`/api/units/${kad}`);
  const r = await nurse.put(`/api/units/${kad}`, { beds: top - 1, capabilities: unit.json.capabilities, version: unit.json.version });
  assert.equal(r.status, 409);
  assert.equal(r.json.error.field, 'beds');
  assert.match(r.json.error.message, new RegExp(`Seng ${top}`));
  assert.equal(q(`SELECT COUNT(*) FROM bed WHERE unit_id = ${kad}`), String(unit.json.beds));
  const grow = await nurse.put(`/api/units/${kad}`, { beds: unit.json.beds + 2, capabilities: unit.json.capabilities, version: unit.json.version });
  assert.equal(grow.status, 200);
  assert.equal(q(`SELECT COUNT(*) FROM bed WHERE unit_id = ${kad}`), String(unit.json.beds + 2));
});

test('a sykestue: day stays over three hours and stays over 14 days are flagged', async () => {
  const alver = q("SELECT id FROM org WHERE kommunenummer = '4631'");
  const id = '900000000000000001';
  q(`INSERT INTO org (id, type, unit_type, name, name_lc, parent_id, site, version, updated_at)
     VALUES (${id}, 'unit', 'sykestue', 'Sykestue Test', 'sykestue test', ${alver}, 'Knarvik', 1, 0)`);
  const admin = new Client(srv.base);
  await admin.login('admin');
  assert.equal((await admin.put(`/api/units/${id}`, { beds: 2, capabilities: ['oxygen'], version: 1 })).status, 200);
  assert.equal(cli(['user', 'add', '--db', db.url, '--username', 'sykestue.nurse', '--name', 'S N',
    '--role', 'municipal-clinician', '--org', id], 'et-godt-passord\n').status, 0);
  const sn = new Client(srv.base);
  await sn.login('sykestue.nurse', 'et-godt-passord');
  const a = await sn.post('/api/stays', { patientId: freePatient('4631', 5), unitId: id, bed: 1, source: 'gp' });
  const b = await sn.post('/api/stays', { patientId: freePatient('4631', 6), unitId: id, bed: 2, source: 'gp' });
  assert.equal(a.status, 201);
  assert.equal(b.status, 201);
  const flags = async (n) => (await sn.get(`/api/units/${id}/board`)).json.beds.find((x) => x.number === n).stay.flags.map((f) => f.code);
  assert.deepEqual(await flags(1), [], 'just admitted: nothing yet');
  // Four hours in, still the same day in Norway (the stay moved back in time to be sure of both).
  const nowUs = Date.now() * 1000;
  const local = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Oslo', hour: '2-digit', hour12: false }).format(new Date());
  if (Number(local) >= 5) {
    q(`UPDATE stay SET start_at = ${nowUs - 4 * 3600e6} WHERE id = ${a.json.id}`);
    assert.deepEqual(await flags(1), ['sykestue-day-stay']);
  }
  q(`UPDATE stay SET start_at = ${nowUs - 15 * 86400e6} WHERE id = ${b.json.id}`);
  assert.deepEqual(await flags(2), ['sykestue-over-14-days']);
});
