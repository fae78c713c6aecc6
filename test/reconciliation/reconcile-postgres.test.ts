/**
 * The end-to-end reconciliation suite (reconcile.test.ts) again on PostgreSQL, where the database is
 * read through CAP's queries instead of SQLite's plain SQL (jest.config.js's postgres project does
 * not list test/reconciliation): the database is set up here as that project's setup files do,
 * before the suite loads CAP.
 */
/* eslint-disable @typescript-eslint/no-require-imports -- order matters: the database settings before CAP loads */
require('../setup-postgres.js');
require('../teardown-postgres.js');
require('./reconcile.test');

it('runs on PostgreSQL', () => {
  expect((require('@sap/cds') as { db?: { kind?: string } }).db?.kind).toBe('postgres');
});
