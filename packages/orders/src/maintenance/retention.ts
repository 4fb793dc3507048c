import { applyRetention, DEFAULT_RETENTION } from '@flowhub-sync/db';
import type { MaintenanceTaskRun } from './task';

/**
 * maintenance / retention (hourly): finished work leaves PostgreSQL once past its policy (sync runs past their age or
 * beyond a store's newest, delivered and failed webhook deliveries past theirs); the statements are packages/db's
 * (packages/db/src/retention.ts). Without a policy from the environment, DEFAULT_RETENTION.
 */
export const retentionTask: MaintenanceTaskRun = async (deps, now) => applyRetention(deps.prisma, deps.retention ?? DEFAULT_RETENTION, now);
