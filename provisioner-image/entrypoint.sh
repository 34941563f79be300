#!/bin/sh
# storefleet provisioner: runs one operation on one store's Helm release, in a Job, under a
# ServiceAccount that may act in the store's namespace only.
#
# Environment:
#   OPERATION        install | upgrade | uninstall | rollback
#   RELEASE          Helm release name (the store name)
#   NAMESPACE        the store's namespace
#   STORE_VALUES     values YAML for install/upgrade (not secret: credentials are a Secret)
#   ROLLBACK_TO      revision for rollback (0 = the previous one)
#   HELM_TIMEOUT     how long Helm waits for the store to be ready (default 5m)
#   CHART            chart directory (default /chart)
#   SHOP_URL, SHOP_CHECK_ADDRESS
#                    when both are set, an install, upgrade or rollback is done only once the
#                    shop's Store API answers at SHOP_URL through the ingress controller,
#                    asked at SHOP_CHECK_ADDRESS (host:port) with SHOP_URL's host
#   SHOP_CHECK_TRIES how many times to ask, 2 s apart (default 15)
#
# Prints one JSON object per line ({"ts","step","status","message"}), writes a one-line
# summary to /dev/termination-log, and exits non-zero with a plain reason on failure.
set -u

# Exit code of a failure that trying the whole operation again would not mend: the
# operation Job's podFailurePolicy fails the Job at once (api/src/provisioning/job.ts).
NO_RETRY=3
CHART=${CHART:-/chart}
HELM_TIMEOUT=${HELM_TIMEOUT:-5m}
TERMINATION_LOG=${TERMINATION_LOG:-/dev/termination-log}
WORK=${TMPDIR:-/tmp}/storefleet
mkdir -p "$WORK"
export HELM_CACHE_HOME="$WORK/cache" HELM_CONFIG_HOME="$WORK/config" HELM_DATA_HOME="$WORK/data"

json_string() {
  # JSON-escape stdin: backslash, quote, control characters; newlines become \n.
  sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/\t/\\t/g' -e 's/\r//g' | awk 'NR > 1 { printf "\\n" } { printf "%s", $0 }'
}

# progress STEP STATUS MESSAGE — one JSON line on stdout.
progress() {
  printf '{"ts":"%s","step":"%s","status":"%s","message":"%s"}\n' \
    "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$1" "$2" "$(printf '%s' "$3" | json_string)"
}

# finish EXIT SUMMARY [REASON] — the termination message the API shows for this operation;
# REASON (a code of contract/reasons.ts PROVISIONER_CODES) goes on a last line of its own,
# `code: REASON`, which the API takes off the message and passes on as the state's code.
finish() {
  if [ -n "${3:-}" ]; then
    printf '%s\ncode: %s\n' "$2" "$3" >"$TERMINATION_LOG" 2>/dev/null || true
  else
    printf '%s\n' "$2" >"$TERMINATION_LOG" 2>/dev/null || true
  fi
  if [ "$1" -eq 0 ]; then progress "done" succeeded "$2"; else progress "done" failed "$2"; fi
  exit "$1"
}

# plain_reason HELM_OUTPUT — "CODE words": what went wrong, as a reason code and in words a
# shop operator can act on.
plain_reason() {
  case "$1" in
    *"exceeded quota"*|*"forbidden: maximum"*)
      echo "QuotaExceeded The store needs more resources than its plan allows; choose a larger plan." ;;
    *"values don't meet the specifications of the schema"*|*"values.schema.json"*)
      echo "SettingsRejected The store settings were rejected by the chart: $(printf '%s' "$1" | grep -m1 -- '- at ' | sed 's/^ *- //')" ;;
    *"failed post-install"*|*"failed post-upgrade"*)
      echo "SetupFailed The store's setup step failed; its own reason is in its log: kubectl -n $NAMESPACE logs job/$RELEASE-setup" ;;
    *"context deadline exceeded"*|*"timed out waiting"*|*"not ready"*)
      echo "NotReadyInTime The store did not become ready within $HELM_TIMEOUT; its pods were not ready. Check the store's events and retry." ;;
    *"is forbidden"*)
      echo "ProvisionerForbidden The provisioner was not allowed to change the store's namespace; ask the platform operator to check its RoleBinding." ;;
    *)
      echo "HelmFailed Helm failed: $(printf '%s' "$1" | grep -m1 -i 'error' || printf '%s' "$1" | tail -n 1)" ;;
  esac
}

