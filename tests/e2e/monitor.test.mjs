// Monitoring over real HTTP on either backend: NEWS2 of complete sets, scale 2,
// personal thresholds, alerts routed to whoever is responsible as the patient
// moves, acknowledgement, escalation with a controllable clock, missed
// measurements, bad input that stores nothing, a server killed mid-stream
// that loses nothing it acknowledged, and one killed mid-delivery whose
// notification is sent after restart.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { newDatabase, seedDemo, startServer, Client } from '../lib/server.mjs';

let db;
let srv;
const as = {};
const q = (sql) => db.query(sql);
const count = (sql) => Number(q(sql));
let kadPatient; // in the KAD now
let ingrid; // at home, with a care plan
const normal = { rr: '16', spo2: '97', oxygen: '0', sbp: '125', pulse: '72', acvpu: 'A', temperature: '37.0' };
const iso = (ms) => new Date(ms).toISOString();

before(async () => {
  db = newDatabase('monitor');
  seedDemo(db);
  // Notifications are sent by POST /api/monitor/tick only, at the times the tests name.
  srv = await startServer(db, ['--test-clock', '--notify-interval', '86400']);
  for (const u of ['sykepleier.kad', 'hjemmesykepleier', 'fastlege', 'admin', 'pasient', 'fastlege.osteroy', 'sykepleier.haukeland']) {
    as[u] = new Client(srv.base);
    assert.equal((await as[u].login(u)).status, 200, u);
  }
  kadPatient = q(`SELECT s.patient_id FROM stay s JOIN org o ON o.id = s.unit_id WHERE o.unit_type = 'kad'
    AND s.end_at IS NULL ORDER BY s.patient_id LIMIT 1`);
  ingrid = q("SELECT patient_id FROM app_user WHERE username = 'pasient'");
});

after(async () => {
  await srv?.stop();
});

async function vitals(who, pid, values, at) {
  return who.post(`/api/patients/${pid}/vitals`, { values, ...(at ? { at } : {}) });
}

function openAlerts(pid) {
  return q(`SELECT kind || ':' || route FROM alert WHERE patient_id = ${pid} AND status <> 'resolved' ORDER BY id`)
    .split('\n').filter(Boolean);
}

test('a complete normal set scores 0 and raises nothing; an incomplete one is not scored', async () => {
  const n0 = count(`SELECT COUNT(*) FROM news2 WHERE patient_id = ${kadPatient}`);
  let r = await vitals(as['sykepleier.kad'], kadPatient, { pulse: '70' });
  assert.equal(r.status, 201, JSON.stringify(r.json));
  assert.equal(count(`SELECT COUNT(*) FROM news2 WHERE patient_id = ${kadPatient}`), n0, 'one value is not a set');
  r = await vitals(as['sykepleier.kad'], kadPatient, normal);
  assert.equal(r.status, 201);
  assert.equal(r.json.ids.length, 7);
  assert.equal(q(`SELECT total || ' ' || risk || ' ' || monitor_minutes FROM news2 WHERE patient_id = ${kadPatient} ORDER BY id DESC LIMIT 1`),
    '0 low 720');
  assert.deepEqual(openAlerts(kadPatient), []);
  const d = (await as['sykepleier.kad'].get('/api/monitor')).json;
  const me = d.patients.find((p) => p.patientId === kadPatient);
  assert.ok(me, 'the KAD patient is on the KAD nurse\'s dashboard');
  assert.equal(me.latest.total, 0);
  assert.deepEqual(Object.keys(me.latest.sub).sort(), ['acvpu', 'air', 'pulse', 'rr', 'sbp', 'spo2', 'temperature']);
  assert.equal(me.overdue, false);
  assert.ok(!(await as['sykepleier.haukeland'].get('/api/monitor')).json.patients.some((p) => p.patientId === kadPatient),
    'a hospital ward without the patient does not see them');
});

