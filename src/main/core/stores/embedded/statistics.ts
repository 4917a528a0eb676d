import type { SqlDb } from './sql-db';

/** Autovacuum's own floor: below this many changed rows, plans don't move. */
const MIN_CHANGES = 1000;

/**
 * PGlite runs Postgres in single-user mode: there is no autovacuum, so nothing refreshes the
 * planner's statistics. Without them a 1M-row follows table is planned as if it were empty and
 * "who to follow" turns into a sequential scan (2 s instead of milliseconds). This runs ANALYZE
 * on a table once the rows changed since the last one reach the size it had then (at least
 * MIN_CHANGES): a bulk load of N rows costs about log2(N / 1000) ANALYZEs, each a sample.
 */
export class PlannerStatistics {
  private readonly changed = new Map<string, number>();
  private readonly analyzedAt = new Map<string, number>();

  constructor(private readonly db: SqlDb) {}

  async noteChanges(table: string, rows: number): Promise<void> {
    if (rows <= 0) return;
    const changed = (this.changed.get(table) ?? 0) + rows;
    const size = this.analyzedAt.get(table) ?? 0;
    if (changed < Math.max(MIN_CHANGES, size)) {
      this.changed.set(table, changed);
      return;
    }
    this.changed.set(table, 0);
    this.analyzedAt.set(table, size + changed);
    await this.db.exec(`ANALYZE ${table}`);
  }
}
