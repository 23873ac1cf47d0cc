import { InvalidArgumentError } from 'commander';

/**
 * The options every command takes: the AWS region and endpoint the SDK talks
 * to. They are applied as the variables the SDK itself reads (AWS_REGION,
 * AWS_ENDPOINT_URL) before the command runs, so every client a command makes —
 * the stack lookup included — follows them exactly as when they are exported,
 * with no parameter threaded through each command.
 */
export interface GlobalOptions {
  readonly region?: string;
  readonly endpoint?: string;
}

/** `--endpoint` as the SDK takes it: an http(s) URL. @throws InvalidArgumentError (commander reports it; exit 2) */
export function parseEndpoint(value: string): string {
  const protocol = URL.canParse(value) ? new URL(value).protocol : undefined;
  if (protocol !== 'http:' && protocol !== 'https:')
    throw new InvalidArgumentError('expected an http(s) URL, e.g. http://127.0.0.1:4566 for the local cloud.');
  return value;
}

const KEYS = { region: 'AWS_REGION', endpoint: 'AWS_ENDPOINT_URL' } as const;

/**
 * Sets AWS_REGION and AWS_ENDPOINT_URL in `env` from the options given.
 * @returns what puts `env` back as it was: a process running several commands
 * (the tests, through main()) must not carry one command's options into the next.
 */
export function applyGlobalOptions(options: GlobalOptions, env: NodeJS.ProcessEnv): () => void {
  const saved = Object.values(KEYS).map((key) => [key, env[key]] as const);
  for (const [option, key] of Object.entries(KEYS) as [keyof GlobalOptions, string][]) {
    const value = options[option];
    if (value !== undefined) env[key] = value;
  }
  return () => {
    for (const [key, value] of saved) {
      if (value === undefined) delete env[key];
      else env[key] = value;
    }
  };
}
