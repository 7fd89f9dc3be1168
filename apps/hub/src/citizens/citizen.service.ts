import { Injectable } from '@nestjs/common';
import { AuditLog } from '@hub/audit';
import type { Purpose } from '@hub/contracts';
import { CatalogueService } from '../catalogue/catalogue.service.js';
import type { ConsentView } from '../consents/consent.dto.js';
import { CITIZEN_ACTOR, ConsentService } from '../consents/consent.service.js';
import type { Citizen } from './citizen-session.store.js';
import {
  AccessLogEntryView,
  AccessLogPageView,
  CitizenConsentView,
  CitizenErrandView,
  CitizenExportView,
  CitizenMeView,
  CitizenReferralView,
  CitizenSummaryView,
  NamedCode,
} from './citizen.dto.js';
import {
  CitizenRepository,
  type AccessLogRow,
  type CitizenErrandRow,
  type CitizenReferralRow,
  type PartyNames,
} from './citizen.repository.js';
import {
  accessLogSentence,
  CONSENT_METHOD_TEXT,
  CONSENT_STATUS_TEXT,
  ERRAND_EVENT_TEXT,
  ERRAND_STATUS_TEXT,
  purposeText,
  QUERY_OUTCOME_TEXT,
  reasonText,
  REFERRAL_STATUS_TEXT,
} from './citizen-texts.js';

export const DEFAULT_ACCESS_LOG_PAGE = 50;
/** What the download holds of the access log at most: every entry of any real person, with room to spare. */
const EXPORT_ACCESS_LOG_MAX = 100_000;
const EXPORT_PAGE = 1_000;

/** Which of the citizen's views an audit entry of their own reading names. */
export type CitizenView = 'summary' | 'access-log' | 'export-json' | 'export-pdf';

/** How the citizen reads what an entry or a timeline says about who did it. */
interface Names {
  agency(code: string): string;
  category(code: string): string;
  referralType(code: string): string;
  organisation(number: string | null | undefined): string | undefined;
  unit(organisation: string | null | undefined, unit: string | null | undefined): string | undefined;
}

/**
 * "Mina uppgifter": what the hub holds about the logged-in citizen, found by all their subject keys, in plain
 * Swedish: their consents (and revoking one, by the path staff use, so that the agencies are told before the page
 * answers), their referrals and errands with timelines, and every access to their data by others. Nothing is left
 * out for a person with protected identity: it is their own. Each reading is audited before it is answered, with the
 * citizen as actor.
 */
@Injectable()
export class CitizenService {
  constructor(
    private readonly repository: CitizenRepository,
    private readonly consents: ConsentService,
    private readonly catalogues: CatalogueService,
    private readonly audit: AuditLog,
  ) {}

  me(citizen: Citizen, sessionExpiresAt: Date): CitizenMeView {
    return {
      subject: citizen.subjectMasked,
      ...(citizen.name && { name: citizen.name }),
      loa: citizen.loa,
      sessionExpiresAt: sessionExpiresAt.toISOString(),
    };
  }

  async summary(citizen: Citizen, sessionExpiresAt: Date): Promise<CitizenSummaryView> {
    const [consents, referrals, errands] = await Promise.all([
      this.consents.listOfCitizen(citizen.subjectKeys),
      this.repository.referrals(citizen.subjectKeys),
      this.repository.errands(citizen.subjectKeys),
    ]);
    const names = await this.names(consents.map((c) => c.organisation));
    await this.recordReading(citizen, 'summary', {
      consents: consents.length,
      referrals: referrals.length,
      errands: errands.length,
    });
    return {
      me: this.me(citizen, sessionExpiresAt),
      consents: consents.map((c) => consentView(c, names)),
      referrals: referrals.map((r) => referralView(r, names)),
      errands: errands.map(errandView),
    };
  }

  async accessLog(
    citizen: Citizen,
    before: string | undefined,
    limit = DEFAULT_ACCESS_LOG_PAGE,
  ): Promise<AccessLogPageView> {
    // one more than asked tells whether there is a next page
    const rows = await this.repository.accessLog(citizen.subjectKeys, before ?? null, limit + 1);
    const page = rows.slice(0, limit);
    await this.recordReading(citizen, 'access-log', { ...(before && { before }), entries: page.length });
    const names = this.staticNames();
    return {
      entries: page.map((row) => accessLogEntry(row, names)),
      ...(rows.length > limit && { nextBefore: page.at(-1)!.seq }),
    };
  }

