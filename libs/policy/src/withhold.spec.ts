import { withholdFields } from './withhold.js';

describe('withholdFields', () => {
  const records = [
    { address: 'Storgatan 1, 702 10 Örebro', municipality: 'Örebro', civilStatus: 'gift' },
    { address: 'Drottninggatan 5, 702 22 Örebro', municipality: 'Örebro', civilStatus: 'ogift' },
  ];

  it('leaves out the withheld fields of every record and keeps the others', () => {
    expect(withholdFields(records, ['address', 'municipality'])).toEqual([
      { civilStatus: 'gift' },
      { civilStatus: 'ogift' },
    ]);
  });

  it('keeps every field when nothing is withheld, without changing the input', () => {
    const result = withholdFields(records, []);
    expect(result).toEqual(records);
    expect(result).not.toBe(records);
    withholdFields(records, ['address']);
    expect(records[0].address).toBe('Storgatan 1, 702 10 Örebro');
  });
});
