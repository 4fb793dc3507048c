import { chance, hashString, mulberry32, pick, pickWeighted, randomHex, randomInt, randomUuid, type Random } from './random';

/**
 * The generated dispensary catalogue: deterministic for a (seed, locationId, rows, rooms), and as messy
 * as real Flowhub feeds (mapping-rules.md lists the spellings; flowhub-api.md the fields).
 */

export interface Room {
  roomId: string; // 32 lower-case hex characters, Flowhub's canonical form
  roomName: string;
  forSale: boolean; // only For-Sale rooms are visible to the inventory API
}

export interface RoomSpec {
  roomId?: string;
  roomName: string;
  forSale?: boolean;
}

/** The malformed rows a real feed occasionally carries (about one in 500). */
export type RowDefect = 'missingVariantId' | 'quantityNotNumber';

export interface CatalogueItem {
  productId: string;
  variantId: string;
  upc: string;
  /**
   * The row as Flowhub sends it (minus quantity and room fields), serialised once without its closing
   * brace: responses append the quantity, so 50,000 rows cost string concatenation, not re-serialisation.
   */
  json: string;
  /** Stock per room, indexed like the location's rooms. */
  stock: number[];
  isSoldByWeight: boolean;
  quantityAsString: boolean;
  defect: RowDefect | null;
  /** Decides, per room, whether the by-rooms endpoint spells the room id in another format. */
  roomIdStyleSeed: number;
}

export interface CatalogueSettings {
  locationId: string;
  locationName: string;
  clientId: string;
  rows: number;
  seed: number;
  rooms: Room[];
  /** One malformed row per this many rows (0 = none). */
  malformedEvery: number;
  /**
   * Some variants listed in several packages (as Flowhub lists a variant once per package and room): one cannabis
   * variant in ten is split into two or three packages, each with its own regulatoryId, manifestId and
   * invoiceNumber and a share of the variant's stock, and one in twenty of those also lists its first package twice
   * (an exact repeat). Off by default: the catalogue then has one row per variant (and room).
   */
  severalPackages?: boolean;
}

export const DEFAULT_ROOMS: readonly RoomSpec[] = [
  { roomName: 'Sales Floor', forSale: true },
  { roomName: 'Back Stock', forSale: true },
  { roomName: 'Vault', forSale: true },
  { roomName: 'Quarantine', forSale: false },
];

/** Strain-type spellings seen in `speciesName`, grouped by the AIQ type they map to (null: maps to nothing). */
export const SPECIES_SPELLINGS: Readonly<Record<string, readonly (string | null)[]>> = {
  Indica: ['Indica', 'indica', 'Indica-Dom', 'indica-dom', ' INDICA_DOM ', 'Indica Dominant'],
  Sativa: ['Sativa', 'sativa', 'Sativa-Dom', 'sativa dom', 'Sativa Dominant'],
  Hybrid: ['Hybrid', 'hybrid', 'HYBRID', '50/50', '50 / 50'],
  CBD: ['CBD'],
  'Indica Hybrid': ['Indica Hybrid', 'indica hybrid', 'hybrid indica', 'Hybrid Indica'],
  'Sativa Hybrid': ['Sativa Hybrid', 'sativa hybrid', 'hybrid sativa', 'Hybrid-Sativa'],
  unmapped: [null, '', 'N/A', 'Blue Dream', 'Unknown'],
};

const SPECIES_FAMILY_WEIGHTS: readonly (readonly [string, number])[] = [
  ['Hybrid', 26],
  ['Indica', 24],
  ['Sativa', 20],
  ['Indica Hybrid', 8],
  ['Sativa Hybrid', 8],
  ['CBD', 2],
  ['unmapped', 8],
];

/** Terpene spellings, grouped by the supported name they map to; `otherCompound` and `unsupported` map to nothing. */
export const TERPENE_SPELLINGS: Readonly<Record<string, readonly string[]>> = {
  'α-Bisabolol': ['α-Bisabolol', 'alpha-Bisabolol', 'a-Bisabolol', 'Alpha Bisabolol', 'Bisabolol', 'αBisabolol'],
  'α-Humulene': ['α-Humulene', 'alpha-Humulene', 'a-Humulene', 'alpha humulene', 'Humulene', 'HUMULENE'],
  'α-Terpinene': ['α-Terpinene', 'alpha-Terpinene', 'a-Terpinene', 'Terpinene'],
  'α-Pinene': ['α-Pinene', 'alpha-Pinene', 'a-Pinene', 'Alpha Pinene', 'aPinene', 'Pinene'],
  'β-Pinene': ['β-Pinene', 'beta-Pinene', 'b-Pinene', 'Beta Pinene', 'bPinene'],
  'β-Caryophyllene': [
    'β-Caryophyllene',
    'beta-Caryophyllene',
    'b-Caryophyllene',
    'Beta Caryophyllene',
    'betaCaryophyllene',
    'Caryophyllene',
  ],
  'β-Myrcene': ['β-Myrcene', 'beta-Myrcene', 'b-Myrcene', 'Beta Myrcene', 'Myrcene', 'MYRCENE'],
  'β-Ocimene': ['β-Ocimene', 'beta-Ocimene', 'b-Ocimene', 'Ocimene'],
  Linalool: ['Linalool', 'linalool', 'LINALOOL'],
  Terpinolene: ['Terpinolene', 'terpinolene'],
  Limonene: ['Limonene', 'd-Limonene', 'D-Limonene', 'limonene'],
  Guaiol: ['Guaiol', 'guaiol'],
  'Caryophyllene oxide': ['Caryophyllene oxide', 'Caryophyllene Oxide', 'caryophyllene oxide', 'CARYOPHYLLENE OXIDE'],
  'delta 3 Carene': ['delta 3 Carene', '3-Carene', 'Delta-3-Carene', 'Δ-3-Carene', 'δ-3-Carene', 'delta 3 carene', 'Carene'],
  'Trans-Nerolidol': ['Trans-Nerolidol', 'Nerolidol', 'trans-nerolidol', 'Trans Nerolidol'],
  otherCompound: ['γ-Terpinene', 'gamma-Terpinene', 'cis-Nerolidol', 'cis-Ocimene'],
  unsupported: ['Eucalyptol', 'Geraniol', 'Camphene', 'Borneol', 'Fenchol', 'Valencene'],
};

