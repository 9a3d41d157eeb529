/** HXL: tag parsing and matching as libhxl does it, and the hashtag-row test. */
import { bestMatch, isHashtagRow, parseTag, tagMatches, parsePattern } from '../../server/csv/hxl';

describe('HXL tags', () => {
  it('when a tag has mixed case, spaces and attributes in any order, then it parses to one canonical form', () => {
    expect(parseTag('#Affected +IDPs+ind')).toEqual({ tag: 'affected', attributes: ['idps', 'ind'] });
    expect(parseTag('#affected+ind+idps')).toEqual(parseTag('#AFFECTED+IDPS+IND'));
    expect(parseTag('IDPs')).toBeUndefined();
    expect(parseTag('')).toBeUndefined();
  });

  it('when a pattern has fewer attributes than a column, then it matches; an excluded attribute does not', () => {
    const col = parseTag('#adm1+code+origin')!;
    expect(tagMatches(parsePattern('#adm1+code')!, col)).toBe(true);
    expect(tagMatches(parsePattern('#adm1+code-origin')!, col)).toBe(false);
    expect(tagMatches(parsePattern('#adm2+code')!, col)).toBe(false);
  });

  it('when several columns match, then the one with the fewest extra attributes wins (the DTM idps column, not its sex split)', () => {
    // tags of the DTM admin-0-to-2 file, in file order
    const tags = ['#affected+idps+m', '#affected+idps+f', '#affected+idps', '#date+year+reported', '#date+reported'].map((t) => parseTag(t));
    expect(bestMatch('#affected+idps', tags)).toBe(2);
    expect(bestMatch('#date+reported', tags)).toBe(4);
    expect(bestMatch('#adm1+code', tags)).toBe(-1);
  });
});

describe('hashtag row', () => {
  it('when at least half of the non-empty cells are hashtags, then it is the hashtag row (IDMC leaves some columns untagged)', () => {
    expect(isHashtagRow(['#country+code', '#country+name', '#date+year', '#affected+idps+ind+new+conflict', '', '#affected+idps+ind+total+conflict', ''])).toBe(true);
    expect(isHashtagRow(['#adm1+code', 'notes', '', ''])).toBe(true);
    expect(isHashtagRow(['#adm1+code', 'notes', 'more'])).toBe(false);
    expect(isHashtagRow(['', ''])).toBe(false);
    expect(isHashtagRow(['SD01', '13545', '2023-04-28'])).toBe(false);
  });
});
