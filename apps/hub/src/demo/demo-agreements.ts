import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { ORGANISATIONS } from '@hub/contracts';
import { swedishDay } from '@hub/policy';
import { AgreementService } from '../agreements/agreement.service.js';
import type { CreateAgreementDto } from '../agreements/dto/agreement.dto.js';
import type { StaffUser } from '../auth/staff-user.js';
import { CatalogueService, type StoredCatalogue } from '../catalogue/catalogue.service.js';
import { HUB_CONFIG, type HubConfig } from '../config/hub.config.js';

const MUNICIPALITY = { organisation: ORGANISATIONS.orebro, unit: 'Servicecenter' };

/** The demo identities of the bundled identity provider (apps/oidc-provider/src/demo-accounts.ts). */
const MUNICIPALITY_ADMIN: StaffUser = {
  id: 'maria.admin',
  name: 'Maria Admin',
  organisation: ORGANISATIONS.orebro,
  unit: 'Servicecenter',
  roles: ['admin'],
};
const AGENCY_ADMINS: Record<string, StaffUser> = {
  fk: { id: 'fredrik.fk', name: 'Fredrik FK', organisation: ORGANISATIONS.fk, roles: ['agency-admin'] },
  af: { id: 'alva.af', name: 'Alva AF', organisation: ORGANISATIONS.af, roles: ['agency-admin'] },
  skv: { id: 'stig.skv', name: 'Stig SKV', organisation: ORGANISATIONS.skv, roles: ['agency-admin'] },
};

/** An agency onboarded later has no named demo admin: one of its own approves for it, as its admin would. */
export function demoAgencyAdmin(catalogue: StoredCatalogue): StaffUser {
  return {
    id: `demo.${catalogue.agency}`,
    name: `Avtalsadministratör ${catalogue.name}`,
    organisation: catalogue.organisation,
    roles: ['agency-admin'],
  };
}

/** The demo set's terms: guidance for guides and caseworkers, social assistance on a legal basis for caseworkers. */
export function demoAgreementTerms(catalogue: StoredCatalogue, today: string): CreateAgreementDto {
  const categories = catalogue.categories.filter((c) => c.secrecyClass !== 'never').map((c) => c.code);
  const year = Number(today.slice(0, 4));
  return {
    title: `Samtjänst Servicecenter Örebro – ${catalogue.name}`,
    municipality: MUNICIPALITY,
    agency: { organisation: catalogue.organisation },
    validFrom: `${year}-01-01`,
    validTo: `${year + 1}-12-31`,
    purposes: {
      vagledning: {
        categories,
        referralTypes: catalogue.referralTypes.map((r) => r.code),
        roles: ['guide', 'caseworker'],
        consentRequired: false,
      },
      'ekonomiskt-bistand': {
        categories,
        referralTypes: [],
        roles: ['caseworker'],
        consentRequired: false,
        legalBasis: {
          reference: 'SFS 2001:453 11 kap. 11 §',
          text: 'Uppgiftsskyldighet till socialnämnden i ärenden om ekonomiskt bistånd',
        },
      },
    } as CreateAgreementDto['purposes'],
  };
}

/**
 * For demos (DEMO_AGREEMENTS=true, which `npm start` sets): when an agency's adapter announces its catalogue and
 * Örebro kommun's servicecenter has no agreement with it yet, the demo admins register one, propose and approve it
 * through the ordinary lifecycle, so it is audited and announced like any other.
 */
@Injectable()
export class DemoAgreements implements OnModuleInit {
  private readonly logger = new Logger('demo');
  private queue: Promise<void> = Promise.resolve();

  constructor(
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
    private readonly agreements: AgreementService,
    private readonly catalogues: CatalogueService,
  ) {}

  onModuleInit(): void {
    if (!this.config.demoAgreements) return;
    // The listener runs inside the announcement's transaction: register once it is committed and loaded.
    this.catalogues.onAnnounced(async (agency) => {
      // one at a time, after the announcement's transaction has committed
      this.queue = this.queue
        .then(() => new Promise((resolve) => setTimeout(resolve, 50)))
        .then(() => this.seed(agency))
        .catch((err: Error) => this.logger.error(`demo agreement with ${agency} failed: ${err.stack}`));
    });
  }

  private async seed(agency: string): Promise<void> {
    let catalogue = this.catalogues.catalogue(agency);
    for (let i = 0; !catalogue && i < 100; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      catalogue = this.catalogues.catalogue(agency);
    }
    if (!catalogue) return this.logger.warn(`no catalogue of ${agency} to base a demo agreement on`);
    const admin = AGENCY_ADMINS[agency] ?? demoAgencyAdmin(catalogue);
    const existing = await this.agreements.list(MUNICIPALITY_ADMIN);
    if (existing.some((a) => a.agency.agency === agency && a.municipality.unit === MUNICIPALITY.unit)) return;
    const created = await this.agreements.create(
      demoAgreementTerms(catalogue, swedishDay(new Date())),
      MUNICIPALITY_ADMIN,
    );
    await this.agreements.change(created.id, 'propose', MUNICIPALITY_ADMIN, 'demo');
    await this.agreements.change(created.id, 'approve', admin, 'demo');
    this.logger.log(`demo agreement with ${catalogue.name} registered and approved (${created.id})`);
  }
}
