import { createHash, createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { SignJWT, importJWK, type JWK } from 'jose';
import type { Citizen } from './citizens.js';
import { SIGNING_ALG } from './keys.js';

/** Level of assurance 3 (substantial/high) in the Swedish e-identification framework's URI, as `acr`. */
export const LOA3 = 'http://id.elegnamnden.se/loa/1.0/loa3';
/** `typ` of a signature, so that no ID token can pass for one, nor a signature for an ID token. */
export const SIGNATURE_TYP = 'eid-signature+jwt';
export const MAX_TEXT_CHARS = 40_000;
/** How old a scanned QR code may be: the code changes every second, a photo of it is useless after this. */
export const QR_MAX_AGE_SECONDS = 30;

export type OrderStatus = 'pending' | 'complete' | 'failed' | 'cancelled' | 'expired';
/** BankID's words: not yet opened on a phone, or opened and waiting for the citizen. */
export type PendingHint = 'outstandingTransaction' | 'userSign';

export interface Completion {
  user: { personnummer: string; name: string; givenName: string; surname: string };
  /** compact JWS (ES256) over the order, the personnummer, the text's SHA-256 and the LoA; verify it with /jwks */
  signature: string;
  /** SHA-256 of the text as UTF-8, hex */
  textSha256: string;
  loa: string;
  signedAt: string;
}

export interface CollectResult {
  orderId: string;
  status: OrderStatus;
  hintCode?: PendingHint | 'userCancel';
  completionData?: Completion;
}

interface Order {
  orderId: string;
  clientId: string;
  text: string;
  textSha256: string;
  expectedPersonnummer?: string;
  qrStartToken: string;
  qrStartSecret: string;
  createdAt: number;
  expiresAt: number;
  status: OrderStatus;
  hintCode?: CollectResult['hintCode'];
  /** the phone that scanned the code first: only it may go on */
  deviceToken?: string;
  completion?: Completion;
}

export interface StartedOrder {
  orderId: string;
  qrStartToken: string;
  qrStartSecret: string;
  /** the animated QR code's payload is `${qrBaseUrl}?t=<qrStartToken>&s=<seconds>&c=<code>` */
  qrBaseUrl: string;
  expiresAt: string;
}

/** What the phone shows once it opened an order. */
export interface OrderOnPhone {
  deviceToken: string;
  status: OrderStatus;
  text: string;
  clientId: string;
}

export type ScanOutcome =
  { ok: true; deviceToken: string } | { ok: false; reason: 'unknown' | 'stale' | 'taken' | 'closed' };

export type SignOutcome =
  | { ok: true; completion: Completion }
  | { ok: false; reason: 'unknown' | 'closed' | 'unknown-citizen' | 'other-person' };

const sha256Hex = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/** The QR code's authentication code for second `seconds` of an order: HMAC-SHA256 of the seconds, hex. */
export function qrAuthCode(qrStartSecret: string, seconds: number): string {
  return createHmac('sha256', qrStartSecret).update(String(seconds)).digest('hex');
}

/** The animated QR code's payload at `seconds` after the order started, as a relying party computes it. */
export function qrPayload(qrBaseUrl: string, qrStartToken: string, qrStartSecret: string, seconds: number): string {
  const url = new URL(qrBaseUrl);
  url.searchParams.set('t', qrStartToken);
  url.searchParams.set('s', String(seconds));
  url.searchParams.set('c', qrAuthCode(qrStartSecret, seconds));
  return url.href;
}

function sameCode(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * Signing orders, in memory, as BankID's relying-party API has them: a relying party starts one with a text, shows
 * the animated QR code, and collects until the citizen has signed on the phone that scanned it, refused, or the
 * order expired. The signature is the provider's own JWS over the text's hash and who signed, verifiable with its
 * published keys.
 */
export class SigningOrders {
  private readonly orders = new Map<string, Order>();
  private readonly byQrToken = new Map<string, Order>();
  private readonly byDevice = new Map<string, Order>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly options: {
      issuer: string;
      signingKey: JWK & { kid: string };
      orderTtlSeconds: number;
      qrBaseUrl: string;
      now?: () => number;
    },
  ) {
    // forgotten orders are dropped a while after they ended, so memory stays bounded
    this.timer = setInterval(() => this.sweep(), 60_000).unref();
  }

  close(): void {
    clearInterval(this.timer);
  }

  start(clientId: string, text: string, expectedPersonnummer?: string): StartedOrder {
    const now = this.now();
    const order: Order = {
      orderId: randomUUID(),
      clientId,
      text,
      textSha256: sha256Hex(text),
      expectedPersonnummer,
      qrStartToken: randomUUID(),
      qrStartSecret: randomBytes(32).toString('hex'),
      createdAt: now,
      expiresAt: now + this.options.orderTtlSeconds * 1000,
      status: 'pending',
      hintCode: 'outstandingTransaction',
    };
    this.orders.set(order.orderId, order);
    this.byQrToken.set(order.qrStartToken, order);
    return {
      orderId: order.orderId,
      qrStartToken: order.qrStartToken,
      qrStartSecret: order.qrStartSecret,
      qrBaseUrl: this.options.qrBaseUrl,
      expiresAt: new Date(order.expiresAt).toISOString(),
    };
  }

  /** undefined for an order that is not there or is another client's: neither is told apart from the other */
  collect(clientId: string, orderId: string): CollectResult | undefined {
    const order = this.ownOrder(clientId, orderId);
    if (!order) return undefined;
    this.expireIfDue(order);
    return {
      orderId: order.orderId,
      status: order.status,
      ...(order.hintCode && { hintCode: order.hintCode }),
      ...(order.completion && { completionData: order.completion }),
    };
  }

  cancel(clientId: string, orderId: string): boolean {
    const order = this.ownOrder(clientId, orderId);
    if (!order) return false;
    this.expireIfDue(order);
    if (order.status === 'pending') {
      order.status = 'cancelled';
      delete order.hintCode;
    }
    return true;
  }

  /** The phone read the QR code: the code must be the order's for that second and fresh, and no other phone first. */
  scan(qrStartToken: string, seconds: number, code: string): ScanOutcome {
    const order = this.byQrToken.get(qrStartToken);
    if (!order || !Number.isSafeInteger(seconds) || !sameCode(code, qrAuthCode(order.qrStartSecret, seconds))) {
      return { ok: false, reason: 'unknown' };
    }
    this.expireIfDue(order);
    if (order.status !== 'pending') return { ok: false, reason: 'closed' };
    const elapsed = Math.floor((this.now() - order.createdAt) / 1000);
    if (seconds > elapsed + 1 || elapsed - seconds > QR_MAX_AGE_SECONDS) return { ok: false, reason: 'stale' };
    if (order.deviceToken) return { ok: false, reason: 'taken' };
    order.deviceToken = randomBytes(24).toString('base64url');
    order.hintCode = 'userSign';
    this.byDevice.set(order.deviceToken, order);
    return { ok: true, deviceToken: order.deviceToken };
  }

  onPhone(deviceToken: string): OrderOnPhone | undefined {
    const order = this.byDevice.get(deviceToken);
    if (!order) return undefined;
    this.expireIfDue(order);
    return { deviceToken, status: order.status, text: order.text, clientId: order.clientId };
  }

  async sign(deviceToken: string, citizen: Citizen | undefined): Promise<SignOutcome> {
    const order = this.byDevice.get(deviceToken);
    if (!order) return { ok: false, reason: 'unknown' };
    this.expireIfDue(order);
    if (order.status !== 'pending') return { ok: false, reason: 'closed' };
    if (!citizen) return { ok: false, reason: 'unknown-citizen' };
    // as BankID does with a required personal number: the order is not for anyone else
    if (order.expectedPersonnummer && order.expectedPersonnummer !== citizen.personnummer) {
      return { ok: false, reason: 'other-person' };
    }
    const signedAt = new Date(this.now());
    const signature = await new SignJWT({
      order: order.orderId,
      personnummer: citizen.personnummer,
      name: citizen.name,
      textSha256: order.textSha256,
      acr: LOA3,
    })
      .setProtectedHeader({ alg: SIGNING_ALG, kid: this.options.signingKey.kid, typ: SIGNATURE_TYP })
      .setIssuer(this.options.issuer)
      .setAudience(order.clientId)
      .setIssuedAt(Math.floor(signedAt.getTime() / 1000))
      .sign(await importJWK(this.options.signingKey, SIGNING_ALG));
    order.status = 'complete';
    delete order.hintCode;
    order.completion = {
      user: {
        personnummer: citizen.personnummer,
        name: citizen.name,
        givenName: citizen.givenName,
        surname: citizen.surname,
      },
      signature,
      textSha256: order.textSha256,
      loa: LOA3,
      signedAt: signedAt.toISOString(),
    };
    return { ok: true, completion: order.completion };
  }

  refuse(deviceToken: string): boolean {
    const order = this.byDevice.get(deviceToken);
    if (!order) return false;
    this.expireIfDue(order);
    if (order.status === 'pending') {
      order.status = 'failed';
      order.hintCode = 'userCancel';
    }
    return true;
  }

  private ownOrder(clientId: string, orderId: string): Order | undefined {
    const order = this.orders.get(orderId);
    return order && order.clientId === clientId ? order : undefined;
  }

  private expireIfDue(order: Order): void {
    if (order.status === 'pending' && this.now() >= order.expiresAt) {
      order.status = 'expired';
      delete order.hintCode;
    }
  }

  private sweep(): void {
    const forgetBefore = this.now() - 10 * 60_000;
    for (const order of this.orders.values()) {
      if (order.expiresAt < forgetBefore) {
        this.orders.delete(order.orderId);
        this.byQrToken.delete(order.qrStartToken);
        if (order.deviceToken) this.byDevice.delete(order.deviceToken);
      }
    }
  }

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }
}
