// End-to-end: the real server over HTTP against a fresh database (SQLite or
// PostgreSQL, by HB_BACKEND), driven as the web UI and integrations drive it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import {
  newDatabase, seedDemo, startServer, Client, cli, snapshot, syntheticNid, patientResource, PASSWORD, BACKEND,
} from '../lib/server.mjs';

let db;
let srv;
const ids = {};

before(async () => {
  db = newDatabase('e2e');
  seedDemo(db);
  srv = await startServer(db);
  const one = (sql) => db.query(sql);
  ids.ownPatient = one("SELECT patient_id FROM app_user WHERE username = 'pasient'");
  ids.fastlege = one("SELECT id FROM app_user WHERE username = 'fastlege'");
  ids.ownNid = one(`SELECT nid FROM patient WHERE id = ${ids.ownPatient}`);
  ids.osteroy = one(`SELECT p.id FROM patient p JOIN org o ON o.id = p.municipality_id
    WHERE o.kommunenummer = '4630' AND NOT EXISTS (SELECT 1 FROM stay s WHERE s.patient_id = p.id)
    ORDER BY p.id LIMIT 1`);
  ids.osteroyNid = one(`SELECT nid FROM patient WHERE id = ${ids.osteroy}`);
  ids.alverOther = one(`SELECT p.id FROM patient p JOIN org o ON o.id = p.municipality_id
    WHERE o.kommunenummer = '4631' AND p.gp_user_id <> ${ids.fastlege}
    AND NOT EXISTS (SELECT 1 FROM stay s WHERE s.patient_id = p.id) ORDER BY p.id LIMIT 1`);
});

after(async () => {
  if (srv) await srv.stop();
});

test('healthz answers with the security headers', async () => {
  const c = new Client(srv.base);
  const r = await c.get('/healthz');
  assert.equal(r.status, 200);
  assert.deepEqual(r.json, { status: 'ok' });
  const csp = r.headers.get('content-security-policy');
  assert.match(csp, /frame-ancestors 'none'/);
  assert.match(csp, /script-src 'self'/);
  assert.doesNotMatch(csp, /unsafe-inline/);
  assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
  assert.equal(r.headers.get('referrer-policy'), 'no-referrer');
});

test('static files have their content types and no path leaves web/', async () => {
  const c = new Client(srv.base);
  const index = await c.get('/');
  assert.equal(index.status, 200);
  assert.match(index.headers.get('content-type'), /^text\/html/);
  assert.match(index.text, /<script type="module" src="\/app.js">/);
  assert.doesNotMatch(index.text, /<script>[^<]/, 'no inline script');
  assert.match((await c.get('/app.js')).headers.get('content-type'), /^text\/javascript/);
  assert.match((await c.get('/style.css')).headers.get('content-type'), /^text\/css/);
  for (const p of ['/%2e%2e/Makefile', '/..%2fMakefile', '/.hidden', '/nope.html', '/web/../Makefile']) {
    const r = await c.get(p);
    assert.equal(r.status, 404, p);
    assert.doesNotMatch(r.text, /CFLAGS/);
  }
});

