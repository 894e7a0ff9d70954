"""``python -m csskpi``: the same as the ``csskpi`` command."""

from csskpi.cli import main

raise SystemExit(main())