const TERPENE_FAMILY_WEIGHTS: readonly (readonly [string, number])[] = [
  ['β-Myrcene', 16],
  ['β-Caryophyllene', 14],
  ['Limonene', 14],
  ['Linalool', 8],
  ['α-Pinene', 7],
  ['β-Pinene', 5],
  ['α-Humulene', 7],
  ['Terpinolene', 4],
  ['β-Ocimene', 4],
  ['α-Bisabolol', 4],
  ['Caryophyllene oxide', 3],
  ['Trans-Nerolidol', 3],
  ['delta 3 Carene', 3],
  ['Guaiol', 2],
  ['α-Terpinene', 2],
  ['otherCompound', 3],
  ['unsupported', 5],
];

/** Custom category names stores type in Flowhub that map to no AIQ category. */
export const UNMAPPED_CUSTOM_CATEGORIES = [
  'Staff Picks',
  'Weekly Deals',
  'Local Favorites',
  'New Arrivals',
  'Top Shelf',
  'Value Menu',
  'Happy Hour Specials',
  'Clearance',
] as const;

type Profile = 'flower' | 'vape' | 'concentrate' | 'edible' | 'drink' | 'tincture' | 'topical' | 'pill' | 'cbd' | 'none';

interface VariantSpec {
  name: string;
  weight: number;
  unit: 'grams' | 'each' | 'milligrams' | 'fluidounces';
  priceCents: readonly [number, number];
  soldByWeight?: boolean;
  /** Total mg of THC for infused products. */
  mg?: number;
}

interface ProductKind {
  share: number;
  categories: readonly (readonly [string, number])[];
  types: readonly (readonly [string | null, number])[];
  /** Custom category names that do map to an AIQ category (before messy spelling). */
  mappedCustom: readonly string[];
  variants: readonly VariantSpec[];
  profile: Profile;
  /** Name word after the strain ("Gelato Live Resin"); absent: names come from `names`. */
  word?: string;
  names?: readonly string[];
  purchase: 'cannabis' | 'general';
}

