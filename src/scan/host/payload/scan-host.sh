#!/bin/sh
# keyshift host payload, protocol 1: the checks of `keyshift scan host`, self-contained, for
# machines keyshift reaches only through a remote shell (SSM Run Command). POSIX sh, awk,
# sed, grep, find, tr, head, wc, stat or ls, readlink or ls, and sha256sum (or openssl).
#
#   sh scan-host.sh [--no-processes] [--app-dir DIR]... [--max-file-size BYTES] [ROOT]
#
# It does not decide what is a finding. It finds the files `scan host` reads (every user's
# ~/.aws, tools' configs, /etc/environment and /etc/default, systemd units with an
# environment, compose and .env files in the application directories, crontabs, the files
# these name, /proc/PID/environ and cmdline) and prints, as JSON lines, a *redacted
# skeleton* of each: the lines that matter, at their line numbers, with names, sections,
# punctuation and the values keyshift needs to follow (AWS_PROFILE, EnvironmentFile=,
# env_file:, source_profile ...) kept, key IDs kept, every secret candidate replaced by
# <SOH>12 hex of its SHA-256<SOH>, and every other run of letters and digits replaced by
# `x`. Each secret's shape (character counts, class changes, word letters, case, alphabet
# runs, whether its base64 decodes to text) comes with its fingerprint, so keyshift can apply
# its entropy rules without it. keyshift rebuilds the skeleton and runs its own scanner on
# it (src/scan/host/payload/parse-payload-output.ts). No secret, and no value other than
# those named above, leaves the host.
#
# Records ("t"): start, user, dir, link, special, secret, file, process, problem, end. The
# `end` record carries the counters; output without it was cut short.

set -u
LC_ALL=C
export LC_ALL
umask 077

ks_processes=1
ks_max=1048576
ks_app_dirs=
ks_root=/
while [ $# -gt 0 ]; do
  case $1 in
    --no-processes) ks_processes=0 ;;
    --app-dir) [ $# -ge 2 ] || { echo 'scan-host.sh: --app-dir needs a directory' >&2; exit 2; }; shift; ks_app_dirs="$ks_app_dirs$1
" ;;
    --max-file-size) [ $# -ge 2 ] || { echo 'scan-host.sh: --max-file-size needs a number' >&2; exit 2; }; shift; ks_max=$1 ;;
    --) shift; [ $# -gt 0 ] && ks_root=$1; break ;;
    -*) echo "scan-host.sh: unknown option $1" >&2; exit 2 ;;
    *) ks_root=$1 ;;
  esac
  shift
done
[ -n "$ks_app_dirs" ] || ks_app_dirs='/srv
/opt
/var/www
/app
/home/*
/root
'
case $ks_max in '' | *[!0-9]*) echo 'scan-host.sh: --max-file-size must be a number of bytes' >&2; exit 2 ;; esac

ks_root_real=$(cd "$ks_root" 2>/dev/null && pwd -P) || { echo "scan-host.sh: cannot read the root $ks_root" >&2; exit 3; }
[ "$ks_root_real" = / ] && ks_root_real=

ks_tmp=$(mktemp -d 2>/dev/null) || ks_tmp=/tmp/keyshift-payload.$$
[ -d "$ks_tmp" ] || mkdir "$ks_tmp" || { echo 'scan-host.sh: cannot make a private directory' >&2; exit 3; }
trap 'rm -rf "$ks_tmp"' EXIT
trap 'exit 130' INT TERM HUP

# A SHA-256 of stdin: only the first 12 hex digits are used.
if command -v sha256sum >/dev/null 2>&1; then ks_hash=sha256sum
elif command -v openssl >/dev/null 2>&1; then ks_hash='openssl dgst -sha256 -r'
elif command -v shasum >/dev/null 2>&1; then ks_hash='shasum -a 256'
else echo 'scan-host.sh: no SHA-256 tool (sha256sum, openssl or shasum)' >&2; exit 3
fi

# The payload's own processes are not workloads: they carry this in their environment.
KEYSHIFT_PAYLOAD_RUN=$$.$(date +%s 2>/dev/null)
export KEYSHIFT_PAYLOAD_RUN

# Records go to descriptor 3: the functions below print lists on stdout for the caller.
exec 3>&1

n_files=0 n_bytes=0 n_binary=0 n_large=0 n_unreadable=0
p_seen=0 p_scanned=0 p_denied=0 p_gone=0
ks_done='
'
ks_links='
'

# --- JSON -------------------------------------------------------------------------------

# A JSON string; the slow path only for backslashes, quotes and control or non-ASCII bytes.
json() {
  case $1 in
    *[\\\"]* | *[![:print:]]*) printf '%s' "$1" | awk -f "$ks_tmp/json.awk" ;;
    *) printf '"%s"' "$1" ;;
  esac
}

problem() { # path reason message
  printf '{"t":"problem","path":%s,"reason":"%s","message":"%s"}\n' "$(json "$1")" "$2" "$3" >&3
}

# --- paths within the root --------------------------------------------------------------

# Follows a path within the root the way a chroot does: an absolute link target starts again
# at the root, `..` stops at it. Prints each link met (the skeleton needs it). Sets r_kind
# (found, missing, loop) and r_path (the path within the root, links resolved).
resolve() {
  r_done= r_todo=$1 r_links=0
  while :; do
    while :; do case $r_todo in /*) r_todo=${r_todo#/} ;; *) break ;; esac; done
    [ -n "$r_todo" ] || break
    case $r_todo in */*) r_name=${r_todo%%/*} r_todo=${r_todo#*/} ;; *) r_name=$r_todo r_todo= ;; esac
    case $r_name in
      .) continue ;;
      ..) r_done=${r_done%/*}; continue ;;
    esac
    r_real=$ks_root_real$r_done/$r_name
    if [ -L "$r_real" ]; then
      r_links=$((r_links + 1))
      [ "$r_links" -le 40 ] || { r_kind=loop; return; }
      r_target=$(readlink "$r_real" 2>/dev/null) || r_target=$(ls -ld "$r_real" 2>/dev/null | sed 's/.* -> //')
      [ -n "$r_target" ] || { r_kind=missing; return; }
      case $ks_links in *"
$r_done/$r_name
"*) ;; *)
        ks_links="$ks_links$r_done/$r_name
"
        printf '{"t":"link","path":%s,"target":%s}\n' "$(json "$r_done/$r_name")" "$(json "$r_target")" >&3 ;;
      esac
      case $r_target in /*) r_done= ;; esac
      if [ -n "$r_todo" ]; then r_todo=$r_target/$r_todo; else r_todo=$r_target; fi
      continue
    fi
    if [ -e "$r_real" ]; then
      if [ -n "$r_todo" ] && [ ! -d "$r_real" ]; then r_kind=missing; return; fi
      r_done=$r_done/$r_name
    else
      r_kind=missing
      return
    fi
  done
  r_kind=found
  r_path=${r_done:-/}
}

# The entries of a directory within the root, one a line as KIND<tab>PATH (PATH as asked
# for, KIND d for a directory in its own right, else f: a link to a directory is not one,
# as readdir says); none when it is missing. Hidden entries too.
list_dir() {
  resolve "$1"
  [ "$r_kind" = found ] && [ -d "$ks_root_real$r_path" ] || return 0
  l_real=$ks_root_real$r_path
  for l_entry in "$l_real"/* "$l_real"/.[!.]* "$l_real"/..?*; do
    [ -e "$l_entry" ] || [ -L "$l_entry" ] || continue
    if [ -d "$l_entry" ] && [ ! -L "$l_entry" ]; then l_kind=d; else l_kind=f; fi
    printf '%s\t%s\n' "$l_kind" "${1%/}/${l_entry##*/}"
  done
}

