import type { OrganisationKind, UnitKind } from '@contracts/codes';
import type { HubSchemas } from '../../api/hub.js';

/** What the hub's organisation API answers, generated from its OpenAPI document. */
export type Organisation = HubSchemas['OrganisationView'];
export type Unit = HubSchemas['UnitView'];

export const ORGANISATION_KIND_TEXT: Record<OrganisationKind, string> = {
  municipality: 'Kommun',
  agency: 'Myndighet',
  region: 'Region',
  samordningsforbund: 'Samordningsförbund',
};

export const UNIT_KIND_TEXT: Record<UnitKind, string> = {
  servicecenter: 'Servicecenter',
  medborgarkontor: 'Medborgarkontor',
  department: 'Förvaltning',
};

/** What each kind of unit is for, beside the choice. */
export const UNIT_KIND_HINT: Record<UnitKind, string> = {
  servicecenter: 'Kommunens kontaktcenter: vägledare tar emot frågor och kan vara part i samtjänstavtal.',
  medborgarkontor: 'Ett kontor nära invånarna med samtjänst: vägledare, avtal med myndigheter.',
  department: 'En förvaltning, till exempel Socialförvaltningen, som tar emot ärenden som vidarebefordras.',
};

/** Open or closed, in words. */
export const statusText = (closedAt: string | undefined) => (closedAt ? 'Avslutad' : 'Aktiv');
