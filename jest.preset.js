// Shared Jest preset: every workspace's jest.config.js is one line that requires this file.
const path = require('node:path');

module.exports = {
  testEnvironment: 'node',
  testMatch: ['<rootDir>/src/**/*.test.ts', '<rootDir>/test/**/*.test.ts'],
  transform: {
    '^.+\\.(t|j|mj)s$': ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } }, module: { type: 'commonjs' } }],
  },
  // msw 2's CommonJS build requires ESM-only packages, and so does Fastify's inject (cookie 1.x): let Jest
  // transform those (docs/architecture.md, "Tooling facts"). A path is left alone when it is in node_modules and names none of them.
  transformIgnorePatterns: [
    '^(?!.*(rettime|@open-draft|until-async|light-my-request/node_modules/cookie|https-proxy-agent|agent-base|proxy-agent-negotiate|content-disposition)/).*node_modules/',
  ],
  // Tests import the other workspaces' sources directly, so no build is needed before testing.
  // The simulator is an app, but end-to-end tests and benchmarks start it in-process too.
  moduleNameMapper: {
    '^@flowhub-sync/flowhub-sim$': path.join(__dirname, 'apps/flowhub-sim/src'),
    '^@flowhub-sync/([a-z-]+)$': path.join(__dirname, 'packages/$1/src'),
    // A workspace's helpers for other workspaces' tests: its `testing` entry (never a deep import into its src).
    // The producer's is its test harness, for the client package's tests, which drive a real producer.
    '^@flowhub-sync/producer/testing$': path.join(__dirname, 'apps/producer/src/testing'),
    '^@flowhub-sync/([a-z-]+)/testing$': path.join(__dirname, 'packages/$1/src/testing'),
  },
  testTimeout: 30000,
};
