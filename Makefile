.PHONY: dev test venv lint-template package

# The two commands (see README.md). The logic lives in scripts/ so traps and retries stay readable.
test: ## install what is missing (.venv), start moto, fmt + clippy + every test
	@scripts/test.sh

dev: ## the local stack: DynamoDB (moto), local Stripe, the four functions (cargo lambda watch); Ctrl-C stops it
	@scripts/dev.sh

venv: ## only create/update .venv from requirements-dev.txt
	@scripts/venv.sh

lint-template: venv ## cfn-lint + sam validate --lint + lint of the SAM-transformed template (offline)
	@scripts/lint-template.sh

package: venv ## release arm64 zips of the six functions (target/lambda/*/bootstrap.zip) with their sizes
	@scripts/package.sh

.PHONY: e2e invoke-events reconcile web bench

bench: ## cold start, warm latency and package sizes vs a floor binary and a Python peer: writes docs/BENCHMARKS.md
	@scripts/bench.sh

web: ## the seller kit's checks alone (web/: npm ci, generated files, tsc, eslint, Vitest, browser test)
	@scripts/web.sh all

e2e: ## the end-to-end commerce test alone (starts its own local stack, or E2E_API_URL/E2E_STRIPE_URL)
	@scripts/e2e.sh

invoke-events: ## every tests/events/ file through `cargo lambda invoke` against the local stack
	@scripts/invoke-events.sh

reconcile: ## one reconcile pass (catch-up, re-drive, drift check) against the running `make dev` stack
	@scripts/reconcile.sh
