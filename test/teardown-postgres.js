// Drops the test file's PostgreSQL schema (see setup-postgres.js) once its tests are done.
const { Client } = require('pg');

afterAll(async () => {
  const schema = process.env.LADING_TEST_PG_SCHEMA;
  if (!schema) return;
  const client = new Client({
    host: process.env.PGHOST || '127.0.0.1', port: Number(process.env.PGPORT || 5432),
    database: process.env.PGDATABASE || 'test', user: process.env.PGUSER || 'postgres',
  });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
});
