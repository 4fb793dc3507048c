/** What opens a store's sealed secrets (the SecretBox of @flowhub-sync/config): workers open them per job, never log or queue them. */
export interface SecretOpener {
  decrypt(ciphertext: string): string;
}

/** Order statuses that are still moving in Flowhub: their pushed orders are polled. */
export const OPEN_ORDER_STATUSES = ['confirmed', 'preparing', 'ready', 'out_for_delivery'] as const;
