/** PNG charts in Arabic draw Arabic letters from the font bundled through npm, never empty boxes. */
import { createCanvas, GlobalFonts } from '@napi-rs/canvas';
import { ARABIC_FAMILY, fontFamilyFor, registerChartFonts } from '../../server/charts/fonts';

/** Draws `text` in black on white and returns the pixels (RGBA). */
function draw(text: string, family: string): Uint8ClampedArray {
  const canvas = createCanvas(240, 60);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, 240, 60);
  ctx.fillStyle = '#000';
  ctx.font = `32px "${family}"`;
  ctx.direction = 'rtl';
  ctx.textAlign = 'right';
  ctx.fillText(text, 230, 44);
  return ctx.getImageData(0, 0, 240, 60).data;
}
const ink = (px: Uint8ClampedArray) => px.filter((v, i) => i % 4 === 0 && v < 128).length;
const differing = (a: Uint8ClampedArray, b: Uint8ClampedArray) => a.filter((v, i) => i % 4 === 0 && Math.abs(v - b[i]) > 64).length;

describe('the Arabic chart font', () => {
  beforeAll(() => expect(registerChartFonts()).toBe(true));

  test('when the bundled font is registered, then its family is known to the canvas and Arabic charts ask for it first', () => {
    expect(GlobalFonts.has(ARABIC_FAMILY)).toBe(true);
    expect(fontFamilyFor('ar-u-nu-latn').split(',')[0]).toBe(ARABIC_FAMILY);
    expect(fontFamilyFor('fr').split(',')[0]).not.toBe(ARABIC_FAMILY);
  });

  test('when Aleppo and Idlib are written in Arabic, then the letters differ from the missing-glyph boxes of the same count', () => {
    const arabic = draw('حلب إدلب', ARABIC_FAMILY);
    // Private-use code points have no glyph in any font: what a font without Arabic would draw (.notdef boxes).
    const boxes = draw('\uE000\uE001\uE002 \uE003\uE004\uE005\uE006', ARABIC_FAMILY);
    expect(ink(arabic)).toBeGreaterThan(150);
    expect(differing(arabic, boxes)).toBeGreaterThan(150);
    // Different words give different shapes (glyphs, not one repeated box).
    expect(differing(arabic, draw('دمشق حمص', ARABIC_FAMILY))).toBeGreaterThan(150);
  });

  test('when the same Arabic is drawn with the bundled Latin-only subset, then it looks different from the Arabic face', () => {
    GlobalFonts.registerFromPath(require.resolve('@fontsource/noto-sans-arabic/files/noto-sans-arabic-latin-400-normal.woff2'), 'Latin Only Test');
    expect(differing(draw('حلب إدلب', ARABIC_FAMILY), draw('حلب إدلب', 'Latin Only Test'))).toBeGreaterThan(50);
  });
});
