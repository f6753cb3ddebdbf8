"""GGNN graph-level readout — seed 001, forum thread "Understanding math notation".

h_g = tanh(Σ_{v∈V} σ(i(h_v, x_v)) ⊙ tanh(j(h_v, x_v))) over a graph of |V| nodes (size V),
with i and j affine maps of the concatenation [h_v; x_v] to D features (weights W_i, W_j of
shape D × 2D, biases b_i, b_j). Node states h_v and annotations x_v have D features each.
"""

from sympy import IndexedBase, Sum, symbols, tanh

from derive.declare import chain, claim, define, document, gradients
from derive.model import REFUTED, Source
from derive.notation.arrays import ArraySum, Diagonal, Dot, Hadamard, Table, Transposed
from derive.notation.primitives import sigmoid

V, D = symbols("V D", integer=True, positive=True)  # |V| nodes; D features
v, d, e = symbols("v d e", integer=True, positive=True)  # a node; a feature; a summed feature

h = IndexedBase("h", shape=(V, D), real=True)  # h[v, e] = (h_v^(T))_e, the final node states
x = IndexedBase("x", shape=(V, D), real=True)  # x[v, e] = (x_v)_e, the node annotations
W_i = IndexedBase("W_i", shape=(D, 2 * D), real=True)
b_i = IndexedBase("b_i", shape=(D,), real=True)
W_j = IndexedBase("W_j", shape=(D, 2 * D), real=True)
b_j = IndexedBase("b_j", shape=(D,), real=True)

# i(h_v, x_v) = W_i [h_v; x_v] + b_i, feature d: the concatenation splits W_i's columns.
i_ = define(
    "i",
    (v, d),
    Sum(W_i[d, e] * h[v, e], (e, 1, D)) + Sum(W_i[d, D + e] * x[v, e], (e, 1, D)) + b_i[d],
)
j_ = define(
    "j",
    (v, d),
    Sum(W_j[d, e] * h[v, e], (e, 1, D)) + Sum(W_j[d, D + e] * x[v, e], (e, 1, D)) + b_j[d],
)
A = define("A", (v, d), sigmoid(i_(v, d)))  # A_v = σ(i(h_v, x_v))
B = define("B", (v, d), tanh(j_(v, d)))  # B_v = tanh(j(h_v, x_v))
h_g = define("h_g", (d,), tanh(Sum(sigmoid(i_(v, d)) * tanh(j_(v, d)), (v, 1, V))))

h_g_vector = Table(h_g(d), (d, 1, D))
sigma_i = Table(sigmoid(i_(v, d)), (d, 1, D))  # σ(i(h_v, x_v)), a D-vector
tanh_j = Table(tanh(j_(v, d)), (d, 1, D))  # tanh(j(h_v, x_v)), a D-vector
A_v, B_v = Table(A(v, d), (d, 1, D)), Table(B(v, d), (d, 1, D))
A_bar = Table(A(v, d), (v, 1, V), (d, 1, D))  # the rows A_v stacked: |V| × D, as in code
B_bar = Table(B(v, d), (v, 1, V), (d, 1, D))
A_col, B_col = Table(A(v, d), (v, 1, V)), Table(B(v, d), (v, 1, V))  # feature d over nodes
sum_of_products = ArraySum(Hadamard(A_v, B_v), (v, 1, V))
ones = Table(1, (v, 1, V))

TYPED = r"h_g = tanh \left( \sum_{v \in V} \sigma \left( i(h_v^{(T)}, x_v) \right) \odot tanh \left( j(h_v^{(T)}, x_v) \right) \right)"

