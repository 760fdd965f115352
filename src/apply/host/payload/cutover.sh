#!/bin/sh
# keyshift cutover payload, protocol 1: the host side of `keyshift apply`, `rollback` and
# `finalize`. POSIX sh, awk, sed, grep, cp, mv, chmod, mkdir, cmp, and curl or wget for the
# instance metadata; SSM Run Command carries it in keyshift's own document, the local
# executor runs it on a root filesystem of the machine keyshift runs on.
#
#   sh cutover.sh [--root ROOT] OP FIELD...   one op, given as arguments
#   sh cutover.sh [--root ROOT] <OPS          ops on stdin, one a line, fields separated by tabs
#
# ROOT (default /) is where the host's filesystem is: every path is within it and symlinks
# are followed the way a chroot would. With a ROOT other than /, nothing outside it is
# touched: restarts are written to ROOT/run/keyshift/restart-requests instead of done.
#
# Ops and their fields, in order (`-` for a field with nothing to say):
#   remove-credential   PATH FORMAT KEY_ID BACKUP_ID
#       FORMAT: aws-credentials aws-config ini env shell systemd compose (json yaml other: a
#       person). Backs PATH up first, then removes the key's lines: the aws_access_key_id,
#       aws_secret_access_key and aws_session_token of every profile whose key ID is KEY_ID;
#       the AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN assignments (and any
#       holding KEY_ID) of an environment that holds KEY_ID. Every other byte stays.
#   update-tool-config  PATH TOOL KEY_ID BACKUP_ID
#       TOOL: s3cmd (clears access_key, secret_key), rclone (clears access_key_id and
#       secret_access_key, sets env_auth = true), boto (removes the key lines)
#   restart             MANAGER UNIT FILE
#       systemd: daemon-reload, restart UNIT; compose: recreate service UNIT of the project
#       in FILE's directory (the environment is read when a container is created);
#       docker: docker restart UNIT
#   check-identity      ROLE MANAGER UNIT FILE USER PROFILE
#       What the AWS SDK's default chain resolves in a service's environment (MANAGER UNIT
#       FILE), for a user (USER, PROFILE), or from the instance metadata alone: ok when it is
#       the instance role ROLE. The metadata endpoint is $KEYSHIFT_IMDS_ENDPOINT (default
#       http://169.254.169.254; `none`: not asked).
#   restore             PATH BACKUP_ID        the backup back, byte for byte, mode and owner
#   delete-backup       PATH BACKUP_ID        overwritten, then removed
#   holds-key           PATH KEY_ID           read only: state holds, gone or missing
#   backup-state        PATH BACKUP_ID        read only: state none, same, differs or missing-file
#
# Backups are ROOT/var/lib/keyshift/backups/BACKUP_ID/PATH (mode 0600, directories 0700),
# with the original's mode and owner next to them in PATH.keyshift-meta. A backup is never
# overwritten: an op run again (resume) keeps the first copy, which is the original.
#
# Output: one JSON line per op, {"op","status","message"} with "backupPath", "identity" and
# "state" when they apply; status is changed, unchanged or failed. Ops stop at the first
# failure. Nothing printed ever holds a file's content or a secret: values are read only
# to compare them, and secrets only to tell whether they are set.
# Exit status: 0 all ops ran, 1 an op failed, 2 a malformed op, 3 the payload cannot run.

set -u
LC_ALL=C
export LC_ALL
umask 077

ks_root=/
while [ $# -gt 0 ]; do
  case $1 in
    --root) [ $# -ge 2 ] || { echo 'cutover.sh: --root needs a directory' >&2; exit 2; }; ks_root=$2; shift 2 ;;
    --) shift; break ;;
    -*) echo "cutover.sh: unknown option $1" >&2; exit 2 ;;
    *) break ;;
  esac
done

ks_root_real=$(cd "$ks_root" 2>/dev/null && pwd -P) || { echo "cutover.sh: cannot read the root $ks_root" >&2; exit 3; }
[ "$ks_root_real" = / ] && ks_root_real=

ks_tmp=$(mktemp -d 2>/dev/null) || ks_tmp=/tmp/keyshift-cutover.$$
[ -d "$ks_tmp" ] || mkdir "$ks_tmp" || { echo 'cutover.sh: cannot make a private directory' >&2; exit 3; }
trap 'rm -rf "$ks_tmp"' EXIT
trap 'exit 130' INT TERM HUP

ks_tab=$(printf '\t')
ks_max=1048576
UNIT_DIRS='/etc/systemd/system /run/systemd/system /usr/local/lib/systemd/system /usr/lib/systemd/system /lib/systemd/system'

# --- output -----------------------------------------------------------------------------

json() {
  case $1 in
    *[\\\"]* | *[![:print:]]*) printf '%s' "$1" | awk -f "$ks_tmp/json.awk" ;;
    *) printf '"%s"' "$1" ;;
  esac
}

# emit OP STATUS MESSAGE [BACKUP_PATH] [IDENTITY] [STATE]
emit() {
  printf '{"op":%s,"status":"%s","message":%s' "$(json "$1")" "$2" "$(json "$3")"
  [ -z "${4:-}" ] || printf ',"backupPath":%s' "$(json "$4")"
  [ -z "${5:-}" ] || printf ',"identity":%s' "$(json "$5")"
  [ -z "${6:-}" ] || printf ',"state":"%s"' "$6"
  printf '}\n'
}

# --- paths within the root --------------------------------------------------------------

# Follows a path within the root as a chroot does: an absolute link target starts again at
# the root, `..` stops at it. Sets r_kind (found, missing, loop) and r_path (links resolved).
resolve() {
  r_done= r_todo=$1 r_links=0 r_path=
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

# The regular file at a path within the root: sets t_real, or says why not (t_why).
target_file() {
  t_real= t_why=
  resolve "$1"
  case $r_kind in
    loop) t_why='too many levels of symbolic links'; return 1 ;;
    missing) t_why=missing; return 1 ;;
  esac
  [ -f "$ks_root_real$r_path" ] || { t_why='not a regular file'; return 1; }
  t_real=$ks_root_real$r_path
}

# Where the backup of PATH under BACKUP_ID is: sets b_file (on this machine) and b_host (as
# the host sees it). The directories are made only by make_backup.
backup_place() {
  b_host=/var/lib/keyshift/backups/$1$2
  resolve /var/lib
  if [ "$r_kind" = found ]; then b_base=$ks_root_real$r_path/keyshift/backups; else b_base=$ks_root_real/var/lib/keyshift/backups; fi
  b_file=$b_base/$1$2
}

# "MODE UID GID" of a file, MODE in octal.
file_meta() {
  stat -c '%a %u %g' "$1" 2>/dev/null && return 0
  ls -ln "$1" 2>/dev/null | awk '{
    p = $1; o = 0; s = 0
    for (i = 0; i < 3; i++) {
      r = substr(p, 2 + 3 * i, 1); w = substr(p, 3 + 3 * i, 1); x = substr(p, 4 + 3 * i, 1)
      o = o * 8 + (r == "r" ? 4 : 0) + (w == "w" ? 2 : 0) + (x ~ /[xst]/ ? 1 : 0)
      if (x ~ /[sStT]/) s += (i == 0 ? 4 : i == 1 ? 2 : 1)
    }
    printf "%o %s %s\n", s * 512 + o, $3, $4
  }'
}

