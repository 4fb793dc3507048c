import http from 'node:http';
import https from 'node:https';
import type { LookupAddress, LookupOptions } from 'node:dns';
import { isIP } from 'node:net';
import { UnrecoverableError } from 'bullmq';
import {
  checkOutboundUrl,
  signWebhook,
  webhookSigningSecrets,
  type HostResolver,
  type Logger,
  type ResolvedAddress,
  type SecretBox,
} from '@flowhub-sync/config';
import { failWebhookDelivery, findWebhookDelivery, recordWebhookAttempt, type PrismaClient } from '@flowhub-sync/db';
import { defineProcessor } from '@flowhub-sync/queues';

export interface WebhookDeliveryDependencies {
  prisma: PrismaClient;
  secrets: Pick<SecretBox, 'decrypt'>;
  logger: Logger;
  /** Resolves the webhook URL's host name to its addresses (main: the system resolver; tests: their own table). */
  resolve: HostResolver;
  /** WEBHOOK_ALLOW_PRIVATE_NETWORKS: lets deliveries go to loopback and private networks (local development). */
  allowPrivateNetworks?: boolean;
  timeoutMs?: number;
  /** The clock that decides whether the previous webhook secret still signs (tests set it). */
  now?: () => Date;
}

export type DeliveryOutcome = 'delivered' | 'already_delivered' | 'gone' | 'no_endpoint';

export class WebhookEndpointError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WebhookEndpointError';
  }
}

/** A lookup for node:http that answers only the addresses the outbound guard checked: no second resolution. */
function pinnedLookup(addresses: ResolvedAddress[]) {
  return (
    hostname: string,
    options: LookupOptions,
    callback: (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void,
  ) => {
    const usable = options.family === 4 || options.family === 6 ? addresses.filter((entry) => entry.family === options.family) : addresses;
    if (usable.length === 0) {
      callback(Object.assign(new Error(`no IPv${options.family} address for ${hostname}`), { code: 'ENOTFOUND' }), '', 0);
    } else if (options.all) {
      callback(
        null,
        usable.map(({ address, family }) => ({ address, family })),
      );
    } else {
      callback(null, usable[0].address, usable[0].family);
    }
  };
}

/**
 * One POST to the checked addresses of `url`, answering the response's status. TLS is still verified against the
 * URL's host name; redirects are never followed (a 3xx is the answer); the whole exchange is bounded by timeoutMs.
 */
function post(url: URL, addresses: ResolvedAddress[], headers: Record<string, string>, body: string, timeoutMs: number): Promise<number> {
  const hostname = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const secure = url.protocol === 'https:';
  return new Promise((resolve, reject) => {
    const request = (secure ? https : http).request({
      method: 'POST',
      protocol: url.protocol,
      hostname,
      port: url.port || (secure ? 443 : 80),
      path: `${url.pathname}${url.search}`,
      headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
      agent: false, // a connection of its own: never a pooled one opened for an earlier resolution
      lookup: pinnedLookup(addresses),
      ...(secure && !isIP(hostname) ? { servername: hostname } : {}),
    });
    const timer = setTimeout(() => request.destroy(Object.assign(new Error('timed out'), { name: 'TimeoutError' })), timeoutMs);
    request.on('response', (response) => {
      resolve(response.statusCode ?? 0);
      response.on('error', () => undefined); // the status is all we read
      response.on('close', () => clearTimeout(timer));
      response.resume();
    });
    request.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    request.end(body);
  });
}

/**
 * Delivers one notification to the store's statusWebhookUrl, signed with its statusWebhookSecret (and, for a day
 * after a change of the secret, with the previous one too). Each delivery is its own job, so a dead endpoint only
 * delays its own deliveries (retried with backoff by BullMQ) and never the other stores'. The delivery row records
 * every attempt; after the last one it is marked failed.
 *
 * The URL's host is resolved and checked by the outbound guard at every attempt, and the request goes only to the
 * addresses checked: a URL that is, or has come to resolve to, a private address fails at once, without retries
 * (docs/api-contract.md, webhooks).
 */
export async function deliverWebhook(
  deps: WebhookDeliveryDependencies,
  deliveryId: string,
  { lastAttempt }: { lastAttempt: boolean },
): Promise<DeliveryOutcome> {
  const delivery = await findWebhookDelivery(deps.prisma, deliveryId);
  if (!delivery) return 'gone';
  if (delivery.status === 'delivered') return 'already_delivered';
  const { statusWebhookUrl: url, statusWebhookSecretEncrypted: sealed } = delivery.store;
  if (!url || !sealed) {
    await failWebhookDelivery(deps.prisma, deliveryId, 'the store has no webhook URL or secret any more');
    return 'no_endpoint';
  }

  const target = await checkOutboundUrl(url, { resolve: deps.resolve, allowPrivateNetworks: deps.allowPrivateNetworks });
  if (target.verdict === 'refused') {
    const refusal = `the webhook URL was refused: ${target.reason}`;
    await recordWebhookAttempt(deps.prisma, deliveryId, { responseStatus: null, error: refusal, final: true });
    deps.logger.warn({ storeId: delivery.storeId, deliveryId }, refusal);
    throw new UnrecoverableError(refusal);
  }

  const body = JSON.stringify(delivery.payload);
  const { statusWebhookPreviousSecretEncrypted: previous, statusWebhookSecretChangedAt: changedAt } = delivery.store;
  const signingSecrets = webhookSigningSecrets(
    deps.secrets.decrypt(sealed),
    previous && changedAt ? { secret: deps.secrets.decrypt(previous), changedAt } : null,
    deps.now?.() ?? new Date(),
  );
  let status: number | null = null;
  let failure: string | null = null;
  if (target.verdict === 'unresolved') {
    failure = `the webhook endpoint could not be reached (${target.reason})`;
  } else {
    try {
      status = await post(
        new URL(url),
        target.addresses,
        {
          'content-type': 'application/json',
          'user-agent': 'flowhub-sync',
          'x-flowhub-sync-delivery': delivery.id,
          'x-flowhub-sync-signature': signWebhook(signingSecrets, body),
        },
        body,
        deps.timeoutMs ?? 5_000,
      );
      if (status < 200 || status >= 300) failure = `the webhook endpoint answered ${status}`;
    } catch (error) {
      failure =
        (error as Error).name === 'TimeoutError'
          ? 'the webhook endpoint did not answer in time'
          : `the webhook endpoint could not be reached (${(error as Error).message})`;
    }
  }
  await recordWebhookAttempt(deps.prisma, deliveryId, { responseStatus: status, error: failure, final: lastAttempt });
  if (failure) {
    deps.logger.warn({ storeId: delivery.storeId, deliveryId, status, lastAttempt }, failure);
    throw new WebhookEndpointError(failure);
  }
  deps.logger.info({ storeId: delivery.storeId, deliveryId, event: delivery.event, sequence: delivery.sequence }, 'webhook delivered');
  return 'delivered';
}

/** Deliveries one process makes at once: each waits on a platform endpoint (at most timeoutMs). */
export const WEBHOOK_DELIVERY_CONCURRENCY = 20;

/** The processor of the `webhook-delivery` queue: one delivery per job; the last attempt marks it failed. */
export function webhookDeliveryProcessor(deps: WebhookDeliveryDependencies) {
  return defineProcessor(
    'webhook-delivery',
    async ({ deliveryId }, job) => deliverWebhook(deps, deliveryId, { lastAttempt: job.attemptsMade + 1 >= (job.opts.attempts ?? 1) }),
    { concurrency: WEBHOOK_DELIVERY_CONCURRENCY },
  );
}
