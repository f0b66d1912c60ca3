// Discharge-ready patients between a hospital ward and the municipality, over
// real HTTP on either backend: the messages, the answers, the days paid, the
// statement, and the municipality's relation through an open notice.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { newDatabase, seedDemo, startServer, Client, cli } from '../lib/server.mjs';

let db;
let srv;
let ward;
let nurse;
let alloc;
const q = (sql) => db.query(sql);
// Today's date in Norway, as the server counts days.
const today = () => new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Oslo' }).format(new Date());

before(async () => {
  db = newDatabase('discharge');
  seedDemo(db);
  srv = await startServer(db);
  ward = q("SELECT id FROM org WHERE name = 'Medisinsk avdeling'");
  nurse = new Client(srv.base);
  await nurse.login('sykepleier.haukeland');
  alloc = new Client(srv.base);
  await alloc.login('tildeling.alver');
});

after(async () => {
  await srv?.stop();
});

// A patient resident in Alver, admitted to the medical ward now, without a
// case (earlier stays, which the demo's history gives most, do not matter).
async function admittedPatient(skip) {
  const pid = q(`SELECT p.id FROM patient p JOIN org m ON m.id = p.municipality_id WHERE m.kommunenummer = '4631'
    AND NOT EXISTS (SELECT 1 FROM stay s WHERE s.patient_id = p.id AND s.end_at IS NULL)
    AND NOT EXISTS (SELECT 1 FROM discharge_case c WHERE c.patient_id = p.id) ORDER BY p.id DESC LIMIT 1 OFFSET ${skip}`);
  const bed = q(`SELECT MIN(number) FROM bed WHERE unit_id = ${ward} AND state = 'free'`);
  const r = await nurse.post('/api/stays', { patientId: pid, unitId: ward, bed: Number(bed), source: 'legevakt' });
  assert.equal(r.status, 201, JSON.stringify(r.json));
  return pid;
}

test('the message flow: admitted, ready, cannot yet, receive, discharged; days and NOK follow', async () => {
  const pid = await admittedPatient(0);
  let r = await nurse.post('/api/discharge-ready', { patientId: pid });
  assert.equal(r.status, 201, JSON.stringify(r.json));
  const id = r.json.id;
  r = await nurse.get(`/api/discharge-ready/${id}`);
  assert.equal(r.json.status, 'admitted');
  assert.equal(r.json.paidDays, 0);
  r = await alloc.post(`/api/discharge-ready/${id}/messages`, { kind: 'receive', day: today(), place: 'Korttid' });
  assert.equal(r.status, 409, 'no answer before the patient is ready');
  r = await nurse.post(`/api/discharge-ready/${id}/messages`, { kind: 'ready' });
  assert.equal(r.status, 201);
  assert.equal(r.json.status, 'ready');
  assert.equal(r.json.paidDays, 1, 'the notice day counts');
  assert.ok(r.json.amountNok >= 5745, 'at least the 2024 rate');
  r = await alloc.post(`/api/discharge-ready/${id}/messages`, { kind: 'cannot', day: '2099-01-01' });
  assert.equal(r.status, 201);
  assert.equal(r.json.status, 'ready');
  r = await alloc.post(`/api/discharge-ready/${id}/messages`, { kind: 'receive', day: today(), place: 'Korttidsavdeling Alver' });
  assert.equal(r.status, 201);
  assert.equal(r.json.status, 'offered');
  assert.equal(r.json.paidDays, 0, 'received the same day: nothing to pay');
  r = await nurse.post(`/api/discharge-ready/${id}/messages`, { kind: 'discharged' });
  assert.equal(r.status, 201);
  assert.equal(r.json.status, 'closed');
  assert.deepEqual(r.json.timeline.map((e) => e.kind), ['admitted', 'ready', 'cannot', 'receive', 'discharged']);
  assert.equal((await nurse.post(`/api/discharge-ready/${id}/messages`, { kind: 'ready' })).status, 409, 'closed');
});

