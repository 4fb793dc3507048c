// What the references share: the inventory read they all make (the same URL and headers as the product's sync), and
// the rows checked and mapped with the product's own packages, as the naive and plain per-row syncs take them.
import { fromProduct } from '../lib/scratch.mjs';

const { checkInventoryRow } = fromProduct('@flowhub-sync/flowhub-client');
const { createInventoryMapper } = fromProduct('@flowhub-sync/mapping');

/** GET …/inventoryNonZero of the location; throws on anything but a 2xx. The body is the caller's to read. */
export async function fetchInventory(simUrl, location) {
  const response = await fetch(`${simUrl}/v0/locations/${encodeURIComponent(location.locationId)}/inventoryNonZero`, {
    headers: { clientId: location.clientId, key: location.key },
  });
  if (!response.ok) throw new Error(`inventory answered ${response.status}`);
  return response;
}

/** The mapped product of every row that passes the product's check (invalid rows are left out), in feed order. */
export function* mappedProducts(rows) {
  const map = createInventoryMapper({ mapCustomCategoryToSubCategory: false, pricesIncludeTax: false });
  for (const raw of rows) {
    const checked = checkInventoryRow(raw);
    if (checked.ok) yield map(checked.row).product;
  }
}
