"""``autograd.backends``: PyTorch's ``torch.backends`` switches, which scripts set before
training (``torch.backends.cudnn.benchmark = True``). They tune GPU and vendor libraries that
backproplab does not use, so setting them changes nothing here; asking whether a backend is
available says no.
"""

from __future__ import annotations

from types import SimpleNamespace


def _no() -> bool:
    return False


# Every flag may be read and set; none changes what backproplab computes.
cudnn = SimpleNamespace(
    enabled=True, benchmark=False, deterministic=False, allow_tf32=True, is_available=_no
)
cuda = SimpleNamespace(
    matmul=SimpleNamespace(allow_tf32=False, allow_fp16_reduced_precision_reduction=True),
    is_built=_no,
)
mps = SimpleNamespace(is_available=_no, is_built=_no)
mkldnn = SimpleNamespace(enabled=True, is_available=_no)
