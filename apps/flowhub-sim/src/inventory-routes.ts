import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { inventoryCredentials, sendForbidden, sendUnauthorized } from './auth';
import { AnswerLease, ENVELOPE_END, ENVELOPE_START, ROWS_PER_CHUNK } from './encoded-answer';
import { applyGatewayFaults, corruptRow, type Fault } from './faults';
import type { InventoryEndpoint, SimLocation } from './location';
import { hashString, mulberry32 } from './random';
import type { SimulatorState } from './state';

/**
 * Flowhub's read-only inventory surface. One call returns the whole location: there is no pagination
 * (query parameters such as page / page_size are ignored, as Flowhub ignores them).
 */
export function registerInventoryRoutes(app: FastifyInstance, state: SimulatorState): void {
  // An answer is sent from the location's kept bytes (SimLocation.answer, encoded-answer.ts), the same bytes as its
  // rows' text; a fault that rewrites rows or cuts the body works on the text.
  const inventory =
    (endpoint: InventoryEndpoint, rowsOf: (location: SimLocation) => Iterable<string>) =>
    async (request: FastifyRequest<{ Params: { locationId: string } }>, reply: FastifyReply) => {
      const { locationId } = request.params;
      if (await applyGatewayFaults(state.faults, endpoint, [locationId], reply, state)) return reply;
      const credentials = inventoryCredentials(request);
      if (!credentials) return sendUnauthorized(reply, 'The clientId and key headers are required');
      const owned = state.locationsOfClient(credentials.clientId, credentials.key);
      if (!owned) return sendForbidden(reply, state.behaviour.forbiddenAsHtml);
      const location = owned.find((candidate) => candidate.locationId === locationId);
      if (!location) return reply.code(404).send({ status: 404, message: `Location ${locationId} not found` });
      const empty = state.faults.fire(['emptyInventory'], endpoint, [locationId]);
      const malformed = state.faults.fire(['malformedRows'], endpoint, [locationId]);
      const truncated = state.faults.fire(['truncatedBody'], endpoint, [locationId]);
      if (!malformed && !truncated) {
        if (empty) return sendAnswer(reply, emptyAnswer());
        // The kept bytes are lent to this response until it is done with them (finished, or the connection gone).
        const lease = new AnswerLease();
        reply.raw.once('close', () => lease.release());
        return sendAnswer(reply, location.answer(endpoint, lease));
      }
      const rows = empty ? [] : malformed ? corrupted(rowsOf(location), malformed) : rowsOf(location);
      return sendEnvelope(reply, rows, truncated);
    };

  app.get(
    '/v0/locations/:locationId/inventoryNonZero',
    { config: { endpoint: 'inventoryNonZero' } },
    inventory('inventoryNonZero', (location) => location.nonZeroRows()),
  );
  app.get(
    '/v0/locations/:locationId/inventoryByRoomsNonZero',
    { config: { endpoint: 'inventoryByRoomsNonZero' } },
    inventory('inventoryByRoomsNonZero', (location) => location.byRoomRows()),
  );
  app.get(
    '/v0/locations/:locationId/inventory',
    { config: { endpoint: 'inventory' } },
    inventory('inventory', (location) => location.inventoryRows()),
  );

  app.get('/v0/clientsLocations', { config: { endpoint: 'clientsLocations' } }, async (request, reply) => {
    const credentials = inventoryCredentials(request);
    const scope = credentials
      ? [...state.locations.values()].filter((l) => l.settings.clientId === credentials.clientId).map((l) => l.locationId)
      : [];
    if (await applyGatewayFaults(state.faults, 'clientsLocations', scope, reply, state)) return reply;
    if (!credentials) return sendUnauthorized(reply, 'The clientId and key headers are required');
    const owned = state.locationsOfClient(credentials.clientId, credentials.key);
    if (!owned) return sendForbidden(reply, state.behaviour.forbiddenAsHtml);
    const truncated = state.faults.fire(['truncatedBody'], 'clientsLocations', scope);
    return sendEnvelope(
      reply,
      owned.map((location) => JSON.stringify(clientLocation(location))),
      truncated,
    );
  });
}

/**
 * A `clientsLocations` entry with the fields and shapes of Flowhub's published Location type (README, "What is
 * documented, observed or assumed"): `address.streetAddress1`, a formatted `phoneNumber`, `importId`...
 */
function clientLocation(location: SimLocation): Record<string, unknown> {
  const { settings } = location;
  return {
    address: {
      city: 'Denver',
      country: '',
      county: null,
      state: 'Colorado',
      streetAddress1: '1600 Market Street',
      streetAddress2: null,
      zip: '80202',
    },
    clientId: settings.clientId,
    clientName: 'Demo Cannabis Co.',
    email: 'hello@demo-dispensary.example',
    hoursOfOperation: null,
    importId: settings.importId,
    licenseType: settings.licenseType,
    locationId: settings.locationId,
    locationLogoURL: null,
    locationName: settings.locationName,
    phoneNumber: '(303) 555-0100',
    timeZone: settings.timeZone,
    website: 'www.demo-dispensary.example',
  };
}

function* corrupted(rows: Iterable<string>, fault: Fault): Generator<string> {
  // Seeded by the fault and how often it fired: each hit corrupts other rows, reproducibly.
  const random = mulberry32(hashString(fault.id, fault.fired));
  for (const row of rows) yield random() < (fault.share ?? 0.1) ? corruptRow(row, random) : row;
}

/** `{"status":200,"data":[…]}` written in chunks as rows are rendered: 50,000 rows never sit in one object graph. */
function* envelope(rows: Iterable<string>): Generator<string> {
  yield ENVELOPE_START;
  let batch: string[] = [];
  let first = true;
  for (const row of rows) {
    batch.push(row);
    if (batch.length === ROWS_PER_CHUNK) {
      yield (first ? '' : ',') + batch.join(',');
      first = false;
      batch = [];
    }
  }
  if (batch.length > 0) yield (first ? '' : ',') + batch.join(',');
  yield ENVELOPE_END;
}

/** An empty answer as it is sent: the envelope's start and end, two chunks. */
const emptyAnswer = () => [Buffer.from(ENVELOPE_START), Buffer.from(ENVELOPE_END)];

function sendAnswer(reply: FastifyReply, chunks: Iterable<Buffer>): FastifyReply {
  return reply.type('application/json; charset=utf-8').send(Readable.from(chunks));
}

function sendEnvelope(reply: FastifyReply, rows: Iterable<string>, truncated: Fault | undefined): FastifyReply {
  if (!truncated) return reply.type('application/json; charset=utf-8').send(Readable.from(envelope(rows)));
  // A body cut halfway: either the connection drops mid-body (Content-Length promised more), or the
  // response ends cleanly with JSON that does not parse.
  const body = [...envelope(rows)].join('');
  const half = body.slice(0, Math.max(1, Math.floor(body.length / 2)));
  if (truncated.mode === 'cut') return reply.type('application/json; charset=utf-8').send(half);
  reply.hijack();
  const raw = reply.raw;
  raw.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
  raw.write(half, () => raw.destroy());
  return reply;
}
