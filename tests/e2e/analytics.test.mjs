// Indicators over real HTTP on either backend, from a small hand-built data
// set whose right answers are written below; suppression in JSON, CSV and the
// public view; a new stay shows within seconds; bad input changes nothing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { newDatabase, startServer, Client, cli, PASSWORD } from '../lib/server.mjs';

let db;
let srv;
let analyst;
let nurse;

// Microseconds of a Norwegian wall-clock time in winter (UTC+1).
const winter = (y, m, d, h = 0) => (Date.UTC(y, m - 1, d, h - 1)) * 1000;

function fixture() {
  const rows = [
    "INSERT INTO org (id, type, name, name_lc, updated_at) VALUES (1, 'helsefellesskap', 'Testfellesskapet', 'testfellesskapet', 0)",
    "INSERT INTO org (id, type, name, name_lc, parent_id, kommunenummer, updated_at) VALUES (10, 'municipality', 'Aby', 'aby', 1, '9901', 0)",
    "INSERT INTO org (id, type, name, name_lc, parent_id, kommunenummer, updated_at) VALUES (11, 'municipality', 'Bby', 'bby', 1, '9902', 0)",
    "INSERT INTO org (id, type, name, name_lc, parent_id, updated_at) VALUES (20, 'hospital', 'Testsykehuset', 'testsykehuset', 1, 0)",
    "INSERT INTO org (id, type, unit_type, name, name_lc, parent_id, beds, updated_at) VALUES (21, 'unit', 'hospital-ward', 'Medisinsk', 'medisinsk', 20, 10, 0)",
    "INSERT INTO org (id, type, unit_type, name, name_lc, parent_id, beds, site, updated_at) VALUES (22, 'unit', 'kad', 'KAD Aby', 'kad aby', 10, 6, 'Aby', 0)",
    "INSERT INTO bed (unit_id, number, state, version, updated_at) VALUES (22, 1, 'free', 1, 0), (22, 2, 'free', 1, 0), (22, 3, 'free', 1, 0), (22, 4, 'free', 1, 0), (22, 5, 'free', 1, 0), (22, 6, 'free', 1, 0)",
    "INSERT INTO population (municipality_id, year, sex, age_band, count) VALUES (10, 2025, 'female', '18-49', 6000), (10, 2025, 'female', '80-89', 1000), (11, 2025, 'male', '18-49', 3500)",
  ];
  for (let i = 1; i <= 7; i++) {
    const born = i <= 5 ? '1940-05-05' : '1970-05-05';
    const muni = i <= 6 ? 10 : 11;
    rows.push(`INSERT INTO patient (id, nid, nid_kind, family, given, family_lc, given_lc, birth_date, sex, municipality_id, version, updated_at, resource)
      VALUES (${100 + i}, '0000000000${i}', 'fnr', 'Test', 'P${i}', 'test', 'p${i}', '${born}', 'female', ${muni}, 1, 0, '{}')`);
  }
  // KAD in Aby: one stay from 30 January over the month end, four in
  // February; lengths 3, 2, 4, 1 and 2 days; four home.
  const kad = [[101, [1, 30, 12], [2, 2, 12], 'home'], [102, [2, 1, 0], [2, 3, 0], 'home'],
    [103, [2, 5, 0], [2, 9, 0], 'nursing-home'], [104, [2, 10, 0], [2, 11, 0], 'home'],
    [105, [2, 12, 0], [2, 14, 0], 'home-care']];
  kad.forEach(([p, s, e, to], i) => rows.push(`INSERT INTO stay (id, patient_id, unit_id, start_at, end_at, version, source, discharge_to)
    VALUES (${500 + i}, ${p}, 22, ${winter(2025, s[0], s[1], s[2])}, ${winter(2025, e[0], e[1], e[2])}, 2, 'legevakt', '${to}')`));
  // Bby: one KAD stay in 2024 (one patient: hidden everywhere).
  rows.push(`INSERT INTO stay (id, patient_id, unit_id, start_at, end_at, version, source, discharge_to)
    VALUES (510, 107, 22, ${winter(2024, 3, 10)}, ${winter(2024, 3, 12)}, 2, 'gp', 'home')`);
  // Discharge-ready in March: five patients, each ready 10 March 08:00,
  // answered at 14:00 ("cannot yet"), received 12 March: 2 paid days each.
  for (let i = 1; i <= 5; i++) {
    const c = 600 + i;
    rows.push(`INSERT INTO discharge_case (id, patient_id, unit_id, municipality_id, status, version, created_at) VALUES (${c}, ${100 + i}, 21, 10, 'closed', 1, 0)`,
      `INSERT INTO discharge_event (id, case_id, kind, at, day) VALUES (${c * 10 + 1}, ${c}, 'ready', ${winter(2025, 3, 10, 8)}, NULL),
        (${c * 10 + 2}, ${c}, 'cannot', ${winter(2025, 3, 10, 14)}, NULL),
        (${c * 10 + 3}, ${c}, 'receive', ${winter(2025, 3, 11, 9)}, '2025-03-12'),
        (${c * 10 + 4}, ${c}, 'discharged', ${winter(2025, 3, 12, 11)}, NULL)`);
  }
  db.query(rows.join(';\n') + ';');
}

