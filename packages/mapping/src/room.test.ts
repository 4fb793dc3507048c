import { isValidRoomId, normalizeRoomId } from './index';

const ID_32 = '0123456789abcdefABCDEF0123456789';

describe('isValidRoomId', () => {
  test.each([
    ['32 letters and digits', ID_32, true],
    ['32 digits', '0'.repeat(32), true],
    ['31 characters', ID_32.slice(1), false],
    ['33 characters', `${ID_32}a`, false],
    ['a space inside', `${ID_32.slice(0, 16)} ${ID_32.slice(17)}`, false],
    ['a trailing space', `${ID_32.slice(1)} `, false],
    ['a dashed UUID', '01234567-89ab-cdef-0123-456789abcdef', false],
    ['a dash in 32 characters', `${ID_32.slice(0, 31)}-`, false],
    ['a room name', 'Sales Floor', false],
    ['empty', '', false],
    ['non-ASCII letters', 'é'.repeat(32), false],
    ['digits with a newline', `${ID_32}\n`, false],
  ])('%s → %s', (_label, value, expected) => {
    expect(isValidRoomId(value)).toBe(expected);
  });

  test.each([[null], [undefined], [1e31], [{}], [[ID_32]], [true]])('non-string %p → false', (value) => {
    expect(isValidRoomId(value)).toBe(false);
  });
});

describe('normalizeRoomId', () => {
  test('a dashed, upper-case UUID compares equal to the 32-character form', () => {
    expect(normalizeRoomId('0123ABCD-89AB-CDEF-0123-456789ABCDEF')).toBe(normalizeRoomId('0123abcd89abcdef0123456789abcdef'));
    expect(normalizeRoomId('0123ABCD-89AB-CDEF-0123-456789ABCDEF')).toBe('0123abcd89abcdef0123456789abcdef');
  });

  test('different ids stay different', () => {
    expect(normalizeRoomId('a'.repeat(32))).not.toBe(normalizeRoomId('b'.repeat(32)));
  });

  test.each([[null], [undefined], [5]])('non-string %p → empty', (value) => {
    expect(normalizeRoomId(value as never)).toBe('');
  });
});
