import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { MessagingClient } from '@hub/messaging';
import { PublicEndpoint } from './caseworker-auth.guard.js';

/** The adapter's message-signing keys as a JWKS, for the hub (JWKS_URLS) to check the adapter's signatures with. */
@ApiTags('keys')
@Controller('.well-known')
export class AdapterJwksController {
  constructor(private readonly messaging: MessagingClient) {}

  @PublicEndpoint()
  @Get('jwks.json')
  @Header('content-type', 'application/jwk-set+json')
  @Header('cache-control', 'no-cache')
  @ApiOperation({ summary: 'The public keys this adapter signs its messages with (JWKS; kid = RFC 7638 thumbprint)' })
  @ApiOkResponse({
    description: 'a JWKS (RFC 7517), application/jwk-set+json: `{"keys":[{kty, crv, x, kid, alg, use}]}`',
  })
  jwks(): string {
    return JSON.stringify(this.messaging.publishedKeys());
  }
}
