import { Module } from '@nestjs/common';
import { CatalogueModule } from '../catalogue/catalogue.module.js';
import { ConsentModule } from '../consents/consent.module.js';
import { PdfRenderer } from '../reports/pdf-renderer.js';
import { CitizenAuthController } from './citizen-auth.controller.js';
import { CitizenGuard } from './citizen-auth.js';
import { CitizenLogin } from './citizen-login.service.js';
import { CitizenSessionStore } from './citizen-session.store.js';
import { CitizenController } from './citizen.controller.js';
import { CitizenRepository } from './citizen.repository.js';
import { CitizenService } from './citizen.service.js';

/** "Mina uppgifter": the citizen's login with e-legitimation and their own pages (issue 19). */
@Module({
  imports: [ConsentModule, CatalogueModule],
  controllers: [CitizenAuthController, CitizenController],
  providers: [CitizenLogin, CitizenSessionStore, CitizenGuard, CitizenRepository, CitizenService, PdfRenderer],
})
export class CitizenModule {}