const KINDS: readonly ProductKind[] = [
  {
    share: 30,
    categories: [
      ['Flower', 88],
      ['flower', 4],
      ['FLOWER', 2],
      ['Buds', 6],
    ],
    types: [
      ['Bud', 28],
      [null, 28],
      ['Smalls', 10],
      ['Shake', 8],
      ['Popcorn', 6],
      ['Ground Flower', 4],
      ['Pre-Ground', 4],
      ['Flower', 8],
      ['Exotic', 4],
    ],
    mappedCustom: ['Smalls', 'Popcorn', 'Shake', 'Bud', 'Ground Flower'],
    variants: [
      { name: '1g', weight: 1, unit: 'grams', priceCents: [900, 1600] },
      { name: '3.5g', weight: 3.5, unit: 'grams', priceCents: [2500, 6000] },
      { name: '7g', weight: 7, unit: 'grams', priceCents: [4500, 10000] },
      { name: '14g', weight: 14, unit: 'grams', priceCents: [8000, 18000] },
      { name: '28g', weight: 28, unit: 'grams', priceCents: [14000, 30000] },
      { name: 'Bulk', weight: 1, unit: 'grams', priceCents: [700, 1400], soldByWeight: true },
    ],
    profile: 'flower',
    word: 'Flower',
    purchase: 'cannabis',
  },
  {
    share: 15,
    categories: [
      ['Pre-Rolls', 66],
      ['Pre-Roll', 10],
      ['Prerolls', 8],
      ['pre rolls', 6],
      ['PRE_ROLLS', 6],
      ['Joints', 4],
    ],
    types: [
      ['Pre-Roll', 28],
      [null, 24],
      ['Infused Pre-Roll', 14],
      ['Joint', 8],
      ['Blunt', 6],
      ['Preroll', 6],
      ['Infused Pre-Rolls', 5],
      ['Mini Dogs', 4],
    ],
    mappedCustom: ['Infused Pre-Rolls', 'Blunts', 'Joints', 'Pre Rolls'],
    variants: [
      { name: '0.5g', weight: 0.5, unit: 'grams', priceCents: [500, 1200] },
      { name: '1g', weight: 1, unit: 'grams', priceCents: [800, 2000] },
      { name: '5pk 0.5g', weight: 2.5, unit: 'grams', priceCents: [2500, 4500] },
      { name: '2pk 1g', weight: 2, unit: 'grams', priceCents: [1800, 3500] },
    ],
    profile: 'flower',
    word: 'Pre-Roll',
    purchase: 'cannabis',
  },
  {
    share: 17,
    categories: [
      ['Vapes', 48],
      ['Vaporizers', 20],
      ['Vape', 10],
      ['Cartridges', 10],
      ['vapes', 6],
      ['VAPORIZERS', 6],
    ],
    types: [
      ['Cartridge', 34],
      ['Disposable', 20],
      ['Pod', 10],
      ['Cart', 8],
      [null, 14],
      ['Disposables', 6],
      ['All-In-One', 8],
    ],
    mappedCustom: ['Disposables', 'Carts', 'Pods', 'Cartridges'],
    variants: [
      { name: '0.5g', weight: 0.5, unit: 'grams', priceCents: [2000, 4500] },
      { name: '1g', weight: 1, unit: 'grams', priceCents: [3500, 7000] },
    ],
    profile: 'vape',
    word: 'Cartridge',
    purchase: 'cannabis',
  },
  {
    share: 10,
    categories: [
      ['Concentrates', 58],
      ['Extracts', 15],
      ['Concentrate', 10],
      ['extracts', 6],
      ['CONCENTRATES', 6],
      ['Extract', 5],
    ],
    types: [
      ['Live Resin', 14],
      ['Shatter', 8],
      ['Badder', 8],
      ['Budder', 5],
      ['Wax', 6],
      ['Rosin', 8],
      ['Live Rosin', 8],
      ['Diamonds', 7],
      ['Sauce', 6],
      ['Crumble', 5],
      ['Hash', 5],
      ['Kief', 3],
      ['RSO', 3],
      [null, 10],
      ['Cold Cure', 4],
    ],
    mappedCustom: ['Live Resin', 'Live Rosin', 'Badder', 'Diamonds', 'Hash', 'Rosin'],
    variants: [
      { name: '0.5g', weight: 0.5, unit: 'grams', priceCents: [2000, 4000] },
      { name: '1g', weight: 1, unit: 'grams', priceCents: [3000, 8000] },
      { name: '2g', weight: 2, unit: 'grams', priceCents: [5500, 12000] },
    ],
    profile: 'concentrate',
    word: 'Live Resin',
    purchase: 'cannabis',
  },
  {
    share: 13,
    categories: [
      ['Edibles', 74],
      ['Edible', 10],
      ['edibles', 5],
      ['EDIBLES', 5],
      ['Candy', 6],
    ],
    types: [
      ['Gummies', 30],
      ['Gummy', 6],
      ['Chocolate', 14],
      ['Chocolates', 4],
      ['Baked Goods', 6],
      ['Mints', 8],
      ['Chews', 8],
      ['Candy', 6],
      [null, 12],
      ['Hard Candy', 6],
    ],
    mappedCustom: ['Gummies', 'Chocolate', 'Mints', 'Chews', 'Baked Goods'],
    variants: [
      { name: '10pk 100mg', weight: 1, unit: 'each', priceCents: [1500, 2800], mg: 100 },
      { name: '20pk 100mg', weight: 1, unit: 'each', priceCents: [1800, 3200], mg: 100 },
      { name: '2pk 50mg', weight: 1, unit: 'each', priceCents: [800, 1500], mg: 50 },
      { name: '1pc 10mg', weight: 1, unit: 'each', priceCents: [300, 700], mg: 10 },
    ],
    profile: 'edible',
    names: [
      'Sour Watermelon Gummies',
      'Blackberry Gummies',
      'Dark Chocolate Bar',
      'Milk Chocolate Bites',
      'Peppermint Mints',
      'Mango Chews',
      'Brownie',
      'Peach Rings',
      'Cherry Lozenges',
      'Marionberry Gummies',
    ],
    purchase: 'cannabis',
  },
  {
    share: 3,
    categories: [
      ['Beverages', 50],
      ['Drinks', 30],
      ['Beverage', 10],
      ['Drink', 10],
    ],
    types: [
      ['Beverage', 30],
      ['Drink', 20],
      ['Soda', 15],
      ['Seltzer', 15],
      [null, 20],
    ],
    mappedCustom: ['Drinks', 'Beverages'],
    variants: [
      { name: '12oz', weight: 12, unit: 'fluidounces', priceCents: [500, 1200], mg: 10 },
      { name: '8oz', weight: 8, unit: 'fluidounces', priceCents: [400, 1000], mg: 5 },
      { name: '4pk', weight: 48, unit: 'fluidounces', priceCents: [1600, 3000], mg: 40 },
    ],
    profile: 'drink',
    names: ['Lemon Seltzer', 'Cola', 'Grapefruit Sparkling Water', 'Iced Tea', 'Ginger Ale'],
    purchase: 'cannabis',
  },
  {
    share: 3,
    categories: [
      ['Tinctures', 70],
      ['Tincture', 20],
      ['Sublingual', 10],
    ],
    types: [
      ['Tincture', 50],
      ['Sublingual', 20],
      ['Drops', 10],
      [null, 20],
    ],
    mappedCustom: ['Tinctures', 'Sublingual'],
    variants: [
      { name: '30ml', weight: 1, unit: 'fluidounces', priceCents: [3000, 7000], mg: 1000 },
      { name: '15ml', weight: 0.5, unit: 'fluidounces', priceCents: [1800, 4000], mg: 500 },
    ],
    profile: 'tincture',
    names: ['THC Tincture', '1:1 Tincture', 'Sleep Drops', 'Calm Tincture'],
    purchase: 'cannabis',
  },
  {
    share: 2.5,
    categories: [
      ['Topicals', 80],
      ['Topical', 20],
    ],
    types: [
      ['Lotion', 20],
      ['Balm', 20],
      ['Salve', 15],
      ['Transdermal', 10],
      ['Patch', 10],
      ['Patches', 5],
      [null, 20],
    ],
    mappedCustom: ['Balm', 'Lotion', 'Patches'],
    variants: [
      { name: '2oz', weight: 56.7, unit: 'grams', priceCents: [2500, 6000], mg: 500 },
      { name: '1 patch', weight: 1, unit: 'each', priceCents: [800, 1800], mg: 20 },
    ],
    profile: 'topical',
    names: ['Relief Balm', 'Cooling Lotion', 'Muscle Salve', 'Transdermal Patch'],
    purchase: 'cannabis',
  },
  {
    share: 1.5,
    categories: [
      ['Pills', 50],
      ['Capsules', 35],
      ['Tablets', 15],
    ],
    types: [
      ['Capsule', 30],
      ['Capsules', 30],
      ['Tablets', 20],
      [null, 20],
    ],
    mappedCustom: ['Capsules'],
    variants: [
      { name: '10ct', weight: 1, unit: 'each', priceCents: [2000, 3500], mg: 100 },
      { name: '30ct', weight: 1, unit: 'each', priceCents: [4500, 8000], mg: 300 },
    ],
    profile: 'pill',
    names: ['Night Capsules', 'Daytime Capsules', 'Microdose Tablets'],
    purchase: 'cannabis',
  },
  {
    share: 3,
    categories: [
      ['Accessories', 70],
      ['Accessory', 10],
      ['Gear', 10],
      ['Paraphernalia', 10],
    ],
    types: [
      ['Battery', 15],
      ['Batteries', 5],
      ['Rolling Papers', 15],
      ['Papers', 5],
      ['Grinder', 15],
      ['Pipe', 10],
      [null, 25],
      ['Lighter', 10],
    ],
    mappedCustom: ['Batteries', 'Grinders', 'Rolling Papers'],
    variants: [{ name: 'Each', weight: 1, unit: 'each', priceCents: [300, 4500] }],
    profile: 'none',
    names: ['510 Battery', 'Rolling Papers 1 1/4', '4-Piece Grinder', 'Glass Spoon Pipe', 'Hemp Wick', 'Clipper Lighter'],
    purchase: 'general',
  },
  {
    share: 0.8,
    categories: [
      ['Apparel', 60],
      ['Merch', 25],
      ['Merchandise', 15],
    ],
    types: [
      ['Clothing', 40],
      ['T-Shirt', 20],
      ['Hat', 20],
      [null, 20],
    ],
    mappedCustom: ['Merch', 'Clothing'],
    variants: [
      { name: 'S', weight: 1, unit: 'each', priceCents: [2000, 3500] },
      { name: 'M', weight: 1, unit: 'each', priceCents: [2000, 3500] },
      { name: 'L', weight: 1, unit: 'each', priceCents: [2000, 3500] },
      { name: 'XL', weight: 1, unit: 'each', priceCents: [2200, 3800] },
    ],
    profile: 'none',
    names: ['Logo Tee', 'Dad Hat', 'Hoodie'],
    purchase: 'general',
  },
  {
    share: 0.7,
    categories: [
      ['Seeds', 60],
      ['Clones', 40],
    ],
    types: [
      ['Seed', 40],
      ['Clone', 40],
      [null, 20],
    ],
    mappedCustom: ['Seeds', 'Clones'],
    variants: [
      { name: '5pk', weight: 1, unit: 'each', priceCents: [3000, 9000] },
      { name: '1 clone', weight: 1, unit: 'each', priceCents: [1500, 3000] },
    ],
    profile: 'none',
    names: ['Feminized Seeds', 'Rooted Clone'],
    purchase: 'cannabis',
  },
  {
    share: 2,
    categories: [
      ['CBD', 80],
      ['cbd', 20],
    ],
    types: [
      ['Tincture', 30],
      ['Topical', 20],
      ['Gummies', 20],
      [null, 30],
    ],
    mappedCustom: ['CBD'],
    variants: [
      { name: '30ml 1000mg', weight: 1, unit: 'fluidounces', priceCents: [3500, 8000], mg: 1000 },
      { name: '30ct', weight: 1, unit: 'each', priceCents: [2500, 5000], mg: 750 },
    ],
    profile: 'cbd',
    names: ['CBD Tincture', 'CBD Gummies', 'CBD Relief Cream', '20:1 CBD Drops'],
    purchase: 'general',
  },
  {
    // Rows that map to no AIQ category at all: the product reports them as uncategorised.
    share: 1,
    categories: [
      ['Misc', 30],
      ['Samples', 30],
      ['Gift Cards', 20],
      ['Promotional', 20],
    ],
    types: [
      [null, 60],
      ['Sample', 20],
      ['Display', 20],
    ],
    mappedCustom: [],
    variants: [{ name: 'Each', weight: 1, unit: 'each', priceCents: [0, 2500] }],
    profile: 'none',
    names: ['Gift Card', 'Display Jar', 'Tote Bag Promo', 'Sample Pack'],
    purchase: 'general',
  },
];

