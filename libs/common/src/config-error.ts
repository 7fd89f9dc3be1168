/** Configuration read at start-up that cannot be used; names every problem at once rather than the first. */
export class ConfigError extends Error {
  /** `of` names what is configured when the message should say so ("the development identity provider") */
  constructor(
    readonly problems: string[],
    of?: string,
  ) {
    super(`invalid configuration${of ? ` of ${of}` : ''}:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}
