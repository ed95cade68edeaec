"""VNN-LIB properties: the input box and the unsafe output set, read exactly.

A VNN-LIB file declares inputs ``X_0 .. X_{n-1}`` and outputs ``Y_0 .. Y_{m-1}`` and asserts
constraints; the property is *violated* when some input satisfies all assertions.  polyrelu reads

* bounds ``(assert (<= X_i c))`` / ``(assert (>= X_i c))`` (either order of the operands, any
  linear expression of one input) as the input box; every input needs a lower and an upper bound;
* every other assertion, over the outputs only, as the unsafe set: linear (in)equalities
  ``(<= a b)``, ``(>= a b)``, ``(< a b)``, ``(> a b)``, ``(= a b)`` of linear terms
  (``+``, ``-``, ``*`` by a constant), combined with ``and`` / ``or`` (as VNN-LIB writes them),
  kept as a disjunction of conjunctions.

**Constants are read as the decimal they are written as**: ``0.009549297`` is the rational
``9549297/10^9`` exactly (``Fraction("0.009549297")``), not the float64 nearest to it.  A property
that fixes an input (equal lower and upper bound, as ACAS Xu property 4 does) gives a flat box;
:meth:`VnnlibProperty.restrict` then restricts the network to the free inputs.

>>> p = parse_vnnlib('''(declare-const X_0 Real) (declare-const X_1 Real) (declare-const Y_0 Real)
... (assert (>= X_0 -0.5)) (assert (<= X_0 0.5)) (assert (<= X_1 1)) (assert (>= X_1 1))
... (assert (or (>= Y_0 2.5) (<= Y_0 -1)))''')
>>> p.lo, p.hi, p.fixed
((Fraction(-1, 2), Fraction(1, 1)), (Fraction(1, 2), Fraction(1, 1)), {1: Fraction(1, 1)})
>>> [[(c.coeffs, c.rhs, c.strict) for c in conj] for conj in p.unsafe]
[[((Fraction(-1, 1),), Fraction(-5, 2), False)], [((Fraction(1, 1),), Fraction(-1, 1), False)]]
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any, Sequence

from .exact import InvalidInputError

if TYPE_CHECKING:  # imported where used: reading a property needs neither
    from .network import ReLUNetwork
    from .polytope import Polytope

__all__ = ["VnnlibProperty", "OutputConstraint", "parse_vnnlib", "domain_from_vnnlib"]

_VAR = re.compile(r"^([XY])_(\d+)$")


@dataclass(frozen=True)
class OutputConstraint:
    """``sum_j coeffs[j] * Y_j <= rhs`` (``<`` when ``strict``): one atom of the unsafe set.

    >>> p = parse_vnnlib("(declare-const X_0 Real)(declare-const Y_0 Real)(declare-const Y_1 Real)"
    ...                  "(assert (>= X_0 0))(assert (<= X_0 1))(assert (< Y_0 Y_1))")
    >>> p.unsafe[0][0]  # Y_0 - Y_1 < 0
    OutputConstraint(coeffs=(Fraction(1, 1), Fraction(-1, 1)), rhs=Fraction(0, 1), strict=True)
    """

    coeffs: tuple[Fraction, ...]
    rhs: Fraction
    strict: bool = False

    def holds(self, y: Sequence[Fraction]) -> bool:
        """Whether the output ``y`` satisfies the constraint (exactly).

        >>> OutputConstraint((Fraction(1), Fraction(-1)), Fraction(0), True).holds([1, 1])
        False
        """
        v = sum((a * Fraction(b) for a, b in zip(self.coeffs, y)), Fraction(0))
        return v < self.rhs if self.strict else v <= self.rhs


@dataclass(frozen=True)
class VnnlibProperty:
    """An input box ``lo <= x <= hi`` and an unsafe output set (a disjunction of conjunctions).

    >>> p = parse_vnnlib("(declare-const X_0 Real)(declare-const Y_0 Real)(assert (<= X_0 1))"
    ...                  "(assert (>= X_0 0))(assert (> Y_0 0))")
    >>> p.n_inputs, p.n_outputs, p.is_unsafe([Fraction(1, 10)]), p.is_unsafe([0])
    (1, 1, True, False)
    """

    source: str
    n_inputs: int
    n_outputs: int
    lo: tuple[Fraction, ...]
    hi: tuple[Fraction, ...]
    unsafe: tuple[tuple[OutputConstraint, ...], ...]

    @property
    def fixed(self) -> dict[int, Fraction]:
        """Inputs whose lower and upper bound coincide: index -> value.

        >>> p = parse_vnnlib("(declare-const X_0 Real)(declare-const X_1 Real)(declare-const Y_0 Real)"
        ...     "(assert (>= X_0 0))(assert (<= X_0 1))(assert (>= X_1 2))(assert (<= X_1 2))(assert (>= Y_0 0.5))")
        >>> p.fixed  # X_1 = 2
        {1: Fraction(2, 1)}
        """
        return {i: a for i, (a, b) in enumerate(zip(self.lo, self.hi)) if a == b}

    @property
    def free(self) -> tuple[int, ...]:
        """Indices of the inputs that are not fixed.

        >>> p = parse_vnnlib("(declare-const X_0 Real)(declare-const X_1 Real)(declare-const Y_0 Real)"
        ...     "(assert (>= X_0 0))(assert (<= X_0 1))(assert (>= X_1 2))(assert (<= X_1 2))(assert (>= Y_0 0.5))")
        >>> p.free
        (0,)
        """
        return tuple(i for i, (a, b) in enumerate(zip(self.lo, self.hi)) if a != b)

    @property
    def box(self) -> Polytope:
        """The input box as a :class:`~polyrelu.polytope.Polytope` in R^n (flat if inputs are fixed).

        >>> p = parse_vnnlib("(declare-const X_0 Real)(declare-const X_1 Real)(declare-const Y_0 Real)"
        ...     "(assert (>= X_0 0))(assert (<= X_0 1))(assert (>= X_1 2))(assert (<= X_1 2))(assert (>= Y_0 0.5))")
        >>> p.box.ambient_dim, p.box.dim  # a segment in R^2: X_1 is fixed
        (2, 1)
        """
        from .polytope import Polytope

        return Polytope.box(self.lo, self.hi)

    def embedding(self) -> tuple[tuple[tuple[Fraction, ...], ...], tuple[Fraction, ...]]:
        """``(A, c)`` with ``x = A y + c`` mapping the free inputs ``y`` into R^n (fixed ones at their value).

        >>> p = parse_vnnlib("(declare-const X_0 Real)(declare-const X_1 Real)(declare-const Y_0 Real)"
        ...     "(assert (>= X_0 0))(assert (<= X_0 1))(assert (>= X_1 2))(assert (<= X_1 2))(assert (>= Y_0 0.5))")
        >>> A, c = p.embedding()
        >>> [[str(a) for a in row] for row in A], [str(x) for x in c]  # x = (y, 2)
        ([['1'], ['0']], ['0', '2'])
        """
        free = self.free
        A = tuple(tuple(Fraction(int(i == f)) for f in free) for i in range(self.n_inputs))
        c = tuple(self.fixed.get(i, Fraction(0)) for i in range(self.n_inputs))
        return A, c

    def free_box(self) -> Polytope:
        """The box of the free inputs (a full-dimensional Polytope in R^k, k = number of free inputs).

        >>> p = parse_vnnlib("(declare-const X_0 Real)(declare-const X_1 Real)(declare-const Y_0 Real)"
        ...     "(assert (>= X_0 0))(assert (<= X_0 1))(assert (>= X_1 2))(assert (<= X_1 2))(assert (>= Y_0 0.5))")
        >>> p.free_box().as_box()  # 0 <= X_0 <= 1
        ((Fraction(0, 1),), (Fraction(1, 1),))
        """
        from .polytope import Polytope

        if not self.free:
            raise InvalidInputError(f"{self.source}: every input is fixed; the box is a single point")
        return Polytope.box([self.lo[i] for i in self.free], [self.hi[i] for i in self.free])

    def restrict(self, net: ReLUNetwork) -> tuple[ReLUNetwork, Polytope]:
        """``(net', box')``: the network on the free inputs and their box (``net`` itself without fixed inputs).

        >>> from polyrelu import ReLUNetwork
        >>> p = parse_vnnlib("(declare-const X_0 Real)(declare-const X_1 Real)(declare-const Y_0 Real)"
        ...     "(assert (<= X_0 1))(assert (>= X_0 0))(assert (<= X_1 2))(assert (>= X_1 2))(assert (<= Y_0 0))")
        >>> net = ReLUNetwork([([[1, 1]], [-1]), ([[1]], [0])])
        >>> small, box = p.restrict(net)
        >>> small.layers[0], box.as_box()
        ((((Fraction(1, 1),),), (Fraction(1, 1),)), ((Fraction(0, 1),), (Fraction(1, 1),)))
        """
        self.check_network(net)
        if not self.fixed:
            return net.with_domain(None) if net.domain is not None else net, self.box
        A, c = self.embedding()
        return net.with_domain(None).restrict(A, c), self.free_box()

    def lift(self, y: Sequence[Any]) -> tuple[Fraction, ...]:
        """The input point in R^n of a point ``y`` of the free inputs.

        >>> p = parse_vnnlib("(declare-const X_0 Real)(declare-const X_1 Real)(declare-const Y_0 Real)"
        ...     "(assert (>= X_0 0))(assert (<= X_0 1))(assert (>= X_1 2))(assert (<= X_1 2))(assert (>= Y_0 0.5))")
        >>> p.lift([Fraction(1, 2)])
        (Fraction(1, 2), Fraction(2, 1))
        """
        A, c = self.embedding()
        y = [Fraction(v) for v in y]
        return tuple(sum((a * v for a, v in zip(row, y)), ci) for row, ci in zip(A, c))

    def check_network(self, net: ReLUNetwork) -> None:
        """Raise unless the network has as many inputs and outputs as the property declares.

        >>> p = parse_vnnlib("(declare-const X_0 Real)(declare-const X_1 Real)(declare-const Y_0 Real)"
        ...     "(assert (>= X_0 0))(assert (<= X_0 1))(assert (>= X_1 2))(assert (<= X_1 2))(assert (>= Y_0 0.5))")
        >>> p.check_network(ReLUNetwork([([[1, 1]], [0]), ([[1]], [0])]))  # 2 inputs, 1 output: fine
        >>> p.check_network(ReLUNetwork([([[1]], [0]), ([[1]], [0])]))
        Traceback (most recent call last):
        ...
        polyrelu.exact.InvalidInputError: vnnlib text declares 2 inputs X_i but the network has 1
        """
        if net.input_dim != self.n_inputs:
            raise InvalidInputError(
                f"{self.source} declares {self.n_inputs} inputs X_i but the network has {net.input_dim}"
            )
        if net.output_dim != self.n_outputs:
            raise InvalidInputError(
                f"{self.source} declares {self.n_outputs} outputs Y_j but the network has {net.output_dim}"
            )

    def is_unsafe(self, y: Sequence[Any]) -> bool:
        """Whether the output ``y`` lies in the unsafe set (decided exactly).

        >>> p = parse_vnnlib("(declare-const X_0 Real)(declare-const X_1 Real)(declare-const Y_0 Real)"
        ...     "(assert (>= X_0 0))(assert (<= X_0 1))(assert (>= X_1 2))(assert (<= X_1 2))(assert (>= Y_0 0.5))")
        >>> p.is_unsafe([Fraction(1, 2)]), p.is_unsafe([Fraction(49, 100)])  # unsafe: Y_0 >= 0.5
        (True, False)
        """
        return any(all(c.holds(y) for c in conj) for conj in self.unsafe)

    def in_box(self, x: Sequence[Any]) -> bool:
        """Whether the input ``x`` lies in the (closed) input box.

        >>> p = parse_vnnlib("(declare-const X_0 Real)(declare-const X_1 Real)(declare-const Y_0 Real)"
        ...     "(assert (>= X_0 0))(assert (<= X_0 1))(assert (>= X_1 2))(assert (<= X_1 2))(assert (>= Y_0 0.5))")
        >>> p.in_box([1, 2]), p.in_box([1, 3])
        (True, False)
        """
        return all(a <= Fraction(v) <= b for a, v, b in zip(self.lo, x, self.hi))

    def summary(self) -> dict[str, Any]:
        """A JSON-ready description (numbers as exact strings).

        >>> p = parse_vnnlib("(declare-const X_0 Real)(declare-const X_1 Real)(declare-const Y_0 Real)"
        ...     "(assert (>= X_0 0))(assert (<= X_0 1))(assert (>= X_1 2))(assert (<= X_1 2))(assert (>= Y_0 0.5))")
        >>> s = p.summary()
        >>> s["box"], s["fixed_inputs"], s["n_unsafe_disjuncts"]
        ([['0', '2'], ['1', '2']], {'X_1': '2'}, 1)
        """
        from .exact import fraction_to_str as fs

        return {
            "file": self.source,
            "n_inputs": self.n_inputs,
            "n_outputs": self.n_outputs,
            "box": [[fs(x) for x in self.lo], [fs(x) for x in self.hi]],
            "fixed_inputs": {f"X_{i}": fs(v) for i, v in self.fixed.items()},
            "n_unsafe_disjuncts": len(self.unsafe),
            "constants": "decimal constants read exactly as written (Fraction('0.1') = 1/10)",
        }


# -- parsing ---------------------------------------------------------------------------------------------
def _tokens(text: str, source: str):
    out = []
    for lineno, line in enumerate(text.splitlines(), start=1):
        line = line.split(";", 1)[0]
        for tok in re.findall(r"\(|\)|[^\s()]+", line):
            out.append((tok, lineno))
    return out


def _sexprs(tokens, source: str):
    stack: list[list] = [[]]
    lines: list[int] = []
    for tok, ln in tokens:
        if tok == "(":
            stack.append([])
            lines.append(ln)
        elif tok == ")":
            if len(stack) == 1:
                raise InvalidInputError(f"{source}: line {ln}: unbalanced ')'")
            e = stack.pop()
            lines.pop()
            stack[-1].append(_Node(e, ln))
        else:
            stack[-1].append(_Atom(tok, ln))
    if len(stack) != 1:
        raise InvalidInputError(f"{source}: line {lines[-1]}: '(' is never closed")
    return stack[0]


class _Atom(str):
    def __new__(cls, s, line):
        o = super().__new__(cls, s)
        o.line = line
        return o


class _Node(list):
    def __init__(self, items, line):
        super().__init__(items)
        self.line = line


def _number(tok: str) -> Fraction | None:
    from .validate import is_number_text, parse_number_text

    # decimal strings exactly (1/10 for "0.1"), through the validation layer: "1e1000000000"
    # is refused at once (InvalidInputError) instead of making a billion-digit integer
    if not is_number_text(tok):
        return None
    return parse_number_text(tok)


class _Parser:
    def __init__(self, source: str):
        self.source = source
        self.vars: dict[str, tuple[str, int]] = {}

    def err(self, line: int, msg: str) -> InvalidInputError:
        return InvalidInputError(f"{self.source}: line {line}: {msg}")

    def linear(self, e) -> tuple[dict, Fraction]:
        """A linear term as ({var: coeff}, constant)."""
        if isinstance(e, _Atom):
            try:
                q = _number(e)
            except InvalidInputError as x:  # a number beyond the input limits
                raise self.err(e.line, str(x)) from None
            if q is not None:
                return {}, q
            if e not in self.vars:
                raise self.err(e.line, f"{e!r} is not a declared constant or a number")
            return {str(e): Fraction(1)}, Fraction(0)
        if not e or not isinstance(e[0], _Atom):
            raise self.err(e.line, "expected a term")
        op, args = e[0], [self.linear(a) for a in e[1:]]
        if op == "+":
            return _add(args)
        if op == "-":
            if len(args) == 1:
                return _scale(args[0], Fraction(-1))
            return _add([args[0]] + [_scale(a, Fraction(-1)) for a in args[1:]])
        if op == "*":
            consts = [a for a in args if not a[0]]
            terms = [a for a in args if a[0]]
            if len(terms) > 1:
                raise self.err(e.line, "a product of two variables is not linear")
            k = Fraction(1)
            for _, q in consts:
                k *= q
            return _scale(terms[0], k) if terms else ({}, k)
        if op == "/" and len(args) == 2 and not args[1][0] and args[1][1] != 0:
            return _scale(args[0], 1 / args[1][1])
        raise self.err(e.line, f"unsupported term operator {op!r} (linear terms: +, -, * by a constant)")

    def formula(self, e) -> list[list[tuple[dict, Fraction, bool, int]]]:
        """A formula in disjunctive normal form: [[atom, ...], ...], atom = (lin, const, strict, line): lin + const (<|<=) 0."""
        if not isinstance(e, _Node) or not e or not isinstance(e[0], _Atom):
            raise self.err(getattr(e, "line", 0), "expected a formula such as (<= X_0 1)")
        op = e[0]
        if op == "and":
            out = [[]]
            for sub in e[1:]:
                d = self.formula(sub)
                out = [a + b for a in out for b in d]
                if len(out) > 100_000:
                    raise self.err(e.line, "the unsafe set has more than 100,000 disjuncts")
            return out
        if op == "or":
            out = []
            for sub in e[1:]:
                out.extend(self.formula(sub))
            return out
        if op in ("<=", ">=", "<", ">", "="):
            terms = [self.linear(a) for a in e[1:]]
            if len(terms) < 2:
                raise self.err(e.line, f"({op} ...) needs two operands")
            atoms = []
            for a, b in zip(terms, terms[1:]):
                diff = _add([a, _scale(b, Fraction(-1))])  # a - b
                if op in ("<=", "<"):
                    atoms.append((diff[0], diff[1], op == "<", e.line))
                elif op in (">=", ">"):
                    neg = _scale(diff, Fraction(-1))
                    atoms.append((neg[0], neg[1], op == ">", e.line))
                else:
                    neg = _scale(diff, Fraction(-1))
                    atoms += [(diff[0], diff[1], False, e.line), (neg[0], neg[1], False, e.line)]
            return [atoms]
        raise self.err(e.line, f"unsupported formula operator {op!r} (and, or, <=, >=, <, >, =)")


def _add(terms):
    d: dict = {}
    k = Fraction(0)
    for t, q in terms:
        for v, a in t.items():
            d[v] = d.get(v, Fraction(0)) + a
        k += q
    return {v: a for v, a in d.items() if a != 0}, k


def _scale(t, k):
    return {v: a * k for v, a in t[0].items() if a * k != 0}, t[1] * k


def parse_vnnlib(text_or_path: Any, *, source: str | None = None) -> VnnlibProperty:
    """Read a VNN-LIB property from a path or from its text (see the module docstring).

    >>> p = parse_vnnlib("data/acasxu/prop_3.vnnlib")
    >>> p.lo[0], p.hi[1], len(p.unsafe), len(p.unsafe[0])
    (Fraction(-75882789, 250000000), Fraction(9549297, 1000000000), 1, 4)
    """
    if isinstance(text_or_path, os.PathLike) or (
        isinstance(text_or_path, str) and "(" not in text_or_path
    ):
        path = Path(text_or_path)
        if not path.exists():
            raise InvalidInputError(f"no such VNN-LIB file: {path}")
        try:
            text = path.read_text()
        except (OSError, UnicodeDecodeError) as e:
            raise InvalidInputError(f"{path}: not a readable text file ({e})") from None
        source = source or str(path)
    else:
        text = str(text_or_path)
        source = source or "vnnlib text"
    P = _Parser(source)
    exprs = _sexprs(_tokens(text, source), source)
    asserts = []
    for e in exprs:
        if not isinstance(e, _Node) or not e or not isinstance(e[0], _Atom):
            raise P.err(getattr(e, "line", 0), "expected a command such as (declare-const X_0 Real)")
        cmd = e[0]
        if cmd == "declare-const":
            if len(e) != 3 or not isinstance(e[1], _Atom):
                raise P.err(e.line, "expected (declare-const NAME Real)")
            m = _VAR.match(e[1])
            if not m:
                raise P.err(e.line, f"constant {e[1]!r}: inputs are named X_i and outputs Y_j")
            if e[2] != "Real":
                raise P.err(e.line, f"constant {e[1]} has sort {e[2]!r}; only Real is supported")
            if str(e[1]) in P.vars:
                raise P.err(e.line, f"{e[1]} is declared twice")
            P.vars[str(e[1])] = (m.group(1), int(m.group(2)))
        elif cmd == "assert":
            if len(e) != 2:
                raise P.err(e.line, "expected (assert FORMULA)")
            asserts.append(e[1])
        elif cmd in ("set-logic", "set-info", "set-option", "check-sat", "get-model", "exit"):
            continue
        else:
            raise P.err(e.line, f"unsupported command {cmd!r}")
    xs = sorted(i for k, i in P.vars.values() if k == "X")
    ys = sorted(i for k, i in P.vars.values() if k == "Y")
    if not xs:
        raise InvalidInputError(f"{source}: declares no inputs X_i")
    if xs != list(range(len(xs))):
        raise InvalidInputError(f"{source}: inputs must be X_0 .. X_{len(xs) - 1}; declared {['X_%d' % i for i in xs]}")
    if ys != list(range(len(ys))):
        raise InvalidInputError(f"{source}: outputs must be Y_0 .. Y_{len(ys) - 1}; declared {['Y_%d' % i for i in ys]}")
    n, m = len(xs), len(ys)
    lo: list[Fraction | None] = [None] * n
    hi: list[Fraction | None] = [None] * n
    unsafe: list[list] = [[]]
    for f in asserts:
        dnf = P.formula(f)
        kinds = {P.vars[v][0] for conj in dnf for (lin, _, _, _) in conj for v in lin}
        if kinds == {"X", "Y"}:
            raise P.err(f.line, "an assertion mixes inputs X_i and outputs Y_j; only input bounds and output constraints are supported")
        if kinds == {"X"}:
            if len(dnf) != 1:
                raise P.err(f.line, "a disjunction of input constraints (several boxes) is not supported")
            for lin, k, strict, line in dnf[0]:
                if len(lin) != 1:
                    raise P.err(line, "an input constraint must bound one input X_i (general linear input constraints are not supported)")
                (v, a), = lin.items()
                if strict:
                    raise P.err(line, f"a strict bound on {v}: the input box is closed, use <= or >=")
                i = P.vars[v][1]
                bound = -k / a
                if a > 0:
                    hi[i] = bound if hi[i] is None else min(hi[i], bound)
                else:
                    lo[i] = bound if lo[i] is None else max(lo[i], bound)
            continue
        # outputs only (or constant formulas)
        conjs = []
        for conj in dnf:
            cons = []
            for lin, k, strict, line in conj:
                if not lin:  # a constant comparison: true or false
                    if (k < 0) if strict else (k <= 0):
                        continue
                    cons = None
                    break
                coeffs = [Fraction(0)] * m
                for v, a in lin.items():
                    coeffs[P.vars[v][1]] = a
                cons.append(OutputConstraint(tuple(coeffs), -k, strict))
            if cons is not None:
                conjs.append(cons)
        unsafe = [a + b for a in unsafe for b in conjs]
        if len(unsafe) > 100_000:
            raise P.err(f.line, "the unsafe set has more than 100,000 disjuncts")
    for i in range(n):
        missing = [side for side, val in (("lower", lo[i]), ("upper", hi[i])) if val is None]
        if missing:
            raise InvalidInputError(
                f"{source}: input X_{i} has no {' and no '.join(missing)} bound; every input needs "
                f"(assert (>= X_{i} LO)) and (assert (<= X_{i} HI))"
            )
        if lo[i] > hi[i]:
            raise InvalidInputError(f"{source}: input X_{i} has lower bound {lo[i]} > upper bound {hi[i]} (an empty box)")
    return VnnlibProperty(
        source, n, m, tuple(lo), tuple(hi), tuple(tuple(c) for c in unsafe)  # type: ignore[arg-type]
    )


def domain_from_vnnlib(path: Any, n_inputs: int | None = None) -> Polytope:
    """The input box of a VNN-LIB property as a :class:`~polyrelu.polytope.Polytope` in R^n.

    Constants are read exactly as written (decimal).  A property fixing inputs gives a flat box
    (use :meth:`VnnlibProperty.restrict` to compute a complex on it).

    >>> domain_from_vnnlib("data/acasxu/prop_4.vnnlib")
    Polytope(dim=4 in R^5, bounded, 16 vertices, 8 facets)
    """
    p = parse_vnnlib(path)
    if n_inputs is not None and n_inputs != p.n_inputs:
        raise InvalidInputError(f"{p.source} declares {p.n_inputs} inputs X_i but the network has {n_inputs}")
    return p.box
