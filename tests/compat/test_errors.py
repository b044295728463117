"""Clear errors for mistakes PyTorch users make: float class indices, an optimizer
given ``model.parameters`` uncalled, and a shape error deep inside a model."""

import numpy as np
import pytest

import autograd
import nn
import optim
from nn import functional as F

# ------------------------------------------------------------------ float class indices

LOSSES = {
    "F.cross_entropy": ("cross_entropy", F.cross_entropy),
    "F.nll_loss": ("nll_loss", F.nll_loss),
    "nn.CrossEntropyLoss": ("cross_entropy", nn.CrossEntropyLoss()),
    "nn.NLLLoss": ("nll_loss", nn.NLLLoss()),
}


@pytest.mark.parametrize("label", sorted(LOSSES))
@pytest.mark.parametrize(
    "input_shape, target_shape", [((4, 5), (4,)), ((5,), ()), ((2, 5, 3), (2, 3))]
)
def test_float_class_indices_say_they_must_be_integers(label, input_shape, target_shape):
    fn_name, loss = LOSSES[label]
    x = autograd.Tensor(np.zeros(input_shape, dtype=np.float32), requires_grad=True)
    target = np.zeros(target_shape, dtype=np.float32)
    pattern = rf"^{fn_name}: class indices must be integers, got float32"
    for given in (target, autograd.Tensor(target)):
        with pytest.raises(TypeError, match=pattern):
            loss(x, given)


def test_the_error_suggests_the_conversion_and_probabilities_for_cross_entropy():
    x = autograd.Tensor(np.zeros((4, 5), dtype=np.float32))
    with pytest.raises(TypeError) as info:
        F.cross_entropy(x, np.array([0.0, 1.0, 2.0, 3.0]))
    assert str(info.value) == (
        "cross_entropy: class indices must be integers, got float64; convert the target with "
        ".long() or .astype(np.int64); class probabilities would need the input's shape (4, 5)"
    )
    with pytest.raises(TypeError, match=r"^nll_loss: .*np\.int64\)$"):
        F.nll_loss(x, np.array([0.0, 1.0, 2.0, 3.0]))


def test_the_same_indices_as_integers_work():
    x = autograd.Tensor(np.zeros((4, 5), dtype=np.float32))
    # Equal logits: cross-entropy is ln 5 for every row; nll_loss of zeros (log-probabilities) is 0.
    for loss, expected in (
        (F.cross_entropy, np.log(5)),
        (F.nll_loss, 0.0),
        (nn.CrossEntropyLoss(), np.log(5)),
        (nn.NLLLoss(), 0.0),
    ):
        for target in (np.array([0, 1, 2, 3]), autograd.tensor([0, 1, 2, 3])):
            assert float(loss(x, target)) == pytest.approx(expected, rel=1e-6)


@pytest.mark.parametrize("shape", [(4, 5), (5,), (2, 5, 3)])
def test_class_probability_targets_still_work_as_in_pytorch(shape):
    rng = np.random.default_rng(0)
    z = rng.standard_normal(shape)
    p = rng.random(shape)
    p /= p.sum(axis=1 if len(shape) > 1 else 0, keepdims=True)
    class_axis = 1 if len(shape) > 1 else 0
    log_p = z - np.log(np.exp(z).sum(axis=class_axis, keepdims=True))
    per_sample = -(p * log_p).sum(axis=class_axis)
    for loss in (F.cross_entropy, nn.CrossEntropyLoss()):
        out = loss(autograd.Tensor(z), autograd.Tensor(p))
        np.testing.assert_allclose(out.data, per_sample.mean(), rtol=1e-12)
    none = F.cross_entropy(autograd.Tensor(z), p, reduction="none")
    np.testing.assert_allclose(none.data, per_sample, rtol=1e-12)


def test_probabilities_of_a_wrong_shape_still_name_the_input_shape():
    x = autograd.Tensor(np.zeros((4, 5)))
    with pytest.raises(ValueError, match=r"probability targets must have the input's shape"):
        F.cross_entropy(x, np.zeros((4, 4)))


def test_probability_targets_match_torch():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(1)
    z, p = rng.standard_normal((6, 4)), rng.dirichlet(np.ones(4), size=6)
    ours = autograd.Tensor(z.copy(), requires_grad=True)
    theirs = torch.tensor(z.copy(), requires_grad=True)
    out = F.cross_entropy(ours, p, label_smoothing=0.1)
    ref = torch.nn.functional.cross_entropy(theirs, torch.tensor(p), label_smoothing=0.1)
    out.backward()
    ref.backward()
    np.testing.assert_allclose(out.data, ref.item(), rtol=1e-12)
    np.testing.assert_allclose(ours.grad, theirs.grad.numpy(), rtol=1e-10, atol=1e-14)
    with pytest.raises(RuntimeError):  # torch refuses float class indices as well
        torch.nn.functional.cross_entropy(theirs, torch.zeros(6))


# ------------------------------------------------------------------ model.parameters uncalled

OPTIMIZERS = [optim.SGD, optim.Adam, optim.AdamW, optim.RMSprop, optim.Adagrad]


@pytest.mark.parametrize("cls", OPTIMIZERS, ids=lambda c: c.__name__)
def test_optimizers_given_the_parameters_method_say_to_call_it(cls):
    model = nn.Sequential(nn.Linear(2, 3))
    name = cls.__name__
    with pytest.raises(TypeError) as info:
        cls(model.parameters, lr=0.1)
    assert str(info.value) == (
        f"{name}: params is the method Sequential.parameters, not the parameters it yields; "
        f"call it: {name}(model.parameters(), ...)"
    )
    cls(model.parameters(), lr=0.1)  # the call it asks for works


