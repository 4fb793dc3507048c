import { auth, createProducerHarness, type ProducerHarness } from '../testing/harness';

let h: ProducerHarness;
beforeEach(async () => {
  h = await createProducerHarness();
  await h.db.prisma.store.create({ data: { id: 's1' } });
});
afterEach(() => h.close());

const put = (payload: object, storeId = 's1') =>
  h.app.inject({ method: 'PUT', url: `/v1/stores/${storeId}/category-mappings`, headers: auth, payload });
const get = (storeId = 's1') => h.app.inject({ method: 'GET', url: `/v1/stores/${storeId}/category-mappings`, headers: auth });

describe('category mappings', () => {
  it("starts with the defaults on and no rows, then stores and returns the store's rows", async () => {
    expect((await get()).json()).toEqual({ useDefaults: true, rows: [] });
    const body = {
      useDefaults: false,
      rows: [
        { flowhubValue: 'Staff Picks', category: 'Flower' },
        { flowhubValue: 'Dab Stuff', category: 'Concentrates' },
      ],
    };
    const saved = await put(body);
    expect(saved.statusCode).toBe(200);
    expect(saved.json()).toEqual(body);
    expect((await get()).json()).toEqual(body);
    // Replace, not merge.
    expect((await put({ rows: [{ flowhubValue: 'Gummies+', category: 'Edibles' }] })).json()).toEqual({
      useDefaults: true,
      rows: [{ flowhubValue: 'Gummies+', category: 'Edibles' }],
    });
  });

  it('refuses a category outside the AIQ list and duplicate Flowhub values, naming the rows', async () => {
    const response = await put({
      rows: [
        { flowhubValue: 'Staff Picks', category: 'Snacks' },
        { flowhubValue: 'Vape', category: 'Vaporizers' },
        { flowhubValue: ' vape ', category: 'Flower' },
      ],
    });
    expect(response.statusCode).toBe(400);
    const paths = response.json().error.details.map((detail: { path: string }) => detail.path);
    expect(paths).toEqual(['rows[0].category', 'rows[2].flowhubValue']);
    expect(response.json().error.details[0].message).toContain('Seeds & Clones');
    expect((await get()).json().rows).toEqual([]);
  });

  it('404 for an unknown store', async () => {
    expect((await put({ rows: [] }, 'nobody')).statusCode).toBe(404);
    expect((await get('nobody')).statusCode).toBe(404);
  });
});
