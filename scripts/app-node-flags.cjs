// How an app's process is started: its package.json `start` script, `node [flags] dist/main.js`, is the one place
// that says which flags node gets (the inventory worker's garbage collector, say). `npm start`, the benchmarks and the
// process tests (packages/testing) start the built apps the same way, with the flags read from there. CommonJS, so that
// the ES module scripts and the built test kit can both load it.
'use strict';
const { readFileSync } = require('node:fs');
const path = require('node:path');

/** The node flags of apps/<app>'s start script (none for `node dist/main.js`). Throws when the script has another shape. */
exports.appNodeFlags = function appNodeFlags(root, app) {
  const manifest = JSON.parse(readFileSync(path.join(root, 'apps', app, 'package.json'), 'utf8'));
  const start = (manifest.scripts && manifest.scripts.start) || '';
  const match = /^node((?:\s+--[a-z][a-z0-9-]*(?:=\S+)?)*)\s+dist\/main\.js$/.exec(start.trim());
  if (!match) throw new Error(`apps/${app}/package.json: the start script must be "node [--flag …] dist/main.js", not "${start}"`);
  return match[1].trim() === '' ? [] : match[1].trim().split(/\s+/);
};
