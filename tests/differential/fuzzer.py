"""A differential fuzzer: random expression graphs run in backproplab and in PyTorch (float64).

Each case draws (with hypothesis) one to three leaf tensors of random shapes -- ranks 0 to 4,
sizes 0 to 3, so empty and size-1 axes are common -- and then 2 to 8 ops, each applied to an
existing node (inputs are reused freely) plus whatever fresh leaves or constants it needs
(broadcasting partners, weights, targets). Every op of every family in ``autograd.ops`` and every
``nn.functional`` function is in the table, axis arguments are spelled the NumPy way
(``axis=``, ``keepdims=``) or the PyTorch way (``dim=``, ``keepdim=``) at random.

The same graph is built in both libraries, and compared:

- the values of every node;
- first derivatives: d(sum(w * out))/d(leaf) for a fixed random w;
- second derivatives: the Hessian-vector product d(sum_leaf v_leaf . grad_leaf)/d(leaf).

Both libraries raising on the same op counts as agreement (that op is skipped); one raising
alone, or any value or derivative differing beyond float64 rounding, is a mismatch, reported with
the whole graph so it can be replayed. ``KNOWN`` lists the documented divergences (backproplab
raising a clear error where PyTorch returns NaN with a warning), ``TORCH_LIMITS`` PyTorch's own
failures on valid inputs; both are counted, not failed.

Profiles: ``check(cases, seed)`` runs from the test suite (a bounded number of cases) and from
``python -m tests.differential.fuzzer --cases N [--seed S]`` (``make fuzz``), which prints the
counts.
"""

from __future__ import annotations

import argparse
import time
import warnings
from typing import Any

import hypothesis
import numpy as np
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import autograd as ag

from . import ops_arrays, ops_elementwise, ops_functional, ops_special  # noqa: F401  (fill OPS)
from .graph import OPS, STATS, DoesNotFitError, Graph, MismatchError, Node, Stats, compare

FUNCTIONAL_COVERAGE = ops_functional.COVERAGE
FAMILIES = sorted({family for family, _ in OPS.values()})

KNOWN = ("leaves no degrees of freedom", "expected more than 1 value per channel")
# PyTorch's own failures on inputs it documents as valid: its multi_head_attention_forward
# reshapes with -1, which cannot be inferred from 0 elements (an empty batch and sequence).
TORCH_LIMITS = ("cannot reshape tensor of 0 elements",)


def _apply(g: Graph, name: str, x: Node) -> Node | None:
    family, builder = OPS[name]
    ours_fn, theirs_fn, text = builder(g, x)  # draws; raises DoesNotFitError if the op does not fit
    results, errors = [], []
    for fn in (ours_fn, theirs_fn):
        try:
            with warnings.catch_warnings(), np.errstate(all="ignore"):
                warnings.simplefilter("ignore")
                results.append(fn())
                errors.append(None)
        except MismatchError:
            raise
        except Exception as error:  # noqa: BLE001  (compared below)
            results.append(None)
            errors.append(error)
    ours, theirs = results
    if errors[0] is not None or errors[1] is not None:
        if errors[0] is not None and errors[1] is not None:
            STATS.both_raised[name] += 1
            return None
        if errors[0] is not None and any(k in str(errors[0]) for k in KNOWN):
            STATS.known[name] += 1
            return None
        if errors[1] is not None and any(k in str(errors[1]) for k in TORCH_LIMITS):
            STATS.torch_failed[f"{name}: {str(errors[1])[:50]}"] += 1
            return None
        raise MismatchError(
            f"{text}: only one library raised",
            repr(errors[0]) if errors[0] else "a result",
            repr(errors[1]) if errors[1] else "a result",
        )
    if isinstance(theirs, tuple):  # max/min(dim=): (values, indices), which must agree too
        compare(f"indices of {text}", ours.indices.data, theirs.indices)
        ours, theirs = ours.values, theirs.values
    node = Node(ours, theirs, f"v{len(g.nodes)}")
    g.lines.append(f"{node.label} = {text}    # {name} on {x.label}")
    compare(f"value of {node.label} = {text}", node.ours, node.theirs)
    STATS.ops[name] += 1
    STATS.families[family] += 1
    return node


