"""The fuzzer's identities: each template draws a true claim (`Base`) from the vocabulary.

Sums start at 1, 2 or 3 and a claim's `lows` keep every range at worst empty (never
reversed, where conventions differ). Inequalities say where they are tight, so a perturbed
one has a known point where it fails. A few templates are false by construction: the shapes
of the ten holes of issue 9 (a moving free-index range, a captured free index, a canonical
name, a positive index ranging from 0, assumptions of a definition applied out of range).
"""

from __future__ import annotations

from fuzz_grammar import (
    REF,
    Base,
    L_def,
    P,
    S,
    U,
    V,
    a,
    acc,
    c,
    d0,
    fc,
    g_def,
    h,
    i,
    iota,
    j,
    k,
    kappa,
    m,
    n,
    p,
    q,
    r,
    r_def,
    sq,
    summands,
    term,
    v,
    w,
    x,
    y,
    z,
)
from hypothesis import strategies as st
from sympy import (
    Abs,
    Dummy,
    Float,
    Identity,
    Indexed,
    Integer,
    KroneckerDelta,
    Max,
    Min,
    Piecewise,
    Product,
    Sum,
    Trace,
    diff,
    exp,
    im,
    log,
)

from derive.notation.aggregates import SetSum, SubsetSum
from derive.notation.perturb import Increment
from derive.notation.primitives import relu, sigmoid, softplus
from derive.notation.sequences import Convolve, Correlate, Seq
from derive.notation.tensors import Entry, Inner, matrix


def _size(draw):
    return draw(st.sampled_from((n, n, m)))


def _low(draw):
    return draw(st.sampled_from((1, 2, 3)))


def _lows(size, low):
    return ((size, low),) if low > 1 else ()


def _free(draw):
    return draw(st.sampled_from((c, c, iota, kappa)))


def split_first(draw):
    f, N, lo = draw(summands()), _size(draw), _low(draw)

    def sides(env):
        rest = Sum(term(f, env, i), (i, lo + 1, N))
        return Sum(term(f, env, i), (i, lo, N)), term(f, env, lo) + rest

    return Base("split off the first term", sides, lows=_lows(N, lo), size=N)


def split_last(draw):
    f, N, lo = draw(summands()), _size(draw), _low(draw)

    def sides(env):
        last = term(f, env, N + 1)
        return Sum(term(f, env, i), (i, lo, N + 1)), Sum(term(f, env, i), (i, lo, N)) + last

    return Base("split off the last term", sides, lows=_lows(N, lo - 1), size=N)


# Floats only where binary arithmetic stays exact: 0.5 f with f's own halves is exact.
COEFFICIENTS = (Integer(2), Integer(-1), Integer(1) / 2, w, p, Float(0.5), Float(1.5))


def linear(draw):
    f, g, N, lo = draw(summands()), draw(summands()), _size(draw), _low(draw)
    alpha, beta = draw(st.sampled_from(COEFFICIENTS)), draw(st.sampled_from(COEFFICIENTS))

    def sides(env):
        left = Sum(alpha * term(f, env, i) + beta * term(g, env, i), (i, lo, N))
        right = alpha * Sum(term(f, env, i), (i, lo, N)) + beta * Sum(term(g, env, j), (j, lo, N))
        return left, right

    return Base("linearity", sides, lows=_lows(N, lo - 1), size=N)


def delta_free(draw):
    f, free, flip = draw(summands()), _free(draw), draw(st.booleans())

    def sides(env):
        delta = KroneckerDelta(free, i) if flip else KroneckerDelta(i, free)
        return Sum(term(f, env, i) * delta, (i, 1, n)), term(f, env, free)

    return Base("delta at a free index", sides, size=n, indices=(free,))


def delta_bound(draw):
    f, N, lo = draw(summands()), _size(draw), _low(draw)

    def sides(env):
        inner = Sum(term(f, env, i) * KroneckerDelta(i, j), (j, 1, N))
        return Sum(inner, (i, lo, N)), Sum(term(f, env, i), (i, lo, N))

    return Base("delta between bound indices", sides, lows=_lows(N, lo - 1), size=N)


def triangle(draw):
    f, g, N, lo = draw(summands()), draw(summands()), _size(draw), _low(draw)
    entry = draw(st.booleans())

    def sides(env):
        body = z[i, j] if entry else term(f, env, i) * term(g, env, j)
        return Sum(Sum(body, (j, lo, i)), (i, lo, N)), Sum(Sum(body, (i, j, N)), (j, lo, N))

    return Base("swap a triangular double sum", sides, lows=_lows(N, lo - 1), size=N)


