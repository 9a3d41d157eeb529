import type { Selectable } from 'kysely';
import type { Tx } from '../storage/database';
import type { LocationsTable } from '../storage/schema';

export interface Location {
  code: string;
  name: string;
  adminLevel: number;
  parentCode: string | null;
  country: string;
  isArea: boolean;
  pcode: string | null;
}

const toLocation = (r: Selectable<LocationsTable>): Location => ({
  code: r.code,
  name: r.name,
  adminLevel: r.admin_level,
  parentCode: r.parent_code,
  country: r.country,
  isArea: !!r.is_area,
  pcode: r.pcode,
});

export const locationsRepository = {
  async list(db: Tx, country?: string): Promise<Location[]> {
    let q = db.selectFrom('locations').selectAll();
    if (country) q = q.where('country', '=', country);
    return (await q.orderBy('admin_level').orderBy('code').execute()).map(toLocation);
  },
  async get(db: Tx, code: string): Promise<Location | undefined> {
    const r = await db.selectFrom('locations').selectAll().where('code', '=', code).executeTakeFirst();
    return r ? toLocation(r) : undefined;
  },
  /** Inserts locations that do not exist yet; existing ones are left as they are. */
  async ensure(db: Tx, locations: Location[]) {
    for (const l of locations) {
      await db
        .insertInto('locations')
        .values({
          code: l.code,
          name: l.name,
          admin_level: l.adminLevel,
          parent_code: l.parentCode,
          country: l.country,
          is_area: l.isArea ? 1 : 0,
          pcode: l.pcode,
        })
        .onConflict((oc) => oc.column('code').doNothing())
        .execute();
    }
  },
};
