// Turns bench/run.sh results ("op target rps p50us p99us non2xx errors") into a
// Markdown table with Helsebro's ratio to each peer on the same operation, and
// the peak memory file ("server KiB") into a second table.
import { readFileSync } from 'node:fs';
import os from 'node:os';

const rows = readFileSync(process.argv[2], 'utf8').trim().split('\n').map((l) => {
  const [op, target, rps, p50, p99, non2xx, errors] = l.split(' ');
  return { op, target, rps: Number(rps), p50: Number(p50), p99: Number(p99), non2xx: Number(non2xx), errors: Number(errors) };
});
const ms = (us) => (us / 1000).toFixed(2);
const hb = Object.fromEntries(rows.filter((r) => r.target === 'helsebro').map((r) => [r.op, r]));
console.log(`Machine: ${os.cpus()[0].model}, ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${new Date().toISOString().slice(0, 10)}\n`);
console.log('| operation | server | requests/s | p50 ms | p99 ms | non-2xx | errors | Helsebro ÷ this |');
console.log('| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const r of rows) {
  const ratio = r.target === 'helsebro' ? '' : (hb[r.op] ? (hb[r.op].rps / r.rps).toFixed(2) : '');
  console.log(`| ${r.op} | ${r.target} | ${r.rps.toLocaleString('en-US')} | ${ms(r.p50)} | ${ms(r.p99)} | ${r.non2xx} | ${r.errors} | ${ratio} |`);
}

if (process.argv[3]) {
  console.log('\n| server | peak resident memory (MiB), data loaded and every run done |');
  console.log('| --- | ---: |');
  for (const line of readFileSync(process.argv[3], 'utf8').trim().split('\n')) {
    const [server, kib] = line.split(' ');
    console.log(`| ${server} | ${(Number(kib) / 1024).toFixed(1)} |`);
  }
}
