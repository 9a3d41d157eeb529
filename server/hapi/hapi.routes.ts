import { Router } from 'express';
import { csvStream, type Column } from '../csv/write';
import { HAPI_CATEGORIES, HAPI_FIELDS, type HapiRow, type HapiTheme } from './hapi';
import type { HapiService } from './hapi.service';

/** GET /api/v1/hapi/affected-people/{idps,refugees,returnees}: JSON `{data:[…]}` or CSV with HAPI's HXL row. */
export function hapiApi(hapi: HapiService): Router {
  const r = Router();
  for (const theme of Object.keys(HAPI_CATEGORIES) as HapiTheme[]) {
    const columns: Column<HapiRow>[] = HAPI_FIELDS(theme).map((f) => ({ key: f.field, header: f.field, hxl: f.hxl, description: f.description, value: (row) => row[f.field] }));
    r.get(`/hapi/affected-people/${theme}`, async (req, res) => {
      const q = hapi.parse(req.query);
      const rows = await hapi.rows(theme, q);
      if (q.output_format === 'json') return res.json({ data: rows });
      res.setHeader('Content-Type', 'text/csv; charset=utf-8');
      res.setHeader('Content-Disposition', `attachment; filename="hapi-${theme}.csv"`);
      csvStream(columns, { hxl: true, bom: false }, rows).pipe(res);
    });
  }
  return r;
}
