import { describeLocations, matchLocation, type FlowhubLocation } from './locations';

const location = (locationId: string, importId: string | null = null, locationName: string | null = null): FlowhubLocation => ({
  locationId,
  importId,
  locationName,
  timeZone: null,
  licenseType: [],
  address: null,
});

describe('matchLocation', () => {
  it('takes the exact locationId first, then one in another case, then an importId', () => {
    const exact = location('Loc-1');
    const other = location('loc-1');
    expect(matchLocation([other, exact], 'Loc-1').match).toBe(exact);
    expect(matchLocation([location('LOC-2')], 'loc-2').match?.locationId).toBe('LOC-2');
    expect(matchLocation([location('abc', 'Store-7')], 'store-7').match?.locationId).toBe('abc');
  });

  it('takes none when two match at the same step, or none does', () => {
    const twins = [location('A', 'x'), location('B', 'X')];
    expect(matchLocation(twins, 'x').match).toBe(twins[0]);
    expect(matchLocation(twins, 'X')).toEqual({ match: twins[1], ambiguous: [] });
    expect(matchLocation([location('a'), location('A')], 'a').match?.locationId).toBe('a');
    expect(matchLocation([location('a1'), location('A1')], 'A1 ').match).toBeUndefined();
    const ambiguous = matchLocation([location('q1'), location('q2', 'q'), location('q3', 'q')], 'q');
    expect(ambiguous.match).toBeUndefined();
    expect(ambiguous.ambiguous.map((each) => each.locationId)).toEqual(['q2', 'q3']);
  });
});

describe('describeLocations', () => {
  it('names each location by id, name and importId, at most 20', () => {
    expect(describeLocations([])).toBe('none');
    expect(describeLocations([location('a', 'imp', 'Main St'), location('b')])).toBe('a "Main St" (importId imp), b');
    const many = Array.from({ length: 23 }, (_, index) => location(`l${index}`));
    expect(describeLocations(many)).toMatch(/, l19, and 3 more$/);
  });
});