# A copy of the original, once: mode 0600 in directories only root can enter.
make_backup() {
  [ -f "$b_file" ] && return 0
  mb_dir=${b_base%/keyshift/backups}
  [ -d "$mb_dir" ] || (umask 022 && mkdir -p "$mb_dir") || return 1
  # keyshift/backups/ID/ and the path's directories: made here, never through a link
  mb_rest=${b_file#"$mb_dir"/}
  mb_rest=${mb_rest%/*}
  while [ -n "$mb_rest" ]; do
    mb_name=${mb_rest%%/*}
    case $mb_rest in */*) mb_rest=${mb_rest#*/} ;; *) mb_rest= ;; esac
    mb_dir=$mb_dir/$mb_name
    [ -L "$mb_dir" ] && return 1
    [ -d "$mb_dir" ] || mkdir "$mb_dir" || return 1
    chmod 700 "$mb_dir" || return 1
  done
  file_meta "$t_real" >"$b_file.keyshift-meta.$$" && mv -f "$b_file.keyshift-meta.$$" "$b_file.keyshift-meta" || return 1
  chmod 600 "$b_file.keyshift-meta"
  cp "$t_real" "$b_file.$$" && chmod 600 "$b_file.$$" && mv -f "$b_file.$$" "$b_file" || { rm -f "$b_file.$$"; return 1; }
}

# Puts NEW's bytes at REAL without changing REAL's mode or owner (a copy of REAL in the same
# directory takes the bytes, then replaces it in one rename).
replace_file() {
  rf_tmp=${1%/*}/.keyshift-cutover.$$
  if cp -p "$1" "$rf_tmp" 2>/dev/null && cat "$2" >"$rf_tmp" && mv -f "$rf_tmp" "$1"; then return 0; fi
  rm -f "$rf_tmp"
  return 1
}

# --- checks on fields -------------------------------------------------------------------

bad() { emit "$1" failed "malformed op: $2"; return 2; }

valid_path() {
  case $1 in /*) ;; *) return 1 ;; esac
  case $1 in */../* | */.. | */./* | */. | *//*) return 1 ;; esac
  return 0
}
valid_key() { case $1 in '' | *[!A-Z0-9]*) return 1 ;; esac; [ ${#1} -ge 16 ] && [ ${#1} -le 128 ]; }
valid_id() { case $1 in '' | .* | *[!A-Za-z0-9._-]*) return 1 ;; esac; }
valid_name() { case $1 in '' | -* | *[!A-Za-z0-9@._:+=,-]*) return 1 ;; esac; }
shown_key() { if valid_key "$1"; then printf '%s' "$1"; else printf '(a value that is not a key ID)'; fi; }

# --- file edits -------------------------------------------------------------------------

# remove-credential PATH FORMAT KEY_ID BACKUP_ID, or update-tool-config PATH TOOL KEY_ID BACKUP_ID
op_edit() {
  e_op=$1 e_path=$2 e_kind=$3 e_key=$4 e_bid=$5
  valid_path "$e_path" || { bad "$e_op" 'PATH must be absolute, without . or .. parts'; return; }
  valid_key "$e_key" || { bad "$e_op" 'KEY_ID is not an access key ID'; return; }
  valid_id "$e_bid" || { bad "$e_op" 'BACKUP_ID may hold letters, digits, dot, dash and underscore'; return; }
  e_tool= e_fmt=
  if [ "$e_op" = update-tool-config ]; then
    case $e_kind in s3cmd | rclone | boto) e_tool=$e_kind e_fmt=ini ;; *) emit "$e_op" failed "needs a person: keyshift does not change the config of $e_kind"; return 1 ;; esac
  else
    case $e_kind in
      aws-credentials | aws-config | ini) e_fmt=ini ;;
      env | shell) e_fmt=env ;;
      systemd) e_fmt=systemd ;;
      compose) e_fmt=compose ;;
      json | yaml | other) e_fmt= ;;
      *) bad "$e_op" "unknown format $e_kind"; return ;;
    esac
  fi
  if ! target_file "$e_path"; then
    emit "$e_op" failed "$e_path: $t_why"
    return 1
  fi
  backup_place "$e_bid" "$e_path"
  e_kept=
  [ -f "$b_file" ] && e_kept=$b_host
  if ! grep -F -q -e "$e_key" "$t_real" 2>/dev/null; then
    if [ -r "$t_real" ]; then emit "$e_op" unchanged "$e_key is no longer in $e_path" "$e_kept"; return 0; fi
    emit "$e_op" failed "$e_path: cannot read it"
    return 1
  fi
  [ -n "$e_fmt" ] || { emit "$e_op" failed "needs a person: keyshift does not edit $e_kind files; remove $e_key and its secret from $e_path by hand"; return 1; }
  e_size=$(wc -c <"$t_real" | tr -d ' ')
  [ "$e_size" -le "$ks_max" ] || { emit "$e_op" failed "needs a person: $e_path is larger than keyshift edits"; return 1; }
  [ "$(tr -d '\000' <"$t_real" | wc -c | tr -d ' ')" = "$e_size" ] || { emit "$e_op" failed "needs a person: $e_path is not a text file"; return 1; }
  e_nl=0
  [ -z "$(tail -c 1 "$t_real")" ] && e_nl=1
  : >"$ks_tmp/info"
  if ! awk -f "$ks_tmp/lib.awk" -f "$ks_tmp/edit.awk" -v fmt="$e_fmt" -v key="$e_key" -v tool="$e_tool" -v nl="$e_nl" -v info="$ks_tmp/info" \
    "$t_real" "$t_real" "$t_real" >"$ks_tmp/new"; then
    emit "$e_op" failed "$e_path: could not be read as $e_kind"
    return 1
  fi
  e_left=$(sed -n 's/^left //p' "$ks_tmp/info")
  e_changed=$(sed -n 's/^changed //p' "$ks_tmp/info")
  if [ "${e_left:-0}" != 0 ] || grep -F -q -e "$e_key" "$ks_tmp/new"; then
    emit "$e_op" failed "needs a person: $e_key is on line ${e_left:-?} of $e_path in a form keyshift does not edit; nothing was changed"
    return 1
  fi
  make_backup || { emit "$e_op" failed "$e_path: cannot write the backup $b_host; nothing was changed"; return 1; }
  replace_file "$t_real" "$ks_tmp/new" || { emit "$e_op" failed "$e_path: cannot write it; nothing was changed" "$b_host"; return 1; }
  rm -f "$ks_tmp/new"
  if [ -n "$e_tool" ]; then
    emit "$e_op" changed "$e_tool no longer has $e_key in $e_path ($e_changed lines changed)" "$b_host"
  else
    emit "$e_op" changed "removed $e_key from $e_path ($e_changed lines)" "$b_host"
  fi
}

# holds-key PATH KEY_ID
op_holds() {
  valid_path "$1" || { bad holds-key 'PATH must be absolute, without . or .. parts'; return; }
  valid_key "$2" || { bad holds-key 'KEY_ID is not an access key ID'; return; }
  if ! target_file "$1"; then
    [ "$t_why" = missing ] && { emit holds-key unchanged "$1 does not exist" '' '' missing; return 0; }
    emit holds-key failed "$1: $t_why"
    return 1
  fi
  [ -r "$t_real" ] || { emit holds-key failed "$1: cannot read it"; return 1; }
  if grep -F -q -e "$2" "$t_real"; then emit holds-key unchanged "$1 holds $2" '' '' holds
  else emit holds-key unchanged "$1 does not hold $2" '' '' gone
  fi
}

