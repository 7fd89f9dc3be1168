import { apiException } from '@hub/http';
import { Inject, Injectable } from '@nestjs/common';
import { AuditLog } from '@hub/audit';
import { Transactions } from '@hub/database';
import { AgreementService, type TerminatedVersion } from '../agreements/agreement.service.js';
import type { StaffUser } from '../auth/staff-user.js';
import { HUB_CONFIG, type HubConfig } from '../config/hub.config.js';
import { isHubOperator } from './hub-operator.js';
import { OrganisationRepository } from './organisation.repository.js';
import { organisationsnummer } from './organisation.service.js';
import type { Unit } from './organisation.types.js';
import type { ChangeUnitDto, RegisterUnitDto, UnitView } from './unit.dto.js';
import { UnitRepository } from './unit.repository.js';

/**
 * A municipality's units, registered by its own admin (or an operator). Staff of another organisation get 404 for
 * its units, read or write: whether an organisation has a unit of some name is not theirs to learn. Every change is
 * audited before it is committed. Closing a unit ends its agreements.
 */
@Injectable()
export class UnitService {
  constructor(
    private readonly units: UnitRepository,
    private readonly organisations: OrganisationRepository,
    private readonly transactions: Transactions,
    private readonly audit: AuditLog,
    private readonly agreements: AgreementService,
    @Inject(HUB_CONFIG) private readonly config: Pick<HubConfig, 'operatorOrganisation'>,
  ) {}

  async list(numberInput: string, user: StaffUser): Promise<UnitView[]> {
    const number = this.scope(numberInput, user, 'read');
    if (!(await this.organisations.find(number))) throw organisationNotFound(number);
    return (await this.units.list(number)).map(unitView);
  }

  async show(numberInput: string, id: string, user: StaffUser): Promise<UnitView> {
    const number = this.scope(numberInput, user, 'read');
    const unit = await this.units.find(number, id);
    if (!unit) throw unitNotFound(id);
    return unitView(unit);
  }

  async register(numberInput: string, dto: RegisterUnitDto, user: StaffUser): Promise<UnitView> {
    const number = this.scope(numberInput, user, 'write');
    const unit = await this.transactions.run(async (tx) => {
      // locked so that the organisation cannot close while its new unit is registered
      const organisation = await this.organisations.lock(number, tx);
      if (!organisation) throw organisationNotFound(number);
      if (organisation.closedAt) {
        throw apiException('organisation-closed', `organisation ${number} is closed`);
      }
      if (organisation.kind !== 'municipality') {
        throw apiException(
          'not-a-municipality',
          `organisation ${number} is a ${organisation.kind}; only municipalities have units`,
        );
      }
      const inserted = await this.units.insert(
        {
          organisation: number,
          name: dto.name,
          displayName: dto.displayName ?? dto.name,
          kind: dto.kind,
          registeredBy: user.id,
        },
        tx,
      );
      if (!inserted) {
        throw apiException(
          'unit-exists',
          `organisation ${number} has a unit named "${dto.name}" already (closed ones keep their name)`,
        );
      }
      await this.record(user, 'registered', inserted, {});
      return inserted;
    });
    return unitView(unit);
  }

  async change(numberInput: string, id: string, dto: ChangeUnitDto, user: StaffUser): Promise<UnitView> {
    const number = this.scope(numberInput, user, 'write');
    if (dto.displayName === undefined && dto.closed === undefined) {
      throw apiException('invalid-request', 'give a new displayName, closed: true, or both');
    }
    let terminated: TerminatedVersion[] = [];
    const changed = await this.transactions.run(async (tx) => {
      const unit = await this.units.lock(number, id, tx);
      if (!unit) throw unitNotFound(id);
      if (unit.closedAt) {
        throw apiException('unit-closed', `unit ${id} is closed and cannot be changed`);
      }
      const previousDisplayName = unit.displayName;
      if (dto.displayName !== undefined && dto.displayName !== previousDisplayName) {
        await this.units.rename(number, id, dto.displayName, tx);
        await this.record(user, 'renamed', { ...unit, displayName: dto.displayName }, { previousDisplayName });
      }
      if (dto.closed) {
        await this.units.close(number, id, user.id, tx);
        await this.record(user, 'closed', { ...unit, displayName: dto.displayName ?? previousDisplayName }, {});
        // a closed unit exchanges no more data: its agreements end with it
        terminated = await this.agreements.terminateForClosedParty({ organisation: number, unit: unit.name }, tx);
      }
      return unitView((await this.units.find(number, id, tx))!);
    });
    if (terminated.length) await this.agreements.announceTerminated(terminated);
    return changed;
  }

  /**
   * The organisation the caller may act on: any for an operator of the hub, otherwise only their own, and changes
   * only as its admin. Another organisation's units answer 404, as if they did not exist.
   */
  private scope(numberInput: string, user: StaffUser, access: 'read' | 'write'): string {
    const number = organisationsnummer(numberInput);
    if (isHubOperator(user, this.config.operatorOrganisation)) return number;
    if (user.organisation !== number) throw organisationNotFound(number);
    if (access === 'write' && !user.roles.includes('admin')) {
      throw apiException(
        'role-not-allowed',
        'only the organisation’s admin (or an operator of the hub) registers and changes units',
      );
    }
    return number;
  }

  private async record(
    user: StaffUser,
    outcome: 'registered' | 'renamed' | 'closed',
    unit: Pick<Unit, 'id' | 'organisation' | 'name' | 'displayName' | 'kind'>,
    extra: Record<string, unknown>,
  ): Promise<void> {
    await this.audit.append({
      kind: 'unit',
      actorKind: 'staff',
      actor: user.id,
      organisation: user.organisation,
      unit: user.unit ?? null,
      outcome,
      details: {
        organisation: unit.organisation,
        id: unit.id,
        name: unit.name,
        displayName: unit.displayName,
        kind: unit.kind,
        ...extra,
      },
    });
  }
}

const organisationNotFound = (number: string) => apiException('not-found', `no organisation ${number}`);

const unitNotFound = (id: string) => apiException('not-found', `no unit ${id}`);

export function unitView(u: Unit): UnitView {
  return {
    id: u.id,
    organisation: u.organisation,
    name: u.name,
    displayName: u.displayName,
    kind: u.kind,
    registeredAt: u.registeredAt.toISOString(),
    registeredBy: u.registeredBy,
    ...(u.closedAt && { closedAt: u.closedAt.toISOString() }),
    ...(u.closedBy && { closedBy: u.closedBy }),
  };
}