test('decimals keep their precision; impossible values are refused with the range and store nothing', async () => {
  let r = await as['sykepleier.kad'].request('POST', `/api/patients/${kadPatient}/vitals`, {
    raw: '{"values": {"temperature": "37.50", "weight": 61.50}}', headers: { 'Content-Type': 'application/json' } });
  assert.equal(r.status, 201, JSON.stringify(r.json));
  assert.equal(q(`SELECT value FROM observation WHERE id = ${r.json.ids[0]}`), '37.50');
  assert.equal(q(`SELECT value FROM observation WHERE id = ${r.json.ids[1]}`), '61.50', 'a JSON number as written');
  const fhir = await fetch(`${srv.base}/fhir/Observation/${r.json.ids[0]}`, { headers: { Cookie: as['sykepleier.kad'].cookie } });
  assert.match(await fhir.text(), /"value":37\.50[,}]/, 'served back as 37.50');
  const before = q('SELECT COUNT(*) FROM observation');
  for (const [values, field, message] of [
    [{ pulse: '400' }, 'pulse', /Puls må være mellom 20 og 300/],
    [{ temperature: '12' }, 'temperature', /mellom 25 og 45 °C/],
    [{ spo2: '101' }, 'spo2', /mellom 50 og 100/],
    [{ acvpu: 'X' }, 'acvpu', /A \(våken\)/],
    [{ temperature: '37.555' }, 'temperature', /to desimaler/],
    [{ mood: '3' }, 'values', /Ukjent måling/],
    [{ ...normal, pulse: '-5' }, 'pulse', /tall/],
  ]) {
    r = await vitals(as['sykepleier.kad'], kadPatient, values);
    assert.equal(r.status, 400, JSON.stringify(values));
    assert.equal(r.json.error.field, field);
    assert.match(r.json.error.message, message);
  }
  r = await vitals(as['sykepleier.kad'], '123', normal);
  assert.equal(r.status, 400, 'unknown patient');
  const denied = count(`SELECT COUNT(*) FROM audit_log WHERE outcome = 'denied' AND patient_id = ${kadPatient}`);
  r = await vitals(as['sykepleier.haukeland'], kadPatient, normal);
  assert.equal(r.status, 403);
  assert.equal(count(`SELECT COUNT(*) FROM audit_log WHERE outcome = 'denied' AND patient_id = ${kadPatient}`), denied + 1);
  r = await vitals(as['sykepleier.kad'], kadPatient, normal, iso(Date.now() + 3600e3));
  assert.equal(r.status, 400, 'not in the future');
  assert.equal(q('SELECT COUNT(*) FROM observation'), before, 'nothing stored');
});

test('deterioration: medium, high and a single 3 raise alerts routed to the unit', async () => {
  const t = Date.now();
  let r = await vitals(as['sykepleier.kad'], kadPatient, { ...normal, acvpu: 'C' }, iso(t - 50 * 60e3));
  assert.equal(r.status, 201);
  assert.equal(q(`SELECT total FROM news2 WHERE patient_id = ${kadPatient} ORDER BY id DESC LIMIT 1`), '3');
  assert.deepEqual(openAlerts(kadPatient), ['single-3:unit']);
  r = await vitals(as['sykepleier.kad'], kadPatient, { ...normal, rr: '22', oxygen: '2', pulse: '95' }, iso(t - 40 * 60e3));
  assert.equal(q(`SELECT total || ' ' || risk FROM news2 WHERE patient_id = ${kadPatient} ORDER BY id DESC LIMIT 1`), '5 medium');
  r = await vitals(as['sykepleier.kad'], kadPatient, { ...normal, rr: '26', spo2: '93', pulse: '115' }, iso(t - 30 * 60e3));
  assert.equal(q(`SELECT total || ' ' || risk || ' ' || monitor_minutes FROM news2 WHERE patient_id = ${kadPatient} ORDER BY id DESC LIMIT 1`),
    '7 high 0');
  assert.deepEqual(openAlerts(kadPatient), ['single-3:unit', 'news2-medium:unit', 'news2-high:unit']);
  const kad = q("SELECT id FROM org WHERE unit_type = 'kad'");
  assert.equal(q(`SELECT DISTINCT route_id FROM alert WHERE patient_id = ${kadPatient}`), kad);
  r = await vitals(as['sykepleier.kad'], kadPatient, { ...normal, rr: '27', spo2: '92', pulse: '118' }, iso(t - 20 * 60e3));
  assert.equal(count(`SELECT COUNT(*) FROM alert WHERE patient_id = ${kadPatient} AND kind = 'news2-high'`), 1, 'still open: not raised twice');
  const d = (await as['sykepleier.kad'].get('/api/monitor')).json;
  assert.equal(d.patients[0].patientId, kadPatient, 'the riskiest first');
  assert.equal(d.patients[0].unacknowledged, 3);
  assert.equal(d.patients[0].alerts[0].kind, 'news2-high');
  assert.ok(d.patients[0].trend.length >= 4);
});