def test_the_check_lives_in_the_base_class():
    class SignSGD(optim.Optimizer):
        def __init__(self, params, lr=0.01):
            super().__init__(params, {"lr": lr})

    with pytest.raises(TypeError, match=r"call it: SignSGD\(model\.parameters\(\), \.\.\.\)"):
        SignSGD(nn.Linear(2, 1).parameters)
    with pytest.raises(TypeError, match=r"call it: SignSGD\(model\.named_parameters\(\), "):
        SignSGD(nn.Linear(2, 1).named_parameters)


# ------------------------------------------------------------------ errors inside a model

WRONG = autograd.Tensor(np.ones((2, 5), dtype=np.float32))  # the first layer wants 4 features


class Block(nn.Module):
    def __init__(self, n_in, n_out):
        super().__init__()
        self.layers = nn.Sequential(nn.Linear(n_in, 8), nn.ReLU(), nn.Linear(8, n_out))

    def forward(self, x):
        return self.layers(x)


class Model(nn.Module):
    def __init__(self, hidden=6):
        super().__init__()
        self.encoder = Block(4, hidden)
        self.head = nn.Linear(6, 3)

    def forward(self, x):
        return self.head(self.encoder(x))


def test_a_shape_error_in_a_sequential_names_the_layer_by_path_and_repr():
    model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(7, 3))
    with pytest.raises(ValueError) as info:
        model(autograd.Tensor(np.ones((2, 4), dtype=np.float32)))
    assert str(info.value) == (
        "in model.2 (Linear(in_features=7, out_features=3, bias=True)): linear: input shape "
        "(2, 8) does not fit weight shape (3, 7) (need input (..., 7) and a 2-D weight)"
    )


def test_the_path_runs_from_the_model_called_and_is_added_once():
    with pytest.raises(ValueError) as info:
        Model()(WRONG)
    text = str(info.value)
    assert text.startswith("in model.encoder.layers.0 (Linear(in_features=4, out_features=8, ")
    assert text.count("in model.") == 1 and text.count("linear: input shape (2, 5)") == 1
    # Called on its own, the same block names the path from itself.
    with pytest.raises(ValueError, match=r"^in model\.layers\.0 \(Linear\("):
        Model().encoder(WRONG)


def test_a_later_layer_is_named_too():
    with pytest.raises(ValueError, match=r"^in model\.head \(Linear\(in_features=6, .*\(2, 5\)"):
        Model(hidden=5)(autograd.Tensor(np.ones((2, 4), dtype=np.float32)))


def test_type_errors_are_located_and_keep_their_type():
    model = nn.Sequential(nn.Linear(4, 8))
    with pytest.raises(TypeError, match=r"^in model\.0 \(Linear\(.*\)\): linear: input dtype"):
        model(autograd.Tensor(np.ones((2, 4), dtype=np.float64)))


def test_a_module_called_directly_keeps_the_message_unchanged():
    with pytest.raises(ValueError, match=r"^linear: input shape \(2, 5\)"):
        nn.Linear(4, 8)(WRONG)


def test_an_error_in_the_models_own_forward_is_not_attributed_to_a_child():
    class Reshaper(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = nn.Linear(4, 2)

        def forward(self, x):
            return self.fc(x).reshape(3, 3)

    with pytest.raises(ValueError) as info:
        Reshaper()(autograd.Tensor(np.ones((2, 4), dtype=np.float32)))
    assert not str(info.value).startswith("in model")


def test_a_failing_container_is_shown_by_its_type_not_its_whole_tree():
    class Strict(nn.Module):
        def __init__(self):
            super().__init__()
            self.inner = nn.Sequential(nn.Linear(4, 4), nn.ReLU())

        def forward(self, x):
            raise ValueError("strict: no")

    model = nn.Sequential(Strict())
    with pytest.raises(ValueError, match=r"^in model\.0 \(Strict\(\.\.\.\)\): strict: no$"):
        model(WRONG)


def test_the_error_is_the_original_exception_with_its_traceback():
    class CustomError(ValueError):
        pass

    class Raises(nn.Module):
        def forward(self, x):
            raise CustomError("custom: bad input")

    pattern = r"^in model\.1 \(Raises\(\)\): custom: bad input$"
    with pytest.raises(CustomError, match=pattern) as info:
        nn.Sequential(nn.Identity(), Raises())(WRONG)
    assert info.traceback[-1].name == "forward"  # still points at the line that raised


def test_messages_that_are_not_one_string_are_left_alone():
    class Odd(nn.Module):
        def forward(self, x):
            raise ValueError("odd", 3)

    with pytest.raises(ValueError) as info:
        nn.Sequential(Odd())(WRONG)
    assert info.value.args == ("odd", 3)


def test_a_module_that_is_not_a_registered_child_is_not_named():
    helper = nn.Linear(4, 8)

    class UsesHelper(nn.Module):
        def forward(self, x):
            return helper(x)  # not an attribute: no path leads to it

    with pytest.raises(ValueError, match=r"^linear: input shape \(2, 5\)"):
        UsesHelper()(WRONG)


def test_the_model_still_works_after_an_error():
    model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3))
    with pytest.raises(ValueError, match="in model.0"):
        model(WRONG)
    out = model(autograd.Tensor(np.ones((2, 4), dtype=np.float32)))
    out.sum().backward()
    assert out.shape == (2, 3) and model[0].weight.grad is not None
