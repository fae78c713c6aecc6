/**
 * received-state.test.ts again on PostgreSQL (jest.config.js's postgres project does not list
 * test/reconciliation): the database is set up here as that project's setup files do, before the
 * suite loads CAP. Both read paths are CAP queries there; the recorder's statements are CAP's too.
 */
/* eslint-disable @typescript-eslint/no-require-imports -- order matters: the database settings before CAP loads */
require('../setup-postgres.js');
require('../teardown-postgres.js');
require('./received-state.test');

it('runs on PostgreSQL', () => {
  expect((require('@sap/cds') as { db?: { kind?: string } }).db?.kind).toBe('postgres');
});
