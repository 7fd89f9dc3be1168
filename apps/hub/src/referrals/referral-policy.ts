import { Injectable } from '@nestjs/common';
import {
  decideReferral,
  type Consent,
  type ReferralDecision,
  type ReferralRequest,
  type StaffMember,
} from '@hub/policy';
import { AgreementService } from '../agreements/agreement.service.js';
import { CatalogueService } from '../catalogue/catalogue.service.js';
import { ConsentService } from '../consents/consent.service.js';

export interface ReferralPolicyAnswer {
  decision: ReferralDecision;
  /** the consents the decision was taken on: the subject's, given to the staff member's unit */
  consents: readonly Consent[];
}

/**
 * What the policy decides a referral on, gathered in one place: for a new referral and for a parked one sent again,
 * which must be judged alike with today's agreements, catalogues and consents.
 */
@Injectable()
export class ReferralPolicy {
  constructor(
    private readonly agreements: AgreementService,
    private readonly catalogues: CatalogueService,
    private readonly consents: ConsentService,
  ) {}

  /** `subjectKeys`: all of the subject's keys (Subject.keys), `request.subject` the current one among them. */
  async decide(
    staff: StaffMember,
    request: ReferralRequest,
    now: Date,
    subjectKeys: readonly string[] = [request.subject],
  ): Promise<ReferralPolicyAnswer> {
    // another unit's consent is as absent as one never given: which problem the policy finds must not tell them apart
    const consents = (await this.consents.policyConsents({ key: request.subject, keys: subjectKeys })).filter(
      (c) => c.organisation === staff.organisation && c.unit === staff.unit,
    );
    const decision = decideReferral({
      agreements: this.agreements.policyIndex(),
      consents,
      catalogues: this.catalogues.index(),
      staff,
      request,
      now,
    });
    return { decision, consents };
  }
}
