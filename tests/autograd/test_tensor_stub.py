"""autograd/_tensor_methods.pyi: every method installed on Tensor, as IDEs and type checkers see
them (written by autograd/tensor_stub.py)."""

import ast
import importlib
import inspect

import autograd
from autograd import tensor_stub
from autograd.torch_facade import Lacking


def stub_members() -> set[str]:
    tree = ast.parse(tensor_stub.PATH.read_text())
    cls = next(n for n in tree.body if isinstance(n, ast.ClassDef))
    names = {n.name for n in cls.body if isinstance(n, ast.FunctionDef)}
    return names | {n.target.id for n in cls.body if isinstance(n, ast.AnnAssign)}


def test_the_stub_is_up_to_date():
    # If this fails after adding an op: `make stub` (python -m autograd.tensor_stub) rewrites it.
    assert tensor_stub.PATH.read_text() == tensor_stub.render()


def test_every_tensor_attribute_is_written_in_tensor_py_or_in_the_stub():
    written = set(vars(autograd.Tensor)) - tensor_stub.installed_names(autograd.Tensor)
    declared = written | stub_members()
    lacking = {k for k, v in vars(autograd.Tensor).items() if isinstance(v, Lacking)}
    public = {name for name in dir(autograd.Tensor) if not name.startswith("_")}
    assert {"exp", "sum", "backward", "add_", "size", "reshape", "T"} <= stub_members()
    assert public - lacking - declared == set()


def test_the_stub_gives_each_method_its_signature_and_docstring():
    tree = ast.parse(tensor_stub.PATH.read_text())
    cls = next(n for n in tree.body if isinstance(n, ast.ClassDef))
    methods = {n.name: n for n in cls.body if isinstance(n, ast.FunctionDef)}
    total = methods["sum"]
    assert [a.arg for a in total.args.args] == ["self", "axis", "keepdims"]
    assert ast.get_docstring(total) == inspect.getdoc(autograd.Tensor.sum)
    assert ast.unparse(total.returns) == "Tensor"


def test_tensor_derives_from_the_stub_only_for_type_checkers():
    source = inspect.getsource(importlib.import_module("autograd.tensor"))
    assert "from ._tensor_methods import TensorMethods" in source
    assert autograd.Tensor.__mro__ == (autograd.Tensor, object)
