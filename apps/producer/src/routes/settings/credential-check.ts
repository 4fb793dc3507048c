import { describeLocations, isFlowhubError, matchLocation, type FlowhubClient } from '@flowhub-sync/flowhub-client';
import { ApiError, unavailable } from '../../errors';
import type { SettingsBody } from './save-schema';

/** A Flowhub failure as the API answers it: a refusal → 422 with Flowhub's reason, no answer → 503 naming Flowhub. */
export function flowhubFailure(error: unknown, refused: (message: string) => string): ApiError {
  if (isFlowhubError(error) && ['credentials_rejected', 'not_found', 'invalid'].includes(error.kind)) {
    return new ApiError('flowhub_rejected', refused(error.message));
  }
  return unavailable('Flowhub', isFlowhubError(error) ? error.message : 'no answer');
}

/**
 * Tries the settings' credentials against Flowhub before they are saved (a PUT without `?verify=false`): the Client ID
 * and API Key must see the Location ID (matchLocation, packages/flowhub-client/src/locations.ts), and a store that
 * syncs orders needs Order Ahead credentials Flowhub accepts. Returns the matched location's own locationId, the
 * one the inventory paths take.
 */
export async function checkCredentials(
  flowhub: FlowhubClient,
  body: SettingsBody,
  secrets: { apiKey: string; orderAheadToken: string | null },
): Promise<{ locationId: string }> {
  const refused = (what: string) => (message: string) => `${message} (checking the ${what})`;
  let locations;
  try {
    locations = await flowhub.getLocations({ clientId: body.clientId!, apiKey: secrets.apiKey });
  } catch (error) {
    throw flowhubFailure(error, refused('Client ID and API Key'));
  }
  const { match, ambiguous } = matchLocation(locations, body.locationId!);
  if (!match) {
    const why = ambiguous.length > 0 ? "matches more than one of this client's locations" : "is not among this client's locations";
    const seen = `these credentials see: ${describeLocations(ambiguous.length > 0 ? ambiguous : locations)}`;
    throw new ApiError('flowhub_rejected', `Flowhub refused the Location ID: location ${body.locationId} ${why} (${seen})`, [
      {
        path: 'locationId',
        message:
          `${ambiguous.length > 0 ? "matches more than one of the client's locations" : "is not among the client's locations"} ` +
          `in Flowhub; ${seen}`,
      },
    ]);
  }
  if (body.syncOrders && secrets.orderAheadToken) {
    try {
      await flowhub.getAccessToken({ clientId: body.orderAheadClientId!, clientSecret: secrets.orderAheadToken }, { forceRefresh: true });
    } catch (error) {
      throw flowhubFailure(error, refused('Order Ahead Client Id and Token'));
    }
  }
  return { locationId: match.locationId };
}
