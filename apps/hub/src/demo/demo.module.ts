import { Module } from '@nestjs/common';
import { AgreementsModule } from '../agreements/agreements.module.js';
import { CatalogueModule } from '../catalogue/catalogue.module.js';
import { DemoAgreements } from './demo-agreements.js';

@Module({ imports: [AgreementsModule, CatalogueModule], providers: [DemoAgreements] })
export class DemoModule {}
