import { IsInt, IsString, MinLength, validateSync, getMetadataStorage } from 'class-validator';
import { memoizeValidationMetadata } from './validation-metadata.js';

class Person {
  @IsString()
  name!: string;
}

class Guide extends Person {
  @IsInt()
  desk!: number;
}

const problems = (object: object) =>
  validateSync(object, { whitelist: true, forbidNonWhitelisted: true })
    .map((e) => `${e.property}: ${Object.keys(e.constraints ?? {}).join(',')}`)
    .sort();

describe('memoizeValidationMetadata', () => {
  beforeAll(() => memoizeValidationMetadata());

  it('validates as class-validator does, inherited rules and unknown fields included', () => {
    const guide = Object.assign(new Guide(), { name: 7, desk: 'a', extra: true });
    expect(problems(guide)).toEqual(['desk: isInt', 'extra: whitelistValidation', 'name: isString']);
    expect(problems(guide)).toEqual(['desk: isInt', 'extra: whitelistValidation', 'name: isString']);
    expect(problems(Object.assign(new Guide(), { name: 'Ada', desk: 3 }))).toEqual([]);
  });

  it('answers the same list for the same class and options, and a new one once rules are added', () => {
    const storage = getMetadataStorage();
    const first = storage.getTargetValidationMetadatas(Guide, '', false, false);
    expect(storage.getTargetValidationMetadatas(Guide, '', false, false)).toBe(first);
    expect(storage.getTargetValidationMetadatas(Guide, '', true, false)).not.toBe(first);

    MinLength(2)(Person.prototype, 'name');
    const after = storage.getTargetValidationMetadatas(Guide, '', false, false);
    expect(after).not.toBe(first);
    expect(after.length).toBe(first.length + 1);
    expect(problems(Object.assign(new Guide(), { name: 'A', desk: 3 }))).toEqual(['name: minLength']);
  });

  it('is installed once however often it is called', () => {
    const storage = getMetadataStorage();
    const lookup = storage.getTargetValidationMetadatas;
    memoizeValidationMetadata();
    expect(storage.getTargetValidationMetadatas).toBe(lookup);
  });
});
