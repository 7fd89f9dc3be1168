import { Injectable } from '@nestjs/common';
import { AuditLog } from '@hub/audit';
import { parsePersonnummer } from '@hub/contracts';
import { apiException } from '../http/http-errors.js';

export interface Subject {
  /** 12 digits, normalised */
  personnummer: string;
  /** the keyed hash the hub stores now instead of the personnummer: under the current period's key */
  key: string;
  /**
   * every key the person's rows and audit entries may carry, one per period whose key is not shredded, newest first
   * (`key` among them): what a lookup by person matches against
   */
  keys: string[];
}

/** The one way a personnummer enters the hub: checked (a wrong check digit is a 400), normalised and keyed. */
@Injectable()
export class Subjects {
  constructor(private readonly audit: AuditLog) {}

  parse(input: string): Subject {
    const parsed = parsePersonnummer(input);
    if (!parsed.ok) {
      throw apiException('invalid-personnummer', `the subject is not a valid personnummer: ${parsed.reason}`);
    }
    const key = this.audit.subjectKey(parsed.value);
    const keys = this.subjectKeysOf(parsed.value);
    return { personnummer: parsed.value, key, keys: keys.includes(key) ? keys : [key, ...keys] };
  }

  /**
   * Every subject key a person's rows and audit entries may carry: one per period of subject keys that is not
   * shredded (crypto-shredding, docs/gallring.md), newest first. Rows of a shredded period are nobody's.
   */
  subjectKeysOf(personnummer: string): string[] {
    return this.audit.subjectKeysOf(personnummer);
  }
}
