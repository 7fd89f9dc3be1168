import { IsString, IsUUID, Matches, MaxLength, MinLength } from 'class-validator';
import { SUBJECT_KEY_PATTERN } from '../codes.js';
import { Describe, IsDateTime } from '../decorators.js';
import { ORGANISATION_NUMBER_PATTERN } from '../envelope.js';

@Describe('A citizen revoked a consent (samtycke). Takes effect at once: adapters drop queued work that relied on it.')
export class ConsentRevokedV1 {
  @IsUUID()
  consentId: string;

  @Describe("keyed hash (HMAC-SHA-256, hex) of the subject's personnummer; the personnummer itself never travels here")
  @Matches(SUBJECT_KEY_PATTERN)
  subjectKey: string;

  @Describe('organisationsnummer of the municipality the consent was given to')
  @Matches(ORGANISATION_NUMBER_PATTERN)
  organisation: string;

  @IsString()
  @MinLength(1)
  @MaxLength(120)
  unit: string;

  @IsDateTime()
  revokedAt: string;

  @Describe('opaque identifier of the staff member who recorded the revocation')
  @IsString()
  @MinLength(1)
  @MaxLength(128)
  revokedBy: string;
}
