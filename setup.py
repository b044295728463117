"""Build step that pyproject.toml cannot express: the learning material goes into the wheel.

The notebooks, the exercises (with their checker and release script) and the demo live in
examples/, outside the packages. For ``python -m backproplab notebooks|exercises|demo`` to work
from an installed wheel, building copies them into the package ``backproplab`` as the folder
``backproplab/material/`` (the same layout as examples/). An editable install reads examples/
directly (backproplab/_material.py looks there), so nothing is copied then.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
# What the commands need, relative to examples/.
MATERIAL = ("notebooks", "exercises", "train_digits.py")
SKIP = shutil.ignore_patterns("__pycache__", "*.pyc", ".ipynb_checkpoints", "out")


class BuildWithMaterial(build_py):
    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        target = Path(self.build_lib) / "backproplab" / "material"
        for name in MATERIAL:
            source = HERE / "examples" / name
            if source.is_dir():
                shutil.copytree(source, target / name, ignore=SKIP, dirs_exist_ok=True)
            else:
                target.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, target / name)


setup(cmdclass={"build_py": BuildWithMaterial})
