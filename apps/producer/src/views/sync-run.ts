import { z } from 'zod';
import { SyncStatus, SyncTrigger, type SyncRun } from '@flowhub-sync/db';

const instant = z.iso.datetime();
const count = z.number().int().min(0);

/** A sync run as GET …/syncs and GET …/flowhub show it (api-contract.md "Inventory"); the type below is derived from it. */
export const syncRunViewSchema = z.object({
  id: z.string(),
  trigger: z.enum(SyncTrigger),
  status: z.enum(SyncStatus),
  startedAt: instant.nullable(),
  finishedAt: instant.nullable(),
  counts: z.object({
    fetched: count,
    kept: count,
    created: count,
    updated: count,
    unchanged: count,
    deactivated: count,
    invalid: count,
    uncategorized: count,
    unknownTerpenes: count,
    unknownStrainTypes: count,
    unreadable: count.describe(
      'rows that could not be read but name their product (also counted in invalid): the product kept its last good values',
    ),
    packagesMerged: count.describe(
      "packages of a variant beyond its first (Flowhub lists a variant once per package and room) whose quantities were added to the variant's",
    ),
    repeatedRows: count.describe('rows that repeated a (room, package) of their variant already listed: counted once'),
  }),
  error: z.string().nullable(),
  problems: z
    .array(z.object({ variantId: z.string().nullable(), reason: z.string() }))
    .describe('rows the sync could not take or map fully, at most 100 per run'),
  problemsTruncated: z.boolean().describe('true when the run had more problems than it lists'),
});
export type SyncRunView = z.output<typeof syncRunViewSchema>;

/** GET …/syncs */
export const syncRunListSchema = z.object({ items: z.array(syncRunViewSchema).describe('newest first') });

/** POST …/sync: the queued job, or the queued-and-not-started one this request joined. */
export const syncRequestedSchema = z.object({ jobId: z.string(), joined: z.boolean() });

export function syncRunView(run: SyncRun): SyncRunView {
  return {
    id: run.id,
    trigger: run.trigger,
    status: run.status,
    startedAt: run.startedAt?.toISOString() ?? null,
    finishedAt: run.finishedAt?.toISOString() ?? null,
    counts: {
      fetched: run.fetched,
      kept: run.kept,
      created: run.created,
      updated: run.updated,
      unchanged: run.unchanged,
      deactivated: run.deactivated,
      invalid: run.invalid,
      uncategorized: run.uncategorized,
      unknownTerpenes: run.unknownTerpenes,
      unknownStrainTypes: run.unknownStrainTypes,
      unreadable: run.unreadable,
      packagesMerged: run.packagesMerged,
      repeatedRows: run.repeatedRows,
    },
    error: run.error,
    // Written by the inventory worker as {variantId, reason}[] (sync-store.ts).
    problems: (Array.isArray(run.problems) ? run.problems : []) as SyncRunView['problems'],
    problemsTruncated: run.problemsTruncated,
  };
}