before(async () => {
  db = newDatabase('analytics');
  assert.equal(cli(['migrate', '--db', db.url]).status, 0);
  fixture();
  for (const [user, role, org] of [['sekretariat', 'analyst', 1], ['kad', 'municipal-clinician', 22], ['pas', 'patient', 10],
    ['lege', 'gp', 10], ['medisin', 'hospital-clinician', 21], ['drift', 'admin', 1]]) {
    const r = cli(['user', 'add', '--db', db.url, '--username', user, '--name', user, '--role', role, '--org', String(org),
      ...(role === 'patient' ? ['--patient', '106'] : [])], `${PASSWORD}\n`);
    assert.equal(r.status, 0, r.stderr);
  }
  srv = await startServer(db, ['--analytics-interval', '1']);
  analyst = new Client(srv.base);
  assert.equal((await analyst.login('sekretariat')).status, 200);
  nurse = new Client(srv.base);
  assert.equal((await nurse.login('kad')).status, 200);
});

after(async () => {
  await srv?.stop();
});

// The value object of one indicator for a municipality (or 'helsefellesskap').
async function cell(client, query, who, code, i = 0) {
  const r = await client.get(`/api/indicators?${query}`);
  assert.equal(r.status, 200, JSON.stringify(r.json));
  const row = r.json.rows.find((x) => x.entity.kommunenummer === who || x.entity.kind === who);
  assert.ok(row, `${who} in ${query}`);
  return row.values[i][code];
}

test('KAD: length of stay, share home, occupancy, beds per 7,000, against the norms', async () => {
  assert.deepEqual(await cell(analyst, 'period=2025-Q1', '9901', 'kad_los'), { value: 2.4, status: 'green' });
  assert.deepEqual(await cell(analyst, 'period=2025-Q1', '9901', 'kad_home_share'), { value: 80, status: 'green' });
  // 12 bed-days of 6 beds over 90 days.
  assert.deepEqual(await cell(analyst, 'period=2025-Q1', '9901', 'kad_occupancy'), { value: 2.2 });
  // Five admissions aged 80+ per 1,000 inhabitants aged 80+.
  assert.deepEqual(await cell(analyst, 'period=2025-Q1', '9901', 'kad_adm80_per_1000'), { value: 5 });
  assert.deepEqual(await cell(analyst, 'period=2025', '9901', 'kad_beds_per_7000'), { value: 6, status: 'green' });
  assert.deepEqual(await cell(analyst, 'period=2025', '9902', 'kad_beds_per_7000'), { value: 0, status: 'red' });
  assert.deepEqual(await cell(analyst, 'period=2025', 'helsefellesskap', 'kad_beds_per_7000'), { value: 4, status: 'green' });
});

