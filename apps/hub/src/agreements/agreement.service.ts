import { randomUUID } from 'node:crypto';
import { Injectable, Inject, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import {
  assertAmendable,
  effectiveStatus,
  LifecycleError,
  partyOf,
  transition,
  type Actor,
  type AgreementAction,
} from '@hub/agreements';
import { AuditLog } from '@hub/audit';
import {
  EXCHANGES,
  routingKeys,
  type AgreementChange,
  type AgreementChangedV1,
  type AgreementStatus,
  type Purpose,
} from '@hub/contracts';
import { ChangeFeed, Transactions, type Queryable } from '@hub/database';
import { MessagingClient } from '@hub/messaging';
import {
  AgreementIndex,
  swedishDay,
  validateAgreement,
  type AgreementTerms,
  type AgreementVersion,
  type PurposeTerms,
} from '@hub/policy';
import type { StaffUser } from '../auth/staff-user.js';
import { CatalogueService } from '../catalogue/catalogue.service.js';
import { HUB_CONFIG, type HubConfig } from '../config/hub.config.js';
import { apiException } from '../http/http-errors.js';
import {
  AGREEMENTS_CHANGED,
  AgreementRepository,
  type AgreementEventRow,
  type ClosedParty,
  type AgreementRow,
  type AgreementVersionRow,
  type StoredApproval,
} from './agreement.repository.js';
import {
  PurposeTermsDto,
  type AgreementEventView,
  type AgreementTermsDto,
  type AgreementVersionView,
  type AgreementView,
  type CreateAgreementDto,
} from './dto/agreement.dto.js';

type StateChange = Exclude<AgreementAction, 'amend'>;

/** An agreement version the hub terminated because a party closed. */
export interface TerminatedVersion {
  agreementId: string;
  version: number;
}

/**
 * The agreement registry: drafts, two-party approval, suspension, termination, amendments as new versions and
 * expiry. Every change is recorded as an event, written to the audit chain and announced as `agreement.changed.v1`.
 */
@Injectable()
export class AgreementService implements OnModuleInit, OnModuleDestroy {
  private readonly feed: ChangeFeed;
  private policy = new AgreementIndex([]);

  constructor(
    private readonly repository: AgreementRepository,
    private readonly transactions: Transactions,
    private readonly catalogues: CatalogueService,
    private readonly audit: AuditLog,
    private readonly messaging: MessagingClient,
    @Inject(HUB_CONFIG) config: HubConfig,
  ) {
    this.feed = new ChangeFeed(
      config.databaseUrl,
      AGREEMENTS_CHANGED,
      async () => void (this.policy = new AgreementIndex(await this.versionsForPolicy())),
      new Logger('agreements'),
    );
  }

  async onModuleInit(): Promise<void> {
    this.catalogues.onAnnounced(async (agency) => void (await this.republish(agency)));
    await this.feed.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.feed.stop();
  }

  /** The policy's index over every agreement version, kept current across instances; what queries decide on. */
  policyIndex(): AgreementIndex {
    return this.policy;
  }

  async create(dto: CreateAgreementDto, user: StaffUser): Promise<AgreementView> {
    const agency = await this.repository.findAgency(dto.agency.organisation);
    if (!agency?.agencyCode)
      throw apiException('unknown-party', `no agency with organisationsnummer ${dto.agency.organisation}`);
    const parties = {
      municipality: dto.municipality,
      agency: { organisation: agency.number, agency: agency.agencyCode },
    };
    // a party first: to anyone else, another municipality's units are no more known than units that do not exist
    lifecycle(() => partyOf(parties, actorOf(user)));
    const unit = await this.repository.findUnit(dto.municipality.organisation, dto.municipality.unit);
    if (!unit)
      throw apiException(
        'unknown-party',
        `no unit "${dto.municipality.unit}" of organisation ${dto.municipality.organisation}`,
      );
    // a closed unit (closing a municipality closes its units) or agency keeps its history, but no new agreement
    if (unit.closedAt || agency.closedAt)
      throw apiException('party-closed', 'a party (unit or agency) of the agreement is closed');
    const terms = this.checkedTerms(dto, parties);
    const id = randomUUID();
    await this.transactions.run(async (tx) => {
      const { organisation, unit: unitName } = parties.municipality;
      if (await this.repository.partiesClosedForShare(organisation, unitName, parties.agency.organisation, tx))
        throw apiException('party-closed', 'a party (unit or agency) of the agreement is closed');
      await this.repository.insert(
        {
          id,
          municipality: parties.municipality.organisation,
          unit: parties.municipality.unit,
          agency: parties.agency.organisation,
          agencyCode: parties.agency.agency,
          latestVersion: 1,
          createdBy: user.id,
        },
        tx,
      );
      await this.repository.insertVersion(
        { ...terms, agreementId: id, version: 1, status: 'draft', approvals: [], createdBy: user.id },
        tx,
      );
      await this.record(tx, id, 1, 'created', 'draft', user);
    });
    await this.announce(id, 1, 'created', user);
    return this.show(id, user);
  }

  async change(id: string, action: StateChange, user: StaffUser, note?: string): Promise<AgreementView> {
    const now = new Date();
    const { version, status } = await this.transactions.run(async (tx) => {
      const locked = await this.lockLatest(tx, id, user);
      const { agreement } = locked;
      // While an amendment is still a draft or proposed, suspending and resuming act on the version in force
      const latest =
        (action === 'suspend' || action === 'resume') && ['draft', 'proposed'].includes(locked.latest.status)
          ? ((await this.repository.findVersionInForce(id, tx)) ?? locked.latest)
          : locked.latest;
      const next = lifecycle(() =>
        transition(
          {
            ...latest,
            status: effectiveStatus(latest.status, latest.validTo, swedishDay(now)),
            parties: partiesOf(agreement),
            approvals: approvalsOf(latest),
          },
          action,
          actorOf(user),
          now,
          swedishDay(now),
        ),
      );
      await this.repository.updateVersionState(id, latest.version, next.status, next.approvals.map(storeApproval), tx);
      // The approved amendment replaces the versions before it; they stay readable.
      if (next.status === 'active' && action === 'approve')
        await this.repository.supersedeBefore(id, latest.version, now, tx);
      await this.record(tx, id, latest.version, action, next.status, user, note);
      return { version: latest.version, status: next.status };
    });
    await this.announce(id, version, pastTense(action, status), user);
    return this.show(id, user);
  }

  async amend(id: string, dto: AgreementTermsDto, user: StaffUser, note?: string): Promise<AgreementView> {
    const version = await this.transactions.run(async (tx) => {
      const { agreement, latest } = await this.lockLatest(tx, id, user);
      const parties = partiesOf(agreement);
      lifecycle(() =>
        assertAmendable(
          {
            ...latest,
            status: effectiveStatus(latest.status, latest.validTo, swedishDay(new Date())),
            parties,
            approvals: approvalsOf(latest),
          },
          actorOf(user),
        ),
      );
      if (latest.status === 'draft' || latest.status === 'proposed') {
        throw apiException(
          'amendment-pending',
          `version ${latest.version} is still ${latest.status}; propose, approve or terminate it first`,
        );
      }
      const terms = this.checkedTerms(dto, parties);
      const next = latest.version + 1;
      await this.repository.insertVersion(
        { ...terms, agreementId: id, version: next, status: 'draft', approvals: [], createdBy: user.id },
        tx,
      );
      await this.repository.setLatestVersion(id, next, tx);
      await this.record(tx, id, next, 'amended', 'draft', user, note);
      return next;
    });
    await this.announce(id, version, 'amended', user);
    return this.show(id, user);
  }

  async list(user: StaffUser): Promise<AgreementView[]> {
    const agreements = await this.repository.listForOrganisation(user.organisation);
    const versions = await this.repository.listLatestVersions(agreements.map((a) => a.id));
    const byId = new Map(versions.map((v) => [v.agreementId, v]));
    return agreements
      .filter((a) => byId.has(a.id))
      .map((a) => ({ ...versionView(a, byId.get(a.id)!), latestVersion: a.latestVersion }));
  }

  async show(id: string, user: StaffUser): Promise<AgreementView> {
    const agreement = await this.visible(id, user);
    const versions = await this.repository.listVersions(id);
    const history = await this.repository.listEvents(id);
    const latest = versions[versions.length - 1];
    return {
      ...versionView(agreement, latest),
      latestVersion: agreement.latestVersion,
      versions: versions.map((v) => versionView(agreement, v)),
      history: history.map(eventView),
    };
  }

  async version(id: string, version: number, user: StaffUser): Promise<AgreementVersionView> {
    const agreement = await this.visible(id, user);
    const found = await this.repository.findVersion(id, version);
    if (!found) throw apiException('not-found', `agreement ${id} has no version ${version}`);
    return versionView(agreement, found);
  }

  /** Every version the policy may need, with the status as of now; loaded by the query path and the adapters' view. */
  async versionsForPolicy(): Promise<AgreementVersion[]> {
    const rows = await this.repository.listAllVersions();
    const agreements = new Map((await this.repository.listAll()).map((a) => [a.id, a]));
    return rows.map((v) => policyVersion(agreements.get(v.agreementId)!, v));
  }

  /** Marks every version past its last day as expired and announces it; returns how many. */
  async expireDue(now = new Date()): Promise<number> {
    const today = swedishDay(now);
    const expired = await this.transactions.run(async (tx) => {
      const rows = await this.repository.expireBefore(today, tx);
      for (const { agreementId, version } of rows) {
        await this.repository.insertEvent(
          { agreementId, version, change: 'expired', status: 'expired', actor: 'hub', organisation: null, note: null },
          tx,
        );
      }
      return rows;
    });
    for (const row of expired) await this.announce(row.agreementId, row.version, 'expired');
    return expired.length;
  }

  /**
   * A closed unit or organisation exchanges no more data: the hub terminates every open version of its agreements in
   * the closing transaction `tx`, so that both commit or neither. Pass what it returns to `announceTerminated` once
   * committed, so that every hub instance and the agencies' adapters end them too.
   */
  async terminateForClosedParty(party: ClosedParty, tx: Queryable): Promise<TerminatedVersion[]> {
    const rows = await this.repository.terminateOpenOf(party, tx);
    const note = party.unit ? `Enheten ${party.unit} avslutades` : `Organisationen ${party.organisation} avslutades`;
    for (const { agreementId, version } of rows) {
      await this.repository.insertEvent(
        { agreementId, version, change: 'terminated', status: 'terminated', actor: 'hub', organisation: null, note },
        tx,
      );
    }
    return rows;
  }

  /** After the close committed: the audit entries and announcements of the hub's terminations. */
  async announceTerminated(versions: readonly TerminatedVersion[]): Promise<void> {
    for (const { agreementId, version } of versions) await this.announce(agreementId, version, 'terminated');
  }

  private checkedTerms(dto: AgreementTermsDto, parties: AgreementTerms['parties']) {
    const purposes: Record<string, PurposeTerms> = {};
    const shapeProblems: string[] = [];
    for (const [purpose, value] of Object.entries(dto.purposes ?? {})) {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        shapeProblems.push(`purposes.${purpose}: must be an object of terms`);
        continue;
      }
      const terms = plainToInstance(PurposeTermsDto, value);
      const errors = validateSync(terms, { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true });
      for (const error of errors)
        shapeProblems.push(
          `purposes.${purpose}.${error.property}: ${Object.values(error.constraints ?? { invalid: 'invalid' }).join(', ')}`,
        );
      purposes[purpose] = { ...terms, legalBasis: terms.legalBasis ?? null };
    }
    if (shapeProblems.length) throw apiException('invalid-request', shapeProblems.join('; '), shapeProblems);
    const terms: AgreementTerms = { parties, validFrom: dto.validFrom, validTo: dto.validTo, purposes };
    const problems = validateAgreement(terms, this.catalogues.catalogues()).filter((p) => p.severity === 'error');
    if (problems.length)
      throw apiException('invalid-agreement', problems.map((p) => `${p.path}: ${p.message}`).join('; '), problems);
    return { title: dto.title, validFrom: dto.validFrom, validTo: dto.validTo, purposes };
  }

  private async lockLatest(tx: Queryable, id: string, user: StaffUser) {
    const agreement = await this.repository.findForUpdate(id, tx);
    // as when reading it: to a non-party, someone else's agreement is absent, not forbidden
    if (!agreement || !isPartyOrganisation(agreement, user)) {
      throw apiException('not-found', `no agreement ${id}`);
    }
    const latest = await this.stored(id, agreement.latestVersion, tx);
    return { agreement, latest };
  }

  private async stored(id: string, version: number, db?: Queryable): Promise<AgreementVersionRow> {
    const found = await this.repository.findVersion(id, version, db);
    if (!found) throw new Error(`agreement ${id} has no stored version ${version}`);
    return found;
  }

  private async visible(id: string, user: StaffUser): Promise<AgreementRow> {
    const agreement = await this.repository.find(id);
    // Someone else's agreement is as good as absent: its existence is not the caller's business.
    if (!agreement || !isPartyOrganisation(agreement, user)) {
      throw apiException('not-found', `no agreement ${id}`);
    }
    return agreement;
  }

  private async record(
    tx: Queryable,
    id: string,
    version: number,
    change: string,
    status: AgreementStatus,
    user: StaffUser,
    note?: string,
  ) {
    await this.repository.insertEvent(
      {
        agreementId: id,
        version,
        change,
        status,
        actor: user.id,
        organisation: user.organisation,
        note: note ?? null,
      },
      tx,
    );
  }

  /** After commit: the audit entry, and the event adapters refresh their cache on. */
  private async announce(id: string, version: number, change: AgreementChange, user?: StaffUser): Promise<void> {
    const agreement = await this.repository.find(id);
    if (!agreement) throw new Error(`agreement ${id} is not stored`);
    const stored = await this.stored(id, version);
    await this.audit.append({
      kind: 'agreement',
      actorKind: user ? 'staff' : 'service',
      actor: user?.id ?? 'hub',
      organisation: user?.organisation ?? null,
      unit: user?.unit ?? null,
      agreementId: id,
      agreementVersion: version,
      outcome: change,
      details: { status: stored.status },
    });
    await this.repository.notifyChanged(id);
    // this instance decides on the change at once; the others as soon as the notice reaches them
    await this.feed.reload();
    await this.publishChanged(agreement, stored, change);
  }

  /**
   * An adapter keeps the versions it is party to from these events. When it (re)starts it announces its catalogue,
   * and the hub answers with every version of the agency's agreements, so a cache that missed events catches up.
   */
  async republish(agency: string): Promise<number> {
    const agreements = await this.repository.listForAgency(agency);
    let sent = 0;
    for (const agreement of agreements) {
      for (const version of await this.repository.listVersions(agreement.id)) {
        await this.publishChanged(agreement, version, 'republished');
        sent++;
      }
    }
    return sent;
  }

  private async publishChanged(a: AgreementRow, v: AgreementVersionRow, change: AgreementChange): Promise<void> {
    await this.messaging.publish(
      EXCHANGES.event,
      routingKeys.agreementChanged(),
      {
        type: 'agreement.changed.v1',
        agreement: { id: a.id, version: v.version },
        payload: agreementChanged(a, v, change),
      },
      { broadcast: true },
    );
  }
}