# The file a restore writes to: the path's target, or a new file in its directory.
restore_target() {
  resolve "$1"
  if [ "$r_kind" = found ]; then t_real=$ks_root_real$r_path; return 0; fi
  [ "$r_kind" = missing ] || return 1
  resolve "${1%/*}"
  [ "$r_kind" = found ] && [ -d "$ks_root_real$r_path" ] || return 1
  t_real=$ks_root_real${r_path%/}/${1##*/}
}

# backup-state PATH BACKUP_ID
op_backup_state() {
  valid_path "$1" || { bad backup-state 'PATH must be absolute, without . or .. parts'; return; }
  valid_id "$2" || { bad backup-state 'BACKUP_ID may hold letters, digits, dot, dash and underscore'; return; }
  backup_place "$2" "$1"
  [ -f "$b_file" ] || { emit backup-state unchanged "no backup $2 of $1" '' '' none; return 0; }
  if ! restore_target "$1" || [ ! -f "$t_real" ]; then emit backup-state unchanged "$1 does not exist; its backup does" "$b_host" '' missing-file; return 0; fi
  if cmp -s "$b_file" "$t_real"; then emit backup-state unchanged "$1 is as backed up" "$b_host" '' same
  else emit backup-state unchanged "$1 differs from its backup" "$b_host" '' differs
  fi
}

# restore PATH BACKUP_ID
op_restore() {
  valid_path "$1" || { bad restore 'PATH must be absolute, without . or .. parts'; return; }
  valid_id "$2" || { bad restore 'BACKUP_ID may hold letters, digits, dot, dash and underscore'; return; }
  backup_place "$2" "$1"
  [ -f "$b_file" ] || { emit restore failed "no backup $2 of $1 (expected at $b_host)"; return 1; }
  restore_target "$1" || { emit restore failed "$1: its directory is gone"; return 1; }
  if [ -f "$t_real" ] && cmp -s "$b_file" "$t_real"; then
    emit restore unchanged "$1 is already as backed up" "$b_host"
    return 0
  fi
  rs_tmp=${t_real%/*}/.keyshift-restore.$$
  if [ -f "$t_real" ]; then cp -p "$t_real" "$rs_tmp" 2>/dev/null || : >"$rs_tmp"; else : >"$rs_tmp"; fi
  if ! cat "$b_file" >"$rs_tmp"; then rm -f "$rs_tmp"; emit restore failed "$1: cannot write it"; return 1; fi
  if [ -f "$b_file.keyshift-meta" ]; then
    read -r rs_mode rs_uid rs_gid <"$b_file.keyshift-meta" || :
    [ -n "${rs_mode:-}" ] && chmod "$rs_mode" "$rs_tmp" 2>/dev/null
    [ -n "${rs_uid:-}" ] && chown "$rs_uid:$rs_gid" "$rs_tmp" 2>/dev/null
  fi
  mv -f "$rs_tmp" "$t_real" || { rm -f "$rs_tmp"; emit restore failed "$1: cannot write it"; return 1; }
  emit restore changed "restored $1 from backup $2" "$b_host"
}

# delete-backup PATH BACKUP_ID
op_delete_backup() {
  valid_path "$1" || { bad delete-backup 'PATH must be absolute, without . or .. parts'; return; }
  valid_id "$2" || { bad delete-backup 'BACKUP_ID may hold letters, digits, dot, dash and underscore'; return; }
  backup_place "$2" "$1"
  [ -f "$b_file" ] || { emit delete-backup unchanged "no backup $2 of $1"; return 0; }
  db_size=$(wc -c <"$b_file" | tr -d ' ')
  if [ "${db_size:-0}" -gt 0 ]; then
    dd if=/dev/zero of="$b_file" bs="$db_size" count=1 conv=notrunc 2>/dev/null || { emit delete-backup failed "$b_host: cannot overwrite it"; return 1; }
  fi
  rm -f "$b_file" "$b_file.keyshift-meta" || { emit delete-backup failed "$b_host: cannot remove it"; return 1; }
  db_dir=${b_file%/*}
  while [ "$db_dir" != "$b_base" ] && rmdir "$db_dir" 2>/dev/null; do db_dir=${db_dir%/*}; done
  emit delete-backup changed "overwrote and removed the backup $2 of $1"
}

# --- services ---------------------------------------------------------------------------

# The unit's file and drop-ins in the order systemd applies them: sets u_main, writes the
# paths (within the root) to $ks_tmp/unit-files. 1: no such unit; 2: masked.
unit_files() {
  u_main=
  : >"$ks_tmp/unit-files"
  : >"$ks_tmp/dropins"
  rm -f "$ks_tmp/dropins-paths"
  for u_dir in $UNIT_DIRS; do
    resolve "$u_dir/$1"
    if [ "$r_kind" = found ] && [ -z "$u_main" ]; then
      [ "$r_path" = /dev/null ] && return 2
      u_main=$r_path
    fi
    resolve "$u_dir/$1.d"
    [ "$r_kind" = found ] && [ -d "$ks_root_real$r_path" ] || continue
    for u_f in "$ks_root_real$r_path"/*.conf; do
      [ -f "$u_f" ] || continue
      u_name=${u_f##*/}
      grep -F -x -q -e "$u_name" "$ks_tmp/dropins" && continue
      printf '%s\n' "$u_name" >>"$ks_tmp/dropins"
      printf '%s\t%s\n' "$u_name" "$u_dir/$1.d/$u_name" >>"$ks_tmp/dropins-paths"
    done
  done
  [ -n "$u_main" ] || return 1
  printf '%s\n' "$u_main" >"$ks_tmp/unit-files"
  [ -f "$ks_tmp/dropins-paths" ] && sort "$ks_tmp/dropins-paths" | cut -f 2 >>"$ks_tmp/unit-files"
  rm -f "$ks_tmp/dropins-paths"
  return 0
}

unit_name() { case $1 in *.*) printf '%s' "$1" ;; *) printf '%s.service' "$1" ;; esac; }

