// Reference (a): the sync a team writes first. Fetch the whole answer, validate and map each row with the same
// packages as the product, then one Prisma upsert per row, one after the other. No change detection: every row
// is written at every sync.
import { fetchInventory, mappedProducts } from './feed.mjs';

export async function naiveSync({ prisma, simUrl, location, storeId }) {
  const { data } = await (await fetchInventory(simUrl, location)).json();
  const startedAt = new Date();
  let written = 0;
  for (const p of mappedProducts(data)) {
    const fields = {
      productId: p.productId,
      sku: p.sku,
      name: p.name,
      brand: p.brand,
      description: p.description,
      category: p.category,
      subtype: p.subtype,
      strainType: p.strainType,
      strainName: p.strainName,
      terpenes: p.terpenes,
      cannabinoids: p.cannabinoids,
      priceCents: p.priceCents,
      imageUrl: p.imageUrl,
      weight: p.weight ?? undefined,
      purchaseCategory: p.purchaseCategory,
      posQuantity: p.quantity,
      active: true,
      contentHash: '',
      lastSyncedAt: startedAt,
    };
    await prisma.product.upsert({
      where: { storeId_variantId: { storeId, variantId: p.variantId } },
      create: { storeId, variantId: p.variantId, ...fields },
      update: fields,
    });
    written += 1;
  }
  await prisma.syncRun.create({
    data: {
      storeId,
      trigger: 'manual',
      status: 'succeeded',
      startedAt,
      finishedAt: new Date(),
      fetched: data.length,
      kept: written,
      created: written,
    },
  });
  return { fetched: data.length, written };
}
