// The commander program: commands, options and help text. Each action only builds the
// context and hands over to a thin command module in cli/commands/, loaded on demand so
// `scan repo` never pays for the AWS SDK clients of `scan aws`.
import { Command, Option } from 'commander';
import { VERSION } from '../src/version.js';
import { createContext, type CliContext, type GlobalOptions } from './context.js';
import type { Streams } from './io/streams.js';
import { parseExitCode, parseSize } from './parse/size.js';
import { INVENTORY_FORMATS, REPORT_FORMATS, SEVERITIES } from './commands/choices.js';
import type { ScanRepoOptions } from './commands/scan-repo.js';
import type { ScanAwsOptions } from './commands/scan-aws.js';
import type { ScanHostOptions } from './commands/scan-host.js';
import type { UsageOptions } from './commands/usage.js';
import type { PlanCommandOptions } from './commands/plan.js';
import { collect, parseAsOf } from './parse/as-of.js';
import { parseWorkers } from './parse/workers.js';
import type { ApplyCommandOptions } from './commands/apply.js';
import type { ExecutorCommandOptions } from './commands/executor-options.js';
import { STAGES } from '../src/model/stages.js';

export interface ProgramDeps {
  base: { streams: Streams; signal: AbortSignal; env: Record<string, string | undefined>; now: () => Date };
  onContext: (ctx: CliContext) => void;
  onExitCode: (code: number) => void;
}

