/**
 * The departments (förvaltningar) of the demo data, as migration 1763901200000 registers them. `npm run setup` gives
 * each the broker user and signing key of its own case system, so that a department's system can connect to the demo
 * (test/security/broker-permissions.spec.ts checks this list against the migrated database).
 */
import { departmentService, departmentSlug, ORGANISATIONS } from '@hub/contracts';

export const DEMO_DEPARTMENTS: ReadonlyArray<{ organisation: string; name: string }> = [
  { organisation: ORGANISATIONS.orebro, name: 'Tekniska förvaltningen' },
  { organisation: ORGANISATIONS.orebro, name: 'Socialförvaltningen' },
  { organisation: ORGANISATIONS.orebro, name: 'Bygg- och miljöförvaltningen' },
  { organisation: ORGANISATIONS.orebro, name: 'Förskole- och skolförvaltningen' },
  { organisation: ORGANISATIONS.karlskoga, name: 'Tekniska förvaltningen' },
];

export interface DepartmentSystemUser {
  /** `department-<organisationsnummer>-<department>` */
  user: string;
  organisation: string;
  /** the department's short name in routing keys */
  department: string;
}

/** The broker users of the demo departments' own systems. */
export function demoDepartmentUsers(): DepartmentSystemUser[] {
  return DEMO_DEPARTMENTS.map(({ organisation, name }) => {
    const department = departmentSlug(name);
    return { user: departmentService(organisation, department), organisation, department };
  });
}
