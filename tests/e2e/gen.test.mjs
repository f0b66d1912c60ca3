// `helsebro gen flow`: synthetic flow at scale, reproducible by seed, served
// like any other data.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newDatabase, startServer, Client, cli } from '../lib/server.mjs';

function gen(db, seed, n = 5, days = 10) {
  return cli(['gen', 'flow', '--db', db.url, '--municipalities', String(n), '--days', String(days), '--seed', String(seed)]);
}

test('the same seed gives the same data; another seed other data; a second run is refused', async () => {
  const a = newDatabase('gena');
  const b = newDatabase('genb');
  const c = newDatabase('genc');
  let r = gen(a, 7);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^5 municipalities, \d+ stays, \d+ open now/);
  assert.equal(gen(b, 7).status, 0);
  assert.equal(gen(c, 8).status, 0);
  const nids = (db) => db.query('SELECT nid FROM patient ORDER BY nid');
  const shape = (db) => db.query(`SELECT COUNT(*) || '/' || SUM(CASE WHEN end_at IS NULL THEN 1 ELSE 0 END) FROM stay`);
  assert.equal(nids(a), nids(b));
  assert.equal(shape(a), shape(b));
  assert.notEqual(nids(a), nids(c));
  assert.equal(a.query("SELECT COUNT(*) FROM org WHERE type = 'municipality'"), '5');
  // Every open stay holds exactly the bed marked occupied, and no bed two.
  assert.equal(a.query(`SELECT COUNT(*) FROM stay s JOIN bed b ON b.stay_id = s.id
    WHERE s.end_at IS NULL AND b.unit_id = s.unit_id AND b.number = s.bed_number`),
  a.query('SELECT COUNT(*) FROM stay WHERE end_at IS NULL'));
  assert.equal(a.query("SELECT COUNT(*) FROM bed WHERE state = 'occupied'"), a.query('SELECT COUNT(*) FROM stay WHERE end_at IS NULL'));
  r = gen(a, 9);
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /fresh/);
  assert.notEqual(cli(['gen', 'flow', '--db', a.url, '--municipalities', '0']).status, 0);
  assert.notEqual(cli(['gen', 'flood', '--db', a.url]).status, 0);

  const srv = await startServer(a);
  try {
    assert.equal(cli(['user', 'add', '--db', a.url, '--username', 'analyst', '--name', 'A',
      '--role', 'analyst', '--org', a.query("SELECT id FROM org WHERE type = 'helsefellesskap'")], 'et-godt-passord\n').status, 0);
    const an = new Client(srv.base);
    await an.login('analyst', 'et-godt-passord');
    const cap = await an.get('/api/capacity');
    assert.equal(cap.status, 200);
    assert.equal(cap.json.municipalities.length, 5);
    assert.equal(cap.json.totals.occupied, Number(a.query('SELECT COUNT(*) FROM stay WHERE end_at IS NULL')));
  } finally {
    await srv.stop();
  }
});
