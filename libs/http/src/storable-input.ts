import { BadRequestException } from '@nestjs/common';
import { findUnstorableInput, type UnstorableInput } from '@hub/contracts';
import type { ErrorCode } from './error-codes.js';

/** Input the database or the audit chain cannot store, refused up front with a 400 in the API's error format. */
export class UnstorableInputError extends BadRequestException {
  constructor(readonly problem: UnstorableInput) {
    super({ error: problem.code satisfies ErrorCode, message: problem.message });
  }
}

/** Throws `UnstorableInputError` for text PostgreSQL cannot store or nesting past `MAX_INPUT_DEPTH` in parsed input. */
export function assertStorableInput(value: unknown, where: string): void {
  const problem = findUnstorableInput(value, where);
  if (problem) throw new UnstorableInputError(problem);
}
