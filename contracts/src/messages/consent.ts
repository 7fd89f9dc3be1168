import { IsString, IsUUID, Matches, MaxLength, MinLength } from 'class-validator';
import { SUBJECT_KEY_PATTERN } from '../codes.js';
import { Describe, IsDateTime } from '../decorators.js';
import { ORGANISATION_NUMBER_PATTERN } from '../envelope.js';

@Describe('A citizen revoked a consent (samtycke). Takes effect at once: adapters drop queued work that relied on it.')
export class ConsentRevokedV1 {
  @IsUUID()
  consentId: string;

  @Describe(
    "HMAC-SHA-256, lower-case hex, over the subject's normalised 12-digit personnummer, keyed with the hub's own " +
      'subject-key secret (AUDIT_SUBJECT_KEY, the key of its audit log), which no agency holds: an agency cannot ' +
      'recompute it and matches a revocation by `consentId`; the key names the subject in the audit trail',
  )
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
