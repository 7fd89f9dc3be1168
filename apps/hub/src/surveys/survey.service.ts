import { createHash, randomBytes, randomInt } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AuditLog } from '@hub/audit';
import { swedishDay } from '@hub/policy';
import { unitOf } from '../auth/unit-of.js';
import type { StaffUser } from '../auth/staff-user.js';
import { FOLLOW_UP_TIME_ZONE, parsePeriod, type Period } from '../follow-up/period.js';
import type { FollowUpQuery } from '../follow-up/follow-up.dto.js';
import { apiException } from '../http/http-errors.js';
import { NKI_QUESTIONS, nkiFigure, type NkiAnswers, type NkiFigure } from './nki.js';
import type {
  KioskOfferView,
  KioskPairingView,
  KioskView,
  NkiView,
  SurveyTokenView,
  SurveyView,
} from './survey.dto.js';
import { SurveyRepository } from './survey.repository.js';

const DAY_MS = 86_400_000;
export const SURVEY_TOKEN_DAYS = 14;
export const PAIRING_MINUTES = 10;
/** A kiosk stays paired for a working day; the next morning it is paired again. */
export const KIOSK_HOURS = 16;
/** How long an offered survey waits on the kiosk for the visitor who just left the desk. */
export const OFFER_MINUTES = 10;
/**
 * An expired token is kept this long after it expired, so that a late visitor is told the survey has expired rather
 * than that there is no such survey; then the cleanup deletes it (answered or not: its answer is stored apart from
 * it and never linked to it).
 */
export const EXPIRED_TOKEN_KEPT_DAYS = 7;
/** Tokens deleted per statement, so that a backlog is cleaned in short transactions. */
export const CLEANUP_BATCH = 1000;
/** No 0/O or 1/I/L: read aloud or off a screen and typed on a tablet. */
const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** The facts of the contact a survey is issued for. */
export interface SurveyContact {
  organisation: string;
  unit: string;
  channel: string;
  createdAt: Date;
}

/**
 * Kundnöjdhet: an anonymous NKI survey after a contact. Each contact gets a one-time token, random and unrelated to
 * the contact, kept only hashed with the unit, channel and day; the guide's receipt shows it once, as a link, or
 * hands it to the unit's kiosk (a tablet at the exit, paired with a one-time code by its staff and then holding a
 * key of its own). An answer is stored with those three facts and the three scores, nothing else, and only once
 * per token. Managers read the index of their organisation or unit, suppressed below five answers.
 */
@Injectable()
export class SurveyService {
  constructor(
    private readonly surveys: SurveyRepository,
    private readonly audit: AuditLog,
  ) {}

  async issue(contact: SurveyContact, now = new Date()): Promise<SurveyTokenView> {
    const token = randomBytes(16).toString('base64url');
    const expiresAt = new Date(now.getTime() + SURVEY_TOKEN_DAYS * DAY_MS);
    await this.surveys.addToken({
      tokenHash: sha256(token),
      organisation: contact.organisation,
      unit: contact.unit,
      channel: contact.channel,
      day: swedishDay(contact.createdAt),
      expiresAt,
    });
    return { token, path: `/enkat/${token}`, expiresAt: expiresAt.toISOString() };
  }

  /** The questions, for a token that may still be answered; else why not. */
  async survey(token: string, now = new Date()): Promise<SurveyView> {
    const state = await this.openToken(sha256(token), now);
    return { questions: questions(), unit: state.unit, expiresAt: state.expiresAt.toISOString() };
  }

  async answer(token: string, answers: NkiAnswers, now = new Date()): Promise<void> {
    await this.answerByHash(sha256(token), answers, now);
  }

  /** A one-time code the unit's tablet is paired with, by the staff member who sets it up. */
  async createPairing(user: StaffUser, now = new Date()): Promise<KioskPairingView> {
    const unit = unitOf(user, 'a kiosk belongs to a unit; the token names none');
    const raw = Array.from({ length: 8 }, () => CODE_ALPHABET[randomInt(CODE_ALPHABET.length)]).join('');
    const expiresAt = new Date(now.getTime() + PAIRING_MINUTES * 60_000);
    await this.surveys.addPairing(sha256(raw), user.organisation, unit, user.id, expiresAt);
    await this.audit.append({
      kind: 'survey-kiosk',
      actorKind: 'staff',
      actor: user.id,
      organisation: user.organisation,
      unit,
      subjectKey: null,
      outcome: 'pairing-created',
      details: { expiresAt: expiresAt.toISOString() },
    });
    return { code: `${raw.slice(0, 4)}-${raw.slice(4)}`, expiresAt: expiresAt.toISOString() };
  }

  /** The tablet trades the code for its own key; the code is gone after one use. */
  async pair(code: string, now = new Date()): Promise<KioskView> {
    const pairing = await this.surveys.takePairing(sha256(code.replace('-', '').toUpperCase()), now);
    if (!pairing) throw apiException('kiosk-not-paired', 'no such pairing code, or it has been used or has expired');
    const key = randomBytes(32).toString('base64url');
    const expiresAt = new Date(now.getTime() + KIOSK_HOURS * 3_600_000);
    const kiosk = { organisation: pairing.organisation, unit: pairing.unit, expiresAt };
    await this.surveys.addKiosk(sha256(key), kiosk, pairing.createdBy);
    await this.audit.append({
      kind: 'survey-kiosk',
      actorKind: 'staff',
      actor: pairing.createdBy,
      organisation: pairing.organisation,
      unit: pairing.unit,
      subjectKey: null,
      outcome: 'paired',
      details: { expiresAt: expiresAt.toISOString() },
    });
    return { kioskKey: key, unit: pairing.unit, expiresAt: expiresAt.toISOString() };
  }

