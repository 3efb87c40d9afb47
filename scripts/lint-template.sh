#!/usr/bin/env bash
# Lints template.yaml with cfn-lint and with `sam validate --lint`, both pinned in
# requirements-dev.txt and run from the project venv. Any finding fails, informational ones
# included, except the checks .cfnlintrc ignores (each with its reason there).
# Offline: no AWS credentials and no network; the SAM transform only wants a region name.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV="${VENV:-.venv}"
for tool in cfn-lint sam; do
  if [[ ! -x "$VENV/bin/$tool" ]]; then
    echo "lint-template: $VENV/bin/$tool is missing; install requirements-dev.txt into $VENV first" >&2
    exit 1
  fi
done
# SAM CLI would otherwise try to send usage telemetry to AWS and print a banner about it.
export SAM_CLI_TELEMETRY=0

# cfn-lint reads .cfnlintrc from here: the template, the regions, the rule set, the suppressions.
echo "lint-template: $("$VENV/bin/cfn-lint" --version)"
"$VENV/bin/cfn-lint"
echo "lint-template: cfn-lint found nothing"

# SAM's own lint: its default rule set (errors and warnings, .cfnlintrc is not read), after the
# same SAM transform that `sam build` and `sam deploy` apply.
echo "lint-template: $("$VENV/bin/sam" --version)"
"$VENV/bin/sam" validate --lint --template template.yaml --region us-east-1

# cfn-lint is blind to some findings in a SAM template: inside AWS::Serverless::* properties it
# checks neither IAM actions (W3037: e.g. the non-existent dynamodb:TransactWriteItems) nor
# unused parameters (W2001), and it misses dependency cycles through SAM-generated resources
# (E3004). So lint once more the plain CloudFormation that the SAM transform produces, with the
# same pinned translator and the same .cfnlintrc. CodeUri becomes a placeholder S3 object, as
# `sam deploy` would make it.
transformed=target/template.transformed.json
mkdir -p target
AWS_DEFAULT_REGION=us-east-1 "$VENV/bin/python" - template.yaml "$transformed" <<'PY'
import json, sys
from cfnlint.decode import decode
from samtranslator.translator.transform import transform

src, dst = sys.argv[1], sys.argv[2]
template, errors = decode(src)
if errors:
    sys.exit(f"lint-template: cannot parse {src}: {errors}")
template.get("Globals", {}).get("Function", {}).pop("CodeUri", None)
for resource in template["Resources"].values():
    if resource.get("Type") == "AWS::Serverless::Function":
        resource["Properties"]["CodeUri"] = "s3://lint-placeholder-bucket/code.zip"
# Values for the parameters without a default (the transform resolves a few intrinsics).
values = {name: "1" if p.get("Type") == "Number" else "x"
          for name, p in template.get("Parameters", {}).items() if "Default" not in p}

class NoManagedPolicies:  # the template names no managed policy: nothing to look up in IAM
    def load(self):
        return {}

with open(dst, "w") as out:
    json.dump(transform(template, values, NoManagedPolicies()), out, indent=1)
PY
"$VENV/bin/cfn-lint" "$transformed"
echo "lint-template: the transformed template ($transformed) is clean too"
