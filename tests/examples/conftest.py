"""Short time limits for the exercise checker's tests (checks/limits.py): a submission that hangs
is stopped after 2 to 5 s instead of the 10 s or more a student gets, and a notebook cell after
12 s, enough on a busy machine. check.py's processes inherit them."""

import os

os.environ["BACKPROPLAB_CHECK_MIN_SECONDS"] = "2"
os.environ["BACKPROPLAB_CHECK_MAX_SECONDS"] = "5"