# fail HELM_OUTPUT — ends the operation with plain_reason's code and words.
fail() {
  reason=$(plain_reason "$1")
  # The setup Job has had its own retries: running the whole operation again would not mend it.
  case "$reason" in SetupFailed*) exit_code=$NO_RETRY ;; *) exit_code=1 ;; esac
  finish "$exit_code" "${reason#* }" "${reason%% *}"
}

# helm_says LINE — a line of Helm's --debug output in fewer words, or nothing for the chart's
# schema (which says nothing new).
helm_says() {
  case "$1" in
    *'msg="unmarshalled JSON schema"'*) ;;
    *'msg="waiting for resource"'*)
      printf '%s\n' "$1" | sed -n 's/.* name=\([^ ]*\) kind=\([^ ]*\) .*actualStatus=\([^ ]*\).*/waiting for \2 \1: \3/p' ;;
    *'msg="Created resource via patch"'*)
      printf '%s\n' "$1" | sed -n 's/.* name=\([^ ]*\) gvk=".*Kind=\([^"]*\)".*/created \2 \1/p' ;;
    level=*)
      printf '%s\n' "$1" | sed -e 's/^level=[A-Z]* msg="\([^"]*\)" */\1 /' -e 's/ *$//' ;;
    *) printf '%s\n' "$1" ;;
  esac
}

# run_helm STEP ARGS... — runs helm with --debug; each line it prints becomes a progress line
# as it is printed (a person watching sees what Helm is doing now, including which resources
# it still waits for, not after it ends), and is kept for the reason. A pipeline's status is
# its last command's, so Helm's own goes through a file. The pipeline runs in the background
# so that a TERM (the Job ended early) is acted on at once, not after Helm.
run_helm() {
  step=$1; shift
  progress "$step" started "helm $*"
  : >"$WORK/helm.out"
  { helm "$@" --debug 2>&1; echo "$?" >"$WORK/helm.code"; } | {
    dumping=0 last=''
    while IFS= read -r line || [ -n "$line" ]; do
      printf '%s\n' "$line" >>"$WORK/helm.out"
      # After success --debug dumps values, hooks and the manifest: kept in the file, not told.
      case "$line" in
        'USER-SUPPLIED VALUES:'*|'COMPUTED VALUES:'*|'HOOKS:'*|'MANIFEST:'*) dumping=1 ;;
        'NOTES:'*) dumping=0 ;;
      esac
      [ "$dumping" = 1 ] && continue
      said=$(helm_says "$line")
      # Helm asks again every few seconds; a person needs to hear it once per change.
      if [ -n "$said" ] && [ "$said" != "$last" ]; then progress "$step" output "$said"; last=$said; fi
    done
  } &
  wait "$!"
  return "$(cat "$WORK/helm.code")"
}

release_status() {
  helm list -n "$NAMESPACE" --filter "^${RELEASE}\$" -o yaml 2>"$WORK/list.err" |
    sed -n 's/^ *status: *//p' | head -n 1
}

# A release stuck in pending-* (a provisioner killed mid-operation) blocks Helm: undo it.
recover_pending() {
  status=$1
  case "$status" in
    pending-install)
      run_helm recover uninstall "$RELEASE" -n "$NAMESPACE" --wait --timeout "$HELM_TIMEOUT" ||
        fail "$(cat "$WORK/helm.out")" ;;
    pending-upgrade|pending-rollback)
      run_helm recover rollback "$RELEASE" 0 -n "$NAMESPACE" --wait --timeout "$HELM_TIMEOUT" ||
        fail "$(cat "$WORK/helm.out")" ;;
  esac
}

