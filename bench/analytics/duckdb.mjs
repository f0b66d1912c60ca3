// Runs bench/analytics/queries.sql in DuckDB (@duckdb/node-api, in-process)
// on the exported facts: loads the CSVs into tables, runs each query `runs`
// times and prints the median, writes each answer as CSV into the out folder.
// Usage: node duckdb.mjs FACTS_DIR OUT_DIR A B A10 RUNS
import { readFileSync, writeFileSync } from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';

const [facts, out, a, b, a10, runsArg] = process.argv.slice(2);
const runs = Number(runsArg || 5);
const peakMiB = () => Number(/VmHWM:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))[1]) / 1024;

const db = await DuckDBInstance.create(':memory:');
const c = await db.connect();
let t0 = performance.now();
await c.run(`CREATE TABLE stays AS SELECT * FROM read_csv('${facts}/stays.csv', header = true, columns = {
  'nr': 'VARCHAR', 'patient': 'INTEGER', 'unit': 'INTEGER', 'start_min': 'BIGINT', 'end_min': 'BIGINT',
  'start_month': 'INTEGER', 'end_month': 'INTEGER', 'emergency': 'INTEGER', 'transfer': 'INTEGER',
  'home': 'INTEGER', 'index_end': 'INTEGER', 'old': 'INTEGER'})`);
await c.run(`CREATE TABLE months AS SELECT * FROM read_csv('${facts}/months.csv', header = true, columns = {
  'month': 'INTEGER', 'start_min': 'BIGINT', 'end_min': 'BIGINT'})`);
console.log(`duckdb load_ms=${(performance.now() - t0).toFixed(0)}`);

const sql = readFileSync(new URL('./queries.sql', import.meta.url), 'utf8');
const queries = sql.split(/^-- (\w+)$/m).reduce((acc, part, i, all) => {
  if (i % 2 === 1) acc.push({ name: part, text: all[i - 1].replace(/^--.*$/gm, '').trim() });
  return acc;
}, []);
const jobs = queries.map((q) => ({ ...q, text: q.text.replaceAll('{A}', a).replaceAll('{B}', b) }));
const r10 = queries.find((q) => q.name === 'readmissions');
jobs.push({ name: 'readmissions_10y', text: r10.text.replaceAll('{A}', a10).replaceAll('{B}', b) });
for (const q of jobs) {
  const times = [];
  let reader;
  for (let i = 0; i < runs; i++) {
    t0 = performance.now();
    reader = await c.runAndReadAll(q.text);
    times.push(performance.now() - t0);
  }
  times.sort((x, y) => x - y);
  const rows = reader.getRows();
  const head = reader.columnNames().join(',');
  writeFileSync(`${out}/duckdb-${q.name}.csv`, [head, ...rows.map((r) => r.map(String).join(','))].join('\n') + '\n');
  console.log(`duckdb ${q.name}_ms=${times[Math.floor(runs / 2)].toFixed(1)} rows=${rows.length}`);
}
console.log(`duckdb peak_rss_mib=${peakMiB().toFixed(1)}`);
