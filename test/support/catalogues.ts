import { EXCHANGES, HEADERS, ORGANISATIONS, routingKeys, type CatalogueAnnouncedV1 } from '@hub/contracts';
import { KeyDirectory, loadMessagingConfig, type MessagingClient } from '@hub/messaging';
import type { RunningHub, TestUser } from './hub.js';
import { waitFor } from './env.js';

const other = (name: string) => ({ name, kind: 'other' as const });

/** The mock agencies' catalogues of SPEC section 3 (codes and classes are the contract). */
export const SPEC_CATALOGUES: Record<'fk' | 'af' | 'skv', CatalogueAnnouncedV1> = {
  fk: {
    agency: 'fk',
    organisation: ORGANISATIONS.fk,
    name: 'Försäkringskassan',
    categories: [
      {
        code: 'fk.utbetalningar',
        secrecyClass: 'consent',
        description: 'Utbetalningar de senaste 12 månaderna',
        fields: [other('benefit'), other('amount'), other('period')],
      },
      {
        code: 'fk.pagaende-arenden',
        secrecyClass: 'consent',
        description: 'Pågående ärenden',
        fields: [other('type'), other('status'), other('received')],
      },
      {
        code: 'fk.bostadsbidrag',
        secrecyClass: 'legal-basis',
        description: 'Beslut om bostadsbidrag och belopp',
        fields: [other('decision'), other('amount'), { name: 'dwellingAddress', kind: 'address' }],
      },
      {
        code: 'fk.medicinskt-underlag',
        secrecyClass: 'never',
        description: 'Läkarintyg',
        fields: [other('certificate')],
      },
    ],
    referralTypes: [
      { code: 'fk.bostadsbidrag-ansokan', description: 'Hjälp att ansöka om bostadsbidrag', responseTimeHours: 120 },
    ],
  },
  af: {
    agency: 'af',
    organisation: ORGANISATIONS.af,
    name: 'Arbetsförmedlingen',
    categories: [
      {
        code: 'af.inskrivning',
        secrecyClass: 'consent',
        description: 'Inskriven som arbetssökande',
        fields: [other('status'), other('since'), other('category')],
      },
      {
        code: 'af.program',
        secrecyClass: 'consent',
        description: 'Arbetsmarknadspolitiska program',
        fields: [other('name'), other('from'), other('to')],
      },
      {
        code: 'af.handlaggare',
        secrecyClass: 'public',
        description: 'Handläggarens kontor och telefon',
        fields: [{ name: 'office', kind: 'location' }, other('phone')],
      },
    ],
    referralTypes: [
      { code: 'af.inskrivning-arbetssokande', description: 'Inskrivning som arbetssökande', responseTimeHours: 72 },
    ],
  },
  skv: {
    agency: 'skv',
    organisation: ORGANISATIONS.skv,
    name: 'Skatteverket',
    categories: [
      {
        code: 'skv.folkbokforing',
        secrecyClass: 'consent',
        description: 'Folkbokföringsadress, kommun, civilstånd',
        fields: [
          { name: 'address', kind: 'address' },
          { name: 'municipality', kind: 'location' },
          other('civilStatus'),
        ],
      },
      {
        code: 'skv.inkomst',
        secrecyClass: 'legal-basis',
        description: 'Taxerad inkomst senaste året',
        fields: [other('income'), other('year')],
      },
      { code: 'skv.f-skatt', secrecyClass: 'public', description: 'F-skattsedel', fields: [other('registered')] },
    ],
    referralTypes: [{ code: 'skv.adressandring', description: 'Adressändring', responseTimeHours: 120 }],
  },
};

/** Announces a catalogue as the agency's own adapter would, on hub.event; resolves on the broker's confirm. */
export function announce(adapter: MessagingClient, catalogue: CatalogueAnnouncedV1, routingAgency = catalogue.agency) {
  return adapter.publish(EXCHANGES.event, routingKeys.catalogueAnnounced(routingAgency), {
    type: 'catalogue.announced.v1',
    payload: catalogue,
  });
}

/** The same, signed as usual but with another issue time: how an announcement delayed on the way arrives. */
export async function announceIssuedAt(
  adapter: MessagingClient,
  service: string,
  catalogue: CatalogueAnnouncedV1,
  issuedAt: Date,
): Promise<string> {
  const encoded = adapter.codec.encode({ type: 'catalogue.announced.v1', payload: catalogue });
  const content = Buffer.from(JSON.stringify({ ...encoded.envelope, issuedAt: issuedAt.toISOString() }));
  const signer = new KeyDirectory(loadMessagingConfig(service).keysDir).signerFor(service, false);
  await adapter.publisher.publish(EXCHANGES.event, routingKeys.catalogueAnnounced(catalogue.agency), content, {
    ...encoded.properties,
    headers: { [HEADERS.signature]: signer.sign(content) },
  });
  return encoded.envelope.id;
}

/** Waits until the hub lists the agency's catalogue with the given name. */
export async function waitForCatalogue(hub: RunningHub, as: TestUser, agency: string, name: string): Promise<void> {
  await waitFor(
    async () => {
      const { body } = await hub.call('GET', '/api/catalogues', { as });
      return (
        Array.isArray(body) &&
        body.some((c: { agency: string; name: string }) => c.agency === agency && c.name === name)
      );
    },
    20_000,
    `catalogue ${agency} "${name}"`,
  );
}
