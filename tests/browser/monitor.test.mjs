// Monitoring in a real browser: an alert raised by a device posting vital
// signs appears on the KAD nurse's dashboard without reloading, and she
// acknowledges it; the chart shows the vital signs with NEWS2 bands.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from '../lib/server.mjs';
import { demoSuite, login as loginAs, collectErrors } from '../lib/browser.mjs';

const suite = demoSuite('browsermon');
const shots = process.env.HB_TEST_OUT || '/tmp';

test('an alert appears live on the dashboard and is acknowledged', async () => {
  const page = await suite.browser.newPage();
  const errors = collectErrors(page);
  const pid = suite.db.query(`SELECT s.patient_id FROM stay s JOIN org o ON o.id = s.unit_id WHERE o.unit_type = 'kad'
    AND s.end_at IS NULL ORDER BY s.patient_id LIMIT 1`);
  const device = new Client(suite.srv.base);
  await device.login('sykepleier.kad');
  const normal = { rr: '16', spo2: '97', oxygen: '0', sbp: '125', pulse: '72', acvpu: 'A', temperature: '37.0' };
  assert.equal((await device.post(`/api/patients/${pid}/vitals`, { values: normal })).status, 201);
  await loginAs(page, suite.srv.base, 'sykepleier.kad');
  await page.getByRole('link', { name: 'Overvåking', exact: true }).click();
  const row = page.locator(`tr[data-patient="${pid}"]`);
  await row.waitFor();
  assert.match(await row.innerText(), /Ingen/, 'no alert yet');
  // The patient deteriorates; the dashboard is not reloaded.
  const r = await device.post(`/api/patients/${pid}/vitals`, { values: { ...normal, rr: '26', spo2: '92', pulse: '122', acvpu: 'C' } });
  assert.equal(r.status, 201);
  const alert = page.locator(`tr[data-patient="${pid}"] li.alert`).first();
  await alert.waitFor({ timeout: 15000 });
  assert.match(await alert.innerText(), /NEWS2 7 eller mer/);
  const rows = await page.locator('tbody tr').evaluateAll((trs) => trs.map((r) => [r.dataset.patient, r.classList.contains('has-alert')]));
  const mine = rows.findIndex(([id]) => id === pid);
  const firstQuiet = rows.findIndex(([, alerted]) => !alerted);
  assert.ok(rows[mine][1] && (firstQuiet === -1 || mine < firstQuiet), 'with the alerted patients, above the quiet ones');
  await page.screenshot({ path: `${shots}/monitor-dashboard.png`, fullPage: true });
  await alert.getByRole('button', { name: 'Kvitter' }).click();
  await page.locator(`tr[data-patient="${pid}"] li.alert.acknowledged`).first().waitFor();
  assert.equal(suite.db.query(`SELECT status FROM alert WHERE patient_id = ${pid} AND kind = 'news2-high'`), 'acknowledged');
  await page.getByRole('link', { name: 'Start' }).click();
  await page.locator('#my-alerts li', { hasText: /NEWS2 7 eller mer/ }).first().waitFor();
  assert.match(await page.locator('#my-alerts').innerText(), /kvittert/);
  await page.getByRole('link', { name: 'Overvåking', exact: true }).click();
  await row.waitFor();
  await row.getByRole('link').first().click();
  await page.getByRole('heading', { name: /^Kurve: / }).waitFor();
  assert.ok(await page.locator('figure.vital rect.band').count() > 5, 'NEWS2 bands shaded');
  assert.ok(await page.locator('figure.vital line.alert-mark').count() >= 1, 'alerts marked');
  await page.screenshot({ path: `${shots}/monitor-chart.png`, fullPage: true });
  assert.deepEqual(errors, []);
});
