// Shared by the browser suites: Debian's Chromium driven by playwright-core
// with the flags a closed network needs, logging in, and collecting errors.
import { before, after } from 'node:test';
import { chromium } from 'playwright-core';
import { PASSWORD, newDatabase, seedDemo, startServer } from './server.mjs';

export function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

// Registers the suite's before and after: a fresh database named name with
// the demo data, a server on it and a browser. The returned object holds db,
// srv and browser once before has run.
export function demoSuite(name) {
  const suite = {};
  before(async () => {
    suite.db = newDatabase(name);
    seedDemo(suite.db);
    suite.srv = await startServer(suite.db);
    suite.browser = await launch();
  });
  after(async () => {
    await suite.browser?.close();
    await suite.srv?.stop();
  });
  return suite;
}

export async function login(page, base, username, password = PASSWORD) {
  await page.goto(base + '/');
  await page.getByLabel('Brukernavn').fill(username);
  await page.getByLabel('Passord').fill(password);
  await page.getByRole('button', { name: 'Logg inn' }).click();
  await page.getByRole('heading', { name: /^Hei, / }).waitFor();
}

// Script errors and failed loads the page reports; 4xx answers the browser
// logs as "Failed to load resource" are expected and left out.
export function collectErrors(page, { serverErrors = true } = {}) {
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) errors.push(m.text());
  });
  page.on('response', (r) => {
    if (r.status() === 404 || (serverErrors && r.status() >= 500)) errors.push(`${r.status()} ${r.url()}`);
  });
  return errors;
}