CLOSED_FORMS = (
    lambda N, lo: (Sum(i, (i, lo, N)), (N * (N + 1) - (lo - 1) * lo) / 2, lo - 1),
    lambda N, lo: (Sum(i**2, (i, 1, N)), N * (N + 1) * (2 * N + 1) / 6, 1),
    lambda N, lo: (Sum(p**i, (i, 0, N - 1)) * (p - 1), p**N - 1, 1),
    lambda N, lo: (Sum(2 * i - 1, (i, 1, N)), N**2, 1),
    lambda N, lo: (Product(p, (i, lo, N)), p ** (N - lo + 1), lo - 1),
    lambda N, lo: (Sum(w, (i, lo, N)), (N - lo + 1) * w, lo - 1),
    lambda N, lo: (Product(a[i], (i, 1, N)), exp(Sum(log(a[i]), (i, 1, N))), 1),
    lambda N, lo: (Sum(x[i] - x[i - 1], (i, lo + 1, N)), x[N] - x[lo], lo),  # x[0] is no entry
)


def closed_form(draw):
    N, lo = _size(draw), _low(draw)
    lhs, rhs, low = draw(st.sampled_from(CLOSED_FORMS))(N, lo)
    return Base("closed form", lambda env: (lhs, rhs), lows=_lows(N, low), size=N)


SUBSET_FORMS = (
    lambda N, lo, e: (
        SubsetSum(exp(SetSum(e(i), i, S)), S, lo, N),
        Product(1 + exp(e(i)), (i, lo, N)),
    ),
    lambda N, lo, e: (SubsetSum(Integer(1), S, lo, N), 2 ** (N - lo + 1)),
    lambda N, lo, e: (
        SubsetSum(SetSum(e(i), i, S), S, lo, N),
        2 ** (N - lo) * Sum(e(i), (i, lo, N)),
    ),
)
SUBSET_BODIES = (lambda e: x[e], lambda e: y[e] + w, lambda e: 2 * x[e])


def subsets(draw):
    """Sums over subsets; starting at 4 or 5, the grid shrinks to the one size lo - 1, and
    the version with the subsets' range one further along is false from n = lo."""
    N, late = _size(draw), draw(st.booleans())
    lo = draw(st.sampled_from((4, 5) if late else (1, 2, 3)))
    body = draw(st.sampled_from(SUBSET_BODIES))
    lhs, rhs = draw(st.sampled_from(SUBSET_FORMS))(N, lo, body)
    if late and draw(st.booleans()):
        wrong = SubsetSum(exp(SetSum(x[i], i, S)), S, lo + 1, N)
        right = Product(1 + exp(x[i]), (i, lo, N))
        return Base(
            "subsets one further along",
            lambda env: (wrong, right),
            lows=_lows(N, lo - 1),
            size=N,
            false_from={N: lo},
        )
    return Base("sum over subsets", lambda env: (lhs, rhs), lows=_lows(N, lo - 1), size=N)


RECURRENCE_FORMS = (
    lambda env, N: (env.app(h, N), Sum(p ** (N - i) * x[i], (i, 1, N))),
    lambda env, N: (env.app(acc, N), Sum(y[i], (i, 1, N))),
    lambda env, N: (env.app(P, N), Product(a[i], (i, 1, N))),
    lambda env, N: (env.app(acc, N) - env.app(acc, N - 1), y[N]),
    lambda env, N: (env.app(h, N + 1), p * env.app(h, N) + x[N + 1]),
    lambda env, N: (env.app(P, N) * a[N + 1], env.app(P, N + 1)),
)


def recurrences(draw):
    N, form = _size(draw), draw(st.sampled_from(RECURRENCE_FORMS))
    return Base("recurrence", lambda env: form(env, N), size=N)


KINK_FORMS = (
    lambda u, e: (Max(u, e), (u + e + Abs(u - e)) / 2),
    lambda u, e: (relu(u), (u + Abs(u)) / 2),
    lambda u, e: (Abs(u) ** 2, u**2),
    lambda u, e: (Piecewise((u, u > 0), (0, True)), relu(u)),
    lambda u, e: (Max(u, e) + Min(u, e), u + e),
    lambda u, e: (Abs(u * e), Abs(u) * Abs(e)),
    lambda u, e: (relu(u) - relu(-u), u),
    lambda u, e: (exp(u) * exp(e), exp(u + e)),
    lambda u, e: (sigmoid(u) + sigmoid(-u), Integer(1)),
    lambda u, e: (softplus(u) - softplus(-u), u),
    lambda u, e: (sigmoid(u), exp(u) / (1 + exp(u))),
    lambda u, e: (log(p * q), log(p) + log(q)),
)


