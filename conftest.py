"""Test-suite settings shared by every test, notebook and example run from pytest."""

import os

# Notebooks and examples read this to shrink epochs and sizes while still checking their result.
os.environ.setdefault("BACKPROPLAB_QUICK", "1")
# Matplotlib must not try to open windows on a machine without a display.
os.environ.setdefault("MPLBACKEND", "Agg")