test('an empty period has no value and hides nothing; a stay across the month end splits', async () => {
  assert.deepEqual(await cell(analyst, 'period=2025-03', '9901', 'kad_los'), { value: null });
  assert.deepEqual(await cell(analyst, 'period=2025-03', '9901', 'kad_occupancy'), { value: 0 });
  assert.deepEqual(await cell(analyst, 'period=2023', '9901', 'dr_nok'), { value: 0 });
  // January holds 1.5 of the crossing stay's 3 days, but it is one patient:
  // hidden, and so is February, which Q1 minus March would otherwise give.
  assert.deepEqual(await cell(analyst, 'period=2025-01', '9901', 'kad_occupancy'), { suppressed: true, display: '<5' });
  assert.deepEqual(await cell(analyst, 'period=2025-02', '9901', 'kad_los'), { suppressed: true, display: '<5' });
  const trend = await analyst.get('/api/indicators?municipality=9901&from=2025-01&to=2025-03&indicator=kad_occupancy');
  assert.deepEqual(trend.json.periods, ['2025-01', '2025-02', '2025-03']);
  assert.deepEqual(trend.json.rows[0].values.map((v) => v.kad_occupancy.display ?? v.kad_occupancy.value), ['<5', '<5', 0]);
  // Bby's one patient in 2024, and the helsefellesskap that equals it.
  assert.equal((await cell(analyst, 'period=2024', '9902', 'kad_los')).display, '<5');
  assert.equal((await cell(analyst, 'period=2024', 'helsefellesskap', 'kad_los')).display, '<5');
});

test('discharge-ready days, NOK and answer time', async () => {
  // 5 patients x 2 days = 10 days; 2025 has no rate yet: 2024's NOK 5,745.
  assert.deepEqual(await cell(analyst, 'period=2025-03', '9901', 'dr_nok'), { value: 57450 });
  assert.deepEqual(await cell(analyst, 'period=2025-03', '9901', 'dr_days_per_1000'), { value: 1.4 });
  assert.deepEqual(await cell(analyst, 'period=2025-03', '9901', 'dr_days_per_1000_67'), { value: 10 });
  assert.deepEqual(await cell(analyst, 'period=2025-03', '9901', 'dr_answer_days'), { value: 0.3, status: 'green' });
});

test('CSV and the public view carry the same suppression', async () => {
  const csv = await fetch(`${srv.base}/api/public/indicators?municipality=9901&from=2025-01&to=2025-03&indicator=kad_los,kad_occupancy&format=csv`);
  assert.equal(csv.status, 200);
  assert.match(csv.headers.get('content-type'), /^text\/csv/);
  const lines = (await csv.text()).replace(/^\uFEFF/, '').trim().split('\r\n');
  assert.deepEqual(lines, [
    'Kommunenummer;Navn;Periode;"Gjennomsnittlig liggetid i KAD (døgn)";"Belegg i KAD (%)"',
    '9901;"Aby";2025-01;<5;<5',
    '9901;"Aby";2025-02;<5;<5',
    '9901;"Aby";2025-03;;0,0',
  ]);
  const pub = await (await fetch(`${srv.base}/api/public/indicators?period=2025-Q1`)).json();
  const priv = (await analyst.get('/api/indicators?period=2025-Q1')).json;
  assert.deepEqual(pub.rows, priv.rows, 'the public sees what the secretariat sees');
  assert.equal(pub.public, true);
});

test('who may see what, and bad input answered with the field', async () => {
  assert.equal((await fetch(`${srv.base}/api/indicators`)).status, 401);
  const patient = new Client(srv.base);
  await patient.login('pas');
  assert.equal((await patient.get('/api/indicators')).status, 403);
  const bad = [
    ['period=2025-13', 'period'], ['period=2025-Q5', 'period'], ['from=2025-01', 'to'],
    ['from=2025-03&to=2025-01', 'to'], ['from=2025-01&to=2025-Q1', 'to'], ['period=2025&from=2025', 'period'],
    ['indicator=kad_los,nope', 'indicator'], ['municipality=0000', 'municipality'], ['format=xml', 'format'],
    ['fellesskap=abc', 'fellesskap'],
  ];
  for (const [q, field] of bad) {
    const r = await analyst.get(`/api/indicators?${q}`);
    assert.equal(r.status, 400, q);
    assert.equal(r.json.error.field, field, q);
    assert.ok(r.json.error.message.length > 10, q);
  }
  const pub = await fetch(`${srv.base}/api/public/indicators?period=20x5`);
  assert.equal(pub.status, 400);
});

