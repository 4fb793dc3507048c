import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { createFlowhubClient } from './flowhub-client';
import type { OrderAheadCreate } from './order-ahead';
import { failure } from './testing/assertions';

/** Answers shaped as Flowhub is documented or observed to send them (docs/flowhub-api.md). */
const API = 'https://api.flowhub.test';
const AUTH = 'https://auth.flowhub.test';
const orderAhead = { clientId: 'oa-client-1', clientSecret: 'oa-secret-1' };
const inventory = { clientId: 'client-1', apiKey: 'key-1' };

const order: OrderAheadCreate = {
  externalCreatedAt: '2024-05-01T17:03:00.000Z',
  customer: {
    firstName: 'Ada',
    lastName: 'Lovelace',
    birthDate: '12/10/1990',
    externalId: 'A-1',
    phone: '+13035550123',
    medRecOrBoth: 'rec',
  },
  orderItems: [{ productId: 'p-1', quantityPurchased: 1 }],
  orderType: 'pickup',
};

const server = setupServer(
  http.post(`${AUTH}/oauth/token`, () =>
    HttpResponse.json({ access_token: 'token-1', token_type: 'Bearer', expires_in: 86_400, scope: '' }),
  ),
);
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const client = () => createFlowhubClient({ apiUrl: API, authUrl: AUTH, retryBaseDelayMs: 10 });

describe('a validation error Flowhub answers with a 404', () => {
  it('is a refusal of the order (invalid), not an unknown resource', async () => {
    server.use(
      http.post(`${API}/order-ahead/v0/create`, () =>
        HttpResponse.json({ status: 404, message: 'customer.birthDate must be in format yyyy-mm-dd' }, { status: 404 }),
      ),
    );
    const error = await failure(client().createOrder(orderAhead, order));
    expect(error).toMatchObject({
      kind: 'invalid',
      status: 404,
      sendOutcome: 'rejected',
      retryable: false,
      messages: ['customer.birthDate must be in format yyyy-mm-dd'],
    });
    expect(error.message).toContain('Flowhub refused the request as invalid (404): customer.birthDate must be in format yyyy-mm-dd');
  });

  it('leaves a 404 that names no problem with the request as not found', async () => {
    for (const body of [{ status: 404, message: 'Order fh-9 not found' }, { message: 'Not Found' }]) {
      server.use(http.get(`${API}/order-ahead/v0/orderStatus/fh-9`, () => HttpResponse.json(body, { status: 404 })));
      expect(await failure(client().getOrderStatus(orderAhead, 'fh-9'))).toMatchObject({ kind: 'not_found', status: 404 });
    }
    server.use(
      http.get(`${API}/order-ahead/v0/orderStatus/fh-9`, () =>
        HttpResponse.html('<html><body>404 must be in format</body></html>', { status: 404 }),
      ),
    );
    expect(await failure(client().getOrderStatus(orderAhead, 'fh-9'))).toMatchObject({ kind: 'not_found' });
  });
});

describe('clientsLocations as Flowhub publishes a Location', () => {
  it('reads the documented fields: address.streetAddress1, licenseType rec/med, importId, a formatted phone', async () => {
    const location = {
      address: {
        city: 'Denver',
        country: '',
        county: null,
        state: 'Colorado',
        streetAddress1: '1600 Market Street',
        streetAddress2: null,
        zip: '80202',
      },
      clientId: 'client-1',
      clientName: 'Demo Cannabis Co.',
      email: 'hello@demo.example',
      hoursOfOperation: null,
      importId: 'loc-7',
      licenseType: ['rec', 'med'],
      locationId: 'loc-7',
      locationLogoURL: null,
      locationName: 'Main Street',
      phoneNumber: '(303) 555-0100',
      timeZone: 'US/Mountain',
      website: 'www.demo.example',
    };
    server.use(http.get(`${API}/v0/clientsLocations`, () => HttpResponse.json({ status: 200, data: [location] })));
    expect(await client().getLocations(inventory)).toEqual([
      {
        locationId: 'loc-7',
        importId: 'loc-7',
        locationName: 'Main Street',
        timeZone: 'US/Mountain',
        licenseType: ['rec', 'med'],
        address: { city: 'Denver', country: '', state: 'Colorado', streetAddress1: '1600 Market Street', zip: '80202' },
      },
    ]);
  });
});
