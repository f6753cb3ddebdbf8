"""GATv2 parameter gradients — seed 004, "Gradient Derivation for Learnable Parameters in
Graph Attention Networks" (Neumeier et al.), Eq. 1-3 and Sections III-A to III-C.

One node i with N neighbours j = 1..N, in PyTorch Geometric's GATv2Conv semantics (heads=1,
share_weights=False, add_self_loops=False): Θ_R and Θ_L are D × (H+1) with the bias in column
1 (h̃ = [1, hᵀ]ᵀ), a and b are D-vectors, c is LeakyReLU's negative slope. The forward runs
through the paper's Fig. 2 intermediates a₂ … a₉, one per edge (i, j). The loss is generic:
its upstream gradient g = ∂L/∂h'_i enters as free symbols, so ∂L/∂θ = Σ_v g[v] ∂h'(v)/∂θ.
"""

from sympy import (
    Derivative,
    Eq,
    IndexedBase,
    KroneckerDelta,
    Min,
    Piecewise,
    Rational,
    Sum,
    exp,
    symbols,
)

from derive.declare import chain, claim, define, document, gradients
from derive.model import PROVED, PROVED_AT_SIZES, REFUTED, Source
from derive.notation.primitives import leaky_relu, leaky_relu_slope

N, D, H = symbols("N D H", integer=True, positive=True)  # neighbours, output and input widths
r, d, t, q, ell, m, p = symbols("r d t q l m p", integer=True, positive=True)  # free indices
j, k, u, v = symbols("j k u v", integer=True)  # bound: neighbours j, k; entries u (H), v (D)
c = symbols("c", real=True)  # LeakyReLU's negative slope (the paper's s_n)

h_i = IndexedBase("h_i", shape=(H,), real=True)  # features of node i
h = IndexedBase("h", shape=(N, H), real=True)  # features of neighbour j: h[j, u]
Theta_R = IndexedBase("Θ_R", shape=(D, H + 1), real=True)  # [Θ_Rb, Θ_Rw]
Theta_L = IndexedBase("Θ_L", shape=(D, H + 1), real=True)  # [Θ_Lb, Θ_Lw]
a = IndexedBase("a", shape=(D,), real=True)
b = IndexedBase("b", shape=(D,), real=True)
g = IndexedBase("g", shape=(D,), real=True)  # ∂L/∂h'_i, the upstream gradient

# h̃ = [1, hᵀ]ᵀ, used where the paper writes the block rows h̃ᵀ of a Jacobian.
ht_i = define("h̃_i", (q,), Piecewise((1, Eq(q, 1)), (h_i[q - 1], True)))
ht = define("h̃", (j, q), Piecewise((1, Eq(q, 1)), (h[j, q - 1], True)))
# The forward pass (Eq. 1-3 through Fig. 2), per edge (i, j) and entry r of a D-vector.
a2 = define("a₂", (j, r), Theta_R[r, 1] + Sum(Theta_R[r, u + 1] * h_i[u], (u, 1, H)))
a3 = define("a₃", (j, r), Theta_L[r, 1] + Sum(Theta_L[r, u + 1] * h[j, u], (u, 1, H)))
a4 = define("a₄", (j, r), a2(j, r) + a3(j, r))
a5 = define("a₅", (j, r), leaky_relu(a4(j, r), c))
e = define("e", (j,), Sum(a[v] * a5(j, v), (v, 1, D)))  # a₆: the score e(h̃_i, h̃_j)
alpha = define("α", (j,), exp(e(j)) / Sum(exp(e(k)), (k, 1, N)))  # a₇ = softmax_j
a8 = define("a₈", (j, r, q), alpha(j) * Theta_L[r, q])  # a₈ = Θ_L · a₇
a9 = define("a₉", (j, r), a8(j, r, 1) + Sum(a8(j, r, u + 1) * h[j, u], (u, 1, H)))  # a₈ h̃_j
hp = define("h'", (r,), b[r] + Sum(a9(j, r), (j, 1, N)))  # Eq. 3
# The paper's abbreviations, as it defines them, and with the upstream gradient.
s = define("s", (j, r), leaky_relu_slope(a4(j, r), c))  # 1 if a₄ > 0, else c
A7 = define("A₇", (j,), Sum(a3(j, v), (v, 1, D)))  # Σ_d (Θ_L h̃_j)^(d), as written
S = define("S", (k,), Sum((KroneckerDelta(k, j) - alpha(j)) * A7(j), (j, 1, N)))
Ag = define("A₇ᵍ", (j,), Sum(g[v] * a3(j, v), (v, 1, D)))  # Σ_d g^(d) (Θ_L h̃_j)^(d)
Sg = define("Sᵍ", (k,), Sum((KroneckerDelta(k, j) - alpha(j)) * Ag(j), (j, 1, N)))

L = Sum(g[v] * hp(v), (v, 1, D))  # L near h'_i: ∂L/∂θ = Σ_v g[v] ∂h'(v)/∂θ
L1 = Sum(hp(v), (v, 1, D))  # the paper's J after "→ Σ_d": the sum of h'_i's entries

