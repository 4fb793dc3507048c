import { createPrismaClient } from '../client';
import { createTestDatabase, type TestDatabase } from '../testing';
import { inOrderTransaction, inSqlTransaction } from './transaction';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db?.drop());

const txid = 'SELECT txid_current()::text AS txid';

describe('inSqlTransaction: plain SQL inside a Prisma transaction', () => {
  it('runs named statements on the transaction’s own connection, in the transaction', async () => {
    for (let i = 0; i < 5; i++) {
      const [prismaTx, sqlTx] = await inSqlTransaction(db.prisma, async (tx, sql) => {
        const [{ txid: seen }] = await tx.$queryRaw<{ txid: string }[]>`SELECT txid_current()::text AS txid`;
        const { rows } = await sql.query<{ txid: string }>({ name: 'test-txid', text: txid, values: [] });
        return [seen, rows[0].txid];
      });
      expect(sqlTx).toBe(prismaTx);
    }
  });

  it('rolls back what the plain SQL wrote with the rest when the transaction fails', async () => {
    await db.prisma.store.create({ data: { id: 'rolled-back' } });
    await expect(
      inOrderTransaction(db.prisma, async (tx, sql) => {
        await sql.query({
          name: 'test-rename',
          text: 'UPDATE stores SET location_id = $2 WHERE id = $1',
          values: ['rolled-back', 'written'],
        });
        await tx.store.update({ where: { id: 'rolled-back' }, data: { clientId: 'written too' } });
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    expect(await db.prisma.store.findUniqueOrThrow({ where: { id: 'rolled-back' } })).toMatchObject({ locationId: null, clientId: null });
  });

  it('works as well for a client that made its own pool', async () => {
    const own = createPrismaClient(db.url, { max: 2 });
    try {
      const same = await inSqlTransaction(own, async (tx, sql) => {
        const [{ txid: seen }] = await tx.$queryRaw<{ txid: string }[]>`SELECT txid_current()::text AS txid`;
        return seen === (await sql.query<{ txid: string }>(txid)).rows[0].txid;
      });
      expect(same).toBe(true);
    } finally {
      await own.$disconnect();
    }
  });

  it('refuses plain SQL once the transaction is over', async () => {
    let kept: Parameters<Parameters<typeof inSqlTransaction>[1]>[1] | undefined;
    await inSqlTransaction(db.prisma, async (_tx, sql) => {
      kept = sql;
    });
    expect(() => kept!.query('SELECT 1')).toThrow(/runs only inside it/);
  });
});
