// The helsefellesskap dashboard in a real browser: the secretariat sees every
// municipality against the norms, sorts, compares, opens a municipality with
// its trends and downloads CSV; citizens see the public view without login,
// with nothing a suppressed cell hides; a projection assumption is changed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { demoSuite, login as loginAs, collectErrors } from '../lib/browser.mjs';

const suite = demoSuite('browserdash');
const shots = process.env.HB_TEST_OUT || '/tmp';

test('the secretariat sees, sorts, compares and downloads the indicators', async () => {
  const page = await suite.browser.newPage();
  const errors = collectErrors(page);
  await loginAs(page, suite.srv.base, 'analytiker');
  await page.getByRole('link', { name: 'Indikatorer', exact: true }).click();
  await page.getByRole('heading', { name: 'Indikatorer for helsefellesskapet' }).waitFor();
  await page.getByLabel('Periodetype').selectOption('year');
  const year = String(new Date().getFullYear() - 1);
  await page.getByLabel('Periode', { exact: true }).selectOption(year);
  const alver = page.locator('#dash-table tr[data-entity="4631"]');
  await alver.waitFor();
  const rowCount = await page.locator('#dash-table tbody tr').count();
  assert.equal(rowCount, 8, 'the eight municipalities');
  // The KAD in Knarvik serves all eight municipalities: each has its share
  // by inhabitants, so each shows the region's 8 beds per 50,000: 1,12, green.
  const beds = alver.locator('td').nth(0);
  assert.match(await beds.getAttribute('class'), /st-green/);
  assert.match(await beds.innerText(), /^1,12/);
  assert.match(await page.locator('#dash-table tr[data-entity="4629"] td').nth(0).innerText(), /^1,12/);
  // The smallest municipalities have too few patients: "<5", never a number.
  const modalen = page.locator('#dash-table tr[data-entity="4629"]');
  assert.match(await modalen.innerText(), /<5|–/);
  // Sort by KAD length of stay: highest first on the second click.
  const sortButton = page.locator('button[data-sort="kad_los"]');
  await sortButton.click();
  await sortButton.click();
  await page.locator('button[data-sort="kad_los"]', { hasText: '▼' }).waitFor();
  const firstValues = await page.locator('#dash-table tbody tr').evaluateAll((trs) =>
    trs.map((tr) => tr.querySelectorAll('td')[2].textContent));
  const nums = firstValues.map((t) => Number.parseFloat(t.replace(',', '.'))).filter((n) => !Number.isNaN(n));
  assert.deepEqual(nums, [...nums].sort((a, b) => b - a), `sorted descending: ${firstValues}`);
  await page.screenshot({ path: `${shots}/dashboard.png`, fullPage: true });
  // CSV of the table, as the browser downloads it.
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Last ned som CSV' }).click()]);
  const csv = readFileSync(await download.path(), 'utf8');
  assert.match(csv, /^\uFEFFKommunenummer;Navn;Periode;/);
  assert.match(csv, new RegExp(`4631;"Alver";${year};1,12;`));
  // The helsefellesskap's own page, with its trends, from the total row.
  await page.locator('#dash-table tfoot tr[data-entity="helsefellesskap"] a').click();
  await page.getByRole('heading', { name: 'Helsefellesskap Helse Bergen' }).waitFor();
  await page.locator('tr[data-indicator="kad_los"] svg.trend-chart polyline').first().waitFor({ state: 'attached' });
  assert.match(await page.locator('tr[data-indicator="kad_beds_per_7000"] td').first().innerText(), /^1,12/);
  await page.getByRole('link', { name: '← Kommunene side om side' }).click();
  await alver.waitFor();
  // Compare every municipality on one indicator.
  await page.locator('th', { hasText: 'KAD-senger per 7 000' }).getByRole('link', { name: 'Sammenlign' }).click();
  await page.getByRole('heading', { name: /KAD-senger per 7 000 innbyggere: alle kommuner/ }).waitFor();
  assert.equal(await page.locator('svg.bar-chart rect.bar').count(), 9, 'a bar per municipality and the total');
  assert.ok(await page.locator('svg.bar-chart line.norm-line').count() === 1, 'the norm drawn');
  // A municipality page with trends.
  await page.goto(`${suite.srv.base}/#/indikatorer/4631`);
  await page.getByRole('heading', { name: 'Alver kommune' }).waitFor();
  await page.locator('tr[data-indicator="kad_los"] svg.trend-chart polyline').first().waitFor();
  await page.screenshot({ path: `${shots}/dashboard-alver.png`, fullPage: true });
  assert.deepEqual(errors, []);
  await page.close();
});

