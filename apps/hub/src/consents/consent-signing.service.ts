import { createHash, createHmac, randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { AuditLog } from '@hub/audit';
import { maskPersonnummer, parsePersonnummer } from '@hub/contracts';
import { Transactions } from '@hub/database';
import type { StaffUser } from '../auth/staff-user.js';
import { unitOf } from '../auth/unit-of.js';
import { CatalogueService } from '../catalogue/catalogue.service.js';
import { Subjects } from '../core/subjects.js';
import { apiException } from '../http/http-errors.js';
import { OrganisationRepository } from '../organisations/organisation.repository.js';
import { consentText } from './consent-text.js';
import type { ConsentSigningView, SigningFailure, StartConsentSigningDto } from './consent.dto.js';
import type { ConsentRecord } from './consent.repository.js';
import { ConsentService } from './consent.service.js';
import { ConsentSigning, ConsentSigningRepository } from './consent-signing.repository.js';
import { EidClient, type CollectedSigning } from './eid-client.js';

/** The level of assurance a consent must be signed with: LoA3 of the Swedish e-identification framework. */
export const REQUIRED_LOA = 'http://id.elegnamnden.se/loa/1.0/loa3';

const NO_UNIT = 'consents are given to a municipality unit, and your token names none';
const sha256Hex = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/**
 * The animated QR code's payload for the second `seconds` after the order started: the provider's QR URL with the
 * start token, the second and HMAC-SHA256(qrStartSecret, second), as BankID's animated QR code is derived.
 */
export function qrData(signing: Pick<ConsentSigning, 'qrBaseUrl' | 'qrStartToken' | 'qrStartSecret'>, seconds: number) {
  const url = new URL(signing.qrBaseUrl);
  url.searchParams.set('t', signing.qrStartToken);
  url.searchParams.set('s', String(seconds));
  url.searchParams.set('c', createHmac('sha256', signing.qrStartSecret).update(String(seconds)).digest('hex'));
  return url.href;
}

/**
 * Consent signed with e-legitimation at the desk: the guide starts a signing of the consent's text, the citizen's
 * phone scans the animated QR code and signs, and the hub, asked again every second, verifies the signature against
 * the provider's keys and that the signer is the subject, and stores the consent with its signature and audit entry.
 */
@Injectable()
export class ConsentSigningService {
  private readonly logger = new Logger('consent-signing');

  constructor(
    private readonly repository: ConsentSigningRepository,
    private readonly consents: ConsentService,
    private readonly eid: EidClient,
    private readonly transactions: Transactions,
    private readonly catalogues: CatalogueService,
    private readonly organisations: OrganisationRepository,
    private readonly subjects: Subjects,
    private readonly audit: AuditLog,
  ) {}

  async start(body: StartConsentSigningDto, user: StaffUser): Promise<ConsentSigningView> {
    const unit = unitOf(user, NO_UNIT);
    const subject = this.subjects.parse(body.subject);
    const validFrom = this.consents.checkTerms(body);
    const municipality = (await this.organisations.find(user.organisation))?.name ?? user.organisation;
    const subjectMasked = maskPersonnummer(subject.personnummer);
    const text = consentText({
      municipality,
      unit,
      staff: user.name ?? user.id,
      subjectMasked,
      purposes: body.purposes,
      agencies: body.agencies.map((agency) => {
        const catalogue = this.catalogues.catalogue(agency);
        const describe = (code: string) => catalogue?.categories.find((c) => c.code === code)?.description ?? code;
        return {
          name: catalogue?.name ?? agency,
          categories: body.categories.filter((code) => code.startsWith(`${agency}.`)).map(describe),
        };
      }),
      validFrom,
      validUntil: body.validUntil,
    });
    const order = await this.eid.startSigning(text, subject.personnummer);
    const signing: ConsentSigning = {
      id: randomUUID(),
      organisation: user.organisation,
      unit,
      requestedBy: user.id,
      subjectKey: subject.key,
      subjectMasked,
      draft: {
        purposes: body.purposes,
        agencies: body.agencies,
        categories: body.categories,
        validFrom,
        validUntil: body.validUntil,
      },
      text,
      textSha256: sha256Hex(text),
      orderId: order.orderId,
      qrStartToken: order.qrStartToken,
      qrStartSecret: order.qrStartSecret,
      qrBaseUrl: order.qrBaseUrl,
      // after the provider answered, so that the hub's second is never ahead of the provider's
      startedAt: new Date(),
      expiresAt: new Date(order.expiresAt),
      status: 'pending',
      consentId: null,
      finishedAt: null,
    };
    await this.repository.insert(signing);
    return view(signing, signing.startedAt);
  }

  /** Where the signing is; while pending it asks the provider, and stores the consent once the citizen signed. */
  async status(id: string, user: StaffUser): Promise<ConsentSigningView> {
    const signing = await this.ownSigning(id, user);
    if (signing.status !== 'pending') return view(signing);
    const collected = await this.eid.collect(signing.orderId);
    switch (collected.status) {
      case 'pending':
        return view(signing, new Date(), collected.hintCode === 'userSign');
      case 'complete':
        return this.complete(signing, collected, user);
      default: {
        await this.repository.finish(signing.id, collected.status, null, new Date());
        return view(
          { ...signing, status: collected.status },
          undefined,
          false,
          collected.status === 'failed' ? 'refused' : undefined,
        );
      }
    }
  }

  async cancel(id: string, user: StaffUser): Promise<ConsentSigningView> {
    const signing = await this.ownSigning(id, user);
    if (signing.status !== 'pending') {
      throw apiException('signing-finished', `the signing is already ${signing.status}`);
    }
    await this.eid.cancel(signing.orderId);
    await this.repository.finish(signing.id, 'cancelled', null, new Date());
    return view({ ...signing, status: 'cancelled' });
  }

  private async ownSigning(id: string, user: StaffUser): Promise<ConsentSigning> {
    const unit = unitOf(user, NO_UNIT);
    const signing = await this.repository.find(id);
    // another unit's signing is reported as missing, so that its existence is not disclosed either
    if (!signing || signing.organisation !== user.organisation || signing.unit !== unit) {
      throw apiException('not-found', `no consent signing ${id} of your unit`);
    }
    return signing;
  }

  private async complete(
    signing: ConsentSigning,
    collected: CollectedSigning,
    user: StaffUser,
  ): Promise<ConsentSigningView> {
    const completion = collected.completionData;
    const failure = completion ? await this.checkSignature(signing, completion.signature) : 'invalid-signature';
    if (failure) {
      this.logger.warn(`signing ${signing.id}: the provider's completion was refused (${failure})`);
      await this.transactions.run(async (tx) => {
        await this.repository.finish(signing.id, 'failed', null, new Date(), tx);
        await this.audit.append({
          kind: 'consent',
          actorKind: 'staff',
          actor: user.id,
          organisation: signing.organisation,
          unit: signing.unit,
          purpose: null,
          subjectKey: signing.subjectKey,
          outcome: 'signature-refused',
          details: { signingId: signing.id, failure, signedTextSha256: signing.textSha256 },
        });
      });
      return view({ ...signing, status: 'failed' }, undefined, false, failure);
    }
    return this.transactions.run(async (tx) => {
      const locked = await this.repository.findForUpdate(signing.id, tx);
      // another poll stored it first
      if (!locked || locked.status !== 'pending') return view(locked ?? signing);
      const now = new Date();
      const consent: ConsentRecord = {
        id: randomUUID(),
        subjectKey: signing.subjectKey,
        organisation: signing.organisation,
        unit: signing.unit,
        ...signing.draft,
        method: 'e-legitimation',
        recordedBy: signing.requestedBy,
        revokedAt: null,
        revokedBy: null,
        createdAt: now,
        signed: {
          signature: completion!.signature,
          textSha256: signing.textSha256,
          loa: completion!.loa,
          signingId: signing.id,
        },
      };
      // the consent row must exist before the signing names it
      await this.consents.storeSigned(consent, user, tx);
      await this.repository.finish(signing.id, 'complete', consent.id, now, tx);
      return view({ ...signing, status: 'complete', consentId: consent.id });
    });
  }

  /** Why the signature is not the subject's signature of this text at LoA3; undefined when it is. */
  private async checkSignature(signing: ConsentSigning, signature: string): Promise<SigningFailure | undefined> {
    let verified;
    try {
      verified = await this.eid.verify(signature);
    } catch (err) {
      if ((err as { getStatus?: () => number }).getStatus?.() === 503) throw err;
      this.logger.warn(`signing ${signing.id}: signature does not verify: ${(err as Error).message}`);
      return 'invalid-signature';
    }
    if (
      verified.order !== signing.orderId ||
      verified.textSha256 !== signing.textSha256 ||
      verified.acr !== REQUIRED_LOA
    ) {
      return 'invalid-signature';
    }
    const signer = parsePersonnummer(verified.personnummer);
    if (!signer.ok || !this.subjects.parse(signer.value).keys.includes(signing.subjectKey)) return 'other-signer';
    return undefined;
  }
}

function view(signing: ConsentSigning, now?: Date, openedInApp = false, failure?: SigningFailure): ConsentSigningView {
  const pending = signing.status === 'pending' && now !== undefined;
  return {
    id: signing.id,
    status: signing.status,
    ...(pending && {
      qrData: qrData(signing, Math.max(0, Math.floor((now.getTime() - signing.startedAt.getTime()) / 1000))),
      openedInApp,
    }),
    text: signing.text,
    textSha256: signing.textSha256,
    expiresAt: signing.expiresAt.toISOString(),
    ...(signing.consentId && { consentId: signing.consentId }),
    ...(failure && { failure }),
  };
}
