#!/usr/bin/env node
// `npx lading …`: runs the TypeScript CLI through tsx, as `npm start` runs the server.
require('tsx/cjs');
require('./lading-cli.ts');