const KIND_WEIGHTS = KINDS.map((kind) => [kind, kind.share] as const);

const STRAINS = [
  'Blue Dream',
  'OG Kush',
  'Gelato',
  'Wedding Cake',
  'Sour Diesel',
  'Girl Scout Cookies',
  'Granddaddy Purple',
  'Jack Herer',
  'Gorilla Glue #4',
  'Zkittlez',
  'Afghani',
  'Durban Poison',
  'Northern Lights',
  'Pineapple Express',
  'Green Crack',
  'Runtz',
  'Ice Cream Cake',
  'Purple Punch',
  'Harlequin',
  'ACDC',
  'Cannatonic',
  'Trainwreck',
  'Mimosa',
  'Apple Fritter',
  'Tangie',
  'Bubba Kush',
  'Super Lemon Haze',
  'White Widow',
  'MAC',
  'Biscotti',
  'Sherbert',
  'Do-Si-Dos',
  'Cereal Milk',
  'Lemon Cherry Gelato',
  'Maui Wowie',
  'Strawberry Cough',
  'Chemdawg',
  'Headband',
];

const BRANDS = [
  'Cookies',
  'Stiiizy',
  'Raw Garden',
  'Wyld',
  'Kiva',
  'Select',
  'Jeeter',
  'Cresco',
  'Rythm',
  'Verano',
  'Kanha',
  'Alien Labs',
  'Connected',
  'Glass House',
  'Heavy Hitters',
  'Old Pal',
  "Dr. Norm's",
  'Papa & Barkley',
  'Camino',
  'Lowell Farms',
  "Mary's Medicinals",
  'Korova',
  'Level',
  'Sip Elixirs',
  'Pacific Stone',
  'Binske',
  'Cann',
];

