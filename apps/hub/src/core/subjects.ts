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
}
