// The host formats, each on its own: what is an assignment, its value as the program sees it
// (quotes and escapes resolved), and where the value starts, so findings point at it.
import { describe, expect, it } from 'vitest';
import { ComposeSyntaxError, parseComposeFile } from '../../../src/scan/host/compose-file.js';
import { parseCrontab } from '../../../src/scan/host/crontab.js';
import { parseEnvFile } from '../../../src/scan/host/env-file.js';
import { parseIni } from '../../../src/scan/host/ini-file.js';
import { parsePasswd } from '../../../src/scan/host/passwd.js';
import { commandLineAssignments, environAssignments } from '../../../src/scan/host/processes.js';
import { environmentAssignments, environmentFilePath, parseUnitFile } from '../../../src/scan/host/systemd-unit-file.js';

/** Each assignment as variable=value@line:column, the column pointing at the value in the text. */
function placed(text: string, assignments: { variable: string; value: string; line?: number; column?: number }[]): string[] {
  const lines = text.split('\n');
  return assignments.map((a) => {
    const at = a.line !== undefined && a.column !== undefined ? lines[a.line - 1]!.slice(a.column - 1, a.column + 2) : '';
    return `${a.variable}=${a.value}@${a.line}:${a.column}:${at}`;
  });
}

describe('systemd unit files', () => {
  it('splits Environment= into assignments, quoted in whole or in part, with escapes', () => {
    const text = [
      '[Service]',
      'Environment="A=one two" B=three \'C=four five\' D="six\\"seven" E=x\\ty',
      'Environment=  F=eight  not-an-assignment 9G=bad',
      '# Environment=H=commented',
      'EnvironmentFile=-/etc/app/env',
      'ExecStart=/bin/app \\',
      '  --flag',
    ].join('\n');
    const directives = parseUnitFile(text);
    expect(directives.map((d) => [d.section, d.key, d.value, d.line])).toEqual([
      ['Service', 'Environment', '"A=one two" B=three \'C=four five\' D="six\\"seven" E=x\\ty', 2],
      ['Service', 'Environment', 'F=eight  not-an-assignment 9G=bad', 3],
      ['Service', 'EnvironmentFile', '-/etc/app/env', 5],
      ['Service', 'ExecStart', '/bin/app    --flag', 6],
    ]);
    const assignments = directives.filter((d) => d.key === 'Environment').flatMap((d) => environmentAssignments(d, '/u'));
    expect(placed(text, assignments)).toEqual([
      'A=one two@2:16:one',
      'B=three@2:27:thr',
      'C=four five@2:36:fou',
      'D=six"seven@2:50:six',
      'E=x\ty@2:64:x\\t',
      'F=eight@3:17:eig',
    ]);
    expect(assignments[0]).toMatchObject({ file: '/u', section: 'Service' });
    expect(environmentFilePath('-/etc/app/env')).toEqual({ path: '/etc/app/env', optional: true });
    expect(environmentFilePath('/etc/app/env')).toEqual({ path: '/etc/app/env', optional: false });
  });
});

describe('environment files', () => {
  it('reads NAME=value lines, export, quotes and comments, and skips shell code', () => {
    const text = ['# comment', 'A=plain # trailing', 'export B="dq \\"x\\""', "C='sq # not a comment'", 'if [ -x /bin/x ]; then', 'D = spaced', 'E='].join('\n');
    expect(placed(text, parseEnvFile(text, '/f'))).toEqual([
      'A=plain@2:3:pla',
      'B=dq "x"@3:11:dq ',
      'C=sq # not a comment@4:4:sq ',
      'D=spaced@6:5:spa',
      'E=@7:3:',
    ]);
  });
});

