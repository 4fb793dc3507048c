// Reference (d): fetch-only, the floor. The HTTP read of the same inventory answer the other references fetch (same
// URL, same headers), read to its end chunk by chunk and dropped: no parsing, no validation, no database. No sync of
// this body can take less time on this machine; the product's first sync is reported as a multiple of it.
import { fetchInventory } from './feed.mjs';

export async function fetchOnly({ simUrl, location }) {
  const response = await fetchInventory(simUrl, location);
  let bytes = 0;
  for await (const chunk of response.body) bytes += chunk.byteLength;
  return { bytes, written: 0 };
}
