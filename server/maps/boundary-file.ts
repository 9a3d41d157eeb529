import type { Feature, FeatureCollection, Geometry, MultiPolygon, Polygon, Position } from 'geojson';
import type { GeometryCollection, Topology } from 'topojson-specification';
import { topology as toTopology } from 'topojson-server';
import { presimplify, simplify } from 'topojson-simplify';
import { feature as toFeatures, quantize } from 'topojson-client';
import { geoArea } from 'd3-geo';
import { validationFailed, type FieldError, fieldError } from '../errors';
import type { AreaTopology } from './choropleth';
import type { FieldErrorCode, FieldErrorParams } from '../i18n/field-errors';

/** The largest boundary file accepted (an OCHA COD-AB admin 2 GeoJSON of a large country is about 20 MB). */
export const MAX_BOUNDARY_BYTES = 25 * 1024 * 1024;
/** Shapes per file: admin 2 of the largest countries has a few hundred to a few thousand. */
export const MAX_FEATURES = 5_000;
/** Points kept by the simplification: enough for admin areas on a 600-pixel map; at 6,000 the inline SVG of an admin 1 map was 35 KB gzipped, at 2,500 about 15 KB (bench/map-weight.ts), which keeps the situation page under 100 KB. */
export const TARGET_VERTICES = 2_500;
/** A file still above this after simplification (many islands, arc ends are always kept) is refused. */
export const MAX_VERTICES = 20_000;
/** Properties kept per shape for the mapping step, and their size. */
const MAX_PROPERTIES = 60;
const MAX_VALUE_CHARS = 200;

/** The properties of one shape as kept for the mapping step: text and numbers only, bounded. */
export type ShapeProperties = Record<string, string>;

/** A checked, simplified boundary file, before its p-code and name fields are chosen. */
export interface ReadBoundary {
  /** Quantized, simplified TopoJSON with one object `areas`; each geometry keeps its (bounded) properties. */
  topology: Topology<{ areas: GeometryCollection<ShapeProperties> }>;
  /** Planar coordinates (e.g. metres): drawn with an identity projection, not Mercator. */
  projected: boolean;
  features: number;
  verticesBefore: number;
  vertices: number;
  /** Property names in file order, with how many shapes have a value for each. */
  fields: { name: string; filled: number; example: string }[];
}

const bad = (code: FieldErrorCode, params?: FieldErrorParams): never => {
  throw validationFailed([fieldError('file', code, params)]);
};

/** Numbers of a position, at least x and y, all finite. */
const isPosition = (p: unknown): p is Position => Array.isArray(p) && p.length >= 2 && p.every((n) => typeof n === 'number' && Number.isFinite(n));
const isRing = (r: unknown) => Array.isArray(r) && r.length >= 4 && r.every(isPosition);
const isPolygon = (c: unknown) => Array.isArray(c) && c.length >= 1 && c.every(isRing);

/** Why a geometry cannot be drawn as an area, or null when it can. */
function geometryProblem(g: Geometry | null | undefined): { code: FieldErrorCode; type?: string } | null {
  if (!g || typeof g !== 'object') return { code: 'shape_no_geometry' };
  if (g.type === 'Polygon') return isPolygon(g.coordinates) ? null : { code: 'shape_bad_polygon' };
  if (g.type === 'MultiPolygon') return Array.isArray(g.coordinates) && g.coordinates.length > 0 && g.coordinates.every(isPolygon) ? null : { code: 'shape_bad_multipolygon' };
  return { code: 'shape_not_area', type: String((g as { type?: unknown }).type) };
}

