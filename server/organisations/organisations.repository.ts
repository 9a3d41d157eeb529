import { z } from 'zod';
import type { Tx } from '../storage/database';
import { RELIABILITIES, type Reliability } from '../figures/figure';
import { requiredText, oneOf } from '../validation';

export interface Organisation {
  id: number;
  name: string;
  shortName: string;
  reliability: Reliability;
}

export const organisationCreateSchema = z
  .strictObject({
    name: requiredText(200),
    shortName: requiredText(120),
    reliability: z.enum(RELIABILITIES, { error: oneOf(RELIABILITIES) }),
  })
  .meta({ id: 'OrganisationCreate' });

export const organisationsRepository = {
  async list(db: Tx): Promise<Organisation[]> {
    const rows = await db.selectFrom('organisations').selectAll().orderBy('short_name').execute();
    return rows.map((r) => ({ id: r.id, name: r.name, shortName: r.short_name, reliability: r.reliability as Reliability }));
  },
  async byShortName(db: Tx, shortName: string): Promise<Organisation | undefined> {
    const r = await db.selectFrom('organisations').selectAll().where('short_name', '=', shortName).executeTakeFirst();
    return r ? { id: r.id, name: r.name, shortName: r.short_name, reliability: r.reliability as Reliability } : undefined;
  },
  async insert(db: Tx, o: Omit<Organisation, 'id'>, at: string): Promise<number> {
    const r = await db
      .insertInto('organisations')
      .values({ name: o.name, short_name: o.shortName, reliability: o.reliability, created_at: at })
      .returning('id')
      .executeTakeFirstOrThrow();
    return r.id;
  },
};
