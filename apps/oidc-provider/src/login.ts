import { createHash, timingSafeEqual } from 'node:crypto';
import { findDemoAccount, type DemoAccount } from './demo-accounts.js';

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

/**
 * Checks a username and password against the demo accounts. The password is compared in constant time, and for an
 * unknown username too, so the answer time does not tell which usernames exist.
 */
export function authenticate(username: string, password: string, demoPassword: string): DemoAccount | undefined {
  const account = findDemoAccount(username.trim());
  const passwordMatches = timingSafeEqual(digest(password), digest(demoPassword));
  return account && passwordMatches ? account : undefined;
}
