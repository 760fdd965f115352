// Secret-like names: the evidence that a 40-character value on the same line is a secret
// access key (`aws_secret_access_key = …`, `"SecretAccessKey": "…"`, `Secret access key: …`,
// `<SecretAccessKey>…`, `--aws-secret-access-key …`, `secret_key = "…"` in HCL, `ENV
// AWS_SECRET_ACCESS_KEY …`, `?AWSSecretAccessKey=…`), or a credentials constructor whose
// first argument is a key ID (`new BasicAWSCredentials("AKIA…", "…")`).

/**
 * The word every secret-like name contains, in the casings the detector accepts. The
 * prefilter searches for exactly these, so the two cannot drift apart.
 */
export const SECRET_WORDS = ['secret', 'Secret', 'SECRET'] as const;

const SECRET = `(?:${SECRET_WORDS.join('|')})`;
const SEP = '[ _.-]?';
const NAME =
  `(?:${SECRET}${SEP}(?:(?:access|Access|ACCESS)${SEP})?(?:key|Key|KEY)` + // secret_access_key, SecretKey, Secret Access Key
  `|(?:aws|Aws|AWS)${SEP}${SECRET})`; // AWS_SECRET
// What may stand between a name and its value: quotes, blanks, assignment and argument
// punctuation, XML's `>`, escaped quotes in JSON strings. Letters may not: `secret_key_file = …`
// names something else.
const GLUE = `[\\s"'\`\\\\:=>(),\\[\\]]{1,12}`;

const NAME_THEN_VALUE = new RegExp(`${NAME}${GLUE}$`);
// new BasicAWSCredentials("AKIA…", "…"), AwsBasicCredentials.create(…), credentials.NewStaticCredentials(…)
const CREDENTIALS_CALL_THEN_VALUE =
  /Credentials\w*(?:\.create)?\(\s*["'](?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z2-7]{16}["']\s*,\s*["']$/;
// Kubernetes and ECS environment entries put the name and the value on consecutive lines:
//   - name: AWS_SECRET_ACCESS_KEY            "name": "AWS_SECRET_ACCESS_KEY",
//     value: "…"                             "value": "…"
const NAME_ENDS_LINE = new RegExp(`${NAME}["']?,?\\s*$`);
const VALUE_STARTS_LINE = /^\s*-?\s*["']?(?:value|Value|VALUE)["']?\s*[:=]\s*["']?$/;

/** Offsets of every secret word in the text, in order: where named secrets can be. */
export function findSecretWords(text: string): number[] {
  const offsets: number[] = [];
  for (const word of SECRET_WORDS) {
    for (let i = text.indexOf(word); i !== -1; i = text.indexOf(word, i + word.length)) offsets.push(i);
  }
  return offsets.sort((a, b) => a - b);
}

// A name further back than this on the line is not the value's name.
const MAX_PREFIX = 160;

/**
 * Whether the value starting at `index` is assigned to a secret-like name: on its own line,
 * or, for `value:` entries, on the line before.
 */
export function isAssignedToSecretName(text: string, index: number): boolean {
  const lineStart = text.lastIndexOf('\n', index - 1) + 1;
  const prefix = text.slice(Math.max(lineStart, index - MAX_PREFIX), index);
  if (NAME_THEN_VALUE.test(prefix) || CREDENTIALS_CALL_THEN_VALUE.test(prefix)) return true;
  if (lineStart === 0 || !VALUE_STARTS_LINE.test(prefix)) return false;
  const previousStart = text.lastIndexOf('\n', lineStart - 2) + 1;
  const previousLine = text.slice(Math.max(previousStart, lineStart - 1 - MAX_PREFIX), lineStart - 1);
  return NAME_ENDS_LINE.test(previousLine);
}
