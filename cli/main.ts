import { Command, CommanderError, Option } from 'commander';
import { reportError } from './command-error.js';
import { generateDataCommand } from './commands/generate-data.js';
import { localPersonalizeCommand } from './commands/local-personalize.js';
import { localUpCommand } from './commands/local-up.js';
import { runsListCommand, runsShowCommand } from './commands/runs.js';
import { stackOutputsCommand } from './commands/stack-outputs.js';
import { type Output, validateCommand } from './commands/validate.js';
import { applyGlobalOptions, type GlobalOptions, parseEndpoint } from './global-options.js';
import { helpText, NO_STACK_EXIT } from './help.js';
import { defaultStage } from './stack.js';

const consoleOutput: Output = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

const LOCAL = 'http://127.0.0.1:4566';

/**
 * `--stage`, with no default of its own: the default depends on --endpoint,
 * which is parsed with the rest of the line, so main() fills it in just
 * before the command runs.
 */
const stageOption = () =>
  new Option('--stage <stage>', 'stage of the stack mpx-<stage> (default: local with an endpoint, else dev)');

/** A command as typed after `mpx` (`runs list`); `mpx` for the root. */
const commandPath = (command: Command): string => {
  const names: string[] = [];
  for (let c: Command | null = command; c?.parent; c = c.parent) names.unshift(c.name());
  return names.join(' ') || command.name();
};

/**
 * The mpx command tree. Each action passes its exit code to `done`; `io` gets
 * every line, help included.
 */