  /** Everything, for the download (GDPR article 15): the summary and the whole access log. */
  async export(citizen: Citizen, format: 'json' | 'pdf'): Promise<CitizenExportView> {
    const [consents, referrals, errands] = await Promise.all([
      this.consents.listOfCitizen(citizen.subjectKeys),
      this.repository.referrals(citizen.subjectKeys),
      this.repository.errands(citizen.subjectKeys),
    ]);
    const log: AccessLogRow[] = [];
    let before: string | null = null;
    while (log.length < EXPORT_ACCESS_LOG_MAX) {
      const rows = await this.repository.accessLog(citizen.subjectKeys, before, EXPORT_PAGE);
      log.push(...rows);
      if (rows.length < EXPORT_PAGE) break;
      before = rows.at(-1)!.seq;
    }
    const names = await this.names(consents.map((c) => c.organisation));
    await this.recordReading(citizen, format === 'json' ? 'export-json' : 'export-pdf', {
      consents: consents.length,
      referrals: referrals.length,
      errands: errands.length,
      entries: log.length,
    });
    return {
      generatedAt: new Date().toISOString(),
      subject: citizen.subjectMasked,
      ...(citizen.name && { name: citizen.name }),
      consents: consents.map((c) => consentView(c, names)),
      referrals: referrals.map((r) => referralView(r, names)),
      errands: errands.map(errandView),
      accessLog: log.map((row) => accessLogEntry(row, names)),
    };
  }

  /** Revokes one of the citizen's own consents; the agencies have been told when this answers. */
  async revoke(citizen: Citizen, consentId: string): Promise<CitizenConsentView> {
    const revoked = await this.consents.revokeByCitizen(consentId, citizen.subjectKeys);
    return consentView(revoked, await this.names([revoked.organisation]));
  }

  /** The citizen's own reading, audited (committed) before it is answered. */
  private async recordReading(citizen: Citizen, view: CitizenView, counts: Record<string, unknown>): Promise<void> {
    await this.audit.append({
      kind: 'access-report',
      actorKind: 'citizen',
      actor: CITIZEN_ACTOR,
      // the key of now; all of the person's keys were read
      subjectKey: citizen.subjectKeys[0]!,
      outcome: 'reported',
      details: { view, loa: citizen.loa, ...counts },
    });
  }

  private staticNames(parties?: PartyNames): Names {
    const catalogues = this.catalogues.catalogues();
    const agencies = new Map(catalogues.map((c) => [c.agency, c.name]));
    const categories = new Map(catalogues.flatMap((c) => c.categories.map((x) => [x.code, x.description] as const)));
    const referralTypes = new Map(
      catalogues.flatMap((c) => c.referralTypes.map((x) => [x.code, x.description] as const)),
    );
    return {
      agency: (code) => agencies.get(code) ?? code.toUpperCase(),
      category: (code) => categories.get(code) ?? code,
      referralType: (code) => referralTypes.get(code) ?? code,
      organisation: (number) => (number ? (parties?.organisations.get(number) ?? undefined) : undefined),
      unit: (organisation, unit) =>
        organisation && unit ? (parties?.units.get(`${organisation}/${unit}`) ?? unit) : (unit ?? undefined),
    };
  }

  private async names(organisations: string[]): Promise<Names> {
    return this.staticNames(await this.repository.names(organisations));
  }
}

const named = (code: string, name: (code: string) => string): NamedCode => ({ code, name: name(code) });