ks_tab=$(printf '\t')

# --- files ------------------------------------------------------------------------------

# scan_file PATH FORMAT [awk assignments...]: reads a text file once, however many paths
# lead to it, and prints its skeleton. Formats: ini env systemd cron compose s3fs.
scan_file() {
  f_path=$1 f_fmt=$2
  shift 2
  resolve "$f_path"
  case $r_kind in
    missing) return 0 ;;
    loop) problem "$f_path" symlink-loop 'too many levels of symbolic links; not followed'; return 0 ;;
  esac
  f_real=$ks_root_real$r_path
  if [ ! -f "$f_real" ]; then
    # a device or FIFO would block or never end; the skeleton still needs to know it is there
    [ -d "$f_real" ] || printf '{"t":"special","path":%s}\n' "$(json "$r_path")" >&3
    return 0
  fi
  case $ks_done in *"
$r_path
"*) return 0 ;; esac
  ks_done="$ks_done$r_path
"
  n_files=$((n_files + 1))
  if [ ! -r "$f_real" ]; then
    n_unreadable=$((n_unreadable + 1))
    problem "$f_path" unreadable 'cannot read: permission denied'
    return 0
  fi
  f_size=$(wc -c <"$f_real" 2>/dev/null | tr -d ' ')
  [ -n "$f_size" ] || f_size=0
  if [ "$f_size" -gt "$ks_max" ]; then n_large=$((n_large + 1)); return 0; fi
  # a NUL byte in the first 8 KiB marks a binary file, as in scan repo
  if [ "$(head -c 8192 "$f_real" | tr -d '\000' | wc -c | tr -d ' ')" != "$(head -c 8192 "$f_real" | wc -c | tr -d ' ')" ]; then
    n_binary=$((n_binary + 1))
    return 0
  fi
  f_meta=$(stat -c '%u %a' "$f_real" 2>/dev/null) || f_meta=$(ls -ln "$f_real" | awk '{ print $3, $1 }')
  : >"$ks_tmp/refs"
  if awk -f "$ks_tmp/scan.awk" -v fmt="$f_fmt" -v path="$r_path" -v asked="$f_path" -v meta="$f_meta" \
    -v hashcmd="$ks_hash" -v tmp="$ks_tmp" -v refs="$ks_tmp/refs" "$@" "$f_real" >&3; then
    n_bytes=$((n_bytes + f_size))
  fi
  follow_refs "$f_path"
}

