import { SimulatorState } from './state';

describe('a client’s locations', () => {
  it('follow every change of the locations, made through the state or on its map', () => {
    const state = new SimulatorState({ rows: 5, locations: [] });
    const ids = (clientId: string, key: string) => state.locationsOfClient(clientId, key)?.map((location) => location.locationId);
    expect(ids('c1', 'k1')).toBeUndefined();
    state.addLocation({ locationId: 'a', clientId: 'c1', key: 'k1' });
    state.addLocation({ locationId: 'b', clientId: 'c2', key: 'k2' });
    state.addLocation({ locationId: 'c', clientId: 'c1', key: 'k1' });
    expect(ids('c1', 'k1')).toEqual(['a', 'c']);
    expect(ids('c1', 'k2')).toBeUndefined();
    expect(ids('c2', 'k2')).toEqual(['b']);
    // What a caller does with the list it got changes nothing.
    state.locationsOfClient('c1', 'k1')!.pop();
    expect(ids('c1', 'k1')).toEqual(['a', 'c']);

    state.removeLocation('a');
    expect(ids('c1', 'k1')).toEqual(['c']);
    // Replaced with another client.
    state.addLocation({ locationId: 'c', clientId: 'c3', key: 'k3' });
    expect(ids('c1', 'k1')).toBeUndefined();
    expect(ids('c3', 'k3')).toEqual(['c']);
    // Straight on the map, as a test might.
    state.locations.delete('b');
    expect(ids('c2', 'k2')).toBeUndefined();
    state.locations.set('b', state.location('c')!);
    expect(ids('c3', 'k3')).toEqual(['c', 'c']);
    state.reset();
    expect(ids('c3', 'k3')).toBeUndefined();
  });
});
