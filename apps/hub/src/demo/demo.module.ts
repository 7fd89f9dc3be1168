import { Module } from '@nestjs/common';
import { AgreementModule } from '../agreements/agreement.module.js';
import { CatalogueModule } from '../catalogue/catalogue.module.js';
import { DemoAgreements } from './demo-agreements.js';

@Module({ imports: [AgreementModule, CatalogueModule], providers: [DemoAgreements] })
export class DemoModule {}
