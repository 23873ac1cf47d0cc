/**
 * SNS notifications in the deprecated solution's format, which users'
 * subscribers already parse: `MessageStructure=json` with one message per
 * protocol; `email-json` and `sqs` carry
 * `{"datasetGroup","status","summary","description"}`.
 */

export const NOTIFICATION_SUBJECT = 'Maintaining Personalized Experiences with Machine Learning Notifications';

export type NotificationStatus = 'UPDATE COMPLETE' | 'UPDATE FAILED';

export interface NotificationJson {
  readonly datasetGroup: string;
  readonly status: NotificationStatus;
  readonly summary: string;
  readonly description: string | readonly string[];
  /** mpx additions; legacy consumers ignore them. */
  readonly runId?: string;
  readonly trigger?: string;
  readonly steps?: readonly StepReport[];
  readonly metrics?: Readonly<Record<string, Readonly<Record<string, number>>>>;
}

export interface SnsNotification {
  readonly Subject: string;
  readonly MessageStructure: 'json';
  /** JSON text of `{default, sms, email, "email-json", sqs}`. */
  readonly Message: string;
}

function build(short: string, email: string, json: NotificationJson): SnsNotification {
  const machine = JSON.stringify(json);
  return {
    Subject: NOTIFICATION_SUBJECT,
    MessageStructure: 'json',
    Message: JSON.stringify({ default: short, sms: short, email, 'email-json': machine, sqs: machine }),
  };
}

/**
 * The notification for a parameter file that failed validation. Unlike the
 * original, `default` and `sms` are set (REFERENCE.md defect 7) and every error
 * names its JSON path.
 */
export function configurationErrorNotification(
  datasetGroup: string,
  location: string,
  errors: readonly { path: string; message: string }[],
): SnsNotification {
  const lines = errors.map((e) => (e.path === '' ? e.message : `${e.path}: ${e.message}`));
  const email = [
    `There were errors detected when reading a personalization job configuration file (${location}):`,
    '',
    ...lines.map((line) => `   - ${line}`),
    '',
    'Please correct these errors and upload the configuration again.',
  ].join('\n');
  return build(`The personalization workflow for ${datasetGroup} completed with errors`, email, {
    datasetGroup,
    status: 'UPDATE FAILED',
    summary: 'There were errors detected when reading a personalization job configuration file',
    description: lines,
  });
}

/** One step of a finished run, as notifications report it. */
export interface StepReport {
  readonly kind: string;
  readonly name: string;
  readonly status: 'SUCCEEDED' | 'FAILED' | 'SKIPPED';
  readonly arn?: string;
  /** Personalize's failureReason (or why the step was skipped). */
  readonly reason?: string;
  /** What else the run did with it: re-used instead of made again, a promotion held or made. */
  readonly note?: string;
}

export interface RunReport {
  readonly runId: string;
  readonly datasetGroup: string;
  readonly trigger: string;
  readonly region: string;
  readonly account: string;
  readonly steps: readonly StepReport[];
  /** Offline metrics of the solution versions this run trained, by version ARN. */
  readonly metrics?: Readonly<Record<string, Readonly<Record<string, number>>>>;
}

/** The Personalize console page of a dataset group (the deprecated solution's link, with `$` as in its code). */
export function consoleLink(report: Pick<RunReport, 'region' | 'account' | 'datasetGroup'>): string {
  return `https://console.aws.amazon.com/personalize/home?region=${report.region}#arn:aws:personalize:${report.region}:${report.account}:dataset-group$${report.datasetGroup}/setup`;
}

/**
 * The notification of a finished run, in the deprecated solution's structure
 * (`default`, `sms`, `email`, `email-json`, `sqs`; JSON with datasetGroup,
 * status, summary, description), plus what its users lacked: the run id, the
 * trigger, every step's outcome, every failure with Personalize's reason, the
 * new versions' offline metrics and a console link.
 */
export function runNotification(report: RunReport): SnsNotification {
  const failed = report.steps.filter((s) => s.status === 'FAILED');
  const ok = failed.length === 0;
  const short = `The personalization workflow for ${report.datasetGroup} completed ${ok ? 'successfully' : 'with errors'}`;
  const lines = report.steps.map(
    (s) =>
      `   - ${s.kind} ${s.name}: ${s.status}${s.reason ? ` (${s.reason})` : ''}${s.note ? ` (${s.note})` : ''}${s.arn ? ` ${s.arn}` : ''}`,
  );
  const metricLines = Object.entries(report.metrics ?? {}).flatMap(([arn, values]) => [
    `   ${arn}`,
    ...Object.entries(values).map(([name, value]) => `      ${name}: ${value.toFixed(4)}`),
  ]);
  const email = [
    ok
      ? `The Personalization job for dataset group ${report.datasetGroup} is complete`
      : `There was an error running the personalization job for dataset group ${report.datasetGroup}`,
    '',
    ...failed.map((s) => `Failure: ${s.kind} ${s.name}: ${s.reason ?? 'unknown reason'}`),
    ...(failed.length > 0 ? [''] : []),
    `Run ${report.runId} (${report.trigger}):`,
    ...lines,
    ...(metricLines.length > 0 ? ['', 'Offline metrics of the new solution versions:', ...metricLines] : []),
    '',
    `Link: ${consoleLink(report)}`,
  ].join('\n');
  const description = ok
    ? `The Personalization job for dataset group ${report.datasetGroup} is complete`
    : failed.map((s) => `${s.kind} ${s.name}: ${s.reason ?? 'unknown reason'}`).join('\n');
  return build(short, email, {
    datasetGroup: report.datasetGroup,
    status: ok ? 'UPDATE COMPLETE' : 'UPDATE FAILED',
    summary: short,
    description,
    runId: report.runId,
    trigger: report.trigger,
    steps: report.steps,
    ...(report.metrics ? { metrics: report.metrics } : {}),
  });
}
