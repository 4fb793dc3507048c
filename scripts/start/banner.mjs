// What `npm start` prints once everything answers: where things are, the demo's credentials (shown here only,
// never logged), and commands to paste.
import { DEMO_STORE_ID } from './demo-store.mjs';

const rule = '─'.repeat(78);

function tryTheDemo(apiUrl, token) {
  const auth = '-H "authorization: Bearer $TOKEN"';
  const store = `$API/v1/stores/${DEMO_STORE_ID}`;
  const field = (expression) => `node -pe '(o => ${expression})(JSON.parse(require("fs").readFileSync(0, "utf8")))'`;
  const order = JSON.stringify({
    externalId: '@ORDER@',
    type: 'pickup',
    customer: { firstName: 'Ada', lastName: 'Lovelace', phone: '+15555550123', purchaseCategory: 'rec' },
    items: [{ variantId: '@VARIANT@', quantity: 1 }],
  })
    .replace('"@ORDER@"', `"'$ORDER'"`)
    .replace('"@VARIANT@"', `"'$VARIANT'"`);
  const menuLine =
    'o.items.map((p) => `${p.name} | ${p.category} | $${(p.priceCents / 100).toFixed(2)} | ${p.availableQuantity} available`).join("\\n")';
  return [
    ' Try it: paste into another terminal',
    '',
    `   export API=${apiUrl} TOKEN=${token}`,
    '   # 1. the menu, synced from Flowhub every 30 s (the first sync starts now)',
    `   curl -s ${auth} "${store}/products?limit=5" | ${field(menuLine)}`,
    '   # 2. an online order for one unit of the first sellable product',
    '   ORDER=web-$(date +%s)',
    `   VARIANT=$(curl -s ${auth} "${store}/products?sellable=true&limit=1" | ${field('o.items[0].variantId')})`,
    `   curl -s -w '\\n' -X POST ${auth} -H 'content-type: application/json' "${store}/orders" -d '${order}'`,
    '   # 3. confirm it: it is pushed into Flowhub',
    `   curl -s -w '\\n' -X POST ${auth} "${store}/orders/$ORDER/confirm"`,
    "   # 4. watch it move through Flowhub's statuses (new → started → ready → sold, about a minute)",
    `   while sleep 2; do curl -s ${auth} "${store}/orders/$ORDER" | ${field('`${o.status} (Flowhub: ${o.flowhubStatus})`')}; done`,
  ];
}

function connectAStore(apiUrl, token) {
  return [
    ' Connect a store: its Flowhub credentials, checked against Flowhub before they are saved',
    '',
    `   export API=${apiUrl} TOKEN=${token}`,
    `   curl -s -X PUT -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' "$API/v1/stores/<storeId>/flowhub" \\`,
    `     -d '{"enabled": true, "clientId": "…", "apiKey": "…", "locationId": "…"}'`,
  ];
}

/**
 * @param {object} info
 * @param {boolean} info.demo           the simulator and the demo store
 * @param {string} info.apiUrl
 * @param {Record<string,string>} info.secrets  API_TOKEN, BULL_BOARD_USER, BULL_BOARD_PASSWORD
 * @param {string} [info.simUrl]
 * @param {string} info.flowhubUrl
 * @param {string[]} info.readyUrls
 * @param {{name: string, pid: number}[]} info.processes
 * @param {string} info.secretsFile     where the demo secrets are kept (relative path)
 */
export function renderBanner({ demo, apiUrl, secrets, simUrl, flowhubUrl, readyUrls, processes, secretsFile }) {
  const row = (label, value) => ` ${label.padEnd(13)} ${value}`;
  return [
    '',
    rule,
    demo
      ? ` flowhub-sync is running: store "${DEMO_STORE_ID}" on the Flowhub simulator (demo location, 3 For-Sale rooms)`
      : ` flowhub-sync is running against Flowhub at ${flowhubUrl}`,
    rule,
    row('API', apiUrl),
    row('API token', secrets.API_TOKEN),
    row('Bull Board', `${apiUrl}/admin/queues`),
    row('', `user ${secrets.BULL_BOARD_USER}   password ${secrets.BULL_BOARD_PASSWORD}`),
    ...(demo ? [row('Simulator', `${simUrl}   (Flowhub's API; its controls under ${simUrl}/__sim/)`)] : []),
    row('Health', readyUrls.join('   ')),
    row('Processes', processes.map(({ name, pid }) => `${name} pid ${pid}`).join(', ')),
    row('Secrets', `demo values, kept in ${secretsFile} (delete it for new ones)`),
    '',
    ...(demo ? tryTheDemo(apiUrl, secrets.API_TOKEN) : connectAStore(apiUrl, secrets.API_TOKEN)),
    '',
    ' Ctrl-C stops everything; the data stays for the next npm start.',
    rule,
    '',
  ].join('\n');
}
