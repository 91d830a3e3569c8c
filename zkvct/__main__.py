"""``python -m zkvct ...``: the zkvct CLI (what services started by the demo and tests run)."""
from zkvct.cli.main import main

main(prog_name="zkvct")
