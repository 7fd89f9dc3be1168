import { createHmac } from 'node:crypto';
import { generatePopulation, type Person } from '@hub/registers';

export interface Citizen {
  personnummer: string;
  givenName: string;
  surname: string;
  name: string;
  birthDate: string;
}

/**
 * The synthetic people of the registers (libs/registers), the same seed and size the agency adapters use, so that
 * whoever the guide looks up can also identify themselves and sign. Generated on first use.
 */
export class Citizens {
  private byPersonnummer?: Map<string, Citizen>;
  private bySubject?: Map<string, Citizen>;

  constructor(
    private readonly population: { seed: number; size: number },
    private readonly subjectSecret: string,
  ) {}

  find(personnummer: string): Citizen | undefined {
    return this.index().get(personnummer);
  }

  /** A pairwise-opaque `sub`, as the Swedish e-ID services give: the personnummer is a claim of its own. */
  subjectOf(citizen: Citizen): string {
    return createHmac('sha256', this.subjectSecret).update(citizen.personnummer).digest('base64url');
  }

  findBySubject(sub: string): Citizen | undefined {
    if (!this.bySubject) {
      this.bySubject = new Map([...this.index().values()].map((citizen) => [this.subjectOf(citizen), citizen]));
    }
    return this.bySubject.get(sub);
  }

  /** Some citizens to list on the test pages, so that a person trying it out has someone to be. */
  examples(count: number): Citizen[] {
    return [...this.index().values()].filter((c) => Number(c.birthDate.slice(0, 4)) < 2000).slice(0, count);
  }

  private index(): Map<string, Citizen> {
    this.byPersonnummer ??= new Map(
      generatePopulation(this.population).people.map((person: Person) => [person.subject, citizenOf(person)]),
    );
    return this.byPersonnummer;
  }
}

function citizenOf(person: Person): Citizen {
  return {
    personnummer: person.subject,
    givenName: person.givenName,
    surname: person.surname,
    name: `${person.givenName} ${person.surname}`,
    birthDate: person.birthDate,
  };
}
