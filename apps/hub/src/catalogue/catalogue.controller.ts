import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { STAFF_ROLES } from '@hub/contracts';
import { Roles } from '../auth/auth.decorators.js';
import { CatalogueView } from './catalogue.dto.js';
import { CatalogueService } from './catalogue.service.js';

@ApiTags('catalogues')
@ApiBearerAuth()
@Controller('catalogues')
export class CatalogueController {
  constructor(private readonly catalogues: CatalogueService) {}

  @Get()
  @Roles(...STAFF_ROLES)
  @ApiOperation({
    summary: "Every agency's latest announced catalogue: data categories with secrecy class, and referral types",
  })
  @ApiOkResponse({ type: [CatalogueView] })
  list(): CatalogueView[] {
    return this.catalogues.catalogues().map((c) => CatalogueView.of(c));
  }
}
