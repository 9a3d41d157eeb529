import { Readable } from 'node:stream';
import express, { Router } from 'express';
import multer from 'multer';
import { requireRole } from '../auth/auth.middleware';
import { HttpError } from '../errors';
import { parseOrThrow } from '../validation';
import type { ImportsService } from './imports.service';
import { importOptionsSchema, MAX_UPLOAD_BYTES, toImportOptions } from './import-options';

/**
 * POST /api/v1/situations/:slug/imports: a CSV as the raw body (text/csv) or as the multipart field `file`.
 * Without `commit=true` it only previews: counts and every problem, nothing stored.
 */
export function importsApi(imports: ImportsService): Router {
  const r = Router();
  const upload = multer({ storage: multer.memoryStorage(), limits: { fileSize: MAX_UPLOAD_BYTES, files: 1 } });
  r.post(
    '/situations/:slug/imports',
    requireRole('editor'),
    express.raw({ type: ['text/csv', 'text/plain', 'application/octet-stream'], limit: MAX_UPLOAD_BYTES }),
    upload.single('file'),
    async (req, res) => {
      const opts = parseOrThrow(importOptionsSchema, req.query);
      const buffer: Buffer | undefined = req.file?.buffer ?? (Buffer.isBuffer(req.body) ? req.body : undefined);
      if (!buffer) throw new HttpError(400, 'validation_failed', 'Send the CSV as the request body (Content-Type: text/csv) or as the multipart field "file"', { fields: [{ path: 'file', message: 'is required' }] });
      const source = () => Readable.from([buffer]);
      const options = toImportOptions(opts, req.file?.originalname ?? 'upload.csv', buffer.length);
      const report = opts.commit ? await imports.commit(String(req.params.slug), source, options, req.user!) : await imports.preview(String(req.params.slug), source, options, req.user!);
      res.status(report.committed ? 201 : 200).json(report);
    },
  );
  return r;
}