function list(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} och ${items.at(-1)}`;
}

const DAY = new Intl.DateTimeFormat('sv-SE', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
const swedishDay = (day: string) => DAY.format(new Date(`${day}T00:00:00Z`));

export function consentView(consent: ConsentView, names: Names): CitizenConsentView {
  const organisationName = names.organisation(consent.organisation) ?? consent.organisation;
  const unitName = names.unit(consent.organisation, consent.unit) ?? consent.unit;
  const agencies = consent.agencies.map((a) => named(a, names.agency));
  const methodText = CONSENT_METHOD_TEXT[consent.method];
  return {
    id: consent.id,
    organisationName,
    unitName,
    purposes: consent.purposes,
    purposeNames: consent.purposes.map(purposeText),
    agencies,
    categories: consent.categories.map((c) => named(c, names.category)),
    method: consent.method,
    methodText,
    validFrom: consent.validFrom,
    validUntil: consent.validUntil,
    status: consent.status,
    statusText: CONSENT_STATUS_TEXT[consent.status],
    createdAt: consent.createdAt,
    ...(consent.revokedAt && { revokedAt: consent.revokedAt }),
    ...(consent.revokedAt && consent.revokedBy === CITIZEN_ACTOR && { revokedByYou: true }),
    ...(consent.method === 'telefon' && {
      confirmation:
        `${unitName} i ${organisationName} har antecknat att du i telefon samtyckte till detta. ` +
        'Stämmer det inte, eller vill du inte längre, kan du återkalla samtycket här.',
    }),
    text:
      `Du samtycker till att ${unitName} i ${organisationName} får hämta uppgifter om dig från ` +
      `${list(agencies.map((a) => a.name))} för ${list(consent.purposes.map((p) => purposeText(p).toLowerCase()))}, ` +
      `från ${swedishDay(consent.validFrom)} till och med ${swedishDay(consent.validUntil)}. Lämnat ${methodText}.`,
  };
}

export function referralView(row: CitizenReferralRow, names: Names): CitizenReferralView {
  return {
    id: row.id,
    agency: named(row.agency, names.agency),
    referralType: named(row.referralType, names.referralType),
    purpose: row.purpose as Purpose,
    purposeName: purposeText(row.purpose),
    organisationName: row.organisationName ?? row.organisation,
    unitName: row.unitName ?? row.unit,
    message: row.message,
    createdAt: new Date(row.createdAt).toISOString(),
    respondBy: new Date(row.respondBy).toISOString(),
    status: row.status,
    statusText: REFERRAL_STATUS_TEXT[row.status] ?? row.status,
    timeline: row.timeline.map((e) => ({
      status: e.status,
      statusText: REFERRAL_STATUS_TEXT[e.status] ?? e.status,
      at: new Date(e.at).toISOString(),
      // the agency or the municipality, never the officer: staff names are not part of what the citizen is shown
      by:
        e.actor.organisation === row.organisation
          ? (row.organisationName ?? row.organisation)
          : (names.organisation(e.actor.organisation) ?? names.agency(row.agency)),
      ...(e.note && { note: e.note }),
    })),
  };
}

export function errandView(row: CitizenErrandRow): CitizenErrandView {
  return {
    id: row.id,
    topic: { code: row.topic, name: row.topicName ?? row.topic },
    organisationName: row.organisationName ?? row.organisation,
    unitName: row.unitName ?? row.unit,
    departmentName: row.departmentName ?? row.department,
    message: row.message,
    createdAt: new Date(row.createdAt).toISOString(),
    respondBy: new Date(row.respondBy).toISOString(),
    status: row.status,
    statusText: ERRAND_STATUS_TEXT[row.status] ?? row.status,
    ...(row.answer && { answer: row.answer }),
    timeline: row.timeline.map((e) => ({
      event: e.event,
      eventText: ERRAND_EVENT_TEXT[e.event] ?? e.event,
      at: new Date(e.at).toISOString(),
      departmentName: e.department === row.department ? (row.departmentName ?? e.department) : e.department,
      ...(e.note && { note: e.note }),
    })),
  };
}

export function accessLogEntry(row: AccessLogRow, names: Names): AccessLogEntryView {
  const agency = typeof row.details.agency === 'string' ? row.details.agency : undefined;
  const consentAgencies = Array.isArray(row.details.agencies) ? (row.details.agencies as string[]) : [];
  const agencies = (agency ? [agency] : consentAgencies).map((a) => named(a, names.agency));
  const released = row.categoriesReleased.map((c) => named(c, names.category));
  const denied = row.categoriesDenied.map((d) => ({
    code: d.category,
    name: names.category(d.category),
    reason: d.reason,
    reasonText: reasonText(d.reason),
  }));
  const organisationName = row.organisationName ?? undefined;
  const unitName = row.unit ? (row.unitName ?? row.unit) : undefined;
  return {
    id: row.seq,
    at: new Date(row.at).toISOString(),
    kind: row.kind,
    ...(organisationName && { organisationName }),
    ...(unitName && { unitName }),
    ...(row.purpose && { purpose: row.purpose as Purpose, purposeName: purposeText(row.purpose) }),
    agencies,
    released,
    denied,
    outcome: row.outcome,
    outcomeText: outcomeText(row),
    protectedIdentity: row.protectedIdentity,
    text: accessLogSentence({
      kind: row.kind,
      actorKind: row.actorKind,
      outcome: row.outcome,
      unitName: unitName ?? null,
      organisationName: organisationName ?? null,
      purpose: row.purpose,
      agencyNames: agencies.map((a) => a.name),
      releasedNames: released.map((c) => c.name),
      denied: denied.map((d) => ({ name: d.name, reason: d.reasonText })),
      details: row.details,
    }),
  };
}

function outcomeText(row: AccessLogRow): string {
  if (row.kind === 'query') return QUERY_OUTCOME_TEXT[row.outcome] ?? row.outcome;
  if (row.kind === 'referral' && row.outcome === 'denied') return 'Nekades';
  if (row.kind === 'referral')
    return REFERRAL_STATUS_TEXT[row.outcome as keyof typeof REFERRAL_STATUS_TEXT] ?? row.outcome;
  if (row.kind === 'consent') return row.outcome === 'revoked' ? 'Samtycket återkallades' : 'Samtycket registrerades';
  if (row.kind === 'access-report') return 'Förteckning framtagen';
  return row.outcome;
}
