import type { CatalogueAnnouncedV1, CatalogueField, SecrecyClass } from '@hub/contracts';
import type pg from 'pg';

export interface AdapterCategory {
  code: string;
  secrecyClass: SecrecyClass;
  description: string;
}

export interface AdapterReferralType {
  code: string;
  description: string;
  responseTimeHours: number;
}

/** A person as the agency's register holds them: per category code, the records with the catalogue's fields. */
export interface RegisterRecord {
  subject: string;
  protectedIdentity: string | null;
  categories: Record<string, Array<Record<string, unknown>>>;
}

/** The agency's own register, in the adapter's PostgreSQL schema; created and seeded on first start. */
export interface AdapterRegister {
  ensureSeeded(
    pool: pg.Pool,
    options: { schema: string; seed: number; size: number },
  ): Promise<{ seeded: boolean; people: number; ms: number }>;
  /**
   * One answer per subject, in order, in one round trip; undefined for a person the agency does not know: a normal
   * answer, not an error
   */
  lookupMany(pool: pg.Pool, schema: string, subjects: readonly string[]): Promise<(RegisterRecord | undefined)[]>;
}

export interface CatalogueFieldSpec {
  name: string;
  kind: 'address' | 'location' | 'other';
}

/**
 * Everything that makes one agency's adapter: a fourth agency (CSN, Pensionsmyndigheten) is one more of these,
 * a register, and an app that passes it to runAdapter; the hub needs no change.
 */
export interface AgencyAdapterDefinition {
  /** the agency code in catalogues and routing keys, e.g. `fk` */
  agency: string;
  /** its RabbitMQ user and sender name, e.g. `adapter-fk` */
  service: string;
  /** organisationsnummer */
  organisation: string;
  name: string;
  categories: AdapterCategory[];
  referralTypes: AdapterReferralType[];
  register: AdapterRegister;
  /** per category code, the fields of its records and their kinds (address and location are withheld) */
  fields: Readonly<Record<string, readonly CatalogueFieldSpec[]>>;
  /** the HTTP port of the caseworker API unless PORT says otherwise */
  defaultPort: number;
}

/** The catalogue the adapter announces at start: its categories with the register's fields and their kinds. */
export function catalogueOf(definition: AgencyAdapterDefinition): CatalogueAnnouncedV1 {
  return {
    agency: definition.agency,
    organisation: definition.organisation,
    name: definition.name,
    categories: definition.categories.map((c) => ({
      code: c.code,
      secrecyClass: c.secrecyClass,
      description: c.description,
      fields: fieldsOf(definition, c.code),
    })),
    referralTypes: definition.referralTypes.map((r) => ({ ...r })),
  };
}

function fieldsOf(definition: AgencyAdapterDefinition, code: string): CatalogueField[] {
  const fields = definition.fields[code];
  if (!fields) throw new Error(`the ${definition.agency} register has no category ${code}`);
  return fields.map((f) => ({ name: f.name, kind: f.kind }));
}