test('a new stay shows in the indicators within seconds, without a restart', async () => {
  const month = new Date().toISOString().slice(0, 7);
  const now = () => cell(analyst, `period=${month}&municipality=9901`, '9901', 'kad_adm80_per_1000');
  assert.deepEqual(await now(), { value: 0 });
  const admit = async (patient, bed) => {
    const r = await nurse.post('/api/stays', { patientId: String(patient), unitId: '22', bed, source: 'legevakt' });
    assert.equal(r.status, 201, JSON.stringify(r.json));
  };
  const waitFor = async (pred, what) => {
    for (let i = 0; i < 50; i++) {
      const v = await now();
      if (pred(v)) return v;
      await new Promise((res) => setTimeout(res, 200));
    }
    assert.fail(`not within 10 s: ${what}`);
  };
  await admit(101, 1);
  await waitFor((v) => v.suppressed === true, 'one admission: shown as <5');
  for (let i = 2; i <= 5; i++) await admit(100 + i, i);
  const v = await waitFor((x) => x.value === 5, 'five admissions aged 80+ per 1,000 aged 80+');
  assert.equal(v.value, 5);
  // Vital signs of the five, as the KAD nurse registers them: five patient-months.
  const followed = () => cell(analyst, `period=${month}&municipality=9901`, '9901', 'mon_patient_months');
  assert.deepEqual(await followed(), { value: 0 });
  const normal = { rr: '16', spo2: '97', oxygen: '0', sbp: '125', pulse: '72', acvpu: 'A', temperature: '37.0' };
  for (let i = 1; i <= 5; i++) {
    const r = await nurse.post(`/api/patients/${100 + i}/vitals`, { values: normal });
    assert.equal(r.status, 201, JSON.stringify(r.json));
  }
  for (let i = 0; i < 50 && (await followed()).value !== 5; i++) await new Promise((res) => setTimeout(res, 200));
  assert.deepEqual(await followed(), { value: 5 }, 'new vital signs within seconds');
});

test('projections: today\'s use per age band times the projected population', async () => {
  const now = new Date();
  const y = now.getFullYear();
  // Five patients aged 80-89 with 10 days each in KAD, two months before
  // this month: 50 bed-days for 1,000 inhabitants aged 80-89 this year.
  const start = Date.UTC(y, now.getMonth() - 2, 3, 12) * 1000;
  const day = 86400 * 1000000;
  // Imported history, as an import writes it: each stay with its change
  // record, which is how the engine hears of it.
  const rows = [];
  const seq = (BigInt(Date.now() - 1704067200000) << 22n) + 1000n;
  for (let i = 1; i <= 5; i++) {
    rows.push(`INSERT INTO stay (id, patient_id, unit_id, start_at, end_at, version, source, discharge_to)
      VALUES (${700 + i}, ${100 + i}, 22, ${start}, ${start + 10 * day}, 2, 'gp', 'home')`,
    `INSERT INTO change_log (seq, rtype, rid, version, at, action, resource)
      VALUES (${seq + BigInt(i)}, 'Encounter', ${700 + i}, 2, ${Date.now() * 1000}, 'create', '{}')`);
  }
  rows.push(`INSERT INTO population (municipality_id, year, sex, age_band, count) VALUES
    (10, ${y}, 'female', '80-89', 1000), (10, ${y}, 'female', '18-49', 6000),
    (10, ${y + 4}, 'female', '80-89', 1200), (10, ${y + 4}, 'female', '18-49', 6000)`);
  db.query(rows.join(';\n') + ';');
  let r;
  for (let i = 0; i < 50; i++) { // the engine's next refresh brings them
    r = await analyst.get(`/api/projections?municipality=9901&to=${y + 4}&occupancy=100`);
    assert.equal(r.status, 200, JSON.stringify(r.json));
    if (r.json.rows[0].series[0].kad.bedDays === 50) break;
    await new Promise((res) => setTimeout(res, 200));
  }
  const series = r.json.rows[0].series;
  assert.deepEqual(series.map((s) => s.year), [y, y + 1, y + 2, y + 3, y + 4]);
  assert.deepEqual(series[0].kad, { bedDays: 50, beds: 0.1 });
  // Years without figures hold the latest earlier ones; the last has 1,200.
  assert.equal(series[1].kad.bedDays, 50);
  assert.deepEqual(series[4].kad, { bedDays: 60, beds: 0.2 });
  assert.equal(series[4].population80, 1200);
  // Efficiency 10 % a year for four years: 60 x 0.9^4 = 39.366.
  const eff = await analyst.get(`/api/projections?municipality=9901&to=${y + 4}&efficiency=10`);
  assert.equal(eff.json.rows[0].series[4].kad.bedDays, 39);
  const csv = await analyst.get(`/api/projections?municipality=9901&to=${y + 4}&format=csv`);
  assert.match(csv.text, new RegExp(`9901;"Aby";${y + 4};7200;1200;0;0,0;60;0,2;0;0,0`));
  for (const [q, field] of [['shift=11', 'shift'], ['occupancy=20', 'occupancy'], ['efficiency=abc', 'efficiency'],
    [`to=${y}`, 'to'], ['to=2040.5', 'to'], ['municipality=0000', 'municipality'], ['format=pdf', 'format']]) {
    const bad = await analyst.get(`/api/projections?${q}`);
    assert.equal(bad.status, 400, q);
    assert.equal(bad.json.error.field, field, q);
  }
  const patient = new Client(srv.base);
  await patient.login('pas');
  assert.equal((await patient.get('/api/projections')).status, 403);
});

