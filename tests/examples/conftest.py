"""Short time limits for the exercise checker's tests: a submission that hangs is stopped after
1 to 5 s instead of the 10 s or more a student gets (checks/limits.py). check.py's processes
inherit them."""

import os

os.environ["BACKPROPLAB_CHECK_MIN_SECONDS"] = "1"
os.environ["BACKPROPLAB_CHECK_MAX_SECONDS"] = "5"
