// Patient read, search by name and create for the Asymmetrik peer.
const crypto = require('node:crypto');
const { resolveSchema } = require('@asymmetrik/node-fhir-server-core');

const db = global.benchDb;
const byId = db.prepare('SELECT json FROM patient WHERE id = ?');
const byName = db.prepare('SELECT json FROM patient WHERE family LIKE ? OR given LIKE ? LIMIT ?');
const insert = db.prepare('INSERT INTO patient (id, family, given, birthdate, json) VALUES (?, ?, ?, ?, ?)');

function toPatient(json, version) {
  const Patient = resolveSchema(version, 'patient');
  return new Patient(JSON.parse(json));
}

module.exports.searchById = async (args, { base_version: version }) => {
  const row = byId.get(args.id);
  return row ? toPatient(row.json, version) : null;
};

module.exports.search = async (args, { base_version: version }) => {
  const name = `${String(args.name || '').toLowerCase()}%`;
  const count = Math.min(Number(args._count) || 20, 100);
  return byName.all(name, name, count).map((r) => toPatient(r.json, version));
};

module.exports.create = async (args, { req }) => {
  const p = req.body;
  p.id = crypto.randomUUID();
  insert.run(p.id, p.name[0].family.toLowerCase(), p.name[0].given.join(' ').toLowerCase(), p.birthDate ?? null,
    JSON.stringify(p));
  return { id: p.id };
};