test('high users: patients without a team, ranked with their reasons, only with a relation, audited', async () => {
  const day = 86400 * 1000000;
  const now = Date.now() * 1000;
  const rows = [];
  // Patient 106 (56 years, Aby): three emergency admissions of 4 days in the
  // last year, in a priority group, discharge-ready once: 6 + 3 + 2 + 3 + 2 = 16.
  [100, 70, 40].forEach((ago, i) => rows.push(`INSERT INTO stay (id, patient_id, unit_id, start_at, end_at, version, source, discharge_to, priority_group)
    VALUES (${800 + i}, 106, 21, ${now - ago * day}, ${now - (ago - 4) * day}, 2, 'legevakt', 'home', 'multimorbid')`));
  rows.push(`INSERT INTO discharge_case (id, patient_id, unit_id, municipality_id, status, version, created_at) VALUES (810, 106, 21, 10, 'closed', 1, ${now - 40 * day})`);
  // Patient 107 lives in Bby: the KAD nurse of Aby has no relation to him.
  rows.push(`INSERT INTO stay (id, patient_id, unit_id, start_at, end_at, version, source, discharge_to)
    VALUES (820, 107, 21, ${now - 20 * day}, ${now - 10 * day}, 2, 'gp', 'home')`);
  rows.push("UPDATE patient SET gp_user_id = (SELECT id FROM app_user WHERE username = 'lege') WHERE id = 107");
  db.query(rows.join(';\n') + ';');
  const audited = () => Number(db.query("SELECT COUNT(*) FROM audit_log WHERE what = 'HighUsers'"));
  // The ranking is a snapshot renewed in the background: it catches up within seconds.
  let r;
  let before;
  for (let i = 0; i < 100; i++) {
    before = audited();
    r = await nurse.get('/api/high-users');
    assert.equal(r.status, 200, JSON.stringify(r.json));
    if (r.json.patients[0]?.patientId === '106') break;
    await new Promise((res) => setTimeout(res, 200));
  }
  const top = r.json.patients[0];
  assert.ok(Math.abs(Date.parse(r.json.computedAt) - Date.now()) < 60000, r.json.computedAt);
  assert.equal(top.patientId, '106');
  assert.equal(top.score, 16);
  assert.deepEqual(top.points, { admissions: 6, emergency: 3, bedDays: 2, dischargeReady: 2, priorityGroup: 3, age: 0, alerts: 0 });
  assert.deepEqual(top.reasons, ['3 innleggelser i sykehus', '3 som øyeblikkelig hjelp', '12 liggedøgn',
    '1 gang utskrivningsklar', 'i en prioritert gruppe']);
  assert.equal(top.relation, 'municipality');
  assert.ok(!r.json.patients.some((p) => p.patientId === '107'), 'no relation: not listed');
  assert.ok(r.json.withoutRelation >= 1);
  const scores = r.json.patients.map((p) => p.score);
  assert.deepEqual(scores, [...scores].sort((a, b) => b - a), 'highest first');
  const after = Number(db.query("SELECT COUNT(*) FROM audit_log WHERE what = 'HighUsers'"));
  assert.equal(after - before, r.json.patients.length, 'every patient listed is audited');
  // Once 106 has a shared plan with a team, he is no longer on the list.
  db.query(`INSERT INTO care_team (id, kind, name, org_id, status, version, updated_at, resource) VALUES (900, 'psht', 'PSHT Aby', 10, 'active', 1, 0, '{}');
    INSERT INTO care_plan (id, patient_id, team_id, status, title, individual_plan, version, created_at, updated_at, resource)
    VALUES (901, 106, 900, 'active', 'Plan', 0, 1, 0, 0, '{}');
    INSERT INTO change_log (seq, rtype, rid, version, at, action, resource)
    VALUES (${(BigInt(Date.now() - 1704067200000) << 22n) + 77n}, 'CarePlan', 901, 1, ${Date.now() * 1000}, 'create', '{}');`);
  const again = await nurse.get('/api/high-users');
  assert.ok(!again.json.patients.some((p) => p.patientId === '106'), 'in a team now');
  assert.equal((await analyst.get('/api/high-users')).status, 403, 'the secretariat sees no patients');
  // A GP sees the patients on their list; ward staff those of the ward now or
  // in the last 30 days (107 left Medisinsk 10 days ago, 106 36 days ago).
  const gp = new Client(srv.base);
  await gp.login('lege');
  const medisin = new Client(srv.base);
  await medisin.login('medisin');
  const mine = (await gp.get('/api/high-users')).json.patients;
  assert.deepEqual(mine.map((p) => [p.patientId, p.relation]), [['107', 'gp']]);
  const ward = (await medisin.get('/api/high-users')).json;
  assert.deepEqual(ward.patients.map((p) => [p.patientId, p.relation]), [['107', 'stay']]);
  assert.ok(ward.withoutRelation >= 1, 'the higher-ranked ones of Aby are counted, not shown');
  assert.equal((await nurse.get('/api/high-users?limit=0')).json.error.field, 'limit');
});

