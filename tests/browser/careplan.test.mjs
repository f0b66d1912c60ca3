// Shared care in a real browser: the GP adds a task to the plan, the
// home-care nurse finds it in her worklist and completes it, and the patient
// reads the plan, writes what matters to her and reports a measurement.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { demoSuite, login as loginAs, collectErrors } from '../lib/browser.mjs';

const suite = demoSuite('browsercare');
const shots = process.env.HB_TEST_OUT || '/tmp';

const login = (page, username) => loginAs(page, suite.srv.base, username);

const TASK = 'Ta med blodtrykksmåleren til kontrollen';

test('a GP adds a task for the home-care nurse in the patient\'s plan', async () => {
  const context = await suite.browser.newContext();
  const page = await context.newPage();
  const errors = collectErrors(page);
  await login(page, 'fastlege');
  await page.getByRole('link', { name: 'Pasientsøk' }).click();
  await page.getByLabel('Navn eller fødselsnummer').fill('Ingrid Haugland');
  await page.keyboard.press('Enter');
  await page.getByRole('link', { name: 'Haugland, Ingrid Marie' }).click();
  await page.getByRole('link', { name: 'Åpne den felles planen' }).click();
  await page.getByRole('heading', { name: /Felles plan for Ingrid/ }).waitFor();
  assert.match(await page.locator('#what-matters').innerText(), /bo hjemme/);
  assert.match(await page.locator('#team').innerText(), /Hanne Heimeteneste[\s\S]*koordinator/);
  const tasks = page.locator('#tasks');
  await tasks.getByLabel('Hva skal gjøres').fill(TASK);
  await tasks.getByLabel('Ansvarlig').selectOption({ label: 'Hanne Heimeteneste (Hjemmesykepleier)' });
  const tomorrow = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Oslo' }).format(new Date(Date.now() + 86400000));
  await tasks.getByLabel('Frist').fill(tomorrow);
  await tasks.getByRole('button', { name: 'Legg til oppgave' }).click();
  const row = page.locator('#tasks tr', { hasText: TASK });
  await row.waitFor();
  assert.match(await row.innerText(), /Hanne Heimeteneste/);
  assert.match(await row.innerText(), /\d\d\.\d\d\.\d{4}/, 'the due date in Norwegian form');
  assert.equal(suite.db.query(`SELECT status FROM care_item WHERE text = '${TASK}'`), 'requested');
  await page.screenshot({ path: `${shots}/careplan-gp.png`, fullPage: true });
  assert.deepEqual(errors, []);
  await context.close();
});

test('the home-care nurse sees it in her worklist and completes it', async () => {
  const context = await suite.browser.newContext();
  const page = await context.newPage();
  const errors = collectErrors(page);
  await login(page, 'hjemmesykepleier');
  const item = page.locator('#my-work li', { hasText: TASK });
  await item.waitFor();
  assert.match(await item.innerText(), /Ingrid Marie Haugland/);
  assert.match(await page.locator('#my-work').innerText(), /Planer endret siden du så sist/);
  await page.screenshot({ path: `${shots}/careplan-worklist.png`, fullPage: true });
  await item.getByRole('button', { name: 'Utført' }).click();
  await page.locator('#my-work li', { hasText: TASK }).waitFor({ state: 'detached' });
  assert.equal(suite.db.query(`SELECT status FROM care_item WHERE text = '${TASK}'`), 'completed');
  assert.deepEqual(errors, []);
  await context.close();
});

test('the patient reads her plan, writes what matters to her and reports her weight', async () => {
  const context = await suite.browser.newContext({ viewport: { width: 820, height: 1180 } }); // a tablet
  const page = await context.newPage();
  const errors = collectErrors(page);
  await login(page, 'pasient');
  await page.getByRole('link', { name: /Min plan/ }).click();
  await page.getByRole('heading', { name: 'Hva er viktig for deg?' }).waitFor();
  const done = page.locator('#tasks tr', { hasText: TASK });
  assert.match(await done.innerText(), /Utført/, 'the nurse\'s work shows in the patient\'s plan');
  const words = 'Å feire jul hjemme med barnebarna.';
  await page.getByLabel('Skriv med dine egne ord').fill(words);
  await page.locator('#what-matters').getByRole('button', { name: 'Lagre' }).click();
  await page.locator('#what-matters blockquote', { hasText: words }).waitFor();
  assert.equal(suite.db.query(`SELECT what_matters FROM care_plan WHERE patient_id = (SELECT patient_id FROM app_user
    WHERE username = 'pasient') AND status = 'active'`), words);
  await page.getByLabel('Hva har du målt?').selectOption('weight');
  await page.getByLabel('Verdi').fill('61,8');
  await page.getByRole('button', { name: 'Send målingen' }).click();
  await page.locator('#measurements td', { hasText: '61,8 kg' }).waitFor();
  await page.getByLabel('Verdi').fill('800');
  await page.getByRole('button', { name: 'Send målingen' }).click();
  await page.locator('#measurements [role=alert]', { hasText: /mellom 20 og 400 kg/ }).waitFor();
  await page.screenshot({ path: `${shots}/careplan-patient.png`, fullPage: true });
  assert.deepEqual(errors, []);
  await context.close();
});

test('the relative sees what the patient allowed and nothing to edit', async () => {
  const context = await suite.browser.newContext();
  const page = await context.newPage();
  const errors = collectErrors(page);
  await login(page, 'parorende');
  await page.getByRole('link', { name: /Planen til den du er pårørende for/ }).click();
  await page.getByText('Du ser det pasienten har gitt deg samtykke til å se.').waitFor();
  await page.locator('#thread li.msg').first().waitFor();
  assert.equal(await page.locator('#measurements').count(), 0, 'measurements were not shared');
  assert.equal(await page.locator('#tasks form').count(), 0, 'no task form');
  assert.equal(await page.getByRole('button', { name: 'Lagre' }).count(), 0, 'nothing to save');
  await page.getByRole('link', { name: 'Samtykke' }).click();
  await page.getByText(/Du kan: se planen, meldinger med teamet, se avtaler/).waitFor();
  assert.deepEqual(errors, []);
  await context.close();
});
