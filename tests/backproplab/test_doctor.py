"""``python -m backproplab doctor``: versions, renderer, fonts, BLAS threads and the name clash."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

from backproplab import doctor

ROOT = Path(__file__).resolve().parents[2]


def test_a_healthy_environment_is_described_and_passes(capsys):
    assert doctor.run(argparse.Namespace()) == 0
    out = capsys.readouterr().out
    for item in ("Python: ", "numpy: ", "graphviz (Python package", "optional: graphviz-pure"):
        assert item in out, item
    assert "autograd: backproplab's, " in out
    assert "name clash: none" in out
    assert "Graphviz renderer: " in out
    assert "fonts: " in out and "BLAS threads: " in out
    assert out.rstrip().endswith("No problem found.")


def test_ours_installed_over_hips_autograd_is_reported_as_breaking_it(tmp_path):
    """pip installs backproplab over HIPS autograd without a word: HIPS's RECORD still lists the
    autograd/__init__.py that is now ours. Rebuilt here with a dist-info folder and links."""
    site = tmp_path / "site"
    site.mkdir()
    for name in ("autograd", "nn", "optim", "backproplab", "_backproplab_clash.py"):
        (site / name).symlink_to(ROOT / name)
    info = site / "autograd-1.9.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: autograd\nVersion: 1.9.1\n")
    (info / "RECORD").write_text("autograd/__init__.py,,\nautograd/core.py,,\n")
    done = subprocess.run(
        [sys.executable, "-m", "backproplab.doctor"],
        env=dict(os.environ, PYTHONPATH=str(site)),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert "name clash: HIPS autograd is installed as well" in done.stdout
    assert "HIPS autograd no longer works" in done.stdout
    assert f"autograd 1.9.1 (HIPS) in {site}" in done.stdout
