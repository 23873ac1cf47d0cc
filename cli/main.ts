import { Command, CommanderError } from 'commander';
import { generateDataCommand } from './commands/generate-data.js';
import { localPersonalizeCommand } from './commands/local-personalize.js';
import { localUpCommand } from './commands/local-up.js';
import { runsListCommand, runsShowCommand } from './commands/runs.js';
import { stackOutputsCommand } from './commands/stack-outputs.js';
import { type Output, validateCommand } from './commands/validate.js';

const consoleOutput: Output = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

/** Runs the mpx CLI and resolves to its exit code. */
export async function main(argv: readonly string[], io: Output = consoleOutput): Promise<number> {
  let exitCode = 0;
  const program = new Command()
    .name('mpx')
    .description('Keeps Amazon Personalize resources fresh from a parameter file')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) });

  program
    .command('validate')
    .description('check a parameter file and show its schedules')
    .argument('<file>', 'the parameter file (config.json)')
    .option('--json', 'print {"valid","errors","warnings"} as JSON and nothing else')
    .action(async (file: string, options: { json?: boolean }) => {
      exitCode = await validateCommand(file, options, io);
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
      '\nExamples:\n  npm run demo\n  npx mpx demo --keep          # then: AWS_ENDPOINT_URL=http://127.0.0.1:4566 npx mpx runs list',
    )
    .action(async (options: { keep?: boolean; port?: string; speed: string; dataDir?: string }) => {
      const { demoCommand } = await import('./commands/demo.js');
      const live = io === consoleOutput && process.stdout.isTTY === true;
      exitCode = await demoCommand(
        {
          ...options,
          port: options.port ?? (options.keep ? '4566' : '0'),
          live,
          write: (text) => process.stdout.write(text),
        },
        io,
      );
    });

  const local = program.command('local').description('run the local cloud, or one of its emulators alone');
  local
    .command('up')
    .description("start the local cloud and deploy this project's stack (stage local)")
    .option('--port <port>', 'port of the edge endpoint (0 = any free port)', '4566')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--data-dir <dir>', 'where every service keeps its state', '.mpx/local')
    .option('--profile <name>', 'Personalize latency profile: instant or realistic', 'realistic')
    .option('--speed <factor>', 'divide every Personalize duration by this factor', '60')
    .option('--stage <stage>', 'stage to package and deploy', 'local')
    .action(async (options) => {
      exitCode = await localUpCommand(options, io);
    });
  local
    .command('personalize')
    .description('run the Amazon Personalize emulator alone (control plane)')
    .option('--port <port>', 'port to listen on (0 = any free port)', '4567')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--data-dir <dir>', 'where state and imported data persist', '.mpx/personalize')
    .option('--profile <name>', 'latency profile: instant or realistic', 'realistic')
    .option('--speed <factor>', 'divide every duration by this factor (600: 30 min → 3 s)', '1')
    .action(async (options) => {
      exitCode = await localPersonalizeCommand(options, io);
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
    .action(async (options) => {
      exitCode = await generateDataCommand(options, io);
    });

  program
    .command('stack')
    .description('the deployed stack (AWS, or the local cloud when AWS_ENDPOINT_URL points at it)')
    .command('outputs')
    .description("print the stack's outputs")
    .option('--stage <stage>', 'stage of the stack', process.env.AWS_ENDPOINT_URL ? 'local' : 'dev')
    .option('--json', 'print one JSON object')
    .action(async (options) => {
      exitCode = await stackOutputsCommand(options, io);
    });

  const runs = program
    .command('runs')
    .description("runs of the pipeline, from the stack's table (AWS or the local cloud)");
  const defaultStage = process.env.AWS_ENDPOINT_URL ? 'local' : 'dev';
  runs
    .command('list')
    .description('list runs, newest first')
    .option('--dataset-group <name>', 'only the runs of this dataset group')
    .option('--stage <stage>', 'stage of the stack', defaultStage)
    .option('--table <name>', 'the runs table (default: the stack output RunsTableName)')
    .option('--json', 'print a JSON array')
    .action(async (options) => {
      exitCode = await runsListCommand(options, io);
    });
  runs
    .command('show')
    .description('show a run and its steps')
    .argument('<runId>')
    .option('--stage <stage>', 'stage of the stack', defaultStage)
    .option('--table <name>', 'the runs table (default: the stack output RunsTableName)')
    .option('--json', 'print one JSON object')
    .action(async (runId: string, options) => {
      exitCode = await runsShowCommand(runId, options, io);
    });

  // `mpx schedules`: the legacy list/describe/activate/deactivate, on the stack's schedule group.
  const schedules = program
    .command('schedules')
    .description("the schedules parameter files put in the stack's schedule group (AWS or the local cloud)")
    .addHelpText(
      'after',
      [
        '',
        'Examples:',
        '  npx mpx schedules list --dataset-group shop',
        '  npx mpx schedules describe shop.shop-sims.full --json',
        '  npx mpx schedules pause shop.import      # stays paused when config.json is uploaded again',
        '  npx mpx schedules resume shop.import',
        '  npx mpx schedules delete shop.shop-sims.update',
        '  AWS_ENDPOINT_URL=http://127.0.0.1:4566 npx mpx schedules list   # the local cloud (stage local)',
      ].join('\n'),
    );
  const scheduleCommand = (name: string, description: string) =>
    schedules
      .command(name)
      .description(description)
      .option('--stage <stage>', 'stage of the stack', defaultStage)
      .option('--group <name>', 'the schedule group (default: the stack output ScheduleGroupName)');
  const loadSchedules = () => import('./commands/schedules.js');
  scheduleCommand(
    'list',
    'list schedules with their dataset group, task, expression, state and next 3 fire times (UTC)',
  )
    .option('--dataset-group <name>', 'only the schedules of this dataset group')
    .option('--json', 'print a JSON array')
    .addHelpText('after', '\nExamples:\n  npx mpx schedules list\n  npx mpx schedules list --dataset-group shop --json')
    .action(async (options) => {
      exitCode = await (await loadSchedules()).schedulesListCommand(options, io);
    });
  scheduleCommand('describe', 'show every field of a schedule and its next fire times')
    .argument('<name>', 'schedule name, as mpx schedules list shows it')
    .option('--json', 'print one JSON object')
    .addHelpText('after', '\nExample:\n  npx mpx schedules describe shop.shop-sims.full')
    .action(async (name: string, options) => {
      exitCode = await (await loadSchedules()).schedulesDescribeCommand(name, options, io);
    });
  scheduleCommand('pause', 'stop a schedule from firing (State DISABLED; everything else kept)')
    .argument('<name>', 'schedule name')
    .addHelpText('after', '\nExample:\n  npx mpx schedules pause shop.import')
    .action(async (name: string, options) => {
      exitCode = await (await loadSchedules()).schedulesPauseCommand(name, options, io);
    });
  scheduleCommand('resume', 'let a paused schedule fire again (State ENABLED; everything else kept)')
    .argument('<name>', 'schedule name')
    .addHelpText('after', '\nExample:\n  npx mpx schedules resume shop.import')
    .action(async (name: string, options) => {
      exitCode = await (await loadSchedules()).schedulesResumeCommand(name, options, io);
    });
  scheduleCommand('delete', 'delete a schedule (the next upload of its parameter file recreates it if still there)')
    .argument('<name>', 'schedule name')
    .addHelpText('after', '\nExample:\n  npx mpx schedules delete shop.shop-sims.update')
    .action(async (name: string, options) => {
      exitCode = await (await loadSchedules()).schedulesDeleteCommand(name, options, io);
    });

  try {
    await program.parseAsync(argv as string[]);
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    throw error;
  }
  return exitCode;
}
