import { apiException } from '@hub/http';
import { Inject, Injectable } from '@nestjs/common';
import { AuditLog } from '@hub/audit';
import { parseOrganisationsnummer, type OrganisationKind } from '@hub/contracts';
import { Transactions } from '@hub/database';
import { AgreementService, type TerminatedVersion } from '../agreements/agreement.service.js';
import type { StaffUser } from '../auth/staff-user.js';
import { HUB_CONFIG, type HubConfig } from '../config/hub.config.js';
import { TrustedAgencies } from '../messaging/trusted-agencies.js';
import { assertHubOperator, isHubOperator } from './hub-operator.js';
import type { ChangeOrganisationDto, OrganisationView, RegisterOrganisationDto } from './organisation.dto.js';
import { OrganisationRepository } from './organisation.repository.js';
import { DEFAULT_PHONE_CONSENT_DAYS, type Organisation } from './organisation.types.js';
import { UnitRepository } from './unit.repository.js';

/** The broker user an agency's adapter connects as; the sender rules derive its permissions from it. */
export const brokerAccountOf = (agencyCode: string) => `adapter-${agencyCode}`;

/**
 * The hub's parties. Operators register, rename and close them (closing ends the organisation's agreements); every staff member may read who they are (names and
 * organisationsnummer of public bodies are public), operators also who registered them. Every change is audited
 * before it is committed, so none is ever unrecorded.
 */
@Injectable()
export class OrganisationService {
  constructor(
    private readonly organisations: OrganisationRepository,
    private readonly units: UnitRepository,
    private readonly transactions: Transactions,
    private readonly audit: AuditLog,
    private readonly trustedAgencies: TrustedAgencies,
    private readonly agreements: AgreementService,
    @Inject(HUB_CONFIG) private readonly config: Pick<HubConfig, 'operatorOrganisation'>,
  ) {}

  async list(user: StaffUser, kind?: OrganisationKind): Promise<OrganisationView[]> {
    const full = isHubOperator(user, this.config.operatorOrganisation);
    return (await this.organisations.list(kind)).map((o) => organisationView(o, full, user));
  }

  async show(numberInput: string, user: StaffUser): Promise<OrganisationView> {
    const number = organisationsnummer(numberInput);
    const organisation = await this.organisations.find(number);
    if (!organisation) throw notFound(number);
    return organisationView(organisation, isHubOperator(user, this.config.operatorOrganisation), user);
  }

  async register(dto: RegisterOrganisationDto, user: StaffUser): Promise<OrganisationView> {
    assertHubOperator(user, this.config.operatorOrganisation);
    const number = organisationsnummer(dto.number);
    const { agencyCode, brokerAccount } = agencyParts(dto);
    const registered = await this.transactions.run(async (tx) => {
      if (await this.organisations.find(number, tx)) throw exists(number);
      if (agencyCode && (await this.organisations.findByAgencyCode(agencyCode, tx))) {
        throw apiException('agency-code-taken', `another organisation has the agency code ${agencyCode}`);
      }
      const inserted = await this.organisations.insert(
        { number, name: dto.name, kind: dto.kind, agencyCode, brokerAccount, registeredBy: user.id },
        tx,
      );
      // registered by someone else since the checks above
      if (!inserted) throw exists(number);
      await this.record(user, 'registered', inserted, {});
      if (agencyCode) await this.organisations.notifyChanged(number, tx);
      return inserted;
    });
    // its adapter is trusted from now on, by this instance at once and by the others when the notice reaches them
    if (agencyCode) await this.trustedAgencies.reload();
    return organisationView(registered, true);
  }

  async change(numberInput: string, dto: ChangeOrganisationDto, user: StaffUser): Promise<OrganisationView> {
    const number = organisationsnummer(numberInput);
    const operator = isHubOperator(user, this.config.operatorOrganisation);
    // an organisation's own administrator keeps its report address and its phone consents' validity; all else is the
    // operators'
    if (!(operator || (ownAdmin(user, number) && dto.name === undefined && dto.closed === undefined))) {
      assertHubOperator(user, this.config.operatorOrganisation);
    }
    if (
      dto.name === undefined &&
      dto.closed === undefined &&
      dto.reportAddress === undefined &&
      dto.phoneConsentDays === undefined
    ) {
      throw apiException(
        'invalid-request',
        'give a new name, closed: true, a reportAddress, phoneConsentDays, or more of them',
      );
    }
    let terminated: TerminatedVersion[] = [];
    const changed = await this.transactions.run(async (tx) => {
      const organisation = await this.organisations.lock(number, tx);
      if (!organisation) throw notFound(number);
      if (organisation.closedAt) {
        throw apiException('organisation-closed', `organisation ${number} is closed and cannot be changed`);
      }
      const previousName = organisation.name;
      if (dto.name !== undefined && dto.name !== previousName) {
        await this.organisations.rename(number, dto.name, tx);
        await this.record(user, 'renamed', { ...organisation, name: dto.name }, { previousName });
      }
      if (dto.reportAddress !== undefined && dto.reportAddress !== organisation.reportAddress) {
        await this.organisations.setReportAddress(number, dto.reportAddress, tx);
        await this.record(user, 'report-address-changed', organisation, {
          reportAddress: dto.reportAddress,
          previousReportAddress: organisation.reportAddress,
        });
      }
      if (dto.phoneConsentDays !== undefined && dto.phoneConsentDays !== organisation.phoneConsentDays) {
        if (organisation.kind !== 'municipality') {
          throw apiException('invalid-request', 'only a municipality records consents, and so sets phoneConsentDays');
        }
        await this.organisations.setPhoneConsentDays(number, dto.phoneConsentDays, tx);
        await this.record(user, 'phone-consent-days-changed', organisation, {
          phoneConsentDays: dto.phoneConsentDays,
          previousPhoneConsentDays: organisation.phoneConsentDays,
        });
      }
      if (dto.closed) {
        await this.organisations.close(number, user.id, tx);
        const unitsClosed = await this.units.closeAll(number, user.id, tx);
        await this.record(user, 'closed', { ...organisation, name: dto.name ?? previousName }, { unitsClosed });
        // a closed party exchanges no more data: its agreements end with it, as municipality or as agency
        terminated = await this.agreements.terminateForClosedParty({ organisation: number }, tx);
        if (organisation.agencyCode) await this.organisations.notifyChanged(number, tx);
      }
      return (await this.organisations.find(number, tx))!;
    });
    // a closed agency's adapter is trusted no more
    if (dto.closed && changed.agencyCode) await this.trustedAgencies.reload();
    if (terminated.length) await this.agreements.announceTerminated(terminated);
    return organisationView(changed, operator, user);
  }

