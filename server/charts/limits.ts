/** PNG size limits: big enough for a printed A4 page at 200 dpi, small enough that one request cannot exhaust memory. */
export const PNG_LIMITS = { width: { min: 300, max: 2000, default: 1000 }, height: { min: 200, max: 1500, default: 560 } } as const;