test('scale 2 for a hypercapnic patient, set by a clinician and recorded; personal thresholds', async () => {
  const pid = q(`SELECT s.patient_id FROM stay s JOIN org o ON o.id = s.unit_id WHERE o.unit_type = 'kad'
    AND s.end_at IS NULL ORDER BY s.patient_id LIMIT 1 OFFSET 1`);
  let r = await vitals(as['sykepleier.kad'], pid, { ...normal, spo2: '89' });
  assert.equal(q(`SELECT spo2 || ' ' || scale FROM news2 WHERE patient_id = ${pid} ORDER BY id DESC LIMIT 1`), '3 1', 'scale 1: 89 % scores 3');
  assert.equal((await as['sykepleier.kad'].put(`/api/patients/${pid}/monitoring`, { scale: 3 })).status, 400);
  r = await as['sykepleier.kad'].put(`/api/patients/${pid}/monitoring`, { scale: 2, thresholds: { pulse: { max: '100' } } });
  assert.equal(r.status, 200, JSON.stringify(r.json));
  assert.equal(r.json.monitoring.scale, 2);
  assert.match(r.json.monitoring.scaleSet.by, /Kjell/);
  assert.equal(q(`SELECT scale_by FROM monitoring WHERE patient_id = ${pid}`), q("SELECT id FROM app_user WHERE username = 'sykepleier.kad'"));
  r = await vitals(as['sykepleier.kad'], pid, { ...normal, spo2: '89', temperature: '37.1' });
  assert.equal(q(`SELECT spo2 || ' ' || scale FROM news2 WHERE patient_id = ${pid} ORDER BY id DESC LIMIT 1`), '0 2', 'scale 2: 89 % on air scores 0');
  r = await vitals(as['sykepleier.kad'], pid, { pulse: '105' });
  assert.ok(openAlerts(pid).includes('threshold:unit'));
  assert.match(q(`SELECT detail FROM alert WHERE patient_id = ${pid} AND kind = 'threshold'`), /Puls 105 er over den personlige grensen 100/);
  assert.equal((await as['sykepleier.kad'].put(`/api/patients/${pid}/monitoring`, { thresholds: { pulse: { max: 'høy' } } })).status, 400);
  assert.equal((await as['sykepleier.haukeland'].put(`/api/patients/${pid}/monitoring`, { scale: 2 })).status, 403);
});

