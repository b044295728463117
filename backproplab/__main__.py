"""``python -m backproplab``: see :mod:`backproplab.cli`."""

from backproplab.cli import main

raise SystemExit(main())