test('survey results: imported per municipality, shown beside the rest, small ones hidden', async () => {
  const csv = ['kommunenummer;år;undersøkelse;indikator;verdi;antall_svar',
    '9901;2025;fastlege;kontinuitet;80,0;30', '9902;2025;fastlege;kontinuitet;70,0;10',
    '9901;2025;paris;tillit;75,5;40', '9902;2025;paris;tillit;60;3'].join('\r\n');
  const r = await analyst.post('/api/surveys', { csv });
  assert.equal(r.status, 200, JSON.stringify(r.json));
  assert.equal(r.json.rows, 4);
  assert.deepEqual(await cell(analyst, 'period=2025', '9901', 'gp_kontinuitet'), { value: 80 });
  assert.deepEqual(await cell(analyst, 'period=2025-Q2', '9902', 'gp_kontinuitet'), { value: 70 }, 'a quarter shows its year');
  // The helsefellesskap: weighted by answers, (80 x 30 + 70 x 10) / 40.
  assert.deepEqual(await cell(analyst, 'period=2025', 'helsefellesskap', 'gp_kontinuitet'), { value: 77.5 });
  // Three answers in Bby: hidden, and then Aby too (the total would give it away).
  assert.equal((await cell(analyst, 'period=2025', '9902', 'paris_tillit')).display, '<5');
  assert.equal((await cell(analyst, 'period=2025', '9901', 'paris_tillit')).display, '<5');
  assert.deepEqual(await cell(analyst, 'period=2024', '9901', 'gp_kontinuitet'), { value: null });
  // A new import replaces the result of the same municipality, year and indicator.
  await analyst.post('/api/surveys', { csv: 'kommunenummer;år;undersøkelse;indikator;verdi;antall_svar\n9901;2025;fastlege;kontinuitet;82;30' });
  assert.deepEqual(await cell(analyst, 'period=2025', '9901', 'gp_kontinuitet'), { value: 82 });
  // Bad files: the line and what is wrong, and nothing stored.
  const count = db.query('SELECT COUNT(*) FROM survey_result');
  for (const [body, pattern] of [
    ['kommunenummer;år;undersøkelse;indikator;verdi;antall_svar\n9901;2025;fastlege;kontinuitet;80;30\n9901;2025;fastlege;kontinuitet;180;30', /Linje 3: verdien/],
    ['kommunenummer;år;undersøkelse;indikator;verdi;antall_svar\n0000;2025;fastlege;kontinuitet;80;30', /Linje 2: ukjent kommunenummer/],
    ['kommunenummer;år;undersøkelse;indikator;verdi;antall_svar\n9901;2025;fastlege;humør;80;30', /Linje 2: ukjent undersøkelse/],
    ['kommune;år;verdi\n9901;2025;80', /kolonnene/],
    ['', /Første linje|Ingen/],
  ]) {
    const bad = await analyst.post('/api/surveys', { csv: body });
    assert.equal(bad.status, 400, body);
    assert.equal(bad.json.error.field, 'csv');
    assert.match(bad.json.error.message, pattern);
  }
  assert.equal(db.query('SELECT COUNT(*) FROM survey_result'), count, 'nothing stored by a bad file');
  assert.equal((await analyst.post('/api/surveys', {})).json.error.field, 'csv');
  assert.equal((await nurse.post('/api/surveys', { csv })).status, 403);
});

