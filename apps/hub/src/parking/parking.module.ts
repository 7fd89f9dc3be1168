import { Module } from '@nestjs/common';
import { AgreementsModule } from '../agreements/agreements.module.js';
import { CatalogueModule } from '../catalogue/catalogue.module.js';
import { ConsentModule } from '../consents/consent.module.js';
import { ParkingController } from './parking.controller.js';
import { ParkingLot } from './parking-lot.js';

@Module({
  imports: [AgreementsModule, CatalogueModule, ConsentModule],
  controllers: [ParkingController],
  providers: [ParkingLot],
  exports: [ParkingLot],
})
export class ParkingModule {}
