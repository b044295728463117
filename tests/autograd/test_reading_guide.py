"""docs/guides/reading-the-engine.md: every ``path:line`` reference points at the code it quotes,
and the reading path it lists stays short."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "docs" / "guides" / "reading-the-engine.md"
# `autograd/engine.py:51` `node = heappop(heap)[1]`: the line, then the code found on it
REFERENCE = re.compile(r"`((?:autograd|nn|optim)/[\w/]+\.py):(\d+)` `([^`]+)`")
READING_PATH = re.compile(r"^\| `(autograd/\w+\.py)` \|", re.M)


def references() -> list[tuple[str, int, str]]:
    found = REFERENCE.findall(GUIDE.read_text())
    return [(path, int(line), code) for path, line, code in found]


def test_the_guide_follows_the_call_from_backward_to_an_op_formula():
    paths = {path for path, _, _ in references()}
    assert len(references()) >= 15
    assert {"autograd/engine.py", "autograd/function.py", "autograd/ops/exponential.py"} <= paths


def test_every_file_line_reference_points_at_the_code_it_quotes():
    wrong = []
    for path, number, code in references():
        lines = (ROOT / path).read_text().splitlines()
        if number > len(lines) or code.strip() not in lines[number - 1]:
            now = [i + 1 for i, text in enumerate(lines) if code.strip() in text]
            wrong.append(f"{path}:{number} `{code}` is now at line(s) {now or 'none'}")
    assert wrong == [], "update docs/guides/reading-the-engine.md:\n" + "\n".join(wrong)


def test_the_reading_path_is_a_few_hundred_lines():
    files = READING_PATH.findall(GUIDE.read_text())
    assert files[:3] == ["autograd/tensor.py", "autograd/function.py", "autograd/engine.py"]
    assert {"autograd/grad_mode.py", "autograd/versions.py"} <= set(files)
    total = sum(len((ROOT / f).read_text().splitlines()) for f in files)
    # (634 when the guide was written; 764 once thread-local modes, the .data/.grad views and
    # PyTorch's next_functions joined it; 629 once those moved out to thread_state.py and
    # torch_facade.py; 641 with PyTorch's backward(gradient=, create_graph=, inputs=); 615 once
    # the view bookkeeping left versions.py for views.py; 577 once undoing broadcasting moved to
    # broadcasting.py; 580 with the decorator form of no_grad; 498 once the switches' context
    # manager and decorator became thread_state.Switch, as_tensor moved to conversion.py and the
    # op-writing example to docs/guides/writing-an-op.md; 500 with Function.apply's refusal
    # of keyword options that require grad. Growth past this is a reason to move code out.)
    assert total <= 500, f"the reading path has grown to {total} lines"