  /** The guide hands the survey of a contact the unit just logged to the unit's kiosks. */
  async offer(token: string, user: StaffUser, now = new Date()): Promise<void> {
    const unit = unitOf(user, 'a survey is offered on the kiosk of a unit; the token names none');
    const hash = sha256(token);
    const state = await this.surveys.token(hash);
    // another unit's token is as unknown as a made-up one
    if (!state || state.organisation !== user.organisation || state.unit !== unit) {
      throw apiException('not-found', 'no survey token of your unit');
    }
    if (state.answered) throw apiException('survey-answered', 'the survey has been answered already');
    if (state.expiresAt <= now) throw apiException('survey-expired', 'the survey token has expired');
    if (!(await this.surveys.hasKiosk(user.organisation, unit, now))) {
      throw apiException('no-kiosk', 'no kiosk is paired with your unit: pair the tablet first');
    }
    await this.surveys.offer(user.organisation, unit, hash, new Date(now.getTime() + OFFER_MINUTES * 60_000));
  }

  async kioskOffer(key: string | undefined, now = new Date()): Promise<KioskOfferView> {
    const kiosk = await this.kiosk(key, now);
    const offered = await this.surveys.offered(kiosk.organisation, kiosk.unit, now);
    return { waiting: offered !== undefined, unit: kiosk.unit, ...(offered && { questions: questions() }) };
  }

  async kioskAnswer(key: string | undefined, answers: NkiAnswers, now = new Date()): Promise<void> {
    const kiosk = await this.kiosk(key, now);
    const offered = await this.surveys.offered(kiosk.organisation, kiosk.unit, now);
    if (!offered) throw apiException('not-found', 'no survey is waiting on this kiosk');
    await this.surveys.withdrawOffer(kiosk.organisation, kiosk.unit, offered);
    await this.answerByHash(offered, answers, now);
  }

  async nki(query: FollowUpQuery, user: StaffUser, now = new Date()): Promise<NkiView> {
    const parsed = parsePeriod(query, now);
    if (!parsed.ok) throw apiException('invalid-period', parsed.problem);
    const unit = user.unit ?? null;
    const rows = await this.surveys.nki(user.organisation, unit, parsed.period);
    const total = rows.find((r) => r.channel === null);
    return {
      period: { ...parsed.period, timeZone: FOLLOW_UP_TIME_ZONE },
      scope: { organisation: user.organisation, unit },
      ...nkiFigure(total?.answers ?? 0, total?.mean ?? null, total?.stddev ?? null),
      byChannel: rows
        .filter((r) => r.channel !== null)
        .sort((a, b) => a.channel!.localeCompare(b.channel!))
        .map((r) => ({ channel: r.channel!, ...nkiFigure(r.answers, r.mean, r.stddev) })),
    };
  }

  /** The period's index of an organisation or unit for the follow-up's targets: null below five answers. */
  async nkiIndex(organisation: string, unit: string | null, period: Period): Promise<number | null> {
    return (await this.nkiOf(organisation, unit, period)).nki;
  }

  /** The period's index of an organisation or unit with its answers and interval, suppressed below five answers. */
  async nkiOf(organisation: string, unit: string | null, period: Period): Promise<NkiFigure> {
    const total = (await this.surveys.nki(organisation, unit, period)).find((r) => r.channel === null);
    return nkiFigure(total?.answers ?? 0, total?.mean ?? null, total?.stddev ?? null);
  }

  /**
   * Deletes the survey tokens expired more than EXPIRED_TOKEN_KEPT_DAYS ago, and expired kiosk pairings, kiosks and
   * offers, batch by batch until none is left: how many tokens it deleted. Safe on any number of instances at once.
   */
  async cleanUp(now = new Date()): Promise<number> {
    const before = new Date(now.getTime() - EXPIRED_TOKEN_KEPT_DAYS * DAY_MS);
    let deleted = 0;
    for (;;) {
      const n = await this.surveys.deleteExpired(before, CLEANUP_BATCH);
      deleted += n;
      if (n < CLEANUP_BATCH) return deleted;
    }
  }

  private async kiosk(key: string | undefined, now: Date) {
    const kiosk = key ? await this.surveys.kiosk(sha256(key), now) : undefined;
    if (!kiosk) throw apiException('kiosk-not-paired', 'this kiosk is not paired, or its pairing has expired');
    return kiosk;
  }

  private async openToken(hash: string, now: Date) {
    const state = await this.surveys.token(hash);
    if (!state) throw apiException('not-found', 'no such survey');
    if (state.answered) throw apiException('survey-answered', 'the survey has been answered already');
    if (state.expiresAt <= now) throw apiException('survey-expired', 'the survey token has expired');
    return state;
  }

  private async answerByHash(hash: string, answers: NkiAnswers, now: Date): Promise<void> {
    if (await this.surveys.answer(hash, answers, now)) return;
    // not answered now: say why, as the questions would have
    await this.openToken(hash, now);
    throw apiException('survey-answered', 'the survey has been answered already');
  }
}

function questions() {
  return NKI_QUESTIONS.map((q) => ({ ...q }));
}