# The compose file of a project, from its path or the path of a file next to it (.env).
compose_file() {
  case ${1##*/} in
    compose.yaml | compose.yml | docker-compose.yaml | docker-compose.yml | compose.*.yaml | compose.*.yml | docker-compose.*.yaml | docker-compose.*.yml)
      resolve "$1"; [ "$r_kind" = found ] && { c_file=$1; return 0; }; return 1 ;;
  esac
  for c_name in compose.yaml compose.yml docker-compose.yaml docker-compose.yml; do
    resolve "${1%/*}/$c_name"
    [ "$r_kind" = found ] && { c_file=${1%/*}/$c_name; return 0; }
  done
  return 1
}

# restart MANAGER UNIT FILE
op_restart() {
  valid_name "$2" || { bad restart 'UNIT may hold letters, digits and @._:+=,-'; return; }
  case $1 in
    systemd)
      rs_unit=$(unit_name "$2")
      unit_files "$rs_unit"
      case $? in 1) emit restart failed "no systemd unit $rs_unit"; return 1 ;; 2) emit restart failed "systemd unit $rs_unit is masked"; return 1 ;; esac
      if [ -n "$ks_root_real" ]; then request_restart "systemd $rs_unit"; emit restart changed "asked for a restart of systemd unit $rs_unit (run/keyshift/restart-requests)"; return 0; fi
      systemctl daemon-reload </dev/null >/dev/null 2>&1
      systemctl restart "$rs_unit" </dev/null >/dev/null 2>&1 || { emit restart failed "systemctl restart $rs_unit failed"; return 1; }
      systemctl is-active --quiet "$rs_unit" </dev/null 2>/dev/null || { emit restart failed "$rs_unit is not active after its restart"; return 1; }
      emit restart changed "restarted systemd unit $rs_unit" ;;
    compose)
      [ "$3" != - ] && valid_path "$3" || { emit restart failed "needs a person: the compose file of service $2 is not known"; return 1; }
      compose_file "$3" || { emit restart failed "no compose file next to $3"; return 1; }
      if [ -n "$ks_root_real" ]; then request_restart "compose $c_file $2"; emit restart changed "asked for service $2 of $c_file to be recreated (run/keyshift/restart-requests)"; return 0; fi
      # a restart keeps the container's environment; only a new container reads the changed one
      if docker compose version >/dev/null 2>&1 </dev/null; then
        docker compose -f "$c_file" up -d --no-deps --force-recreate "$2" </dev/null >/dev/null 2>&1 || { emit restart failed "docker compose could not recreate service $2 of $c_file"; return 1; }
      elif command -v docker-compose >/dev/null 2>&1; then
        docker-compose -f "$c_file" up -d --no-deps --force-recreate "$2" </dev/null >/dev/null 2>&1 || { emit restart failed "docker-compose could not recreate service $2 of $c_file"; return 1; }
      else
        emit restart failed 'neither docker compose nor docker-compose is installed'; return 1
      fi
      emit restart changed "recreated service $2 of $c_file" ;;
    docker)
      if [ -n "$ks_root_real" ]; then request_restart "docker $2"; emit restart changed "asked for a restart of container $2 (run/keyshift/restart-requests)"; return 0; fi
      docker restart "$2" </dev/null >/dev/null 2>&1 || { emit restart failed "docker restart $2 failed"; return 1; }
      emit restart changed "restarted container $2 (a key given to docker run stays in its environment until it is recreated)" ;;
    *) bad restart "unknown service manager $1" ;;
  esac
}

request_restart() {
  mkdir -p "$ks_root_real/run/keyshift" && printf '%s\n' "$1" >>"$ks_root_real/run/keyshift/restart-requests"
}

# --- the SDK's credential chain ---------------------------------------------------------

# The environment is kept in $ks_tmp/env as NAME<tab>VALUE lines, the last one winning, and
# only for the variables the chain reads; a secret's value is replaced by 1 (set) or nothing.
env_get() { awk -F "$ks_tab" -v n="$1" '$1 == n { v = $2; s = 1 } END { if (s) print v }' "$ks_tmp/env"; }
env_add_file() { # PATH: an environment file within the root
  resolve "$1"
  [ "$r_kind" = found ] && [ -f "$ks_root_real$r_path" ] || return 0
  awk -f "$ks_tmp/lib.awk" -f "$ks_tmp/envfile.awk" "$ks_root_real$r_path" >>"$ks_tmp/env"
}
env_lookup() { # PATH VARIABLE AS: VARIABLE's value in an environment file, kept as variable AS keeps it
  resolve "$1"
  [ "$r_kind" = found ] && [ -f "$ks_root_real$r_path" ] || return 0
  awk -f "$ks_tmp/lib.awk" -f "$ks_tmp/envfile.awk" -v want="$2" -v as="$3" "$ks_root_real$r_path"
}

home_of() { # USER
  resolve /etc/passwd
  [ "$r_kind" = found ] || return 0
  awk -F: -v u="$1" '$1 == u { print $6; exit }' "$ks_root_real$r_path"
}

systemd_env() { # UNIT: sets s_user
  s_user=root
  unit_files "$1"
  case $? in 1) ci_why="no systemd unit $1"; return 1 ;; 2) ci_why="systemd unit $1 is masked"; return 1 ;; esac
  : >"$ks_tmp/unit-stream"
  while IFS= read -r s_f; do
    resolve "$s_f"
    [ "$r_kind" = found ] && awk -f "$ks_tmp/lib.awk" -f "$ks_tmp/unit.awk" "$ks_root_real$r_path" >>"$ks_tmp/unit-stream"
  done <"$ks_tmp/unit-files"
  : >"$ks_tmp/env"
  : >"$ks_tmp/env-files"
  while IFS="$ks_tab" read -r s_kind s_a s_b; do
    case $s_kind in
      E) printf '%s\t%s\n' "$s_a" "$s_b" >>"$ks_tmp/env" ;;
      RE) : >"$ks_tmp/env" ;;
      F) printf '%s\n' "$s_a" >>"$ks_tmp/env-files" ;;
      RF) : >"$ks_tmp/env-files" ;;
      U) s_user=$s_a ;;
    esac
  done <"$ks_tmp/unit-stream"
  # variables from EnvironmentFile= override those of Environment=
  while IFS= read -r s_f; do
    s_f=${s_f#-}
    case $s_f in /*) ;; *) continue ;; esac
    case $s_f in *%*) continue ;; esac
    env_add_file "$s_f"
  done <"$ks_tmp/env-files"
}

compose_env() { # SERVICE FILE
  [ "$2" != - ] && valid_path "$2" || { ci_why="the compose file of service $1 is not known"; return 1; }
  compose_file "$2" || { ci_why="no compose file next to $2"; return 1; }
  resolve "$c_file"
  c_dir=${c_file%/*}
  : >"$ks_tmp/env"
  awk -f "$ks_tmp/lib.awk" -f "$ks_tmp/compose-env.awk" -v svc="$1" "$ks_root_real$r_path" >"$ks_tmp/compose-stream"
  grep -q '^S' "$ks_tmp/compose-stream" || { ci_why="no service $1 in $c_file"; return 1; }
  # env_file first, then environment:, whose ${VAR} and bare names come from the project's .env
  while IFS="$ks_tab" read -r c_kind c_a c_b c_c; do
    [ "$c_kind" = F ] || continue
    case $c_a in /*) env_add_file "$c_a" ;; *) env_add_file "$c_dir/${c_a#./}" ;; esac
  done <"$ks_tmp/compose-stream"
  while IFS="$ks_tab" read -r c_kind c_a c_b c_c; do
    [ "$c_kind" = E ] || continue
    case $c_b in
      lit) printf '%s\t%s\n' "$c_a" "$c_c" >>"$ks_tmp/env" ;;
      ref) printf '%s\t%s\n' "$c_a" "$(env_lookup "$c_dir/.env" "$c_c" "$c_a")" >>"$ks_tmp/env" ;;
      pass) printf '%s\t%s\n' "$c_a" "$(env_lookup "$c_dir/.env" "$c_a" "$c_a")" >>"$ks_tmp/env" ;;
    esac
  done <"$ks_tmp/compose-stream"
}

docker_env() { # CONTAINER
  : >"$ks_tmp/env"
  [ -z "$ks_root_real" ] || return 0
  docker inspect --format '{{range .Config.Env}}{{println .}}{{end}}' "$1" </dev/null 2>/dev/null |
    awk -f "$ks_tmp/lib.awk" -f "$ks_tmp/envfile.awk" -v raw=1 >>"$ks_tmp/env"
}

# What a profile gives: sets p_id (static:KEY_ID, metadata, process, sso, web-identity,
# container, or nothing: on to the metadata) and p_from.
profile_identity() { # PROFILE DEPTH
  p_id= p_from=
  [ "$2" -le 4 ] || return 0
  : >"$ks_tmp/profile"
  if [ "$1" = default ]; then p_names='default|profile default'; else p_names="profile $1"; fi
  for p_file in "$ci_cfg" "$ci_cred"; do
    resolve "$p_file"
    [ "$r_kind" = found ] && [ -f "$ks_root_real$r_path" ] || continue
    if [ "$p_file" = "$ci_cred" ]; then p_want=$1; else p_want=$p_names; fi
    awk -f "$ks_tmp/lib.awk" -f "$ks_tmp/profile.awk" -v want="$p_want" "$ks_root_real$r_path" >>"$ks_tmp/profile"
  done
  p_get() { awk -F "$ks_tab" -v n="$1" '$1 == n { v = $2; s = 1 } END { if (s) print v }' "$ks_tmp/profile"; }
  p_key=$(p_get aws_access_key_id) p_secret=$(p_get aws_secret_access_key)
  p_role=$(p_get role_arn) p_source=$(p_get source_profile) p_csource=$(p_get credential_source)
  if [ -n "$p_role" ]; then
    if [ -n "$p_source" ] && [ "$p_source" != "$1" ]; then
      profile_identity "$p_source" $(($2 + 1))
      [ -n "$p_id" ] && p_from="$p_from, to assume a role in profile $1"
      return 0
    fi
    if [ -z "$p_source" ]; then
      case $p_csource in
        Ec2InstanceMetadata) p_id=metadata p_from="profile $1 (credential_source)" ;;
        EcsContainer) p_id=container p_from="profile $1 (credential_source)" ;;
      esac
      return 0
    fi
  fi
  if [ -n "$(p_get web_identity_token_file)" ]; then p_id=web-identity p_from="profile $1"; return 0; fi
  if [ -n "$(p_get sso)" ]; then p_id=sso p_from="profile $1"; return 0; fi
  if [ -n "$p_key" ] && [ -n "$p_secret" ]; then p_id="static:$(shown_key "$p_key")" p_from="profile $1 in $ci_cred or $ci_cfg"; return 0; fi
  if [ -n "$(p_get credential_process)" ]; then p_id=process p_from="profile $1 (credential_process)"; return 0; fi
}

# The role the instance metadata hands out (IMDSv2: a token first), or nothing.
imds_role() {
  i_ep=${KEYSHIFT_IMDS_ENDPOINT:-http://169.254.169.254}
  [ "$i_ep" = none ] && return 0
  i_ep=${i_ep%/}
  i_names=
  if command -v curl >/dev/null 2>&1; then
    i_token=$(curl -sf --connect-timeout 2 --max-time 5 -X PUT -H 'X-aws-ec2-metadata-token-ttl-seconds: 60' "$i_ep/latest/api/token" 2>/dev/null </dev/null) || i_token=
    if [ -n "$i_token" ]; then
      i_names=$(curl -sf --connect-timeout 2 --max-time 5 -H "X-aws-ec2-metadata-token: $i_token" "$i_ep/latest/meta-data/iam/security-credentials/" 2>/dev/null </dev/null)
    else
      i_names=$(curl -sf --connect-timeout 2 --max-time 5 "$i_ep/latest/meta-data/iam/security-credentials/" 2>/dev/null </dev/null)
    fi
  elif command -v wget >/dev/null 2>&1; then
    i_token=$(wget -q -T 5 -O - --method=PUT --header='X-aws-ec2-metadata-token-ttl-seconds: 60' "$i_ep/latest/api/token" 2>/dev/null </dev/null) || i_token=
    if [ -n "$i_token" ]; then
      i_names=$(wget -q -T 5 -O - --header="X-aws-ec2-metadata-token: $i_token" "$i_ep/latest/meta-data/iam/security-credentials/" 2>/dev/null </dev/null)
    else
      i_names=$(wget -q -T 5 -O - "$i_ep/latest/meta-data/iam/security-credentials/" 2>/dev/null </dev/null)
    fi
  fi
  i_name=$(printf '%s\n' "$i_names" | sed -n '1p' | tr -d '\r')
  valid_name "$i_name" && printf '%s' "$i_name"
}

# check-identity ROLE MANAGER UNIT FILE USER PROFILE
op_check_identity() {
  ci_role=$1 ci_mgr=$2 ci_unit=$3 ci_file=$4 ci_user=$5 ci_profile=$6
  valid_name "$ci_role" || { bad check-identity 'ROLE is not a role name'; return; }
  [ "$ci_user" = - ] && ci_user=
  [ "$ci_profile" = - ] && ci_profile=
  [ -z "$ci_user" ] || valid_name "$ci_user" || { bad check-identity 'USER is not a user name'; return; }
  [ -z "$ci_profile" ] || valid_name "$ci_profile" || { bad check-identity 'PROFILE is not a profile name'; return; }
  : >"$ks_tmp/env"
  ci_files=1 ci_home= ci_why= ci_note=
  case $ci_mgr in
    systemd)
      valid_name "$ci_unit" || { bad check-identity 'UNIT may hold letters, digits and @._:+=,-'; return; }
      ci_unit=$(unit_name "$ci_unit")
      systemd_env "$ci_unit" || { emit check-identity failed "$ci_why"; return 1; }
      ci_where="systemd unit $ci_unit"
      ci_home=$(env_get HOME)
      [ -n "$ci_home" ] || ci_home=$(home_of "$s_user") ;;
    compose)
      valid_name "$ci_unit" || { bad check-identity 'UNIT may hold letters, digits and @._:+=,-'; return; }
      compose_env "$ci_unit" "$ci_file" || { emit check-identity failed "$ci_why"; return 1; }
      # a container does not read the host's ~/.aws
      ci_files=0 ci_where="compose service $ci_unit" ;;
    docker)
      valid_name "$ci_unit" || { bad check-identity 'UNIT may hold letters, digits and @._:+=,-'; return; }
      docker_env "$ci_unit"
      [ -z "$ks_root_real" ] || ci_note=" (a container's environment cannot be read on a root filesystem)"
      ci_files=0 ci_where="container $ci_unit" ;;
    -)
      if [ -n "$ci_user" ]; then
        env_add_file /etc/environment
        ci_home=$(home_of "$ci_user")
        ci_where="user $ci_user"
      else
        ci_files=0 ci_where='the instance'
      fi ;;
    *) bad check-identity "unknown service manager $ci_mgr"; return ;;
  esac

  ci_id= ci_from=
  ci_kid=$(env_get AWS_ACCESS_KEY_ID)
  if [ -n "$ci_kid" ] && [ -n "$(env_get AWS_SECRET_ACCESS_KEY)" ]; then
    ci_id="static:$(shown_key "$ci_kid")" ci_from='the environment (AWS_ACCESS_KEY_ID)'
  elif [ -n "$(env_get AWS_WEB_IDENTITY_TOKEN_FILE)" ] && [ -n "$(env_get AWS_ROLE_ARN)" ]; then
    ci_id=web-identity ci_from='the environment (AWS_WEB_IDENTITY_TOKEN_FILE)'
  elif [ "$ci_files" = 1 ] && [ -n "$ci_home" ]; then
    ci_p=$ci_profile
    [ -n "$ci_p" ] || ci_p=$(env_get AWS_PROFILE)
    [ -n "$ci_p" ] || ci_p=$(env_get AWS_DEFAULT_PROFILE)
    [ -n "$ci_p" ] || ci_p=default
    ci_cred=$(env_get AWS_SHARED_CREDENTIALS_FILE)
    ci_cfg=$(env_get AWS_CONFIG_FILE)
    [ -n "$ci_cred" ] || ci_cred=$ci_home/.aws/credentials
    [ -n "$ci_cfg" ] || ci_cfg=$ci_home/.aws/config
    case $ci_cred in '~'/*) ci_cred=$ci_home/${ci_cred#\~/} ;; esac
    case $ci_cfg in '~'/*) ci_cfg=$ci_home/${ci_cfg#\~/} ;; esac
    profile_identity "$ci_p" 0
    ci_id=$p_id ci_from=$p_from
  fi
  if [ -z "$ci_id" ] && [ -n "$(env_get AWS_CONTAINER_CREDENTIALS_RELATIVE_URI)$(env_get AWS_CONTAINER_CREDENTIALS_FULL_URI)" ]; then
    ci_id=container ci_from='the environment (AWS_CONTAINER_CREDENTIALS_*)'
  fi
  if [ -z "$ci_id" ] || [ "$ci_id" = metadata ]; then
    case $(env_get AWS_EC2_METADATA_DISABLED) in
      [Tt][Rr][Uu][Ee]) ci_id=none ci_from='nowhere: AWS_EC2_METADATA_DISABLED is true' ;;
      *)
        ci_name=$(imds_role)
        if [ -n "$ci_name" ]; then ci_id="role:$ci_name" ci_from='the instance metadata'
        else ci_id=none ci_from='nowhere: the instance metadata gave no role'
        fi ;;
    esac
  fi
  if [ "$ci_id" = "role:$ci_role" ]; then
    emit check-identity unchanged "the SDK in $ci_where resolves role $ci_role from $ci_from$ci_note" '' "$ci_id"
  else
    emit check-identity failed "the SDK in $ci_where resolves $ci_id from $ci_from, not role $ci_role$ci_note" '' "$ci_id"
    return 1
  fi
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

cat >"$ks_tmp/lib.awk" <<'AWK'
# Shared by the programs below: values as the formats write them, and the variables the
# SDK's chain reads. A secret's value never leaves awk: safe() turns it into 1 or nothing.
BEGIN {
  split("AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_SECURITY_TOKEN", l_a, " ")
  for (l_i in l_a) AWSVAR[l_a[l_i]] = 1
  split("AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_SECURITY_TOKEN", l_a, " ")
  for (l_i in l_a) SECRETVAR[l_a[l_i]] = 1
  split("AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_SECURITY_TOKEN AWS_PROFILE AWS_DEFAULT_PROFILE AWS_SHARED_CREDENTIALS_FILE AWS_CONFIG_FILE AWS_EC2_METADATA_DISABLED AWS_ROLE_ARN AWS_WEB_IDENTITY_TOKEN_FILE AWS_CONTAINER_CREDENTIALS_RELATIVE_URI AWS_CONTAINER_CREDENTIALS_FULL_URI HOME", l_a, " ")
  for (l_i in l_a) CHAINVAR[l_a[l_i]] = 1
}
function trim(s) { sub(/^[ \t]+/, "", s); sub(/[ \t]+$/, "", s); return s }
function unq(s) {
  if (length(s) >= 2 && ((substr(s, 1, 1) == "\"" && substr(s, length(s), 1) == "\"") || (substr(s, 1, 1) == "'" && substr(s, length(s), 1) == "'"))) return substr(s, 2, length(s) - 2)
  return s
}
function safe(name, value) {
  gsub(/[\t\r\n]/, " ", value)
  if (name in SECRETVAR) return value == "" ? "" : "1"
  return value
}
# the value holds the key ID as its first word
function same_key(v) {
  if (key == "" || index(v, key) != 1) return 0
  return length(v) == length(key) || substr(v, length(key) + 1, 1) ~ /[ \t#;]/
}
# An env-file value after `=`: sets PV (unquoted) and PCLEAN (nothing but a comment follows it,
# and a bare value holds no shell syntax, so removing its line removes nothing else).
function parse_value(s,    c, i, e, after) {
  PCLEAN = 1; after = ""
  c = substr(s, 1, 1)
  if (c == "'") {
    e = index(substr(s, 2), "'")
    if (!e) { PV = substr(s, 2); PCLEAN = 0; return }
    PV = substr(s, 2, e - 1); after = substr(s, e + 2)
  } else if (c == "\"") {
    PV = ""
    for (i = 2; i <= length(s); i++) {
      c = substr(s, i, 1)
      if (c == "\\" && i < length(s)) { i++; PV = PV substr(s, i, 1); continue }
      if (c == "\"") break
      PV = PV c
    }
    if (i > length(s)) { PCLEAN = 0; return }
    after = substr(s, i + 1)
  } else {
    PV = s
    if (match(PV, /[ \t]#/)) { after = substr(PV, RSTART); PV = substr(PV, 1, RSTART - 1) }
    PV = trim(PV)
    if (PV ~ /[ \t;&|`<>()]/) PCLEAN = 0
  }
  if (after !~ /^[ \t]*(#.*)?$/) PCLEAN = 0
}
# Environment= words as systemd splits them: WRAW[i] as written, WTXT[i] unquoted.
function words(s,    n, i, L, start, txt, q, c) {
  n = 0; i = 1; L = length(s)
  while (i <= L) {
    while (i <= L && substr(s, i, 1) ~ /[ \t]/) i++
    if (i > L) break
    start = i; txt = ""; q = ""
    while (i <= L) {
      c = substr(s, i, 1)
      if (q == "" && c ~ /[ \t]/) break
      if (q == "" && (c == "\"" || c == "'")) { q = c; i++; continue }
      if (q != "" && c == q) { q = ""; i++; continue }
      if (c == "\\" && q != "'" && i < L) { i++; txt = txt substr(s, i, 1); i++; continue }
      txt = txt c; i++
    }
    n++; WRAW[n] = substr(s, start, i - start); WTXT[n] = txt
  }
  return n
}
# A compose line's key (`name:`), unquoted; sets KREST to what follows the colon.
function yaml_key(content,    q, e, k) {
  q = substr(content, 1, 1)
  if (q == "\"" || q == "'") {
    e = index(substr(content, 2), q)
    if (!e) { KREST = ""; return "" }
    k = substr(content, 2, e - 1); KREST = substr(content, e + 2)
    sub(/^[ \t]*:/, "", KREST)
    return k
  }
  if (match(content, /:([ \t]|$)/)) { k = substr(content, 1, RSTART - 1); KREST = substr(content, RSTART + 1); return trim(k) }
  KREST = ""
  return ""
}
# A compose scalar as written after `key:` or `- `: unquoted, its comment gone.
function yaml_scalar(s,    q, e) {
  s = trim(s)
  q = substr(s, 1, 1)
  if (q == "\"" || q == "'") {
    e = index(substr(s, 2), q)
    if (e) return substr(s, 2, e - 1)
    return substr(s, 2)
  }
  if (match(s, /[ \t]#/)) s = substr(s, 1, RSTART - 1)
  return trim(s)
}
AWK

cat >"$ks_tmp/edit.awk" <<'AWK'
# One file, read three times: the first pass finds what holds the key (a profile, the file's
# environment, a compose service), the second counts what each compose environment keeps,
# the third prints the file without the key's lines. -v fmt (ini env systemd compose), key,
# tool (ini: s3cmd, rclone, boto, or nothing), nl (1: the file ends with a newline), info.
BEGIN {
  if (tool == "s3cmd") { IDNAME = "access_key"; split("access_key secret_key access_token security_token", e_a, " "); CLEAR = 1 }
  else if (tool == "rclone") { IDNAME = "access_key_id"; split("access_key_id secret_access_key session_token", e_a, " "); CLEAR = 1 }
  else { IDNAME = "aws_access_key_id"; split("aws_access_key_id aws_secret_access_key aws_session_token aws_security_token", e_a, " "); CLEAR = 0 }
  for (e_i in e_a) INIKEY[e_a[e_i]] = 1
  pass = 0; nout = 0; changed = 0; left = 0
}
FNR == 1 { pass++; sect = 0; insvc = 0; svc = ""; svcind = -1; envind = -1; entind = -1; curdrop = 0 }
{ line = $0; cr = ""; if (sub(/\r$/, "", line)) cr = "\r" }
fmt == "ini" { ini(); next }
fmt == "env" { env(); next }
fmt == "systemd" { systemd(); next }
fmt == "compose" { compose(); next }
END {
  if (nout > 0 && nl == 1) printf "\n"
  print "changed " changed > info
  print "left " left > info
}
function out(s) {
  if (pass != 3) return
  printf "%s%s", (nout++ ? "\n" : ""), s
  if (!left && key != "" && index(s, key)) left = FNR
}
function drop(n) { if (pass == 3) changed += n }

function ini(    p, k, v) {
  if (line ~ /^[ \t]*\[/) {
    sect++; out($0)
    if (tool == "rclone" && HOLD[sect]) { out("env_auth = true" cr); drop(1) }
    return
  }
  if (line ~ /^[ \t]*([#;].*)?$/) { out($0); return }
  p = 0
  if (match(line, /[=:]/)) p = RSTART
  if (!p) { out($0); return }
  k = tolower(trim(substr(line, 1, p - 1)))
  v = unq(trim(substr(line, p + 1)))
  if (pass == 1 && k == IDNAME && same_key(v)) HOLD[sect] = 1
  if (!HOLD[sect]) { out($0); return }
  if (k in INIKEY) { drop(1); if (CLEAR) out(substr(line, 1, p) cr); return }
  if (tool == "rclone" && k == "env_auth") { drop(1); return }
  out($0)
}

function env(    head, name, rest) {
  if (!match(line, /^[ \t]*(export[ \t]+)?[A-Za-z_][A-Za-z0-9_.-]*[ \t]*=/)) { out($0); return }
  head = substr(line, 1, RLENGTH); rest = substr(line, RLENGTH + 1)
  name = head; sub(/^[ \t]*(export[ \t]+)?/, "", name); sub(/[ \t]*=$/, "", name)
  sub(/^[ \t]+/, "", rest)
  parse_value(rest)
  if (pass == 1 && same_key(PV)) HOLD[0] = 1
  if (HOLD[0] && PCLEAN && ((name in AWSVAR) || same_key(PV))) { drop(1); return }
  out($0)
}

function systemd(    head, n, i, kept, dropped, eq, name, v) {
  if (!match(line, /^[ \t]*Environment[ \t]*=/) || line ~ /\\$/) { out($0); return }
  head = substr(line, 1, RLENGTH)
  n = words(substr(line, RLENGTH + 1))
  kept = ""; dropped = 0
  for (i = 1; i <= n; i++) {
    eq = index(WTXT[i], "=")
    name = eq ? substr(WTXT[i], 1, eq - 1) : WTXT[i]
    v = eq ? substr(WTXT[i], eq + 1) : ""
    if (pass == 1 && same_key(v)) HOLD[0] = 1
    if (HOLD[0] && ((name in AWSVAR) || same_key(v))) { dropped++; continue }
    kept = kept (kept == "" ? "" : " ") WRAW[i]
  }
  if (!dropped) { out($0); return }
  drop(dropped)
  # an empty Environment= would reset the list: the line goes instead
  if (kept != "") out(head kept cr)
}

function compose(    ind, content) {
  if (line ~ /^[ \t]*(#.*)?$/) { out($0); return }
  match(line, /^ */); ind = RLENGTH; content = substr(line, ind + 1)
  if (ind == 0) {
    insvc = (content ~ /^services[ \t]*:[ \t]*(#.*)?$/); svc = ""; svcind = -1; envind = -1
    out($0); return
  }
  if (!insvc) { out($0); return }
  if (envind >= 0 && ind > envind) { centry(ind, content); return }
  envind = -1
  if (svcind < 0) svcind = ind
  if (ind <= svcind) { svc = yaml_key(content); out($0); return }
  if (svc != "" && content ~ /^environment[ \t]*:[ \t]*(#.*)?$/) {
    envind = ind; entind = -1; blk = FNR; curdrop = 0
    # an environment left with no entry goes with them: `environment:` alone is null
    if (pass == 3 && BLKN[blk] > 0 && BLKN[blk] == BLKD[blk]) { drop(1); return }
    out($0); return
  }
  out($0)
}
function centry(ind, content,    item, eq, name, v) {
  if (entind < 0) entind = ind
  if (ind > entind) { if (curdrop) { drop(1); return } out($0); return }
  if (content ~ /^-([ \t]|$)/) {
    item = content; sub(/^-[ \t]*/, "", item); item = yaml_scalar(item)
    eq = index(item, "=")
    if (eq) { name = substr(item, 1, eq - 1); v = substr(item, eq + 1) } else { name = item; v = "" }
  } else {
    name = yaml_key(content); v = yaml_scalar(KREST)
  }
  name = trim(name)
  if (pass == 1 && same_key(v)) HOLD[svc] = 1
  curdrop = (HOLD[svc] && ((name in AWSVAR) || same_key(v)))
  if (pass == 2) { BLKN[blk]++; if (curdrop) BLKD[blk]++; return }
  if (curdrop) { drop(1); return }
  out($0)
}
AWK

cat >"$ks_tmp/envfile.awk" <<'AWK'
# An environment file's variables that the chain reads, as NAME<tab>VALUE (secrets as 1).
# -v want NAME -v as NAME2: only NAME's last value, kept as NAME2 would be. -v raw=1: lines
# are NAME=VALUE exactly (docker inspect), no quotes or comments.
{
  line = $0; sub(/\r$/, "", line)
  if (raw == 1) {
    eq = index(line, "="); if (!eq) next
    name = substr(line, 1, eq - 1); PV = substr(line, eq + 1)
  } else {
    if (!match(line, /^[ \t]*(export[ \t]+)?[A-Za-z_][A-Za-z0-9_.-]*[ \t]*=/)) next
    name = substr(line, 1, RLENGTH); rest = substr(line, RLENGTH + 1)
    sub(/^[ \t]*(export[ \t]+)?/, "", name); sub(/[ \t]*=$/, "", name); sub(/^[ \t]+/, "", rest)
    parse_value(rest)
  }
  if (want != "") { if (name == want) { found = 1; last = safe(as, PV) } next }
  if (name in CHAINVAR) print name "\t" safe(name, PV)
}
END { if (want != "" && found) print last }
AWK

cat >"$ks_tmp/unit.awk" <<'AWK'
# A unit file or drop-in as a stream: E<tab>NAME<tab>VALUE (Environment=, chain variables,
# secrets as 1), RE (an empty Environment= resets), F<tab>PATH (EnvironmentFile=), RF, U<tab>USER.
{
  line = $0; sub(/\r$/, "", line)
  while (line ~ /\\$/ && (getline more) > 0) { sub(/\r$/, "", more); line = substr(line, 1, length(line) - 1) " " more }
  if (line ~ /^[ \t]*\[/) { section = trim(line); next }
  if (section != "[Service]" && section != "[Socket]" && section != "[Mount]" && section != "[Swap]") next
  eq = index(line, "="); if (!eq) next
  k = trim(substr(line, 1, eq - 1)); v = trim(substr(line, eq + 1))
  if (k == "Environment") {
    if (v == "") { print "RE"; next }
    n = words(v)
    for (i = 1; i <= n; i++) {
      e = index(WTXT[i], "="); if (e <= 1) continue
      name = substr(WTXT[i], 1, e - 1)
      if (name in CHAINVAR) print "E\t" name "\t" safe(name, substr(WTXT[i], e + 1))
    }
  } else if (k == "EnvironmentFile") {
    if (v == "") print "RF"; else print "F\t" v
  } else if (k == "User") print "U\t" v
}
AWK

cat >"$ks_tmp/compose-env.awk" <<'AWK'
# One service of a compose file: S (it exists), F<tab>PATH (env_file), and its environment's
# chain variables: E<tab>NAME<tab>lit<tab>VALUE (secrets as 1), E<tab>NAME<tab>ref<tab>VAR
# (the whole value is ${VAR}), E<tab>NAME<tab>pass (a bare name: its value from .env). -v svc.
{
  line = $0; sub(/\r$/, "", line)
  if (line ~ /^[ \t]*(#.*)?$/) next
  match(line, /^ */); ind = RLENGTH; content = substr(line, ind + 1)
  if (ind == 0) { insvc = (content ~ /^services[ \t]*:[ \t]*(#.*)?$/); cur = ""; svcind = -1; blkind = -1; next }
  if (!insvc) next
  if (blkind >= 0 && ind > blkind) { if (cur == svc) item(content); next }
  blkind = -1
  if (svcind < 0) svcind = ind
  if (ind <= svcind) { cur = yaml_key(content); if (cur == svc) print "S"; next }
  if (cur != svc) next
  k = yaml_key(content)
  if (k == "environment" || k == "env_file") {
    blk = k; v = yaml_scalar(KREST)
    if (v == "") { blkind = ind; next }
    if (k == "env_file" && v !~ /^[\[{]/) print "F\t" v
  }
}
function item(content,    s, eq, name, v, r) {
  if (blk == "env_file") {
    if (content ~ /^-([ \t]|$)/) { s = content; sub(/^-[ \t]*/, "", s) } else s = content
    if (s ~ /^path[ \t]*:/) { yaml_key(s); s = KREST }
    s = yaml_scalar(s)
    if (s != "" && s !~ /^(required|format)[ \t]*:/) print "F\t" s
    return
  }
  if (content ~ /^-([ \t]|$)/) {
    s = content; sub(/^-[ \t]*/, "", s); s = yaml_scalar(s)
    eq = index(s, "=")
    if (!eq) { if (s in CHAINVAR) print "E\t" s "\tpass"; return }
    name = substr(s, 1, eq - 1); v = substr(s, eq + 1)
  } else {
    name = yaml_key(content); v = yaml_scalar(KREST)
    if (trim(KREST) == "" || v == "~" || v == "null") { if (name in CHAINVAR) print "E\t" name "\tpass"; return }
  }
  if (!(name in CHAINVAR)) return
  if (match(v, /^\$\{[A-Za-z_][A-Za-z0-9_]*\}$/)) { print "E\t" name "\tref\t" substr(v, 3, length(v) - 3); return }
  if (match(v, /^\$[A-Za-z_][A-Za-z0-9_]*$/)) { print "E\t" name "\tref\t" substr(v, 2); return }
  print "E\t" name "\tlit\t" safe(name, v)
}
AWK

cat >"$ks_tmp/profile.awk" <<'AWK'
# The settings of one profile in a shared credentials or config file, as KEY<tab>VALUE for
# what the chain reads (secrets as 1). -v want: the section names, separated by |.
BEGIN {
  n = split(want, w, "|"); for (i = 1; i <= n; i++) WANT[w[i]] = 1
  split("aws_access_key_id role_arn source_profile credential_source", a, " "); for (i in a) KEEP[a[i]] = 1
  split("aws_secret_access_key aws_session_token credential_process web_identity_token_file sso_start_url sso_session", a, " "); for (i in a) FLAG[a[i]] = 1
}
{
  line = $0; sub(/\r$/, "", line)
  if (line ~ /^[ \t]*\[/) { s = line; sub(/^[ \t]*\[/, "", s); sub(/\].*$/, "", s); s = trim(s); gsub(/[ \t]+/, " ", s); inside = (s in WANT); next }
  if (!inside || line ~ /^[ \t]*([#;].*)?$/ || line ~ /^[ \t]/) next
  if (!match(line, /[=:]/)) next
  k = tolower(trim(substr(line, 1, RSTART - 1))); v = unq(trim(substr(line, RSTART + 1)))
  if (k in KEEP) { gsub(/[\t\r\n]/, " ", v); print k "\t" v }
  else if (k in FLAG) print (k ~ /^sso_/ ? "sso" : k) "\t" (v == "" ? "" : "1")
}
AWK

# --- the ops ----------------------------------------------------------------------------

# run_op OP FIELD...: 0 ok, 1 failed, 2 malformed
run_op() {
  r_op=$1
  shift
  case $r_op in
    remove-credential) [ $# -eq 4 ] || { bad "$r_op" 'needs PATH FORMAT KEY_ID BACKUP_ID'; return; }; op_edit remove-credential "$@" ;;
    update-tool-config) [ $# -eq 4 ] || { bad "$r_op" 'needs PATH TOOL KEY_ID BACKUP_ID'; return; }; op_edit update-tool-config "$@" ;;
    restart) [ $# -eq 3 ] || { bad "$r_op" 'needs MANAGER UNIT FILE'; return; }; op_restart "$@" ;;
    check-identity) [ $# -eq 6 ] || { bad "$r_op" 'needs ROLE MANAGER UNIT FILE USER PROFILE'; return; }; op_check_identity "$@" ;;
    restore) [ $# -eq 2 ] || { bad "$r_op" 'needs PATH BACKUP_ID'; return; }; op_restore "$@" ;;
    delete-backup) [ $# -eq 2 ] || { bad "$r_op" 'needs PATH BACKUP_ID'; return; }; op_delete_backup "$@" ;;
    holds-key) [ $# -eq 2 ] || { bad "$r_op" 'needs PATH KEY_ID'; return; }; op_holds "$@" ;;
    backup-state) [ $# -eq 2 ] || { bad "$r_op" 'needs PATH BACKUP_ID'; return; }; op_backup_state "$@" ;;
    *) bad unknown "no op named $r_op" ;;
  esac
}

if [ $# -gt 0 ]; then
  run_op "$@" </dev/null
  exit $?
fi

# ops on stdin, read whole first: the ops' own commands must not read them
cat >"$ks_tmp/ops"
ks_rc=0
while IFS= read -r ks_line || [ -n "$ks_line" ]; do
  case $ks_line in '' | '#'*) continue ;; esac
  ks_ifs=$IFS
  IFS=$ks_tab
  set -f
  # shellcheck disable=SC2086
  set -- $ks_line
  set +f
  IFS=$ks_ifs
  run_op "$@" </dev/null
  ks_rc=$?
  [ "$ks_rc" = 0 ] || break
done <"$ks_tmp/ops"
exit "$ks_rc"
