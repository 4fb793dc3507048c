import { FlowhubError, isFlowhubError } from './flowhub-error';

describe('FlowhubError', () => {
  it('is retryable only for throttling and transient trouble that cannot have created anything', () => {
    const make = (kind: FlowhubError['kind'], sendOutcome?: FlowhubError['sendOutcome']) =>
      new FlowhubError('x', { kind, endpoint: 'POST /order-ahead/v0/create', sendOutcome }).retryable;
    expect(make('transient')).toBe(true);
    expect(make('rate_limited', 'rejected')).toBe(true);
    expect(make('transient', 'not_sent')).toBe(true);
    expect(make('transient', 'unknown')).toBe(false);
    for (const kind of ['credentials_rejected', 'not_found', 'invalid', 'malformed_response', 'aborted'] as const) {
      expect(make(kind)).toBe(false);
    }
  });

  it('serialises with its message and fields for job records and logs', () => {
    const error = new FlowhubError('Flowhub refused the request as invalid (422)', {
      kind: 'invalid',
      endpoint: 'POST /order-ahead/v0/create',
      status: 422,
      messages: ['phone is required'],
      sendOutcome: 'rejected',
    });
    expect(JSON.parse(JSON.stringify(error))).toEqual({
      name: 'FlowhubError',
      message: 'Flowhub refused the request as invalid (422) [POST /order-ahead/v0/create]',
      kind: 'invalid',
      endpoint: 'POST /order-ahead/v0/create',
      status: 422,
      messages: ['phone is required'],
      sendOutcome: 'rejected',
      retryable: false,
    });
  });

  it('can say afterwards that the request was never sent', () => {
    const tokenFailure = new FlowhubError('Flowhub is unavailable (503)', {
      kind: 'transient',
      endpoint: 'POST /oauth/token',
      status: 503,
    });
    const forCreate = tokenFailure.withSendOutcome('not_sent');
    expect(forCreate).toMatchObject({ kind: 'transient', status: 503, sendOutcome: 'not_sent', retryable: true });
    expect(forCreate.message).toBe('Flowhub is unavailable (503) [POST /oauth/token]');
    expect(isFlowhubError(forCreate, 'transient')).toBe(true);
    expect(isFlowhubError(new Error('x'))).toBe(false);
  });
});
