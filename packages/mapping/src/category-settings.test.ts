import { categoryMappingProblems } from './category-settings';

describe('categoryMappingProblems', () => {
  it('finds nothing wrong with distinct values mapped to AIQ categories', () => {
    expect(
      categoryMappingProblems([
        { flowhubValue: 'Pre Roll', category: 'Pre-Rolls' },
        { flowhubValue: 'Vape', category: 'Vaporizers' },
      ]),
    ).toEqual([]);
  });

  it('names every row whose category is not an AIQ category, and every repeat of an earlier value', () => {
    const problems = categoryMappingProblems([
      { flowhubValue: 'Pre Roll', category: 'Pre-Rolls' },
      { flowhubValue: 'pre_roll', category: 'Joints' },
      { flowhubValue: '  PRE-ROLL ', category: 'Pre-Rolls' },
    ]);
    expect(problems.map((problem) => problem.path)).toEqual(['rows[1].category', 'rows[1].flowhubValue', 'rows[2].flowhubValue']);
    expect(problems[1].message).toBe('maps the same Flowhub value as rows[0] (case, spaces, - and _ are ignored)');
    expect(problems[0].message).toMatch(/^must be one of the AIQ categories: /);
  });
});
