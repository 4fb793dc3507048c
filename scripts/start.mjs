#!/usr/bin/env node
// `npm start`: the whole product on one machine with the Flowhub simulator and a demo store.
// Not there yet: the first-run experience is built by a later issue. Say so plainly.
process.stderr.write(
  [
    'npm start is not available yet: the one-command demo (simulator, demo store, producer and workers) is still being built.',
    'What works today:',
    '  npm test                 run every test (starts Redis and PostgreSQL itself)',
    '  npm run stack:up         start local Redis and PostgreSQL and print their URLs',
    '  npm run flowhub-sim      the Flowhub simulator (after npm run build)',
    '',
  ].join('\n'),
);
process.exit(1);