test('alerts follow the patient: the care team at home, the unit in a stay, the team again after discharge', async () => {
  // The demo has an open alert for Ingrid already: the home-care nurse deals with it first.
  for (const a of q(`SELECT id FROM alert WHERE patient_id = ${ingrid} AND status <> 'resolved'`).split('\n').filter(Boolean)) {
    assert.equal((await as.hjemmesykepleier.post(`/api/alerts/${a}/resolve`, { note: 'Ringt fastlegen, ny vurdering i morgen' })).status, 200);
  }
  let r = await vitals(as.hjemmesykepleier, ingrid, { ...normal, acvpu: 'V' });
  assert.equal(r.status, 201, JSON.stringify(r.json));
  const team = q(`SELECT team_id FROM care_plan WHERE patient_id = ${ingrid} AND status = 'active'`);
  assert.deepEqual(openAlerts(ingrid), ['single-3:team']);
  assert.equal(q(`SELECT route_id FROM alert WHERE patient_id = ${ingrid} AND status <> 'resolved'`), team);
  let d = (await as.hjemmesykepleier.get('/api/monitor')).json;
  assert.ok(d.patients.some((p) => p.patientId === ingrid && p.unacknowledged === 1), 'the home-care nurse sees it');
  assert.ok(!(await as['sykepleier.kad'].get('/api/monitor')).json.patients.some((p) => p.patientId === ingrid), 'the KAD does not');
  // Admitted to the KAD: the next alert goes to the unit.
  const kad = q("SELECT id FROM org WHERE unit_type = 'kad'");
  const bed = q(`SELECT MIN(number) FROM bed WHERE unit_id = ${kad} AND state = 'free'`);
  r = await as['sykepleier.kad'].post('/api/stays', { patientId: ingrid, unitId: kad, bed: Number(bed), source: 'home' });
  assert.equal(r.status, 201, JSON.stringify(r.json));
  const stay = r.json.id;
  r = await vitals(as['sykepleier.kad'], ingrid, { ...normal, rr: '26', spo2: '91', pulse: '120' });
  assert.ok(openAlerts(ingrid).includes('news2-high:unit'));
  d = (await as['sykepleier.kad'].get('/api/monitor')).json;
  assert.ok(d.patients.some((p) => p.patientId === ingrid), 'now on the KAD dashboard');
  for (const a of q(`SELECT id FROM alert WHERE patient_id = ${ingrid} AND status <> 'resolved'`).split('\n')) {
    assert.equal((await as['sykepleier.kad'].post(`/api/alerts/${a}/resolve`, { note: 'Vurdert av KAD-lege, behandling startet' })).status, 200);
  }
  r = await as['sykepleier.kad'].post(`/api/stays/${stay}/discharge`, { to: 'home-care' });
  assert.equal(r.status, 200, JSON.stringify(r.json));
  r = await vitals(as.hjemmesykepleier, ingrid, { ...normal, temperature: '39.5', pulse: '112', rr: '22' });
  assert.deepEqual(openAlerts(ingrid), ['news2-medium:team'], 'home again: the care team');
});

test('acknowledge, then resolve with a note; time to acknowledge is recorded', async () => {
  const id = q(`SELECT id FROM alert WHERE patient_id = ${kadPatient} AND kind = 'news2-high'`);
  assert.equal((await as['sykepleier.haukeland'].post(`/api/alerts/${id}/acknowledge`, {})).status, 403);
  let r = await as['sykepleier.kad'].post(`/api/alerts/${id}/acknowledge`, { note: 'Lege tilkalt' });
  assert.equal(r.status, 200, JSON.stringify(r.json));
  assert.equal(q(`SELECT status FROM alert WHERE id = ${id}`), 'acknowledged');
  assert.ok(count(`SELECT ack_at - raised_at FROM alert WHERE id = ${id}`) >= 0);
  assert.equal((await as['sykepleier.kad'].post(`/api/alerts/${id}/acknowledge`, {})).status, 409);
  assert.equal((await as['sykepleier.kad'].post(`/api/alerts/${id}/resolve`, {})).status, 400, 'a note is needed');
  assert.equal((await as['sykepleier.kad'].post(`/api/alerts/${id}/dance`, {})).status, 400);
  r = await as['sykepleier.kad'].post(`/api/alerts/${id}/resolve`, { note: 'Overflyttet til sykehus' });
  assert.equal(r.status, 200);
  assert.equal(q(`SELECT kind FROM alert_event WHERE alert_id = ${id} ORDER BY id`).split('\n').join(' '), 'raised acknowledged resolved');
  assert.equal((await as['sykepleier.kad'].post(`/api/alerts/${id}/escalate`, {})).status, 409);
});

test('escalation with a controllable clock: unacknowledged alerts climb the ladder; acknowledged ones do not', async () => {
  const id = q(`SELECT id FROM alert WHERE patient_id = ${kadPatient} AND kind = 'news2-medium'`);
  const ackd = q(`SELECT id FROM alert WHERE patient_id = ${kadPatient} AND kind = 'single-3'`);
  await as['sykepleier.kad'].post(`/api/alerts/${ackd}/acknowledge`, {});
  const raised = count(`SELECT raised_at FROM alert WHERE id = ${id}`) / 1000;
  let r = await as.admin.post('/api/monitor/tick', { at: iso(raised + 10 * 60e3) });
  assert.equal(r.status, 200, JSON.stringify(r.json));
  assert.equal(q(`SELECT level FROM alert WHERE id = ${id}`), '1', 'not yet after 10 minutes');
  r = await as.admin.post('/api/monitor/tick', { at: iso(raised + 16 * 60e3) });
  assert.ok(r.json.escalated >= 1);
  assert.equal(q(`SELECT level FROM alert WHERE id = ${id}`), '2', 'after 15 minutes: level 2');
  r = await as.admin.post('/api/monitor/tick', { at: iso(raised + 32 * 60e3) });
  assert.equal(q(`SELECT level FROM alert WHERE id = ${id}`), '3');
  r = await as.admin.post('/api/monitor/tick', { at: iso(raised + 120 * 60e3) });
  assert.equal(q(`SELECT level FROM alert WHERE id = ${id}`), '3', 'the top of the ladder');
  assert.equal(q(`SELECT level FROM alert WHERE id = ${ackd}`), '1', 'acknowledged: stays');
  const d = (await as['sykepleier.kad'].get('/api/monitor')).json.patients.find((p) => p.patientId === kadPatient);
  assert.match(d.alerts.find((a) => a.id === id).levelName, /sykehuset/);
  assert.equal((await as['sykepleier.kad'].post('/api/monitor/tick', {})).status, 403, 'administrators run the pass');
});