const SUPPLIERS = ['Green Valley Distribution', 'Pacific Supply Co', 'Highland Wholesale', 'Rocky Mountain Logistics', null];
const EFFECTS = ['Relaxed', 'Happy', 'Euphoric', 'Uplifted', 'Sleepy', 'Creative', 'Focused', 'Hungry', 'Calm'];
const TAGS = ['staff-pick', 'new', 'sale', 'limited', 'local', 'organic', 'small-batch'];
const PRICE_PROFILES = ['Default', 'Default', 'Default', 'Medical', 'Happy Hour'];
const TAX_RATES = [0.15, 0.2, 0.25, 0.3275];

const PURCHASE_CATEGORIES: readonly (readonly [string | null | undefined, number])[] = [
  ['rec', 52],
  ['both', 20],
  ['med', 14],
  ['REC', 4],
  ['Med', 3],
  ['Both', 3],
  ['MED', 1],
  [undefined, 2],
  [null, 1],
];

// Local aliases: Jest's sandbox makes each `Math.x` lookup slow (see random.ts).
const { round, floor, min } = Math;

// Catalogue timestamps come from a fixed epoch (not the wall clock) so the same seed gives the same rows.
const EPOCH = Date.UTC(2024, 0, 1);
const DAY = 86_400_000;

/** Builds a location's rooms: `count` For-Sale rooms plus one that is not for sale, or the given specs. */
export function buildRooms(seed: number, locationId: string, spec: number | readonly RoomSpec[] = DEFAULT_ROOMS): Room[] {
  const random = mulberry32(hashString(`rooms:${locationId}`, seed));
  const specs: readonly RoomSpec[] =
    typeof spec === 'number'
      ? [
          ...Array.from({ length: spec }, (_, i) => ({ roomName: i === 0 ? 'Sales Floor' : `Storage ${i}`, forSale: true })),
          { roomName: 'Quarantine', forSale: false },
        ]
      : spec;
  return specs.map((room) => ({
    roomId: room.roomId ?? randomHex(random, 32),
    roomName: room.roomName,
    forSale: room.forSale ?? true,
  }));
}

/** Generates `rows` variants (rows of the /inventory endpoint) for one location. */
export function generateCatalogue(settings: CatalogueSettings): CatalogueItem[] {
  const random = mulberry32(hashString(`catalogue:${settings.locationId}`, settings.seed));
  const defects = defectPositions(settings);
  const items: CatalogueItem[] = [];
  while (items.length < settings.rows) {
    const kind = pickWeighted(random, KIND_WEIGHTS);
    const product = productFamily(random, kind);
    const variantCount = min(settings.rows - items.length, randomInt(random, 1, min(kind.variants.length, 4)));
    const start = randomInt(random, 0, kind.variants.length - 1);
    for (let v = 0; v < variantCount; v++) {
      const variant = kind.variants[(start + v) % kind.variants.length];
      items.push(variantItem(random, kind, product, variant, settings, defects.get(items.length) ?? null));
    }
  }
  return settings.severalPackages === true ? inPackages(items, settings) : items;
}

/**
 * The catalogue with some variants split into packages (CatalogueSettings.severalPackages): a package is a
 * catalogue item of its own with the variant's ids, its own package fields and part of the variant's stock in each
 * room. An exact repeat shares its package's row and stock, so it always lists the same. A separate generator, so
 * the switch does not reshuffle the rest of the catalogue.
 */
function inPackages(items: readonly CatalogueItem[], settings: CatalogueSettings): CatalogueItem[] {
  const random = mulberry32(hashString(`packages:${settings.locationId}`, settings.seed));
  const packaged: CatalogueItem[] = [];
  let eligible = 0;
  for (const item of items) {
    packaged.push(item);
    if (item.defect !== null) continue;
    const row = JSON.parse(`${item.json}}`) as Record<string, unknown>;
    if (typeof row.regulatoryId !== 'string') continue;
    const rank = eligible++;
    if (rank % 10 !== 3) continue;
    const count = rank % 30 === 3 ? 3 : 2;
    const shares = splitStock(item.stock, count, item.isSoldByWeight);
    const packageRow = (index: number): string => {
      const expires = typeof row.expirationDate === 'string' ? Date.parse(row.expirationDate) : Number.NaN;
      return JSON.stringify({
        ...row,
        ...(index === 0 ? {} : { regulatoryId: `1A4${randomHex(random, 21).toUpperCase()}` }),
        ...(Number.isNaN(expires) ? {} : { expirationDate: new Date(expires + index * 30 * DAY).toISOString().slice(0, 10) }),
        manifestId: String(randomInt(random, 1_000_000, 9_999_999)).padStart(10, '0'),
        invoiceNumber: `INV-${randomHex(random, 6).toUpperCase()}`,
      }).slice(0, -1);
    };
    item.json = packageRow(0);
    item.stock = shares[0];
    for (let index = 1; index < count; index++) packaged.push({ ...item, json: packageRow(index), stock: shares[index] });
    if (rank % 20 === 13) packaged.push({ ...item });
  }
  return packaged;
}

