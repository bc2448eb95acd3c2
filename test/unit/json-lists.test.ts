import { stringListOf } from '../../src/domain/json-lists';

describe('stringListOf', () => {
  it('keeps the strings of a JSON array, in order, and nothing else of it', () => {
    expect(stringListOf('["包头市","赤峰市"]')).toEqual(['包头市', '赤峰市']);
    expect(stringListOf('["a",1,null,true,{"b":"c"},["d"],"e"]')).toEqual(['a', 'e']);
    expect(stringListOf('[]')).toEqual([]);
  });

  it('is the empty list for NULL, a missing value and text that is not JSON', () => {
    expect(stringListOf(null)).toEqual([]);
    expect(stringListOf(undefined)).toEqual([]);
    expect(stringListOf('')).toEqual([]);
    expect(stringListOf('["a"')).toEqual([]);
  });

  it('is the empty list for JSON that is not an array, without throwing', () => {
    for (const raw of ['{"0":"a","length":1}', '{"filter":"a"}', '"ab"', '12', 'true', 'null']) {
      expect(stringListOf(raw)).toEqual([]);
    }
  });
});