describe('crontabs', () => {
  it('reads environment lines and variables set in job commands, with the user a system crontab names', () => {
    const text = ['MAILTO=ops', '0 3 * * * root AWS_PROFILE=backup /usr/bin/backup', '@daily alice export X="a b"; run', '*/5 * * * * bob cmd --opt=value'].join('\n');
    const assignments = parseCrontab(text, { file: '/etc/crontab', system: true });
    expect(placed(text, assignments)).toEqual(['MAILTO=ops@1:8:ops', 'AWS_PROFILE=backup@2:28:bac', 'X=a b@3:24:a b']);
    expect(assignments.map((a) => a.user)).toEqual([undefined, 'root', 'alice']);
    const own = parseCrontab('0 1 * * * A=1 cmd\n', { file: '/var/spool/cron/crontabs/bob', system: false, user: 'bob' });
    expect(own).toEqual([{ file: '/var/spool/cron/crontabs/bob', line: 1, variable: 'A', value: '1', column: 13, user: 'bob' }]);
  });
});

describe('INI files', () => {
  it('reads sections and entries, and leaves the AWS config nested settings out', () => {
    const text = ['[default]', 'region = eu-west-1', 's3 =', '  max_concurrent_requests = 20', '; comment', '[profile x]', 'key: value', 'url = http://a:b'].join('\n');
    expect(parseIni(text).map((s) => [s.name, s.line, s.entries.map((e) => `${e.key}=${e.value}@${e.line}:${e.column}`)])).toEqual([
      ['default', 1, ['region=eu-west-1@2:10', 's3=@3:5']],
      ['profile x', 6, ['key=value@7:6', 'url=http://a:b@8:7']],
    ]);
  });
});

describe('/etc/passwd', () => {
  it('reads users and skips malformed lines', () => {
    expect(parsePasswd('root:x:0:0:root:/root:/bin/bash\nbad line\nalice:x:1000:1000:Alice,,,:/home/alice:/bin/sh\nx:x:nan:0::/h:/s\n')).toEqual([
      { name: 'root', uid: 0, home: '/root' },
      { name: 'alice', uid: 1000, home: '/home/alice' },
    ]);
  });
});

