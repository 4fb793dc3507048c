import type { SimulatorLogger } from './logger';
import type { SimOrder } from './orders';

export interface PostbackDelivery {
  orderId: string;
  url: string;
  status: string;
  reason: 'statusChange' | 'resend';
  /** Simulated time of the status change. */
  at: string;
  ok: boolean;
  httpStatus: number | null;
  error: string | null;
  durationMs: number;
}

/**
 * Sends status postbacks the way Flowhub does: fire and forget, one attempt with a short timeout. Every
 * attempt's outcome is recorded so tests can see what the receiver got (or why it did not).
 */
export class PostbackSender {
  readonly deliveries: PostbackDelivery[] = [];
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly timeoutMs: number,
    private readonly logger?: SimulatorLogger,
  ) {}

  send(order: SimOrder, reason: PostbackDelivery['reason'], at: string): void {
    if (!order.postbackUrl) return;
    const url = order.postbackUrl;
    const body = JSON.stringify({
      orderId: order.orderId,
      customerExternalId: order.customerExternalId,
      status: order.statusAsSent,
      updatedAt: at,
    });
    const started = Date.now();
    const delivery = fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
      signal: AbortSignal.timeout(this.timeoutMs),
    })
      .then(async (response) => {
        await response.arrayBuffer().catch(() => undefined);
        this.record({
          orderId: order.orderId,
          url,
          status: order.statusAsSent,
          reason,
          at,
          ok: response.ok,
          httpStatus: response.status,
          error: null,
          durationMs: Date.now() - started,
        });
      })
      .catch((error: unknown) => {
        const message = describeFetchError(error);
        // The URL carries the receiver's token: log the order, not the URL.
        this.logger?.warn({ orderId: order.orderId, error: message }, 'postback not delivered');
        this.record({
          orderId: order.orderId,
          url,
          status: order.statusAsSent,
          reason,
          at,
          ok: false,
          httpStatus: null,
          error: message,
          durationMs: Date.now() - started,
        });
      });
    this.inFlight.add(delivery);
    void delivery.finally(() => this.inFlight.delete(delivery));
  }

  /** Resolves once every postback sent so far has been delivered or has failed. */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  clear(): void {
    this.deliveries.length = 0;
  }

  private record(delivery: PostbackDelivery): void {
    this.deliveries.push(delivery);
  }
}

// Duck-typed: fetch's errors (a DOMException for timeouts) may come from another realm than `Error`.
function describeFetchError(error: unknown): string {
  const { name, message, cause } = (error ?? {}) as { name?: string; message?: string; cause?: { message?: string } };
  if (name === 'TimeoutError') return 'timed out';
  if (typeof message !== 'string') return String(error);
  return cause?.message ? `${message}: ${cause.message}` : message;
}