# Recurring right-hand sides, in the paper's notation.
row6 = Sum(alpha(ell) * (KroneckerDelta(ell, j) - alpha(j)) * A7(j), (j, 1, N))  # J_a6,i entry l
row6_1 = Sum(alpha(1) * (KroneckerDelta(1, j) - alpha(j)) * A7(j), (j, 1, N))  # J_a6,i1
softmax_as_written = Piecewise(
    (1 - alpha(1), Eq(ell, 1) & Eq(m, 1)),
    (alpha(ell) * (1 - alpha(ell)), Eq(ell, m)),
    (-alpha(ell) * alpha(m), True),
)
not_k = 1 - KroneckerDelta(j, k)  # Σ_{j≠k} written as a mask on Σ_j
pair_R = Sum(
    Sum(alpha(j) * alpha(k) * (A7(j) - A7(k)) * (s(j, d) - s(k, d)), (j, 1, k - 1)), (k, 1, N)
)
pair_Rg = Sum(
    Sum(alpha(j) * alpha(k) * (Ag(j) - Ag(k)) * (s(j, d) - s(k, d)), (j, 1, k - 1)), (k, 1, N)
)
pair_p = Sum(
    Sum(alpha(j) * alpha(k) * (A7(j) - A7(k)) * (s(j, p) - s(k, p)), (j, 1, k - 1)), (k, 1, N)
)
theta_Lw = Sum(h[k, t] * a[d] * s(k, d) * alpha(k) * S(k) + alpha(k) * h[k, t], (k, 1, N))
theta_Lb = Sum(a[d] * s(k, d) * alpha(k) * S(k) + alpha(k), (k, 1, N))
dTheta_Rw, dTheta_Rb = Theta_R[d, t + 1], Theta_R[d, 1]  # Θ_Rw[d, t] and Θ_Rb[d]
dTheta_Lw, dTheta_Lb = Theta_L[d, t + 1], Theta_L[d, 1]

SUM_READING = "J is taken of Σ_d h'^(d) (what '→ Σ_d' and A₇ as written compute)"
LOSS_READING = "J is ∂L/∂·, with A₇ weighted by the upstream gradient ∂L/∂h'"
TWO_INDICES = "t indexes the H entries of h_i; a, s and ∂L/∂h' use the row d of Θ"
ONE_INDEX = "t is one index for both (the diagonal entries Θ[t, t+1], t ≤ min(D, H))"
D_IS_1 = "With D = 1 the sum over d has one term and ∂L/∂h' is a scalar factor."
ONES = "With ∂L/∂h' = (1, …, 1), A₇ as written is the right factor."

