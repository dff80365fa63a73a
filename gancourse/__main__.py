"""``python -m gancourse``: see :mod:`gancourse.cli`."""

from .cli import main

raise SystemExit(main())
