import { Webhook } from 'standardwebhooks';

/** The headers of one callback attempt, per the Standard Webhooks specification. */
export interface CallbackHeaders {
  'webhook-id': string;
  /** Unix seconds of this attempt: receivers refuse stale ones, so each retry is signed anew. */
  'webhook-timestamp': string;
  /** `v1,<base64 HMAC-SHA256>`; absent when no WEBHOOK_SECRET is configured. */
  'webhook-signature'?: string;
}

/** Signs callback bodies; `signed` says whether a secret is configured. */
export interface CallbackSigner {
  readonly signed: boolean;
  headers(id: string, body: string, now: Date): CallbackHeaders;
}

/**
 * Builds the signer from WEBHOOK_SECRET (`whsec_` + base64, validated by the config). Without a
 * secret callbacks still carry `webhook-id` and `webhook-timestamp` but no signature, as Judge0's
 * own unsigned callbacks did; receivers that verify will refuse them, which is the point.
 * @see https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md
 */
export function createCallbackSigner(secret: string | undefined): CallbackSigner {
  const webhook = secret === undefined ? undefined : new Webhook(secret);
  return {
    signed: webhook !== undefined,
    headers(id, body, now) {
      const headers: CallbackHeaders = {
        'webhook-id': id,
        'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
      };
      if (webhook) headers['webhook-signature'] = webhook.sign(id, now, body);
      return headers;
    },
  };
}

/** The Standard Webhooks message id of a submission's callback: the same on every attempt. */
export const callbackMessageId = (token: string): string => `msg_${token}`;