test('citizens see the public view without logging in, suppressed the same way', async () => {
  const context = await suite.browser.newContext();
  const page = await context.newPage();
  const errors = collectErrors(page);
  await page.goto(`${suite.srv.base}/`);
  await page.getByRole('link', { name: /Se hvordan kommunene/ }).click();
  await page.getByRole('heading', { name: 'Helsetjenestene i kommunene dine' }).waitFor();
  await page.getByLabel('Periodetype').selectOption('quarter');
  const table = page.locator('#dash-table');
  await table.locator('tr[data-entity="4629"]').waitFor();
  // What the page shows equals the public API, cell by cell: no suppressed
  // cell shows a number.
  const period = await page.getByLabel('Periode', { exact: true }).inputValue();
  const api = await (await fetch(`${suite.srv.base}/api/public/indicators?period=${period}`)).json();
  for (const row of api.rows.filter((r) => r.entity.kind === 'municipality')) {
    const cells = await table.locator(`tr[data-entity="${row.entity.kommunenummer}"] td`).allInnerTexts();
    api.indicators.forEach((ind, i) => {
      const v = row.values[0][ind.code];
      if (v.suppressed) assert.equal(cells[i].trim(), '<5', `${row.entity.name} ${ind.code}`);
      else assert.notEqual(cells[i].trim(), '<5');
    });
  }
  assert.equal(await page.getByRole('link', { name: 'Framskriving til 2040' }).count(), 0, 'no staff links');
  await page.screenshot({ path: `${shots}/dashboard-public.png`, fullPage: true });
  assert.deepEqual(errors, []);
  await context.close();
});

test('the secretariat changes a projection assumption and compares two scenarios', async () => {
  const page = await suite.browser.newPage();
  const errors = collectErrors(page);
  await loginAs(page, suite.srv.base, 'analytiker');
  await page.goto(`${suite.srv.base}/#/framskriving`);
  await page.getByRole('heading', { name: 'Framskriving til 2040' }).waitFor();
  const bedsA = page.locator('#scenario-a tr[data-year="2040"] td[data-beds="hospital"]');
  const bedsB = page.locator('#scenario-b tr[data-year="2040"] td[data-beds="hospital"]');
  await bedsA.waitFor();
  await bedsB.waitFor();
  await page.locator('svg.proj-chart polyline.scen-b').first().waitFor();
  const num = async (loc) => Number.parseFloat((await loc.innerText()).replace(/\s/g, '').replace(',', '.'));
  const a2040 = await num(bedsA);
  const b2040 = await num(bedsB);
  assert.ok(b2040 < a2040, `B (healthier ageing, collaboration) needs fewer beds: ${b2040} < ${a2040}`);
  // The API's answer for scenario A is what the page shows.
  const r = await page.evaluate(async () => (await fetch('/api/projections?shift=0&efficiency=0&collaboration=0&occupancy=85')).json());
  const total = r.rows.find((x) => x.entity.kind === 'helsefellesskap').series.find((y) => y.year === 2040);
  assert.equal(a2040, Math.round(total.hospital.beds * 10) / 10);
  // Raise A's target occupancy from 85 % to 95 %: fewer beds for the same days.
  await page.locator('#a-occupancy').fill('95');
  await page.locator('#a-occupancy').press('Enter');
  await page.waitForFunction((before) => {
    const t = document.querySelector('#scenario-a tr[data-year="2040"] td[data-beds="hospital"]')?.textContent;
    return t && Number.parseFloat(t.replace(/\s/g, '').replace(',', '.')) < before;
  }, a2040);
  const after95 = await num(bedsA);
  assert.ok(Math.abs(after95 - (a2040 * 85) / 95) < 0.15, `85/95 of before: ${after95} vs ${a2040}`);
  assert.match(await page.locator('#scenario-a').innerText(), /belegg 95 %/);
  // A bad value is refused with the field named, and the result stays.
  await page.locator('#b-shift').fill('40');
  await page.locator('#b-shift').press('Enter');
  await page.locator('#scenario-b p.error', { hasText: 'Sunnere aldring' }).waitFor();
  await page.screenshot({ path: `${shots}/projection.png`, fullPage: true });
  assert.deepEqual(errors, []);
  await page.close();
});

