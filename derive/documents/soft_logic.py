"""Soft `if`, `switch/case` and lookup — seed 003, lecture notes "From Math to Program".

The soft if y = g T + (1 − g) F with gates g (n of them) over features T, F (m of them); the
switch y = Σ_c g_c C_c with g = softmax(a) over K cases; the soft lookup Σ_t α_t v_t over
T̄ key/value pairs with α the softmax of a score: dot qᵀk, general qᵀ W_α k, or concat
v_αᵀ tanh(W_α [q; k]). The notes use W_α for two different matrices: here W_α is the
general score's (D × D), W_αc and v_αc the concat score's (H × 2D and H).
"""

from sympy import Derivative, IndexedBase, KroneckerDelta, Sum, exp, sqrt, symbols, tanh

from derive.declare import chain, claim, define, document, gradients, recurrence
from derive.model import REFUTED, Source
from derive.notation.arrays import ArraySum, Concat, Dot, Hadamard, Outer, Stack, Table, Transposed
from derive.notation.primitives import sigmoid

n, m, K, L = symbols("n m K L", integer=True, positive=True)  # gates; features; cases; layers
Tbar, D, Dv, H = symbols("T̄ D D_v H", integer=True, positive=True)  # pairs; key, value widths
j, k, l, c = symbols("j k l c", integer=True, positive=True)  # noqa: E741 - free indices
t, e, f, r = symbols("t e f r", integer=True, positive=True)
gamma = symbols("γ", real=True)  # a scalar gate
# A layer's input, plain: its applications pass the previous layer, which SymPy cannot
# show real (a parameter declared real must be given real values).
u = symbols("u")
y0 = symbols("y_0", real=True)

W = IndexedBase("W", real=True)  # W[l]: layer l's weight (the layers are modelled as scalars)
g = IndexedBase("g", shape=(n,), real=True)  # the gates g_j, any values
z = IndexedBase("z", shape=(n,), real=True)  # logits: g = σ(z)
T = IndexedBase("T", shape=(m,), real=True)
F = IndexedBase("F", shape=(m,), real=True)
a = IndexedBase("a", shape=(K,), real=True)  # the switch's logits: g = softmax(a)
C = IndexedBase("C", shape=(K, m), real=True)  # C[c, k]: feature k of case c
q = IndexedBase("q", shape=(D,), real=True)
key = IndexedBase("k", shape=(Tbar, D), real=True)  # key[t, d] = (k_t)_d
v = IndexedBase("v", shape=(Tbar, Dv), real=True)  # v[t, e] = (v_t)_e
W_a = IndexedBase("W_α", shape=(D, D), real=True)
W_ac = IndexedBase("W_αc", shape=(H, 2 * D), real=True)
v_ac = IndexedBase("v_αc", shape=(H,), real=True)

# Neural networks as functional programs: y_(l) = F_(l)(y_(l-1); W_(l)).
F_l = define("F_l", (l, u), tanh(W[l] * u))
y_l = recurrence("y_l", (l,), start=0, initial=y0, step=lambda prev: F_l(l, prev))

# The soft if, per feature k: y = (g * T) + (1 - g) * F.
y = define("y", (gamma, k), gamma * T[k] + (1 - gamma) * F[k])

# The switch: g = softmax(a), y = Σ_c g_c C_c.
softmax = define("softmax", (c,), exp(a[c]) / Sum(exp(a[r]), (r, 1, K)))
y_case = define("y_case", (k,), Sum(softmax(c) * C[c, k], (c, 1, K)))

# Soft lookup: the three scores, their softmax α over the T̄ keys, and Σ_t α_t v_t.
s_dot = define("score_dot", (t,), Sum(q[f] * key[t, f], (f, 1, D)))
s_gen = define("score_gen", (t,), Sum(Sum(q[r] * W_a[r, f], (r, 1, D)) * key[t, f], (f, 1, D)))
s_cat = define(
    "score_cat",
    (t,),
    Sum(
        v_ac[r]
        * tanh(Sum(W_ac[r, f] * q[f], (f, 1, D)) + Sum(W_ac[r, D + f] * key[t, f], (f, 1, D))),
        (r, 1, H),
    ),
)
alpha_dot = define("α_dot", (t,), exp(s_dot(t)) / Sum(exp(s_dot(r)), (r, 1, Tbar)))
alpha_gen = define("α_gen", (t,), exp(s_gen(t)) / Sum(exp(s_gen(r)), (r, 1, Tbar)))
alpha_cat = define("α_cat", (t,), exp(s_cat(t)) / Sum(exp(s_cat(r)), (r, 1, Tbar)))
lookup_dot = define("lookup_dot", (e,), Sum(alpha_dot(t) * v[t, e], (t, 1, Tbar)))
lookup_gen = define("lookup_gen", (e,), Sum(alpha_gen(t) * v[t, e], (t, 1, Tbar)))
lookup_cat = define("lookup_cat", (e,), Sum(alpha_cat(t) * v[t, e], (t, 1, Tbar)))

