#!/usr/bin/env bash
# actions/rollout: for every policy in rollout whose gates pass, `caac rollout advance --check`
# on a branch of its own, then a pull request whose body is the evidence. Inputs come in through
# the environment only (never interpolated into this script). Exit codes of advance: 0 advanced,
# 4 refused (gates, or no next stage: skipped), anything else stops the run.
set -euo pipefail

CLI="$GITHUB_ACTION_PATH/../../dist/cli.js"
case "${CAAC_DRY_RUN,,}" in true) dry=1 ;; false) dry=0 ;; *) echo "::error title=caac::dry-run must be true or false, not \"$CAAC_DRY_RUN\""; exit 2 ;; esac
conn=()
[ -n "${CAAC_AUTH:-}" ] && conn+=(--auth "$CAAC_AUTH")
[ -n "${CAAC_CLOUD:-}" ] && conn+=(--cloud "$CAAC_CLOUD")
[ -n "${CAAC_GRAPH_URL:-}" ] && conn+=(--graph-url "$CAAC_GRAPH_URL")
window=(--since "$CAAC_SINCE" --max-pages "$CAAC_MAX_PAGES")

status="$RUNNER_TEMP/caac-rollout-status.json"
node "$CLI" rollout status --dir "$CAAC_DIR" "${window[@]}" "${conn[@]}" --format json > "$status"
node "$CLI" rollout status --dir "$CAAC_DIR" "${window[@]}" "${conn[@]}" --format markdown >> "$GITHUB_STEP_SUMMARY" || true

# Names of the policies whose gates pass and that have a next stage, one per line (NUL-free JSON strings decoded by node).
mapfile -t ready < <(node -e '
  const s = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  for (const p of s.policies) if (p.gates.pass && !("refusal" in p.next)) console.log(p.displayName.replace(/[\r\n]/g, " "));
' "$status")

base="${CAAC_BASE:-$(gh repo view --json defaultBranchRef --jq .defaultBranchRef.name)}"
opened=0
for policy in "${ready[@]}"; do
  [ -z "$policy" ] && continue
  if [ "$dry" = 1 ]; then
    echo "would advance: $policy"
    opened=$((opened + 1))
    continue
  fi
  slug=$(printf '%s' "$policy" | tr 'A-Z' 'a-z' | tr -c 'a-z0-9' '-' | sed 's/--*/-/g; s/^-//; s/-$//' | cut -c1-60)
  branch="caac/rollout/$slug"
  if git ls-remote --exit-code --heads origin "$branch" >/dev/null 2>&1; then
    echo "::notice title=caac rollout::$branch exists already (a pull request waits for review): skipped"
    continue
  fi
  git checkout -q "$base"
  git checkout -q -B "$branch"
  body="$RUNNER_TEMP/caac-rollout-body.md"
  set +e
  node "$CLI" rollout advance "$policy" --check --dir "$CAAC_DIR" "${window[@]}" "${conn[@]}" --body "$body" > /dev/null
  code=$?
  set -e
  if [ "$code" = 4 ]; then echo "not advanced (gates): $policy"; git checkout -q "$base"; continue; fi
  [ "$code" = 0 ] || exit "$code"
  git add -- "$CAAC_DIR"
  git -c user.name="caac rollout" -c user.email="caac-rollout@users.noreply.github.com" commit -q -m "Rollout: advance $policy"
  git push -q origin "$branch"
  gh pr create --base "$base" --head "$branch" --title "Rollout: advance $policy" --body-file "$body"
  git checkout -q "$base"
  opened=$((opened + 1))
done
echo "opened=$opened" >> "$GITHUB_OUTPUT"
