// The web UI in a real browser (Debian's Chromium driven by playwright-core).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { demoSuite, login as loginAs, collectErrors } from '../lib/browser.mjs';

const suite = demoSuite('browser');

const login = (page, username) => loginAs(page, suite.srv.base, username);

test('a GP logs in, searches, opens a patient and sees the access it just caused', async () => {
  const page = await suite.browser.newPage();
  const errors = collectErrors(page);
  await page.goto(suite.srv.base + '/');
  await page.getByLabel('Brukernavn').fill('fastlege');
  await page.getByLabel('Passord').fill('feil');
  await page.getByRole('button', { name: 'Logg inn' }).click();
  await page.getByText('Feil brukernavn eller passord').waitFor();
  await login(page, 'fastlege');
  assert.match(await page.locator('#who').innerText(), /Knarvik legesenter/);
  await page.getByRole('link', { name: 'Pasientsøk' }).click();
  await page.getByLabel('Navn eller fødselsnummer').fill('Ingrid Haugland');
  await page.keyboard.press('Enter');
  await page.getByRole('link', { name: 'Haugland, Ingrid Marie' }).click();
  await page.getByRole('heading', { name: 'Ingrid Marie Haugland' }).waitFor();
  assert.match(await page.locator('dl.facts').innerText(), /14\.03\.1941/);
  const row = page.locator('#access-log tbody tr', { hasText: 'Åpnet journalen' }).first();
  await row.waitFor();
  const text = await row.innerText();
  assert.match(text, /Dr\. Sigrun Fastlege/);
  assert.match(text, /på din fastlegeliste/);
  assert.match(text, /\d\d\.\d\d\.\d{4} \d\d:\d\d/);
  await page.screenshot({ path: `${process.env.HB_TEST_OUT || '/tmp'}/patient-page.png`, fullPage: true });
  assert.deepEqual(errors, []);
});