# check_shop — whether the shop opens where the platform says it does: the ingress controller
# routes SHOP_URL's host to WordPress and the WooCommerce Store API lists products there.
# A new Ingress takes the controller a moment to learn; anything else is for a person to mend.
# Asked with busybox nc (its wget crashes in some static builds), within 20 s an attempt. `-e` runs the request's
# writer and the answer's reader on the socket, so the request side stays open until the
# answer is in (a half-closed request is a closed client to Traefik).
check_shop() {
  [ -n "${SHOP_URL:-}" ] && [ -n "${SHOP_CHECK_ADDRESS:-}" ] || return 0
  authority=${SHOP_URL#*://}; authority=${authority%%/*}
  printf 'GET /wp-json/wc/store/v1/products HTTP/1.0\r\nHost: %s\r\nUser-Agent: storefleet-provisioner\r\n\r\n' "$authority" >"$WORK/shop.request"
  progress shop started "checking that $SHOP_URL opens: the ingress controller at $SHOP_CHECK_ADDRESS, host $authority"
  tries=0
  while :; do
    : >"$WORK/shop.answer"
    # shellcheck disable=SC2016  # expanded by the sh that nc runs, with the two files as $0 and $1
    if timeout 20 nc -w 10 "${SHOP_CHECK_ADDRESS%:*}" "${SHOP_CHECK_ADDRESS##*:}" -e sh -c 'cat "$0"; cat >"$1"' "$WORK/shop.request" "$WORK/shop.answer" 2>"$WORK/shop.err"; then
      status=$(head -n 1 "$WORK/shop.answer" | tr -d '\r')
      case "$status" in
        'HTTP/1.'?' 200'*)
          case "$(sed '1,/^\r*$/d' "$WORK/shop.answer")" in
            '['*) progress shop succeeded "$SHOP_URL opens: its Store API lists the shop's products"; return 0 ;;
            *) why="answered with something other than the Store API's product list" ;;
          esac ;;
        '') why="closed the connection without an answer" ;;
        *) why="answered: $status" ;;
      esac
    else
      why="answered: $(tail -n 1 "$WORK/shop.err" | sed 's/^nc: //')"
    fi
    tries=$((tries + 1))
    [ "$tries" -lt "${SHOP_CHECK_TRIES:-15}" ] || break
    sleep 2
  done
  finish "$NO_RETRY" "The store is installed, but its address $SHOP_URL does not open: the ingress controller at $SHOP_CHECK_ADDRESS $why. Check that the ingress controller (Traefik) runs and that no other Ingress holds the host ${authority%%:*}, then change the store again or delete it." ShopUnreachable
}

# Kubernetes stops the pod (TERM) when the platform ends the operation early; say so and go.
trap 'finish 143 "The operation was stopped before it finished." Stopped' TERM

: "${OPERATION:?OPERATION is required}" "${RELEASE:?RELEASE is required}" "${NAMESPACE:?NAMESPACE is required}"
progress start started "$OPERATION of store $RELEASE in namespace $NAMESPACE"

status=$(release_status)
if [ -s "$WORK/list.err" ]; then
  fail "$(cat "$WORK/list.err")"
fi
progress inspect succeeded "release status: ${status:-none}"
case "$status" in pending-*) recover_pending "$status" ;; esac

case "$OPERATION" in
  install|upgrade)
    printf '%s\n' "${STORE_VALUES:-}" >"$WORK/values.yaml"
    if run_helm "$OPERATION" upgrade --install "$RELEASE" "$CHART" -n "$NAMESPACE" \
      -f "$WORK/values.yaml" --wait --rollback-on-failure --timeout "$HELM_TIMEOUT"; then
      check_shop
      finish 0 "The store is ready: $OPERATION completed."
    fi
    fail "$(cat "$WORK/helm.out")" ;;
  rollback)
    if run_helm rollback rollback "$RELEASE" "${ROLLBACK_TO:-0}" -n "$NAMESPACE" --wait --timeout "$HELM_TIMEOUT"; then
      check_shop
      finish 0 "The store was rolled back to revision ${ROLLBACK_TO:-0} (0 = previous)."
    fi
    fail "$(cat "$WORK/helm.out")" ;;
  uninstall)
    if run_helm uninstall uninstall "$RELEASE" -n "$NAMESPACE" --wait --ignore-not-found --timeout "$HELM_TIMEOUT"; then
      finish 0 "The store's release was uninstalled."
    fi
    fail "$(cat "$WORK/helm.out")" ;;
  *)
    finish 2 "Unknown operation \"$OPERATION\"; expected install, upgrade, rollback or uninstall." UnknownOperation ;;
esac
