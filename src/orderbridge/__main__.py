"""``python -m orderbridge`` — the same as the ``orderbridge`` command."""

from orderbridge.entry import main

main()
