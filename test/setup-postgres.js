// The PostgreSQL project: the same tests against the real server (127.0.0.1:5432, trust, database
// `test`), each test file in a schema of its own that is dropped afterwards.
const { randomBytes } = require('node:crypto');

const schema = `lading_test_${process.pid}_${randomBytes(4).toString('hex')}`;
process.env.LADING_TEST_PG_SCHEMA = schema;
process.env.CDS_CONFIG = JSON.stringify({
  requires: {
    db: {
      kind: 'postgres',
      credentials: {
        host: process.env.PGHOST || '127.0.0.1',
        port: Number(process.env.PGPORT || 5432),
        database: process.env.PGDATABASE || 'test',
        user: process.env.PGUSER || 'postgres',
        schema,
      },
    },
  },
});