test('shared care plans: counted as they are now, for the period that is running', async () => {
  const month = new Date().toISOString().slice(0, 7);
  // Patient 106 is in a priority group and has a plan (from the test above):
  // one patient, so hidden; past periods have no value. The plan's change
  // record brings it to the dashboard's snapshot within seconds.
  const share = () => cell(analyst, `period=${month}`, '9901', 'plan_priority_share');
  for (let i = 0; i < 60 && (await share()).display !== '<5'; i++) await new Promise((res) => setTimeout(res, 200));
  assert.equal((await share()).display, '<5');
  assert.deepEqual(await cell(analyst, 'period=2025-03', '9901', 'plan_priority_share'), { value: null });
  assert.deepEqual(await cell(analyst, `period=${month}`, '9902', 'plan_tasks_overdue'), { value: 0, status: 'green' });
});

test('drill-down: the stays behind a number, only patients with a relation, audited', async () => {
  const before = Number(db.query("SELECT COUNT(*) FROM audit_log WHERE what = 'IndicatorStays'"));
  const r = await nurse.get('/api/indicators/stays?indicator=kad_los&municipality=9901&period=2025-Q1');
  assert.equal(r.status, 200, JSON.stringify(r.json));
  assert.equal(r.json.total, 5);
  assert.deepEqual(r.json.stays.map((s) => s.patientId), ['101', '102', '103', '104', '105']);
  assert.deepEqual(r.json.stays.map((s) => s.days), [3, 2, 4, 1, 2]);
  assert.equal(r.json.stays[0].start, '30.01.2025 12:00');
  assert.equal(r.json.stays[0].relation, 'municipality');
  const after = Number(db.query("SELECT COUNT(*) FROM audit_log WHERE what = 'IndicatorStays'"));
  assert.equal(after - before, 5, 'each stay shown is audited');
  // January alone: the stay that crosses into February.
  const jan = await nurse.get('/api/indicators/stays?indicator=kad_occupancy&municipality=9901&period=2025-01');
  assert.deepEqual(jan.json.stays.map((s) => s.patientId), ['101']);
  // The secretariat has no relation to any patient: counted, not named.
  const sec = await analyst.get('/api/indicators/stays?indicator=kad_los&municipality=9901&period=2025-Q1');
  assert.deepEqual(sec.json.stays, []);
  assert.equal(sec.json.withoutRelation, 5);
  const other = await nurse.get('/api/indicators/stays?indicator=kad_los&municipality=9902&period=2024');
  assert.equal(other.json.withoutRelation, 1);
  assert.deepEqual(other.json.stays, []);
  for (const [q, field] of [['indicator=dr_nok&municipality=9901&period=2025', 'indicator'],
    ['indicator=nope&municipality=9901&period=2025', 'indicator'], ['indicator=kad_los&municipality=99&period=2025', 'municipality'],
    ['indicator=kad_los&municipality=9901&period=x', 'period']]) {
    const bad = await nurse.get(`/api/indicators/stays?${q}`);
    assert.equal(bad.status, 400, q);
    assert.equal(bad.json.error.field, field, q);
  }
});

