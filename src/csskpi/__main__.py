"""``python -m csskpi``: the same as the ``csskpi`` command."""

from .cli import main

raise SystemExit(main())
