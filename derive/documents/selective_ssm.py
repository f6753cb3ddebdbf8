"""Mamba's selective SSM — seed 000, notes "Product of As Expanded".

One channel e of the discretised scan: Δ = softplus(δ), Ā = exp(ΔA), B̄ = Δ W_B x,
h_ℓ = Ā_ℓ h_{ℓ-1} + B̄_ℓ x_{ℓ,e}, y_ℓ = h_ℓ · W_C x_ℓ. Vectors of size N are written by a
generic component n. The note writes the parameter A[e] as Ā[e]; it is the parameter here.
"""

from sympy import IndexedBase, Pow, Product, Sum, exp, log, symbols

from derive.declare import chain, claim, define, document, gradients, recurrence
from derive.model import REFUTED, Source
from derive.notation.aggregates import Card, SetSum, SetSymbol, SubsetSum
from derive.notation.primitives import softplus

E, N, ell = symbols("E N ell", integer=True, positive=True)  # widths E, N; time step ℓ
e, n = symbols("e n", integer=True, positive=True)  # the channel e; a state component n
i, j, k, m, q, t = symbols("i j k m q t", integer=True)
S = SetSymbol("S")
s = symbols("s", real=True)  # the fun fact's scalar (the note calls it x)
a = symbols("a", positive=True)  # exp(log(a) b) = a^b needs log(a) real
b, c = symbols("b c", real=True)

x = IndexedBase("x", real=True)  # x[t, j]: the input sequence; its length is not ℓ
W_Delta = IndexedBase("W_Δ", shape=(E, E), real=True)
B_Delta = IndexedBase("B_Δ", shape=(E,), real=True)
A = IndexedBase("A", shape=(E, N), real=True)
W_B = IndexedBase("W_B", shape=(N, E), real=True)
W_C = IndexedBase("W_C", shape=(N, E), real=True)

delta = define("δ", (t,), Sum(x[t, j] * W_Delta[j, e], (j, 1, E)) + B_Delta[e])
Delta = define("Δ", (t,), softplus(delta(t)))
Abar = define("Ā", (t, q), exp(Delta(t) * A[e, q]))
B_x = define("B̄", (t, q), Sum(W_B[q, j] * x[t, j], (j, 1, E)))  # B̄_ℓ = W_B x_ℓ
Bbar = define("B̄ₑ", (t, q), Delta(t) * B_x(t, q))  # B̄_{ℓ,e} = Δ_{ℓ,e} B̄_ℓ
h = recurrence(
    "h", (t, q), start=0, initial=0, step=lambda prev: Abar(t, q) * prev + Bbar(t, q) * x[t, e]
)
C_x = define("C̄", (t, q), Sum(W_C[q, j] * x[t, j], (j, 1, E)))
y = define("y", (t,), Sum(h(t, q) * C_x(t, q), (q, 1, N)))

# The subset sums of the note, over S ⊆ {lo, ..., hi}.
sum_delta = SetSum(delta(i), i, S)  # Σ_{i∈S} δ_i
x_dot_W = Sum(x[i, j] * W_Delta[j, e], (j, 1, E))  # x_i · W_Δ[:, e]
W_dot_sum_x = Sum(W_Delta[j, e] * SetSum(x[i, j], i, S), (j, 1, E))  # W_Δ[:, e] · Σ_{i∈S} x_i
each_with_B = exp(SetSum(x_dot_W + B_Delta[e], i, S))  # Σ_{i∈S} (x_i·W + B)
once_with_B = exp(SetSum(x_dot_W, i, S) + B_Delta[e])  # (Σ_{i∈S} x_i·W) + B
card_form = exp(Card(S) * B_Delta[e] + W_dot_sum_x)
split_form = exp(Card(S) * B_Delta[e]) * exp(W_dot_sum_x)

products = Product(Abar(i, n), (i, 2, ell))  # Ā_ℓ Ā_{ℓ-1} ⋯ Ā_2
exp_products = Product(exp(Delta(i) * A[e, n]), (i, 2, ell))
sum_Delta = Sum(Delta(i), (i, 2, ell))
unrolled = Sum(Product(Abar(m, n), (m, k + 1, ell)) * Bbar(k, n) * x[k, e], (k, 1, ell))
unrolled_all = Sum(
    Sum(Product(Abar(m, q), (m, k + 1, ell)) * Bbar(k, q) * x[k, e], (k, 1, ell)), (q, 1, N)
)
d1, d2 = delta(1), delta(2)

THEOREM = r"\text{pow} \left(\overbrace{\left[\sum_{S \subseteq \{\ell, \ell-1, \dots, 3, 2\}}"
READING_A = "Σ_{i∈S} applies to x_i·W_Δ[:, e] + B_Δ[e] (B_Δ once per element)"
READING_B = "B_Δ[e] is added once, outside Σ_{i∈S}"

