// Shared by the browser suites: Debian's Chromium driven by playwright-core
// with the flags a closed network needs, logging in, and collecting errors.
import { chromium } from 'playwright-core';
import { PASSWORD } from './server.mjs';

export function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
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
