// The shared preset, plus: https-proxy-agent 9 and its helpers are ES modules, which Jest (before Node 24.9)
// cannot require untransformed; only the proxy test loads them (the client requires them lazily).
const preset = require('../../jest.preset.js');
module.exports = { ...preset, transformIgnorePatterns: ['/node_modules/(?!(rettime|@open-draft|until-async|https-proxy-agent|agent-base|proxy-agent-negotiate)/)'] };
