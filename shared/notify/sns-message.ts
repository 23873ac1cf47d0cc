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
