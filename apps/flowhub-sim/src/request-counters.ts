import type { Endpoint } from './endpoints';

export interface RequestCountsSnapshot {
  total: number;
  byEndpoint: Partial<Record<Endpoint, number>>;
  byLocation: Record<string, Partial<Record<Endpoint, number>>>;
  /** Answers sent, by endpoint and HTTP status (requests a fault hung or cut off have none). */
  byStatus: Partial<Record<Endpoint, Record<string, number>>>;
}

/** Counts Flowhub requests per endpoint, so tests can assert "one inventory call" or "no second create". */
export class RequestCounters {
  private counts: RequestCountsSnapshot = emptyCounts();

  request(endpoint: Endpoint, locationId?: string): void {
    this.counts.total++;
    this.counts.byEndpoint[endpoint] = (this.counts.byEndpoint[endpoint] ?? 0) + 1;
    if (locationId !== undefined) {
      const location = (this.counts.byLocation[locationId] ??= {});
      location[endpoint] = (location[endpoint] ?? 0) + 1;
    }
  }

  answered(endpoint: Endpoint, statusCode: number): void {
    const statuses = (this.counts.byStatus[endpoint] ??= {});
    statuses[statusCode] = (statuses[statusCode] ?? 0) + 1;
  }

  snapshot(): RequestCountsSnapshot {
    return structuredClone(this.counts);
  }

  reset(): void {
    this.counts = emptyCounts();
  }
}

function emptyCounts(): RequestCountsSnapshot {
  return { total: 0, byEndpoint: {}, byLocation: {}, byStatus: {} };
}
