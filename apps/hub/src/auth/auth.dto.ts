import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { STAFF_ROLES, type StaffRole } from '@hub/contracts';

export class MeView {
  @ApiProperty({ example: 'anna.guide', description: 'the stable id (token subject) of the staff member' })
  id: string;

  @ApiProperty({ example: 'Anna Vägledare' })
  name: string;

  @ApiProperty({ example: '2120001967', description: 'organisationsnummer of the employer' })
  organisation: string;

  @ApiPropertyOptional({ example: 'Servicecenter', description: 'agencies have none' })
  unit?: string;

  @ApiProperty({ enum: STAFF_ROLES, isArray: true, example: ['guide'] })
  roles: StaffRole[];

  @ApiProperty({ enum: ['session', 'bearer'], description: 'a login session (web UI) or a bearer token (tools)' })
  authenticatedBy: 'session' | 'bearer';

  @ApiPropertyOptional({ format: 'date-time', description: 'when the login session ends' })
  sessionExpiresAt?: string;
}

export class LogoutView {
  @ApiPropertyOptional({
    format: 'uri',
    description: 'where the browser ends its login at the identity provider too (RP-initiated logout)',
  })
  endSessionUrl?: string;
}