  private async record(
    user: StaffUser,
    outcome: 'registered' | 'renamed' | 'closed' | 'report-address-changed' | 'phone-consent-days-changed',
    organisation: Pick<Organisation, 'number' | 'name' | 'kind' | 'agencyCode' | 'brokerAccount'>,
    extra: Record<string, unknown>,
  ): Promise<void> {
    await this.audit.append({
      kind: 'organisation',
      actorKind: 'staff',
      actor: user.id,
      organisation: user.organisation,
      unit: user.unit ?? null,
      outcome,
      details: {
        number: organisation.number,
        name: organisation.name,
        kind: organisation.kind,
        ...(organisation.agencyCode && { agencyCode: organisation.agencyCode }),
        ...(organisation.brokerAccount && { brokerAccount: organisation.brokerAccount }),
        ...extra,
      },
    });
  }
}

/** The ten digits of a valid organisationsnummer, or a 400 that says what is wrong with it. */
export function organisationsnummer(input: string): string {
  const parsed = parseOrganisationsnummer(input);
  if (!parsed.ok) {
    throw apiException('invalid-organisationsnummer', `not a valid organisationsnummer: ${parsed.reason}`);
  }
  return parsed.value;
}

/** An agency has a code and the broker account of its adapter; other organisations have neither. */
function agencyParts(dto: RegisterOrganisationDto): { agencyCode: string | null; brokerAccount: string | null } {
  if (dto.kind !== 'agency') {
    if (dto.agencyCode !== undefined || dto.brokerAccount !== undefined) {
      throw apiException('agency-code-not-allowed', 'only an agency has an agency code and a broker account');
    }
    return { agencyCode: null, brokerAccount: null };
  }
  if (dto.agencyCode === undefined) {
    throw apiException('agency-code-required', 'an agency needs the code its adapter announces its catalogue under');
  }
  const expected = brokerAccountOf(dto.agencyCode);
  if (dto.brokerAccount !== undefined && dto.brokerAccount !== expected) {
    throw apiException(
      'invalid-broker-account',
      `the broker account of agency ${dto.agencyCode} is ${expected}: the sender rules know its adapter by it`,
    );
  }
  return { agencyCode: dto.agencyCode, brokerAccount: expected };
}

const notFound = (number: string) => apiException('not-found', `no organisation ${number}`);

const exists = (number: string) => apiException('organisation-exists', `organisation ${number} is registered already`);

/** An administrator of the organisation itself: `admin` of a municipality, `agency-admin` of an agency. */
function ownAdmin(user: StaffUser, number: string): boolean {
  return user.organisation === number && (user.roles.includes('admin') || user.roles.includes('agency-admin'));
}

/**
 * What staff see of an organisation; operators (`full`) also who registered and closed it, operators and the
 * organisation's own staff its report address and (a municipality's) how long a consent by phone is valid.
 */
export function organisationView(o: Organisation, full: boolean, viewer?: StaffUser): OrganisationView {
  return {
    number: o.number,
    name: o.name,
    kind: o.kind,
    ...(o.agencyCode && { agencyCode: o.agencyCode }),
    ...(o.closedAt && { closedAt: o.closedAt.toISOString() }),
    ...(full && {
      ...(o.brokerAccount && { brokerAccount: o.brokerAccount }),
      registeredAt: o.registeredAt.toISOString(),
      registeredBy: o.registeredBy,
      ...(o.closedBy && { closedBy: o.closedBy }),
    }),
    ...((full || viewer?.organisation === o.number) && o.reportAddress && { reportAddress: o.reportAddress }),
    ...((full || viewer?.organisation === o.number) &&
      o.kind === 'municipality' && { phoneConsentDays: o.phoneConsentDays ?? DEFAULT_PHONE_CONSENT_DAYS }),
  };
}
