import { ID_CHARACTER, ID_MESSAGE, ID_PATTERN, externalIdSchema, idSchema, storeIdSchema } from './ids';

describe('ids', () => {
  it('takes 1 to 64 letters, digits, dots, underscores and dashes', () => {
    for (const id of ['a', 'demo-store', 'A.b_c-9', 'x'.repeat(64)]) {
      expect(ID_PATTERN.test(id)).toBe(true);
      expect(storeIdSchema.safeParse(id).success).toBe(true);
      expect(externalIdSchema.safeParse(id).success).toBe(true);
    }
  });

  it('refuses anything else, saying what an id must match', () => {
    for (const id of ['', 'x'.repeat(65), 'a b', 'a/b', 'ü', 'a%20b', '../x']) {
      const parsed = storeIdSchema.safeParse(id);
      expect(parsed.success).toBe(false);
      expect(parsed.error?.issues[0].message).toBe('must match ^[A-Za-z0-9._-]{1,64}$');
    }
    expect(ID_MESSAGE).toBe('must match ^[A-Za-z0-9._-]{1,64}$');
  });

  it('is made of ID_CHARACTERs', () => {
    expect(ID_PATTERN.source).toBe(`^${ID_CHARACTER.source}{1,64}$`);
    expect([...'aZ9._-'].every((character) => ID_CHARACTER.test(character))).toBe(true);
    expect([...' :/%'].some((character) => ID_CHARACTER.test(character))).toBe(false);
  });

  it('says what the id is when told', () => {
    expect(idSchema('must be a store id').safeParse('a b').error?.issues[0].message).toBe('must be a store id');
  });
});
