/**
 * Colours from the Okabe–Ito palette (Okabe & Ito 2008, "Color Universal Design"), which stays distinguishable
 * with the common colour-vision deficiencies. Each organisation also gets its own marker shape, so colour is
 * never the only cue. Yellow comes last: it is too light on white for thin lines and gets a dark outline.
 */
export const OKABE_ITO = {
  orange: '#E69F00',
  skyBlue: '#56B4E9',
  bluishGreen: '#009E73',
  yellow: '#F0E442',
  blue: '#0072B2',
  vermillion: '#D55E00',
  reddishPurple: '#CC79A7',
  black: '#000000',
} as const;

/** Organisation colours; blue is kept for projections, black for quoted scenarios and reddish purple for scenario curves. */
export const ORGANISATION_COLOURS = [OKABE_ITO.vermillion, OKABE_ITO.bluishGreen, OKABE_ITO.orange, OKABE_ITO.skyBlue, OKABE_ITO.yellow];
export const ORGANISATION_SHAPES = ['circle', 'rect', 'triangle', 'rectRot', 'star', 'crossRot', 'rectRounded', 'cross'] as const;

export const ROLE_COLOURS = { origin: OKABE_ITO.blue, destination: OKABE_ITO.orange, unknown: '#6B6B6B' } as const;

export const SERIES_COLOUR = '#333333';
export const PROJECTION_COLOUR = OKABE_ITO.blue;
export const SCENARIO_COLOUR = OKABE_ITO.black;
export const HIGH_COLOUR = OKABE_ITO.reddishPurple;

/** `#RRGGBB` → `rgba(r, g, b, a)` for lighter fills. */
export function withAlpha(hex: string, alpha: number): string {
  const n = parseInt(hex.slice(1), 16);
  return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`;
}

export function organisationStyle(organisations: readonly string[], organisation: string) {
  const i = Math.max(0, organisations.indexOf(organisation));
  return { colour: ORGANISATION_COLOURS[i % ORGANISATION_COLOURS.length], shape: ORGANISATION_SHAPES[i % ORGANISATION_SHAPES.length] };
}