Q_EQ1 = r"=\bm{a}^{\mathrm{T}}\text{LeakyReLU}\left({\bm{\Theta}}_{R}\tilde{\bm{h}}_{i}+{\bm{\Theta}}_{L}\tilde{\bm{h}}_{j}\right)"
Q_J9 = r"\mathbf{J}_{a_{9,i1}}=\frac{\partial(\text{vec}\{\bm{h}_{i}^{\prime}\})}{\partial(\text{vec}\{\bm{a}_{9,i1}\})^{\mathrm{T}}}=\frac{\partial(\text{vec}\{\sum_{j\in\mathcal{N}_{i}}\bm{a}_{9,ij}\})}"
Q_J8 = r"\mathbf{J}_{a_{8,i1}}=\mathbf{J}_{a_{9,i1}}\cdot\frac{\partial(\text{vec}\{\bm{a}_{9,i1}\})}{\partial(\text{vec}\{\bm{a}_{8,i1}\})^{\mathrm{T}}}"
Q_J8_BLOCK = r"\bm{0}_{1\times H}&\cdots&\bm{0}_{1\times H}&\tilde{h}_{1}^{\textrm{T}}\end{bmatrix}"
Q_J7 = r"=\mathbf{J}_{a_{8,i1}}\cdot\frac{\partial(\text{vec}\{(\mathbf{\Theta}_{L}\cdot{a}_{7,i1})\})}{\partial({a}_{7,i1})^{\textrm{T}}}=\mathbf{J}_{a_{8,i1}}\cdot\text{vec}\{(\mathbf{\Theta}_{L})\}"
Q_J7_ROWS = r"\tilde{\bm{h}}_{1}^{\textrm{T}}\mathbf{\Theta}_{L}^{(D)}"
Q_J7_ARROW = r"\end{bmatrix}=\mathbf{\Theta}_{L}\tilde{\bm{h}}_{1}\rightarrow\sum_{d=1}^{D}(\mathbf{\Theta}_{L}\tilde{\bm{h}}_{1})^{(d)}"
Q_J7I = r"\mathbf{J}_{a_{7,i}}=concat_{j}({J}_{a_{7,ij}})=\left[{J}_{a_{7,i1}}\quad{J}_{a_{7,i2}}\quad\cdots\quad{J}_{a_{7,iN}}\right]=\begin{bmatrix}A_{7,i1}&A_{7,i2}&\cdots&A_{7,iN}"
Q_SOFTMAX = r"\begin{bmatrix}(1-\alpha_{i1})&-\alpha_{i1}\alpha_{i2}&-\alpha_{i1}\alpha_{i3}&\cdots&-\alpha_{i1}\alpha_{iN}"
Q_J6 = r"\mathbf{J}_{a_{6,i}}=\mathbf{J}_{a_{7,i}}\cdot\frac{\partial(\text{vec}\{\bm{a}_{7,i}\})}{\partial(\text{vec}\{\bm{a}_{6,i}\})^{\textrm{T}}}"
Q_J6_ROW = r"\sum_{j}^{N}\alpha_{iN}(\delta_{Nj}-\alpha_{ij})A_{7,ij}"
Q_J61 = r"\mathbf{J}_{a_{6,i1}}=\mathbf{J}_{a_{6,i}}\cdot\frac{\partial(\text{vec}\{\bm{a}_{6,i}\})}{\partial(\text{vec}\{\bm{a}_{6,i1}\})^{\textrm{T}}}=\mathbf{J}_{a_{6,i1}}\cdot\left[1\quad 0\quad\cdots\quad 0\right]^{\textrm{T}}"
Q_J5_LOCAL = r"\frac{\partial(\text{vec}\{\bm{a}_{5,i1}\odot\bm{a}\})}{\partial(\text{vec}\{\bm{a}_{5,i1}\})^{\textrm{T}}}=\mathbf{J}_{a_{6,i1}}\cdot\begin{bmatrix}{a}^{(1)}&{a}^{(2)}&\cdots&{a}^{(D)}"
Q_J5 = r"a^{(D)}\sum_{j}^{N}\alpha_{i1}(\delta_{1j}-\alpha_{ij})A_{7,ij}"
Q_J4_LOCAL = r"=\mathbf{J}_{a_{5,i1}}\cdot\begin{bmatrix}s_{i1}^{(1)}&0&\cdots&0"
Q_J4 = r"s_{i1}^{(D)}a^{(D)}\sum_{j}^{N}(\alpha_{i1}(\delta_{1j}-\alpha_{ij})A_{7,ij})"
Q_S = r"\text{ where }s_{i1}^{(d)}=\begin{cases}1,&\text{if}\ a_{4,i1}^{(d)}>0"
Q_J2 = r"\mathbf{J}_{a_{2,i1}}=\mathbf{J}_{a_{4,i1}}\cdot\frac{\partial(\text{vec}\{\bm{a}_{4,i1}\})}{\partial(\text{vec}\{\bm{a}_{2,i1}\})^{\textrm{T}}}=\mathbf{J}_{a_{4,i1}}\cdot\mathbf{I}=\mathbf{J}_{a_{4,i1}}"
Q_BR_LOCAL = r"\frac{\partial(\text{vec}\{\mathbf{\Theta}_{R}h_{i}\})}{\partial(\text{vec}\{\mathbf{\Theta}_{R}\})^{\textrm{T}}}=\mathbf{J}_{a_{2,i1}}\cdot\begin{bmatrix}\!\tilde{\bm{h}}_{1}^{\textrm{T}}"
Q_BR_ENTRY = (
    r"h_{i}^{(1)}s_{i1}^{(1)}a^{(1)}\sum_{j}^{N}(\alpha_{i1}(\delta_{1j}-\alpha_{ij})A_{7,ij})"
)
Q_BR_TYPO = (
    r"h_{i}^{(2)}s_{i1}^{(1)}a^{(2)}\sum_{j}^{N}(\alpha_{i1}(\delta_{1j}-\alpha_{ij})A_{7,ij})"
)
Q_BR_ALPHA = (
    r"h_{i}^{(1)}s_{i1}^{(1)}a^{(1)}\alpha_{i1}\sum_{j}^{N}((\delta_{1j}-\alpha_{ij})A_{7,ij})"
)
Q_BR_S1 = (
    r"\end{bmatrix}^{\textrm{T}}=\begin{bmatrix}h_{i}^{(1)}s_{i1}^{(1)}a^{(1)}\alpha_{i1}S_{1}"
)
Q_BR_I = r"=\sum_{k}^{N}{}^{\text{B}}\mathbf{\Theta}_{R_{w},ik}^{\textrm{T}}=\sum_{k}^{N}\begin{bmatrix}h_{i}^{(1)}s_{ik}^{(1)}a^{(1)}\alpha_{ik}S_{k}"
Q_BR_T1 = r"=\sum_{k}^{N}\begin{bmatrix}h_{i}^{(t)}a^{(t)}s_{ik}^{(t)}\alpha_{ik}S_{k}\end{bmatrix}"
Q_BR_T2 = r"=h_{i}^{(t)}a^{(t)}\sum_{k}^{N}\begin{bmatrix}s_{ik}^{(t)}\alpha_{ik}S_{k}\end{bmatrix}"
Q_S_DEF = r"\text{ where }S_{k}=\sum_{j}^{N}(\delta_{kj}-\alpha_{ij})A_{7,ij}"
Q_A_DEF = (
    r"\text{ and }A_{7,ij}=\sum_{d}^{D}\left(\mathbf{\Theta}_{L}\tilde{\bm{h}}_{j}\right)^{(d)}"
)
Q_COMPLEMENT = r"\text{ where }\alpha_{ik}=(1-\sum\limits_{j\neq k}^{N}\alpha_{ij})"
Q_REFORM = (
    r"=h_{i}^{(t)}a^{(t)}\sum_{k}^{N}\begin{bmatrix}s_{ik}^{(t)}\alpha_{ik}\sum\limits_{j}^{N}(\delta_{kj}-\alpha_{ij})A_{7,ij}\end{bmatrix}",
    r"\left(\sum\limits_{j\neq k}^{N}(-\alpha_{ij})A_{7,ij}+(1-\alpha_{ik})A_{7,ik}\right)",
    r"+(1-(1-\sum_{j\neq k}^{N}\alpha_{ij}))A_{7,ik}",
    r"+(\sum\limits_{j\neq k}^{N}\alpha_{ij})A_{7,ik}\right)",
    r"s_{ik}^{(t)}\left(\sum\limits_{j\neq k}^{N}\alpha_{ik}\alpha_{ij}(A_{7,ik}-A_{7,ij})\right)",
    r"=h_{i}^{(t)}a^{(t)}\sum_{k}^{N}\sum\limits_{j\neq k}^{N}\begin{bmatrix}s_{ik}^{(t)}\alpha_{ik}\alpha_{ij}(A_{7,ik}-A_{7,ij})\end{bmatrix}",
    r"\frac{1}{2}\begin{bmatrix}2\,s_{ik}^{(t)}",
    r"\frac{1}{2}\begin{bmatrix}s_{ik}^{(t)}\alpha_{ik}\alpha_{ij}(A_{7,ik}-A_{7,ij})+s_{ik}^{(t)}\alpha_{ik}\alpha_{ij}(A_{7,ik}-A_{7,ij})\end{bmatrix}",
    r"(A_{7,ik}-A_{7,ij})\end{bmatrix}+\sum_{k}^{N}\sum_{j\neq k}^{N}\frac{1}{2}",
    r"-\sum_{k}^{N}\sum_{j\neq k}^{N}\frac{1}{2}\begin{bmatrix}s_{ik}^{(t)}\alpha_{ik}\alpha_{ij}(A_{7,ij}-A_{7,ik})",
    r"-\sum_{j}^{N}\sum_{k\neq j}^{N}\frac{1}{2}\begin{bmatrix}s_{ij}^{(t)}",
    r"(s_{ik}^{(t)}-s_{ij}^{(t)})\end{bmatrix},\quad j\neq k",
    r"=h_{i}^{(t)}a^{(t)}\sum_{j,k}^{\mathcal{S}_{i}}\begin{bmatrix}\alpha_{ik}\alpha_{ij}(A_{7,ik}-A_{7,ij})(s_{ik}^{(t)}-s_{ij}^{(t)})\end{bmatrix}",
)
Q_FINAL_RW = r"{}^{\text{B}}\Theta_{R_{w},i}^{(t)}=\frac{\partial\mathcal{L}}{\partial{h}_{i}^{\prime(t)}}\!\cdot\!\left[h_{i}^{(t)}a^{(t)}\sum_{j,k}^{\mathcal{S}_{i}}\alpha_{ij}\alpha_{ik}(A_{j}\!-\!A_{k})(s_{ij}^{(t)}-s_{ik}^{(t)})\right]"
Q_FINAL_RB = r"{}^{\text{B}}\Theta_{R_{b},i}^{(t)}=\frac{\partial\mathcal{L}}{\partial{h}_{i}^{\prime(t)}}\!\cdot\!\left[a^{(t)}\sum_{j,k}^{\mathcal{S}_{i}}"
Q_FINAL_LW = r"{}^{\text{B}}\Theta_{L_{w},i}^{(t)}=\frac{\partial\mathcal{L}}{\partial{h}_{i}^{\prime(t)}}\!\cdot\!\sum_{k}^{N}\begin{bmatrix}h_{k}^{(t)}a^{(t)}s_{ik}^{(t)}\alpha_{ik}S_{k}+\alpha_{ik}h_{k}^{(t)}\end{bmatrix}"
Q_FINAL_LB = r"{}^{\text{B}}\Theta_{L_{b},i}^{(t)}=\frac{\partial\mathcal{L}}{\partial{h}_{i}^{\prime(t)}}\!\cdot\!\sum_{k}^{N}\begin{bmatrix}a^{(t)}s_{ik}^{(t)}\alpha_{ik}S_{k}+\alpha_{ik}\end{bmatrix}"
Q_B = (
    r"{}^{\text{B}}\bm{b}^{\mathrm{T}}=\frac{\partial\mathcal{L}}{\partial\bm{h}_{i}^{\prime}}\cdot\frac{\partial(\text{vec}\{\bm{\tilde{h}}_{i}^{\prime}\})}{\partial(\text{vec}\{\bm{b}\})^{\mathrm{T}}}",
    r"=\frac{\partial\mathcal{L}}{\partial\bm{h}_{i}^{\prime}}\cdot\frac{\partial(\text{vec}\{\sum_{j\in\mathcal{N}_{i}}a_{9,ij}+\bm{b}\})}{\partial(\text{vec}\{\bm{b}\})^{\mathrm{T}}}",
    r"0&\cdots&0&1\end{bmatrix}=\frac{\partial\mathcal{L}}{\partial\bm{h}_{i}^{\prime}}",
)
Q_ALL = "this work obtains the gradients for the trainable model parameters of GATv2"

