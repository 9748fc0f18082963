# The two commands the README promises. Both bootstrap what they need first.
.PHONY: demo test check lint bootstrap

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
