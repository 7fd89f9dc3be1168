import type { StaffRole } from '@hub/contracts';

/** A member of staff as the hub sees one (apps/hub/src/auth/staff-user.ts reads these claims). */
export interface DemoAccount {
  /** the username on the login form and the `sub` of every token */
  id: string;
  name: string;
  /** organisationsnummer of the employer */
  organisation: string;
  /** municipalities have units; agencies have none */
  unit?: string;
  roles: StaffRole[];
  /** what the person does, shown on the login page */
  description: string;
}

const OREBRO_KOMMUN = '2120001967';
const FORSAKRINGSKASSAN = '2021005521';
const ARBETSFORMEDLINGEN = '2021002114';
const SKATTEVERKET = '2021005448';
const PENSIONSMYNDIGHETEN = '2021005836';
const KARLSKOGA_KOMMUN = '2120001991';
/** Myndigheten för digital förvaltning (Digg) runs the hub in the demo: HUB_OPERATOR_ORGANISATION's default */
const DIGG = '2021006883';

/** One account per role of SPEC section 2, the same people as the tests' USERS (test/support/hub.ts). */
export const DEMO_ACCOUNTS: readonly DemoAccount[] = [
  {
    id: 'anna.guide',
    name: 'Anna Vägledare',
    organisation: OREBRO_KOMMUN,
    unit: 'Servicecenter',
    roles: ['guide'],
    description: 'kommunvägledare, Servicecenter',
  },
  {
    id: 'erik.guide',
    name: 'Erik Vägledare',
    organisation: OREBRO_KOMMUN,
    unit: 'Servicecenter',
    roles: ['guide'],
    description: 'kommunvägledare, Servicecenter',
  },
  {
    id: 'sam.soc',
    name: 'Sam Socialsekreterare',
    organisation: OREBRO_KOMMUN,
    unit: 'Servicecenter',
    roles: ['caseworker'],
    description: 'socialsekreterare',
  },
  {
    id: 'maria.admin',
    name: 'Maria Admin',
    organisation: OREBRO_KOMMUN,
    unit: 'Servicecenter',
    roles: ['admin'],
    description: 'administratör, Örebro kommun',
  },
  {
    id: 'fredrik.fk',
    name: 'Fredrik FK',
    organisation: FORSAKRINGSKASSAN,
    roles: ['agency-admin'],
    description: 'administratör, Försäkringskassan',
  },
  {
    id: 'alva.af',
    name: 'Alva AF',
    organisation: ARBETSFORMEDLINGEN,
    roles: ['agency-admin'],
    description: 'administratör, Arbetsförmedlingen',
  },
  {
    id: 'saga.skv',
    name: 'Saga SKV',
    organisation: SKATTEVERKET,
    roles: ['agency-admin'],
    description: 'administratör, Skatteverket',
  },
  {
    id: 'petra.pm',
    name: 'Petra PM',
    organisation: PENSIONSMYNDIGHETEN,
    roles: ['agency-admin'],
    description: 'administratör, Pensionsmyndigheten',
  },
  {
    id: 'fia.fk',
    name: 'Fia Handläggare',
    organisation: FORSAKRINGSKASSAN,
    roles: ['caseworker'],
    description: 'handläggare, Försäkringskassan (inkorgen på port 3201)',
  },
  {
    id: 'arne.af',
    name: 'Arne Handläggare',
    organisation: ARBETSFORMEDLINGEN,
    roles: ['caseworker'],
    description: 'handläggare, Arbetsförmedlingen (inkorgen på port 3202)',
  },
  {
    id: 'siv.skv',
    name: 'Siv Handläggare',
    organisation: SKATTEVERKET,
    roles: ['caseworker'],
    description: 'handläggare, Skatteverket (inkorgen på port 3203)',
  },
  {
    id: 'pia.pm',
    name: 'Pia Handläggare',
    organisation: PENSIONSMYNDIGHETEN,
    roles: ['caseworker'],
    description: 'handläggare, Pensionsmyndigheten (inkorgen på port 3204)',
  },
  {
    id: 'ada.auditor',
    name: 'Ada Revisor',
    organisation: OREBRO_KOMMUN,
    unit: 'Servicecenter',
    roles: ['auditor'],
    description: 'registrator / revisor',
  },
  {
    id: 'max.manager',
    name: 'Max Chef',
    organisation: OREBRO_KOMMUN,
    unit: 'Servicecenter',
    roles: ['manager'],
    description: 'chef, uppföljning',
  },
  {
    id: 'frans.fk',
    name: 'Frans Chef',
    organisation: FORSAKRINGSKASSAN,
    roles: ['manager'],
    description: 'chef, uppföljning, Försäkringskassan: trafiken under myndighetens avtal',
  },
  {
    id: 'karin.guide',
    name: 'Karin Vägledare',
    organisation: KARLSKOGA_KOMMUN,
    unit: 'Servicecenter',
    roles: ['guide'],
    description: 'kommunvägledare, Servicecenter, Karlskoga kommun',
  },
  {
    id: 'kalle.admin',
    name: 'Kalle Admin',
    organisation: KARLSKOGA_KOMMUN,
    unit: 'Servicecenter',
    roles: ['admin'],
    description: 'administratör, Karlskoga kommun',
  },
  {
    id: 'klara.manager',
    name: 'Klara Chef',
    organisation: KARLSKOGA_KOMMUN,
    unit: 'Servicecenter',
    roles: ['manager'],
    description: 'chef, uppföljning, Karlskoga kommun',
  },
  {
    id: 'olle.operator',
    name: 'Olle Operatör',
    organisation: DIGG,
    roles: ['operator'],
    description: 'driftoperatör för hubben: registrerar organisationer',
  },
  {
    id: 'tove.teknik',
    name: 'Tove Teknik',
    organisation: OREBRO_KOMMUN,
    unit: 'Tekniska förvaltningen',
    roles: ['department'],
    description: 'handläggare, Tekniska förvaltningen, Örebro kommun: vidarebefordrade ärenden',
  },
];

export function findDemoAccount(id: string): DemoAccount | undefined {
  return DEMO_ACCOUNTS.find((account) => account.id === id);
}

/** The claims the hub reads, for ID tokens, userinfo and access tokens alike. */
export function staffClaimsOf(account: DemoAccount): {
  sub: string;
  name: string;
  organisation: string;
  unit?: string;
  roles: StaffRole[];
} {
  return {
    sub: account.id,
    name: account.name,
    organisation: account.organisation,
    ...(account.unit !== undefined && { unit: account.unit }),
    roles: [...account.roles],
  };
}