test('the secretariat imports survey results and sees them beside the rest', async () => {
  const page = await suite.browser.newPage();
  const errors = collectErrors(page, { serverErrors: false });
  await loginAs(page, suite.srv.base, 'analytiker');
  await page.goto(`${suite.srv.base}/#/indikatorer`);
  await page.getByLabel('Periodetype').selectOption('year');
  await page.getByLabel('Periode', { exact: true }).selectOption(String(new Date().getFullYear()));
  await page.getByLabel('Område').selectOption('Brukererfaring');
  await page.locator('#dash-table tr[data-entity="4631"]').waitFor();
  await page.getByText('Importer brukerundersøkelse (CSV)').click();
  const year = new Date().getFullYear();
  const csv = `kommunenummer;år;undersøkelse;indikator;verdi;antall_svar\n4631;${year};fastlege;kontinuitet;91,5;250\n`;
  await page.locator('#survey-file').setInputFiles({ name: 'fastlege.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await page.locator('#survey-msg', { hasText: '1 resultater lest inn fra fastlege.csv' }).waitFor();
  const alver = page.locator('#dash-table tr[data-entity="4631"]');
  await alver.locator('td', { hasText: '91,5' }).waitFor();
  // A bad file: the line and the fault are shown; nothing changes.
  await page.locator('#survey-file').setInputFiles({ name: 'feil.csv', mimeType: 'text/csv',
    buffer: Buffer.from('kommunenummer;år;undersøkelse;indikator;verdi;antall_svar\n4631;2025;fastlege;kontinuitet;150;10\n') });
  await page.locator('#survey-msg.error', { hasText: 'Linje 2: verdien må være et tall fra 0 til 100' }).waitFor();
  assert.equal(suite.db.query(`SELECT value FROM survey_result WHERE year = ${year} AND measure = 'kontinuitet'
    AND municipality_id = (SELECT id FROM org WHERE kommunenummer = '4631')`), '91.5');
  assert.deepEqual(errors, []);
  await page.close();
});

test('a KAD nurse opens the stays behind a number', async () => {
  const page = await suite.browser.newPage();
  const errors = collectErrors(page);
  await loginAs(page, suite.srv.base, 'sykepleier.kad');
  await page.goto(`${suite.srv.base}/#/indikatorer/4631`);
  await page.getByRole('heading', { name: 'Alver kommune' }).waitFor();
  await page.getByLabel('Periodetype').selectOption('year');
  await page.getByLabel('Periode', { exact: true }).selectOption(String(new Date().getFullYear() - 1));
  const row = page.locator('tr[data-indicator="kad_los"]');
  await row.locator('button[data-drill="kad_los"]').click();
  await row.locator('table.drill-table tbody tr').first().waitFor();
  const n = await row.locator('table.drill-table tbody tr').count();
  assert.ok(n > 10, `Alver's KAD stays last year: ${n}`);
  assert.ok(Number(suite.db.query("SELECT COUNT(*) FROM audit_log WHERE what = 'IndicatorStays'")) >= n);
  assert.deepEqual(errors, []);
  await page.close();
});

test('a KAD nurse sees the patients for proactive follow-up and searches the list', async () => {
  const page = await suite.browser.newPage();
  const errors = collectErrors(page);
  await loginAs(page, suite.srv.base, 'sykepleier.kad');
  await page.goto(`${suite.srv.base}/#/hoyforbrukere`);
  await page.getByRole('heading', { name: 'Pasienter som kan ha nytte av proaktiv oppfølging' }).waitFor();
  const rows = page.locator('#high-users tbody tr');
  await rows.first().waitFor();
  const n = await rows.count();
  assert.ok(n >= 5, `patients without a team of Alver and the KAD: ${n}`);
  const scores = await page.locator('#high-users tbody tr td:first-of-type').allInnerTexts();
  const nums = scores.map(Number);
  assert.deepEqual(nums, [...nums].sort((a, b) => b - a), 'highest score first');
  assert.match(await rows.first().locator('.reasons').innerText(), /\d/, 'the reasons in words');
  assert.match(await page.locator('#high-users-computed').innerText(), /^Skåren ble beregnet \d{2}\.\d{2}\.\d{4}/);
  // Searching by a listed name leaves that patient's row (and any namesakes).
  const name = (await rows.first().locator('th a').innerText()).trim();
  await page.getByLabel('Søk i lista (navn eller kommune)').fill(name);
  const visible = await page.locator('#high-users tbody tr:not([hidden])').count();
  assert.ok(visible >= 1 && visible < n, `${visible} of ${n} rows match "${name}"`);
  await page.getByLabel('Søk i lista (navn eller kommune)').fill('ingen slik pasient');
  assert.equal(await page.locator('#high-users tbody tr:not([hidden])').count(), 0);
  const listed = Number(suite.db.query(`SELECT COUNT(*) FROM audit_log WHERE what = 'HighUsers'
    AND user_id = (SELECT id FROM app_user WHERE username = 'sykepleier.kad')`));
  assert.ok(listed >= n, `every listed patient audited: ${listed}`);
  assert.deepEqual(errors, []);
  await page.close();
});
