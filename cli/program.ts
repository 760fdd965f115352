// The commander program: commands, options and help text. Each action only builds the
// context and hands over to a thin command module in cli/commands/.
import { Command, Option } from 'commander';
import { VERSION } from '../src/version.js';
import { createContext, type CliContext, type GlobalOptions } from './context.js';
import type { Streams } from './io/streams.js';
import { parseExitCode, parseSize } from './parse/size.js';
import { REPORT_FORMATS, runScanRepo, type ScanRepoOptions } from './commands/scan-repo.js';
import { runDemo } from './commands/demo.js';

export interface ProgramDeps {
  base: { streams: Streams; signal: AbortSignal; env: Record<string, string | undefined>; now: () => Date };
  onContext: (ctx: CliContext) => void;
  onExitCode: (code: number) => void;
}

export function buildProgram(deps: ProgramDeps): Command {
  const { streams } = deps.base;
  const program = new Command('keyshift')
    .description('Move AWS workloads off long-lived access keys and onto IAM roles.')
    .version(VERSION, '-V, --version', 'print the version')
    .option('--json', 'machine output: JSON result on stdout, NDJSON events on stderr')
    .option('--no-color', 'no colour (NO_COLOR is honoured too)')
    .option('--debug', 'stack traces and diagnostic detail on errors')
    .option('-q, --quiet', 'no progress or warnings; errors and results only')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => streams.stdout.write(s),
      writeErr: (s) => streams.stderr.write(s),
      outputError: (s, write) => write(`keyshift: ${s.replace(/^error: /, 'error: ')}`),
    })
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText(
      'after',
      `
Exit codes: 0 nothing found / nothing to do, 1 findings, 2 usage error, 3 bad input,
4 AWS refused, 5 safety gate held, 6 incomplete, 75 waiting, 70 internal bug, 130 interrupted.

Examples:
  $ keyshift demo                                   scan a sample repository built on the spot
  $ keyshift scan repo .                            scan the working tree
  $ keyshift scan repo --history --format sarif --output keys.sarif .
`,
    );

  const withContext =
    <A extends unknown[]>(fn: (ctx: CliContext, ...args: A) => Promise<number>) =>
    async (...args: A) => {
      const command = args[args.length - 1] as Command;
      const ctx = await createContext(command.optsWithGlobals<GlobalOptions>(), deps.base);
      deps.onContext(ctx);
      deps.onExitCode(await fn(ctx, ...args));
    };

  const scan = program.command('scan').description('find static AWS keys and where they live');
  scan
    .command('repo')
    .description('find AWS access keys in working trees and, with --history, in every blob of git history')
    .argument('[paths...]', 'files or directories to scan (default: the current directory)')
    .option('--history', 'also scan every blob reachable from any ref (branches, tags, remotes, stash)')
    .addOption(new Option('--format <format>', 'output format').choices(REPORT_FORMATS).default('table'))
    .option('-o, --output <file>', 'write the report to a file instead of stdout')
    .option('--max-file-size <size>', 'skip files larger than this (e.g. 512k, 10MiB)', parseSize, 1024 * 1024)
    .option('--ignore-file <file>', 'fingerprints and path globs to ignore (default: <root>/.keyshiftignore)')
    .option('--baseline <report>', 'a previous JSON report: report only findings not in it')
    .option('--exit-code <code>', 'exit code when findings are present', parseExitCode, 1)
    .option('--resolve', "look up each key's account with sts:GetAccessKeyInfo (your credentials; found secrets are never used)")
    .option('--profile <name>', 'AWS profile for --resolve')
    .option('--region <region>', 'AWS region for --resolve')
    .option('--endpoint-url <url>', 'AWS endpoint override for --resolve (e.g. a local emulator)')
    .addHelpText(
      'after',
      `
Examples:
  $ keyshift scan repo                                  working tree of the current directory
  $ keyshift scan repo --history ~/src/app              plus every blob in the git history
  $ keyshift scan repo --json . > findings.json         JSON report for a pipeline
  $ keyshift scan repo --history --format sarif -o keys.sarif .   for GitHub code scanning
  $ keyshift scan repo --baseline findings.json .       only findings that are new since then
  $ keyshift scan repo --max-file-size 10MiB --exit-code 0 .      report without failing the build
`,
    )
    .action(withContext((ctx, paths: string[], opts: ScanRepoOptions) => runScanRepo(ctx, paths, opts)));

  program
    .command('demo')
    .description('run keyshift on an embedded sample (no AWS account needed)')
    .option('--keep', 'keep the sample repository instead of deleting it')
    .addHelpText(
      'after',
      `
Examples:
  $ keyshift demo           build a sample git repository with planted keys, scan it with history
  $ keyshift demo --keep    and leave the repository on disk to look at
`,
    )
    .action(withContext((ctx, opts: { keep?: boolean }) => runDemo(ctx, opts)));

  return program;
}
