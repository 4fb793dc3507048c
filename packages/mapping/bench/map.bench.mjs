#!/usr/bin/env node
// Micro-benchmark of the mapping hot path: maps 100,000 deterministic, messy Flowhub rows and prints rows/s
// (median of 5 runs). Runs against the built package: `npm run bench` (builds first).
// Results also go to bench/results/map.json (or $BENCH_RESULTS_DIR/mapping.json).
import { createRequire } from 'node:module';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const mapping = require(path.join(here, '../dist/index.js'));

const ROWS = 100_000;
const RUNS = 5;

// mulberry32: a tiny seeded PRNG, so every run maps the same rows.
function prng(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function rowGenerator(seed, { uniqueSpellings }) {
  const random = prng(seed);
  const pick = (list) => list[Math.floor(random() * list.length)];
  const separator = () => pick(['-', ' ', '', '_', '  ']);
  const casing = (text) => pick([text, text.toLowerCase(), text.toUpperCase(), ` ${text} `]);
  // A store's feed uses a fixed set of spellings; draw a pool once, then rows reuse it (unless uniqueSpellings).
  const messy = (make, poolSize) => {
    const pool = Array.from({ length: poolSize }, make);
    return uniqueSpellings ? () => `${make()}${Math.floor(random() * 1e9)}` : () => pick(pool);
  };
  const species = messy(
    () =>
      casing(
        pick([
          'Indica',
          'Sativa',
          'Hybrid',
          `Indica${separator()}Dom`,
          `sativa${separator()}dom`,
          '50/50',
          '50 / 50',
          'CBD',
          'Indica Hybrid',
          'hybrid indica',
          'Sativa Hybrid',
          'hybrid sativa',
          'Indica Dominant',
          'N/A',
          '',
        ]),
      ),
    80,
  );
  const terpeneName = messy(
    () =>
      casing(
        pick([
          `${pick(['α', 'alpha', 'a'])}${separator()}Pinene`,
          `${pick(['β', 'beta', 'b'])}${separator()}Myrcene`,
          `${pick(['β', 'beta', 'b'])}${separator()}Caryophyllene`,
          'Limonene',
          'd-Limonene',
          'Linalool',
          'Humulene',
          'Terpinolene',
          'Caryophyllene Oxide',
          'Δ-3-Carene',
          '3-Carene',
          'trans-nerolidol',
          'Nerolidol',
          'Guaiol',
          'Ocimene',
          'Bisabolol',
          'γ-Terpinene',
          'Eucalyptol',
          'Geraniol',
          'Camphene',
        ]),
      ),
    200,
  );
  const categoryValue = messy(
    () =>
      casing(
        pick([
          'Flower',
          'Bud',
          'Pre-Roll',
          'Preroll',
          'Infused Pre-Rolls',
          'Vape',
          'Cartridge',
          'Disposable',
          'Live Resin',
          'Shatter',
          'Gummies',
          'Chocolate',
          'Beverage',
          'Tincture',
          'Topical',
          'Capsules',
          'Accessories',
          'Merch',
          'Seeds',
          'CBD',
          'Smalls',
          'Staff Picks',
          'Misc',
        ]),
      ).replace(/[- ]/g, separator),
    150,
  );
  const brands = Array.from({ length: 120 }, (_, index) => `Brand ${index}`);
  const strains = Array.from({ length: 400 }, (_, index) => `Strain ${index}`);
  const units = ['%', 'mg/g', '%', 'mg'];
  const amount = (name, unit) => {
    const lower = Math.round(random() * 300) / 100;
    return {
      name,
      lowerRange: lower,
      upperRange: lower + Math.round(random() * 100) / 100,
      unitOfMeasure: unit,
      unitOfMeasureToGramsMultiplier: null,
    };
  };

  return (index) => {
    const productId = `p${Math.floor(index / 3)}`;
    const terpeneCount = Math.floor(random() * 7);
    const pre = Math.floor(random() * 10000) + 500;
    return {
      productId,
      variantId: `v${index}`,
      parentProductId: null,
      productName: `${pick(strains)} ${pick(['1g', '3.5g', '7g', '0.5g Cart', '10pk'])}`,
      parentProductName: null,
      variantName: null,
      sku: `SKU-${index}`,
      brand: pick(brands),
      category: categoryValue(),
      customCategoryName: random() < 0.3 ? categoryValue() : null,
      type: random() < 0.8 ? categoryValue() : null,
      strainName: pick(strains),
      speciesName: random() < 0.9 ? species() : null,
      purchaseCategory: pick(['rec', 'REC', 'med', 'both', 'Both', null]),
      quantity: Math.floor(random() * 200),
      preTaxPriceInPennies: pre,
      postTaxPriceInPennies: Math.round(pre * 1.2),
      productWeight: pick([0, 1, 3.5, 7, 28, null]),
      productUnitOfMeasure: pick(['grams', 'g', null]),
      isSoldByWeight: false,
      productPictureURL: random() < 0.7 ? `https://images.example/${productId}.png` : null,
      productDescription: random() < 0.5 ? `Description of ${productId}, a fine product.` : '  ',
      roomId: null,
      roomName: null,
      productUpdatedAt: '2024-05-01T12:00:00Z',
      cannabinoidInformation: [amount('thc', '%'), amount('cbd', '%'), amount('cbg', 'mg')],
      terpenes: Array.from({ length: terpeneCount }, () => amount(terpeneName(), pick(units))),
    };
  };
}

function makeRows(options) {
  const next = rowGenerator(20240501, options);
  return Array.from({ length: ROWS }, (_, index) => next(index));
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

function measure(label, rows, work) {
  work(rows); // warm-up: JIT and the normalisers' caches, as in a running worker
  const rates = [];
  for (let run = 0; run < RUNS; run += 1) {
    const started = process.hrtime.bigint();
    work(rows);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    rates.push(rows.length / seconds);
  }
  return { label, rowsPerSecond: Math.round(median(rates)), runs: rates.map(Math.round) };
}

const settings = {
  mapCustomCategoryToSubCategory: true,
  pricesIncludeTax: false,
  categoryMappings: { useDefaults: true, rows: [{ flowhubValue: 'Staff Picks', category: 'Flower' }] },
};
let sink = 0; // keeps results alive so the work is not optimised away
const mapAll = (rows) => {
  const mapItem = mapping.createInventoryMapper(settings);
  for (const row of rows) sink += mapItem(row).product.quantity;
};
const mapAllPerCall = (rows) => {
  for (const row of rows) sink += mapping.mapInventoryItem(row, settings).product.quantity;
};
const mapAndFingerprint = (rows) => {
  const mapItem = mapping.createInventoryMapper(settings);
  for (const row of rows) sink += mapping.productFingerprint(mapItem(row).product).length;
};

const realistic = makeRows({ uniqueSpellings: false });
const unique = makeRows({ uniqueSpellings: true });
const results = [
  measure('createInventoryMapper (one store, realistic rows)', realistic, mapAll),
  measure('mapInventoryItem(item, settings) per call', realistic, mapAllPerCall),
  measure('map + productFingerprint', realistic, mapAndFingerprint),
  measure('map, every spelling unique (cache misses)', unique, mapAll),
];

console.log(`@flowhub-sync/mapping: ${ROWS.toLocaleString('en-US')} rows, median of ${RUNS} runs, node ${process.version}`);
console.table(Object.fromEntries(results.map(({ label, rowsPerSecond }) => [label, { 'rows/s': rowsPerSecond.toLocaleString('en-US') }])));
if (sink === 42) console.log('');

const resultsDir = process.env.BENCH_RESULTS_DIR ?? path.join(here, 'results');
mkdirSync(resultsDir, { recursive: true });
const file = path.join(resultsDir, process.env.BENCH_RESULTS_DIR ? 'mapping.json' : 'map.json');
writeFileSync(
  file,
  `${JSON.stringify({ benchmark: 'mapping', rows: ROWS, runs: RUNS, node: process.version, measuredAt: new Date().toISOString(), results }, null, 2)}\n`,
);
console.log(`results written to ${path.relative(process.cwd(), file)}`);
