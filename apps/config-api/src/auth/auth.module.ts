import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { StoreModule } from '../store/store.module';
import { ApiKeyGuard } from './api-key.guard';
import { MeController } from './me.controller';

/** API keys at the door of every route (the guard is global wherever it is declared), and `GET /api/v1/me`. */
@Module({
  imports: [StoreModule],
  controllers: [MeController],
  providers: [{ provide: APP_GUARD, useClass: ApiKeyGuard }],
})
export class AuthModule {}