/** A variant's stock per room split over `count` packages: the first keeps the most, the last what is left. */
function splitStock(stock: readonly number[], count: number, soldByWeight: boolean): number[][] {
  const shares = Array.from({ length: count }, () => stock.map(() => 0));
  stock.forEach((quantity, room) => {
    let left = quantity;
    for (let index = 0; index < count - 1; index++) {
      const share = soldByWeight ? round1(left * 0.6) : floor(left * 0.6);
      shares[index][room] = share;
      left = soldByWeight ? round1(left - share) : left - share;
    }
    shares[count - 1][room] = left;
  });
  return shares;
}

function defectPositions({ rows, malformedEvery, seed, locationId }: CatalogueSettings): Map<number, RowDefect> {
  const positions = new Map<number, RowDefect>();
  if (malformedEvery <= 0) return positions;
  // A separate generator, so switching malformed rows on or off does not reshuffle the catalogue.
  const random = mulberry32(hashString(`defects:${locationId}`, seed));
  for (let block = 0; block * malformedEvery < rows; block++) {
    const start = block * malformedEvery;
    const length = min(malformedEvery, rows - start);
    positions.set(start + floor(random() * length), block % 2 === 0 ? 'missingVariantId' : 'quantityNotNumber');
  }
  return positions;
}

interface ProductFamily {
  parentProductId: string;
  parentProductName: string;
  brand: string | null;
  strainName: string | null;
  speciesName: string | null | undefined;
  category: string;
  type: string | null;
  customCategoryName: string | null;
  purchaseCategory: string | null | undefined;
  description: string | null;
  picture: string | null;
  effects: string[];
  tags: string[];
  supplierName: string | null;
  terpenes: unknown;
  thcPercent: number;
  updatedAt: number;
  skuPrefix: string;
}

function productFamily(random: Random, kind: ProductKind): ProductFamily {
  const parentProductId = randomUuid(random);
  const brand = chance(random, 0.08) ? null : pick(random, BRANDS);
  const usesStrain = kind.word !== undefined;
  const strainName = usesStrain || (kind.profile !== 'none' && chance(random, 0.4)) ? pick(random, STRAINS) : null;
  const type = pickWeighted(random, kind.types);
  // Named after the product's own type when it has one ("Gelato Smalls"), else the kind ("Gelato Flower").
  const baseName = kind.word !== undefined ? `${strainName} ${type ?? kind.word}` : pick(random, kind.names ?? ['Item']);
  const parentProductName = `${brand ?? 'House'} ${baseName}`;
  const thcPercent = round1(15 + random() * 17);
  const speciesName =
    kind.profile === 'cbd'
      ? 'CBD'
      : kind.profile === 'none'
        ? chance(random, 0.9)
          ? null
          : undefined
        : pick(random, SPECIES_SPELLINGS[pickWeighted(random, SPECIES_FAMILY_WEIGHTS)]);
  const effects = kind.profile === 'none' ? [] : pickSome(random, EFFECTS, randomInt(random, 0, 3));
  return {
    parentProductId,
    parentProductName,
    brand,
    strainName,
    speciesName,
    category: pickWeighted(random, kind.categories),
    type,
    customCategoryName: customCategory(random, kind),
    purchaseCategory:
      kind.purchase === 'general'
        ? pickWeighted(random, [
            ['both', 80],
            ['rec', 15],
            ['Both', 5],
          ])
        : pickWeighted(random, PURCHASE_CATEGORIES),
    description: description(random, parentProductName, strainName, effects),
    picture: chance(random, 0.25) ? null : chance(random, 0.03) ? '' : `https://assets.flowhub-sim.test/products/${parentProductId}.jpg`,
    effects,
    tags: pickSome(random, TAGS, chance(random, 0.7) ? 0 : randomInt(random, 1, 2)),
    supplierName: pick(random, SUPPLIERS),
    terpenes: terpenes(random, kind.profile),
    thcPercent,
    updatedAt: EPOCH + floor(random() * 540 * DAY),
    skuPrefix: `${kind.categories[0][0].slice(0, 3).toUpperCase()}-${randomHex(random, 4).toUpperCase()}`,
  };
}

function customCategory(random: Random, kind: ProductKind): string | null {
  const roll = random();
  if (roll < 0.7) return null;
  if (roll < 0.85 && kind.mappedCustom.length > 0) return messySpelling(random, pick(random, kind.mappedCustom));
  return pick(random, UNMAPPED_CUSTOM_CATEGORIES);
}

/** Case, separators and stray spaces vary in hand-typed values; the mapping must not care. */
function messySpelling(random: Random, value: string): string {
  switch (randomInt(random, 0, 9)) {
    case 0:
      return value.toLowerCase();
    case 1:
      return value.toUpperCase().replace(/[ -]/g, '_');
    case 2:
      return ` ${value}  `;
    default:
      return value;
  }
}

function description(random: Random, name: string, strain: string | null, effects: string[]): string | null {
  const roll = random();
  if (roll < 0.08) return null;
  if (roll < 0.11) return '';
  const feel = effects.length > 0 ? ` Customers report feeling ${effects.join(', ').toLowerCase()}.` : '';
  const origin = strain ? ` Made from ${strain}, grown indoors and hand-trimmed.` : '';
  return `${name}.${origin}${feel}`;
}