test('bad messages are refused with the field named; the wrong side may not send them', async () => {
  const pid = await admittedPatient(1);
  const id = (await nurse.post('/api/discharge-ready', { patientId: pid })).json.id;
  const before = q(`SELECT COUNT(*) FROM discharge_event WHERE case_id = ${id}`);
  for (const [who, body, status, field] of [
    [nurse, { kind: 'lunch' }, 400, 'kind'],
    [nurse, { kind: 'admitted' }, 400, 'kind'],
    [alloc, { kind: 'receive', place: 'Korttid' }, 400, 'day'],
    [alloc, { kind: 'receive', day: '2026-02-30', place: 'Korttid' }, 400, 'day'],
    [alloc, { kind: 'receive', day: today() }, 400, 'place'],
  ]) {
    const r = await who.post(`/api/discharge-ready/${id}/messages`, body);
    assert.equal(r.status, status, JSON.stringify(body));
    assert.equal(r.json.error.field, field, JSON.stringify(body));
  }
  assert.equal((await alloc.post(`/api/discharge-ready/${id}/messages`, { kind: 'ready' })).status, 403, 'the hospital declares');
  await nurse.post(`/api/discharge-ready/${id}/messages`, { kind: 'ready' });
  assert.equal((await nurse.post(`/api/discharge-ready/${id}/messages`, { kind: 'receive', day: today(), place: 'x y' })).status, 403,
    'the municipality answers');
  const other = new Client(srv.base);
  await other.login('sykepleier.kad'); // municipal, but a unit: its municipality is Alver too
  const osteroy = q("SELECT id FROM org WHERE kommunenummer = '4630'");
  assert.equal(cli(['user', 'add', '--db', db.url, '--username', 'tildeling.osteroy', '--name', 'T O',
    '--role', 'allocation-office', '--org', osteroy], 'et-godt-passord\n').status, 0);
  const os = new Client(srv.base);
  await os.login('tildeling.osteroy', 'et-godt-passord');
  assert.equal((await os.get(`/api/discharge-ready/${id}`)).status, 403, 'another municipality');
  assert.equal((await os.post(`/api/discharge-ready/${id}/messages`, { kind: 'cannot' })).status, 403);
  assert.equal(q(`SELECT COUNT(*) FROM discharge_event WHERE case_id = ${id}`), String(Number(before) + 1), 'only the ready message');
  assert.equal((await nurse.post('/api/discharge-ready', { patientId: pid })).status, 409, 'one open case per patient');
  const notAdmitted = q(`SELECT p.id FROM patient p WHERE NOT EXISTS (SELECT 1 FROM stay s WHERE s.patient_id = p.id) LIMIT 1`);
  assert.equal((await nurse.post('/api/discharge-ready', { patientId: notAdmitted })).status, 409);
  assert.equal((await nurse.post('/api/discharge-ready', { patientId: 'x' })).status, 400);
  assert.equal((await alloc.post('/api/discharge-ready', { patientId: pid })).status, 403);
});

test('a notice to the municipality where the patient stays gives it a relation while open', async () => {
  // An Osterøy resident in the medical ward, notified to Alver (where the patient stays).
  const pid = q(`SELECT p.id FROM patient p JOIN org m ON m.id = p.municipality_id WHERE m.kommunenummer = '4630'
    AND NOT EXISTS (SELECT 1 FROM stay s WHERE s.patient_id = p.id) LIMIT 1`);
  const bed = q(`SELECT MIN(number) FROM bed WHERE unit_id = ${ward} AND state = 'free'`);
  assert.equal((await nurse.post('/api/stays', { patientId: pid, unitId: ward, bed: Number(bed), source: 'home' })).status, 201);
  assert.equal((await alloc.get(`/api/patients/${pid}`)).status, 403, 'no relation yet');
  const id = (await nurse.post('/api/discharge-ready', { patientId: pid, municipality: '4631' })).json.id;
  const p = await alloc.get(`/api/patients/${pid}`);
  assert.equal(p.status, 200);
  assert.equal(p.json.relation, 'discharge-notice');
  await nurse.post(`/api/discharge-ready/${id}/messages`, { kind: 'ready' });
  await nurse.post(`/api/discharge-ready/${id}/messages`, { kind: 'cancelled' });
  assert.equal((await alloc.get(`/api/patients/${pid}`)).status, 403, 'closed: the relation ends');
});

