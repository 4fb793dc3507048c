// The fault-injection scenarios (npm run reliability): the shared preset, with the scenario files at this folder's top.
const preset = require('../jest.preset.js');

module.exports = { ...preset, rootDir: __dirname, testMatch: ['<rootDir>/*.test.ts'], testTimeout: 300_000, maxWorkers: 1 };
