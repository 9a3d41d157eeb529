import express, { Router } from 'express';
import multer from 'multer';
import { requireRole } from '../auth/auth.middleware';
import { HttpError, fromUploadError, fieldError, cleanFilename, UPLOAD_CHARSETS } from '../errors';
import { positiveId } from '../validation';
import { MAX_BOUNDARY_BYTES } from './boundary-file';
import type { MapsService } from './maps.service';

const levelParam = (v: unknown) => {
  if (v !== '1' && v !== '2') throw new HttpError(400, 'validation_failed', 'level: must be 1 or 2', { fields: [fieldError('level', 'one_of', { values: '1, 2' })] });
  return Number(v);
};

/**
 * Boundaries API: list (anyone who may read), and for admins upload (GeoJSON/TopoJSON as the raw body or the
 * multipart field `file`; without commit=true only the check), delete and restore.
 */
export function mapsApi(maps: MapsService): Router {
  const r = Router();
  const single = multer({ ...UPLOAD_CHARSETS, storage: multer.memoryStorage(), limits: { fileSize: MAX_BOUNDARY_BYTES, files: 1, fields: 20, parts: 21, fieldSize: 4096 } }).single(
    'file',
  );

  r.get('/situations/:slug/boundaries', async (req, res) => {
    const { boundaries, history } = await maps.list(String(req.params.slug));
    if (req.user) return res.json({ boundaries, history });
    // Account emails are for signed-in users only.
    res.json({ boundaries: boundaries.map(({ createdBy: _c, retiredBy: _r, ...b }) => b), history: history.map(({ actor: _a, ...h }) => h) });
  });
  r.post(
    '/situations/:slug/boundaries',
    requireRole('admin'),
    // application/json is parsed (1 MB) by the API's JSON parser before this; larger files go as geo+json or multipart.
    express.raw({ type: ['application/geo+json', 'application/vnd.geo+json', 'application/topo+json', 'application/octet-stream'], limit: MAX_BOUNDARY_BYTES }),
    (req, res, next) => single(req, res, (err?: unknown) => next(err ? fromUploadError(err, MAX_BOUNDARY_BYTES) : undefined)),
    async (req, res) => {
      const opts = maps.options({ ...req.query, filename: req.query.filename ?? (req.file ? cleanFilename(req.file.originalname, 'boundaries.json') : undefined) });
      const buffer: Buffer | undefined =
        req.file?.buffer ??
        (Buffer.isBuffer(req.body) ? req.body : req.body && typeof req.body === 'object' && Object.keys(req.body).length ? Buffer.from(JSON.stringify(req.body)) : undefined);
      if (!buffer?.length)
        throw new HttpError(
          400,
          'validation_failed',
          'file: send the GeoJSON or TopoJSON as the request body (Content-Type: application/geo+json) or as the multipart field "file"',
          {
            fields: [fieldError('file', 'required')],
          },
        );
      const report = await maps.upload(String(req.params.slug), buffer, opts, req.user!);
      res.status(report.committed ? 201 : 200).json(report);
    },
  );
  r.delete('/situations/:slug/boundaries/:level', requireRole('admin'), async (req, res) => {
    res.json(await maps.remove(String(req.params.slug), levelParam(req.params.level), req.user!));
  });
  r.post('/situations/:slug/boundaries/:id/restore', requireRole('admin'), async (req, res) => {
    res.json(await maps.restore(String(req.params.slug), positiveId(req.params.id), req.user!));
  });
  return r;
}