test('an inter-municipal KAD counts for each municipality it serves, by inhabitants', async () => {
  const beds = async (who) => (await cell(analyst, 'period=2025', who, 'kad_beds_per_7000')).value;
  const waitFor = async (want, what) => {
    for (let i = 0; i < 50; i++) {
      if (await beds('9901') === want[0] && await beds('9902') === want[1]) return;
      await new Promise((res) => setTimeout(res, 200));
    }
    assert.fail(`not within 10 s: ${what}`);
  };
  const serves = (nrs) => cli(['org', 'serves', '--db', db.url, '--unit', '22', '--municipalities', nrs]);
  // An unknown municipality: refused, named, nothing changed.
  const bad = serves('9901,9999');
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /Ukjent kommunenummer: 9999/);
  assert.equal(Number(db.query('SELECT COUNT(*) FROM unit_serves')), 0);
  assert.notEqual(cli(['org', 'serves', '--db', db.url, '--unit', '99999']).status, 0, 'an unknown unit');
  // 6 beds for Aby (7,000) and Bby (3,500): 4 and 2 beds, 4 per 7,000 each.
  assert.equal(serves('9901,9902').status, 0);
  await waitFor([4, 4], 'both at the region\'s 4 per 7,000');
  assert.deepEqual(await cell(analyst, 'period=2025', 'helsefellesskap', 'kad_beds_per_7000'), { value: 4, status: 'green' });
  // 12 bed-days in Aby's share of 4 beds over the 90 days of the quarter.
  assert.deepEqual(await cell(analyst, 'period=2025-Q1', '9901', 'kad_occupancy'), { value: 3.3 });
  const capacity = await analyst.get('/api/capacity');
  assert.deepEqual(capacity.json.municipalities.map((m) => [m.kommunenummer, m.kadBeds]).sort(), [['9901', 4], ['9902', 2]]);
  const history = db.query("SELECT resource FROM change_log WHERE rtype = 'UnitServes' AND rid = 22 ORDER BY version");
  assert.match(history, /"municipalities":\["9901","9902"\]/);
  // Back to its owner alone.
  assert.equal(serves('').status, 0);
  await waitFor([6, 0], 'Aby owns them all again');
  // The same over the API, by an administrator: bad input is refused with the
  // field named and changes nothing; staff of the unit may not set it.
  const admin = new Client(srv.base);
  assert.equal((await admin.login('drift')).status, 200);
  assert.equal((await nurse.put('/api/units/22/serves', { municipalities: ['9902'] })).status, 403);
  for (const [body, status, field] of [[{ municipalities: '9901' }, 400, 'municipalities'],
    [{ municipalities: ['9901', '99x1'] }, 400, 'municipalities'], [{ municipalities: ['9901', 9902] }, 400, 'municipalities'],
    [{ municipalities: ['9901', '9999'] }, 404, 'municipality']]) {
    const r = await admin.put('/api/units/22/serves', body);
    assert.equal(r.status, status, JSON.stringify(body));
    assert.equal(r.json.error.field, field, JSON.stringify(body));
  }
  assert.equal((await admin.put('/api/units/99999/serves', { municipalities: [] })).status, 404);
  const ward = await admin.put('/api/units/21/serves', { municipalities: ['9901'] });
  assert.equal(ward.status, 400, 'only a KAD is shared');
  assert.equal(ward.json.error.field, 'unit');
  assert.match(ward.json.error.message, /Medisinsk er ikke en KAD/);
  assert.equal(Number(db.query('SELECT COUNT(*) FROM unit_serves')), 0, 'nothing changed');
  const set = await admin.put('/api/units/22/serves', { municipalities: ['9902', '9901'] });
  assert.equal(set.status, 200, JSON.stringify(set.json));
  assert.deepEqual(set.json.serves, ['9901', '9902']);
  assert.deepEqual((await nurse.get('/api/units/22')).json.serves, ['9901', '9902']);
  await waitFor([4, 4], 'shared again, set over the API');
  assert.deepEqual((await admin.put('/api/units/22/serves', { municipalities: [] })).json.serves, []);
  await waitFor([6, 0], 'its owner alone again');
});

test('the high-users list answers while its ranking is replaced under it', async () => {
  const admin = new Client(srv.base);
  assert.equal((await admin.login('drift')).status, 200);
  const reqs = [];
  for (let i = 0; i < 4; i++) reqs.push(admin.post('/api/indicators/refresh'));
  for (let i = 0; i < 30; i++) reqs.push(nurse.get('/api/high-users'));
  const res = await Promise.all(reqs);
  for (const r of res) assert.equal(r.status, 200, JSON.stringify(r.json));
  const lists = res.slice(4).map((r) => r.json.patients.map((p) => `${p.patientId}:${p.score}`).join(','));
  assert.equal(new Set(lists).size, 1, 'the same list from every ranking of the same data');
  assert.ok(lists[0].length > 0, 'and not an empty one');
});
