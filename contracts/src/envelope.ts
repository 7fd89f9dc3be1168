// class-transformer's @Type reads design:type metadata through the Reflect API, which this polyfill provides
import 'reflect-metadata';
import { Type } from 'class-transformer';
import {
  IsDefined,
  IsIn,
  IsInt,
  IsObject,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { PURPOSES, type Purpose } from './codes.js';
import { Describe, IsDateTime, Optional } from './decorators.js';

/** `<domain>.<name>.v<major>`, e.g. `query.request.v1`. A breaking change is a new major and a new type. */
export const MESSAGE_TYPE_PATTERN = /^[a-z]+(\.[a-z][a-z-]*)+\.v[1-9][0-9]*$/;
export const ORGANISATION_NUMBER_PATTERN = /^[0-9]{10}$/;
export const SERVICE_NAME_PATTERN = /^[a-z][a-z0-9-]{1,62}$/;

export class Sender {
  @Describe('organisationsnummer, 10 digits without separator')
  @Matches(ORGANISATION_NUMBER_PATTERN)
  organisation: string;

  @Describe('the sending service; equals its RabbitMQ user (AMQP user_id), which the broker vouches for')
  @IsString()
  @Matches(SERVICE_NAME_PATTERN)
  service: string;
}

export class AgreementRef {
  @IsUUID()
  id: string;

  @IsInt()
  @Min(1)
  version: number;
}

/**
 * The one envelope every message travels in (SPEC section 4). The payload's shape is given by `type`.
 * The signature is not in the body: it is a detached JWS over the body bytes in the `x-signature` header.
 */
export class Envelope<P = unknown> {
  @Describe('message id; receivers of persistent messages use it to process each message once')
  @IsUUID()
  id: string;

  @Describe("the id of the conversation, e.g. of the multi-agency query; a reply carries the request's")
  @IsUUID()
  correlationId: string;

  @Matches(MESSAGE_TYPE_PATTERN)
  @MaxLength(80)
  type: string;

  @ValidateNested()
  @Type(() => Sender)
  @IsDefined()
  sender: Sender;

  @Describe('the samtjänst agreement, and the version of it, the message relies on')
  @Optional()
  @ValidateNested()
  @Type(() => AgreementRef)
  agreement?: AgreementRef;

  @Describe('the one purpose (ändamål) of the exchange, checked against the agreement')
  @Optional()
  @IsIn(PURPOSES)
  purpose?: Purpose;

  @IsDateTime()
  issuedAt: string;

  @Describe('after this instant the message must not be acted on')
  @Optional()
  @IsDateTime()
  expiresAt?: string;

  @IsObject()
  payload: P;
}
