#!/usr/bin/env bash
# Billing drift check for any CI (cron, Jenkins, GitLab, Buildkite, …): runs `gcp-billing-link drift` once,
# writes a JSON report (for a dashboard) and a Markdown report (for people), and exits with its code.
#
# Usage: drift-check.sh STACK [PROJECT_DIR]
#
# Environment:
#   DRIFT_REPORT_DIR   where the reports go (default: drift-report); drift-report.json and drift-report.md
#   DRIFT_UNMANAGED    1 (default) also reports projects billed to the stack's accounts that it does not
#                      declare (needs roles/billing.viewer on those accounts); 0 skips that listing
#   GCP_BILLING_LINK   how to run the CLI (default: npx --no-install gcp-billing-link, from the project's
#                      node_modules)
#   and what pulumi and the provider need, as for `pulumi preview`: PULUMI_BACKEND_URL or
#   PULUMI_ACCESS_TOKEN, PULUMI_CONFIG_PASSPHRASE, and Google credentials (GOOGLE_APPLICATION_CREDENTIALS,
#   or the stack's gcp-billing:credentials); read-only ones are enough.
#
# Exit codes (those of `gcp-billing-link drift`):
#   0  no drift           3  findings: a human must act (see drift-report.md)
#   anything else: the check itself failed. That is never "no drift": alert whoever owns the pipeline.
set -u -o pipefail

if [ "$#" -lt 1 ] || [ "$#" -gt 2 ]; then
  echo "usage: $0 STACK [PROJECT_DIR]" >&2
  exit 2
fi
stack=$1
project_dir=${2:-.}
report_dir=${DRIFT_REPORT_DIR:-drift-report}
read -r -a cli <<<"${GCP_BILLING_LINK:-npx --no-install gcp-billing-link}"
args=(drift --stack "$stack" --cwd "$project_dir"
  --output "$report_dir/drift-report.json" --output "$report_dir/drift-report.md")
if [ "${DRIFT_UNMANAGED:-1}" = "1" ]; then
  args+=(--unmanaged)
fi

mkdir -p "$report_dir"
"${cli[@]}" "${args[@]}"
status=$?

case "$status" in
  0) echo "drift-check: stack $stack has no billing drift." ;;
  3) echo "drift-check: billing DRIFT in stack $stack; what changed and who must act: $report_dir/drift-report.md" >&2 ;;
  *) echo "drift-check: the check of stack $stack FAILED (exit $status), so drift is unknown; the output above (and $report_dir/drift-report.md, when written) says why." >&2 ;;
esac
exit "$status"
