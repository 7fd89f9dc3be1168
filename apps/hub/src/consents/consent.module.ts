import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CatalogueModule } from '../catalogue/catalogue.module.js';
import { ConsentController } from './consent.controller.js';
import { ConsentEntity } from './consent.entity.js';
import { ConsentService } from './consent.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([ConsentEntity]), CatalogueModule],
  controllers: [ConsentController],
  providers: [ConsentService],
  exports: [ConsentService],
})
export class ConsentModule {}