DOCUMENT = document(
    "selective_ssm",
    "Product of As Expanded (Mamba selective SSM)",
    Source("Product of As Expanded", "000_e18d352d75cd1cce.txt"),
    inputs=(x, W_Delta, B_Delta, A, W_B, W_C, s, a, b, c),
    definitions=(delta, Delta, Abar, B_x, Bbar, h, C_x, y),
    sizes={E: (1, 2), N: (1, 2), ell: (1, 2, 3, 4)},
    indices={e: (1, E), n: (1, N)},
    claims=(
        claim(
            "context.h-substituted",
            "Context",
            r"\Delta_{\ell,e}^{[1]} W_B^{[N,E]} x_{\ell,e}^{[E]} x_{\ell,e}^{[1]}",
            h(ell, n),
            exp(Delta(ell) * A[e, n]) * h(ell - 1, n)
            + Delta(ell) * Sum(W_B[n, j] * x[ell, j], (j, 1, E)) * x[ell, e],
            reading="x_{ℓ,e}^{[E]} is the input vector x_ℓ (the only reading that type-checks)",
        ),
        chain(
            "unroll.h1",
            "Unrolling the recurrence",
            r"h_1 &= \bar{A}_1^{[N]} \mathbf{0}^{[N]} + \bar{B}_1^{[N]} x_{1,e}^{[1]}",
            h(1, n),
            Abar(1, n) * 0 + Bbar(1, n) * x[1, e],
            Bbar(1, n) * x[1, e],
        ),
        chain(
            "unroll.h2",
            "Unrolling the recurrence",
            r"h_2 &= \bar{A}_2^{[N]} h_1 + \bar{B}_2^{[N]} x_{2,e}^{[1]}",
            h(2, n),
            Abar(2, n) * h(1, n) + Bbar(2, n) * x[2, e],
            Abar(2, n) * Bbar(1, n) * x[1, e] + Bbar(2, n) * x[2, e],
        ),
        chain(
            "unroll.h3",
            "Unrolling the recurrence",
            r"h_3 &= \bar{A}_3^{[N]} h_2 + \bar{B}_3^{[N]} x_{3,e}^{[1]}",
            h(3, n),
            Abar(3, n) * h(2, n) + Bbar(3, n) * x[3, e],
            Abar(3, n) * Abar(2, n) * Bbar(1, n) * x[1, e]
            + Abar(3, n) * Bbar(2, n) * x[2, e]
            + Bbar(3, n) * x[3, e],
        ),
        chain(
            "unroll.h4",
            "Unrolling the recurrence",
            r"h_4 &= \bar{A}_4^{[N]} h_3 + \bar{B}_4^{[N]} x_{4,e}^{[1]}",
            h(4, n),
            Abar(4, n) * h(3, n) + Bbar(4, n) * x[4, e],
            Abar(4, n) * Abar(3, n) * Abar(2, n) * Bbar(1, n) * x[1, e]
            + Abar(4, n) * Abar(3, n) * Bbar(2, n) * x[2, e]
            + Abar(4, n) * Bbar(3, n) * x[3, e]
            + Bbar(4, n) * x[4, e],
        ),
        claim(
            "unroll.general",
            "Unrolling the recurrence",
            r"& h_\ell = \\",
            h(ell, n),
            unrolled,
        ),
        claim(
            "unroll.tuple-form",
            "Unrolling the recurrence",
            "(doing element-wise multiplication of these three terms, than summing all the elements",
            h(ell, n),
            unrolled,
            reading="sum over the positions of the three tuples (h_ℓ stays an N-vector)",
        ),
        claim(
            "unroll.tuple-form-all",
            "Unrolling the recurrence",
            "(doing element-wise multiplication of these three terms, than summing all the elements",
            h(ell, n),
            unrolled_all,
            reading="sum over all elements, the N state components included",
            expect=REFUTED,
            note="Summing every element collapses the N-vector h_ℓ to a scalar; only N = 1 agrees.",
        ),
        chain(
            "proof.product",
            "Proof",
            (
                r"= \exp(\overset{[1]}{\Delta}_{\ell,e} \overset{[N]}{A}[e]) \exp(",
                r"&= \exp(\Delta_{\ell,e}^{[1]} A[e]^{[N]} + \Delta_{\ell-1,e}^{[1]} A[e]^{[N]} + \cdots",
                r"&= \exp((\Delta_{\ell,e}^{[1]} + \Delta_{\ell-1,e}^{[1]} + \cdots",
            ),
            products,
            exp_products,
            exp(Sum(Delta(i) * A[e, n], (i, 2, ell))),
            exp(sum_Delta * A[e, n]),
            lows={ell: 2},
        ),
        claim(
            "simple.softplus",
            "Proof: the simple case",
            r"&= \text{softplus}(\delta_{1,e}^{[1]}) + \text{softplus}(\delta_{2,e}^{[1]})",
            Delta(1) + Delta(2),
            softplus(d1) + softplus(d2),
        ),
        chain(
            "fun-fact",
            "Useless fun fact",
            (
                r"\text{softplus}(x) &= \log(1 + e^x)",
                r"&= \log\left(\frac{e^{-x} + 1}{e^{-x}}\right)",
                r"&= \log(e^{-x} + 1) - \log(e^{-x})",
                r"&= \log(1 + e^{-x}) + x",
            ),
            softplus(s),
            log(1 + exp(s)),
            log((exp(-s) + 1) / exp(-s)),
            log(exp(-s) + 1) - log(exp(-s), evaluate=False),
            log(1 + exp(-s)) + s,
        ),
        chain(
            "fun-fact.pair",
            "Useless fun fact",
            (
                r"&= \text{softplus}(\delta_{1,e}^{[1]}) + \text{softplus}(\delta_{2,e}^{[1]}) \\",
                r"&= \log\left((1 + \exp(-\delta_{1,e}^{[1]}))(1 + \exp(-\delta_{2,e}^{[1]}))\right)",
                r"&= \log\left(\exp(-\delta_{1,e}^{[1]} - \delta_{2,e}^{[1]}) + \exp(-\delta_{1,e}^{[1]})",
            ),
            Delta(1) + Delta(2),
            softplus(d1) + softplus(d2),
            log((1 + exp(-d1)) * (1 + exp(-d2))) + d1 + d2,
            log(exp(-d1 - d2) + exp(-d1) + exp(-d2) + 1) + d1 + d2,
        ),
        chain(
            "back.pair",
            "Back to the proof",
            (
                r"&= \text{softplus}(\delta_{1,e}^{[1]}) + \text{softplus}(\delta_{2,e}^{[1]}) \\",
                r"&= \log \left((1 + \exp(\delta_{1,e}^{[1]})) (1 + \exp(\delta_{2,e}^{[1]})) \right)",
                r"&= \log \left(\exp(\delta_{1,e}^{[1]} + \delta_{2,e}^{[1]}) + \exp(\delta_{1,e}^{[1]})",
            ),
            Delta(1) + Delta(2),
            softplus(d1) + softplus(d2),
            log((1 + exp(d1)) * (1 + exp(d2))),
            log(exp(d1 + d2) + exp(d1) + exp(d2) + 1),
        ),
        claim(
            "back.subsets",
            "Back to the proof",
            r"&= \log \left(\sum_{S \subseteq \{1,2\}} \exp \left(\sum_{i \in S} \delta_{i,e} \right) \right)",
            log(exp(d1 + d2) + exp(d1) + exp(d2) + 1),
            log(SubsetSum(exp(sum_delta), S, 1, 2)),
        ),
        claim(
            "back.expand[1]",
            "Back to the proof",
            r"\exp \left(\sum_{j \in S} x_j^{[E]} \cdot W_{\Delta}^{[E]}[:, e] + B_{\Delta}^{[1]}[e] \right)",
            log(SubsetSum(exp(sum_delta), S, 1, 2)),
            log(SubsetSum(each_with_B, S, 1, 2)),
            reading=READING_A,
        ),
        claim(
            "back.expand[1]/once",
            "Back to the proof",
            r"\exp \left(\sum_{j \in S} x_j^{[E]} \cdot W_{\Delta}^{[E]}[:, e] + B_{\Delta}^{[1]}[e] \right)",
            log(SubsetSum(exp(sum_delta), S, 1, 2)),
            log(SubsetSum(once_with_B, S, 1, 2)),
            reading=READING_B,
            expect=REFUTED,
            note="Read literally, B_Δ is added once per subset; the empty set then gives exp(B_Δ).",
        ),
        chain(
            "back.expand",
            "Back to the proof",
            (
                r"&= \log \left(\sum_{S \subseteq \{1,2\}} \exp \left(|S| B_{\Delta}^{[1]}[e] + W_{\Delta}",
                r"\exp \left(|S| B_{\Delta}^{[1]}[e] \right) \exp \left(W_{\Delta}^{[E]}[:, e]",
            ),
            log(SubsetSum(each_with_B, S, 1, 2)),
            log(SubsetSum(card_form, S, 1, 2)),
            log(SubsetSum(split_form, S, 1, 2)),
            id_start=2,
        ),
        claim(
            "back.pair-result",
            "Back to the proof",
            r"\exp \left(|S| B_{\Delta}^{[1]}[e] \right) \exp \left(W_{\Delta}^{[E]}[:, e]",
            Delta(1) + Delta(2),
            log(SubsetSum(split_form, S, 1, 2)),
        ),
        chain(
            "general.product",
            "Back to the proof: the general case",
            (
                r"&= \exp(\Delta_{\ell,e}^{[1]} A[e]^{[N]}) \exp(\Delta_{\ell-1,e}^{[1]} A[e]^{[N]})",
                r"&= \exp(\Delta_{\ell,e}^{[1]} A[e]^{[N]} + \Delta_{\ell-1,e}^{[1]} A[e]^{[N]} + \dots",
                r"&= \exp((\Delta_{\ell,e}^{[1]} + \Delta_{\ell-1,e}^{[1]} + \dots",
            ),
            products,
            exp_products,
            exp(Sum(Delta(i) * A[e, n], (i, 2, ell))),
            exp(sum_Delta * A[e, n]),
            lows={ell: 2},
        ),
        claim(
            "general.subsets[1]",
            "Back to the proof: the general case",
            r"&= \text{softplus}(\delta_{\ell,e}^{[1]}) + \text{softplus}(\delta_{\ell-1,e}^{[1]})",
            sum_Delta,
            Sum(softplus(delta(i)), (i, 2, ell)),
            lows={ell: 2},
        ),
        claim(
            "general.subsets[2]",
            "Back to the proof: the general case",
            r"\exp \left(\sum_{i \in S} \delta_{i,e}^{[1]} \right) \right)",
            Sum(softplus(delta(i)), (i, 2, ell)),
            log(SubsetSum(exp(sum_delta), S, 2, ell)),
            lows={ell: 2},
            exact_sizes={ell: tuple(range(2, 12))},
            note="The softplus-subset identity; the exact check runs n = ℓ - 1 = 1 ... 10 terms.",
        ),
        claim(
            "general.expand[1]",
            "Back to the proof: the general case",
            r"\exp \left(\sum_{i \in S} x_i^{[E]} \cdot W_\Delta[:, e] + B_\Delta[e] \right)",
            sum_Delta,
            log(SubsetSum(each_with_B, S, 2, ell)),
            reading=READING_A,
            lows={ell: 2},
        ),
        claim(
            "general.expand[1]/once",
            "Back to the proof: the general case",
            r"\exp \left(\sum_{i \in S} x_i^{[E]} \cdot W_\Delta[:, e] + B_\Delta[e] \right)",
            sum_Delta,
            log(SubsetSum(once_with_B, S, 2, ell)),
            reading=READING_B,
            lows={ell: 2},
            expect=REFUTED,
        ),
        chain(
            "general.expand",
            "Back to the proof: the general case",
            (
                r"\exp \left(|S| B_\Delta[e] + W_\Delta[:, e] \cdot \sum_{i \in S} x_i^{[E]} \right)",
                r"\exp \left(|S| B_\Delta[e] \right) \exp \left(W_\Delta[:, e] \cdot \sum_{i \in S}",
            ),
            log(SubsetSum(each_with_B, S, 2, ell)),
            log(SubsetSum(card_form, S, 2, ell)),
            log(SubsetSum(split_form, S, 2, ell)),
            lows={ell: 2},
            id_start=2,
        ),
        claim(
            "general.exp-log",
            "Back to the proof: the general case",
            r"&= \exp(\log \left(\sum_{S \subseteq \{\ell, \ell-1, \dots, 3, 2\}}",
            products,
            exp(log(SubsetSum(split_form, S, 2, ell)) * A[e, n]),
            lows={ell: 2},
        ),
        claim(
            "exp-power",
            "Back to the proof: the general case",
            r"$\exp(ab) = \exp(a)^b$ (assuming a and b are real)",
            exp(b * c),
            Pow(exp(b), c, evaluate=False),
            note="Written with b, c here: a is kept for the positive base of the next step.",
        ),
        chain(
            "exp-log",
            "Back to the proof: the general case",
            r"$$\exp(\log(a)b) = \exp(\log(a))^b = a^b$$",
            exp(log(a) * b),
            Pow(exp(log(a), evaluate=False), b, evaluate=False),
            a**b,
            note="Needs a > 0 (log(a) real); here a is a sum of exponentials, so it holds.",
        ),
        claim(
            "theorem",
            "Theorem",
            THEOREM,
            products,
            SubsetSum(split_form, S, 2, ell) ** A[e, n],
            lows={ell: 2},
            note="Stated once as the Theorem and again after 'Giving us'; component n of pow(a, b).",
        ),
    ),
    gradients=gradients(
        "grad.y",
        y(ell),
        (x, W_Delta, B_Delta, A, W_B, W_C),
        sizes={ell: (1, 2, 3), E: (2,), N: (2,)},
        note="y_ℓ for channel e; the kernels of derive generate are built from these derivatives.",
    ),
)