/** The options every command that writes a findings report shares (scan repo, scan host). */
function withFindingsReportOptions(command: Command): Command {
  return command
    .addOption(new Option('--format <format>', 'output format').choices(REPORT_FORMATS).default('table'))
    .option('-o, --output <file>', 'write the report to a file instead of stdout')
    .option('--max-file-size <size>', 'skip files larger than this (e.g. 512k, 10MiB)', parseSize, 1024 * 1024)
    .option('--baseline <report>', 'a previous JSON report: report only findings not in it')
    .option('--exit-code <code>', 'exit code when findings are present', parseExitCode, 1);
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
  $ keyshift demo                                   the whole pipeline on an emulated account
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
  withFindingsReportOptions(scan.command('repo'))
    .description('find AWS access keys in working trees and, with --history, in every blob of git history')
    .argument('[paths...]', 'files or directories to scan (default: the current directory)')
    .option('--history', 'also scan every blob reachable from any ref (branches, tags, remotes, stash)')
    .option('--ignore-file <file>', 'fingerprints and path globs to ignore (default: <root>/.keyshiftignore)')
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
    .action(withContext((ctx, paths: string[], opts: ScanRepoOptions) => import('./commands/scan-repo.js').then((m) => m.runScanRepo(ctx, paths, opts))));

  withFindingsReportOptions(scan.command('host'))
    .description('find AWS keys on this machine (or a mounted root filesystem): ~/.aws files, env files, systemd units, compose files, crontabs, process environments, tool configs, and settings that stop an instance role from working')
    .option('--root <dir>', 'the root filesystem to scan', '/')
    .option('--host-name <name>', 'the name findings carry (default: this machine\'s hostname, or the --root path)')
    .option('--app-dir <dir>', 'an application directory to search for compose and .env files (repeatable; paths inside the root)', collect)
    .option('--no-processes', 'do not read /proc/*/environ and cmdline')
    .option('--ignore-file <file>', 'finding fingerprints to ignore')
    .addHelpText(
      'after',
      `
Examples:
  $ sudo keyshift scan host                            this machine
  $ keyshift scan host --root /mnt/image --json        a mounted root filesystem, as JSON
  $ keyshift scan host --app-dir /srv --app-dir /opt/apps --no-processes
`,
    )
    .action(withContext((ctx, opts: ScanHostOptions) => import('./commands/scan-host.js').then((m) => m.runScanHost(ctx, opts))));

  scan
    .command('aws')
    .description('inventory IAM users, keys and their last use, roles, policies, EC2 instances, launch templates and Auto Scaling groups; find keys in user data')
    .option('--profile <name>', 'AWS profile (default: the SDK credential chain)')
    .option('--region <region>', 'a region to scan (repeatable; default: every enabled region)', collect)
    .option('--endpoint-url <url>', 'AWS endpoint override (e.g. a local emulator)')
    .option('--as-of <date>', 'the clock for key ages and last use (ISO 8601)', parseAsOf)
    .addOption(new Option('--format <format>', 'stdout format').choices(INVENTORY_FORMATS).default('summary'))
    .option('-o, --output <file>', 'write the inventory JSON to a file (the summary still goes to stdout)')
    .addOption(new Option('--fail-on <severity>', 'exit 1 when a finding is at or above this severity').choices(SEVERITIES))
    .option('--ssm', 'also scan the hosts of managed Linux instances with keyshift\'s host payload through SSM Run Command (needs `keyshift permissions ssm`)')
    .option('--concurrency <n>', 'regions scanned at once', (v) => Math.max(1, Number.parseInt(v, 10) || 1), 4)
    .addHelpText(
      'after',
      `
Examples:
  $ keyshift scan aws                                  every enabled region, summary on stdout
  $ keyshift scan aws --json > inventory.json          the inventory document for usage and plan
  $ keyshift scan aws --region eu-west-1 --region us-east-1 -o inventory.json
  $ keyshift scan aws --profile audit --fail-on high   fail a pipeline on high findings
`,
    )
    .action(withContext((ctx, opts: ScanAwsOptions) => import('./commands/scan-aws.js').then((m) => m.runScanAws(ctx, opts))));

  program
    .command('usage')
    .description('learn from CloudTrail which IAM actions each access key really uses, from where, and what the evidence cannot see')
    .option('--from <source>', 'a folder or file of CloudTrail logs, s3://bucket/prefix, lookup-events, athena, or athena-result:FILE.csv (repeatable)', collect)
    .option('--since <date>', 'only events at or after this time (ISO 8601)', parseAsOf)
    .option('--until <date>', 'only events before this time (ISO 8601)', parseAsOf)
    .option('--keys <ids>', 'only these access key IDs (comma-separated), and the temporary keys they obtained', (v: string) => v.split(',').map((k) => k.trim()).filter(Boolean))
    .option('--inventory <file>', 'an inventory from `keyshift scan aws`: attributes sources to instances and finds evidence gaps')
    .addOption(new Option('--format <format>', 'stdout format').choices(INVENTORY_FORMATS).default('summary'))
    .option('-o, --output <file>', 'write the usage JSON to a file (the summary still goes to stdout)')
    .option('--profile <name>', 'AWS profile for s3://, lookup-events and athena')
    .option('--region <region>', 'region(s) for lookup-events and the trails\' selectors (repeatable)', collect)
    .option('--endpoint-url <url>', 'AWS endpoint override (e.g. a local emulator)')
    .option('--athena-database <name>', 'the Athena database of the CloudTrail table')
    .option('--athena-table <name>', 'the CloudTrail table')
    .addOption(new Option('--athena-partitioning <kind>', 'how the table is partitioned').choices(['none', 'timestamp', 'year-month-day']))
    .option('--athena-workgroup <name>', 'the Athena workgroup')
    .option('--athena-output <s3url>', 'where Athena writes the result, when the workgroup sets none')
    .option('--athena-run', 'with --from athena: run the query on Athena and read its result')
    .option('--athena-query', 'print the Athena SQL for the window and keys, and exit')
    .option('--workers <n>', 'threads that read local log folders (default: the cores available, at most 4; 1 reads in the main thread)', parseWorkers)
    .addHelpText(
      'after',
      `
Examples:
  $ keyshift usage --from ./trail --inventory inventory.json --json > usage.json
  $ keyshift usage --from s3://org-trail/AWSLogs/ --since 2026-10-01 --inventory inventory.json -o usage.json
  $ keyshift usage --from lookup-events --region eu-west-1 --keys AKIA...
  $ keyshift usage --athena-query --athena-database trails --athena-table cloudtrail_logs --since 2026-10-01
  $ keyshift usage --from athena-result:result.csv --inventory inventory.json
`,
    )
    .action(withContext((ctx, opts: UsageOptions) => import('./commands/usage.js').then((m) => m.runUsage(ctx, opts))));

  const plan = program
    .command('plan')
    .description('plan one least-privilege role and instance profile per workload, as a reviewable dry run (no AWS calls)')
    // not commander-required: `plan show` is a subcommand and must not need them
    .option('--inventory <file>', 'the inventory from `keyshift scan aws` (required)')
    .option('--usage <file>', 'the usage from `keyshift usage` (required)')
    .option('--host-findings <file>', 'findings of `keyshift scan host` for the instances (repeatable)', collect)
    .addOption(new Option('--format <format>', 'the plan as JSON, or a Markdown review report').choices(['json', 'markdown']).default('json'))
    .addOption(new Option('--export <kind>', 'the roles, policies and profiles as infrastructure as code').choices(['terraform', 'cloudformation']))
    .option('-o, --output <file>', 'write to a file instead of stdout')
    .option('--role-prefix <prefix>', 'prefix of role, policy and instance profile names')
    .option('--role-path <path>', "IAM path of what keyshift creates (rollback finds keyshift's resources by it)")
    .option('--permissions-boundary <arn>', 'permissions boundary for every new role')
    .option('--tag <key=value>', 'a tag for every new role (repeatable)', collect)
    .option('--hop-limit <n>', 'IMDSv2 hop limit (2 lets containers reach the metadata service)', (v) => Number.parseInt(v, 10))
    .option('--imdsv2-soak-days <n>', 'days on role credentials before IMDSv2 is required', (v) => Number.parseInt(v, 10))
    .option('--min-quiet-days <n>', "the old key's minimum quiet period before deactivation", (v) => Number.parseInt(v, 10))
    .option('--include-denied', 'also grant actions the workload tried and was denied (when its current policies allow them)')
    .option('--keys <ids>', 'only these access key IDs (comma-separated)', (v: string) => v.split(',').map((k) => k.trim()).filter(Boolean))
    .option('--workloads <ids>', 'only these workloads (comma-separated)', (v: string) => v.split(',').map((k) => k.trim()).filter(Boolean))
    .option('--allow-cloudformation', 'plan changes to CloudFormation-owned instances directly instead of exporting them')
    .option('--accept-lint-errors', 'accept error-level policy lint findings (they block the workload otherwise)')
    .addHelpText(
      'after',
      `
Examples:
  $ keyshift plan --inventory inventory.json --usage usage.json > plan.json
  $ keyshift plan --inventory inventory.json --usage usage.json --format markdown -o plan.md
  $ keyshift plan --inventory inventory.json --usage usage.json --export terraform -o keyshift.tf
  $ keyshift plan show plan.json
`,
    )
    .action(withContext((ctx, opts: PlanCommandOptions) => import('./commands/plan.js').then((m) => m.runPlan(ctx, opts))));
  plan
    .command('show')
    .description('show a plan for people: workloads, keys and their decisions')
    .argument('<plan>', 'a plan.json written by keyshift plan')
    // not --format: the parent `plan` owns that option and commander would give it to the parent
    .option('--markdown', 'the Markdown review report instead of tables')
    .addHelpText('after', '\nExamples:\n  $ keyshift plan show plan.json\n  $ keyshift plan show --markdown plan.json > plan.md\n')
    .action(withContext((ctx, path: string, opts: { markdown?: boolean }) => import('./commands/plan.js').then((m) => m.runPlanShow(ctx, path, opts))));

  /** The options apply, rollback and finalize share: the account, the hosts, the evidence. */
  const withExecutorOptions = (command: Command): Command =>
    command
      .option('--yes', 'confirm the changes without a question (required when stdin is not a terminal)')
      .option('--profile <name>', 'AWS profile (default: the SDK credential chain)')
      .option('--region <region>', 'home region for the AWS clients')
      .option('--endpoint-url <url>', 'AWS endpoint override (e.g. a local emulator)')
      .option('--hosts-root <dir>', 'run host steps on DIR/<instance-id> on this machine (fixture roots) instead of through SSM')
      .option('--no-ssm', 'do not use SSM: print the commands for each host and pause there')
      .option('--trail <source>', 'CloudTrail evidence for verification: a folder or s3://bucket/prefix of log files (default: LookupEvents, management events only)')
      .addOption(new Option('--imds-endpoint <url>', 'the instance metadata emulator for --hosts-root (tests and demo)').hideHelp());

  withExecutorOptions(
    program
      .command('apply')
      .description('carry out a plan: attach roles, move hosts off their keys, verify, then deactivate the keys; journaled, resumable, reversible')
      .argument('<plan>', 'a plan.json written by keyshift plan')
      .option('--only <workload>', 'only this workload (repeatable)', collect)
      .addOption(new Option('--until <stage>', 'stop after this stage').choices(STAGES))
      .option('--resume', 'continue from the journal: reconcile it with the live state, do nothing twice')
      .option('--concurrency <n>', 'steps carried out at once', (v) => Number.parseInt(v, 10), 4)
      .option('--journal <path>', 'the journal (default: next to the plan, plan.journal.ndjson)')
      .option('--mark-done <step>', 'a step a person carried out (a manual action, a host without SSM) (repeatable)', collect),
  )
    .addHelpText(
      'after',
      `
Exit codes: 0 done, 75 waiting (a quiet period or soak: run again with --resume later),
5 a safety gate held (drift, pre-flight gap, key still in use, a step needing a person),
4 AWS refused, 3 a plan for another account, 2 no --yes without a terminal, 130 interrupted.

Examples:
  $ keyshift apply plan.json                         review the changes, confirm, apply
  $ keyshift apply plan.json --yes --until attach    in a pipeline: roles and profiles only
  $ keyshift apply plan.json --yes --resume          continue after a wait or a crash
  $ keyshift apply plan.json --no-ssm                print the host commands instead of SSM
`,
    )
    .action(withContext((ctx, plan: string, opts: ApplyCommandOptions) => import('./commands/apply.js').then((m) => m.runApplyCommand(ctx, plan, opts))));

  program
    .command('status')
    .description('where each workload and key of an apply stands, and what it waits for')
    .argument('<journal>', 'the journal apply wrote (plan.journal.ndjson)')
    .option('--plan <plan>', 'the plan (default: the one the journal names)')
    .addHelpText('after', '\nExamples:\n  $ keyshift status plan.journal.ndjson\n  $ keyshift status --json plan.journal.ndjson\n')
    .action(withContext((ctx, journal: string, opts: { plan?: string }) => import('./commands/status.js').then((m) => m.runStatus(ctx, journal, opts))));

  withExecutorOptions(program.command('rollback').description('undo, newest first, everything an apply journal records').argument('<journal>', 'the journal apply wrote'))
    .addHelpText('after', '\nExamples:\n  $ keyshift rollback plan.journal.ndjson\n  $ keyshift rollback --yes plan.journal.ndjson     in a pipeline\n')
    .action(withContext((ctx, journal: string, opts: ExecutorCommandOptions) => import('./commands/rollback.js').then((m) => m.runRollbackCommand(ctx, journal, opts))));

  withExecutorOptions(
    program
      .command('finalize')
      .description('after the soak, delete the keys apply deactivated (unused since) and the host backups; never in the run that deactivated them')
      .argument('<journal>', 'the journal apply wrote')
      .option('--soak <duration>', 'how long a key must have stayed inactive, e.g. 7d, 36h', '7d'),
  )
    .addHelpText('after', '\nExamples:\n  $ keyshift finalize plan.journal.ndjson --soak 14d\n')
    .action(withContext((ctx, journal: string, opts: ExecutorCommandOptions & { soak: string }) => import('./commands/finalize.js').then((m) => m.runFinalizeCommand(ctx, journal, opts))));

  program
    .command('permissions')
    .description('print the least-privilege IAM policy keyshift needs for a job')
    .argument('[job]', 'the job: scan (scan aws, usage), athena (usage --athena-run), ssm (scan aws --ssm), apply (apply, rollback, finalize)', 'scan')
    .addHelpText(
      'after',
      `
Examples:
  $ keyshift permissions scan > keyshift-scan-policy.json
`,
    )
    .action(withContext((ctx, job: string) => import('./commands/permissions.js').then((m) => m.runPermissions(ctx, job))));

  program
    .command('demo')
    .description('the whole pipeline on an embedded sample, no AWS account needed: a repository scan, then scan, usage, plan, apply, verify, deactivate and rollback on an emulated account (a local moto server) with fixture hosts')
    .option('--keep', 'keep the sample repository, documents, journal and host roots instead of deleting them')
    .option('--repo-only', 'only the repository scan (no emulated account, no Python needed)')
    .addHelpText(
      'after',
      `
The emulated account is moto (installed into .cache/moto on first use: needs python3 with venv
and pip); the hosts are root filesystems in a temporary directory, changed through the local
executor instead of SSM; the demo's clock moves days ahead to pass quiet periods and soaks.

Examples:
  $ keyshift demo               the whole pipeline
  $ keyshift demo --repo-only   just the repository scan
  $ keyshift demo --keep        and leave everything on disk to look at
`,
    )
    .action(withContext((ctx, opts: { keep?: boolean; repoOnly?: boolean }) => import('./commands/demo.js').then((m) => m.runDemo(ctx, opts))));

  return program;
}