test('a missed measurement raises one alert once the monitoring frequency has passed', async () => {
  const pid = q(`SELECT s.patient_id FROM stay s JOIN org o ON o.id = s.unit_id WHERE o.unit_type = 'kad'
    AND s.end_at IS NULL ORDER BY s.patient_id LIMIT 1 OFFSET 2`);
  await vitals(as['sykepleier.kad'], pid, normal);
  const at = count(`SELECT at FROM news2 WHERE patient_id = ${pid} ORDER BY id DESC LIMIT 1`) / 1000;
  await as.admin.post('/api/monitor/tick', { at: iso(at + 11 * 3600e3) });
  assert.equal(count(`SELECT COUNT(*) FROM alert WHERE patient_id = ${pid} AND kind = 'missed'`), 0, 'within 12 hours');
  await as.admin.post('/api/monitor/tick', { at: iso(at + 13 * 3600e3) });
  assert.equal(count(`SELECT COUNT(*) FROM alert WHERE patient_id = ${pid} AND kind = 'missed'`), 1);
  await as.admin.post('/api/monitor/tick', { at: iso(at + 14 * 3600e3) });
  assert.equal(count(`SELECT COUNT(*) FROM alert WHERE patient_id = ${pid} AND kind = 'missed'`), 1, 'not twice');
  const chart = (await as['sykepleier.kad'].get(`/api/patients/${pid}/vitals?days=2`)).json;
  assert.ok(chart.series.pulse.points.length >= 1);
  assert.ok(chart.series.pulse.bands.length === 6, 'the NEWS2 bands to shade');
  assert.ok(chart.news2.length >= 1);
  assert.ok(chart.alerts.some((a) => a.kind === 'missed'));
});

