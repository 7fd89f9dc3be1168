import { Module } from '@nestjs/common';
import { ErrandEventsController } from './errand-events.controller.js';
import { ErrandController } from './errand.controller.js';
import { ErrandRepository } from './errand.repository.js';
import { ErrandService } from './errand.service.js';

@Module({
  controllers: [ErrandController, ErrandEventsController],
  providers: [ErrandService, ErrandRepository],
  exports: [ErrandService],
})
export class ErrandModule {}
