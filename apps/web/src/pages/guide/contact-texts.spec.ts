import { resolveTopic } from './contact-texts.js';

const TOPICS = [
  { code: 'gata-park.snorojning', name: 'Snöröjning och halkbekämpning', category: 'Gata och park' },
  { code: 'gata-park.parkering', name: 'Parkering och parkeringstillstånd', category: 'Gata och park' },
  { code: 'skola.skolskjuts', name: 'Skolskjuts', category: 'Förskola och skola' },
];

describe('resolveTopic', () => {
  it('takes the exact name, the label from the list, the code, or the one topic the text fits', () => {
    expect(resolveTopic('Skolskjuts', TOPICS)?.code).toBe('skola.skolskjuts');
    expect(resolveTopic('Snöröjning och halkbekämpning (Gata och park)', TOPICS)?.code).toBe('gata-park.snorojning');
    expect(resolveTopic('gata-park.parkering', TOPICS)?.code).toBe('gata-park.parkering');
    expect(resolveTopic('snö', TOPICS)?.code).toBe('gata-park.snorojning');
  });

  it('leaves an ambiguous or unknown text unresolved', () => {
    expect(resolveTopic('gata och park', TOPICS)).toBeUndefined();
    expect(resolveTopic('bygglov', TOPICS)).toBeUndefined();
    expect(resolveTopic('  ', TOPICS)).toBeUndefined();
  });
});
