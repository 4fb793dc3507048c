import { inspect } from 'node:util';
import { FlowhubError } from '../flowhub-error';

/** The FlowhubError a call fails with (the test fails if it does not fail, or fails otherwise). */
export async function failure(promise: Promise<unknown>): Promise<FlowhubError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(FlowhubError);
    return error as FlowhubError;
  }
  throw new Error('expected the call to fail');
}

/** No secret in anything an error shows: its JSON, its inspection (hidden properties too), its text. */
export function expectNoSecret(error: unknown, ...secrets: string[]) {
  const seen = [JSON.stringify(error), inspect(error, { depth: 10, showHidden: true }), String(error)].join('\n');
  for (const secret of secrets) expect(seen).not.toContain(secret);
}