test('unknown routes, wrong methods, bad bodies get clear errors', async () => {
  const c = new Client(srv.base);
  let r = await c.get('/api/nothing-here');
  assert.equal(r.status, 404);
  assert.equal(r.json.error.code, 'not-found');
  r = await c.request('DELETE', '/api/me');
  assert.equal(r.status, 405);
  assert.match(r.headers.get('allow'), /GET/);
  r = await c.request('POST', '/api/login', { raw: '{"username": "admin", ', headers: { 'Content-Type': 'application/json' } });
  assert.equal(r.status, 400);
  assert.match(r.json.error.message, /Ugyldig JSON/);
  r = await c.request('POST', '/api/login', { raw: 'username=admin', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
  assert.equal(r.status, 415);
  assert.equal(r.json.error.field, 'Content-Type');
  r = await c.request('POST', '/api/login', { raw: '[1,2]', headers: { 'Content-Type': 'application/json' } });
  assert.equal(r.status, 400);
  const before = snapshot(db);
  r = await c.request('POST', '/api/login', { raw: `{"username":"${'x'.repeat(2 * 1024 * 1024)}"}`, headers: { 'Content-Type': 'application/json' } });
  assert.equal(r.status, 413, 'a body somewhat over the limit is read, dropped and answered');
  // Far over the limit: refused from the headers alone, before any body is sent.
  const early = await new Promise((resolve, reject) => {
    const u = new URL(srv.base);
    const s = connect(Number(u.port), u.hostname, () => s.write(
      'POST /api/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 900000000\r\n\r\n'));
    let got = '';
    s.on('data', (d) => { got += d; });
    s.on('end', () => resolve(got));
    s.on('error', reject);
  });
  assert.match(early, /^HTTP\/1\.1 413 /);
  assert.deepEqual(snapshot(db), before);
});

test('login: wrong password and unknown user answer alike; cookie is HttpOnly and SameSite=Strict', async () => {
  const c = new Client(srv.base);
  const wrong = await c.login('admin', 'not-the-password');
  const unknown = await c.login('no.such.user', 'not-the-password');
  assert.equal(wrong.status, 401);
  assert.equal(unknown.status, 401);
  assert.deepEqual(wrong.json, unknown.json);
  assert.equal((await c.get('/api/me')).status, 401);
  const r = await c.login('tildeling.alver');
  assert.equal(r.status, 200);
  const cookie = r.headers.get('set-cookie');
  assert.match(cookie, /HttpOnly/);
  assert.match(cookie, /SameSite=Strict/);
  assert.ok(r.json.csrfToken.length >= 40);
  const me = await c.get('/api/me');
  assert.equal(me.status, 200);
  assert.equal(me.json.role, 'allocation-office');
  assert.equal(me.json.orgName, 'Alver');
  const missing = await c.post('/api/login', { username: 'admin' });
  assert.equal(missing.status, 400);
  assert.equal(missing.json.error.field, 'password');
});

test('GP search finds only listed patients, audits every hit, and the GP can open them', async () => {
  const c = new Client(srv.base);
  await c.login('fastlege');
  const auditBefore = Number(db.query("SELECT COUNT(*) FROM audit_log WHERE action = 'search'"));
  const r = await c.get('/api/patients?q=Ingrid%20Haug');
  assert.equal(r.status, 200);
  assert.ok(r.json.results.some((p) => p.id === ids.ownPatient), 'the demo patient is found');
  for (const p of r.json.results) {
    assert.equal(db.query(`SELECT gp_user_id FROM patient WHERE id = ${p.id}`), ids.fastlege, 'only listed patients');
  }
  const auditAfter = Number(db.query("SELECT COUNT(*) FROM audit_log WHERE action = 'search'"));
  assert.equal(auditAfter - auditBefore, r.json.results.length, 'one audit record per hit');
  const sorted = await c.get('/api/patients?q=a&sort=birthDate');
  assert.equal(sorted.status, 200);
  const dates = sorted.json.results.map((p) => p.birthDate);
  assert.deepEqual(dates, [...dates].sort());
  assert.equal((await c.get('/api/patients?q=a&sort=shoe')).status, 400);
  const byName = await c.get('/api/patients?q=a');
  const keys = byName.json.results.map((p) => `${p.family} ${p.given}`);
  assert.deepEqual(keys, [...keys].sort((x, y) => x.localeCompare(y, 'nb')), 'Norwegian alphabetical order');
  const bad = await c.get('/api/patients?q=12345678901');
  assert.equal(bad.status, 400);
  assert.match(bad.json.error.message, /kontrollsiffer/);
  const p = await c.get(`/api/patients/${ids.ownPatient}`);
  assert.equal(p.status, 200);
  assert.equal(p.json.relation, 'gp');
  assert.match(p.json.birthDateLocal, /^\d\d\.\d\d\.\d{4}$/);
  const log = await c.get(`/api/patients/${ids.ownPatient}/access-log`);
  assert.equal(log.status, 200);
  const mine = log.json.entries.filter((e) => e.user === 'Dr. Sigrun Fastlege' && e.action === 'read');
  assert.ok(mine.length >= 1, 'the read is in the access log');
});

test('no relation: 403 and a denied audit record; data unchanged', async () => {
  const c = new Client(srv.base);
  await c.login('fastlege');
  const before = snapshot(db);
  const r = await c.get(`/api/patients/${ids.osteroy}`);
  assert.equal(r.status, 403);
  assert.match(r.json.error.message, /nødtilgang/);
  assert.equal(db.query(`SELECT outcome FROM audit_log WHERE patient_id = ${ids.osteroy} ORDER BY id DESC LIMIT 1`), 'denied');
  assert.deepEqual(snapshot(db), before);
  const s = await c.get(`/api/patients?q=${ids.osteroyNid}`);
  assert.equal(s.status, 200);
  assert.equal(s.json.results.length, 0);
  assert.equal(s.json.restricted.id, ids.osteroy, 'the UI can offer emergency access');
  const fhir = await c.get(`/fhir/Patient/${ids.osteroy}`);
  assert.equal(fhir.status, 403);
  assert.equal(fhir.json.resourceType, 'OperationOutcome');
  assert.equal(fhir.json.issue[0].code, 'forbidden');
});

test('emergency access needs CSRF and a reason, then allows and is shown to the patient', async () => {
  const c = new Client(srv.base);
  await c.login('fastlege');
  const before = snapshot(db);
  let r = await c.request('POST', `/api/patients/${ids.osteroy}/emergency-access`, { body: { reason: 'bevisstløs pasient på kontoret' }, csrf: false });
  assert.equal(r.status, 403);
  assert.equal(r.json.error.field, 'X-CSRF-Token');
  r = await c.request('POST', `/api/patients/${ids.osteroy}/emergency-access`, { body: { reason: 'x' }, headers: { 'X-CSRF-Token': 'forged' }, csrf: false });
  assert.equal(r.status, 403);
  r = await c.post(`/api/patients/${ids.osteroy}/emergency-access`, { reason: 'kort' });
  assert.equal(r.status, 400);
  assert.equal(r.json.error.field, 'reason');
  assert.deepEqual(snapshot(db), before, 'nothing changed by the refused requests');
  r = await c.post(`/api/patients/${ids.osteroy}/emergency-access`, { reason: 'bevisstløs pasient på kontoret' });
  assert.equal(r.status, 201);
  r = await c.get(`/api/patients/${ids.osteroy}`);
  assert.equal(r.status, 200);
  assert.equal(r.json.relation, 'emergency');
  const log = await c.get(`/api/patients/${ids.osteroy}/access-log`);
  const e = log.json.entries.find((x) => x.action === 'emergency');
  assert.ok(e, 'grant logged');
  assert.equal(e.reason, 'bevisstløs pasient på kontoret');
  r = await c.post('/api/patients/999/emergency-access', { reason: 'ingen slik pasient finnes' });
  assert.equal(r.status, 404);
  assert.equal((await c.get('/api/audit/emergency')).status, 403, 'only administrators see the report');
  const admin = new Client(srv.base);
  await admin.login('admin');
  const report = await admin.get('/api/audit/emergency');
  assert.equal(report.status, 200);
  const grant = report.json.entries.find((x) => x.patientId === ids.osteroy);
  assert.equal(grant.user, 'Dr. Sigrun Fastlege');
  assert.equal(grant.reason, 'bevisstløs pasient på kontoret');
});

test('a patient sees their own record and who accessed it, nothing else', async () => {
  const c = new Client(srv.base);
  await c.login('pasient');
  assert.equal((await c.get(`/api/patients/${ids.ownPatient}`)).json.relation, 'self');
  assert.equal((await c.get(`/api/patients/${ids.alverOther}`)).status, 403);
  assert.equal((await c.get('/api/patients?q=a')).status, 403);
  assert.equal((await c.get(`/api/patients/${ids.alverOther}/access-log`)).status, 403);
  const log = await c.get(`/api/patients/${ids.ownPatient}/access-log`);
  assert.equal(log.status, 200);
  assert.ok(log.json.entries.some((e) => e.role === 'Fastlege' && e.organisation === 'Knarvik legesenter'));
  for (const e of log.json.entries) assert.match(e.timeLocal, /^\d\d\.\d\d\.\d{4} \d\d:\d\d$/);
  const fhir = await c.get(`/fhir/Patient/${ids.ownPatient}`);
  assert.equal(fhir.status, 200);
  assert.equal(fhir.json.identifier[0].value, ids.ownNid);
});

test('the analyst sees the organisation overview but no patients', async () => {
  const c = new Client(srv.base);
  await c.login('analytiker');
  const o = await c.get('/api/orgs');
  assert.equal(o.status, 200);
  assert.equal(o.json.municipalities.length, 8);
  const alver = o.json.municipalities.find((m) => m.kommunenummer === '4631');
  assert.ok(alver.population.total > 25000);
  assert.ok(alver.units.some((u) => u.unitType === 'kad' && u.beds > 0));
  assert.equal((await c.get(`/api/patients/${ids.ownPatient}`)).status, 403);
  assert.equal((await c.get('/api/patients?q=a')).status, 403);
  assert.equal((await c.get('/fhir/Patient?name=a')).status, 403);
});

test('logout ends the session', async () => {
  const c = new Client(srv.base);
  await c.login('admin');
  const old = c.cookie;
  assert.equal((await c.post('/api/logout', {})).status, 200);
  c.cookie = old;
  assert.equal((await c.get('/api/me')).status, 401);
});

test('FHIR create with an invalid national id is 422 naming the field; nothing stored', async () => {
  const c = new Client(srv.base);
  await c.login('tildeling.alver');
  const before = snapshot(db);
  const cases = [
    [patientResource('12345678901'), /kontrollsiffer/],
    [patientResource('1234'), /11 sifre/],
    [patientResource(syntheticNid(1950, 5, 5, true), { gender: 'male' }), /Kjønn/],
    [patientResource(syntheticNid(1950, 5, 5, true), { birthDate: '1950-05-06' }), /Fødselsdato/],
    [patientResource(syntheticNid(1950, 5, 5, true), { kommune: '0301' }), /0301/],
    [{ ...patientResource(syntheticNid(1950, 5, 5, true)), photo: [] }, /photo/],
    [{ ...patientResource(syntheticNid(1950, 5, 5, true)), name: [] }, /Etternavn/],
  ];
  for (const [res, msg] of cases) {
    const r = await c.post('/fhir/Patient', res, { headers: { 'Content-Type': 'application/fhir+json' } });
    assert.equal(r.status, 422, JSON.stringify(r.json));
    assert.equal(r.json.resourceType, 'OperationOutcome');
    assert.match(r.json.issue[0].diagnostics, msg);
    assert.ok(r.json.issue[0].expression?.[0], 'names the field');
  }
  assert.deepEqual(snapshot(db), before);
});

test('FHIR update with a stale version is 412; the record is unchanged', async () => {
  const c = new Client(srv.base);
  await c.login('tildeling.alver');
  const nid = syntheticNid(1948, 2, 2, false, 17);
  const gp = new Client(srv.base);
  await gp.login('fastlege');
  const created = await c.post('/fhir/Patient', patientResource(nid, { family: 'Versjonsen' }));
  assert.equal(created.status, 201);
  const id = created.json.id;
  assert.equal(created.headers.get('etag'), 'W/"1"');
  const upd = { ...created.json, name: [{ family: 'Versjonsen', given: ['Andre'] }] };
  let r = await c.put(`/fhir/Patient/${id}`, upd, { headers: { 'If-Match': 'W/"1"' } });
  assert.equal(r.status, 200);
  assert.equal(r.json.meta.versionId, '2');
  assert.equal(db.query(`SELECT COUNT(*) FROM audit_log WHERE patient_id = ${id} AND action = 'update'`), '1',
    'one update, one audit record');
  assert.equal(db.query(`SELECT COUNT(*) FROM change_log WHERE rtype = 'Patient' AND rid = ${id}`), '2',
    'both versions kept');
  const before = snapshot(db);
  r = await c.put(`/fhir/Patient/${id}`, { ...upd, name: [{ family: 'Overskrevet', given: ['X'] }] }, { headers: { 'If-Match': 'W/"1"' } });
  assert.equal(r.status, 412);
  assert.equal(r.json.resourceType, 'OperationOutcome');
  assert.deepEqual(snapshot(db), before);
  assert.equal((await c.get(`/fhir/Patient/${id}`)).json.name[0].given[0], 'Andre');
  r = await c.put(`/fhir/Patient/${id}`, { ...upd, id: '1' });
  assert.equal(r.status, 400);
  r = await c.post('/fhir/Patient', patientResource(nid));
  assert.equal(r.status, 409, 'the same national id twice');
  r = await gp.put(`/fhir/Patient/${id}`, upd);
  assert.equal(r.status, 403, 'update without relation');
  assert.deepEqual(snapshot(db), before);
});

test('five simultaneous updates of the same version: exactly one wins, the others get 412', async () => {
  const c = new Client(srv.base);
  await c.login('tildeling.alver');
  const created = await c.post('/fhir/Patient', patientResource(syntheticNid(1952, 6, 6, true, 41), { family: 'Samtidig' }));
  assert.equal(created.status, 201);
  const id = created.json.id;
  const results = await Promise.all([0, 1, 2, 3, 4].map((i) => c.put(`/fhir/Patient/${id}`,
    { ...created.json, name: [{ family: 'Samtidig', given: [`Nr${i}`] }] }, { headers: { 'If-Match': 'W/"1"' } })));
  const statuses = results.map((r) => r.status).sort();
  assert.deepEqual(statuses, [200, 412, 412, 412, 412]);
  const winner = results.find((r) => r.status === 200).json.name[0].given[0];
  const now = await c.get(`/fhir/Patient/${id}`);
  assert.equal(now.json.meta.versionId, '2');
  assert.equal(now.json.name[0].given[0], winner, 'the stored version is the one that was acknowledged');
});

test('a bearer token from the CLI reads FHIR as its user; bad tokens are refused', async () => {
  let r = cli(['token', 'create', '--db', db.url, '--username', 'tildeling.alver']);
  assert.equal(r.status, 0, r.stderr);
  const token = r.stdout.trim();
  assert.match(token, /^[A-Za-z0-9_-]{43}$/);
  assert.equal(db.query(`SELECT COUNT(*) FROM api_token WHERE token_hash = '${token}'`), '0', 'only the hash is stored');
  const c = new Client(srv.base);
  c.bearer = token;
  const alverPatient = await c.get(`/fhir/Patient/${ids.alverOther}`);
  assert.equal(alverPatient.status, 200);
  assert.equal((await c.get(`/fhir/Patient/${ids.osteroy}`)).status, 403);
  c.bearer = 'x'.repeat(43);
  assert.equal((await c.get(`/fhir/Patient/${ids.alverOther}`)).status, 401);
  r = cli(['token', 'create', '--db', db.url, '--username', 'nobody']);
  assert.notEqual(r.status, 0);
  assert.equal(r.stderr.trim().split('\n').length, 1);
  assert.ok(!srv.stderr().includes(token), 'token never logged');
});

test('the CLI: help, org list, user add with the password on stdin, one-line errors', async () => {
  for (const cmd of ['serve', 'migrate', 'seed', 'org', 'user', 'token']) {
    const r = cli([cmd, '--help']);
    assert.equal(r.status, 0, cmd);
    assert.match(r.stdout, /Usage: helsebro/);
  }
  assert.match(cli(['--help']).stdout, /serve/);
  const list = cli(['org', 'list', '--db', db.url]);
  assert.equal(list.status, 0);
  const rows = list.stdout.trim().split('\n').map((l) => l.split('\t'));
  assert.ok(rows.every((r) => r.length === 3 && /^\d+$/.test(r[0])));
  const alver = rows.find((r) => r[2] === 'Alver');
  assert.equal(alver[1], 'municipality');
  let r = cli(['user', 'add', '--db', db.url, '--username', 'ny.sykepleier', '--name', 'Ny Sykepleier',
    '--role', 'municipal-clinician', '--org', alver[0]], 'et-godt-passord\n');
  assert.equal(r.status, 0, r.stderr);
  const c = new Client(srv.base);
  assert.equal((await c.login('ny.sykepleier', 'et-godt-passord')).status, 200);
  r = cli(['user', 'add', '--db', db.url, '--username', 'ny.sykepleier', '--name', 'X', '--role', 'gp', '--org', alver[0]], 'et-godt-passord\n');
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /finnes allerede/);
  r = cli(['user', 'add', '--db', db.url, '--username', 'x2', '--name', 'X', '--role', 'doctor', '--org', alver[0]], 'et-godt-passord\n');
  assert.notEqual(r.status, 0);
  assert.equal(r.stderr.trim().split('\n').length, 1);
  r = cli(['user', 'add', '--db', db.url, '--username', 'x3', '--name', 'X', '--role', 'patient', '--org', alver[0]], 'et-godt-passord\n');
  assert.notEqual(r.status, 0, 'a patient user needs --patient');
  r = cli(['user', 'add', '--db', db.url, '--username', 'x4', '--name', 'X', '--role', 'gp', '--org', '1'], 'et-godt-passord\n');
  assert.notEqual(r.status, 0, 'unknown org');
  r = cli(['user', 'add', '--db', db.url, '--username', 'x5', '--name', 'X', '--role', 'gp', '--org', alver[0]], 'kort\n');
  assert.notEqual(r.status, 0, 'short password');
  assert.notEqual(cli(['org', 'list']).status, 0, '--db is required');
  assert.notEqual(cli(['migrate', '--db', 'mysql://x']).status, 0);
  assert.equal(cli(['migrate', '--db', db.url]).stdout.trim(), '0 migration(s) applied');
  assert.notEqual(cli(['frobnicate']).status, 0);
});

test('a write acknowledged before the process is killed is there after restart', async () => {
  const db2 = newDatabase('kill');
  seedDemo(db2);
  let s = await startServer(db2);
  const c = new Client(s.base);
  await c.login('tildeling.alver');
  const created = [];
  for (let i = 0; i < 5; i++) {
    const r = await c.post('/fhir/Patient', patientResource(syntheticNid(1960 + i, 4, 4, true, 31), { family: `Kill${i}` }));
    assert.equal(r.status, 201);
    created.push(r.json.id);
  }
  await s.stop('SIGKILL');
  s = await startServer(db2);
  const c2 = new Client(s.base);
  await c2.login('tildeling.alver');
  for (const id of created) assert.equal((await c2.get(`/fhir/Patient/${id}`)).status, 200);
  const { code } = await s.stop('SIGTERM');
  assert.equal(code, 0);
});

test('sessions expire when idle, and five failures lock a username, known or not', async () => {
  const s = await startServer(db, ['--session-idle', '1', '--lock-seconds', '3']);
  try {
    const c = new Client(s.base);
    assert.equal((await c.login('sykepleier.kad')).status, 200);
    assert.equal((await c.get('/api/me')).status, 200);
    await new Promise((r) => setTimeout(r, 1600));
    const expired = await c.get('/api/me');
    assert.equal(expired.status, 401);
    assert.match(expired.json.error.message, /utløpt/);
    for (const user of ['sykepleier.haukeland', 'ingen.slik']) {
      const x = new Client(s.base);
      for (let i = 0; i < 5; i++) assert.equal((await x.login(user, 'feil-passord')).status, 401);
      const locked = await x.login(user, PASSWORD);
      assert.equal(locked.status, 429, user);
      assert.match(locked.json.error.message, /For mange/);
    }
    await new Promise((r) => setTimeout(r, 3200));
    assert.equal((await new Client(s.base).login('sykepleier.haukeland')).status, 200, 'unlocked after the lock time');
  } finally {
    await s.stop();
  }
});

test('logs carry no national ids, passwords or tokens; SIGTERM stops cleanly', async () => {
  const c = new Client(srv.base);
  await c.login('fastlege');
  await c.get(`/api/patients?q=${ids.ownNid}`);
  await c.get(`/fhir/Patient?identifier=urn:oid:2.16.578.1.12.4.1.4.1|${ids.ownNid}`);
  const log = srv.stderr();
  assert.match(log, /method=GET path=\/api\/patients status=200 us=\d+/);
  assert.ok(!log.includes(ids.ownNid), 'no national id in the log');
  assert.ok(!log.includes(PASSWORD), 'no password in the log');
  assert.ok(!log.includes(c.cookie.split('=')[1]), 'no session token in the log');
  const { code } = await srv.stop('SIGTERM');
  srv = null;
  assert.equal(code, 0, 'clean exit (also no leaks under the sanitizers)');
});
