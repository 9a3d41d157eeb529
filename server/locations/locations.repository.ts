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
  /** Names in Arabic and in French, shown on pages in those languages (absent or null: `name`). */
  nameAr?: string | null;
  nameFr?: string | null;
}

const toLocation = (r: Selectable<LocationsTable>): Location => ({
  code: r.code,
  name: r.name,
  adminLevel: r.admin_level,
  parentCode: r.parent_code,
  country: r.country,
  isArea: !!r.is_area,
  pcode: r.pcode,
  nameAr: r.name_ar,
  nameFr: r.name_fr,
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
  /** Inserts locations that do not exist yet; existing ones keep their fields, and only gain an Arabic or French name they lacked. */
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
          name_ar: l.nameAr ?? null,
          name_fr: l.nameFr ?? null,
        })
        .onConflict((oc) =>
          l.nameAr || l.nameFr
            ? oc.column('code').doUpdateSet((eb) => ({
                name_ar: eb.fn.coalesce('locations.name_ar', eb.ref('excluded.name_ar')),
                name_fr: eb.fn.coalesce('locations.name_fr', eb.ref('excluded.name_fr')),
              }))
            : oc.column('code').doNothing(),
        )
        .execute();
    }
  },
};
