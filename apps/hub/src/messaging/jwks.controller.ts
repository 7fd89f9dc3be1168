import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { MessagingClient } from '@hub/messaging';
import { Public } from '../auth/auth.decorators.js';

/**
 * The hub's message-signing keys as a JWKS (RFC 7517), for the agencies' adapters to check the hub's signatures with.
 * Public by design: public keys only. During a rotation it lists two keys (README, "Keys: distribution and rotation").
 */
@ApiTags('keys')
@Controller('.well-known')
export class JwksController {
  constructor(private readonly messaging: MessagingClient) {}

  @Public()
  @Get('jwks.json')
  @Header('content-type', 'application/jwk-set+json')
  @Header('cache-control', 'no-cache')
  @ApiOperation({ summary: 'The public keys the hub signs its messages with (JWKS; kid = RFC 7638 thumbprint)' })
  @ApiOkResponse({
    description: 'a JWKS (RFC 7517), application/jwk-set+json: `{"keys":[{kty, crv, x, kid, alg, use}]}`',
  })
  jwks(): string {
    return JSON.stringify(this.messaging.publishedKeys());
  }
}