const isPartyOrganisation = (agreement: AgreementRow, user: StaffUser) =>
  agreement.municipality === user.organisation || agreement.agency === user.organisation;

function lifecycle<T>(step: () => T): T {
  try {
    return step();
  } catch (err) {
    // each lifecycle code is an ErrorCode, with its status in the table
    if (err instanceof LifecycleError) throw apiException(err.code, err.message);
    throw err;
  }
}

const actorOf = (user: StaffUser): Actor => ({ id: user.id, organisation: user.organisation, roles: user.roles });

const partiesOf = (a: AgreementRow) => ({
  municipality: { organisation: a.municipality, unit: a.unit },
  agency: { organisation: a.agency, agency: a.agencyCode },
});

const approvalsOf = (v: AgreementVersionRow) =>
  v.approvals.map((a) => ({ ...a, approvedAt: a.approvedAt ? new Date(a.approvedAt) : undefined }));

const storeApproval = (a: { organisation: string; approvedBy?: string; approvedAt?: Date }): StoredApproval => ({
  organisation: a.organisation,
  approvedBy: a.approvedBy,
  approvedAt: a.approvedAt?.toISOString(),
});

const PAST: Record<StateChange, AgreementChange> = {
  propose: 'proposed',
  approve: 'approved',
  suspend: 'suspended',
  resume: 'resumed',
  terminate: 'terminated',
};
const pastTense = (action: StateChange, status: AgreementStatus): AgreementChange =>
  status === 'expired' ? 'expired' : PAST[action];

