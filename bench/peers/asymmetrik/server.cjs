// Peer: @asymmetrik/node-fhir-server-core with a Patient service on
// better-sqlite3 (WAL). Usage: node server.cjs PORT DB PATIENTS.ndjson IDS_OUT
const path = require('node:path');
const fs = require('node:fs');
const { initialize } = require('@asymmetrik/node-fhir-server-core');
const Database = require('better-sqlite3');

const [port, dbPath, patientsFile, idsOut] = process.argv.slice(2);
const db = new Database(dbPath);
db.pragma('journal_mode = WAL');
db.exec(`CREATE TABLE IF NOT EXISTS patient (id TEXT PRIMARY KEY, family TEXT, given TEXT,
  birthdate TEXT, json TEXT NOT NULL); CREATE INDEX IF NOT EXISTS patient_family ON patient (family)`);
const insert = db.prepare('INSERT INTO patient (id, family, given, birthdate, json) VALUES (?, ?, ?, ?, ?)');
const ids = [];
db.transaction(() => {
  for (const line of fs.readFileSync(patientsFile, 'utf8').split('\n')) {
    if (!line) continue;
    const p = JSON.parse(line);
    insert.run(p.id, p.name[0].family.toLowerCase(), p.name[0].given.join(' ').toLowerCase(), p.birthDate, line);
    ids.push(p.id);
  }
})();
fs.writeFileSync(idsOut, ids.join('\n') + '\n');
global.benchDb = db;

const server = initialize({
  profiles: { patient: { service: path.join(__dirname, 'patient.service.cjs'), versions: ['4_0_0'] } },
  server: { port: Number(port) },
  logging: { level: 'error' },
});
server.listen(Number(port), () => console.log(`asymmetrik peer on ${port}, ${ids.length} patients`));