def _differentiate(g: Graph, out: Node) -> None:
    """First and second derivatives of sum(w * out) with respect to every leaf."""
    leaves = [leaf for leaf in g.leaves]
    if not leaves or not out.theirs.requires_grad:
        return
    if out.theirs.numel() and torch.isnan(out.theirs).all():
        # (A mean over nothing used as a target.) The derivative of NaN is not a number:
        # PyTorch's formulas may still make one up (sign(x - nan) = 0 in l1_loss's).
        STATS.nan_outputs += 1
        return
    w = g.values(out.shape)
    ours_loss = (out.ours * ag.tensor(w)).sum()
    theirs_loss = (out.theirs * torch.tensor(w)).sum()
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        if not ours_loss.requires_grad:
            raise MismatchError("requires_grad of the output", False, True)
        ours_grads = ag.grad(
            ours_loss, [leaf.ours for leaf in leaves], create_graph=True, allow_unused=True
        )
        try:
            theirs_grads = torch.autograd.grad(
                theirs_loss, [leaf.theirs for leaf in leaves], create_graph=True, allow_unused=True
            )
        except RuntimeError as error:  # PyTorch's own backward failed (adaptive_avg_pool2d's
            # on empty channels): count it, with ours checked only to run without error
            STATS.torch_failed[str(error)[:60]] += 1
            return
        for leaf, a, b in zip(leaves, ours_grads, theirs_grads):
            a = np.zeros(leaf.shape) if a is None else a
            b = torch.zeros(leaf.shape, dtype=torch.float64) if b is None else b
            compare(f"d/d{leaf.label}", a, b)
        vs = [g.values(leaf.shape) for leaf in leaves]
        ours_s = [
            (a * ag.tensor(v)).sum()
            for a, v in zip(ours_grads, vs)
            if a is not None and a.requires_grad
        ]
        theirs_s = [
            (b * torch.tensor(v)).sum()
            for b, v in zip(theirs_grads, vs)
            if b is not None and b.requires_grad
        ]
        if not theirs_s:
            return  # a linear graph in torch's eyes: its second derivative is zero
        try:
            theirs_second = torch.autograd.grad(
                sum(theirs_s), [leaf.theirs for leaf in leaves], allow_unused=True
            )
        except RuntimeError as error:  # PyTorch's own double backward failed: nothing to compare
            STATS.torch_failed[str(error)[:60]] += 1
            return
        if ours_s:
            ours_second = ag.grad(
                sum(ours_s[1:], ours_s[0]), [leaf.ours for leaf in leaves], allow_unused=True
            )
        else:
            ours_second = [None] * len(leaves)
        for leaf, a, b in zip(leaves, ours_second, theirs_second):
            a = np.zeros(leaf.shape) if a is None else a
            b = torch.zeros(leaf.shape, dtype=torch.float64) if b is None else b
            compare(f"second derivative d/d{leaf.label}", a, b, kinks=True)
        STATS.second_order += 1


def run_case(draw: Any, only: str | None = None) -> Graph:
    """Draw and check one graph (raises MismatchError on a difference)."""
    g = Graph(draw)
    for _ in range(draw(st.integers(1, 3))):
        g.nodes.append(g.leaf(g.shape(draw(st.integers(0, 4)))))
    steps = draw(st.integers(2, 8))
    names = sorted(OPS)
    # The ops are picked by a generator seeded from one draw: hypothesis favours the first
    # entries of a sampled_from (half of all picks were the first op), and this spreads them
    # evenly over the table. Shapes, values and options are still hypothesis's draws.
    picks = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    try:
        for _ in range(steps):
            for _attempt in range(12 if only else 6):
                name = only or names[picks.integers(len(names))]
                x = draw(st.sampled_from(g.nodes))
                try:
                    node = _apply(g, name, x)
                except DoesNotFitError:
                    if only:  # one op only: give it another leaf to fit (einsum wants 2-D)
                        g.nodes.append(g.leaf(g.shape(draw(st.integers(0, 4)))))
                    continue
                if node is not None:
                    g.nodes.append(node)
                break
        _differentiate(g, g.nodes[-1])
    except (MismatchError, DoesNotFitError) as error:
        raise MismatchError("graph:\n    " + "\n    ".join(g.lines), str(error), "") from None
    except Exception as error:  # noqa: BLE001  (a crash while differentiating: show the graph)
        import traceback

        lines = "\n    ".join(g.lines)
        where = "".join(traceback.format_exc().splitlines(keepends=True)[-7:])
        raise MismatchError(f"graph:\n    {lines}", f"crash: {error!r}\n{where}", "") from error
    STATS.cases += 1
    return g


def check(cases: int, seed: int, only: str | None = None, shrink: bool = True) -> Stats:
    """Run ``cases`` random graphs (all built from op ``only`` if given) through hypothesis,
    reproducibly for a given ``seed``; raise MismatchError on the first difference, with the
    graph as a readable program (shrunk to a small one first, unless ``shrink`` is False:
    shrinking can take minutes)."""
    start = time.perf_counter()

    @settings(
        max_examples=cases,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
        print_blob=True,
        phases=tuple(hypothesis.Phase) if shrink else [hypothesis.Phase.generate],
    )
    @given(st.data())
    def one(data):
        run_case(data.draw, only)

    hypothesis.seed(seed)(one)()
    STATS.seconds += time.perf_counter() - start
    return STATS


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=None, help="default: a new random seed")
    args = parser.parse_args()
    seed = np.random.SeedSequence().entropy % 2**32 if args.seed is None else args.seed
    print(f"seed {seed} (rerun with --seed {seed})", flush=True)
    stats = check(args.cases, seed)
    print(stats.summary())
    for name, count in sorted(stats.ops.items()):
        print(f"  {name:24s} {count}")


if __name__ == "__main__":
    main()
