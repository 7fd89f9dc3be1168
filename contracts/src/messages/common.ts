import { IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { Describe, Optional } from '../decorators.js';
import { ORGANISATION_NUMBER_PATTERN } from '../envelope.js';

export class Requester {
  @Describe('organisationsnummer of the requesting organisation, 10 digits')
  @Matches(ORGANISATION_NUMBER_PATTERN)
  organisation: string;

  @Describe('the unit within the organisation, e.g. "Servicecenter"')
  @IsString()
  @MinLength(1)
  @MaxLength(120)
  unit: string;

  @Describe('opaque identifier of the staff member; resolvable only by the hub and the audit log')
  @IsString()
  @MinLength(1)
  @MaxLength(128)
  staffId: string;
}

@Describe('The law (uppgiftsskyldighet) that obliges the agency to answer, as cited in the agreement.')
export class LegalBasis {
  @Describe('e.g. "SFS 2001:453 11 kap. 11 §"')
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  reference: string;

  @Optional()
  @IsString()
  @MaxLength(2000)
  text?: string;
}
