import { Command, CommanderError } from 'commander';
import { localPersonalizeCommand } from './commands/local-personalize.js';
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

  const local = program.command('local').description('run the local cloud, or one of its emulators alone');
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

  try {
    await program.parseAsync(argv as string[]);
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    throw error;
  }
  return exitCode;
}