test('emergency access through the dialog, by keyboard', async () => {
  const page = await suite.browser.newPage();
  const nid = suite.db.query(`SELECT p.nid FROM patient p JOIN org o ON o.id = p.municipality_id
    WHERE o.kommunenummer = '4628' AND NOT EXISTS (SELECT 1 FROM stay s WHERE s.patient_id = p.id) LIMIT 1`);
  await login(page, 'fastlege');
  await page.goto(`${suite.srv.base}/#/sok`);
  await page.getByLabel('Navn eller fødselsnummer').fill(nid);
  await page.keyboard.press('Enter');
  await page.getByText('Pasienten finnes, men').waitFor();
  await page.getByRole('button', { name: 'Bruk nødtilgang …' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel(/Begrunnelse/).fill('kort');
  await dialog.getByRole('button', { name: 'Bruk nødtilgang' }).click();
  assert.equal(await dialog.isVisible(), true, 'too short: the dialog stays');
  await dialog.getByLabel(/Begrunnelse/).fill('Akutt forverring, pasienten er på legekontoret');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  await page.locator('#access-log tbody tr', { hasText: 'Nødtilgang' }).first().waitFor();
  assert.match(await page.locator('dl.facts').innerText(), /nødtilgang/);
  const admin = await suite.browser.newPage();
  await login(admin, 'admin');
  await admin.getByRole('link', { name: 'Nødtilganger', exact: true }).click();
  const row = admin.locator('table.emergency-report tbody tr', { hasText: 'Akutt forverring' });
  await row.waitFor();
  assert.match(await row.innerText(), /Dr\. Sigrun Fastlege/);
});

test('a patient sees who has looked at their record; the organisation page has totals', async () => {
  const page = await suite.browser.newPage();
  await login(page, 'pasient');
  await page.getByRole('link', { name: 'Hvem har sett journalen min' }).first().click();
  await page.getByRole('heading', { name: 'Hvem har sett journalen min' }).waitFor();
  const rows = await page.locator('table.access-log tbody tr').allInnerTexts();
  assert.ok(rows.some((r) => /Dr\. Sigrun Fastlege/.test(r) && /Knarvik legesenter/.test(r)));
  assert.equal(await page.getByRole('link', { name: 'Pasientsøk' }).isVisible(), false);
  await page.getByRole('link', { name: 'Helsefellesskapet' }).click();
  await page.getByRole('heading', { name: 'Helsefellesskapet' }).waitFor();
  const foot = await page.locator('tfoot').innerText();
  assert.match(foot, /8 kommuner/);
  assert.match(foot, /\d{2}\s\d{3}/, 'the total population in Norwegian number format');
  await page.screenshot({ path: `${process.env.HB_TEST_OUT || '/tmp'}/orgs.png`, fullPage: true });
  await page.getByRole('button', { name: 'Logg ut' }).click();
  await page.getByText('Du er logget ut.').waitFor();
});

test('a KAD nurse keeps what the unit can treat current; everyone sees it on the capacity page', async () => {
  const page = await suite.browser.newPage();
  const errors = collectErrors(page);
  await login(page, 'sykepleier.kad');
  await page.getByRole('link', { name: 'Kapasitet', exact: true }).click();
  const kadRow = page.locator('#capacity-units tbody tr', { hasText: 'KAD Region Nordhordland Helsehus' });
  await kadRow.waitFor();
  assert.match(await kadRow.innerText(), /Røntgen/);
  const form = page.locator('#unit-form');
  await form.getByLabel('Røntgen').uncheck();
  await form.getByLabel('Antall senger').fill('10');
  await form.getByRole('button', { name: 'Lagre' }).click();
  await page.getByText('Lagret (versjon 2).').waitFor();
  await page.locator('#capacity-units tbody tr', { hasText: 'KAD Region Nordhordland Helsehus' })
    .filter({ hasNotText: 'Røntgen' }).waitFor();
  assert.match(await kadRow.innerText(), /\t10\t/);
  await page.getByLabel('Må kunne behandle').selectOption({ label: 'Røntgen' });
  // Filtered out: it no longer has x-ray (the table is redrawn after the fetch).
  await page.locator('#capacity-units tbody tr', { hasText: 'KAD Region' }).waitFor({ state: 'detached' });
  assert.ok(await page.locator('#capacity-units tbody tr', { hasText: 'Medisinsk avdeling' }).count() === 1,
    'units with x-ray remain');
  const ward = await suite.browser.newPage();
  await login(ward, 'sykepleier.haukeland');
  await ward.goto(`${suite.srv.base}/#/kapasitet`);
  await ward.locator('#capacity-units tbody tr', { hasText: 'KAD Region' }).waitFor();
  assert.equal(await ward.locator('#unit-form', { hasText: 'KAD' }).count(), 0, 'only the unit edits itself');
  assert.match(await ward.locator('#capacity-municipalities tfoot').innerText(), /Sum/);
  assert.deepEqual(errors, []);
});

test('the KAD bed board: admit by national id into a free bed, discharge, all without reloading', async () => {
  const page = await suite.browser.newPage();
  const errors = collectErrors(page);
  const nid = suite.db.query(`SELECT p.nid FROM patient p JOIN org m ON m.id = p.municipality_id
    WHERE m.kommunenummer = '4632' AND NOT EXISTS (SELECT 1 FROM stay s WHERE s.patient_id = p.id) LIMIT 1`);
  const family = suite.db.query(`SELECT family FROM patient WHERE nid = '${nid}'`);
  await login(page, 'sykepleier.kad');
  await page.getByRole('link', { name: /^Sengeoversikt for/ }).click();
  await page.getByRole('heading', { name: 'KAD Region Nordhordland Helsehus' }).waitFor();
  const freeCard = page.locator('li.bed.free').first();
  const number = await freeCard.getAttribute('data-bed');
  await freeCard.getByRole('button', { name: 'Legg inn' }).click();
  await freeCard.getByLabel('Fødselsnummer').fill(nid);
  await freeCard.getByLabel('Kommer fra').selectOption('legevakt');
  await freeCard.getByRole('button', { name: 'Legg inn' }).click();
  const card = page.locator(`li.bed[data-bed="${number}"]`);
  await card.locator('.occupant', { hasText: family }).waitFor();
  assert.match(await card.innerText(), /0 døgn/);
  assert.match(await page.locator('#board-totals').innerText(), /ledige/);
  await card.getByRole('button', { name: 'Skriv ut' }).click();
  await card.getByLabel('Skrives ut til').selectOption('home');
  await card.getByRole('button', { name: 'Skriv ut' }).click();
  await page.locator(`li.bed.cleaning[data-bed="${number}"]`).waitFor();
  await page.locator(`li.bed[data-bed="${number}"]`).getByRole('button', { name: 'Marker som ledig' }).click();
  await page.locator(`li.bed.free[data-bed="${number}"]`).waitFor();
  assert.equal(suite.db.query(`SELECT discharge_to FROM stay s JOIN patient p ON p.id = s.patient_id WHERE p.nid = '${nid}'`), 'home');
  assert.deepEqual(errors, []);
});

test('finding a place for a patient from Osterøy who needs IV antibiotics', async () => {
  const page = await suite.browser.newPage();
  const errors = collectErrors(page);
  await login(page, 'sykepleier.haukeland');
  await page.getByRole('link', { name: 'Finn plass' }).click();
  await page.getByLabel('Pasienten bor i').selectOption('4630');
  await page.getByLabel('Intravenøs antibiotika').check();
  await page.getByLabel('Lengste reisetid (minutter)').fill('60');
  await page.getByRole('button', { name: 'Finn plass' }).click();
  await page.locator('#place-candidates tbody tr').first().waitFor();
  const first = await page.locator('#place-candidates tbody tr').first().innerText();
  assert.match(first, /35 min/, 'the nearest first');
  const left = await page.locator('#place-excluded tbody tr', { hasText: 'Korttidsavdeling Alver' }).innerText();
  assert.match(left, /Mangler: Intravenøs antibiotika/);
  assert.deepEqual(errors, []);
});

test('the allocation office answers a discharge-ready notice and sees the statement', async () => {
  const page = await suite.browser.newPage();
  const errors = collectErrors(page);
  await login(page, 'tildeling.alver');
  await page.getByRole('link', { name: 'Utskrivningsklare', exact: true }).click();
  const waiting = page.locator('#discharge-list tbody tr', { hasText: 'venter på kommunen' }).first();
  await waiting.waitFor();
  await waiting.getByRole('link').click();
  await page.locator('#discharge-timeline').waitFor();
  const day = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Oslo' }).format(new Date(Date.now() + 86400e3));
  await page.getByLabel('Dato (tar imot / forventet)').fill(day);
  await page.getByLabel('Tilbud (sted)').fill('Korttidsavdeling Alver');
  await page.getByRole('button', { name: 'Vi tar imot pasienten' }).click();
  await page.locator('#discharge-status', { hasText: 'Kommunen har gitt tilbud' }).waitFor();
  assert.match(await page.locator('#discharge-timeline').innerText(), /Kommunen tar imot pasienten/);
  await page.getByRole('link', { name: 'Utskrivningsklare', exact: true }).click();
  await page.getByRole('link', { name: 'Månedsoppgjør' }).click();
  await page.locator('#statement-lines tfoot').waitFor();
  assert.match(await page.locator('#statement-lines tfoot').innerText(), /Sum/);
  assert.deepEqual(errors, []);
});

test('the secretariat opens the joint unit settlement from the capacity page', async () => {
  const page = await suite.browser.newPage();
  const errors = collectErrors(page);
  await login(page, 'analytiker');
  await page.getByRole('link', { name: 'Kapasitet', exact: true }).click();
  await page.getByRole('link', { name: 'Oppgjør mellom partene' }).click();
  await page.locator('#joint-parties tfoot').waitFor();
  assert.match(await page.locator('#js-title').innerText(), /Felles akuttenhet Nordhordland/);
  assert.equal(await page.locator('#joint-parties tbody tr').count(), 9, 'the trust and eight municipalities');
  assert.match(await page.locator('#joint-parties tfoot').innerText(), /Sum/);
  assert.deepEqual(errors, []);
});

test('a hospital nurse admits to the ward, notifies the municipality and declares the patient ready', async () => {
  const page = await suite.browser.newPage();
  const errors = collectErrors(page);
  const ward = suite.db.query("SELECT id FROM org WHERE name = 'Medisinsk avdeling'");
  const nid = suite.db.query(`SELECT p.nid FROM patient p JOIN org m ON m.id = p.municipality_id
    WHERE m.kommunenummer = '4631' AND NOT EXISTS (SELECT 1 FROM stay s WHERE s.patient_id = p.id) ORDER BY p.id LIMIT 1`);
  await login(page, 'sykepleier.haukeland');
  await page.goto(`${suite.srv.base}/#/enhet/${ward}`);
  const freeCard = page.locator('li.bed.free').first();
  const number = await freeCard.getAttribute('data-bed');
  await freeCard.getByRole('button', { name: 'Legg inn' }).click();
  await freeCard.getByLabel('Fødselsnummer').fill(nid);
  await freeCard.getByRole('button', { name: 'Legg inn' }).click();
  const card = page.locator(`li.bed.occupied[data-bed="${number}"]`);
  await card.getByRole('button', { name: 'Varsle kommunen' }).click();
  await page.locator('#discharge-status', { hasText: 'Innlagt, varslet kommunen' }).waitFor();
  await page.getByRole('button', { name: 'Meld utskrivningsklar' }).click();
  await page.locator('#discharge-status', { hasText: 'Utskrivningsklar' }).waitFor();
  assert.match(await page.locator('#discharge-timeline').innerText(), /Melding om utskrivningsklar pasient/);
  assert.equal(suite.db.query(`SELECT c.status FROM discharge_case c JOIN patient p ON p.id = c.patient_id WHERE p.nid = '${nid}'`), 'ready');
  assert.deepEqual(errors, []);
});

test('an administrator sets which municipalities the inter-municipal KAD serves', async () => {
  const page = await suite.browser.newPage();
  const errors = collectErrors(page);
  await login(page, 'admin');
  await page.getByRole('link', { name: 'Kapasitet', exact: true }).click();
  await page.getByRole('heading', { name: 'Interkommunal KAD' }).waitFor();
  const boxes = page.locator('#serves-form input[name=serves]');
  assert.equal(await boxes.count(), 8);
  await page.waitForFunction(() => document.querySelectorAll('#serves-form input[name=serves]:checked').length === 8);
  const kadBeds = async (name) => page.locator('#capacity-municipalities tbody tr', { hasText: name }).locator('td').nth(3).innerText();
  const shared = await kadBeds('Masfjorden');
  assert.notEqual(shared, '0,0', 'a share of the region\'s KAD');
  // Only its owner: every bed counts for Alver, none for the others.
  for (let i = 0; i < 8; i++) await boxes.nth(i).uncheck();
  await page.getByRole('button', { name: 'Lagre' }).click();
  await page.locator('#serves-message', { hasText: 'Lagret: sengene telles hos kommunen som eier enheten.' }).waitFor();
  await page.waitForFunction(() => [...document.querySelectorAll('#capacity-municipalities tbody tr')]
    .find((tr) => tr.textContent.includes('Masfjorden'))?.querySelectorAll('td')[3].textContent === '0,0');
  const total = await page.locator('#capacity-municipalities tfoot td').nth(3).innerText();
  assert.equal(await kadBeds('Alver'), total, 'the owner has them all');
  assert.equal(suite.db.query('SELECT COUNT(*) FROM unit_serves'), '0');
  // Back to the whole region, as the demo has it.
  for (let i = 0; i < 8; i++) await boxes.nth(i).check();
  await page.getByRole('button', { name: 'Lagre' }).click();
  await page.locator('#serves-message', { hasText: 'Lagret: enheten betjener 8 kommuner' }).waitFor();
  await page.waitForFunction((want) => [...document.querySelectorAll('#capacity-municipalities tbody tr')]
    .find((tr) => tr.textContent.includes('Masfjorden'))?.querySelectorAll('td')[3].textContent === want, shared);
  assert.deepEqual(errors, []);
  await page.close();
});
