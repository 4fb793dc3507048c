import type { SyncRun } from '@flowhub-sync/db';

/** A sync run as GET …/syncs and GET …/flowhub show it (api-contract.md). */
export function syncRunView(run: SyncRun) {
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
    },
    error: run.error,
    problems: Array.isArray(run.problems) ? run.problems : [],
    problemsTruncated: run.problemsTruncated,
  };
}
