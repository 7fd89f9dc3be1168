import { Module } from '@nestjs/common';
import { AuthController } from './auth.controller.js';
import { OidcLogin } from './oidc-login.service.js';
import { SessionStore } from './session.store.js';

/** Staff login through OIDC and the server-side sessions the guard accepts besides bearer tokens. */
@Module({
  controllers: [AuthController],
  providers: [OidcLogin, SessionStore],
  exports: [SessionStore],
})
export class AuthModule {}