DOCUMENT = document(
    "ggnn_readout",
    "GGNN graph-level readout (forum thread 'Understanding math notation')",
    Source("Understanding math notation", "001_d5967cd41b3e0dc1.txt"),
    inputs=(h, x, W_i, b_i, W_j, b_j),
    definitions=(i_, j_, A, B, h_g),
    sizes={V: (1, 2), D: (1, 2)},
    indices={d: (1, D), v: (1, V)},
    claims=(
        claim(
            "question.on-product",
            "Question",
            "if it is on the element-wise product:",
            h_g_vector,
            tanh(ArraySum(Hadamard(sigma_i, tanh_j), (v, 1, V))),
            reading="Σ_v applies to the element-wise product σ(i(h_v, x_v)) ⊙ tanh(j(h_v, x_v))",
        ),
        claim(
            "question.on-i-only",
            "Question",
            "or just in the output of function i(hv, xv)",
            h_g_vector,
            tanh(Hadamard(ArraySum(sigma_i, (v, 1, V)), tanh_j)),
            reading="Σ_v applies to σ(i(h_v, x_v)) alone; the v of tanh(j(h_v, x_v)) is left free",
            expect=REFUTED,
            note="Only |V| = 1 agrees; the corrected statement is question.on-product.",
        ),
        claim(
            "answer.sum-of-products",
            "First answer",
            "you are computing and summing the elementwise product for all possible values of v",
            h_g(d),
            tanh(Sum(sigmoid(i_(v, d)) * tanh(j_(v, d)), (v, 1, V))),
        ),
        claim(
            "inside-out.summation",
            "Inside out (suvash)",
            "It’s applied to the result of the ⊙ operation",
            h_g_vector,
            tanh(ArraySum(Hadamard(sigma_i, tanh_j), (v, 1, V))),
        ),
        claim(
            "inside-out.h_g",
            "Inside out (suvash)",
            r"h_g = tanh \left( \sum_{v \in V} A_v \odot B_v \right)",
            h_g_vector,
            tanh(sum_of_products),
        ),
        chain(
            "vectorized",
            "Vectorized (dot product)",
            r"h_g = tanh({ \sum_{v \in V} A_v \odot B_v }) = tanh (\overline{A} \cdot \overline{B})",
            h_g_vector,
            tanh(sum_of_products),
            Table(tanh(Dot(A_col, B_col)), (d, 1, D)),
            reading="Ā · B̄ per feature d: the dot product of the node columns Ā[:, d] and B̄[:, d]",
        ),
        claim(
            "vectorized[2]/whole-arrays",
            "Vectorized (dot product)",
            r"h_g = tanh({ \sum_{v \in V} A_v \odot B_v }) = tanh (\overline{A} \cdot \overline{B})",
            h_g(d),
            tanh(Sum(Sum(A(v, e) * B(v, e), (e, 1, D)), (v, 1, V))),
            reading="Ā · B̄ is the dot product of Ā and B̄ as whole arrays (summed over v and d)",
            expect=REFUTED,
            note="Summing the features too mixes them; only D = 1 agrees. See vectorized[2].",
        ),
        claim(
            "vectorized.memberwise",
            "Vectorized (dot product)",
            "memberwise multiply and sum is just… Dot product",
            sum_of_products,
            Table(Dot(A_col, B_col), (d, 1, D)),
        ),
        claim(
            "code.matmul",
            "Vectorized (dot product)",
            "h_g  = nn.Tanh(A@B)",
            h_g_vector,
            tanh(Dot(A_bar, B_bar)),
            reading="A and B hold the rows A_v, B_v (|V| × D tensors); @ is torch.matmul",
            expect=REFUTED,
            note=(
                "A @ B needs D = |V|, and even then it is a |V| × D matrix (Σ_k A[v,k] B[k,d]), "
                "not the D-vector h_g; the dot products Σ_v A[v,d] B[v,d] are on the diagonal "
                "of Aᵀ @ B. See code.matmul/corrected and code.matmul/diagonal."
            ),
        ),
        claim(
            "code.matmul/corrected",
            "Vectorized (dot product)",
            "h_g  = nn.Tanh(A@B)",
            h_g_vector,
            tanh(Dot(ones, Hadamard(A_bar, B_bar))),
            note="torch.tanh((A * B).sum(0)): multiply memberwise, then sum over the nodes.",
        ),
        claim(
            "code.matmul/diagonal",
            "Vectorized (dot product)",
            "h_g  = nn.Tanh(A@B)",
            h_g_vector,
            tanh(Diagonal(Dot(Transposed(A_bar), B_bar))),
            note="torch.tanh(torch.diagonal(A.T @ B)): correct, but computes D² products for D.",
        ),
    ),
    gradients=gradients(
        "grad.h_g",
        h_g(d),
        (W_i, b_i, W_j, b_j, h),
        sizes={V: (2,), D: (2,)},
        note="Every feature d of h_g; the readout kernels are built from these derivatives.",
    ),
    notes=(
        "The first post's equation is an image; its text is the GGNN graph-level output "
        "(Li et al. 2016, eq. 7) as suvash typed it: " + TYPED,
        "nn.Tanh(A@B) is not PyTorch: nn.Tanh is a module class whose constructor takes no "
        "tensor; torch.tanh(...) or nn.Tanh()(...) is meant. Only the mathematics is checked.",
        "'Circled dot' names ⊙; it is read as the element-wise (Hadamard) product throughout, "
        "as suvash assumes.",
        "The closing posts (LSTM from scratch, fastai chapter 12) make no mathematical claim.",
    ),
)