def kinks(draw):
    """Kinks and elementary identities of two summands, at one point or summed over i."""
    f, g, form = draw(summands()), draw(summands()), draw(st.sampled_from(KINK_FORMS))
    if not draw(st.booleans()):
        return Base("kink", lambda env: form(term(f, env, 1), term(g, env, 1)))
    N, lo = _size(draw), _low(draw)

    def sides(env):
        left, right = form(term(f, env, i), term(g, env, i))
        return Sum(left, (i, lo, N)), Sum(right, (i, lo, N))

    return Base("summed kink", sides, lows=_lows(N, lo - 1), size=N)


def definitions(draw):
    """Definitions applied inside sums, at free indices, and within their assumptions."""
    N, lo, free = _size(draw), _low(draw), _free(draw)
    forms = (
        lambda env: (
            Sum(env.app(g_def, i), (i, lo, N)),
            Sum(x[i], (i, lo, N)) + (N - lo + 1) * w,
        ),
        lambda env: (env.app(sq, free), x[free] ** 2),
        lambda env: (env.app(L_def, p * q), env.app(L_def, p) + env.app(L_def, q)),
        lambda env: (Abs(env.app(r_def, p)) ** 2, p),
        lambda env: (im(env.app(L_def, p)), Integer(0)),
        lambda env: (Sum(env.app(sq, i), (i, lo, N)), Sum(x[i] * x[i], (i, lo, N))),
    )
    number = draw(st.sampled_from(range(len(forms))))
    indices = (free,) if number == 1 else ()
    return Base("definition", forms[number], lows=_lows(N, lo - 1), size=N, indices=indices)


OUT_OF_RANGE = (
    (lambda env: (im(env.app(L_def, w)), Integer(0)), (("w", -1),)),
    (lambda env: (Abs(env.app(r_def, w)) ** 2, w), (("w", -1),)),
    (lambda env: (Abs(env.app(r_def, v)), env.app(r_def, v)), (("v", -1),)),
)


def out_of_range(draw):
    """False: a definition of a positive parameter applied to a real argument (issue 9.6)."""
    sides, witness = draw(st.sampled_from(OUT_OF_RANGE))
    return Base("definition out of range", sides, false_from={}, witness=witness)


def captured(draw):
    """fc() := x[c] inside the claim's own Σ_c: a reader means the free c (issue 9.5)."""
    wrong = draw(st.booleans())

    def sides(env):
        bound = k if env.ref else c
        lhs = Sum(env.app(fc) * y[bound], (bound, 1, n))
        rhs = Sum(x[j] * y[j], (j, 1, n)) if wrong else env.app(fc) * Sum(y[j], (j, 1, n))
        return lhs, rhs

    witness = (("x[1]", 1), ("x[2]", 0), ("y[1]", 0), ("y[2]", 1))
    if wrong:
        return Base(
            "captured free index", sides, size=n, indices=(c,), false_from={n: 2}, witness=witness
        )
    return Base("free index in a definition", sides, size=n, indices=(c,))


def collision(draw):
    """A free index named like the engine's canonical bound indices (issue 9.9)."""
    free, wrong = _free(draw), draw(st.booleans())
    lhs = Sum(x[i] * y[free], (i, 1, n))
    rhs = Sum(x[i] * y[i], (i, 1, n)) if wrong else y[free] * Sum(x[j], (j, 1, n))
    witness = (("x[1]", 1), ("x[2]", 0), ("y[1]", 0), ("y[2]", 1))
    false_from = {n: 2} if wrong else None
    return Base(
        "free index by name",
        lambda env: (lhs, rhs),
        size=n,
        indices=(free,),
        false_from=false_from,
        witness=witness if wrong else (),
    )


def moving_range(draw):
    """Sums up to a free index whose range grows with n (issue 9.1)."""
    free, wrong, f = _free(draw), draw(st.booleans()), draw(summands())
    count = Sum(KroneckerDelta(i, j), (j, 1, free))
    if wrong:
        weight = (i - 1) * (i - 2) * (i - 3) * x[i]
        lhs, rhs = Sum(weight / (1 + count), (i, 1, n)), Sum(weight, (i, 1, n))
        return Base(
            "moving free range",
            lambda env: (lhs, rhs),
            size=n,
            indices=(free,),
            false_from={n: 4},
            witness=(("x", 1),),
        )

    def sides(env):
        return Sum(term(f, env, i) * count, (i, 1, n)), Sum(term(f, env, i), (i, 1, free))

    return Base("sum up to a free index", sides, size=n, indices=(free,))


