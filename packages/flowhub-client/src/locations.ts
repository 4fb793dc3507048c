import { ENVELOPE_MESSAGE_FIELDS, envelopeStatusFailed, FailedEnvelope, MalformedResponse } from './flowhub-http';

/** One of the client's locations (`GET /v0/clientsLocations`). */
export interface FlowhubLocation {
  locationId: string;
  importId: string | null;
  locationName: string | null;
  timeZone: string | null;
  licenseType: string[];
  /**
   * Flowhub's address fields as sent, text only (null ones left out). Its published type names them `streetAddress1`,
   * `streetAddress2`, `city`, `state`, `zip`, `country` and `county`; other names are kept as they come.
   */
  address: Record<string, string> | null;
}

export interface LocationsParseResult {
  locations: FlowhubLocation[];
  /** Entries without a usable locationId: useless to us, reported rather than thrown. */
  skipped: number;
  shape: 'envelope' | 'array';
}

function text(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return null;
}

export function parseLocations(body: unknown): LocationsParseResult {
  if (body && typeof body === 'object' && !Array.isArray(body)) {
    // `{"status": 500, "data": []}` is a failure, not a client without locations.
    const envelope = body as Record<string, unknown>;
    if (envelopeStatusFailed(envelope.status)) {
      const fields = Object.fromEntries(Object.entries(envelope).filter(([name]) => ENVELOPE_MESSAGE_FIELDS.has(name)));
      throw new FailedEnvelope(envelope.status, fields);
    }
  }
  let entries: unknown;
  let shape: LocationsParseResult['shape'];
  if (Array.isArray(body)) {
    entries = body;
    shape = 'array';
  } else if (body && typeof body === 'object' && Array.isArray((body as { data?: unknown }).data)) {
    entries = (body as { data: unknown[] }).data;
    shape = 'envelope';
  } else {
    throw new MalformedResponse('the answer has no "data" list of locations');
  }
  const locations: FlowhubLocation[] = [];
  let skipped = 0;
  for (const entry of entries as unknown[]) {
    const raw = entry && typeof entry === 'object' ? (entry as Record<string, unknown>) : {};
    const locationId = text(raw.locationId);
    if (locationId === null || locationId.trim() === '') {
      skipped += 1;
      continue;
    }
    locations.push({
      locationId,
      importId: text(raw.importId),
      locationName: text(raw.locationName),
      timeZone: text(raw.timeZone),
      licenseType: licenseTypes(raw.licenseType),
      address: addressOf(raw.address),
    });
  }
  return { locations, skipped, shape };
}

function licenseTypes(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(text).filter((type): type is string => type !== null);
  const single = text(value);
  return single === null ? [] : [single];
}

function addressOf(value: unknown): Record<string, string> | null {
  if (typeof value === 'string') return { street1: value };
  if (!value || typeof value !== 'object' || Array.isArray(value)) return null;
  const address: Record<string, string> = {};
  for (const [field, fieldValue] of Object.entries(value as Record<string, unknown>)) {
    const fieldText = text(fieldValue);
    if (fieldText !== null) address[field] = fieldText;
  }
  return address;
}

/**
 * The client's location a store's Location ID names: its `locationId` as Flowhub spells it, in any case, or its
 * `importId` (what an operator may have copied instead). An exact locationId wins, then one in another case, then an
 * importId; two locations matching at the same step are ambiguous (none is taken).
 */
export function matchLocation(locations: FlowhubLocation[], given: string): { match?: FlowhubLocation; ambiguous: FlowhubLocation[] } {
  const lower = given.toLowerCase();
  const steps: Array<(location: FlowhubLocation) => boolean> = [
    (location) => location.locationId === given,
    (location) => location.locationId.toLowerCase() === lower,
    (location) => location.importId === given,
    (location) => location.importId?.toLowerCase() === lower,
  ];
  for (const step of steps) {
    const found = locations.filter(step);
    if (found.length === 1) return { match: found[0], ambiguous: [] };
    if (found.length > 1) return { ambiguous: found };
  }
  return { ambiguous: [] };
}

/** The locations as an operator can pick from them: `id "name" (importId …)`, at most 20. */
export function describeLocations(locations: FlowhubLocation[]): string {
  const shown = locations
    .slice(0, 20)
    .map((location) =>
      [
        location.locationId,
        location.locationName ? JSON.stringify(location.locationName) : null,
        location.importId ? `(importId ${location.importId})` : null,
      ]
        .filter(Boolean)
        .join(' '),
    );
  const more = locations.length > shown.length ? `, and ${locations.length - shown.length} more` : '';
  return locations.length === 0 ? 'none' : `${shown.join(', ')}${more}`;
}
