"""Short time limits for the exercise checker's tests: a submission that hangs is stopped after
1 s instead of the 10 s a student gets (checks/limits.py). check.py's processes inherit it."""

import os

os.environ["BACKPROPLAB_CHECK_MIN_SECONDS"] = "1"
