/**
 * Every `error` code of the API's error format (api-errors.ts), of the hub and of the adapters' caseworker APIs, with
 * the HTTP status it comes with. Policy denials answer with their reason code instead (`ReasonCode`, @hub/contracts).
 * Free of imports, so that the web UI can type its Swedish texts by it (apps/web/src/texts.ts).
 */
export const ERROR_CODES = {
  // 400: the request itself
  'invalid-request': 400,
  'invalid-json': 400,
  'invalid-text': 400,
  'too-deeply-nested': 400,
  'invalid-personnummer': 400,
  'invalid-return-to': 400,
  'login-expired': 400,
  'login-failed': 400,
  'invalid-period': 400,
  'invalid-agreement': 400,
  'unknown-party': 400,
  'invalid-date': 400,
  'valid-from-in-past': 400,
  'invalid-validity': 400,
  'consent-too-long': 400,
  'unknown-agency': 400,
  'unknown-category': 400,
  'category-agency-not-named': 400,
  'category-never': 400,
  'agency-without-category': 400,
  'invalid-faults': 400,
  'invalid-organisationsnummer': 400,
  'agency-code-required': 400,
  'agency-code-not-allowed': 400,
  'invalid-broker-account': 400,
  'party-closed': 400,
  // 401: who is asking
  unauthenticated: 401,
  'invalid-token': 401,
  'session-expired': 401,
  // 403: not theirs to do
  forbidden: 403,
  'csrf-header-missing': 403,
  'role-not-allowed': 403,
  'no-unit': 403,
  'not-a-party': 403,
  'not-an-admin': 403,
  'wrong-organisation': 403,
  'not-hub-operator': 403,
  // 404: no such object, or another tenant's
  'not-found': 404,
  // 409: not in the state it takes
  conflict: 409,
  'own-proposal': 409,
  'agreement-closed': 409,
  'invalid-transition': 409,
  'amendment-pending': 409,
  'already-revoked': 409,
  'referral-finished': 409,
  'not-parked': 409,
  'unreadable-message': 409,
  'not-sent-by-hub': 409,
  'wrong-destination': 409,
  'query-expired': 409,
  'destination-unavailable': 409,
  'referral-withdrawn': 409,
  'agreement-changed': 409,
  'organisation-exists': 409,
  'agency-code-taken': 409,
  'organisation-closed': 409,
  'not-a-municipality': 409,
  'unit-exists': 409,
  'unit-closed': 409,
  // 413, 415: bodies the API does not read
  'payload-too-large': 413,
  'unsupported-media-type': 415,
  // 500, 503: on our side
  'internal-error': 500,
  unavailable: 503,
  'service-unavailable': 503,
  'not-ready': 503,
  'idp-unavailable': 503,
  'broker-unavailable': 503,
} as const satisfies Record<string, 400 | 401 | 403 | 404 | 409 | 413 | 415 | 500 | 503>;

export type ErrorCode = keyof typeof ERROR_CODES;
