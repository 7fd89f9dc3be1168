import { consentText } from './consent-text.js';

describe('the consent text the citizen signs', () => {
  it('says who asks, for which unit, why, from whom, what and until when, in plain Swedish', () => {
    const text = consentText({
      municipality: 'Örebro kommun',
      unit: 'Servicecenter',
      staff: 'Anna Vägledare',
      subjectMasked: '19121212-****',
      purposes: ['vagledning', 'etablering'],
      agencies: [
        { name: 'Försäkringskassan', categories: ['Utbetalningar de senaste 12 månaderna', 'Pågående ärenden'] },
        { name: 'Arbetsförmedlingen', categories: ['Inskriven som arbetssökande'] },
      ],
      validFrom: '2026-03-05',
      validUntil: '2026-09-04',
    });
    expect(text).toBe(
      [
        'Samtycke till Örebro kommun, Servicecenter',
        '',
        'Jag (personnummer 19121212-****) samtycker till att Örebro kommun, Servicecenter, får hämta uppgifter om ' +
          'mig från Försäkringskassan och Arbetsförmedlingen.',
        '',
        'Uppgifterna får användas för vägledning på servicecentret och stöd till nyanlända (etablering).',
        '',
        'Uppgifter som får hämtas:',
        '- Försäkringskassan: Utbetalningar de senaste 12 månaderna; Pågående ärenden',
        '- Arbetsförmedlingen: Inskriven som arbetssökande',
        '',
        'Samtycket gäller från 5 mars 2026 till och med 4 september 2026. Jag kan när som helst ta tillbaka det, ' +
          'och då får inga fler uppgifter hämtas.',
        '',
        'Handläggare: Anna Vägledare',
      ].join('\n'),
    );
  });
});