test('lists for each side with accrued days, and the monthly statement as JSON and CSV', async () => {
  const list = await alloc.get('/api/discharge-ready');
  assert.equal(list.status, 200);
  assert.equal(list.json.side, 'municipality');
  assert.ok(list.json.cases.length >= 3);
  const sum = list.json.cases.reduce((s, c) => s + c.paidDays, 0);
  assert.equal(list.json.totals.paidDays, sum);
  const unanswered = list.json.cases.filter((c) => c.status === 'ready' && c.paidDays > 0);
  assert.ok(unanswered.length >= 1, 'the demo has patients the municipality is paying for');
  const hosp = await nurse.get('/api/discharge-ready');
  assert.equal(hosp.json.side, 'hospital');
  const month = today().slice(0, 7);
  const st = await alloc.get(`/api/discharge-ready/statement?municipality=4631&month=${month}`);
  assert.equal(st.status, 200);
  const lines = st.json.lines;
  assert.equal(st.json.totals.days, lines.reduce((s, l) => s + l.days, 0));
  assert.equal(st.json.totals.amountNok, lines.reduce((s, l) => s + l.amountNok, 0), 'the sums balance');
  for (const l of lines) assert.ok(l.from.startsWith(month) && l.to.startsWith(month));
  const csv = await alloc.request('GET', `/api/discharge-ready/statement?municipality=4631&month=${month}&format=csv`);
  assert.equal(csv.status, 200);
  assert.match(csv.headers.get('content-type'), /text\/csv/);
  const rows = csv.text.trim().split('\r\n');
  assert.equal(rows[0], 'sak;pasient;fødselsdato;avdeling;fra;til;døgn;beløp_nok');
  assert.equal(rows.length, lines.length + 2);
  assert.equal(rows.at(-1), `sum;;;;;;${st.json.totals.days};${st.json.totals.amountNok}`);
  for (const [query, field] of [['municipality=4631&month=2026-13', 'month'], ['municipality=9999&month=2026-11', 'municipality'],
    ['municipality=4631&month=2026-11&format=xml', 'format']]) {
    const bad = await alloc.get(`/api/discharge-ready/statement?${query}`);
    assert.equal(bad.status, 400, query);
    assert.equal(bad.json.error.field, field);
  }
  const os = new Client(srv.base);
  await os.login('tildeling.osteroy', 'et-godt-passord');
  assert.equal((await os.get(`/api/discharge-ready/statement?municipality=4631&month=${month}`)).status, 403);
  // The demo holds a month of flow: closed cases paid late show in this or last month's statement.
  const [y, m] = month.split('-').map(Number);
  const prev = m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
  let closedDays = 0;
  for (const mo of [prev, month]) {
    const r = await alloc.get(`/api/discharge-ready/statement?municipality=4631&month=${mo}`);
    closedDays += r.json.lines.filter((l) => q(`SELECT status FROM discharge_case WHERE id = ${l.caseId}`) === 'closed')
      .reduce((a, l) => a + l.days, 0);
  }
  assert.ok(closedDays > 0, 'last month\'s late answers are paid for');
});

