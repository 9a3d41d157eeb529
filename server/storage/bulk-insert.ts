import type { CompiledQuery, Insertable, Kysely, Transaction } from 'kysely';
import type { Database } from './schema';

type Handle = Kysely<Database> | Transaction<Database>;

/**
 * Inserts many rows of one shape through Kysely on either database, `size` rows per statement.
 *
 * Why: building a Kysely query for 500 rows × 30 columns costs more than running it; a million-row import spent
 * most of its time there. The statement text depends only on the table, the columns and the row count, so it is
 * compiled once per row count and run again with new parameters. Rows are copied straight into the parameter
 * list; columns whose value is the same for every row (`fixed`) are given once.
 */
export class BulkInsert<T extends keyof Database & string, C extends keyof Insertable<Database[T]> & string> {
  private readonly compiled = new Map<number, CompiledQuery>();
  private readonly columns: string[];
  private readonly fixed: unknown[];
  private parameters: unknown[] = [];
  private pending = 0;
  written = 0;

  constructor(
    private readonly db: Handle,
    private readonly table: T,
    private readonly rowColumns: readonly C[],
    fixed: Partial<Insertable<Database[T]>> = {},
    private readonly size = 500,
  ) {
    this.columns = [...rowColumns, ...Object.keys(fixed)];
    this.fixed = Object.values(fixed);
  }

  /** Queues a row; runs a statement when `size` rows are waiting. */
  async add(row: Pick<Insertable<Database[T]>, C>): Promise<void> {
    const p = this.parameters;
    for (const c of this.rowColumns) p.push((row as Record<string, unknown>)[c] ?? null);
    for (const v of this.fixed) p.push(v);
    if (++this.pending >= this.size) await this.flush();
  }

  /** Writes the queued rows. */
  async flush(): Promise<void> {
    if (!this.pending) return;
    const statement = this.statement(this.pending);
    const parameters = this.parameters;
    const n = this.pending;
    this.parameters = [];
    this.pending = 0;
    await this.db.executeQuery({ ...statement, parameters });
    this.written += n;
  }

  private statement(n: number): CompiledQuery {
    let q = this.compiled.get(n);
    if (!q) {
      // Placeholder values only fix the statement's shape: one parameter per column and row, in `columns` order.
      const template = Object.fromEntries(this.columns.map((c) => [c, 0]));
      q = (this.db.insertInto(this.table) as unknown as { values(v: unknown[]): { compile(): CompiledQuery } }).values(Array.from({ length: n }, () => template)).compile();
      if (q.parameters.length !== n * this.columns.length)
        throw new Error(`bulk insert into ${this.table}: expected ${n * this.columns.length} parameters, got ${q.parameters.length}`);
      this.compiled.set(n, q);
    }
    return q;
  }
}