/** The features of a GeoJSON or TopoJSON document (TopoJSON: its largest object). */
function featuresOf(doc: unknown): Feature[] {
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) return bad('not_geojson');
  const d = doc as { type?: unknown; features?: unknown; objects?: unknown };
  if (d.type === 'FeatureCollection') return Array.isArray(d.features) ? (d.features as Feature[]) : bad('no_features_list');
  if (d.type === 'Feature') return [doc as Feature];
  if (d.type === 'Topology') {
    if (!d.objects || typeof d.objects !== 'object') return bad('topology_no_objects');
    const objects = Object.values(d.objects as Record<string, { type?: string; geometries?: unknown[] }>);
    const largest = objects.filter((o) => o && o.type === 'GeometryCollection' && Array.isArray(o.geometries)).sort((a, b) => b.geometries!.length - a.geometries!.length)[0];
    if (!largest) return bad('topology_no_collection');
    if (largest.geometries!.length > MAX_FEATURES) return bad('topology_too_many', { shapes: largest.geometries!.length, max: MAX_FEATURES });
    try {
      return (toFeatures(doc as Topology, largest as never) as unknown as FeatureCollection).features;
    } catch (err) {
      return bad('topology_unreadable', { reason: (err as Error).message });
    }
  }
  return bad('boundary_wrong_type', { type: JSON.stringify(d.type ?? null) });
}

/** Text and number properties as strings, bounded in count and length (the mapping step shows them). */
function keptProperties(p: unknown): ShapeProperties {
  const out: ShapeProperties = {};
  if (!p || typeof p !== 'object') return out;
  for (const [k, v] of Object.entries(p as Record<string, unknown>)) {
    if (Object.keys(out).length >= MAX_PROPERTIES) break;
    if (k.length > 100 || k === '__proto__') continue;
    if (typeof v === 'string') out[k] = v.trim().slice(0, MAX_VALUE_CHARS);
    else if (typeof v === 'number' && Number.isFinite(v)) out[k] = String(v);
  }
  return out;
}

/** Whether every coordinate is a longitude and latitude (otherwise the file is in a planar projection). */
function isGeographic(features: Feature[]): boolean {
  let ok = true;
  const visit = (c: unknown): void => {
    if (!ok) return;
    if (isPosition(c)) {
      if (Math.abs(c[0]) > 180 || Math.abs(c[1]) > 90) ok = false;
    } else if (Array.isArray(c)) c.forEach(visit);
  };
  for (const f of features) visit((f.geometry as Polygon | MultiPolygon).coordinates);
  return ok;
}

/**
 * d3-geo takes a ring's winding as which side is inside (clockwise = inside on the sphere); GeoJSON (RFC 7946)
 * winds the other way. A polygon that covers more than half the globe is read inside out: its rings are reversed.
 */
function windForSphere(g: Polygon | MultiPolygon): Polygon | MultiPolygon {
  const fix = (rings: Position[][]) => (geoArea({ type: 'Polygon', coordinates: rings }) > 2 * Math.PI ? rings.map((r) => [...r].reverse()) : rings);
  return g.type === 'Polygon' ? { type: 'Polygon', coordinates: fix(g.coordinates) } : { type: 'MultiPolygon', coordinates: g.coordinates.map(fix) };
}

const vertexCount = (t: Topology) => t.arcs.reduce((n, a) => n + a.length, 0);

/**
 * Reads a boundary file (GeoJSON or TopoJSON): valid JSON, every shape a Polygon or MultiPolygon, at most
 * MAX_FEATURES shapes; then simplifies it (Visvalingam, keeping shared borders shared) to about TARGET_VERTICES
 * points. A 400 naming the problem (and the first shapes with it) otherwise.
 */
