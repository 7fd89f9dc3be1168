// The token claims are a contract between the identity provider and every service (hub and adapters).
export { staffUserFromClaims, type StaffUser } from '@hub/contracts';