export function createProgram(io: Output, done: (code: number) => void): Command {
  const program = new Command()
    .name('mpx')
    .description('Keeps Amazon Personalize resources fresh from a parameter file')
    .option('--region <region>', 'AWS region of the stack and its resources (sets AWS_REGION)')
    .addOption(
      new Option(
        '--endpoint <url>',
        `send every AWS request there, e.g. the local cloud ${LOCAL} (sets AWS_ENDPOINT_URL)`,
      ).argParser(parseEndpoint),
    )
    .exitOverride()
    .configureHelp({ showGlobalOptions: true })
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) })
    .addHelpText(
      'after',
      helpText({
        notes: [
          'Commands that talk to the stack find mpx-<stage> by its CloudFormation outputs: on AWS in --region',
          '(AWS_REGION), or on the local cloud at --endpoint (AWS_ENDPOINT_URL; the stage is then local).',
          "Each command's --help shows its options, exit codes and examples.",
        ],
        exitCodes: [
          '0 done; 1 what was asked failed (a run FAILED or was SUPERSEDED; no such run, campaign or',
          'schedule; an upload or AWS request failed); 2 bad usage or invalid input, nothing done;',
          `${NO_STACK_EXIT}. validate: 1 invalid file, 2 unreadable.`,
        ],
        examples: [
          'npm run demo',
          'npx mpx local up                       # then, in another shell:',
          `npx mpx --endpoint ${LOCAL} upload ./shop --wait`,
          'npx mpx --region eu-west-1 runs list --stage prod --dataset-group shop',
          'npx mpx runs --help',
        ],
      }),
    );

  program
    .command('validate')
    .description('check a parameter file and show its schedules')
    .argument('<file>', 'the parameter file (config.json)')
    .option('--json', 'print {"valid","errors","warnings"} as JSON and nothing else')
    .addHelpText(
      'after',
      helpText({
        notes: ['Needs no stack: the file is checked here, as the stack checks it on upload.'],
        exitCodes: [
          '0 valid (warnings do not count); 1 invalid (every error with its JSON path); 2 unreadable file or',
          'bad usage. Like a linter, validate reports an invalid file with 1; upload and plan refuse it with 2.',
        ],
        examples: [
          'npx mpx validate train/shop/config.json',
          'npx mpx validate config.json --json | jq .errors',
          'npx mpx validate shop/config.json && npx mpx upload shop',
        ],
      }),
    )
    .action(async (file: string, options: { json?: boolean }) => {
      done(await validateCommand(file, options, io));
    });

  program
    .command('demo')
    .description('run the main job on the local cloud: generate data, upload it, follow the run, show the results')
    .option('--keep', 'leave the local cloud running afterwards (Ctrl-C stops it)')
    .option('--port <port>', 'port of the edge endpoint (0 = any free port; default 4566 with --keep)')
    .option('--speed <factor>', "run Personalize's realistic timings this many times faster", '600')
    .option('--data-dir <dir>', 'where the local cloud keeps its state (default: a temporary folder)')
    .addHelpText(
      'after',
      helpText({
        exitCodes: [
          '0 the run SUCCEEDED; 1 it FAILED, or the demo could not run (the port is in use, no run started);',
          '2 bad usage (--speed).',
        ],
        examples: [
          'npm run demo',
          `npx mpx demo --keep          # then: npx mpx --endpoint ${LOCAL} runs list`,
          'npx mpx demo --speed 1200 --data-dir /tmp/mpx-demo',
        ],
      }),
    )
    .action(async (options: { keep?: boolean; port?: string; speed: string; dataDir?: string }) => {
      const { demoCommand } = await import('./commands/demo.js');
      const live = io === consoleOutput && process.stdout.isTTY === true;
      done(
        await demoCommand(
          {
            ...options,
            port: options.port ?? (options.keep ? '4566' : '0'),
            live,
            write: (text) => process.stdout.write(text),
          },
          io,
        ),
      );
    });

  const local = program
    .command('local')
    .description('run the local cloud, or one of its emulators alone')
    .addHelpText(
      'after',
      helpText({
        exitCodes: ["0 stopped or done; 1 it could not start; 2 bad usage (each command's --help says more)."],
        examples: ['npx mpx local up', 'npx mpx local generate-data --out shop', 'npx mpx local up --help'],
      }),
    );
  const startExitCodes = [
    '0 stopped (Ctrl-C); 1 it could not start (the port is in use…); 2 bad usage (--profile, --speed).',
  ];
  local
    .command('up')
    .description("start the local cloud and deploy this project's stack (stage local)")
    .option('--port <port>', 'port of the edge endpoint (0 = any free port)', '4566')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--data-dir <dir>', 'where every service keeps its state', '.mpx/local')
    .option('--profile <name>', 'Personalize latency profile: instant or realistic', 'realistic')
    .option('--speed <factor>', 'divide every Personalize duration by this factor', '60')
    .option('--stage <stage>', 'stage to package and deploy', 'local')
    .addHelpText(
      'after',
      helpText({
        exitCodes: startExitCodes,
        examples: [
          'npx mpx local up                       # then, in another shell:',
          `npx mpx --endpoint ${LOCAL} stack outputs`,
          'npx mpx local up --profile instant --data-dir /tmp/mpx --port 0',
        ],
      }),
    )
    .action(async (options) => {
      done(await localUpCommand(options, io));
    });
  local
    .command('personalize')
    .description('run the Amazon Personalize emulator alone (control plane)')
    .option('--port <port>', 'port to listen on (0 = any free port)', '4567')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--data-dir <dir>', 'where state and imported data persist', '.mpx/personalize')
    .option('--profile <name>', 'latency profile: instant or realistic', 'realistic')
    .option('--speed <factor>', 'divide every duration by this factor (600: 30 min → 3 s)', '1')
    .addHelpText(
      'after',
      helpText({
        exitCodes: startExitCodes,
        examples: [
          'npx mpx local personalize --profile instant',
          'AWS_ENDPOINT_URL_PERSONALIZE=http://127.0.0.1:4567 aws personalize list-dataset-groups',
        ],
      }),
    )
    .action(async (options) => {
      done(await localPersonalizeCommand(options, io));
    });
  local
    .command('generate-data')
    .description('write a seeded synthetic retail data set (CSVs + config.json) with planted preferences')
    .requiredOption('--out <dir>', 'folder to write interactions.csv, items.csv, users.csv and config.json into')
    .option('--users <n>', 'number of users', '2000')
    .option('--items <n>', 'number of items', '1000')
    .option('--interactions <n>', 'number of interactions', '60000')
    .option('--seed <n>', 'random seed: the same seed writes the same bytes', '42')
    .option('--dataset-group <name>', 'dataset group name (default: the name of the --out folder)')
    .option('--start <date>', 'first day of the period (UTC)', '2026-01-01')
    .option('--days <n>', 'length of the period in days', '90')
    .addHelpText(
      'after',
      helpText({
        exitCodes: [
          '0 written; 1 the files could not be written (an unexpected error); 2 bad options (a count, a',
          'dataset group name that makes an invalid parameter file), or --out is not a writable folder.',
        ],
        examples: [
          'npx mpx local generate-data --out shop && npx mpx upload shop --wait',
          'npx mpx local generate-data --out small --users 100 --items 50 --interactions 2000 --seed 7',
        ],
      }),
    )
    .action(async (options) => {
      done(await generateDataCommand(options, io));
    });

  program
    .command('stack')
    .description('the deployed stack (AWS, or the local cloud with --endpoint)')
    .addHelpText(
      'after',
      helpText({
        exitCodes: [`0 done; ${NO_STACK_EXIT}.`],
        examples: ['npx mpx stack outputs --stage prod'],
      }),
    )
    .command('outputs')
    .description("print the stack's outputs")
    .addOption(stageOption())
    .option('--json', 'print one JSON object')
    .addHelpText(
      'after',
      helpText({
        exitCodes: [`0 printed; ${NO_STACK_EXIT}.`],
        examples: [
          'npx mpx stack outputs --stage prod --region eu-west-1',
          `npx mpx --endpoint ${LOCAL} stack outputs --json | jq -r .PersonalizeBucketName`,
        ],
      }),
    )
    .action(async (options) => {
      done(await stackOutputsCommand(options, io));
    });

  const runs = program
    .command('runs')
    .description("runs of the pipeline, from the stack's table (AWS or the local cloud)")
    .addHelpText(
      'after',
      helpText({
        exitCodes: [
          '0 done (watch: the run SUCCEEDED); 1 no such run, or (watch) the run FAILED or was SUPERSEDED;',
          `${NO_STACK_EXIT} (each command's --help says more).`,
        ],
        examples: ['npx mpx runs list --dataset-group shop', 'npx mpx runs watch <runId>'],
      }),
    );
  runs
    .command('list')
    .description('list runs, newest first')
    .option('--dataset-group <name>', 'only the runs of this dataset group')
    .addOption(stageOption())
    .option('--table <name>', 'the runs table (default: the stack output RunsTableName)')
    .option('--json', 'print a JSON array')
    .addHelpText(
      'after',
      helpText({
        exitCodes: [`0 listed (also when there are none); 1 an AWS error; ${NO_STACK_EXIT}.`],
        examples: [
          'npx mpx runs list',
          "npx mpx runs list --dataset-group shop --json | jq -r '.[0].runId'",
          `npx mpx --endpoint ${LOCAL} runs list   # the local cloud (stage local)`,
        ],
      }),
    )
    .action(async (options) => {
      done(await runsListCommand(options, io));
    });
  runs
    .command('show')
    .description('show a run and its steps')
    .argument('<runId>')
    .addOption(stageOption())
    .option('--table <name>', 'the runs table (default: the stack output RunsTableName)')
    .option('--json', 'print one JSON object')
    .addHelpText(
      'after',
      helpText({
        exitCodes: [`0 shown; 1 no such run, or an AWS error; ${NO_STACK_EXIT}.`],
        examples: [
          'npx mpx runs show 20261128T120102Z-3fa9c2d1e0',
          `npx mpx runs show <runId> --json | jq '.steps[] | select(.status == "FAILED")'`,
        ],
      }),
    )
    .action(async (runId: string, options) => {
      done(await runsShowCommand(runId, options, io));
    });

  // `mpx schedules`: the legacy list/describe/activate/deactivate, on the stack's schedule group.
  const schedulesExitCodes = (notFound: string) => [
    `0 done; 1 ${notFound}, or an AWS error; 2 bad usage or a name Scheduler cannot hold;`,
    `${NO_STACK_EXIT}.`,
  ];
  const schedules = program
    .command('schedules')
    .description("the schedules parameter files put in the stack's schedule group (AWS or the local cloud)")
    .addHelpText(
      'after',
      helpText({
        exitCodes: schedulesExitCodes('no such schedule or schedule group'),
        examples: [
          'npx mpx schedules list --dataset-group shop',
          'npx mpx schedules describe shop.shop-sims.full --json',
          'npx mpx schedules pause shop.import      # stays paused when config.json is uploaded again',
          'npx mpx schedules resume shop.import',
          'npx mpx schedules delete shop.shop-sims.update',
          `npx mpx --endpoint ${LOCAL} schedules list   # the local cloud (stage local)`,
        ],
      }),
    );
  const scheduleCommand = (name: string, description: string) =>
    schedules
      .command(name)
      .description(description)
      .addOption(stageOption())
      .option('--group <name>', 'the schedule group (default: the stack output ScheduleGroupName)');
  const loadSchedules = () => import('./commands/schedules.js');
  scheduleCommand(
    'list',
    'list schedules with their dataset group, task, expression, state and next 3 fire times (UTC)',
  )
    .option('--dataset-group <name>', 'only the schedules of this dataset group')
    .option('--json', 'print a JSON array')
    .addHelpText(
      'after',
      helpText({
        exitCodes: schedulesExitCodes('no such schedule group'),
        examples: ['npx mpx schedules list', 'npx mpx schedules list --dataset-group shop --json'],
      }),
    )
    .action(async (options) => {
      done(await (await loadSchedules()).schedulesListCommand(options, io));
    });
  scheduleCommand('describe', 'show every field of a schedule and its next fire times')
    .argument('<name>', 'schedule name, as mpx schedules list shows it')
    .option('--json', 'print one JSON object')
    .addHelpText(
      'after',
      helpText({
        exitCodes: schedulesExitCodes('no such schedule (the closest names are suggested) or schedule group'),
        examples: ['npx mpx schedules describe shop.shop-sims.full', 'npx mpx schedules describe shop.import --json'],
      }),
    )
    .action(async (name: string, options) => {
      done(await (await loadSchedules()).schedulesDescribeCommand(name, options, io));
    });
  scheduleCommand('pause', 'stop a schedule from firing (State DISABLED; everything else kept)')
    .argument('<name>', 'schedule name')
    .addHelpText(
      'after',
      helpText({
        exitCodes: schedulesExitCodes('no such schedule or schedule group'),
        examples: ['npx mpx schedules pause shop.import'],
      }),
    )
    .action(async (name: string, options) => {
      done(await (await loadSchedules()).schedulesPauseCommand(name, options, io));
    });
  scheduleCommand('resume', 'let a paused schedule fire again (State ENABLED; everything else kept)')
    .argument('<name>', 'schedule name')
    .addHelpText(
      'after',
      helpText({
        exitCodes: schedulesExitCodes('no such schedule or schedule group'),
        examples: ['npx mpx schedules resume shop.import'],
      }),
    )
    .action(async (name: string, options) => {
      done(await (await loadSchedules()).schedulesResumeCommand(name, options, io));
    });
  scheduleCommand('delete', 'delete a schedule (the next upload of its parameter file recreates it if still there)')
    .argument('<name>', 'schedule name')
    .addHelpText(
      'after',
      helpText({
        exitCodes: schedulesExitCodes('no such schedule or schedule group'),
        examples: ['npx mpx schedules delete shop.shop-sims.update'],
      }),
    )
    .action(async (name: string, options) => {
      done(await (await loadSchedules()).schedulesDeleteCommand(name, options, io));
    });

  // `mpx runs watch`: a run, live, until it ends.
  const liveView = () =>
    io === consoleOutput && process.stdout.isTTY === true
      ? { kind: 'table' as const, write: (text: string) => process.stdout.write(text) }
      : undefined;
  runs
    .command('watch')
    .description('follow a run until it ends: a table redrawn in place on a terminal, a line per change otherwise')
    .argument('<runId>', 'the run, as mpx upload or mpx runs list prints it')
    .addOption(stageOption())
    .option('--table <name>', 'the runs table (default: the stack output RunsTableName)')
    .option('--json', 'print one JSON line per change (step events, then a run event when its status changes)')
    .addHelpText(
      'after',
      helpText({
        exitCodes: [
          '0 the run SUCCEEDED; 1 it FAILED or was SUPERSEDED, or there is no such run;',
          `2 bad usage; ${NO_STACK_EXIT}.`,
        ],
        examples: [
          'npx mpx runs watch 20261128T120102Z-3fa9c2d1e0',
          `npx mpx runs watch 20261128T120102Z-3fa9c2d1e0 --json | jq -c 'select(.event == "run")'`,
          `npx mpx --endpoint ${LOCAL} runs watch <runId>   # the local cloud (stage local)`,
        ],
      }),
    )
    .action(async (runId: string, options: { stage: string; table?: string; json?: boolean }) => {
      const { runsWatchCommand } = await import('./commands/runs-watch.js');
      const view = liveView();
      done(await runsWatchCommand(runId, { ...options, ...(view ? { view } : {}) }, io));
    });

  // `mpx upload <dir>`: check the parameter file, upload data, batch inputs and the file (last), print the run.
  program
    .command('upload')
    .description(
      "check <dir>/config.json, upload its data and batch inputs, then the file (last), to the stack's bucket; print the run it started",
    )
    .argument('<dir>', 'the folder: config.json, the data, and optionally batch/')
    .option('--dataset-group <name>', 'the folder under train/ and batch/ (default: the datasetGroup name in the file)')
    .option('--wait', 'follow the run until it ends (as mpx runs watch), and exit with its result')
    .addOption(stageOption())
    .addHelpText(
      'after',
      helpText({
        notes: [
          'The folder:',
          '  config.json                      the parameter file, checked first, uploaded last (it starts the run)',
          '  interactions.csv                 or interactions/*.csv (CSV parts; the folder wins);',
          '                                   likewise items, users, actions, action_interactions',
          '  batch/<solution>/job_config.json batch inputs, to s3://<bucket>/batch/<dataset group>/<solution>/...',
        ],
        exitCodes: [
          '0 uploaded and the run started (with --wait: the run SUCCEEDED); 1 an upload failed, no run',
          'started within 60 s, or (with --wait) the run FAILED or was SUPERSEDED; 2 bad usage, or an',
          `invalid folder or parameter file (nothing uploaded); ${NO_STACK_EXIT}.`,
        ],
        examples: [
          'npx mpx local generate-data --out shop && npx mpx upload shop --wait',
          'npx mpx upload ./shop --dataset-group shop-staging',
          `npx mpx --endpoint ${LOCAL} upload ./shop   # the local cloud (stage local)`,
        ],
      }),
    )
    .action(async (dir: string, options: { datasetGroup?: string; wait?: boolean; stage: string }) => {
      const { uploadCommand } = await import('./commands/upload.js');
      const view = liveView();
      done(await uploadCommand(dir, { ...options, ...(view ? { view } : {}) }, io));
    });

  // `mpx recommend`: recommendations from a campaign or a recommender, by name.
  program
    .command('recommend')
    .description('recommendations from a campaign or a recommender (name or ARN): rank, item and score')
    .option('--campaign <name>', 'the campaign (name or ARN)')
    .option('--recommender <name>', 'the recommender (name or ARN)')
    .option('--user <userId>', 'the user to recommend for')
    .option('--item <itemId>', 'the item to recommend related items for')
    .option('--filter <name>', 'a filter (name or ARN)')
    .option(
      '--filter-values <json>',
      `the filter's parameters, e.g. '{"CATEGORY":"\\"books\\""}' or '{"CATEGORY":["books"]}'`,
    )
    .option('-n, --num-results <n>', 'how many items (1-500)', '10')
    .option('--json', 'print one JSON object')
    .addHelpText(
      'after',
      helpText({
        notes: [
          'Names are looked up in the account and region (--region; the local cloud with --endpoint); no stack is needed.',
        ],
        exitCodes: [
          '0 done; 1 no such campaign, recommender or filter, or the request failed;',
          '2 bad usage or input (bad --filter-values JSON, an input Personalize refuses).',
        ],
        examples: [
          'npx mpx recommend --campaign shop-personalization-campaign --user u7',
          'npx mpx recommend --campaign shop-related-campaign --item i42 -n 5 --json',
          'npx mpx recommend --recommender shop-recommended-for-you --user u7',
          'npx mpx recommend --campaign shop-personalization-campaign --user u7 \\',
          `    --filter shop-in-category --filter-values '{"CATEGORY":"\\"books\\""}'`,
        ],
      }),
    )
    .action(async (options) => {
      const { recommendCommand } = await import('./commands/recommend.js');
      done(await recommendCommand({ ...options, n: options.numResults }, io));
    });

  program
    .command('plan')
    .description('what a run of <config> would do now against Personalize and the schedules, changing nothing')
    .argument('<config>', 'the parameter file (config.json)')
    .addOption(stageOption())
    .option('--json', 'print {datasetGroup, steps: [{stepId, kind, name, action, detail}], schedules}')
    .addHelpText(
      'after',
      helpText({
        notes: [
          'Actions: create, reuse, update, drift (the run would fail), wait, fail, skip, re-import, reuse import,',
          '         retrain, reuse version, run batch job, reuse batch job; schedules: create, update, delete, unchanged.',
        ],
        exitCodes: [`0 planned; 1 AWS error; 2 unreadable or invalid file; ${NO_STACK_EXIT}.`],
        examples: ['npx mpx plan train/shop/config.json', 'npx mpx plan config.json --json | jq .steps'],
      }),
    )
    .action(async (file: string, options: { stage: string; json?: boolean }) => {
      const { planCommand } = await import('./commands/plan.js');
      done(await planCommand(file, options, io));
    });

  const collect = (value: string, previous: string[]) => [...previous, value];
  program
    .command('import-dataset-group')
    .description('write a parameter file from an existing dataset group (and its schedules), then upload or print it')
    .requiredOption('--dataset-group <name>', 'the dataset group to export')
    .option('--path <key>', 'where to upload it (default: train/<dataset group>/config.json)', '')
    .option('--import-schedule <cron>', 'the dataset import schedule, e.g. "cron(0 */6 * * ? *)"')
    .option('--full-schedule <solution@cron>', 'a full-training schedule (repeatable)', collect, [])
    .option('--update-schedule <solution@cron>', 'an update-training schedule (repeatable)', collect, [])
    .option('--dry-run', 'print the parameter file instead of uploading it')
    .addOption(stageOption())
    .addHelpText(
      'after',
      helpText({
        exitCodes: [
          '0 done; 1 unknown dataset group, an invalid result or an AWS error; 2 bad options;',
          `${NO_STACK_EXIT}.`,
        ],
        examples: [
          'npx mpx import-dataset-group --dataset-group shop --dry-run > config.json',
          'npx mpx import-dataset-group --dataset-group shop --path train/shop/config.json \\',
          '    --import-schedule "cron(0 1 * * ? *)" --full-schedule "shop-up@cron(0 2 ? * 1 *)"',
        ],
      }),
    )
    .action(
      async (options: {
        datasetGroup: string;
        path: string;
        importSchedule?: string;
        fullSchedule: string[];
        updateSchedule: string[];
        dryRun?: boolean;
        stage: string;
      }) => {
        const { importDatasetGroupCommand } = await import('./commands/import-dataset-group.js');
        done(await importDatasetGroupCommand(options, io));
      },
    );

  return program;
}

/**
 * Runs the mpx CLI and resolves to its exit code: the command's, 2 for a usage
 * error commander found, or 1 (one line on stderr) for an error no command caught.
 */
export async function main(argv: readonly string[], io: Output = consoleOutput): Promise<number> {
  let exitCode = 0;
  let running = 'mpx';
  let restoreEnv = () => {};
  const program = createProgram(io, (code) => {
    exitCode = code;
  });
  program.hook('preAction', (_, action) => {
    running = commandPath(action);
    restoreEnv = applyGlobalOptions(program.opts<GlobalOptions>(), process.env);
    const takesStage = action.options.some((option) => option.attributeName() === 'stage');
    if (takesStage && action.getOptionValue('stage') === undefined)
      action.setOptionValueWithSource('stage', defaultStage(process.env), 'default');
  });
  try {
    await program.parseAsync(argv as string[]);
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    return reportError(running, error, io);
  } finally {
    restoreEnv();
  }
  return exitCode;
}
