"""``python -m orderbridge`` — the same as the ``orderbridge`` command."""

from orderbridge.cli import main

main()
