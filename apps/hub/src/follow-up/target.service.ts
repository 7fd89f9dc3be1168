import { Injectable } from '@nestjs/common';
import { AuditLog } from '@hub/audit';
import { Transactions } from '@hub/database';
import type { StaffUser } from '../auth/staff-user.js';
import { apiException } from '../http/http-errors.js';
import type { SetTargetsDto, TargetsView } from './target.dto.js';
import { TargetRepository, type Targets } from './target.repository.js';

/**
 * Follow-up targets (mål): a municipality's admin sets them for one of its centres or for the whole municipality;
 * its managers and auditors read them. A unit of another municipality is as unknown as one that does not exist.
 * Every change is written to the audit chain, with what it replaced, before the answer leaves.
 */
@Injectable()
export class TargetService {
  constructor(
    private readonly targets: TargetRepository,
    private readonly transactions: Transactions,
    private readonly audit: AuditLog,
  ) {}

  async list(user: StaffUser): Promise<TargetsView[]> {
    return (await this.targets.list(user.organisation)).map(targetsView);
  }

  async set(dto: SetTargetsDto, user: StaffUser): Promise<TargetsView> {
    const organisation = user.organisation;
    const unit = dto.unit ?? null;
    const stored = await this.transactions.run(async (tx) => {
      if (unit !== null && !(await this.targets.isCentre(organisation, unit, tx))) {
        throw apiException('not-found', `no unit ${unit}`);
      }
      const before = await this.targets.lock(organisation, unit, tx);
      const after = await this.targets.upsert(
        {
          organisation,
          unit,
          firstContactResolvedPercent: dto.firstContactResolvedPercent ?? null,
          nki: dto.nki ?? null,
          errandsInTimePercent: dto.errandsInTimePercent ?? null,
          referralsInTimePercent: dto.referralsInTimePercent ?? null,
          updatedBy: user.id,
        },
        tx,
      );
      await this.audit.append({
        kind: 'follow-up-target',
        actorKind: 'staff',
        actor: user.id,
        organisation,
        unit: user.unit ?? null,
        outcome: before ? 'changed' : 'set',
        details: { scope: unit ?? 'kommunen', before: before ? values(before) : null, after: values(after) },
      });
      return after;
    });
    return targetsView(stored);
  }
}

function values(t: Targets) {
  return {
    firstContactResolvedPercent: t.firstContactResolvedPercent,
    nki: t.nki,
    errandsInTimePercent: t.errandsInTimePercent,
    referralsInTimePercent: t.referralsInTimePercent,
  };
}

export function targetsView(t: Targets): TargetsView {
  return { unit: t.unit, ...values(t), updatedAt: t.updatedAt.toISOString(), updatedBy: t.updatedBy };
}