T_vec, F_vec = Table(T[k], (k, 1, m)), Table(F[k], (k, 1, m))
g_vec = Table(g[j], (j, 1, n))
y_rows = Table(y(g[j], k), (j, 1, n), (k, 1, m))  # row j is y_j, a vector like T
softmax_vec = Table(softmax(c), (c, 1, K))
C_mat = Table(C[c, k], (c, 1, K), (k, 1, m))
two_softmax = exp(a[1]) / Sum(exp(a[r]), (r, 1, 2)), exp(a[2]) / Sum(exp(a[r]), (r, 1, 2))
two_logits = Table(exp(a[c]) / Sum(exp(a[r]), (r, 1, 2)), (c, 1, 2))  # softmax(a_1, a_2)
if_of_two = Table(y(sigmoid(a[1] - a[2]), k), (k, 1, m))
q_vec, key_vec = Table(q[f], (f, 1, D)), Table(key[t, f], (f, 1, D))
norm_q, norm_k = sqrt(Sum(q[r] ** 2, (r, 1, D))), sqrt(Sum(key[t, r] ** 2, (r, 1, D)))
cosine = Sum(q[f] * key[t, f], (f, 1, D)) / (norm_q * norm_k)
value_vec = Table(v[t, e], (e, 1, Dv))

COMPOSITION = (
    r"\mathbf{y}_{(l)} &= F_{(l)}(\mathbf{y}_{(l-1)}; \mathbf{W}_{(l)}) \\",
    r"&= F_{(l)}( F_{(l-1)}(\mathbf{y}_{(l-2)}; \mathbf{W}_{(l-1)}); \mathbf{W}_{(l)} ) \\",
    r"&= F_{(l)}( F_{(l-1)}( F_{(l-2)}(\mathbf{y}_{(l-3)}; \mathbf{W}_{(l-2)}); \mathbf{W}_{(l-1)} ); \mathbf{W}_{(l)} ) \\",
)
IF_SCALAR = r"$$\mathbf{y} = (g * \mathbf{T}) + (1 - g) * \mathbf{F}$$"
IF_VECTOR = r"$$\mathbf{y} = \mathbf{g} \otimes \mathbf{T} + (1 - \mathbf{g}) \otimes \mathbf{F}$$"
SIGMOID_RANGE = "Because the sigmoid only takes a value in the range  $[0, 1]$"
INFLUENCED = r"$\mathbf{y}_j$  is influenced only by  $\mathbf{g}_j$"
SWITCH = r"$$\mathbf{y} = \mathbf{g} \otimes \mathbf{C}$$"
IF_AS_SWITCH = r"$$\mathbf{C} = \begin{bmatrix} \mathbf{T} \\ \mathbf{F} \end{bmatrix}$$"
TWO_LOGITS = "The `if` statement is a special case of the `switch/case` statement where"
LOOKUP = r"$$\text{lookup}(q, M) = \sum_{(k,v) \in M} \alpha(q, k) * v$$"
NORMALIZED = r"$\alpha(q, k)$  is sometimes referred to as a *normalized score*."
DOT_SCORE = r"q^T \cdot k & \text{dot product, cosine similarity}"