function agreementChanged(a: AgreementRow, v: AgreementVersionRow, change: AgreementChange): AgreementChangedV1 {
  return {
    agreementId: a.id,
    version: v.version,
    status: v.status,
    change,
    validFrom: v.validFrom,
    validTo: v.validTo,
    parties: [{ organisation: a.municipality, unit: a.unit }, { organisation: a.agency }],
    agency: a.agencyCode,
    approvals: v.approvals.map((x) => ({
      organisation: x.organisation,
      ...(x.approvedBy && { approvedBy: x.approvedBy }),
      ...(x.approvedAt && { approvedAt: x.approvedAt }),
    })),
    purposes: Object.entries(v.purposes).map(([purpose, t]) => ({
      purpose: purpose as Purpose,
      categories: [...t.categories],
      referralTypes: [...t.referralTypes],
      roles: [...t.roles],
      consentRequired: t.consentRequired,
      ...(t.legalBasis && {
        legalBasis: { reference: t.legalBasis.reference, ...(t.legalBasis.text && { text: t.legalBasis.text }) },
      }),
    })),
  };
}

function policyVersion(a: AgreementRow, v: AgreementVersionRow): AgreementVersion {
  return {
    id: a.id,
    version: v.version,
    status: v.status,
    parties: partiesOf(a),
    approvals: approvalsOf(v),
    validFrom: v.validFrom,
    validTo: v.validTo,
    purposes: v.purposes,
  };
}

function versionView(a: AgreementRow, v: AgreementVersionRow): AgreementVersionView {
  return {
    id: a.id,
    version: v.version,
    title: v.title,
    status: effectiveStatus(v.status, v.validTo, swedishDay(new Date())),
    municipality: { organisation: a.municipality, unit: a.unit },
    agency: { organisation: a.agency, agency: a.agencyCode },
    validFrom: v.validFrom,
    validTo: v.validTo,
    purposes: v.purposes,
    approvals: v.approvals.map((x) => ({
      organisation: x.organisation,
      approvedBy: x.approvedBy,
      approvedAt: x.approvedAt,
    })),
    supersededAt: v.supersededAt?.toISOString(),
    createdAt: v.createdAt.toISOString(),
    createdBy: v.createdBy,
  };
}

const eventView = (e: AgreementEventRow): AgreementEventView => ({
  version: e.version,
  change: e.change,
  status: e.status,
  actor: e.actor,
  organisation: e.organisation ?? undefined,
  note: e.note ?? undefined,
  at: e.at.toISOString(),
});
