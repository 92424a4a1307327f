// The exit codes a shell script can rely on, and the error that means "the command line is wrong".

export const ExitCode = {
  /** Everything was done. */
  Ok: 0,
  /** The work failed at run time: connection, authentication, SQL, a file that cannot be read, bad data. */
  Failure: 1,
  /** The command line itself is wrong: an unknown option, a missing argument, a format that cannot be inferred. */
  Usage: 2,
} as const;

/** A mistake in the command line: reported with exit code 2 and a hint to run --help. */
export class UsageError extends Error {
  override name = 'UsageError';
}