# Files a file names: EnvironmentFile= (env), compose env_file (relative to its directory),
# AWS_SHARED_CREDENTIALS_FILE and AWS_CONFIG_FILE (~ and $HOME are each user's home).
follow_refs() {
  [ -s "$ks_tmp/refs" ] || return 0
  mv "$ks_tmp/refs" "$ks_tmp/refs.$$.$n_files"
  while IFS=$ks_tab read -r fr_kind fr_value; do
    case $fr_kind in
      env) case $fr_value in /*) scan_file "$fr_value" env ;; esac ;;
      compose-env)
        case $fr_value in /*) scan_file "$fr_value" env ;; *) scan_file "${1%/*}/$fr_value" env ;; esac ;;
      aws)
        case $fr_value in
          /*) scan_file "$fr_value" ini ;;
          '~' | '~/'* | '$HOME' | '$HOME/'* | '${HOME}' | '${HOME}/'*)
            fr_rest=${fr_value#\~}
            [ "$fr_rest" = "$fr_value" ] && fr_rest=${fr_value#\$HOME}
            [ "$fr_rest" = "$fr_value" ] && fr_rest=${fr_value#\$\{HOME\}}
            for fr_home in $ks_homes; do scan_file "$fr_home$fr_rest" ini; done ;;
        esac ;;
    esac
  done <"$ks_tmp/refs.$$.$n_files"
  rm -f "$ks_tmp/refs.$$.$n_files"
}

# --- the awk programs -------------------------------------------------------------------

cat >"$ks_tmp/json.awk" <<'AWK'
BEGIN { for (i = 1; i < 32; i++) CTL[sprintf("%c", i)] = sprintf("\\u%04x", i) }
{ s = (NR > 1 ? s "\n" : "") $0 }
END {
  o = ""
  for (i = 1; i <= length(s); i++) {
    c = substr(s, i, 1)
    if (c == "\\" || c == "\"") o = o "\\" c
    else if (c in CTL) o = o CTL[c]
    else o = o c
  }
  printf "\"%s\"", o
}
AWK

cat >"$ks_tmp/scan.awk" <<'AWK'
# One file (or one process) per run. -v fmt, path (resolved, within the root), asked,
# meta ("uid mode"), hashcmd, tmp, refs; syscron=1 for system crontabs; for processes: pid,
# status (the status file), environ=0 when it could not be read.
BEGIN {
  for (i = 1; i < 256; i++) ORD[sprintf("%c", i)] = i
  for (i = 1; i < 32; i++) CTL[sprintf("%c", i)] = sprintf("\\u%04x", i)
  B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
  KID = "(AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])"
  for (i = 0; i < 16; i++) KID = KID "[A-Z2-7]"
  HIGH = "[" sprintf("%c", 128) "-" sprintf("%c", 255) "]"
  CTLRE = "[" sprintf("%c", 1) "-" sprintf("%c", 31) "]"
  BOM = sprintf("%c%c%c", 239, 187, 191)
  SOH = sprintf("%c", 1)
  PLAINRUN = "[A-Za-z0-9+/]+"
  UNITRUN = "([A-Za-z0-9+/]|%2[BbFf]|\\\\/)+"
  IDENT = "[A-Za-z_][A-Za-z0-9_]*"
  split("AWS_PROFILE AWS_DEFAULT_PROFILE AWS_SHARED_CREDENTIALS_FILE AWS_CONFIG_FILE AWS_EC2_METADATA_DISABLED", c, " ")
  for (i in c) CONTROL[c[i]] = 1
  AWSFILE["AWS_SHARED_CREDENTIALS_FILE"] = 1
  AWSFILE["AWS_CONFIG_FILE"] = 1
  HASHFILE = tmp "/hash"
  HASHCMD = hashcmd " > '" HASHFILE "'"
  nout = 0; bad = 0; part = 0; nenv = 0; narg = 0; cont = 0; ctx = ""; ctxind = -1
  if (fmt == "process") { FS = "\n" }
}

# --- text -------------------------------------------------------------------------------

function jstr(s,    o, i, c) {
  if (s !~ /[\\"]/ && s !~ CTLRE) return "\"" s "\""
  o = ""
  for (i = 1; i <= length(s); i++) {
    c = substr(s, i, 1)
    if (c == "\\" || c == "\"") o = o "\\" c
    else if (c in CTL) o = o CTL[c]
    else o = o c
  }
  return "\"" o "\""
}

# Whether a line is UTF-8 as a strict decoder sees it (no overlongs, surrogates, > U+10FFFF).
function utf8ok(s,    n, i, b, need, lo, hi, k, c) {
  n = length(s); i = 1
  while (i <= n) {
    b = ORD[substr(s, i, 1)]
    if (b < 128) { i++; continue }
    if (b >= 194 && b <= 223) { need = 1; lo = 128; hi = 191 }
    else if (b == 224) { need = 2; lo = 160; hi = 191 }
    else if ((b >= 225 && b <= 236) || b == 238 || b == 239) { need = 2; lo = 128; hi = 191 }
    else if (b == 237) { need = 2; lo = 128; hi = 159 }
    else if (b == 240) { need = 3; lo = 144; hi = 191 }
    else if (b >= 241 && b <= 243) { need = 3; lo = 128; hi = 191 }
    else if (b == 244) { need = 3; lo = 128; hi = 143 }
    else return 0
    if (i + need > n) return 0
    c = ORD[substr(s, i + 1, 1)]
    if (c < lo || c > hi) return 0
    for (k = 2; k <= need; k++) { c = ORD[substr(s, i + k, 1)]; if (c < 128 || c > 191) return 0 }
    i += need + 1
  }
  return 1
}

function trim(s) { sub(/^[ \t\r]+/, "", s); sub(/[ \t\r]+$/, "", s); return s }

# --- credentials in a line: what src/detect looks for, by the same rules ------------------

# A key ID starts a word: no letter or digit before it, unless an escape (\n, \r, \t) is.
function startsword(s, p,    b) {
  if (p == 1) return 1
  b = substr(s, p - 1, 1)
  if (b !~ /[A-Za-z0-9]/) return 1
  return p > 2 && substr(s, p - 2, 1) == "\\" && b ~ /[nrt]/
}

function addtoken(a, e, kind, value,    k, j) {
  # tokens stay ordered by start
  k = NT + 1
  while (k > 1 && TKS[k - 1] > a) { TKS[k] = TKS[k - 1]; TKE[k] = TKE[k - 1]; TKT[k] = TKT[k - 1]; TKV[k] = TKV[k - 1]; k-- }
  TKS[k] = a; TKE[k] = e; TKT[k] = kind; TKV[k] = value; NT++
}

# Key IDs and 40-character secret candidates of a line, as src/detect finds them: key IDs
# on word boundaries (documentation examples only block secrets that overlap them); secrets
# as a whole base64 run of 40 (plain, or with %2B %2F \/ escapes), not hex, not an example.
function tokenize(s,    pos, p, nk, kid, esc, pat, a, run, dec, prev, skip, after, secret, ws, k, hit) {
  NT = 0; nk = 0
  pos = 1
  while (pos <= length(s) && match(substr(s, pos), KID)) {
    p = pos + RSTART - 1
    if (substr(s, p + 20, 1) ~ /[A-Za-z0-9]/) { pos = p + 1; continue }
    if (startsword(s, p)) {
      kid = substr(s, p, 20)
      KSTART[++nk] = p
      if (substr(kid, 14) != "EXAMPLE") addtoken(p, p + 20, "k", kid)
    }
    pos = p + 20
  }
  esc = index(s, "%2") > 0 || index(s, "\\/") > 0
  pat = esc ? UNITRUN : PLAINRUN
  pos = 1
  while (pos <= length(s) && match(substr(s, pos), pat)) {
    a = pos + RSTART - 1; run = substr(s, a, RLENGTH); pos = a + RLENGTH
    if (RLENGTH < 40) continue
    dec = run
    if (esc) { gsub(/%2[Bb]/, "+", dec); gsub(/%2[Ff]/, "/", dec); gsub(/\\\//, "/", dec) }
    prev = a > 1 ? substr(s, a - 1, 1) : ""
    skip = 0
    if (prev == "%" && substr(run, 1, 2) ~ /^3[Dd]$/) skip = 2
    else if (prev == "\\" && substr(run, 1, 1) ~ /^[nrt]$/) skip = 1
    else if (prev == "%" || prev == "\\") continue
    if (length(dec) - skip != 40) continue
    after = substr(s, pos, 3)
    if (substr(after, 1, 1) == "=" || after ~ /^%3[Dd]/) continue
    secret = substr(dec, skip + 1)
    if (secret ~ /^[0-9A-Fa-f]+$/ || substr(secret, 31) == "EXAMPLEKEY") continue
    ws = a + skip
    hit = 0
    for (k = 1; k <= nk; k++) if (KSTART[k] < pos && KSTART[k] + 20 > ws) hit = 1
    if (hit) continue
    addtoken(ws, pos, "s", fingerprint(secret))
  }
}

# The secret's fingerprint (12 hex of its SHA-256), its shape printed once. The secret goes
# to the hash tool on a pipe, never on a command line or to a file.
function fingerprint(secret,    line, fp) {
  if (secret in FP) return FP[secret]
  printf "%s", secret | HASHCMD
  close(HASHCMD)
  line = ""
  getline line < HASHFILE
  close(HASHFILE)
  fp = substr(line, 1, 12)
  if (fp !~ /^[0-9a-f]+$/ || length(fp) != 12) { print "scan-host.sh: the SHA-256 tool failed" > "/dev/stderr"; exit 3 }
  FP[secret] = fp
  if (!(fp in SHOWN)) { SHOWN[fp] = 1; print shape(secret, fp) }
  return fp
}

function classof(c) { return c ~ /[A-Z]/ ? 0 : c ~ /[a-z]/ ? 1 : c ~ /[0-9]/ ? 2 : 3 }

# What src/detect/entropy.ts needs to judge a 40-character secret, and nothing more: the
# count of each distinct character in order of first appearance (not which characters they
# are), class changes, letters in lower-case runs, mixed case, an alphabet run of six, and
# whether its base64 decodes to printable text.
function shape(x, fp,    i, c, n, counts, order, changes, prevc, cur, wl, run, mixed, arun, r, v, b, text, j, q) {
  split("", CNT); n = 0
  for (i = 1; i <= 40; i++) { c = substr(x, i, 1); if (!(c in CNT)) { order[++n] = c; CNT[c] = 0 }; CNT[c]++ }
  counts = ""
  for (i = 1; i <= n; i++) counts = counts (i > 1 ? "," : "") CNT[order[i]]
  changes = 0; prevc = 3
  for (i = 1; i <= 40; i++) {
    cur = classof(substr(x, i, 1))
    if (cur == 3) changes++
    else if (prevc != 3 && prevc != cur) changes++
    prevc = cur
  }
  wl = 0; run = 0
  for (i = 1; i <= 41; i++) {
    if (i <= 40 && substr(x, i, 1) ~ /[a-z]/) run++
    else { if (run >= 3) wl += run; run = 0 }
  }
  mixed = (x ~ /[A-Z]/ && x ~ /[a-z]/) ? "true" : "false"
  arun = "false"; r = 1
  for (i = 2; i <= 40; i++) { r = ORD[substr(x, i, 1)] == ORD[substr(x, i - 1, 1)] + 1 ? r + 1 : 1; if (r >= 6) arun = "true" }
  text = "true"
  for (i = 1; i <= 40; i += 4) {
    for (j = 0; j < 4; j++) q[j] = index(B64, substr(x, i + j, 1)) - 1
    b[0] = q[0] * 4 + int(q[1] / 16); b[1] = (q[1] % 16) * 16 + int(q[2] / 4); b[2] = (q[2] % 4) * 64 + q[3]
    for (j = 0; j < 3; j++) if (!((b[j] >= 32 && b[j] < 127) || b[j] == 9 || b[j] == 10 || b[j] == 13)) text = "false"
  }
  return "{\"t\":\"secret\",\"fp\":\"sha256:" fp "\",\"counts\":[" counts "],\"classChanges\":" changes ",\"wordLetters\":" wl ",\"mixedCase\":" mixed ",\"alphabetRun\":" arun ",\"decodesToText\":" text "}"
}

# --- redaction ----------------------------------------------------------------------------

function keep(a, e,    i) { for (i = a; i < e; i++) KEEP[i] = 1 }

function keepall(s, re, from,    pos, p) {
  pos = from > 0 ? from : 1
  while (pos <= length(s) && match(substr(s, pos), re)) {
    p = pos + RSTART - 1
    keep(p, p + RLENGTH)
    pos = p + (RLENGTH > 0 ? RLENGTH : 1)
  }
}

# What every format keeps: escapes that decide where a key starts or ends, the words secret
# names are made of (they name, they are not secrets), `value` (Kubernetes-style name/value
# lines) and a credentials call's name.
function keepcommon(s) {
  keepall(s, "%(2[BbFf]|3[Dd])")
  keepall(s, "\\\\.")
  if (s ~ /secret|Secret|SECRET/) keepall(s, "secret|Secret|SECRET|access|Access|ACCESS|key|Key|KEY|aws|Aws|AWS")
  keepall(s, "value|Value|VALUE")
  if (NT > 0) keepall(s, "Credentials|create")
}

# The line as the skeleton has it: tokens (key IDs as they are, secrets as placeholders),
# kept characters, punctuation and blanks as they are; every other run of letters and
# digits one `x`, every other non-ASCII character one `.`.
function redact(s,    o, i, k, c, b, lastx, n) {
  o = ""; lastx = 0; k = 1; n = length(s); i = 1
  while (i <= n) {
    if (k <= NT && TKS[k] == i) {
      o = o (TKT[k] == "k" ? TKV[k] : SOH TKV[k] SOH); i = TKE[k]; k++; lastx = 0; continue
    }
    c = substr(s, i, 1); b = ORD[c]
    if (b >= 128) { if (b >= 192) { o = o "."; lastx = 0 } }
    else if ((b < 32 && b != 9 && b != 13) || b == 127) { o = o "."; lastx = 0 }
    else if (i in KEEP) { o = o c; lastx = 0 }
    else if (c ~ /[A-Za-z0-9]/) { if (!lastx) o = o "x"; lastx = 1 }
    else { o = o c; lastx = 0 }
    i++
  }
  return o
}

function emit(n, s) { OUT[++nout] = "[" n "," jstr(redact(s)) "]" }

function ref(kind, value) { if (value != "") printf "%s\t%s\n", kind, value > refs }

# A value as an env file writes it: quoted (single: literal; double: with escapes) or bare
# up to a ` #` comment.
function envvalue(w,    q, e, c) {
  q = substr(w, 1, 1)
  if (q == "'") { e = index(substr(w, 2), "'"); return e ? substr(w, 2, e - 1) : substr(w, 2) }
  if (q == "\"") { w = substr(w, 2); e = index(w, "\""); return e ? substr(w, 1, e - 1) : w }
  c = match(w, /[ \t]#/)
  return trim(c ? substr(w, 1, c - 1) : w)
}

# NAME=value at the start of `s` (after `from`), as env files, crontabs and environ write
# it: keeps the name, and the value too when it is one keyshift must follow.
function assignment(s, from, re,    rest, eq, name, vstart) {
  rest = substr(s, from)
  if (!match(rest, re)) return 0
  eq = index(substr(rest, 1, RLENGTH), "=")
  name = trim(substr(rest, 1, eq - 1))
  sub(/^export[ \t]+/, "", name)
  keep(from, from + RLENGTH)
  vstart = from + RLENGTH
  if (name in CONTROL) {
    keep(vstart, length(s) + 1)
    if (name in AWSFILE) ref("aws", envvalue(substr(s, vstart)))
  }
  return 1
}

# --- formats ------------------------------------------------------------------------------

# ~/.aws files and tools' INI files: headers and keys kept, source_profile's value kept.
function ini(s,    t, eq, co, d, key) {
  t = trim(s)
  if (t == "") return
  if (t ~ /^[#;]/) { if (NT > 0 || s ~ /secret|Secret|SECRET/) emit(NR, s); return }
  if (match(s, /^[ \t]*\[[^]]*\]/)) { keep(1, RLENGTH + 1); emit(NR, s); return }
  eq = index(s, "="); co = index(s, ":")
  d = eq == 0 ? co : co == 0 ? eq : (eq < co ? eq : co)
  if (d > 0) {
    key = tolower(trim(substr(s, 1, d - 1)))
    keep(1, d + 1)
    if (key == "source_profile") keep(d + 1, length(s) + 1)
  }
  emit(NR, s)
}

# /etc/environment, /etc/default/*, EnvironmentFile=, env_file and .env files.
function env(s) {
  if (assignment(s, 1, "^[ \t]*(export[ \t]+)?[A-Za-z_][A-Za-z0-9_.-]*[ \t]*=[ \t]*")) emit(NR, s)
  else if (NT > 0 || s ~ /secret|Secret|SECRET/) emit(NR, s)
}

# Environment= words: each NAME= kept, and the values keyshift follows.
function environmentwords(s, from,    i, n, c, q, start, word, eq, name, v) {
  n = length(s); i = from
  while (i <= n) {
    while (i <= n && substr(s, i, 1) ~ /[ \t]/) i++
    if (i > n) break
    start = i; q = ""
    while (i <= n) {
      c = substr(s, i, 1)
      if (q == "" && c ~ /[ \t]/) break
      if (q == "" && (c == "\"" || c == "'")) q = c
      else if (q != "" && c == q) q = ""
      else if (c == "\\" && q != "'") i++
      i++
    }
    word = substr(s, start, i - start)
    v = word; gsub(/["']/, "", v)
    if (match(v, "^" IDENT "=")) {
      name = substr(v, 1, RLENGTH - 1)
      eq = index(word, "=")
      keep(start, start + eq)
      if (name in CONTROL) {
        keep(start, i)
        if (name in AWSFILE) ref("aws", substr(v, RLENGTH + 1))
      }
    }
  }
}

# systemd units and drop-ins: every line of a unit with an environment is kept in shape;
# Environment=, EnvironmentFile= and User= in full (values: see above).
function systemd(s,    t, eq, key, v) {
  t = trim(s)
  if (t == "") { cont = 0; return }
  if (cont) {
    if (cont == 2) environmentwords(s, 1)
    cont = s ~ /\\\r?$/ ? cont : 0
    emit(NR, s); return
  }
  if (t ~ /^[#;]/) { if (NT > 0 || s ~ /secret|Secret|SECRET/) emit(NR, s); return }
  if (s ~ /^[ \t]*\[[^]]+\][ \t\r]*$/) { keep(1, length(s) + 1); emit(NR, s); return }
  eq = index(s, "=")
  if (eq > 0) {
    key = trim(substr(s, 1, eq - 1))
    if (key == "Environment") { keep(1, eq + 1); environmentwords(s, eq + 1) }
    else if (key == "EnvironmentFile" || key == "User") {
      keep(1, length(s) + 1)
      if (key == "EnvironmentFile") {
        v = trim(substr(s, eq + 1)); sub(/^-/, "", v); v = trim(v)
        if (v ~ /^\// && v !~ /%/) ref("env", v)
      }
    }
    cont = s ~ /\\\r?$/ ? (key == "Environment" ? 2 : 1) : 0
  }
  emit(NR, s)
}

# Crontabs: NAME=value lines, and variables set in a job's command (`A=1 cmd`, `export A=1;`).
# A system crontab's user field is kept: it says whose ~/.aws the job reads.
function cron(s,    t, off, pos, re, p, len, nm, vs, v, q, e, vl, found) {
  t = trim(s)
  if (t == "" || t ~ /^#/) { if (NT > 0 || s ~ /secret|Secret|SECRET/) emit(NR, s); return }
  if (assignment(s, 1, "^[ \t]*" IDENT "[ \t]*=[ \t]*")) { emit(NR, s); return }
  # the schedule: an @keyword, else five fields (one at a time: awk takes the longest match
  # of an alternation, JavaScript the first, and crontab.ts is JavaScript)
  if (!match(s, /^[ \t]*@[A-Za-z0-9_]+[ \t]+/) && !match(s, /^[ \t]*[^ \t]+[ \t]+[^ \t]+[ \t]+[^ \t]+[ \t]+[^ \t]+[ \t]+[^ \t]+[ \t]+/)) {
    if (NT > 0 || s ~ /secret|Secret|SECRET/) emit(NR, s)
    return
  }
  off = RLENGTH + 1
  if (syscron == 1) {
    if (!match(substr(s, off), /^[^ \t]+[ \t]+/)) return
    keep(off, off + RLENGTH); off += RLENGTH
  }
  found = 0; pos = off
  while (pos <= length(s)) {
    re = "[ \t;&|(](export[ \t]+)?" IDENT "="
    if (pos == off) re = "^(export[ \t]+)?" IDENT "=|" re
    if (!match(substr(s, pos), re)) break
    p = pos + RSTART - 1; len = RLENGTH
    if (substr(s, p, 1) ~ /[ \t;&|(]/) { p++; len-- }
    nm = substr(s, p, len - 1); sub(/^export[ \t]+/, "", nm)
    keep(p, p + len)
    vs = p + len; v = substr(s, vs); q = substr(v, 1, 1)
    e = (q == "\"" || q == "'") ? index(substr(v, 2), q) : 0
    if (e) vl = e + 1
    else { match(v, /^[^ \t;&|)]*/); vl = RLENGTH }
    if (nm in CONTROL) {
      keep(vs, vs + vl)
      if (nm in AWSFILE) ref("aws", e ? substr(v, 2, e - 1) : substr(v, 1, vl))
    }
    found = 1; pos = vs + vl
  }
  if (found || NT > 0 || s ~ /secret|Secret|SECRET/) emit(NR, s)
}