DOCUMENT = document(
    "gatv2",
    "Gradient Derivation for Learnable Parameters in Graph Attention Networks",
    Source("Gradient Derivation for Learnable Parameters in GATs", "004_24f3b2aec42e7b4c.txt"),
    inputs=(h_i, h, Theta_R, Theta_L, a, b, g, c),
    definitions=(ht_i, ht, a2, a3, a4, a5, e, alpha, a8, a9, hp, s, A7, S, Ag, Sg),
    sizes={N: (1, 2), D: (1, 2), H: (1,)},
    indices={
        r: (1, D),
        d: (1, D),
        t: (1, H),
        q: (1, H + 1),
        ell: (1, N),
        m: (1, N),
        p: (1, Min(D, H)),
    },
    claims=(
        # II-B: the forward through Fig. 2's intermediates is Eq. 1-3.
        claim(
            "eq1",
            "II-B",
            Q_EQ1,
            e(ell),
            Sum(a[v] * leaky_relu(a2(ell, v) + a3(ell, v), c), (v, 1, D)),
        ),
        claim("eq2.normalized", "II-B", r"\sum_{j}\alpha_{ij}=1", Sum(alpha(j), (j, 1, N)), 1),
        claim(
            "eq3",
            "II-B",
            r"=\bm{b}+\sum_{j\in\mathcal{N}_{i}}\alpha_{ij}{\bm{\Theta}}_{L}\tilde{\bm{h}}_{j}",
            hp(r),
            b[r] + Sum(alpha(j) * a3(j, r), (j, 1, N)),
        ),
        # III-A, edge (i, 1): the Jacobians of h'_i, entry [r, ·], from a₉ down to Θ_R.
        chain(
            "J_a9",
            "III-A",
            (Q_J9, r"0&\cdots&0&1\end{bmatrix}=\mathbf{I}"),
            Derivative(hp(r), a9(1, d)),
            Derivative(Sum(a9(j, r), (j, 1, N)), a9(1, d)),
            KroneckerDelta(r, d),
            note="The paper's Σ_j a₉,ij leaves out b, which does not change the Jacobian.",
        ),
        claim(
            "J_a8.local",
            "III-A",
            Q_J8_BLOCK,
            Derivative(a9(1, r), a8(1, d, q)),
            KroneckerDelta(r, d) * ht(1, q),
            expect=PROVED_AT_SIZES,
            note="Sized: h̃'s bias entry is a case split the symbolic sums do not take.",
        ),
        chain(
            "J_a8",
            "III-A",
            (Q_J8, Q_J8_BLOCK),
            Derivative(hp(r), a8(1, d, q)),
            Sum(Derivative(hp(r), a9(1, v)) * Derivative(a9(1, v), a8(1, d, q)), (v, 1, D)),
            KroneckerDelta(r, d) * ht(1, q),
            expects=(PROVED, PROVED_AT_SIZES),
        ),
        claim("J_a7.local", "III-A", Q_J7, Derivative(a8(1, d, q), alpha(1)), Theta_L[d, q]),
        chain(
            "J_a7",
            "III-A",
            (Q_J7, Q_J7_ARROW),
            Derivative(hp(r), alpha(1)),
            Sum(ht(1, u) * Theta_L[r, u], (u, 1, H + 1)),
            a3(1, r),
            expect=PROVED_AT_SIZES,
            note="J_a8 · vec{Θ_L}: row r is h̃_1ᵀ Θ_L^(r) = (Θ_L h̃_1)^(r). Sized: h̃'s bias entry.",
        ),
        claim(
            "J_a7.arrow",
            "III-A",
            Q_J7_ARROW,
            Derivative(hp(r), alpha(1)),
            A7(1),
            reading="'→ Σ_d' replaces the Jacobian (a D-vector) by the sum of its entries",
            expect=REFUTED,
            note="∂h'_i/∂α_i1 is the D-vector Θ_L h̃_1; an entry is not the sum of all entries.",
        ),
        claim(
            "J_a7.arrow/corrected",
            "III-A",
            Q_J7_ARROW,
            Derivative(L, alpha(1)),
            Ag(1),
            reading=LOSS_READING,
            note="Contracted with ∂L/∂h', the D-vector gives Σ_d g^(d) (Θ_L h̃_1)^(d).",
        ),
        claim(
            "J_a7.arrow/holds-when-D=1",
            "III-A",
            Q_J7_ARROW,
            Derivative(hp(r), alpha(1)),
            A7(1),
            expect=PROVED_AT_SIZES,
            sizes={D: (1,), N: (1, 2, 3)},
            note=D_IS_1,
        ),
        claim("J_a7,i", "III-A", Q_J7I, Derivative(L1, alpha(ell)), A7(ell), reading=SUM_READING),
        # The softmax Jacobian ∂α/∂e, for every N.
        claim(
            "softmax",
            "III-A",
            Q_SOFTMAX,
            Derivative(alpha(ell), e(m)),
            softmax_as_written,
            expect=REFUTED,
            note="Entry (1, 1) is printed (1 - α_i1); every other diagonal entry is α(1 - α).",
        ),
        claim(
            "softmax/corrected",
            "III-A",
            Q_SOFTMAX,
            Derivative(alpha(ell), e(m)),
            alpha(ell) * (KroneckerDelta(ell, m) - alpha(m)),
        ),
        claim(
            "softmax/holds-when-N=1",
            "III-A",
            Q_SOFTMAX,
            Derivative(alpha(ell), e(m)),
            softmax_as_written,
            expect=PROVED_AT_SIZES,
            sizes={N: (1,), D: (1,)},
            note="With one neighbour α_i1 = 1, so 1 - α_i1 = α_i1(1 - α_i1) = 0.",
        ),
        chain(
            "J_a6,i",
            "III-A",
            (Q_J6, Q_J6_ROW),
            Derivative(L1, e(ell)),
            Sum(A7(j) * alpha(j) * (KroneckerDelta(j, ell) - alpha(ell)), (j, 1, N)),
            row6,
            reading=SUM_READING + "; the softmax Jacobian with entry (1, 1) corrected",
        ),
        claim(
            "J_a6,i1",
            "III-A",
            Q_J61,
            Derivative(L1, e(1)),
            row6_1,
            reading=SUM_READING + "; the J_a6,i1 right of '=' is read as J_a6,i",
        ),
        # ⊙ in ∂ vec{a₅ ⊙ a}: the dot product aᵀa₅ (what e is), or the entrywise product.
        claim(
            "J_a5.local/dot",
            "III-A",
            Q_J5_LOCAL,
            Derivative(e(1), a5(1, d)),
            a[d],
            reading="⊙ is the dot product: a₆ = aᵀ a₅, a scalar",
        ),
        claim(
            "J_a5.local/hadamard",
            "III-A",
            Q_J5_LOCAL,
            Derivative(a5(1, r) * a[r], a5(1, d)),
            a[d],
            reading="⊙ is the entrywise product: a₅ ⊙ a is a D-vector",
            expect=REFUTED,
            note="Entrywise, the Jacobian is diag(a); the row [a^(1) … a^(D)] is that of aᵀa₅.",
        ),
        claim("J_a5", "III-A", Q_J5, Derivative(L1, a5(1, d)), a[d] * row6_1, reading=SUM_READING),
        claim(
            "J_a4.local",
            "III-A",
            Q_J4_LOCAL,
            Derivative(a5(1, r), a4(1, d)),
            KroneckerDelta(r, d) * s(1, d),
        ),
        claim(
            "J_a4.s",
            "III-A",
            Q_S,
            s(1, d),
            Piecewise((1, a4(1, d) > 0), (c, True)),
            note="s_n is the slope c; at a₄ = 0 the paper's 'else' gives c, as PyTorch does.",
        ),
        chain(
            "J_a4",
            "III-A",
            (Q_J4_LOCAL, Q_J4),
            Derivative(L1, a4(1, d)),
            Sum(a[v] * row6_1 * KroneckerDelta(v, d) * s(1, v), (v, 1, D)),
            s(1, d) * a[d] * row6_1,
            reading=SUM_READING,
        ),
        claim("J_a2.local", "III-A", Q_J2, Derivative(a4(1, r), a2(1, d)), KroneckerDelta(r, d)),
        claim(
            "J_a2",
            "III-A",
            Q_J2,
            Derivative(L1, a2(1, d)),
            s(1, d) * a[d] * row6_1,
            reading=SUM_READING,
        ),
        # ^BΘ_Rw,i1: edge 1's share, J_a2,i1 · ∂ vec{Θ_R h̃_i} / ∂ vec{Θ_R}.
        claim(
            "BTheta_R,i1.local",
            "III-A",
            Q_BR_LOCAL,
            Derivative(a2(1, r), Theta_R[d, q]),
            KroneckerDelta(r, d) * ht(1, q),
            expect=REFUTED,
            note="The block rows are h̃_1ᵀ, neighbour 1's features; Θ_R multiplies h̃_i.",
        ),
        claim(
            "BTheta_R,i1.local/corrected",
            "III-A",
            Q_BR_LOCAL,
            Derivative(a2(1, r), Theta_R[d, q]),
            KroneckerDelta(r, d) * ht_i(q),
            expect=PROVED_AT_SIZES,
            sizes={H: (1, 2)},
            note="Sized: h̃'s bias entry is a case split the symbolic sums do not take.",
        ),
        chain(
            "BTheta_R,i1",
            "III-A",
            (Q_BR_ENTRY, Q_BR_ALPHA, Q_BR_S1),
            Sum(Derivative(L1, a2(1, v)) * Derivative(a2(1, v), Theta_R[d, t + 1]), (v, 1, D)),
            h_i[t] * s(1, d) * a[d] * row6_1,
            h_i[t]
            * s(1, d)
            * a[d]
            * alpha(1)
            * Sum((KroneckerDelta(1, j) - alpha(j)) * A7(j), (j, 1, N)),
            h_i[t] * s(1, d) * a[d] * alpha(1) * S(1),
            reading=SUM_READING + "; entry (d, t) is h_i^(t) s^(d) a^(d) …",
        ),
        claim(
            "BTheta_R,i1.typo",
            "III-A",
            Q_BR_TYPO,
            Sum(Derivative(L1, a2(1, v)) * Derivative(a2(1, v), Theta_R[1, 3]), (v, 1, D)),
            h_i[2] * s(1, 1) * a[2] * row6_1,
            reading=SUM_READING,
            expect=REFUTED,
            lows={D: 2, H: 2},
            note="Entry (d, t) = (1, 2) carries a^(2); block d = 1 needs a^(1).",
        ),
        claim(
            "BTheta_R,i1.typo/corrected",
            "III-A",
            Q_BR_TYPO,
            Sum(Derivative(L1, a2(1, v)) * Derivative(a2(1, v), Theta_R[1, 3]), (v, 1, D)),
            h_i[2] * s(1, 1) * a[1] * row6_1,
            reading=SUM_READING,
            lows={D: 2, H: 2},
        ),
        chain(
            "BTheta_R,i",
            "III-A",
            (Q_BR_I, Q_BR_T2),
            Derivative(L1, dTheta_Rw),
            Sum(h_i[t] * a[d] * s(k, d) * alpha(k) * S(k), (k, 1, N)),
            h_i[t] * a[d] * Sum(s(k, d) * alpha(k) * S(k), (k, 1, N)),
            reading=SUM_READING + "; " + TWO_INDICES,
        ),
        claim(
            "BTheta_R,i/one-index",
            "III-A",
            Q_BR_T1,
            Derivative(L1, Theta_R[p, p + 1]),
            Sum(h_i[p] * a[p] * s(k, p) * alpha(k) * S(k), (k, 1, N)),
            reading=SUM_READING + "; " + ONE_INDEX,
            sizes={H: (1, 2)},
        ),
        # The definitions of A₇ and S_k, as factors of ∂L/∂α and ∂L/∂e.
        claim(
            "A7",
            "III-A",
            Q_A_DEF,
            Derivative(L, alpha(ell)),
            A7(ell),
            expect=REFUTED,
            note="A₇ sums the entries of Θ_L h̃_j unweighted; ∂L/∂α_ij weights them by ∂L/∂h'.",
        ),
        claim(
            "A7/corrected",
            "III-A",
            Q_A_DEF,
            Derivative(L, alpha(ell)),
            Ag(ell),
            reading=LOSS_READING,
        ),
        claim("S", "III-A", Q_S_DEF, Derivative(L, e(ell)), alpha(ell) * S(ell), expect=REFUTED),
        claim(
            "S/corrected",
            "III-A",
            Q_S_DEF,
            Derivative(L, e(ell)),
            alpha(ell) * Sg(ell),
            reading=LOSS_READING,
        ),
        # The reformulation into a sum over the two-element subsets 𝒮_i of 𝒩_i.
        claim(
            "reform.complement",
            "III-A",
            Q_COMPLEMENT,
            alpha(ell),
            1 - Sum(not_k * alpha(j), (j, 1, N)).subs(k, ell),
        ),
        chain(
            "reform",
            "III-A",
            Q_REFORM,
            h_i[t] * a[d] * Sum(s(k, d) * alpha(k) * S(k), (k, 1, N)),
            h_i[t]
            * a[d]
            * Sum(
                s(k, d) * alpha(k) * Sum((KroneckerDelta(k, j) - alpha(j)) * A7(j), (j, 1, N)),
                (k, 1, N),
            ),
            h_i[t]
            * a[d]
            * Sum(
                s(k, d)
                * alpha(k)
                * (Sum(not_k * (-alpha(j)) * A7(j), (j, 1, N)) + (1 - alpha(k)) * A7(k)),
                (k, 1, N),
            ),
            h_i[t]
            * a[d]
            * Sum(
                s(k, d)
                * alpha(k)
                * (
                    Sum(not_k * (-alpha(j)) * A7(j), (j, 1, N))
                    + (1 - (1 - Sum(not_k * alpha(j), (j, 1, N)))) * A7(k)
                ),
                (k, 1, N),
            ),
            h_i[t]
            * a[d]
            * Sum(
                s(k, d)
                * alpha(k)
                * (
                    Sum(not_k * (-alpha(j)) * A7(j), (j, 1, N))
                    + Sum(not_k * alpha(j), (j, 1, N)) * A7(k)
                ),
                (k, 1, N),
            ),
            h_i[t]
            * a[d]
            * Sum(
                s(k, d) * Sum(not_k * alpha(k) * alpha(j) * (A7(k) - A7(j)), (j, 1, N)), (k, 1, N)
            ),
            h_i[t]
            * a[d]
            * Sum(
                Sum(not_k * s(k, d) * alpha(k) * alpha(j) * (A7(k) - A7(j)), (j, 1, N)), (k, 1, N)
            ),
            h_i[t]
            * a[d]
            * Sum(
                Sum(
                    not_k * Rational(1, 2) * (2 * s(k, d) * alpha(k) * alpha(j) * (A7(k) - A7(j))),
                    (j, 1, N),
                ),
                (k, 1, N),
            ),
            h_i[t]
            * a[d]
            * Sum(
                Sum(
                    not_k
                    * Rational(1, 2)
                    * (
                        s(k, d) * alpha(k) * alpha(j) * (A7(k) - A7(j))
                        + s(k, d) * alpha(k) * alpha(j) * (A7(k) - A7(j))
                    ),
                    (j, 1, N),
                ),
                (k, 1, N),
            ),
            h_i[t]
            * a[d]
            * (
                Sum(
                    Sum(
                        not_k * Rational(1, 2) * s(k, d) * alpha(k) * alpha(j) * (A7(k) - A7(j)),
                        (j, 1, N),
                    ),
                    (k, 1, N),
                )
                + Sum(
                    Sum(
                        not_k * Rational(1, 2) * s(k, d) * alpha(k) * alpha(j) * (A7(k) - A7(j)),
                        (j, 1, N),
                    ),
                    (k, 1, N),
                )
            ),
            h_i[t]
            * a[d]
            * (
                Sum(
                    Sum(
                        not_k * Rational(1, 2) * s(k, d) * alpha(k) * alpha(j) * (A7(k) - A7(j)),
                        (j, 1, N),
                    ),
                    (k, 1, N),
                )
                - Sum(
                    Sum(
                        not_k * Rational(1, 2) * s(k, d) * alpha(k) * alpha(j) * (A7(j) - A7(k)),
                        (j, 1, N),
                    ),
                    (k, 1, N),
                )
            ),
            h_i[t]
            * a[d]
            * (
                Sum(
                    Sum(
                        not_k * Rational(1, 2) * s(k, d) * alpha(k) * alpha(j) * (A7(k) - A7(j)),
                        (j, 1, N),
                    ),
                    (k, 1, N),
                )
                - Sum(
                    Sum(
                        not_k * Rational(1, 2) * s(j, d) * alpha(k) * alpha(j) * (A7(k) - A7(j)),
                        (k, 1, N),
                    ),
                    (j, 1, N),
                )
            ),
            h_i[t]
            * a[d]
            * Sum(
                Sum(
                    not_k
                    * Rational(1, 2)
                    * alpha(k)
                    * alpha(j)
                    * (A7(k) - A7(j))
                    * (s(k, d) - s(j, d)),
                    (j, 1, N),
                ),
                (k, 1, N),
            ),
            h_i[t]
            * a[d]
            * Sum(
                Sum(alpha(k) * alpha(j) * (A7(k) - A7(j)) * (s(k, d) - s(j, d)), (j, 1, k - 1)),
                (k, 1, N),
            ),
            reading=TWO_INDICES + "; Σ_{j≠k} is Σ_j (1 - δ_jk), Σ over 𝒮_i is Σ_k Σ_{j<k}",
        ),
        # III-A, B, C: the final formulas.
        claim(
            "final.Theta_Rw",
            "III-A",
            Q_FINAL_RW,
            Derivative(L, dTheta_Rw),
            g[d] * h_i[t] * a[d] * pair_R,
            reading=TWO_INDICES,
            expect=REFUTED,
            note="A₇ is unweighted and the bracket is multiplied by one entry of ∂L/∂h' only.",
        ),
        claim(
            "final.Theta_Rw/one-index",
            "III-A",
            Q_FINAL_RW,
            Derivative(L, Theta_R[p, p + 1]),
            g[p] * h_i[p] * a[p] * pair_p,
            reading=ONE_INDEX,
            expect=REFUTED,
        ),
        claim(
            "final.Theta_Rw/corrected",
            "III-A",
            Q_FINAL_RW,
            Derivative(L, dTheta_Rw),
            h_i[t] * a[d] * pair_Rg,
            reading=TWO_INDICES + "; A₇ weighted by ∂L/∂h', no outer factor",
        ),
        claim(
            "final.Theta_Rw/holds-when-D=1",
            "III-A",
            Q_FINAL_RW,
            Derivative(L, dTheta_Rw),
            g[d] * h_i[t] * a[d] * pair_R,
            expect=PROVED_AT_SIZES,
            sizes={D: (1,), N: (1, 2, 3)},
            note=D_IS_1,
        ),
        claim(
            "final.Theta_Rw/holds-for-sum-of-outputs",
            "III-A",
            Q_FINAL_RW,
            Derivative(L1, dTheta_Rw),
            h_i[t] * a[d] * pair_R,
            reading=SUM_READING,
            note=ONES,
        ),
        claim(
            "final.Theta_Rb",
            "III-A",
            Q_FINAL_RB,
            Derivative(L, dTheta_Rb),
            g[d] * a[d] * pair_R,
            expect=REFUTED,
        ),
        claim(
            "final.Theta_Rb/corrected",
            "III-A",
            Q_FINAL_RB,
            Derivative(L, dTheta_Rb),
            a[d] * pair_Rg,
        ),
        claim(
            "final.Theta_Rb/holds-when-D=1",
            "III-A",
            Q_FINAL_RB,
            Derivative(L, dTheta_Rb),
            g[d] * a[d] * pair_R,
            expect=PROVED_AT_SIZES,
            sizes={D: (1,), N: (1, 2, 3)},
            note=D_IS_1,
        ),
        # ∂/∂Θ_L moves every edge's LeakyReLU argument, through h_j of either sign: where
        # two arguments vanish with opposite slopes, their kinks can cancel into a
        # derivative that the negative slope at 0 does not give (measure zero). The paper's
        # gradients are backpropagation's, so these claims say what autograd computes there.
        claim(
            "final.Theta_Lw",
            "III-B",
            Q_FINAL_LW,
            Derivative(L, dTheta_Lw),
            g[d] * theta_Lw,
            reading=TWO_INDICES,
            expect=REFUTED,
            at_kinks="autograd",
        ),
        claim(
            "final.Theta_Lw/corrected",
            "III-B",
            Q_FINAL_LW,
            Derivative(L, dTheta_Lw),
            Sum(h[k, t] * a[d] * s(k, d) * alpha(k) * Sg(k) + g[d] * alpha(k) * h[k, t], (k, 1, N)),
            reading=TWO_INDICES,
            at_kinks="autograd",
        ),
        claim(
            "final.Theta_Lw/holds-when-D=1",
            "III-B",
            Q_FINAL_LW,
            Derivative(L, dTheta_Lw),
            g[d] * theta_Lw,
            expect=PROVED_AT_SIZES,
            sizes={D: (1,), N: (1, 2, 3)},
            note=D_IS_1,
            at_kinks="autograd",
        ),
        claim(
            "final.Theta_Lb",
            "III-B",
            Q_FINAL_LB,
            Derivative(L, dTheta_Lb),
            g[d] * theta_Lb,
            expect=REFUTED,
            at_kinks="autograd",
        ),
        claim(
            "final.Theta_Lb/corrected",
            "III-B",
            Q_FINAL_LB,
            Derivative(L, dTheta_Lb),
            Sum(a[d] * s(k, d) * alpha(k) * Sg(k) + g[d] * alpha(k), (k, 1, N)),
            at_kinks="autograd",
        ),
        claim(
            "final.Theta_Lb/holds-when-D=1",
            "III-B",
            Q_FINAL_LB,
            Derivative(L, dTheta_Lb),
            g[d] * theta_Lb,
            expect=PROVED_AT_SIZES,
            sizes={D: (1,), N: (1, 2, 3)},
            note=D_IS_1,
            at_kinks="autograd",
        ),
        chain(
            "final.b",
            "III-C",
            Q_B,
            Derivative(L, b[d]),
            Sum(g[v] * Derivative(Sum(a9(j, v), (j, 1, N)) + b[v], b[d]), (v, 1, D)),
            Sum(g[v] * KroneckerDelta(v, d), (v, 1, D)),
            g[d],
        ),
        # I and III: "the gradients for the trainable model parameters" — a is not among them.
        claim(
            "coverage.a",
            "I",
            Q_ALL,
            Derivative(L, a[d]),
            0,
            reading="a needs no gradient of its own (the paper gives none)",
            expect=REFUTED,
            note="a is trainable (III lists it) and L depends on it through the scores.",
        ),
        claim(
            "coverage.a/corrected",
            "I",
            Q_ALL,
            Derivative(L, a[d]),
            Sum(alpha(k) * Sg(k) * a5(k, d), (k, 1, N)),
            note="The engine's own step beyond the paper: ∂L/∂a^(d) = Σ_k α_ik S_k^g a₅,ik^(d).",
        ),
    ),
    notes=(
        "The loss L(h'_i, y) has no intermediate or regularisation terms (III): the engine "
        "takes its upstream gradient g = ∂L/∂h'_i as free symbols, so L near h'_i is "
        "Σ_v g[v] h'(v); every claim about ∂L/∂θ holds for any such loss.",
        "Fig. 2 names the intermediates a_{l,ij}; here a₆ is the score e and a₇ the softmax α, "
        "as Eq. 1-2 write them. Θ_p = [Θ_pb, Θ_pw]: column 1 of Θ_R and Θ_L is the bias.",
        "𝒮_i = [𝒩_i]², the two-element subsets of 𝒩_i, is summed as Σ_k Σ_{j<k}: the pair "
        "summand α_j α_k (A_j - A_k)(s_j - s_k) is symmetric in j and k.",
        "s_n, LeakyReLU's negative slope, is c; at a₄ = 0 the paper's 'else' gives c, as "
        "PyTorch's leaky_relu gradient does (the primitive leaky_relu_slope).",
        "The PyTorch Geometric cross-check (tests/test_gatv2_pyg.py) compares the forward with "
        "GATv2Conv(heads=1, share_weights=False, add_self_loops=False) and the engine's "
        "gradients and corrected formulas with autograd.",
    ),
    gradients=gradients(
        "grad.L",
        L,
        (Theta_R, Theta_L, a, b, h_i, h),
        sizes={N: (2,), D: (2,), H: (1,)},
        note="Every parameter and input, derived by the engine from the forward equations.",
    ),
)
