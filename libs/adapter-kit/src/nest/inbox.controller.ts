import { Body, Controller, Get, HttpCode, Inject, Param, ParseUUIDPipe, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { StaffUser } from '@hub/contracts';
import { apiException } from '@hub/http';
import { catalogueOf, type AgencyAdapterDefinition } from '../agency-adapter.js';
import { AgreementBook } from '../agreement-book.js';
import { Faults, type FaultSettings } from '../faults.js';
import { ReferralInbox, TransitionError } from '../referral-inbox.js';
import type { AdapterConfig } from '../adapter.config.js';
import { ADAPTER_CONFIG, ADAPTER_DEFINITION } from './adapter.tokens.js';
import { AgencyRoles, Caseworker, PublicEndpoint } from './caseworker-auth.guard.js';
import { ChangeStatusDto, FaultsDto, InboxQueryDto } from './inbox.dto.js';

@ApiTags('referral inbox')
@ApiBearerAuth()
@Controller()
export class InboxController {
  constructor(private readonly inbox: ReferralInbox) {}

  @Get('inbox')
  @AgencyRoles('caseworker', 'agency-admin')
  list(@Query() query: InboxQueryDto) {
    return this.inbox.list(query);
  }

  @Get('referrals/:id')
  @AgencyRoles('caseworker', 'agency-admin')
  async show(@Param('id', new ParseUUIDPipe()) id: string) {
    const referral = await this.inbox.show(id);
    if (!referral) throw apiException('not-found', `no referral ${id}`);
    return referral;
  }

  @Post('referrals/:id/status')
  @HttpCode(200)
  @AgencyRoles('caseworker', 'agency-admin')
  async changeStatus(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: ChangeStatusDto,
    @Caseworker() user: StaffUser,
  ) {
    try {
      return await this.inbox.transition(
        id,
        body.status,
        { organisation: user.organisation, name: user.name },
        body.note,
      );
    } catch (err) {
      if (!(err instanceof TransitionError)) throw err;
      throw apiException(err.code, err.message);
    }
  }
}

@ApiTags('agency')
@ApiBearerAuth()
@Controller()
export class AgencyController {
  constructor(
    @Inject(ADAPTER_DEFINITION) private readonly definition: AgencyAdapterDefinition,
    @Inject(ADAPTER_CONFIG) private readonly config: AdapterConfig,
    private readonly book: AgreementBook,
    private readonly faults: Faults,
  ) {}

  /** What the web UI served by this adapter needs before anyone logs in: whose inbox it is and where to log in. */
  @Get('ui-config')
  @PublicEndpoint()
  uiConfig() {
    return {
      service: 'adapter',
      agency: this.definition.agency,
      name: this.definition.name,
      issuer: this.config.ui.issuer,
      clientId: this.config.ui.clientId,
    };
  }

  @Get('catalogue')
  @AgencyRoles('caseworker', 'agency-admin')
  catalogue() {
    return catalogueOf(this.definition);
  }

  /** The agreement versions the adapter enforces, as it received them from the hub. */
  @Get('agreements')
  @AgencyRoles('caseworker', 'agency-admin')
  agreements() {
    return this.book.versions();
  }

  @Get('faults')
  @AgencyRoles('agency-admin')
  getFaults(): FaultSettings {
    return this.faults.settings;
  }

  /** Simulated faults, for demos and tests of partial answers. */
  @Put('faults')
  @AgencyRoles('agency-admin')
  setFaults(@Body() body: FaultsDto): FaultSettings {
    try {
      return this.faults.update(body);
    } catch (err) {
      throw apiException('invalid-faults', (err as Error).message);
    }
  }
}
