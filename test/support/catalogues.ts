import { catalogueOf } from '@hub/adapter-kit';
import { EXCHANGES, HEADERS, routingKeys, type CatalogueAnnouncedV1 } from '@hub/contracts';
import { KeyDirectory, loadMessagingConfig, type MessagingClient } from '@hub/messaging';
import { AF_ADAPTER } from '../../apps/adapter-af/src/af.adapter.js';
import { FK_ADAPTER } from '../../apps/adapter-fk/src/fk.adapter.js';
import { SKV_ADAPTER } from '../../apps/adapter-skv/src/skv.adapter.js';
import type { RunningHub, TestUser } from './hub.js';
import { waitFor } from './env.js';

/** The mock agencies' catalogues of SPEC section 3, exactly as their adapters announce them. */
export const SPEC_CATALOGUES: Record<'fk' | 'af' | 'skv', CatalogueAnnouncedV1> = {
  fk: catalogueOf(FK_ADAPTER),
  af: catalogueOf(AF_ADAPTER),
  skv: catalogueOf(SKV_ADAPTER),
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