export function readBoundaryFile(buffer: Buffer): ReadBoundary {
  let doc: unknown;
  try {
    doc = JSON.parse(buffer.toString('utf8').replace(/^\uFEFF/, ''));
  } catch (err) {
    return bad('not_json', { reason: (err as Error).message });
  }
  const features = featuresOf(doc);
  if (!features.length) return bad('no_shapes');
  if (features.length > MAX_FEATURES) return bad('topology_too_many', { shapes: features.length, max: MAX_FEATURES });
  const problems: FieldError[] = [];
  features.forEach((f, i) => {
    const why = f && typeof f === 'object' ? geometryProblem(f.geometry) : { code: 'shape_not_feature' as const };
    if (why && problems.length < 10) problems.push(fieldError('file', why.code, { shape: i + 1, ...(why.type ? { type: why.type } : {}) }));
  });
  if (problems.length) throw validationFailed(problems);

  const geographic = isGeographic(features);
  const clean: FeatureCollection<Polygon | MultiPolygon, ShapeProperties> = {
    type: 'FeatureCollection',
    features: features.map((f) => {
      const g = f.geometry as Polygon | MultiPolygon;
      return { type: 'Feature', properties: keptProperties(f.properties), geometry: geographic ? windForSphere(g) : g };
    }),
  };
  const topo = toTopology({ areas: clean }, 1e5) as Topology<{ areas: GeometryCollection<ShapeProperties> }>;
  const verticesBefore = vertexCount(topo);
  let simplified = topo;
  if (verticesBefore > TARGET_VERTICES) {
    const pre = presimplify(topo);
    // The weight above which TARGET_VERTICES points remain (arc ends, weight Infinity, always stay). Strictly
    // above: many points share a weight (a smooth curve, a quantized line), and keeping the ties kept them all.
    const weights = pre.arcs.flatMap((arc) => arc.map((p) => p[2])).filter((w) => Number.isFinite(w));
    weights.sort((a, b) => b - a);
    const room = Math.max(0, TARGET_VERTICES - (verticesBefore - weights.length));
    const minWeight = room >= weights.length ? 0 : weights[room] * (1 + 1e-9) + Number.MIN_VALUE;
    const kept = simplify(pre, minWeight);
    // Simplified arcs are in absolute coordinates with a weight as third number: back to x, y and integers
    // (10,000 steps across the map: a fraction of a pixel at any size the app draws).
    kept.arcs = kept.arcs.map((arc) => arc.map((p) => [p[0], p[1]]));
    simplified = quantize(kept, 1e4);
  }
  const vertices = vertexCount(simplified);
  if (vertices > MAX_VERTICES) bad('too_many_points', { points: vertices, max: MAX_VERTICES });

  const counts = new Map<string, { filled: number; example: string }>();
  for (const f of clean.features)
    for (const [k, v] of Object.entries(f.properties)) {
      const c = counts.get(k) ?? { filled: 0, example: v };
      if (v) c.filled++;
      counts.set(k, c);
    }
  return {
    topology: simplified,
    projected: !geographic,
    features: features.length,
    verticesBefore,
    vertices,
    fields: [...counts].map(([name, c]) => ({ name, ...c })),
  };
}

/** OCHA COD-AB field names for the p-code and the English name of each admin level, then common alternatives. */
export function guessFields(fields: string[], level: number): { pcode: string | null; name: string | null } {
  const find = (cands: string[]) => cands.map((c) => fields.find((f) => f.toUpperCase() === c)).find((f) => f !== undefined) ?? null;
  return {
    pcode: find([`ADM${level}_PCODE`, `ADMIN${level}PCODE`, `ADM${level}_PCODE_`, 'PCODE', 'P_CODE']),
    name: find([`ADM${level}_EN`, `ADM${level}_NAME`, `ADMIN${level}NAME_EN`, `ADMIN${level}NAME`, `ADM${level}_FR`, `ADM${level}_ES`, `ADM${level}_AR`, 'NAME_EN', 'NAME']),
  };
}

/**
 * The stored form of a checked file: only the shapes `keep` maps to a p-code and name (the others are dropped),
 * as a new topology with those two properties, quantized again.
 */
export function keepShapes(
  read: ReadBoundary,
  keep: (p: ShapeProperties) => { code: string; name: string } | null,
): { topology: AreaTopology; vertices: number; features: number } {
  const geometries = read.topology.objects.areas.geometries.flatMap((g) => {
    const p = keep(g.properties ?? {});
    return p ? [{ ...g, properties: p }] : [];
  });
  const fc = toFeatures(read.topology as never, { type: 'GeometryCollection', geometries } as never) as unknown as FeatureCollection;
  const topology = toTopology({ areas: fc }, 1e4) as unknown as AreaTopology;
  return { topology, vertices: vertexCount(topology), features: geometries.length };
}