function cannabinoids(random: Random, profile: Profile, variant: VariantSpec, thcPercent: number): unknown {
  const roll = random();
  if (profile === 'none') return roll < 0.5 ? [] : roll < 0.8 ? null : undefined;
  if (roll < 0.03) return null;
  if (roll < 0.04) return undefined;
  const entries: Record<string, unknown>[] = [];
  const mg = variant.mg ?? 100;
  switch (profile) {
    case 'flower':
      if (chance(random, 0.1)) {
        entries.push(amount(random, 'thc', thcPercent * 10, 'mg/g', null));
      } else {
        entries.push(amount(random, 'thc', thcPercent, '%', null));
        entries.push(amount(random, 'thc-a', round1(thcPercent * 1.12), '%', null));
      }
      if (chance(random, 0.5)) entries.push(amount(random, 'cbd', round1(random() * 1.2), '%', null));
      if (chance(random, 0.2)) entries.push(amount(random, 'cbd-a', round1(random() * 0.8), '%', null));
      break;
    case 'vape':
    case 'concentrate': {
      const percent = round1(60 + random() * 32);
      entries.push(amount(random, 'thc', percent, '%', null));
      // A vape often carries its THC twice: as a share and as mg in the cartridge.
      if (profile === 'vape' && chance(random, 0.35))
        entries.push(amount(random, 'thc', round(percent * 10 * variant.weight), 'mg', multiplierMg(random)));
      if (profile === 'concentrate') entries.push(amount(random, 'thc-a', round1(percent * 1.05), '%', null));
      break;
    }
    case 'cbd':
      entries.push(amount(random, 'cbd', mg, 'mg', multiplierMg(random)));
      entries.push(amount(random, 'thc', round1(random() * 2), 'mg', multiplierMg(random)));
      break;
    default:
      entries.push(amount(random, 'thc', mg, 'mg', multiplierMg(random)));
      if (chance(random, 0.3)) entries.push(amount(random, 'cbd', round(mg * pick(random, [0.05, 0.5, 1])), 'mg', multiplierMg(random)));
  }
  // Lab data typed by hand: now and then an entry without a usable name.
  if (chance(random, 0.01))
    entries.push({ name: null, lowerRange: 1, upperRange: 1, unitOfMeasure: '%', unitOfMeasureToGramsMultiplier: null });
  return entries;
}

function multiplierMg(random: Random): number | string | null {
  return pickWeighted<number | string | null>(random, [
    [1000, 5],
    ['1000', 3],
    [null, 2],
  ]);
}

function amount(random: Random, name: string, value: number, unit: string, multiplier: number | string | null): Record<string, unknown> {
  const spread = chance(random, 0.25) ? round2(value * 0.1) : 0;
  const lower = round2(value - spread);
  const upper = round2(value + spread);
  const asString = chance(random, 0.02);
  return {
    name,
    lowerRange: asString ? String(lower) : lower,
    upperRange: asString ? String(upper) : chance(random, 0.01) ? null : upper,
    unitOfMeasure: unit,
    unitOfMeasureToGramsMultiplier: multiplier,
  };
}

function terpenes(random: Random, profile: Profile): unknown {
  if (profile !== 'flower' && profile !== 'vape' && profile !== 'concentrate') {
    return chance(random, 0.6) ? [] : chance(random, 0.5) ? null : undefined;
  }
  if (chance(random, 0.05)) return null;
  const count = pickWeighted(random, [
    [0, 15],
    [1, 10],
    [2, 20],
    [3, 25],
    [4, 18],
    [5, 12],
  ]);
  const unit = pickWeighted(random, [
    ['%', 60],
    ['mg/g', 30],
    ['mg', 10],
  ]);
  const entries: Record<string, unknown>[] = [];
  const families = new Set<string>();
  while (entries.length < count) {
    const family = pickWeighted(random, TERPENE_FAMILY_WEIGHTS);
    if (families.has(family)) continue;
    families.add(family);
    entries.push(terpeneAmount(random, pick(random, TERPENE_SPELLINGS[family]), unit));
    // The same terpene listed twice under two spellings, as merged lab reports do.
    if (chance(random, 0.03)) entries.push(terpeneAmount(random, pick(random, TERPENE_SPELLINGS[family]), unit));
  }
  return entries;
}

function terpeneAmount(random: Random, name: string, unit: string): Record<string, unknown> {
  const base = unit === '%' ? 0.05 + random() * 2.4 : unit === 'mg/g' ? 0.5 + random() * 24 : 1 + random() * 30;
  return amount(
    random,
    name,
    round2(base),
    unit,
    unit === 'mg'
      ? multiplierMg(random)
      : pickWeighted<number | string | null>(random, [
          [null, 8],
          [1, 1],
          ['1', 1],
        ]),
  );
}

