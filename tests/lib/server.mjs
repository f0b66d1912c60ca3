// Test helpers: fresh databases on either backend, the real server on a free
// port, and an HTTP client with a cookie and CSRF token. No mocks.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const BIN = process.env.HB_BIN || 'build/san/helsebro';
export const BACKEND = process.env.HB_BACKEND || 'sqlite';
export const PASSWORD = 'helsebro-demo';
const OUT = process.env.HB_TEST_OUT || mkdtempSync(join(tmpdir(), 'hb-e2e-'));
let counter = 0;

// A new empty database: { url, query(sql) -> first column of the first row }.
export function newDatabase(tag = 'db') {
  counter += 1;
  if (BACKEND === 'sqlite') {
    const path = join(OUT, `${tag}-${process.pid}-${counter}.db`);
    return {
      url: `sqlite:${path}`,
      query: (sql) => execFileSync('sqlite3', [path, sql], { encoding: 'utf8' }).trim(),
    };
  }
  const admin = process.env.PG_ADMIN_URL;
  const base = process.env.PG_APP_URL_BASE;
  if (!admin || !base) throw new Error('PG_ADMIN_URL and PG_APP_URL_BASE must be set (tests/run.sh does)');
  const name = `hb_${tag}_${process.pid}_${counter}`.toLowerCase().replace(/[^a-z0-9_]/g, '_');
  execFileSync('psql', ['-q', admin, '-c', `CREATE DATABASE ${name} OWNER helsebro`]);
  const url = `${base}/${name}`;
  return { url, query: (sql) => execFileSync('psql', ['-At', url, '-c', sql], { encoding: 'utf8' }).trim() };
}

export function cli(args, input) {
  try {
    const stdout = execFileSync(BIN, args, { input: input ?? '', encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
    return { status: 0, stdout, stderr: '' };
  } catch (e) {
    return { status: e.status, stdout: e.stdout?.toString() ?? '', stderr: e.stderr?.toString() ?? '' };
  }
}

export function seedDemo(db) {
  const r = cli(['seed', 'demo', '--db', db.url]);
  if (r.status !== 0) throw new Error(`seed demo failed: ${r.stderr}`);
  return r.stdout;
}

// Starts `helsebro serve` on a free port; resolves when it listens.
export function startServer(db, extra = []) {
  return new Promise((resolve, reject) => {
    const proc = spawn(BIN, ['serve', '--db', db.url, '--listen', '127.0.0.1:0', ...extra], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    let stdout = '';
    const exited = new Promise((res) => proc.on('exit', (code, signal) => res({ code, signal })));
    proc.stderr.on('data', (d) => { stderr += d; });
    proc.stdout.on('data', (d) => {
      stdout += d;
      const m = stdout.match(/http:\/\/127\.0\.0\.1:(\d+)/);
      if (m) {
        resolve({
          base: `http://127.0.0.1:${m[1]}`,
          proc,
          stderr: () => stderr,
          async stop(signal = 'SIGTERM') {
            proc.kill(signal);
            return exited;
          },
        });
      }
    });
    proc.on('error', reject);
    exited.then(({ code }) => reject(new Error(`server exited early (${code}): ${stderr}`)));
  });
}

// A browser-like client: keeps the session cookie and sends the CSRF token.
export class Client {
  constructor(base) {
    this.base = base;
    this.cookie = null;
    this.csrf = null;
    this.bearer = null;
  }

  async request(method, path, { body, raw, headers = {}, csrf = true } = {}) {
    const h = { Accept: 'application/json', ...headers };
    if (this.cookie) h.Cookie = this.cookie;
    if (this.bearer) h.Authorization = `Bearer ${this.bearer}`;
    if (csrf && this.csrf && method !== 'GET') h['X-CSRF-Token'] = this.csrf;
    let payload = raw;
    if (body !== undefined) {
      payload = JSON.stringify(body);
      if (!h['Content-Type']) h['Content-Type'] = 'application/json';
    }
    const res = await fetch(this.base + path, { method, headers: h, body: payload, redirect: 'manual' });
    const text = await res.text();
    let json = null;
    try { json = text ? JSON.parse(text) : null; } catch { json = null; }
    const setCookie = res.headers.get('set-cookie');
    if (setCookie) this.cookie = setCookie.split(';')[0];
    return { status: res.status, headers: res.headers, text, json };
  }

  get(path, opts) { return this.request('GET', path, opts); }
  post(path, body, opts = {}) { return this.request('POST', path, { ...opts, body }); }
  put(path, body, opts = {}) { return this.request('PUT', path, { ...opts, body }); }

  async login(username, password = PASSWORD) {
    const r = await this.post('/api/login', { username, password });
    if (r.status === 200) this.csrf = r.json.csrfToken;
    return r;
  }
}

// Counts of the rows a bad request must not change.
export function snapshot(db) {
  const tables = ['patient', 'change_log', 'emergency_access', 'app_user', 'org', 'session'];
  const out = {};
  for (const t of tables) out[t] = db.query(`SELECT COUNT(*) FROM ${t}`);
  out.versions = db.query('SELECT COALESCE(SUM(version), 0) FROM patient');
  return out;
}

// A valid synthetic fødselsnummer (month + 80) for a date and sex.
export function syntheticNid(year, month, day, female, seq = 0) {
  const w1 = [3, 7, 6, 1, 8, 9, 4, 5, 2];
  const w2 = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2];
  const [lo, hi] = year < 2000 ? [0, 499] : [500, 999];
  for (let t = 0; t <= hi - lo; t++) {
    const ind = lo + ((seq + t) % (hi - lo + 1));
    if ((ind % 2 === 0) !== female) continue;
    const s = `${String(day).padStart(2, '0')}${month + 80}${String(year % 100).padStart(2, '0')}${String(ind).padStart(3, '0')}`;
    const d = [...s].map(Number);
    let k1 = 11 - (d.reduce((a, x, i) => a + x * w1[i], 0) % 11);
    if (k1 === 11) k1 = 0;
    if (k1 === 10) continue;
    d.push(k1);
    let k2 = 11 - (d.reduce((a, x, i) => a + x * w2[i], 0) % 11);
    if (k2 === 11) k2 = 0;
    if (k2 === 10) continue;
    return s + k1 + k2;
  }
  throw new Error('no id');
}

// A FHIR Patient living in a municipality.
export function patientResource(nid, { family = 'Testesen', given = ['Test'], kommune = '4631', gender, birthDate } = {}) {
  const r = {
    resourceType: 'Patient',
    identifier: [{ system: 'urn:oid:2.16.578.1.12.4.1.4.1', value: nid }],
    name: [{ family, given }],
    address: [{
      extension: [{
        url: 'http://hl7.no/fhir/StructureDefinition/no-basis-municipalitycode',
        valueCoding: { system: 'urn:oid:2.16.578.1.12.4.1.1.3402', code: kommune },
      }],
    }],
  };
  if (gender) r.gender = gender;
  if (birthDate) r.birthDate = birthDate;
  return r;
}