def zero_based(draw):
    """A positive free index declared to range from 0 (issue 9.10)."""
    if draw(st.booleans()):

        def sides(env):
            index = env.index(d0)  # entries start at 1: x[0] is no entry
            return Sum(x[i + 1] * KroneckerDelta(i, index), (i, 0, n)), x[index + 1]

        return Base("zero-based free index", sides, size=n, indices=(d0,))

    def wrong(env):
        return KroneckerDelta(env.index(d0), 0) * (1 + w**2), Integer(0) * n

    return Base("zero-based delta", wrong, size=n, indices=(d0,), false_from={})


REVERSED_FORMS = (
    lambda N: (Sum(x[i], (i, 3, N)), Sum(x[i], (i, 1, N)) - Sum(x[i], (i, 1, 2)), ((N, 2),)),
    lambda N: (Sum(x[i], (i, 3, N)) + x[1] + x[2], Sum(x[i], (i, 1, N)), ((N, 2),)),
    lambda N: (Product(p, (i, 3, N)), p ** (N - 2), ((N, 2),)),
    lambda N: (Sum(Integer(1), (i, 3, N)), N - 2, ((N, 2),)),
    lambda N: (
        Sum(x[i], (i, 3, N)),
        Sum(x[i] * (1 - KroneckerDelta(i, 1) - KroneckerDelta(i, 2)), (i, 1, N)),
        (),
    ),
)


def reversed_ranges(draw):
    """Ranges reversed by more than one at N = 1 (issue 9.8): empty there, as on paper, so
    the splits that hold in Karr's convention are false at N = 1."""
    N = _size(draw)
    lhs, rhs, below = draw(st.sampled_from(REVERSED_FORMS))(N)
    name = "reversed range" if below else "reversed range, empty"
    return Base(name, lambda env: (lhs, rhs), size=N, false_below=below, witness=(("x", 1),))


def free_split(draw):
    """(Σ_k S_k)² against m Σ_k S_k², S_k a sum over r of a term in the free index c and k
    (issue 9.4): Cauchy–Schwarz (≤) holds, reversed (≥) it holds only for constant S_k."""
    wrong, free = draw(st.booleans()), _free(draw)
    S_k = 1 + Sum(((r - free) * y[k]) ** 2, (r, 1, n))
    gap = Sum(S_k, (k, 1, m)) ** 2 - m * Sum(S_k**2, (k, 1, m))
    grid = draw(st.sampled_from(((), ((m, (1,)),))))
    if wrong:
        witness = (("y[1]", 0), ("y", 1))
        return Base(
            "reversed Cauchy-Schwarz",
            lambda env: (gap, Integer(0)),
            ">=",
            size=m,
            indices=(free,),
            false_from={m: 2, n: 2},
            witness=witness,
            grid=grid,
        )
    return Base(
        "Cauchy-Schwarz at a free index",
        lambda env: (gap, Integer(0)),
        "<=",
        size=m,
        indices=(free,),
        tight={"y": 0},
        grid=grid,
    )


TINY = (Float(1e-35), Float(1e-20), Float(2.0**-60))


def tiny_float(draw):
    """x = x + 1e-35 (issue 9.7): false in exact arithmetic, whatever rounding says."""
    atom = draw(st.sampled_from((v, w, x[1], exp(v), p, Sum(x[i], (i, 1, n)))))
    tiny = draw(st.sampled_from(TINY))
    return Base("tiny float", lambda env: (atom, atom + tiny), false_from={})


