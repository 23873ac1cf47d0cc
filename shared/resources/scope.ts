/** Where the pipeline runs: Personalize ARNs of named resources are built from these (names are per account and region). */
export interface AccountScope {
  readonly region: string;
  readonly account: string;
}

export function personalizeArn(scope: AccountScope, type: string, path: string): string {
  return `arn:aws:personalize:${scope.region}:${scope.account}:${type}/${path}`;
}
