import type { FlowhubAmount, FlowhubInventoryItem } from '../inventory-item';

/** A realistic validated Flowhub row; tests override what they are about. */
export function buildInventoryItem(overrides: Partial<FlowhubInventoryItem> = {}): FlowhubInventoryItem {
  return {
    productId: 'prod-100',
    variantId: 'var-100',
    parentProductId: null,
    productName: 'Blue Dream 3.5g',
    parentProductName: 'Blue Dream',
    variantName: '3.5g',
    sku: 'BD-35',
    brand: 'Green Leaf',
    category: 'Flower',
    customCategoryName: null,
    type: 'Bud',
    strainName: 'Blue Dream',
    speciesName: 'Sativa-Dom',
    purchaseCategory: 'rec',
    quantity: 12,
    preTaxPriceInPennies: 4500,
    postTaxPriceInPennies: 5400,
    productWeight: 3.5,
    productUnitOfMeasure: 'grams',
    isSoldByWeight: false,
    inventoryUnitOfMeasure: 'each',
    weightTierInformation: [],
    productPictureURL: 'https://images.example/blue-dream.png',
    productDescription: 'A sativa-dominant classic.',
    roomId: null,
    roomName: null,
    productUpdatedAt: '2024-05-01T12:00:00Z',
    regulatoryId: '1A4060300000001000012345',
    manifestId: null,
    invoiceNumber: null,
    expirationDate: null,
    supplierName: 'Green Leaf Farms',
    cannabinoidInformation: [amount('thc', 21.3, 21.3, '%'), amount('cbd', 0.1, 0.2, '%')],
    terpenes: [amount('beta-Myrcene', 4, 6, 'mg/g'), amount('Limonene', 0.4, 0.6, '%')],
    ...overrides,
  };
}

export function amount(name: string, lowerRange: number | null, upperRange: number | null, unitOfMeasure: string | null): FlowhubAmount {
  return { name, lowerRange, upperRange, unitOfMeasure, unitOfMeasureToGramsMultiplier: null };
}
