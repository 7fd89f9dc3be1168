import { Module } from '@nestjs/common';
import { ReferralModule } from '../referrals/referral.module.js';
import { ParkingController } from './parking.controller.js';
import { ParkingRepository } from './parking.repository.js';
import { ParkingService } from './parking.service.js';

@Module({
  imports: [ReferralModule],
  controllers: [ParkingController],
  providers: [ParkingService, ParkingRepository],
  exports: [ParkingService],
})
export class ParkingModule {}
