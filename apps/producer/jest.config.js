// The shared preset, plus: Bull Board's Fastify adapter loads @fastify/static, whose content-disposition 3
// is an ES module that Jest (before Node 24.9) cannot require untransformed.
const preset = require('../../jest.preset.js');
module.exports = {
  ...preset,
  transformIgnorePatterns: [preset.transformIgnorePatterns[0].replace('agent-base)', 'agent-base|content-disposition)')],
};
