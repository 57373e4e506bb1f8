import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { callbackMessageId, createCallbackSigner } from '../../src/webhooks/callback-signer.js';
import type { Resolver } from '../../src/webhooks/resolve-target.js';
import { createCallbackSender, type CallbackRequest } from '../../src/webhooks/send-callback.js';
import {
  startWebhookReceiver,
  TEST_WEBHOOK_SECRET,
  type WebhookReceiver,
} from '../support/webhook-receiver.js';

const signer = createCallbackSigner(TEST_WEBHOOK_SECRET);
const BODY = JSON.stringify({ token: 'abc', status: { id: 3, description: 'Accepted' } });

function callback(url: string, body = BODY): CallbackRequest {
  return { url, body, headers: signer.headers(callbackMessageId('abc'), body, new Date()) };
}

/** A resolver that answers `address` for every name and counts its calls. */
function pointAt(...answers: string[]) {
  const calls: string[] = [];
  const resolve: Resolver = (hostname) => {
    calls.push(hostname);
    const address = answers[Math.min(calls.length - 1, answers.length - 1)] ?? '127.0.0.1';
    return Promise.resolve([{ address, family: address.includes(':') ? 6 : 4 }]);
  };
  return { resolve, calls };
}

describe('callback sender', () => {
  let receiver: WebhookReceiver;
  beforeAll(async () => {
    receiver = await startWebhookReceiver();
  });
  afterAll(() => receiver.close());
  beforeEach(() => {
    receiver.reset();
  });

  it('when the receiver answers 2xx, then the PUT is delivered, signed and verifiable', async () => {
    const send = createCallbackSender({ allowPrivate: true });
    const result = await send(callback(receiver.url));
    expect(result).toMatchObject({ kind: 'delivered', status: 200, result: '2xx' });
    const [got] = receiver.received;
    expect(got).toMatchObject({ method: 'PUT', url: '/callback', body: BODY, verified: true });
    expect(got?.headers['content-type']).toBe('application/json');
    expect(got?.headers['webhook-id']).toBe('msg_abc');
    expect(got?.headers['webhook-signature']).toMatch(/^v1,/);
  });

  it('when the body is changed in transit, then the receiver refuses the signature', async () => {
    const send = createCallbackSender({ allowPrivate: true });
    const request = callback(receiver.url);
    await send({ ...request, body: BODY.replace('Accepted', 'Wrong Answer') });
    expect(receiver.received[0]?.verified).toBe(false);
  });

  it('when no secret is configured, then the callback carries an id and time but no signature', async () => {
    const unsigned = createCallbackSigner(undefined);
    expect(unsigned.signed).toBe(false);
    const send = createCallbackSender({ allowPrivate: true });
    await send({
      url: receiver.url,
      body: BODY,
      headers: unsigned.headers('msg_x', BODY, new Date()),
    });
    expect(receiver.received[0]?.headers['webhook-id']).toBe('msg_x');
    expect(receiver.received[0]?.headers['webhook-signature']).toBeUndefined();
    expect(receiver.received[0]?.verified).toBe(false);
  });

  it.each([
    [500, 'retry', '5xx'],
    [503, 'retry', '5xx'],
    [429, 'retry', '429'],
    [404, 'final', '4xx'],
    [400, 'final', '4xx'],
    [302, 'final', '3xx'],
  ] as const)(
    'when the receiver answers %i, then the attempt is %s (%s)',
    async (status, kind, label) => {
      receiver.script({ status, headers: status === 302 ? { location: receiver.url } : {} });
      const send = createCallbackSender({ allowPrivate: true });
      const result = await send(callback(receiver.url));
      expect(result).toMatchObject({ kind, status, result: label });
      // A redirect is not followed: one request only.
      expect(receiver.received).toHaveLength(1);
    },
  );

  it('when the receiver answers 429 with Retry-After, then the wait it asks for is returned', async () => {
    receiver.script({ status: 429, headers: { 'retry-after': '120' } });
    const send = createCallbackSender({ allowPrivate: true });
    expect(await send(callback(receiver.url))).toMatchObject({
      kind: 'retry',
      retryAfterMs: 120_000,
    });
  });

  it('when the receiver stalls, then the attempt times out and is worth retrying', async () => {
    receiver.script({ stall: true });
    const send = createCallbackSender({ allowPrivate: true, timeoutMs: 300 });
    expect(await send(callback(receiver.url))).toMatchObject({
      kind: 'retry',
      status: null,
      result: 'timeout',
    });
  });

  it('when the receiver answers an endless body, then only the cap is read and the status counts', async () => {
    receiver.script({ status: 200, body: 'x'.repeat(1024 * 1024) });
    const send = createCallbackSender({ allowPrivate: true, maxResponseBytes: 1024 });
    expect(await send(callback(receiver.url))).toMatchObject({ kind: 'delivered', status: 200 });
  });

  it('when nothing listens, then the network error is worth retrying', async () => {
    const port = receiver.port;
    await receiver.close();
    const send = createCallbackSender({ allowPrivate: true });
    expect(await send(callback(`http://127.0.0.1:${port}/`))).toMatchObject({
      kind: 'retry',
      result: 'network',
    });
    receiver = await startWebhookReceiver();
  });

  it('when a name resolves, then the checked address is connected to with the name as Host', async () => {
    const { resolve, calls } = pointAt('127.0.0.1');
    const send = createCallbackSender({ allowPrivate: true, resolve });
    const result = await send(callback(`http://receiver.test:${receiver.port}/hook?x=1`));
    expect(result.kind).toBe('delivered');
    expect(calls).toEqual(['receiver.test']);
    expect(receiver.received[0]?.headers.host).toBe(`receiver.test:${receiver.port}`);
    expect(receiver.received[0]?.url).toBe('/hook?x=1');
  });
});