# docker-compose files: the YAML's shape (indentation, keys, punctuation, anchors, aliases,
# tags, ${VAR} references, null) kept; environment names and env_file paths kept, in block
# and one-line flow forms.
function compose(s,    ind, t, item, vstart, key, rest, v, n, parts, i, p) {
  match(s, /^[ ]*/); ind = RLENGTH; t = substr(s, ind + 1)
  if (trim(t) == "") return
  if (t ~ /^%/) { keep(1, length(s) + 1); emit(NR, s); return }
  item = t ~ /^-([ \t]|$)/
  if (t !~ /^#/ && ctx != "" && (ind < ctxind || (ind == ctxind && !item))) ctx = ""
  keepall(s, "[A-Za-z0-9_][A-Za-z0-9_.-]*[\"']?[ \t]*:([] \t,}]|$)")
  keepall(s, "(^|[[ \t,{])[&*!]+[^][ \t,{}]+")
  keepall(s, "\\$\\{?" IDENT)
  keepall(s, "\\\\[xuU][0-9A-Fa-f]+")
  keepall(s, "(^|[^A-Za-z0-9_])(null|Null|NULL)([^A-Za-z0-9_]|$)")
  if (match(s, "^[ ]*(-[ \t]+)?[\"']?[A-Za-z0-9_][A-Za-z0-9_.-]*[\"']?[ \t]*:([ \t]+|$)")) {
    vstart = RLENGTH + 1
    key = substr(s, 1, RLENGTH); sub(/^[ ]*(-[ \t]+)?["']?/, "", key); sub(/["']?[ \t]*:[ \t]*$/, "", key)
    rest = substr(s, vstart); v = rest; sub(/[ \t]+#.*$/, "", v); v = trim(v)
    if (key == "env_file") {
      if (v == "") { ctx = "env_file"; ctxind = ind }
      else {
        keep(vstart, length(s) + 1)
        gsub(/^\[|\]$/, "", v); n = split(v, parts, ",")
        for (i = 1; i <= n; i++) { p = trim(parts[i]); gsub(/^["']|["']$/, "", p); ref("compose-env", p) }
      }
    } else if (key == "environment") {
      if (v == "") { ctx = "environment"; ctxind = ind }
      else if (v ~ /^\[/) keepall(s, "[[,][ \t]*[\"']?" IDENT, vstart)
    } else if (ctx == "env_file" && (key == "path" || key == "required")) {
      keep(vstart, length(s) + 1)
      if (key == "path") { gsub(/^["']|["']$/, "", v); ref("compose-env", v) }
    } else if (key in CONTROL) {
      keep(vstart, length(s) + 1)
      if (key in AWSFILE) { gsub(/^["']|["']$/, "", v); ref("aws", v) }
    }
  } else if (item && match(s, /^[ ]*-[ \t]+["']?/)) {
    vstart = RLENGTH + 1
    v = substr(s, vstart); sub(/[ \t]+#.*$/, "", v); v = trim(v); sub(/["']$/, "", v)
    if (ctx == "env_file") { keep(vstart, length(s) + 1); ref("compose-env", v) }
    else if (ctx == "environment") {
      if (v ~ "^" IDENT "$") keep(vstart, vstart + length(v))
      else if (match(v, "^" IDENT "=")) {
        key = substr(v, 1, RLENGTH - 1)
        keep(vstart, vstart + RLENGTH)
        if (key in CONTROL) { keep(vstart, length(s) + 1); if (key in AWSFILE) ref("aws", substr(v, RLENGTH + 1)) }
      }
    }
  }
  emit(NR, s)
}

# s3fs password files: `[bucket:]KEY_ID:SECRET`; the bucket is kept.
function s3fs(s,    t, n, f) {
  t = trim(s)
  if (t == "" ) return
  if (t ~ /^#/) { if (NT > 0 || s ~ /secret|Secret|SECRET/) emit(NR, s); return }
  n = split(s, f, ":")
  if (n == 3) keep(1, length(f[1]) + 1)
  emit(NR, s)
}

# A process: environ entries that hold a credential or a variable keyshift follows, and the
# whole command line (its arguments' positions name them).
function environentry(s) {
  if (!match(s, /^[^=]+=/)) return
  if (NT == 0 && !(substr(s, 1, RLENGTH - 1) in CONTROL)) return
  keep(1, RLENGTH + 1)
  if (substr(s, 1, RLENGTH - 1) in CONTROL) {
    keep(1, length(s) + 1)
    if (substr(s, 1, RLENGTH - 1) in AWSFILE) ref("aws", substr(s, RLENGTH + 1))
  }
  ENV[++nenv] = jstr(redact(s))
}

function argument(s) {
  if (match(s, /^(-D[^=]+|--?[A-Za-z][A-Za-z0-9_.-]*|[A-Za-z_][A-Za-z0-9_]*)=/)) keep(1, RLENGTH + 1)
  else if (s ~ /^--[A-Za-z][A-Za-z0-9_.-]*$/) keep(1, length(s) + 1)
  ARG[++narg] = jstr(redact(s))
}

# --- main ---------------------------------------------------------------------------------

{
  s = $0
  if (fmt == "process") {
    if (s == SOH) { part = 1; next }
    split("", KEEP); tokenize(s); keepcommon(s)
    if (part == 0) environentry(s); else argument(s)
    next
  }
  if (NR == 1 && substr(s, 1, 3) == BOM) s = substr(s, 4)
  if (s ~ HIGH && !utf8ok(s)) { bad = 1; exit }
  split("", KEEP)
  tokenize(s)
  keepcommon(s)
  if (fmt == "ini") ini(s)
  else if (fmt == "env") env(s)
  else if (fmt == "systemd") systemd(s)
  else if (fmt == "cron") cron(s)
  else if (fmt == "compose") compose(s)
  else if (fmt == "s3fs") s3fs(s)
}

END {
  if (fmt == "process") {
    name = ""; uid = ""
    while ((getline line < status) > 0) {
      if (line ~ /^Name:/) { name = line; sub(/^Name:[ \t]*/, "", name) }
      if (line ~ /^Uid:/) { uid = line; sub(/^Uid:[ \t]*/, "", uid); sub(/[^0-9].*$/, "", uid) }
    }
    close(status)
    o = "{\"t\":\"process\",\"pid\":" pid ",\"name\":" jstr(name) ",\"uid\":" (uid == "" ? "null" : uid) ",\"environ\":"
    if (environ == 0) o = o "null"
    else { o = o "["; for (i = 1; i <= nenv; i++) o = o (i > 1 ? "," : "") ENV[i]; o = o "]" }
    o = o ",\"cmdline\":["
    for (i = 1; i <= narg; i++) o = o (i > 1 ? "," : "") ARG[i]
    print o "]}"
    exit 0
  }
  if (bad) {
    print "{\"t\":\"problem\",\"path\":" jstr(asked) ",\"reason\":\"not-utf8\",\"message\":\"not valid UTF-8; not scanned\"}"
    exit 1
  }
  split(meta, m, " ")
  mode = m[2]
  if (mode ~ /^[-dlcbps][rwxsStT-]+[.+@]?$/) mode = lsmode(mode)
  while (length(mode) < 3) mode = "0" mode
  o = "{\"t\":\"file\",\"path\":" jstr(path) ",\"uid\":" (m[1] ~ /^[0-9]+$/ ? m[1] : "null") ",\"mode\":\"0" mode "\",\"lines\":["
  for (i = 1; i <= nout; i++) o = o (i > 1 ? "," : "") OUT[i]
  print o "]}"
}

# `ls -l` permissions (-rw-r-----) as octal, where stat(1) is missing.
function lsmode(p,    v, i, c, bits) {
  v = 0; bits = substr(p, 2, 9)
  for (i = 1; i <= 9; i++) { c = substr(bits, i, 1); v = v * 2 + (c ~ /[rwxst]/ ? 1 : 0) }
  if (substr(bits, 3, 1) ~ /[sS]/) v += 2048
  if (substr(bits, 6, 1) ~ /[sS]/) v += 1024
  if (substr(bits, 9, 1) ~ /[tT]/) v += 512
  return sprintf("%o", v)
}
AWK

# --- the scan -----------------------------------------------------------------------------

ks_app_json=
while IFS= read -r a; do
  [ -n "$a" ] && ks_app_json="$ks_app_json${ks_app_json:+,}$(json "$a")"
done <<EOF_APPS
$ks_app_dirs
EOF_APPS
printf '{"t":"start","protocol":1,"root":%s,"host":%s,"processes":%s,"appDirs":[%s]}\n' \
  "$(json "${ks_root_real:-/}")" "$(json "$(uname -n 2>/dev/null)")" "$([ $ks_processes = 1 ] && echo true || echo false)" "$ks_app_json" >&3

# users: the root's own /etc/passwd, never the scanning machine's
resolve /etc/passwd
ks_passwd=
if [ "$r_kind" = found ] && [ -f "$ks_root_real$r_path" ]; then
  ks_passwd=$ks_root_real$r_path
  awk -F: 'NF >= 7 && $1 !~ /^#/ { printf "%s\t%s\t%s\n", $1, $3, $6 }' "$ks_passwd" >"$ks_tmp/users"
  while IFS=$ks_tab read -r u_name u_uid u_home; do
    case $u_uid in '' | *[!0-9]*) continue ;; esac
    printf '{"t":"user","name":%s,"uid":%s,"home":%s}\n' "$(json "$u_name")" "$u_uid" "$(json "$u_home")" >&3
  done <"$ks_tmp/users"
fi

# homes that exist in the root, /root included, each once, in passwd order
ks_homes=
for h in $( { [ -f "$ks_tmp/users" ] && cut -f3 "$ks_tmp/users"; echo /root; } | sed -e 's#//*#/#g' -e 's#/$##' -e 's#/\./#/#g'); do
  case $h in '' | / | [!/]*) continue ;; esac
  case " $ks_homes " in *" $h "*) continue ;; esac
  resolve "$h"
  [ "$r_kind" = found ] || continue
  printf '{"t":"dir","path":%s}\n' "$(json "$r_path")" >&3
  ks_homes="$ks_homes $h"
done

# ~/.aws of every user
for h in $ks_homes; do
  scan_file "$h/.aws/credentials" ini
  scan_file "$h/.aws/config" ini
done

# tools with their own keys
scan_file /etc/passwd-s3fs s3fs
scan_file /etc/boto.cfg ini
for h in $ks_homes; do
  scan_file "$h/.s3cfg" ini
  scan_file "$h/.boto" ini
  scan_file "$h/.passwd-s3fs" s3fs
  scan_file "$h/.config/rclone/rclone.conf" ini
  scan_file "$h/.rclone.conf" ini
done

# /etc/environment and /etc/default/*
scan_file /etc/environment env
list_dir /etc/default >"$ks_tmp/list"
while IFS=$ks_tab read -r k e; do [ "$k" = d ] || scan_file "$e" env; done <"$ks_tmp/list"

# systemd: the units with an environment (or a key), all their files in every directory
: >"$ks_tmp/units"
ks_unit_dirs=
for d in /etc/systemd/system /run/systemd/system /usr/local/lib/systemd/system /usr/lib/systemd/system /lib/systemd/system; do
  resolve "$d"
  [ "$r_kind" = found ] || continue
  case " $ks_unit_dirs " in *" $r_path "*) continue ;; esac
  ks_unit_dirs="$ks_unit_dirs $r_path"
  list_dir "$d" >"$ks_tmp/list"
  while IFS=$ks_tab read -r k e; do
    n=${e##*/}
    case $n in
      *.service.d | *.socket.d | *.mount.d | *.swap.d)
        [ "$k" = d ] || continue
        list_dir "$e" >"$ks_tmp/list2"
        while IFS=$ks_tab read -r k2 c; do
          case $c in *.conf) [ "$k2" = d ] || printf '%s\t%s\n' "${n%.d}" "$c" ;; esac
        done <"$ks_tmp/list2" >>"$ks_tmp/units" ;;
      *.service | *.socket | *.mount | *.swap) [ "$k" = d ] || printf '%s\t%s\n' "$n" "$e" >>"$ks_tmp/units" ;;
    esac
  done <"$ks_tmp/list"
done
: >"$ks_tmp/relevant"
while IFS=$ks_tab read -r u f; do
  resolve "$f"
  [ "$r_kind" = found ] && [ -f "$ks_root_real$r_path" ] || continue
  grep -q -E '^[[:space:]]*Environment(File)?[[:space:]]*=|AKIA|ASIA|ABIA|ACCA|A3T|[Ss]ecret|SECRET' "$ks_root_real$r_path" 2>/dev/null && printf '%s\n' "$u" >>"$ks_tmp/relevant"
done <"$ks_tmp/units"
while IFS=$ks_tab read -r u f; do
  grep -qxF "$u" "$ks_tmp/relevant" && scan_file "$f" systemd
done <"$ks_tmp/units"

# compose and .env files in the application directories (the walk of app-dirs.ts)
: >"$ks_tmp/apps"
set -f # the patterns' `*` is matched here, against the root's directories, never the cwd
printf '%s' "$ks_app_dirs" | while IFS= read -r pattern; do
  [ -n "$pattern" ] || continue
  matches=/
  for component in $(printf '%s\n' "$pattern" | tr '/' '\n'); do
    [ "$component" = . ] && continue
    next=
    for m in $matches; do
      base=${m%/}
      case $component in
        *'*'*)
          list_dir "${base:-/}" >"$ks_tmp/glob"
          while IFS=$ks_tab read -r k e; do
            n=${e##*/}
            case $n in .*) continue ;; esac
            # shellcheck disable=SC2254
            case $n in $component) [ "$k" = d ] && next="$next $base/$n" ;; esac
          done <"$ks_tmp/glob" ;;
        *) next="$next $base/$component" ;;
      esac
    done
    matches=$next
  done
  for m in $matches; do
    resolve "$m"
    [ "$r_kind" = found ] && [ -d "$ks_root_real$r_path" ] || continue
    top=$ks_root_real$r_path
    find "$top" -mindepth 1 -maxdepth 5 \( -type d \( -name .git -o -name node_modules -o -name vendor -o -name __pycache__ \
      -o -name .cache -o -name .npm -o -name .venv -o -name venv -o -name site-packages -o -name .aws \) -prune \) \
      -o \( \( -type f -o -type l \) -print \) 2>/dev/null | while IFS= read -r found; do
      printf '%s\n' "$m${found#"$top"}"
    done
  done
done >"$ks_tmp/apps"
set +f
grep -E '/\.env(\.[^/]+)?$|/[^/]+\.env$' "$ks_tmp/apps" | while IFS= read -r f; do printf 'env\t%s\n' "$f"; done >"$ks_tmp/appfiles"
grep -E '/(docker-)?compose(\.[A-Za-z0-9_-]+)*\.ya?ml$' "$ks_tmp/apps" | while IFS= read -r f; do printf 'compose\t%s\n' "$f"; done >>"$ks_tmp/appfiles"
while IFS=$ks_tab read -r kind f; do
  if [ "$kind" = compose ]; then
    scan_file "$f" compose
    scan_file "${f%/*}/.env" env
  else
    scan_file "$f" env
  fi
done <"$ks_tmp/appfiles"

# crontabs: the system's (with a user field) and the users'
scan_file /etc/crontab cron -v syscron=1
list_dir /etc/cron.d >"$ks_tmp/list"
while IFS=$ks_tab read -r k e; do
  case ${e##*/} in .*) continue ;; esac
  [ "$k" = d ] || scan_file "$e" cron -v syscron=1
done <"$ks_tmp/list"
for d in /var/spool/cron/crontabs /var/spool/cron; do
  list_dir "$d" >"$ks_tmp/list"
  while IFS=$ks_tab read -r k e; do
    case ${e##*/} in .*) continue ;; esac
    [ "$k" = d ] || scan_file "$e" cron
  done <"$ks_tmp/list"
done

# running processes
if [ "$ks_processes" = 1 ]; then
  resolve /proc
  if [ "$r_kind" = found ] && [ -d "$ks_root_real$r_path" ]; then
    proc=$ks_root_real$r_path
    for p in "$proc"/[1-9]*; do
      pid=${p##*/}
      case $pid in *[!0-9]*) continue ;; esac
      [ -d "$p" ] || continue
      [ -z "$ks_root_real" ] && [ "$pid" = $$ ] && continue
      p_seen=$((p_seen + 1))
      if [ ! -f "$p/status" ]; then p_gone=$((p_gone + 1)); continue; fi
      # As processes.ts counts them: an environment that cannot be read for a reason other
      # than the process going away (ENOENT, ESRCH: kernel threads too) is closed to us.
      readable=0
      if env_err=$( { tr '\000' '\n' <"$p/environ" >/dev/null; } 2>&1 ); then
        readable=1 p_scanned=$((p_scanned + 1))
      else
        case $env_err in
          *'No such process'* | *'No such file'*) p_scanned=$((p_scanned + 1)) ;;
          *) p_denied=$((p_denied + 1)); { tr '\000' '\n' <"$p/cmdline" >/dev/null; } 2>/dev/null || continue ;;
        esac
      fi
      if [ $readable = 1 ] && tr '\000' '\n' <"$p/environ" 2>/dev/null | grep -q "^KEYSHIFT_PAYLOAD_RUN=$KEYSHIFT_PAYLOAD_RUN\$"; then
        p_scanned=$((p_scanned - 1)) p_seen=$((p_seen - 1))
        continue
      fi
      # only processes with a credential or a variable keyshift follows are sent
      { [ $readable = 1 ] && tr '\000' '\n' <"$p/environ"; tr '\000' '\n' <"$p/cmdline"; } 2>/dev/null |
        grep -q -E 'AKIA|ASIA|ABIA|ACCA|A3T|[Ss]ecret|SECRET|AWS_PROFILE=|AWS_DEFAULT_PROFILE=|AWS_SHARED_CREDENTIALS_FILE=|AWS_CONFIG_FILE=|AWS_EC2_METADATA_DISABLED=' || continue
      : >"$ks_tmp/refs"
      { [ $readable = 1 ] && tr '\000' '\n' <"$p/environ"; printf '\001\n'; tr '\000' '\n' <"$p/cmdline"; } 2>/dev/null |
        awk -f "$ks_tmp/scan.awk" -v fmt=process -v pid="$pid" -v status="$p/status" -v environ=$readable \
          -v hashcmd="$ks_hash" -v tmp="$ks_tmp" -v refs="$ks_tmp/refs" >&3
      follow_refs /
    done
  fi
fi

printf '{"t":"end","stats":{"files":%s,"bytes":%s,"binary":%s,"tooLarge":%s,"unreadable":%s},"processes":{"seen":%s,"scanned":%s,"denied":%s,"gone":%s}}\n' \
  "$n_files" "$n_bytes" "$n_binary" "$n_large" "$n_unreadable" "$p_seen" "$p_scanned" "$p_denied" "$p_gone" >&3