// The payment-day rule over HTTP: messages registered with the time they were sent.
const cases = [
  {
    name: 'declared and answered the same day',
    msgs: [['hospital', { kind: 'ready', at: '2024-02-10T09:00+01:00' }],
      ['municipality', { kind: 'receive', day: '2024-02-10', place: 'Korttid', at: '2024-02-10T14:00+01:00' }],
      ['hospital', { kind: 'discharged', at: '2024-02-10T16:00+01:00' }]],
    days: 0, nok: 0,
  },
  {
    name: 'a year boundary with two rates',
    msgs: [['hospital', { kind: 'ready', at: '2023-12-30T13:00+01:00' }],
      ['municipality', { kind: 'receive', day: '2024-01-03', place: 'Korttid', at: '2023-12-31T09:00+01:00' }],
      ['hospital', { kind: 'discharged', at: '2024-01-03T10:00+01:00' }]],
    days: 4, nok: 2 * 5508 + 2 * 5745, statements: { '2023-12': 2 * 5508, '2024-01': 2 * 5745 },
  },
  {
    name: 'notified the night summer time starts',
    msgs: [['hospital', { kind: 'ready', at: '2024-03-31T00:30+01:00' }],
      ['municipality', { kind: 'receive', day: '2024-04-02', place: 'Korttid', at: '2024-03-31T10:00+02:00' }],
      ['hospital', { kind: 'discharged', at: '2024-04-02T12:00+02:00' }]],
    days: 2, nok: 2 * 5745,
  },
  {
    name: 'the answer revised: the latest counts',
    msgs: [['hospital', { kind: 'ready', at: '2024-05-02T08:00+02:00' }],
      ['municipality', { kind: 'receive', day: '2024-05-04', place: 'Korttid', at: '2024-05-02T12:00+02:00' }],
      ['municipality', { kind: 'cannot', day: '2024-05-09', at: '2024-05-03T12:00+02:00' }],
      ['municipality', { kind: 'receive', day: '2024-05-08', place: 'Korttid', at: '2024-05-06T12:00+02:00' }],
      ['hospital', { kind: 'discharged', at: '2024-05-08T12:00+02:00' }]],
    days: 6, nok: 6 * 5745,
  },
  {
    name: 'readmitted for a new illness',
    msgs: [['hospital', { kind: 'ready', at: '2024-06-01T10:00+02:00' }],
      ['hospital', { kind: 'readmitted', at: '2024-06-04T03:00+02:00' }]],
    days: 3, nok: 3 * 5745,
  },
];

test('the payment-day rule over HTTP: same day, year boundary, DST night, revised answer, readmission', async () => {
  let skip = 10;
  for (const c of cases) {
    const pid = await admittedPatient(skip++);
    // The admission notice a day before the first message.
    const admittedAt = new Date(Date.parse(c.msgs[0][1].at) - 86400e3).toISOString();
    const opened = await nurse.post('/api/discharge-ready', { patientId: pid, at: admittedAt });
    assert.equal(opened.status, 201, `${c.name}: ${JSON.stringify(opened.json)}`);
    let last;
    for (const [side, body] of c.msgs) {
      last = await (side === 'hospital' ? nurse : alloc).post(`/api/discharge-ready/${opened.json.id}/messages`, body);
      assert.equal(last.status, 201, `${c.name}: ${body.kind} ${JSON.stringify(last.json)}`);
    }
    assert.equal(last.json.paidDays, c.days, c.name);
    assert.equal(last.json.amountNok, c.nok, c.name);
    assert.equal(last.json.provisionalRate, false, `${c.name}: rates of known years`);
    for (const [month, nok] of Object.entries(c.statements || {})) {
      const st = await alloc.get(`/api/discharge-ready/statement?municipality=4631&month=${month}`);
      const line = st.json.lines.find((l) => l.caseId === opened.json.id);
      assert.equal(line.amountNok, nok, `${c.name}: ${month}`);
    }
  }
});

test('a message time in the future or before the previous message is refused', async () => {
  const pid = await admittedPatient(20);
  const id = (await nurse.post('/api/discharge-ready', { patientId: pid, at: '2024-09-01T08:00+02:00' })).json.id;
  let r = await nurse.post(`/api/discharge-ready/${id}/messages`, { kind: 'ready', at: '2099-01-01T00:00Z' });
  assert.equal(r.status, 400);
  assert.equal(r.json.error.field, 'at');
  r = await nurse.post(`/api/discharge-ready/${id}/messages`, { kind: 'ready', at: '2024-08-31T08:00+02:00' });
  assert.equal(r.status, 409);
  assert.equal(r.json.error.field, 'at');
  r = await nurse.post(`/api/discharge-ready/${id}/messages`, { kind: 'ready', at: 'i går' });
  assert.equal(r.status, 400);
  assert.equal(q(`SELECT COUNT(*) FROM discharge_event WHERE case_id = ${id}`), '1', 'nothing added');
});
