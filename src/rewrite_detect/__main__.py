"""``python -m rewrite_detect``: the same as the ``rewrite-detect`` command."""

from rewrite_detect.cli import main

raise SystemExit(main())