function variantItem(
  random: Random,
  kind: ProductKind,
  product: ProductFamily,
  variant: VariantSpec,
  settings: CatalogueSettings,
  defect: RowDefect | null,
): CatalogueItem {
  const productId = randomUuid(random);
  const variantId = randomUuid(random);
  const soldByWeight = variant.soldByWeight === true;
  const preTax = roundPrice(randomInt(random, variant.priceCents[0], variant.priceCents[1]));
  const postTax = round(preTax * (1 + pick(random, TAX_RATES)));
  const stringNumbers = chance(random, 0.04);
  const num = (value: number | null) => (value !== null && stringNumbers ? String(value) : value);
  const updatedAt = product.updatedAt + randomInt(random, 0, 30) * DAY;
  const productName =
    kind.word !== undefined || variant.name !== 'Each' ? `${product.parentProductName} ${variant.name}` : product.parentProductName;
  // Field order follows Flowhub's; `json` is cut before the closing brace, quantity and room fields follow.
  const row: Record<string, unknown> = {
    productId,
    ...(defect === 'missingVariantId' ? {} : { variantId }),
    parentProductId: product.parentProductId,
    productName,
    parentProductName: product.parentProductName,
    variantName: variant.name,
    sku: chance(random, 0.03) ? null : `${product.skuPrefix}-${variant.name.replace(/[^A-Za-z0-9]/g, '').toUpperCase()}`,
    brand: product.brand,
    category: product.category,
    customCategoryName: product.customCategoryName,
    type: product.type,
    strainName: product.strainName,
    ...(product.speciesName === undefined ? {} : { speciesName: product.speciesName }),
    ...(product.purchaseCategory === undefined ? {} : { purchaseCategory: product.purchaseCategory }),
    preTaxPriceInPennies: chance(random, 0.01) ? null : num(preTax),
    postTaxPriceInPennies: num(postTax),
    priceInMinorUnits: preTax,
    costInMinorUnits: round(preTax * 0.45),
    currencyCode: 'USD',
    productWeight: num(variant.weight),
    productUnitOfMeasure: variant.unit,
    productUnitOfMeasureToGramsMultiplier: variant.unit === 'grams' ? 1 : variant.unit === 'milligrams' ? 0.001 : null,
    inventoryUnitOfMeasure: soldByWeight ? 'grams' : 'each',
    isSoldByWeight: chance(random, 0.02) ? null : soldByWeight,
    productPictureURL: product.picture,
    productDescription: product.description,
    productUpdatedAt: new Date(updatedAt).toISOString(),
    createdAt: new Date(updatedAt - randomInt(random, 1, 400) * DAY).toISOString(),
    expirationDate:
      kind.profile === 'edible' || kind.profile === 'drink' ? new Date(updatedAt + 365 * DAY).toISOString().slice(0, 10) : null,
    tags: product.tags,
    effects: product.effects,
    supplierName: product.supplierName,
    regulatoryId: kind.profile === 'none' ? null : `1A4${randomHex(random, 21).toUpperCase()}`,
    locationId: settings.locationId,
    locationName: settings.locationName,
    clientId: settings.clientId,
    priceProfileName: pick(random, PRICE_PROFILES),
    isMixAndMatch: chance(random, 0.15),
    isStackable: chance(random, 0.3),
    nutrients: kind.profile === 'edible' && chance(random, 0.3) ? 'Sugar 4g, Calories 35' : null,
    weightTierInformation: soldByWeight ? weightTiers(preTax, postTax) : [],
    cannabinoidInformation: cannabinoids(random, kind.profile, variant, product.thcPercent),
    terpenes: product.terpenes,
    // Fields Flowhub has added over time that clients do not know about.
    batchName: chance(random, 0.6) ? `B-${randomHex(random, 6).toUpperCase()}` : null,
    ...(chance(random, 0.2) ? { metrcPackageLabel: `1A4${randomHex(random, 21).toUpperCase()}` } : {}),
    ...(chance(random, 0.1) ? { displayOrder: randomInt(random, 1, 500), _revision: randomInt(random, 1, 40) } : {}),
  };
  return {
    productId,
    variantId,
    upc: String(randomInt(random, 100000, 999999)) + String(randomInt(random, 100000, 999999)),
    json: JSON.stringify(row).slice(0, -1),
    stock: stockForRooms(random, settings.rooms, soldByWeight),
    isSoldByWeight: soldByWeight,
    quantityAsString: chance(random, 0.04),
    defect,
    roomIdStyleSeed: randomInt(random, 0, 999),
  };
}

function weightTiers(pricePerGram: number, postTaxPerGram: number): Record<string, unknown>[] {
  return [
    [1, '1g', 1],
    [3.5, '1/8 oz', 0.95],
    [7, '1/4 oz', 0.9],
    [14, '1/2 oz', 0.85],
    [28, '1 oz', 0.8],
  ].map(([grams, name, factor]) => ({
    gramAmount: grams,
    name,
    preTaxPriceInPennies: round(pricePerGram * (grams as number) * (factor as number)),
    postTaxPriceInPennies: round(postTaxPerGram * (grams as number) * (factor as number)),
    pricePerUnitInMinorUnits: round(pricePerGram * (factor as number)),
  }));
}

/**
 * Spreads a variant's stock over the rooms: most sit in one For-Sale room, some in two (the room filter
 * must sum them), some are sold out, and some sit only in a room that is not for sale (never visible).
 */
function stockForRooms(random: Random, rooms: readonly Room[], soldByWeight: boolean): number[] {
  const stock = rooms.map(() => 0);
  const forSale = rooms.flatMap((room, index) => (room.forSale ? [index] : []));
  const hidden = rooms.flatMap((room, index) => (room.forSale ? [] : [index]));
  const quantity = () => (soldByWeight ? round1(10 + random() * 440) : 1 + floor(random() * random() * 60));
  const roll = random();
  if (roll < 0.05) return stock;
  if (roll < 0.08 && hidden.length > 0) {
    stock[pick(random, hidden)] = quantity();
    return stock;
  }
  if (forSale.length === 0) return stock;
  const primary = chance(random, 0.65) ? forSale[0] : pick(random, forSale);
  stock[primary] = quantity();
  if (forSale.length > 1 && chance(random, 0.15)) {
    const others = forSale.filter((index) => index !== primary);
    stock[pick(random, others)] = quantity();
  }
  if (hidden.length > 0 && chance(random, 0.06)) stock[pick(random, hidden)] = quantity();
  return stock;
}

function pickSome<T>(random: Random, values: readonly T[], count: number): T[] {
  const picked = new Set<T>();
  while (picked.size < min(count, values.length)) picked.add(pick(random, values));
  return [...picked];
}

function roundPrice(cents: number): number {
  return cents < 1000 ? round(cents / 5) * 5 : round(cents / 100) * 100 - (cents % 3 === 0 ? 1 : 0);
}

function round1(value: number): number {
  return round(value * 10) / 10;
}

function round2(value: number): number {
  return round(value * 100) / 100;
}
