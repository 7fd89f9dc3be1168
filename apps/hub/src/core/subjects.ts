import { Injectable } from '@nestjs/common';
import { AuditLog } from '@hub/audit';
import { parsePersonnummer } from '@hub/contracts';
import { apiException } from '../http/http-errors.js';

export interface Subject {
  /** 12 digits, normalised */
  personnummer: string;
  /** the keyed hash the hub stores instead of the personnummer */
  key: string;
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
    return { personnummer: parsed.value, key: this.audit.subjectKey(parsed.value) };
  }

  /**
   * Every subject key a person's rows and audit entries may be stored under, for reading all that is about them
   * ("Mina uppgifter"): look rows up with `subject_key = ANY($1)`, never by one key. Today one key; with a key per
   * period (retention, crypto-shredding) one per period whose key still exists.
   */
  subjectKeysOf(personnummer: string): string[] {
    return [this.audit.subjectKey(personnummer)];
  }
}