test('a subscription is notified of new alerts, retried while the receiver is down, and replayed', async () => {
  const got = [];
  let up = false;
  const receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => { body += d; });
    req.on('end', () => {
      got.push({ up, auth: req.headers.authorization, body });
      res.writeHead(up ? 200 : 503).end();
    });
  });
  await new Promise((r) => receiver.listen(0, '127.0.0.1', r));
  const endpoint = `http://127.0.0.1:${receiver.address().port}/hook`;
  try {
    const pid = q(`SELECT p.id FROM patient p JOIN org m ON m.id = p.municipality_id WHERE m.kommunenummer = '4631'
      AND NOT EXISTS (SELECT 1 FROM stay s WHERE s.patient_id = p.id) AND NOT EXISTS (SELECT 1 FROM care_plan c
      WHERE c.patient_id = p.id) ORDER BY p.id DESC LIMIT 1`);
    const sub = { resourceType: 'Subscription', status: 'requested', reason: 'Varsler til legevaktens system',
      criteria: `Flag?category=clinical&patient=Patient/${pid}`,
      channel: { type: 'rest-hook', endpoint, payload: 'application/fhir+json', header: ['Authorization: Bearer hemmelig'] } };
    let r = await as['sykepleier.kad'].post('/fhir/Subscription', sub, { headers: { 'Content-Type': 'application/fhir+json' } });
    assert.equal(r.status, 201, r.text);
    const id = r.json.id;
    assert.equal(r.json.status, 'active');
    for (const [bad, path] of [[{ ...sub, criteria: 'Patient?name=x' }, 'Subscription.criteria'],
      [{ ...sub, channel: { ...sub.channel, type: 'email' } }, 'Subscription.channel.type'],
      [{ ...sub, channel: { ...sub.channel, endpoint: 'ftp://x' } }, 'Subscription.channel.endpoint']]) {
      r = await as['sykepleier.kad'].post('/fhir/Subscription', bad);
      assert.equal(r.status, 422);
      assert.equal(r.json.issue[0].expression[0], path);
    }
    assert.equal((await as['sykepleier.haukeland'].post('/fhir/Subscription', sub)).status, 403, 'no relation to that patient');
    const t0 = Date.now();
    assert.equal((await vitals(as['sykepleier.kad'], pid, { ...normal, rr: '26', spo2: '91', pulse: '125' })).status, 201);
    assert.equal(count(`SELECT COUNT(*) FROM notification WHERE subscription_id = ${id}`), 1, 'stored with the alert');
    r = await as.admin.post('/api/monitor/tick', { at: iso(t0 + 1000) });
    assert.equal(r.json.failed, 1, 'the receiver is down');
    r = await as.admin.post('/api/monitor/tick', { at: iso(t0 + 3000) });
    assert.equal(r.json.failed + r.json.sent, 0, 'backing off');
    for (const later of [10e3, 30e3, 3600e3, 3 * 3600e3]) {
      r = await as.admin.post('/api/monitor/tick', { at: iso(t0 + later) });
      assert.ok(r.json.failed >= 1, `still retrying after ${later / 1000} s`);
    }
    // Meanwhile the pass noticed the hourly measurement was missed: a second alert, also waiting.
    const high = q(`SELECT id FROM alert WHERE patient_id = ${pid} AND kind = 'news2-high'`);
    assert.equal(q(`SELECT status || ' ' || attempts FROM notification WHERE alert_id = ${high}`), 'pending 5',
      'hours later, not given up');
    up = true;
    r = await as.admin.post('/api/monitor/tick', { at: iso(t0 + 4 * 3600e3) });
    assert.equal(r.json.sent, count(`SELECT COUNT(*) FROM notification WHERE subscription_id = ${id}`), 'all delivered');
    const delivered = got.filter((g) => g.up).map((g) => ({ ...g, flag: JSON.parse(g.body) }));
    const flag = delivered.find((g) => g.flag.code.coding[0].code === 'news2-high').flag;
    assert.ok(delivered.every((g) => g.auth === 'Bearer hemmelig'));
    assert.equal(flag.resourceType, 'Flag');
    assert.equal(flag.subject.reference, `Patient/${pid}`);
    assert.equal(flag.id, high);
    r = await as.admin.post('/api/monitor/tick', { at: iso(t0 + 5 * 3600e3) });
    assert.equal(r.json.sent, 0, 'delivered once');
    // After an outage on their side: replay from a point in time.
    r = await as['sykepleier.kad'].post(`/fhir/Subscription/${id}/$replay?since=${encodeURIComponent(iso(t0 - 60e3))}`);
    assert.equal(r.status, 200, r.text);
    const before = got.length;
    r = await as.admin.post('/api/monitor/tick', { at: iso(Date.now() + 1000) });
    assert.ok(r.json.sent >= 1, 'sent again');
    assert.ok(got.slice(before).some((g) => JSON.parse(g.body).id === high));
    r = await as['sykepleier.kad'].get(`/fhir/Subscription/${id}`);
    assert.equal(r.status, 200);
    assert.equal(r.json.extension.find((e) => e.url.endsWith('notifications-waiting')).valueInteger, 0);
  } finally {
    receiver.close();
  }
});

