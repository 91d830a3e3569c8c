# The two commands a fresh machine needs (see README): `make demo` and `make test`.
.PHONY: setup demo test bench

setup:
	bash scripts/setup.sh

demo: setup
	.venv/bin/zkvct demo

test: setup
	.venv/bin/python -m pytest

bench: setup
	.venv/bin/python -m pytest benchmarks/bench_*.py --benchmark-only