describe('docker-compose files', () => {
  it('reads environment as a mapping or a list, merges anchors, and reads env_file in every form', () => {
    const text = [
      'x-common: &common',
      '  SHARED: "from anchor"',
      'services:',
      '  a:',
      '    environment:',
      '      <<: *common',
      "      KEY: 'quoted'",
      '      PLAIN: value # comment',
      '      EMPTY:',
      '    env_file: .env.a',
      '  b:',
      '    environment:',
      '    - LIST=value=with=equals',
      '    - "QUOTED=x y"',
      '    - PASS',
      '    env_file:',
      '      - one.env',
      '      - path: ./two.env',
      '        required: false',
      '  c:',
      '    environment: {FLOW: yes, OTHER: "z"}',
      '    env_file: [x.env, y.env]',
    ].join('\n');
    const services = parseComposeFile(text, '/srv/c.yml');
    expect(services.map((s) => [s.name, s.line])).toEqual([
      ['a', 4],
      ['b', 11],
      ['c', 20],
    ]);
    expect(services.map((s) => s.environment.map((e) => `${e.variable}=${e.value}${e.passThrough ? ' (pass)' : ''}`))).toEqual([
      ['SHARED=from anchor', 'KEY=quoted', 'PLAIN=value', 'EMPTY= (pass)'],
      ['LIST=value=with=equals', 'QUOTED=x y', 'PASS= (pass)'],
      ['FLOW=yes', 'OTHER=z'],
    ]);
    expect(placed(text, services[0]!.environment.slice(1, 3))).toEqual(['KEY=quoted@7:13:quo', 'PLAIN=value@8:14:val']);
    expect(placed(text, services[1]!.environment.slice(0, 2))).toEqual(['LIST=value=with=equals@13:12:val', 'QUOTED=x y@14:15:x y']);
    expect(services.map((s) => s.envFiles.map((f) => `${f.path}${f.required ? '' : '?'}`))).toEqual([['.env.a'], ['one.env', './two.env?'], ['x.env', 'y.env']]);
  });

  it('reads what a hand-written subset could not: multi-line flow mappings and quoted values, block scalars, tags, anchored env_file lists', () => {
    const text = [
      'x-files: &files',
      '  - base.env',
      '  - path: extra.env',
      '    required: false',
      'x-env: &env {SHARED: one, OTHER: two}',
      'services:',
      '  api:',
      '    environment: {',
      '      <<: *env,',
      '      OTHER: "overridden",',
      '      LONG: "first',
      '        second",',
      '      NUMBER: 0x1F,',
      '      DROPPED: !reset null',
      '    }',
      '    env_file: *files',
      '  job:',
      '    environment:',
      '      SCRIPT: |',
      '        echo one',
      '        echo two',
      '      TAGGED: !!str 42',
      '      FLAG: true',
    ].join('\n');
    const services = parseComposeFile(text, '/srv/c.yml');
    expect(services.map((s) => s.environment.map((e) => `${e.variable}=${e.value}@${e.line}:${e.column}`))).toEqual([
      ['SHARED=one@5:22', 'OTHER=overridden@10:15', 'LONG=first second@11:14', 'NUMBER=0x1F@13:15'],
      ['SCRIPT=echo one\necho two\n@20:9', 'TAGGED=42@22:21', 'FLAG=true@23:13'],
    ]);
    expect(services[0]!.envFiles.map((f) => `${f.path}${f.required ? '' : '?'}@${f.line}`)).toEqual(['base.env@2', 'extra.env?@3']);
  });

  it('throws ComposeSyntaxError, naming the line but never the text, on invalid YAML; reads a file without services as none', () => {
    const secretLooking = 'wJalrXUtnFEMIK7MDENGbPxRfiCYzzzzzzzzzzzz';
    expect(() => parseComposeFile(`a: 1\n    b: 2\n`, '/c.yml')).toThrow(ComposeSyntaxError);
    expect(() => parseComposeFile(`services:\n  a:\n    environment:\n      K: "${secretLooking}\n`, '/c.yml')).toThrow(/^line \d+: [^\n]*$/);
    try {
      parseComposeFile(`services:\n  a:\n    environment:\n      K: "${secretLooking}\n`, '/c.yml');
    } catch (e) {
      expect((e as Error).message).not.toContain(secretLooking.slice(0, 8));
    }
    expect(() => parseComposeFile('a: 1\na: 2\n', '/c.yml')).toThrow(ComposeSyntaxError);
    expect(parseComposeFile('version: "3"\n', '/c.yml')).toEqual([]);
    expect(parseComposeFile('# nothing\n', '/c.yml')).toEqual([]);
    expect(parseComposeFile('services: [a, b]\n', '/c.yml')).toEqual([]);
    // a second document is not compose's: only the first is read
    expect(parseComposeFile('services:\n  a:\n    environment: [A=1]\n---\nservices:\n  b: {}\n', '/c.yml').map((s) => s.name)).toEqual(['a']);
  });
});

describe('processes', () => {
  it('reads environ and the command line, naming -D properties and --options', () => {
    const env = Buffer.from('A=1\0B=x=y\0NOEQUALS\0');
    expect(environAssignments(env)).toEqual([
      { variable: 'A', value: '1' },
      { variable: 'B', value: 'x=y' },
    ]);
    const cmdline = Buffer.from(['java', '-Daws.accessKeyId=K', '--secret-key', 'S', '--opt=v', 'FOO=bar', '-jar', 'app.jar', ''].join('\0'));
    expect(commandLineAssignments(cmdline).map((a) => `${a.variable}=${a.value}`)).toEqual([
      '-Daws.accessKeyId=K',
      '--secret-key=S',
      '--opt=v',
      'FOO=bar',
      'argv[6]=-jar',
      'argv[7]=app.jar',
    ]);
  });
});
