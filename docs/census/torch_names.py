"""Write torch_names.json: the public names of torch, torch.Tensor, torch.nn,
torch.nn.functional and torch.optim in the installed PyTorch (generated once, committed).

    python docs/census/torch_names.py        # needs torch

A name counts when the module lists it in ``__all__`` (or, for torch.Tensor and modules without
``__all__``, when ``dir()`` lists it without a leading underscore) -- the names PyTorch's API
reference documents.
"""

from __future__ import annotations

import json
from pathlib import Path

HERE = Path(__file__).resolve().parent


def public(obj: object) -> list[str]:
    names = getattr(obj, "__all__", None) or [n for n in dir(obj) if not n.startswith("_")]
    return sorted(n for n in set(names) if not n.startswith("_"))


def main() -> int:
    import torch
    import torch.nn.functional as F

    names = {
        "torch_version": torch.__version__,
        "torch": public(torch),
        "Tensor": public(torch.Tensor),
        "nn": public(torch.nn),
        "F": [n for n in public(F) if callable(getattr(F, n, None))],
        "optim": public(torch.optim),
    }
    (HERE / "torch_names.json").write_text(json.dumps(names, indent=1) + "\n")
    print({k: len(v) for k, v in names.items() if isinstance(v, list)})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
