// Checks that every SQL engine gave the engine's answers: merges each
// engine's four result files (admissions, discharges, bed_minutes,
// readmissions) by municipality and month, drops all-zero rows, and compares
// with engine.csv. Usage: node compare.mjs OUT_DIR sqlite postgres duckdb
import { readFileSync, existsSync } from 'node:fs';

const [dir, ...engines] = process.argv.slice(2);
const cols = ['kad_adm', 'kad_adm80', 'kad_end', 'kad_los', 'kad_home', 'kad_bed', 'h_adm', 'h_emerg', 'h_emerg80', 'h_index', 'h_readmit'];
const read = (file) => {
  const [head, ...lines] = readFileSync(file, 'utf8').trim().split('\n');
  const names = head.split(',').map((s) => s.trim());
  return lines.filter(Boolean).map((l) => Object.fromEntries(l.split(/[,|]/).map((v, i) => [names[i], v.trim()])));
};
const key = (r) => `${r.nr},${r.month}`;
const render = (map) => [...map.entries()]
  .filter(([, v]) => cols.some((c) => Number(v[c] || 0) !== 0))
  .map(([k, v]) => `${k},${cols.map((c) => Number(v[c] || 0)).join(',')}`).sort().join('\n');

const engine = new Map(read(`${dir}/engine.csv`).map((r) => [key(r), r]));
const want = render(engine);
let failed = 0;
for (const e of engines) {
  const merged = new Map();
  for (const part of ['admissions', 'discharges', 'bed_minutes', 'readmissions']) {
    const file = `${dir}/${e}-${part}.csv`;
    if (!existsSync(file)) { console.log(`${e}: missing ${file}`); failed++; continue; }
    for (const r of read(file)) merged.set(key(r), { ...(merged.get(key(r)) || {}), ...r });
  }
  const got = render(merged);
  if (got === want) console.log(`${e}: same answers as the engine (${want.split('\n').length} municipality-months)`);
  else {
    failed++;
    const a = want.split('\n'); const b = got.split('\n');
    const diff = a.filter((l) => !b.includes(l)).slice(0, 5);
    console.log(`${e}: DIFFERENT answers, e.g. engine ${diff.join(' | ')}; ${e} ${b.filter((l) => !a.includes(l)).slice(0, 5).join(' | ')}`);
  }
}
process.exit(failed ? 1 : 0);
