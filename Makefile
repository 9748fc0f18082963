# The two commands the README promises. Both bootstrap what they need first.
.PHONY: demo test check lint bootstrap

# scripts/bootstrap.sh installs uv with `pip --user` on a fresh machine: its bin folder
# must be on the recipes' PATH too, not only on the script's.
export PATH := $(HOME)/.local/bin:$(PATH)

bootstrap:
	@bash scripts/bootstrap.sh

demo: bootstrap
	uv run orderbridge demo

test:
	@bash scripts/test.sh

lint: bootstrap
	uv run ruff check src tests bench
	uv run ruff format --check src tests bench
	uv run mypy
	uv run lint-imports