describe('callback sender SSRF rules', () => {
  let receiver: WebhookReceiver;
  beforeAll(async () => {
    receiver = await startWebhookReceiver();
  });
  afterAll(() => receiver.close());

  it.each([
    ['127.0.0.1', 'loopback'],
    ['::1', 'loopback'],
    ['10.0.0.7', 'private'],
    ['192.168.0.1', 'private'],
    ['172.20.1.1', 'private'],
    ['169.254.10.1', 'link-local'],
    ['fe80::1', 'link-local'],
    ['fd00::1', 'unique-local'],
    ['169.254.169.254', 'metadata'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:a9fe:a9fe', 'metadata'],
  ])(
    'when a name resolves to %s, then the callback is refused (%s) and nothing is sent',
    async (address, cls) => {
      const { resolve } = pointAt(address);
      const send = createCallbackSender({ allowPrivate: false, resolve });
      const result = await send(callback(`http://hook.example:${receiver.port}/`));
      expect(result).toMatchObject({ kind: 'final', status: null, result: 'refused' });
      expect(result.reason).toContain(cls);
      expect(receiver.received).toHaveLength(0);
    },
  );

  it.each([
    'http://127.0.0.1:{port}/',
    'http://2130706433:{port}/',
    'http://0177.0.0.1:{port}/',
    'http://0x7f.0.0.1:{port}/',
    'http://[::1]:{port}/',
    'http://[::ffff:127.0.0.1]:{port}/',
    'http://[::ffff:7f00:1]:{port}/',
    'http://0.0.0.0:{port}/',
    'http://169.254.169.254/latest/meta-data/',
    'http://[fd00:ec2::254]/',
  ])('when the URL is the literal %s, then it is refused without a lookup', async (template) => {
    const { resolve, calls } = pointAt('93.184.216.34');
    const send = createCallbackSender({ allowPrivate: false, resolve });
    const result = await send(callback(template.replace('{port}', String(receiver.port))));
    expect(result).toMatchObject({ kind: 'final', result: 'refused' });
    expect(calls).toHaveLength(0);
    expect(receiver.received).toHaveLength(0);
  });

  it("when one of a name's addresses is private, then the URL is refused", async () => {
    const resolve: Resolver = () =>
      Promise.resolve([
        { address: '93.184.216.34', family: 4 },
        { address: '10.1.1.1', family: 4 },
      ]);
    const send = createCallbackSender({ allowPrivate: false, resolve });
    expect(await send(callback('http://mixed.example/'))).toMatchObject({ result: 'refused' });
  });

  it.each(['ftp://example.com/x', 'file:///etc/passwd', 'not a url'])(
    'when the URL is %s, then it is refused as final',
    async (url) => {
      const send = createCallbackSender({ allowPrivate: true });
      expect(await send(callback(url))).toMatchObject({ kind: 'final', result: 'refused' });
    },
  );

  it('when the name rebinds to loopback after the check, then the checked address is still the one used', async () => {
    // First answer public (allowed), every later one loopback: a second lookup would reach the receiver.
    const rebinding = pointAt('203.0.114.1', '127.0.0.1');
    const send = createCallbackSender({
      allowPrivate: false,
      resolve: rebinding.resolve,
      timeoutMs: 500,
    });
    const result = await send(callback(`http://rebind.example:${receiver.port}/`));
    expect(result.kind).toBe('retry');
    expect(rebinding.calls).toHaveLength(1);
    expect(receiver.received).toHaveLength(0);
  });

  it('when WEBHOOK_ALLOW_PRIVATE is set, then a private address is sent to', async () => {
    const { resolve } = pointAt('127.0.0.1');
    const send = createCallbackSender({ allowPrivate: true, resolve });
    expect((await send(callback(`http://hook.internal:${receiver.port}/`))).kind).toBe('delivered');
  });

  it('when the resolver hangs, then the attempt ends at its time limit as retryable', async () => {
    const send = createCallbackSender({
      allowPrivate: false,
      resolve: () => new Promise(() => undefined),
      timeoutMs: 200,
    });
    expect(await send(callback('http://slow-dns.example/'))).toMatchObject({
      kind: 'retry',
      result: 'network',
    });
  });
});
