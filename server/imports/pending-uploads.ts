import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Request } from 'express';
import multer from 'multer';
import { cleanFilename } from '../errors';

/*
 * Uploaded files waiting between the import form's preview and its commit.
 *
 * Between preview and commit the file stays on the server, never in the client: it is kept under a random
 * 128-bit id in that directory with a small record of who uploaded it (user id and session key) and for which
 * situation. The commit form sends only the id; the server accepts it only from the same session and user for
 * the same situation, within an hour. One pending file per session (a new upload replaces it); files with
 * problems are not kept; a commit claims the file by renaming it (a double submit cannot import it twice) and
 * deletes it after success. Expired files are swept on each upload, and at most MAX_PENDING are kept.
 */

export const UPLOAD_TTL_MS = 60 * 60 * 1000;
const MAX_PENDING = 50;
const ID = /^[a-f0-9]{32}$/;

export interface PendingUpload {
  id: string;
  path: string;
  filename: string;
  size: number;
}
interface PendingRecord {
  userId: number;
  sessionKey: string;
  slug: string;
  filename: string;
  size: number;
  createdAt: number;
}

/** Uploaded files waiting between preview and commit: a private temp directory, one file and one record per id. */
export class PendingUploads {
  constructor(readonly dir: string = path.join(os.tmpdir(), `displacement-tracker-uploads-${process.getuid?.() ?? 'u'}`)) {}

  private ensureDir() {
    fs.mkdirSync(this.dir, { recursive: true, mode: 0o700 });
  }
  private file(id: string, suffix: 'csv' | 'json' | 'committing') {
    if (!ID.test(id)) throw new Error('bad upload id');
    return path.join(this.dir, `${id}.${suffix}`);
  }

  /** multer storage: the file lands in the directory under a fresh random id. */
  storage(): multer.StorageEngine {
    return multer.diskStorage({
      destination: (_req, _file, cb) => {
        try {
          this.ensureDir();
          cb(null, this.dir);
        } catch (err) {
          cb(err as Error, this.dir);
        }
      },
      filename: (_req, _file, cb) => cb(null, `${randomBytes(16).toString('hex')}.csv`),
    });
  }

  /** Keeps a just-uploaded file for this session and situation; replaces the session's earlier one. */
  async adopt(req: Request, slug: string): Promise<PendingUpload> {
    const f = req.file!;
    const id = path.basename(f.filename, '.csv');
    const record: PendingRecord = { userId: req.user!.id, sessionKey: req.sessionKey ?? '', slug, filename: cleanFilename(f.originalname), size: f.size, createdAt: Date.now() };
    await this.sweep(req.sessionKey ?? '');
    await fs.promises.writeFile(this.file(id, 'json'), JSON.stringify(record), { mode: 0o600 });
    return { id, path: this.file(id, 'csv'), filename: record.filename, size: record.size };
  }

  /** The pending file with this id, if it belongs to this session, user and situation and has not expired. */
  async find(id: unknown, req: Request, slug: string): Promise<PendingUpload | null> {
    if (typeof id !== 'string' || !ID.test(id) || !req.sessionKey) return null;
    let r: PendingRecord;
    try {
      r = JSON.parse(await fs.promises.readFile(this.file(id, 'json'), 'utf8')) as PendingRecord;
    } catch {
      return null;
    }
    if (r.sessionKey !== req.sessionKey || r.userId !== req.user?.id || r.slug !== slug || Date.now() - r.createdAt > UPLOAD_TTL_MS) return null;
    if (!fs.existsSync(this.file(id, 'csv'))) return null;
    return { id, path: this.file(id, 'csv'), filename: r.filename, size: r.size };
  }

  /** Takes the file for a commit (atomic rename): null when another request has it already. */
  async claim(id: string): Promise<string | null> {
    try {
      await fs.promises.rename(this.file(id, 'csv'), this.file(id, 'committing'));
      return this.file(id, 'committing');
    } catch {
      return null;
    }
  }

  /** Gives a claimed file back (the commit failed; the user may fix the options and try again). */
  async release(id: string): Promise<void> {
    await fs.promises.rename(this.file(id, 'committing'), this.file(id, 'csv')).catch(() => undefined);
  }

  async remove(id: string): Promise<void> {
    await Promise.all((['csv', 'json', 'committing'] as const).map((s) => fs.promises.rm(this.file(id, s), { force: true })));
  }

  /** Removes expired files, the session's earlier upload, and the oldest beyond MAX_PENDING. */
  private async sweep(sessionKey: string): Promise<void> {
    const names = await fs.promises.readdir(this.dir).catch(() => [] as string[]);
    const records: { id: string; createdAt: number }[] = [];
    for (const name of names.filter((n) => n.endsWith('.json'))) {
      const id = name.slice(0, -5);
      if (!ID.test(id)) continue;
      try {
        const r = JSON.parse(await fs.promises.readFile(this.file(id, 'json'), 'utf8')) as PendingRecord;
        if (Date.now() - r.createdAt > UPLOAD_TTL_MS || (sessionKey && r.sessionKey === sessionKey)) await this.remove(id);
        else records.push({ id, createdAt: r.createdAt });
      } catch {
        await this.remove(id);
      }
    }
    // Files without a record (a crash between upload and adoption) go once they are older than the TTL.
    for (const name of names.filter((n) => /^[a-f0-9]{32}\.(csv|committing)$/.test(n))) {
      const st = await fs.promises.stat(path.join(this.dir, name)).catch(() => null);
      if (st && Date.now() - st.mtimeMs > UPLOAD_TTL_MS) await fs.promises.rm(path.join(this.dir, name), { force: true });
    }
    records.sort((a, b) => a.createdAt - b.createdAt);
    for (const r of records.slice(0, Math.max(0, records.length - (MAX_PENDING - 1)))) await this.remove(r.id);
  }
}