TIGHT_INEQUALITIES = (
    lambda N: (
        Sum(x[i] * y[i], (i, 1, N)) ** 2,
        "<=",
        Sum(x[i] ** 2, (i, 1, N)) * Sum(y[i] ** 2, (i, 1, N)),
        (("x", 1), ("y", 1)),
    ),
    lambda N: (Abs(Sum(x[i], (i, 1, N))), "<=", Sum(Abs(x[i]), (i, 1, N)), (("x", 1),)),
    lambda N: (Sum(x[i], (i, 1, N)) ** 2, "<=", N * Sum(x[i] ** 2, (i, 1, N)), (("x", 1),)),
    lambda N: (relu(v), ">=", v, (("v", 1),)),
    lambda N: (relu(v), ">=", Integer(0), (("v", -1),)),
    lambda N: (Max(v, x[1]), ">=", v, (("v", 1), ("x", 0))),
    lambda N: (exp(v), ">=", 1 + v, (("v", 0),)),
    lambda N: (log(q), "<=", q - 1, (("q", 1),)),
)
FALSE_INEQUALITIES = (
    lambda N: (
        Sum(x[i] ** 2, (i, 1, N)) * Sum(y[i] ** 2, (i, 1, N)),
        "<=",
        Sum(x[i] * y[i], (i, 1, N)) ** 2,
        {N: 2},
        (("x[1]", 1), ("x", 0), ("y[2]", 1), ("y", 0)),
    ),
    lambda N: (
        Sum(Abs(x[i]), (i, 1, N)),
        "<=",
        Abs(Sum(x[i], (i, 1, N))),
        {N: 2},
        (("x[1]", 1), ("x[2]", -1), ("x", 0)),
    ),
    lambda N: (relu(v), "<=", v, {}, (("v", -1),)),
    lambda N: (exp(v), "<=", 1 + v, {}, (("v", 1),)),
)


def inequalities(draw):
    """Tight inequalities (they hold with equality at `tight`), a few reversed (false), and
    sums of squares and relus of general summands (tightness unknown)."""
    N, kind = _size(draw), draw(st.sampled_from(("tight", "tight", "false", "general")))
    if kind == "tight":
        lhs, relation, rhs, tight = draw(st.sampled_from(TIGHT_INEQUALITIES))(N)
        return Base("inequality", lambda env: (lhs, rhs), relation, size=N, tight=dict(tight))
    if kind == "false":
        lhs, relation, rhs, false_from, witness = draw(st.sampled_from(FALSE_INEQUALITIES))(N)
        return Base(
            "reversed inequality",
            lambda env: (lhs, rhs),
            relation,
            size=N,
            false_from=false_from,
            witness=witness,
        )
    f, g, lo = draw(summands()), draw(summands()), _low(draw)
    schwarz = draw(st.booleans())

    def sides(env):
        if not schwarz:
            return Sum(relu(term(f, env, i)) - term(f, env, i), (i, lo, N)), Integer(0)
        squares = [Sum(term(e, env, i) ** 2, (i, lo, N)) for e in (f, g)]
        product = Sum(term(f, env, i) * term(g, env, i), (i, lo, N)) ** 2
        return product, squares[0] * squares[1]

    relation = "<=" if schwarz else ">="
    return Base("inequality of summands", sides, relation, lows=_lows(N, lo - 1), size=N)


def _moved(expr, t, pairs):
    """`expr` (written out, as a reader means it) with x moved to x + t·y, and w to w + t·v
    where `pairs` move w."""
    expr = expr.replace(
        lambda e: isinstance(e, Indexed) and e.base == x, lambda e: e + t * y[e.indices]
    )
    return expr.xreplace({w: w + t * v}) if (w, v) in pairs else expr


def perturbations(draw):
    """The exact increment of a sum of summands as x moves by y (and w by v), against the sum
    of the moved summands minus the unmoved (written out); a few false by construction: the
    increment taken for its first-order part, or the move of w lost (their summands carry a
    factor exp(x_i + w), so that neither can hold)."""
    f, N, lo = draw(summands()), _size(draw), _low(draw)
    form = draw(st.sampled_from(("exact", "exact", "linear", "w lost")))
    pairs = ((x, y), (w, v)) if form == "w lost" or draw(st.booleans()) else ((x, y),)
    t = Dummy("t")

    def summand(env, e):
        inner = term(f, env, e)
        return inner if form == "exact" else exp(x[e] + w) * (1 + inner**2)

    def sides(env):
        written = Sum(summand(REF, i), (i, lo, N))
        if form == "linear":
            first = diff(_moved(summand(REF, i), t, pairs), t).subs(t, 0)
            rhs = Sum(first, (i, lo, N))
        elif form == "w lost":
            rhs = _moved(written, 1, pairs[:1]) - written
        else:
            rhs = _moved(written, 1, pairs) - written
        return Increment(Sum(summand(env, i), (i, lo, N)), *pairs), rhs

    false_from = None if form == "exact" else {N: lo}  # below lo the sums are empty
    return Base(f"increment: {form}", sides, lows=_lows(N, lo - 1), size=N, false_from=false_from)


