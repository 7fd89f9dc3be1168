import { MessagingAndAudit1763900000000 } from './migrations/1763900000000-messaging-and-audit.js';
import { Agreements1763900100000 } from './migrations/1763900100000-agreements.js';
import { Catalogue1763900200000 } from './migrations/1763900200000-catalogue.js';
import { Consents1763900300000 } from './migrations/1763900300000-consents.js';
import { StaffSessions1763900450000 } from './migrations/1763900450000-staff-sessions.js';
import { QueriesAndReferrals1763900500000 } from './migrations/1763900500000-queries-and-referrals.js';
import { FollowUpIndexes1763900600000 } from './migrations/1763900600000-follow-up-indexes.js';
import { ParkingLot1763900700000 } from './migrations/1763900700000-parking-lot.js';
import { AuditWitnesses1763900800000 } from './migrations/1763900800000-audit-witnesses.js';
import { ParkingProvenance1763900810000 } from './migrations/1763900810000-parking-provenance.js';
import { ReferralReportedAt1763900820000 } from './migrations/1763900820000-referral-reported-at.js';
import { OrganisationsAndUnits1763900900000 } from './migrations/1763900900000-organisations-and-units.js';
import { Pensionsmyndigheten1763900910000 } from './migrations/1763900910000-pensionsmyndigheten.js';
import { AgencyBrokerAccounts1763900920000 } from './migrations/1763900920000-agency-broker-accounts.js';
import { TopicsAndContacts1763901000000 } from './migrations/1763901000000-topics-and-contacts.js';
import { KnowledgeBase1763901100000 } from './migrations/1763901100000-knowledge-base.js';
import { DepartmentUnits1763901200000 } from './migrations/1763901200000-department-units.js';
import { Errands1763901210000 } from './migrations/1763901210000-errands.js';
import { ErrandWithdrawal1763901220000 } from './migrations/1763901220000-errand-withdrawal.js';
import { ContactArticle1763901300000 } from './migrations/1763901300000-contact-article.js';
import { FollowUpFigures1763901400000 } from './migrations/1763901400000-follow-up-figures.js';
import { SurveysAndComplaints1763901500000 } from './migrations/1763901500000-surveys-and-complaints.js';
import { ConsentSigning1763901600000 } from './migrations/1763901600000-consent-signing.js';
import { PartyReports1763901700000 } from './migrations/1763901700000-party-reports.js';
import { ContactDayRollup1763901800000 } from './migrations/1763901800000-contact-day-rollup.js';
import { KnowledgeSearchShortlist1763901900000 } from './migrations/1763901900000-knowledge-search-shortlist.js';
import { CitizenPages1763902010000 } from './migrations/1763902010000-citizen-pages.js';
import { Retention1763902020000 } from './migrations/1763902020000-retention.js';
import { FollowUpMonthRollup1763902030000 } from './migrations/1763902030000-follow-up-month-rollup.js';

/** In order. A module that owns tables adds its migration here. */
export const MIGRATIONS = [
  MessagingAndAudit1763900000000,
  Agreements1763900100000,
  Catalogue1763900200000,
  Consents1763900300000,
  StaffSessions1763900450000,
  QueriesAndReferrals1763900500000,
  FollowUpIndexes1763900600000,
  ParkingLot1763900700000,
  AuditWitnesses1763900800000,
  ParkingProvenance1763900810000,
  ReferralReportedAt1763900820000,
  OrganisationsAndUnits1763900900000,
  Pensionsmyndigheten1763900910000,
  AgencyBrokerAccounts1763900920000,
  TopicsAndContacts1763901000000,
  KnowledgeBase1763901100000,
  DepartmentUnits1763901200000,
  Errands1763901210000,
  ErrandWithdrawal1763901220000,
  ContactArticle1763901300000,
  FollowUpFigures1763901400000,
  SurveysAndComplaints1763901500000,
  ConsentSigning1763901600000,
  PartyReports1763901700000,
  ContactDayRollup1763901800000,
  KnowledgeSearchShortlist1763901900000,
  CitizenPages1763902010000,
  Retention1763902020000,
  FollowUpMonthRollup1763902030000,
];