test('killed with SIGKILL mid-stream: every acknowledged observation and its alerts are there after restart', async () => {
  const d2 = newDatabase('crash');
  seedDemo(d2);
  let s2 = await startServer(d2);
  const c = new Client(s2.base);
  await c.login('sykepleier.kad');
  const patients = d2.query(`SELECT s.patient_id FROM stay s JOIN org o ON o.id = s.unit_id WHERE o.unit_type = 'kad'
    AND s.end_at IS NULL ORDER BY s.patient_id`).split('\n');
  const acked = [];
  const highs = new Set();
  let stop = false;
  const worker = async (w) => {
    for (let i = 0; !stop; i++) {
      const pid = patients[(w + i) % patients.length];
      const bad = i % 3 === 0;
      try {
        const r = await c.post(`/api/patients/${pid}/vitals`, { values: bad ? { ...normal, rr: '28', spo2: '90', pulse: '125' } : normal });
        if (r.status === 201) {
          acked.push(...r.json.ids);
          if (bad) highs.add(pid);
        }
      } catch { return; } // the server is gone
    }
  };
  const workers = [0, 1, 2, 3].map(worker);
  await new Promise((res) => setTimeout(res, 1500));
  await s2.stop('SIGKILL');
  stop = true;
  await Promise.all(workers);
  assert.ok(acked.length > 50, `a stream of observations was answered (${acked.length})`);
  s2 = await startServer(d2);
  try {
    const stored = new Set(d2.query('SELECT id FROM observation').split('\n'));
    const lost = acked.filter((id) => !stored.has(id));
    assert.deepEqual(lost, [], 'no acknowledged observation is lost');
    for (const pid of highs) {
      assert.ok(Number(d2.query(`SELECT COUNT(*) FROM alert WHERE patient_id = ${pid} AND kind = 'news2-high'`)) >= 1,
        'the alert raised with them is there too');
    }
  } finally {
    await s2.stop();
  }
});

test('killed while sending a notification: the claim runs out and it is delivered after restart', async () => {
  const d3 = newDatabase('crashsend');
  seedDemo(d3);
  const args = ['--test-clock', '--notify-interval', '86400'];
  let s3 = await startServer(d3, args);
  const got = [];
  const receiver = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      got.push(Date.now());
      if (got.length > 1) res.writeHead(200).end(); // the first request hangs: the sender dies waiting
    });
  });
  await new Promise((r) => receiver.listen(0, '127.0.0.1', r));
  try {
    const nurse = new Client(s3.base);
    await nurse.login('sykepleier.kad');
    const admin = new Client(s3.base);
    await admin.login('admin');
    const pid = d3.query(`SELECT s.patient_id FROM stay s JOIN org o ON o.id = s.unit_id WHERE o.unit_type = 'kad'
      AND s.end_at IS NULL ORDER BY s.patient_id LIMIT 1`);
    let r = await nurse.post('/fhir/Subscription', { resourceType: 'Subscription', status: 'requested', reason: 'Varsler',
      criteria: `Flag?category=clinical&patient=Patient/${pid}`,
      channel: { type: 'rest-hook', endpoint: `http://127.0.0.1:${receiver.address().port}/hook`, payload: 'application/fhir+json' } });
    assert.equal(r.status, 201, r.text);
    const t0 = Date.now();
    assert.equal((await vitals(nurse, pid, { ...normal, rr: '26', spo2: '91', pulse: '125' })).status, 201);
    const note = d3.query(`SELECT id FROM notification WHERE subscription_id = ${r.json.id}`);
    assert.ok(note, 'a notification waits');
    const tick = admin.post('/api/monitor/tick', { at: iso(t0 + 1000) }).catch(() => null);
    while (got.length === 0) await new Promise((res) => setTimeout(res, 20));
    await s3.stop('SIGKILL');
    await tick;
    assert.equal(d3.query(`SELECT status FROM notification WHERE id = ${note}`), 'sending', 'claimed when the sender died');
    s3 = await startServer(d3, args);
    const admin2 = new Client(s3.base);
    await admin2.login('admin');
    r = await admin2.post('/api/monitor/tick', { at: iso(t0 + 30e3) });
    assert.equal(r.status, 200, r.text);
    assert.equal(d3.query(`SELECT status FROM notification WHERE id = ${note}`), 'sending', 'the claim holds for its lease');
    assert.equal(got.length, 1);
    r = await admin2.post('/api/monitor/tick', { at: iso(t0 + 62e3) });
    assert.ok(r.json.sent >= 1, 'sent once the lease ran out');
    assert.equal(d3.query(`SELECT status FROM notification WHERE id = ${note}`), 'delivered');
    assert.equal(got.length, 2, 'delivered at least once: the receiver saw it twice');
  } finally {
    receiver.closeAllConnections();
    receiver.close();
    await s3.stop();
  }
});
