"""``python -m trgraph.cli``: the same as the ``trgraph`` command."""

from trgraph.cli import main

main()