DOCUMENT = document(
    "soft_logic",
    "From Math to Program: soft if, switch/case and lookup",
    Source("From Math to Program", "003_e65c69e75e652482.txt"),
    inputs=(W, y0, g, z, T, F, a, C, q, key, v, W_a, W_ac, v_ac),
    definitions=(F_l, y_l, y, softmax, y_case, s_dot, s_gen, s_cat)
    + (alpha_dot, alpha_gen, alpha_cat, lookup_dot, lookup_gen, lookup_cat),
    sizes={
        L: (3, 4),
        n: (1, 2),
        m: (1, 2),
        K: (1, 2, 3),
        Tbar: (1, 2, 3),
        D: (1, 2),
        Dv: (1, 2),
        H: (1, 2),
    },
    indices={j: (1, n), l: (1, n), k: (1, m), c: (1, K), t: (1, Tbar), e: (1, Dv)},
    claims=(
        chain(
            "program.composition",
            "Neural Networks as functional programs",
            COMPOSITION,
            y_l(L),
            F_l(L, y_l(L - 1)),
            F_l(L, F_l(L - 1, y_l(L - 2))),
            F_l(L, F_l(L - 1, F_l(L - 2, y_l(L - 3)))),
            lows={L: 3},
        ),
        claim(
            "program.l-fold",
            "Neural Networks as functional programs",
            "we see that it is the  $l$ -fold composition of functions",
            y_l(3),
            F_l(3, F_l(2, F_l(1, y0))),
            note="At l = 3. It is y_(l), not F_(l), that is the l-fold composition.",
        ),
        claim("if.scalar[g=1]", "If statements: gates", IF_SCALAR, y(1, k), T[k]),
        claim("if.scalar[g=0]", "If statements: gates", IF_SCALAR, y(0, k), F[k]),
        claim(
            "if.vector.row",
            "If statements: gates",
            r"$$\mathbf{y}_j = (\mathbf{g}_j * \mathbf{T}) + (1 - \mathbf{g}_j) * \mathbf{F}$$",
            Table(y(g[j], k), (k, 1, m)),
            g[j] * T_vec + (1 - g[j]) * F_vec,
        ),
        claim(
            "if.vector[outer]",
            "If statements: gates",
            IF_VECTOR,
            y_rows,
            Outer(g_vec, T_vec) + Outer(1 - g_vec, F_vec),
            reading="⊗ is the outer product, so row j is g_j T + (1 − g_j) F as y_j says above",
        ),
        claim(
            "if.vector[hadamard]",
            "If statements: gates",
            IF_VECTOR,
            y_rows,
            Hadamard(g_vec, T_vec) + Hadamard(1 - g_vec, F_vec),
            reading="⊗ is the Hadamard product, as the notes define it",
            expect=REFUTED,
            note=(
                "The Hadamard product needs ‖g‖ = ‖T‖, which the notes say need not hold, and "
                "gives y_j = g_j T_j + (1 − g_j) F_j, a number, where y_j above is a vector. "
                "See if.vector[outer] and if.vector[hadamard]/corrected."
            ),
        ),
        claim(
            "if.vector[hadamard]/corrected",
            "If statements: gates",
            IF_VECTOR,
            y_rows,
            Hadamard(Table(g[j], (j, 1, n), (k, 1, m)), Table(T[k], (j, 1, n), (k, 1, m)))
            + Hadamard(Table(1 - g[j], (j, 1, n), (k, 1, m)), Table(F[k], (j, 1, n), (k, 1, m))),
            note="With g broadcast along the features (NumPy g[:, None] * T) it is the outer product.",
        ),
        claim(
            "if.sigmoid[0<=]",
            "If statements: gates",
            SIGMOID_RANGE,
            0,
            sigmoid(z[j]),
            relation="<=",
        ),
        claim(
            "if.sigmoid[<=1]",
            "If statements: gates",
            SIGMOID_RANGE,
            sigmoid(z[j]),
            1,
            relation="<=",
        ),
        claim(
            "if.sigmoid[0<]",
            "If statements: gates",
            "Rather than exactly either 0 or 1",
            0,
            sigmoid(z[j]),
            relation="<",
        ),
        claim(
            "if.sigmoid[<1]",
            "If statements: gates",
            "Rather than exactly either 0 or 1",
            sigmoid(z[j]),
            1,
            relation="<",
        ),
        claim(
            "if.blend",
            "If statements: gates",
            "This means that  $y$  will be a blend of **T** and **F**",
            (y(sigmoid(z[j]), k) - T[k]) * (y(sigmoid(z[j]), k) - F[k]),
            0,
            relation="<=",
            reading="each y_j[k] lies between T[k] and F[k]",
        ),
        claim(
            "if.mixture",
            "If statements: gates",
            r"Whose elements are *mixtures* of  $\mathbf{T}$  and  $\mathbf{F}$",
            y(sigmoid(z[j]), k),
            sigmoid(z[j]) * T[k] + sigmoid(-z[j]) * F[k],
            reading="weights σ(z_j) and 1 − σ(z_j) = σ(−z_j), both in (0, 1), summing to 1",
        ),
        claim(
            "if.independent[gates]",
            "If statements: gates",
            INFLUENCED,
            Derivative(y(g[j], k), g[l]),
            KroneckerDelta(j, l) * (T[k] - F[k]),
            reading="among the gates: ∂y_j[k]/∂g_l vanishes for l ≠ j (a diagonal Jacobian)",
        ),
        claim(
            "if.independent[all inputs]",
            "If statements: gates",
            INFLUENCED,
            Derivative(y(g[j], k), T[k]),
            0,
            reading="among all inputs, T and F included",
            expect=REFUTED,
            note="Every y_j reads the shared T and F, so ∂L/∂T sums over all j. See /corrected.",
        ),
        claim(
            "if.independent[all inputs]/corrected",
            "If statements: gates",
            INFLUENCED,
            Derivative(y(g[j], k), T[k]),
            g[j],
        ),
        claim(
            "if.independent[logits]",
            "If statements: gates",
            "Most importantly: the derivatives of each feature are independent",
            Derivative(y(sigmoid(z[j]), k), z[l]),
            KroneckerDelta(j, l) * sigmoid(z[j]) * (1 - sigmoid(z[j])) * (T[k] - F[k]),
        ),
        claim(
            "switch.softmax[0<=]",
            "Switch/case statements",
            "With each element being in the range  $[0, 1]$",
            0,
            softmax(c),
            relation="<=",
        ),
        claim(
            "switch.softmax[<=1]",
            "Switch/case statements",
            "With each element being in the range  $[0, 1]$",
            softmax(c),
            1,
            relation="<=",
        ),
        claim(
            "switch.softmax.sum",
            "Switch/case statements",
            "And summing to 1",
            Sum(softmax(c), (c, 1, K)),
            1,
        ),
        claim(
            "switch.y",
            "Switch/case statements",
            SWITCH,
            Table(y_case(k), (k, 1, m)),
            Hadamard(softmax_vec, C_mat),
            reading="⊗ is the Hadamard product (g as a mask for C)",
            expect=REFUTED,
            note="g has one entry per case, C one row per case: g ⊙ C does not type-check. See /corrected.",
        ),
        claim(
            "switch.y/corrected",
            "Switch/case statements",
            SWITCH,
            Table(y_case(k), (k, 1, m)),
            Dot(softmax_vec, C_mat),
            note="y = Σ_c g_c C_c = gᵀC: the mask is applied, then the cases are summed.",
        ),
        claim(
            "switch.if[rows]",
            "Switch/case statements",
            IF_AS_SWITCH,
            if_of_two,
            Dot(two_logits, Stack(T_vec, F_vec)),
            reading="T and F are the two rows (cases) of C; y = gᵀC with g = softmax(a_1, a_2)",
            note="The if's gate is then σ(a_1 − a_2).",
        ),
        claim(
            "switch.if[rows, hadamard]",
            "Switch/case statements",
            IF_AS_SWITCH,
            if_of_two,
            Hadamard(two_logits, Stack(T_vec, F_vec)),
            reading="T and F are the two rows of C, and ⊗ is the Hadamard product",
            expect=REFUTED,
            note="g ⊙ C keeps the two cases apart instead of choosing: see switch.if[rows].",
        ),
        claim(
            "switch.if[concat, hadamard]",
            "Switch/case statements",
            IF_AS_SWITCH,
            if_of_two,
            Hadamard(two_logits, Concat(T_vec, F_vec)),
            reading="[T; F] is the concatenation (a 2m-vector), and ⊗ is the Hadamard product",
            expect=REFUTED,
            note="g has 2 entries, [T; F] has 2m: see switch.if[rows].",
        ),
        claim(
            "switch.two-logits[1]",
            "Switch/case statements",
            TWO_LOGITS,
            two_softmax[0],
            sigmoid(a[1] - a[2]),
        ),
        claim(
            "switch.two-logits[2]",
            "Switch/case statements",
            TWO_LOGITS,
            two_softmax[1],
            1 - sigmoid(a[1] - a[2]),
        ),
        claim(
            "lookup.weighted-sum[dot]",
            "Soft lookup",
            LOOKUP,
            Table(lookup_dot(e), (e, 1, Dv)),
            ArraySum(alpha_dot(t) * value_vec, (t, 1, Tbar)),
        ),
        claim(
            "lookup.weighted-sum[general]",
            "Soft lookup",
            LOOKUP,
            Table(lookup_gen(e), (e, 1, Dv)),
            ArraySum(alpha_gen(t) * value_vec, (t, 1, Tbar)),
        ),
        claim(
            "lookup.weighted-sum[concat]",
            "Soft lookup",
            LOOKUP,
            Table(lookup_cat(e), (e, 1, Dv)),
            ArraySum(alpha_cat(t) * value_vec, (t, 1, Tbar)),
        ),
        claim(
            "lookup.normalized[dot]", "Soft lookup", NORMALIZED, Sum(alpha_dot(t), (t, 1, Tbar)), 1
        ),
        claim(
            "lookup.normalized[general]",
            "Soft lookup",
            NORMALIZED,
            Sum(alpha_gen(t), (t, 1, Tbar)),
            1,
        ),
        claim(
            "lookup.normalized[concat]",
            "Soft lookup",
            NORMALIZED,
            Sum(alpha_cat(t), (t, 1, Tbar)),
            1,
        ),
        claim(
            "score.dot",
            "Soft lookup: scores",
            DOT_SCORE,
            s_dot(t),
            Dot(Transposed(q_vec), key_vec),
            reading="qᵀ · k, the dot product",
        ),
        claim(
            "score.dot[cosine]",
            "Soft lookup: scores",
            DOT_SCORE,
            s_dot(t),
            cosine,
            reading="cosine similarity, qᵀk / (‖q‖ ‖k‖)",
            expect=REFUTED,
            note="The two agree only when ‖q‖ ‖k‖ = 1. See score.dot[cosine]/corrected.",
        ),
        claim(
            "score.dot[cosine]/corrected",
            "Soft lookup: scores",
            DOT_SCORE,
            Dot(q_vec / norm_q, key_vec / norm_k),
            cosine,
            note="Cosine similarity is the dot score of the normalised q / ‖q‖ and k / ‖k‖.",
        ),
        claim(
            "score.general",
            "Soft lookup: scores",
            r"q^T \mathbf{W}_\alpha k & \text{general}",
            s_gen(t),
            Dot(Dot(Transposed(q_vec), Table(W_a[r, f], (r, 1, D), (f, 1, D))), key_vec),
        ),
        claim(
            "score.concat",
            "Soft lookup: scores",
            r"\mathbf{v}_\alpha^T \tanh(\mathbf{W}_\alpha [q; k]) & \text{concat}",
            s_cat(t),
            Dot(
                Transposed(Table(v_ac[r], (r, 1, H))),
                tanh(Dot(Table(W_ac[r, f], (r, 1, H), (f, 1, 2 * D)), Concat(q_vec, key_vec))),
            ),
        ),
    ),
    gradients=(
        gradients(
            "grad.lookup_dot", lookup_dot(e), (q, key, v), sizes={Tbar: (2,), D: (2,), Dv: (1,)}
        ),
        gradients(
            "grad.lookup_gen",
            lookup_gen(e),
            (q, key, v, W_a),
            sizes={Tbar: (2,), D: (2,), Dv: (1,)},
        ),
        gradients(
            "grad.lookup_cat",
            lookup_cat(e),
            (q, key, v, W_ac, v_ac),
            sizes={Tbar: (2,), D: (2,), Dv: (1,), H: (2,)},
        ),
    ),
    notes=(
        "Layers are modelled as scalar layers F_(l)(u; W_(l)) = tanh(W_(l) u); the composition "
        "steps are unfoldings of y_(l) = F_(l)(y_(l-1); W_(l)) and hold for any layer, and the "
        "signature F_(l): R^||y_(l-1)|| → R^||y_(l)|| is not checked.",
        "The sections on binary switches, step functions and the sigmoid plot state no formula: "
        "'the step function is not differentiable' and 'the sigmoid is' are left as prose.",
        "'That creates a vector z if' is garbled in the source; the vector is y.",
        "'The synthetic features represented by y are not dependent on one another' restates "
        "the diagonal Jacobian of if.independent[gates].",
        "'Computes a vector (of length ||C||)': softmax has one entry per case, as declared.",
        "The remarks on Python dicts, on queries from the keys' domain and the Conclusion make "
        "no mathematical claim.",
    ),
)
