// The users of the scanned root, from its own /etc/passwd (never the scanning machine's):
// their home directories say where to look for ~/.aws and tools' configs, and their IDs
// name the owners of files and processes.

export interface PasswdUser {
  name: string;
  uid: number;
  home: string;
}

/** Parses passwd(5) lines (`name:x:uid:gid:gecos:home:shell`); malformed lines are skipped. */
export function parsePasswd(text: string): PasswdUser[] {
  const users: PasswdUser[] = [];
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || line.trim() === '') continue;
    const fields = line.split(':');
    if (fields.length < 7) continue;
    const [name, , uidText, , , home] = fields;
    const uid = Number(uidText);
    if (!name || !Number.isSafeInteger(uid) || uid < 0 || !home?.startsWith('/')) continue;
    users.push({ name, uid, home });
  }
  return users;
}

/** User names by ID; the first entry for an ID wins, as getpwuid(3) does. */
export function namesById(users: readonly PasswdUser[]): Map<number, string> {
  const names = new Map<number, string>();
  for (const user of users) if (!names.has(user.uid)) names.set(user.uid, user.name);
  return names;
}
