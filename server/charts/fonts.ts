import path from 'node:path';
import { GlobalFonts } from '@napi-rs/canvas';

/**
 * Fonts for PNG charts. Arabic text needs a face with Arabic glyphs, which a server may lack (a slim image has
 * no fonts-noto-core): Noto Sans Arabic comes from npm (@fontsource/noto-sans-arabic, SIL Open Font License) as
 * WOFF2, which @napi-rs/canvas reads, so a clean clone draws Arabic without apt and nothing is fetched at run time.
 */
export const ARABIC_FAMILY = 'Noto Sans Arabic';

const FILES = ['arabic-400-normal', 'arabic-700-normal', 'latin-400-normal', 'latin-700-normal'];

let registered: boolean | undefined;

/** Registers the bundled Arabic font once; false when the package is missing (charts then use system fonts). */
export function registerChartFonts(): boolean {
  if (registered !== undefined) return registered;
  try {
    const dir = path.join(path.dirname(require.resolve('@fontsource/noto-sans-arabic/package.json')), 'files');
    registered = FILES.map((f) => GlobalFonts.registerFromPath(path.join(dir, `noto-sans-arabic-${f}.woff2`), ARABIC_FAMILY)).every(Boolean);
  } catch {
    registered = false;
  }
  return registered;
}

const LATIN = 'DejaVu Sans, Liberation Sans, Arial, sans-serif';

/** The font list of a chart in `locale`: Arabic charts start with the bundled Arabic face, the rest with the Latin faces. */
export const fontFamilyFor = (locale: string) => (locale.split('-')[0] === 'ar' ? `${ARABIC_FAMILY}, ${LATIN}` : `${LATIN}, ${ARABIC_FAMILY}`);