def _sequence_forms():
    """(name, lhs, rhs, false_from) on the windows X = x{1..n}, Y = y{1..m}, at the free index c
    (1..n): convolution and correlation entries, their order, and an inner product."""
    X, Y, Xn = Seq(x, 1, n), Seq(y, 1, m), Seq(y, 1, n)
    return (
        ("convolution turned", Entry(Convolve(X, Y), c), Entry(Convolve(Y, X), c), None),
        ("convolution", Entry(Convolve(X, Y), c), Sum(Entry(X, c - j) * y[j], (j, 1, m)), None),
        ("correlation", Entry(Correlate(X, Y), c), Sum(Entry(X, c + j) * y[j], (j, 1, m)), None),
        ("inner product", Inner(X, Xn), Sum(x[i] * y[i], (i, 1, n)), None),
        (
            "correlation taken for convolution",
            Entry(Correlate(X, Y), c),
            Entry(Convolve(X, Y), c),
            {n: 2},
        ),
        ("window one too long", Inner(X, Xn), Sum(x[i] * y[i], (i, 1, n + 1)), {}),
    )


def sequences(draw):
    """Sequences on all integers (windows, convolution, correlation), a few false by
    construction (a correlation for a convolution, a window one too long)."""
    name, lhs, rhs, false_from = draw(st.sampled_from(_sequence_forms()))
    indices = (c,) if (lhs.has(c) or rhs.has(c)) else ()
    witness = (("x", 1), ("y", 1)) if false_from is not None else ()
    return Base(
        f"sequences: {name}",
        lambda env: (lhs, rhs),
        size=n,
        indices=indices,
        false_from=false_from,
        witness=witness,
    )


def _matrix_forms():
    """(name, lhs, rhs, false_from) in matrix notation: A n × m, B m × n, and W, X, Y n × n
    views of the tensors z, U, V; entries at the free indices c and κ0 (both 1..n)."""
    A, B = matrix(z, n, m), matrix(U, m, n)
    W, X, Y = matrix(z, n, n), matrix(U, n, n), matrix(V, n, n)
    at = lambda M: Entry(M, c, kappa)  # noqa: E731
    return (
        ("trace of a product turned", Trace(A * B), Trace(B * A), None),
        ("inner product as a trace", Inner(A, B.T), Trace(A * B), None),
        ("entry of a product", at(A * B), Sum(z[c, k] * U[k, kappa], (k, 1, m)), None),
        ("distributive", at(W * (X + Y)), at(W * X) + at(W * Y), None),
        (
            "associative",
            at(A * B * W),
            Sum(Entry(A, c, k) * Entry(B * W, k, kappa), (k, 1, m)),
            None,
        ),
        ("trace of a sum", Trace(W + 2 * X), Trace(W) + 2 * Trace(X), None),
        ("identity", at(Identity(n) * W + W.T), at(W) + Entry(W, kappa, c), None),
        ("square", at(W * W), Sum(Entry(W, c, k) * Entry(W, k, kappa), (k, 1, n)), None),
        ("symmetric part", Inner(W, X + X.T), Inner(W + W.T, X), None),
        ("transpose of a product", at((A * B).T), at(B.T * A.T), None),
        ("order swapped", at(W * X), at(X * W), {n: 2}),
        ("three turned", Trace(W * X * Y), Trace(X * W * Y), {n: 2}),
        ("entry transposed", at(A * B), at(A * B).xreplace({c: kappa, kappa: c}), {n: 2}),
        ("inner without its transpose", Inner(W, X), Trace(W * X), {n: 2}),
    )


def matrices(draw):
    """Matrix identities (issue 9's fuzzer covered sums only; helper 147): traces, inner
    products, entries of products, sums, transposes and the identity, a few false from n = 2
    by construction (an order swapped, a transpose dropped)."""
    name, lhs, rhs, false_from = draw(st.sampled_from(_matrix_forms()))
    return Base(
        f"matrices: {name}",
        lambda env: (lhs, rhs),
        size=n,
        indices=(c, kappa) if (lhs.has(c) or rhs.has(c)) else (),
        false_from=false_from,
    )


TEMPLATES = (
    moving_range,
    reversed_ranges,
    free_split,
    tiny_float,
    captured,
    collision,
    zero_based,
    out_of_range,
    subsets,
    recurrences,
    definitions,
    inequalities,
    closed_form,
    delta_free,
    delta_bound,
    split_first,
    split_last,
    kinks,
    linear,
    triangle,
    matrices,
    perturbations,
    sequences,
)
