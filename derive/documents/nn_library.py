"""Proofs for Neural Network Library (Navdeep Kumar, 2020) — seed 002, sections 1 and 3–7.

Matrices and vectors are views of 1-based tensors (derive.notation.tensors); the text's sequences on
all integers are tensors on the window -K..K, zero outside it (derive.notation.sequences), marked ∞.
The loss after a layer is modelled by its gradient: L = ⟨dL/dy, y⟩ with dL/dy arbitrary, which
by the chain rule covers every differentiable loss. Section "7 (finite)" answers the text's
question with finite 'valid' correlation.
"""

from sympy import (
    Derivative,
    IndexedBase,
    MatAdd,
    MatMul,
    Rational,
    Sum,
    Trace,
    Transpose,
    oo,
    symbols,
)

from derive.declare import chain, claim, define, document, gradients
from derive.model import REFUTED, Source
from derive.notation.perturb import FirstOrder, Increment
from derive.notation.sequences import Convolve, Correlate, Seq, SeqOf
from derive.notation.tensors import Entry, HasShape, Inner, matrix, scalar, tabulate, vector

m, n, q, K, k, l_ = symbols("m n q K k l", integer=True, positive=True)
r, c, a, b, f = symbols("r c a b f", integer=True, positive=True)  # 1-based free indices
i, t, j, p = symbols("i t j p", integer=True)  # sequence indices (free, or summed over ℤ)
s, dy, L = symbols("s dy L", real=True)  # §1's scalar; §3's dy := dL/dy; §3's L

# §1: matrices of any compatible shapes (each claim views them at its own shape).
A, B, C = IndexedBase("A", real=True), IndexedBase("B", real=True), IndexedBase("C", real=True)
# §3–5 and "7 (finite)": finite vectors and matrices.
x, Δx, ystar = (
    IndexedBase("x", real=True),
    IndexedBase("Δx", real=True),
    IndexedBase("y*", real=True),
)
y_m = IndexedBase("y_m", real=True)  # §3's "y_m" read as a vector other than x
w, Δw, dLdy = (
    IndexedBase("w", real=True),
    IndexedBase("Δw", real=True),
    IndexedBase("dL/dy", real=True),
)
# §6–7: sequences on all integers, zero outside the window -K..K.
WINDOW = ((-K, K),)
A_, B_, C_ = (
    IndexedBase("A∞", shape=WINDOW, real=True),
    IndexedBase("B∞", shape=WINDOW, real=True),
    IndexedBase("C∞", shape=WINDOW, real=True),
)
x_, w_ = IndexedBase("x∞", shape=WINDOW, real=True), IndexedBase("w∞", shape=WINDOW, real=True)
Δx_, Δw_ = IndexedBase("Δx∞", shape=WINDOW, real=True), IndexedBase("Δw∞", shape=WINDOW, real=True)
dLdy_ = IndexedBase("dL/dy∞", shape=WINDOW, real=True)

# Forward definitions (the kernels of `derive generate` come from these).
mse = define("mse", (), Sum((x[c] - ystar[c]) ** 2, (c, 1, n)) / 2)  # §3: y = L(x, y*)
linear = define("linear", (r,), Sum(w[r, c] * x[c], (c, 1, n)))  # §4: y = wx
add = define("add", (c,), x[c] + w[c])  # §5: y = x + w
L_linear = define("L_linear", (), Sum(dLdy[r] * linear(r), (r, 1, m)))
L_add = define("L_add", (), Sum(dLdy[c] * add(c), (c, 1, n)))
X_, W_, DX_, DW_, DY_ = Seq(x_), Seq(w_), Seq(Δx_), Seq(Δw_), Seq(dLdy_)
corr = define("corr", (i,), Entry(Correlate(X_, W_), i))  # §7: y = x ⊙ w on sequences
L_corr = define("L_corr", (), Inner(DY_, SeqOf("y", i, corr(i))))
corr_valid = define("corr_valid", (a,), Sum(x[a + f - 1] * w[f], (f, 1, k)))  # 'valid' x ⋆ w
L_valid = define("L_valid", (), Sum(dLdy[a] * corr_valid(a), (a, 1, m)))
conv_full = define(  # 'full' convolution dL/dy ∗ w: dL/dy zero-padded by k - 1 on each side
    "conv_full", (b,), Sum(Entry(Seq(dLdy, 1, m), b - f + 1) * w[f], (f, 1, k))
)
corr_valid_dw = define("corr_valid_dw", (f,), Sum(x[a + f - 1] * dLdy[a], (a, 1, m)))

# Views: each section reads its tensors as the matrices, vectors and sequences it names.
A_mn, B_nm, B_mn, B_nq, C_qm, C_mq = (
    matrix(A, m, n),
    matrix(B, n, m),
    matrix(B, m, n),
    matrix(B, n, q),
    matrix(C, q, m),
    matrix(C, m, q),
)
X, DX, Ystar, Ystar_m = vector(x, n), vector(Δx, n), vector(ystar, n), vector(ystar, m)
Y_m = vector(y_m, n)
GRAD = tabulate("dy/dx", c, Derivative(mse(), x[c]), n)  # the engine's own gradient of mse
E = X - Ystar  # x - y*
W, DW, DY = matrix(w, m, n), matrix(Δw, m, n), vector(dLdy, m)
DELTA_Y_X = tabulate("Δy", r, Increment(linear(r), (x, Δx)), m)
DELTA_Y_W = tabulate("Δy", r, Increment(linear(r), (w, Δw)), m)
W_n, DW_n, DY_n = vector(w, n), vector(Δw, n), vector(dLdy, n)
ADD_Y_X = tabulate("Δy", c, Increment(add(c), (x, Δx)), n)
ADD_Y_W = tabulate("Δy", c, Increment(add(c), (w, Δw)), n)
A6, B6, C6 = Seq(A_), Seq(B_), Seq(C_)
SEQ_Y_X = SeqOf("Δy", i, Increment(corr(i), (x_, Δx_)))
SEQ_Y_W = SeqOf("Δy", i, Increment(corr(i), (w_, Δw_)))
X_fin, W_fin, DY_fin = Seq(x, 1, m + k - 1), Seq(w, 1, k), Seq(dLdy, 1, m)

S1, S3, S31 = "1 Math prem", "3 mse", "3.1 Backward pass"
S42, S43, S52, S53 = (
    "4.2 backward pass",
    "4.3 Gradient pass",
    "5.2 Backward pass",
    "5.3 Gradient pass",
)
S61, S62, S72, S73 = "6.1 Definition", "6.2 Properties", "7.2 Backward Pass", "7.3 Gradient Pass"
S7F = "7 Correlation1D, finite input (the text's question)"
QUESTION = "Reader is encouraged to find out in below proof where it would break down"
SIGMA_P = "Σ_p over a summand in i and j is read as Σ_j (read literally, j is unbound)"
EXACT, FIRST = "Δ is the exact increment f(x + Δx) - f(x)", "Δ is the first-order part"
LOSS = "L = ⟨dL/dy, y⟩: dL/dy stands for the gradient of any loss after the layer"

SECTION_1 = (
    claim(
        "1.trace-cyclic",
        S1,
        r"$$\text{trace}(AB) = \text{trace}(BA)$$",
        Trace(A_mn * B_nm),
        Trace(B_nm * A_mn),
    ),
    claim(
        "1.inner-trace",
        S1,
        r"$$\langle A, B \rangle = \text{trace}(A^T B)$$",
        Inner(A_mn, B_mn),
        Trace(Transpose(A_mn) * B_mn),
    ),
    chain(
        "1.trace-cyclic3",
        S1,
        r"$$\text{trace}(ABC) = \text{trace}(BCA) = \text{trace}(CAB)$$",
        Trace(A_mn * B_nq * C_qm),
        Trace(B_nq * C_qm * A_mn),
        Trace(C_qm * A_mn * B_nq),
    ),
    claim(
        "1.inner-product",
        S1,
        r"$$\langle AB, C \rangle = \text{trace}((AB)^T C)$$",
        Inner(A_mn * B_nq, C_mq),
        Trace(MatMul(Transpose(A_mn * B_nq), C_mq)),
    ),
    claim("1.trace-scalar", S1, r"$\text{trace}(s) = s$, if s is scalar.", Trace(scalar(s)), s),
    claim(
        "1.first-order[1]",
        S1,
        r"\Delta y = \langle \frac{dy}{dx}, \Delta x \rangle",
        Increment(mse(), (x, Δx)),
        Inner(GRAD, DX),
        reading=EXACT,
        expect=REFUTED,
        note="Witness y = mse (section 3); exact only for y linear in x. See /corrected.",
    ),
    claim(
        "1.first-order[1]/corrected",
        S1,
        r"\Delta y = \langle \frac{dy}{dx}, \Delta x \rangle",
        FirstOrder(mse(), (x, Δx)),
        Inner(GRAD, DX),
        reading=FIRST,
        note="dΔ[x → x + Δx](f) = d/dt f(x + tΔx) at t = 0; witness y = mse.",
    ),
    claim(
        "1.first-order[2]", S1, r"= \frac{dy^T}{dx} \Delta x", Inner(GRAD, DX), Transpose(GRAD) * DX
    ),
    claim(
        "1.first-order[3]",
        S1,
        r"= \text{trace}(\frac{dy^T}{dx} \Delta x)",
        Transpose(GRAD) * DX,
        Trace(Transpose(GRAD) * DX),
    ),
)

HALF = Rational(1, 2)
HALF_SQUARE = MatMul(HALF, Transpose(E), E)  # 1/2 (x - y*)ᵀ(x - y*)
MOVED_SQUARE = MatMul(HALF, Transpose(X + DX - Ystar), X + DX - Ystar)
DXT_E = MatMul(Transpose(DX), E)  # Δxᵀ(x - y*)
EXPANDED = MatMul(HALF, MatAdd(DXT_E, MatMul(Transpose(E), DX), MatMul(Transpose(DX), DX)))
SECTION_3 = (
    claim(
        "3.shape-label",
        S3,
        r"Let $x \in \mathbf{R}^n$ be input, $y^* \in \mathbf{R}^m$ be the label",
        HasShape(X - Ystar_m, n, 1),
        1,
        expect=REFUTED,
        note="x - y* needs y* ∈ R^n; the text declares R^m.",
    ),
    claim(
        "3.shape-label/corrected",
        S3,
        r"Let $x \in \mathbf{R}^n$ be input, $y^* \in \mathbf{R}^m$ be the label",
        HasShape(E, n, 1),
        1,
        note="With y* ∈ R^n, as the forward pass needs.",
    ),
    claim(
        "3.shape-output",
        S3,
        r"$y \in \mathbf{R}^m$ be the output of mse layer",
        HasShape(HALF_SQUARE, m, 1),
        1,
        expect=REFUTED,
        note="y = 1/2 ‖x - y*‖² is a scalar (1 × 1), not in R^m.",
    ),
    claim(
        "3.shape-output/corrected",
        S3,
        r"$y \in \mathbf{R}^m$ be the output of mse layer",
        HasShape(HALF_SQUARE, 1, 1),
        1,
        note="y ∈ R.",
    ),
    claim(
        "3.forward",
        "3.0.1 Forward pass",
        r"$$y = L(x, y^*) = 1/2 \|x - y^*\|^2$$",
        mse(),
        HALF * Inner(E, E),
    ),
    claim(
        "3.dy",
        S31,
        r"$$dy := \frac{dL}{dy} = \frac{dL}{dL} = 1$$",
        Derivative(L, L),
        1,
        note="The mse output is the loss itself, so dL/dy = dL/dL.",
    ),
    claim(
        "3.restated",
        S31,
        r"$$y = 1/2(x - y^*)^T(y_m - y^*)$$",
        mse(),
        HALF_SQUARE,
        reading="y_m is section 2's network output, which is this layer's input x",
    ),
    claim(
        "3.restated/other",
        S31,
        r"$$y = 1/2(x - y^*)^T(y_m - y^*)$$",
        mse(),
        MatMul(HALF, Transpose(E), Y_m - Ystar),
        expect=REFUTED,
        reading="y_m is a vector other than x",
        note="Corrected: 3.restated (y_m = x).",
    ),
    chain(
        "3.delta",
        S31,
        (
            r"\Delta y &= 1/2(x + \Delta x - y^*)^T(x + \Delta x - y^*) - 1/2(x - y^*)^T(x - y^*)",
            r"&= 1/2((\Delta x)^T(x - y^*) + (x - y^*)^T \Delta x + (\Delta x)^T \Delta x)",
        ),
        Increment(mse(), (x, Δx)),
        MatAdd(MOVED_SQUARE, MatMul(-1, HALF_SQUARE)),
        EXPANDED,
    ),
    claim(
        "3.delta[3]",
        S31,
        r"&= \Delta x^T(x - y^*)",
        EXPANDED,
        DXT_E,
        expect=REFUTED,
        note="Drops the second-order term 1/2 ΔxᵀΔx: exact in /corrected, first order in "
        "3.we-got/corrected.",
    ),
    claim("3.delta[4]", S31, r"&= \langle (x - y^*), \Delta x \rangle", DXT_E, Inner(E, DX)),
    claim(
        "3.delta[3]/corrected",
        S31,
        r"&= \Delta x^T(x - y^*)",
        EXPANDED,
        MatAdd(DXT_E, MatMul(HALF, Transpose(DX), DX)),
        note="The text drops the second-order term 1/2 Δxᵀ Δx.",
    ),
    claim(
        "3.we-got",
        S31,
        r"\Delta y &= \langle (x - y^*), \Delta x \rangle \\ \Rightarrow",
        Increment(mse(), (x, Δx)),
        Inner(E, DX),
        reading=EXACT,
        expect=REFUTED,
        note="Off by 1/2 ΔxᵀΔx (3.delta[3]); holds to first order: see /corrected.",
    ),
    claim(
        "3.we-got/corrected",
        S31,
        r"\Delta y &= \langle (x - y^*), \Delta x \rangle \\ \Rightarrow",
        FirstOrder(mse(), (x, Δx)),
        Inner(E, DX),
        reading=FIRST,
    ),
    claim(
        "3.gradient",
        S31,
        r"\Rightarrow \frac{dy}{dx} &= (x - y^*)",
        Derivative(mse(), x[c]),
        Entry(E, c),
    ),
    claim(
        "3.chain-rule",
        S31,
        r"$$\frac{dL}{dx} = \frac{dL}{dy} \frac{dy}{dx}$$",
        Derivative(dy * mse(), x[c]),
        dy * Derivative(mse(), x[c]),
        note="L = dy · y with dy = dL/dy, the section-3 case of the loss model.",
    ),
    claim(
        "3.dx[1]",
        S31,
        r"\frac{dL}{dx} &= (dy)(x - y^*)",
        Derivative(dy * mse(), x[c]),
        dy * Entry(E, c),
    ),
    claim(
        "3.dx[2]",
        S31,
        r"(dy)(x - y^*) = (x - y^*)",
        Derivative(L, L) * Entry(E, c),
        Entry(E, c),
        reading="dy = dL/dL = 1: the mse output is the loss",
    ),
    claim(
        "3.dx[2]/any-dy",
        S31,
        r"(dy)(x - y^*) = (x - y^*)",
        dy * Entry(E, c),
        Entry(E, c),
        reading="dy is the gradient arriving from a later layer",
        expect=REFUTED,
        note="Holds only for dy = 1; corrected: 3.dx-general.",
    ),
    claim(
        "3.dx-general",
        S31,
        r"dx &:= \frac{dL}{dx} = dy(x - y^*)",
        Derivative(dy * mse(), x[c]),
        dy * Entry(E, c),
    ),
)

DL_X, DL_W = Increment(L_linear(), (x, Δx)), Increment(L_linear(), (w, Δw))
DYT_W = MatMul(Transpose(DY), W)  # dL/dyᵀ w, kept as one factor
X_DYT = MatMul(X, Transpose(DY))  # x dL/dyᵀ
LINEAR_X = r"Let $x \in \mathbf{R}^n$ be input, $y \in \mathbf{R}^m$ be the output of linear layer."
SECTION_4 = (
    claim(
        "4.shape-dx",
        "4 Linear",
        LINEAR_X,
        HasShape(Transpose(W) * DY, n, 1),
        1,
        note="dL/dx = wᵀ dL/dy has the shape of x.",
    ),
    claim(
        "4.shape-dw",
        "4 Linear",
        r"$w \in \mathbf{R}^{m \times n}$ be the weight matrix",
        HasShape(DY * Transpose(X), m, n),
        1,
        note="dL/dw = dL/dy xᵀ has the shape of w.",
    ),
    claim("4.forward", "4.1 forward pass", "$$y = wx$$", linear(r), Entry(W * X, r)),
    chain(
        "4.backward.delta-y",
        S42,
        (r"\Delta y &= w(x + \Delta x) - wx", r"- wx = w\Delta x"),
        Increment(linear(r), (x, Δx)),
        Entry(W * (X + DX) - W * X, r),
        Entry(W * DX, r),
    ),
    chain(
        "4.backward.delta-L",
        S42,
        (
            r"\Delta L &= \left\langle \frac{dL}{dy}, \Delta y \right\rangle",
            r"&= \left\langle \frac{dL}{dy}, w\Delta x \right\rangle",
            r"&= \frac{dL}{dy}^T w \Delta x",
            r"&= \left(\frac{dL}{dy}^T w \right) \Delta x",
            r"&= \left\langle \left(\frac{dL}{dy}^T w \right)^T, \Delta x \right\rangle",
            r"&= \left\langle w^T \frac{dL}{dy}, \Delta x \right\rangle",
        ),
        DL_X,
        Inner(DY, DELTA_Y_X),
        Inner(DY, W * DX),
        MatMul(Transpose(DY), W, DX),
        MatMul(DYT_W, DX),
        Inner(Transpose(DYT_W), DX),
        Inner(Transpose(W) * DY, DX),
        note=LOSS,
    ),
    claim(
        "4.backward.result",
        S42,
        r"\Delta L &= \left\langle w^T \frac{dL}{dy}, \Delta x \right\rangle \\ \frac{dL}{dx}",
        DL_X,
        Inner(Transpose(W) * DY, DX),
        note=LOSS,
    ),
    claim(
        "4.backward.gradient",
        S42,
        r"\frac{dL}{dx} &= w^T \frac{dL}{dy} \\ dx",
        Derivative(L_linear(), x[c]),
        Entry(Transpose(W) * DY, c),
        note=LOSS,
    ),
    claim(
        "4.backward.dx",
        S42,
        r"dx &:= \frac{dL}{dx} = w^T \frac{dL}{dy}",
        Derivative(L_linear(), x[c]),
        Entry(Transpose(W) * DY, c),
        note=LOSS,
    ),
    chain(
        "4.gradient.delta-y",
        S43,
        (r"\Delta y &= (w + \Delta w)x - wx", r"- wx = \Delta wx"),
        Increment(linear(r), (w, Δw)),
        Entry((W + DW) * X - W * X, r),
        Entry(DW * X, r),
    ),
    chain(
        "4.gradient.delta-L",
        S43,
        (
            r"\Delta L &= \left\langle \frac{dL}{dy}, \Delta y \right\rangle",
            r"&= \left\langle \frac{dL}{dy}, \Delta wx \right\rangle",
            r"&= \frac{dL}{dy}^T \Delta wx",
            r"&= \text{trace}\left(\frac{dL}{dy}^T \Delta wx\right)",
            r"&= \text{trace}\left(x \frac{dL}{dy}^T \Delta w\right)",
        ),
        DL_W,
        Inner(DY, DELTA_Y_W),
        Inner(DY, DW * X),
        MatMul(Transpose(DY), DW, X),
        Trace(MatMul(Transpose(DY), DW, X)),
        Trace(MatMul(X, Transpose(DY), DW)),
        note=LOSS,
    ),
    claim(
        "4.gradient.delta-L[6]",
        S43,
        r"&= \langle x \frac{dL}{dy}^T, \Delta w \rangle",
        Trace(MatMul(X, Transpose(DY), DW)),
        Inner(X_DYT, DW),
        expect=REFUTED,
        note="x dL/dyᵀ is n × m and Δw is m × n: trace(P Δw) = ⟨Pᵀ, Δw⟩ needs the transpose; "
        "with m = n the shapes fit but the values still differ. See /corrected.",
    ),
    claim(
        "4.gradient.delta-L[7]",
        S43,
        r"&= \langle \frac{dL}{dy} x^T, \Delta w \rangle",
        Inner(X_DYT, DW),
        Inner(DY * Transpose(X), DW),
        expect=REFUTED,
        note="Inherits the missing transpose of [6]; the result ⟨dL/dy xᵀ, Δw⟩ is right "
        "(4.gradient.result). See /corrected.",
    ),
    claim(
        "4.gradient.delta-L[6]/corrected",
        S43,
        r"&= \langle x \frac{dL}{dy}^T, \Delta w \rangle",
        Trace(MatMul(X, Transpose(DY), DW)),
        Inner(Transpose(X_DYT), DW),
        note="trace(P Δw) = ⟨Pᵀ, Δw⟩: the transpose is missing (x dL/dyᵀ is n × m, Δw m × n).",
    ),
    claim(
        "4.gradient.delta-L[7]/corrected",
        S43,
        r"&= \langle \frac{dL}{dy} x^T, \Delta w \rangle",
        Inner(Transpose(X_DYT), DW),
        Inner(DY * Transpose(X), DW),
    ),
    claim(
        "4.gradient.result",
        S43,
        r"\Delta L &= \langle \frac{dL}{dy} x^T, \Delta w \rangle \\",
        DL_W,
        Inner(DY * Transpose(X), DW),
        note=LOSS,
    ),
    claim(
        "4.gradient.gradient",
        S43,
        r"\Rightarrow \frac{dL}{dw} &= \frac{dL}{dy} x^T",
        Derivative(L_linear(), w[r, c]),
        Entry(DY * Transpose(X), r, c),
        note=LOSS,
    ),
)

SECTION_5 = (
    claim("5.forward", "5.1 Forward pass", "$$y = x + w$$", add(c), Entry(X + W_n, c)),
    chain(
        "5.backward.delta-y",
        S52,
        (r"\Delta y &= x + \Delta x + w - (x + w)", r"+ w - (x + w) = \Delta x"),
        Increment(add(c), (x, Δx)),
        Entry(MatAdd(X, DX, W_n, MatMul(-1, MatAdd(X, W_n))), c),
        Entry(DX, c),
    ),
    claim(
        "5.backward.delta-L[1]",
        S52,
        r"\Delta L &= \langle \frac{dL}{dy}, \Delta y \rangle",
        Increment(L_add(), (x, Δx)),
        Inner(DY_n, ADD_Y_X),
        note=LOSS,
    ),
    claim(
        "5.backward.delta-L[2]",
        S52,
        r"\Delta L &= \langle \frac{dL}{dy}, \Delta x \rangle",
        Increment(L_add(), (x, Δx)),
        Inner(DY_n, DX),
        note=LOSS,
    ),
    claim(
        "5.backward.gradient",
        S52,
        r"\Rightarrow \frac{dL}{dx} &= \frac{dL}{dy}",
        Derivative(L_add(), x[c]),
        dLdy[c],
        note=LOSS,
    ),
    chain(
        "5.gradient.delta-y",
        S53,
        (r"\Delta y &= x + \Delta w + w - (x + w)", r"+ w - (x + w) = \Delta w"),
        Increment(add(c), (w, Δw)),
        Entry(MatAdd(X, DW_n, W_n, MatMul(-1, MatAdd(X, W_n))), c),
        Entry(DW_n, c),
    ),
    claim(
        "5.gradient.delta-L[1]",
        S53,
        r"\Delta L &= \langle \frac{dL}{dy}, \Delta y \rangle",
        Increment(L_add(), (w, Δw)),
        Inner(DY_n, ADD_Y_W),
        note=LOSS,
    ),
    claim(
        "5.gradient.delta-L[2]",
        S53,
        r"\Delta L &= \langle \frac{dL}{dy}, \Delta w \rangle",
        Increment(L_add(), (w, Δw)),
        Inner(DY_n, DW_n),
        note=LOSS,
    ),
    claim(
        "5.gradient.gradient",
        S53,
        r"\Rightarrow \frac{dL}{dw} &= \frac{dL}{dy}",
        Derivative(L_add(), w[c]),
        dLdy[c],
        note=LOSS,
    ),
)

ZZ = (-oo, oo)  # "All summation index below runs from -∞ to ∞"
SECTION_6 = (
    claim(
        "6.1.correlation",
        S61,
        r"$$y_i := \sum_j x_{i+j} w_j$$",
        Entry(Correlate(X_, W_), i),
        Sum(Entry(X_, i + j) * Entry(W_, j), (j, *ZZ)),
    ),
    claim(
        "6.1.convolution",
        S61,
        r"$$y_i := \sum_j x_{i-j} w_j$$",
        Entry(Convolve(X_, W_), i),
        Sum(Entry(X_, i - j) * Entry(W_, j), (j, *ZZ)),
    ),
    claim(
        "6.2.linear[1]",
        S62,
        r"$$(A + B) \odot C = A \odot C + B \odot C$$",
        Entry(Correlate(A6 + B6, C6), i),
        Entry(Correlate(A6, C6) + Correlate(B6, C6), i),
    ),
    claim(
        "6.2.linear[2]",
        S62,
        r"$$A \odot (B + C) = A \odot B + A \odot C$$",
        Entry(Correlate(A6, B6 + C6), i),
        Entry(Correlate(A6, B6) + Correlate(A6, C6), i),
    ),
    claim(
        "6.2.linear[3]",
        S62,
        r"$$(A + B) \otimes C = A \otimes C + B \otimes C$$",
        Entry(Convolve(A6 + B6, C6), i),
        Entry(Convolve(A6, C6) + Convolve(B6, C6), i),
    ),
    claim(
        "6.2.linear[4]",
        S62,
        r"$$A \otimes (B + C) = A \otimes B + A \otimes C$$",
        Entry(Convolve(A6, B6 + C6), i),
        Entry(Convolve(A6, B6) + Convolve(A6, C6), i),
    ),
    claim(
        "6.2.property[1]",
        S62,
        r"$$1) \quad \langle A, B \odot C \rangle = \langle C, B \odot A \rangle$$",
        Inner(A6, Correlate(B6, C6)),
        Inner(C6, Correlate(B6, A6)),
    ),
    claim(
        "6.2.property[2]",
        S62,
        r"$$2) \quad \langle A, B \otimes C \rangle = \langle A, B \otimes A \rangle$$",
        Inner(A6, Convolve(B6, C6)),
        Inner(A6, Convolve(B6, A6)),
        expect=REFUTED,
        reading="as printed",
        note="A typo; see /swapped and /corrected.",
    ),
    claim(
        "6.2.property[2]/swapped",
        S62,
        r"$$2) \quad \langle A, B \otimes C \rangle = \langle A, B \otimes A \rangle$$",
        Inner(A6, Convolve(B6, C6)),
        Inner(C6, Convolve(B6, A6)),
        expect=REFUTED,
        reading="property 1 with ⊙ replaced by ⊗ ('just interchanging'): A and C swap",
        note="⟨C, B ⊗ A⟩ pairs B_{j-i} where ⟨A, B ⊗ C⟩ pairs B_{i-j}.",
    ),
    claim(
        "6.2.property[2]/corrected",
        S62,
        r"$$2) \quad \langle A, B \otimes C \rangle = \langle A, B \otimes A \rangle$$",
        Inner(A6, Convolve(B6, C6)),
        Inner(C6, Correlate(A6, B6)),
        reading="what swapping A and C gives for convolution: ⟨A, B ⊗ C⟩ = ⟨C, A ⊙ B⟩",
    ),
    claim(
        "6.2.property[3]",
        S62,
        r"$$3) \quad \langle A, B \odot C \rangle = \langle B, A \otimes C \rangle$$",
        Inner(A6, Correlate(B6, C6)),
        Inner(B6, Convolve(A6, C6)),
    ),
    claim(
        "6.2.property[4]",
        S62,
        r"$$4) \quad \langle A, B \otimes C \rangle = \langle B, A \odot C \rangle$$",
        Inner(A6, Convolve(B6, C6)),
        Inner(B6, Correlate(A6, C6)),
    ),
    chain(
        "6.2.proof[1]",
        S62,
        (
            r"1) \quad \langle A, B \odot C \rangle = \sum_i A_i (B \odot C)_i",
            r"= \sum_i A_i (\sum_j B_{i+j} C_j)",
            r"= \sum_i \sum_j A_i B_{i+j} C_j",
            r"= \sum_j \sum_i C_j B_{i+j} A_i",
            r"= \sum_j C_j \sum_i B_{i+j} A_i",
            r"= \sum_j C_j (\sum_i B_{i+j} A_i)",
            r"= \sum_j C_j (B \odot A)_j",
            r"< C, B \odot A >",
        ),
        Inner(A6, Correlate(B6, C6)),
        Sum(Entry(A6, i) * Entry(Correlate(B6, C6), i), (i, *ZZ)),
        Sum(Entry(A6, i) * Sum(Entry(B6, i + j) * Entry(C6, j), (j, *ZZ)), (i, *ZZ)),
        Sum(Entry(A6, i) * Entry(B6, i + j) * Entry(C6, j), (j, *ZZ), (i, *ZZ)),
        Sum(Entry(C6, j) * Entry(B6, i + j) * Entry(A6, i), (i, *ZZ), (j, *ZZ)),
        Sum(Entry(C6, j) * Sum(Entry(B6, i + j) * Entry(A6, i), (i, *ZZ)), (j, *ZZ)),
        Sum(Entry(C6, j) * Sum(Entry(B6, i + j) * Entry(A6, i), (i, *ZZ)), (j, *ZZ)),
        Sum(Entry(C6, j) * Entry(Correlate(B6, A6), j), (j, *ZZ)),
        Inner(C6, Correlate(B6, A6)),
    ),
    claim(
        "6.2.proof[2]",
        S62,
        r"$$< A, B \otimes C > = < A, B \otimes A > \quad",
        Inner(A6, Convolve(B6, C6)),
        Inner(A6, Convolve(B6, A6)),
        expect=REFUTED,
        reading="as printed",
        note="Restates property 2 as printed; see 6.2.property[2]/corrected.",
    ),
    chain(
        "6.2.proof[3]",
        S62,
        (
            r"3). < A, B \odot C > = \sum_i A_i (B \odot C)_i",
            r"= \sum_i A_i (\sum_p B_{i+j} C_j)",
            r"= \sum_i \sum_p A_i B_{i+j} C_j",
            r"= \sum_p \sum_p A_{p-j} B_p C_j",
            r"= \sum_p B_p (\sum_p A_{p-j} C_j)",
            r"= \sum_p B_p (A \otimes C)_p",
            r"< B, A \otimes C >",
        ),
        Inner(A6, Correlate(B6, C6)),
        Sum(Entry(A6, i) * Entry(Correlate(B6, C6), i), (i, *ZZ)),
        Sum(Entry(A6, i) * Sum(Entry(B6, i + j) * Entry(C6, j), (j, *ZZ)), (i, *ZZ)),
        Sum(Entry(A6, i) * Entry(B6, i + j) * Entry(C6, j), (j, *ZZ), (i, *ZZ)),
        Sum(Entry(A6, p - j) * Entry(B6, p) * Entry(C6, j), (j, *ZZ), (p, *ZZ)),
        Sum(Entry(B6, p) * Sum(Entry(A6, p - j) * Entry(C6, j), (j, *ZZ)), (p, *ZZ)),
        Sum(Entry(B6, p) * Entry(Convolve(A6, C6), p), (p, *ZZ)),
        Inner(B6, Convolve(A6, C6)),
        reading=SIGMA_P,
    ),
    claim(
        "6.2.proof[4]",
        S62,
        r"4) \text{ Similary, } < A, B \otimes C > = < B, A \odot C >",
        Inner(A6, Convolve(B6, C6)),
        Inner(B6, Correlate(A6, C6)),
    ),
)

DL7_X, DL7_W = Increment(L_corr(), (x_, Δx_)), Increment(L_corr(), (w_, Δw_))
SECTION_7 = (
    claim(
        "7.shape-filter",
        "7 Correlation1D",
        r"$w \in \mathbf{R}^{k \times l}$ is filter",
        HasShape(vector(w, k), k, l_),
        1,
        expect=REFUTED,
        note="y_i = Σ_j x_{i+j} w_j indexes w once: the filter is a vector, l = 1.",
    ),
    claim(
        "7.shape-filter/corrected",
        "7 Correlation1D",
        r"$w \in \mathbf{R}^{k \times l}$ is filter",
        HasShape(vector(w, k), k, 1),
        1,
        note="w ∈ R^k.",
    ),
    chain(
        "7.backward.delta-y",
        S72,
        (r"$$\Delta y = (x + \Delta x) \odot w - x \odot w$$", r"$$= \Delta x \odot w$$"),
        Increment(corr(i), (x_, Δx_)),
        Entry(Correlate(X_ + DX_, W_) - Correlate(X_, W_), i),
        Entry(Correlate(DX_, W_), i),
    ),
    chain(
        "7.backward.delta-L",
        S72,
        (
            r"$$\Delta L = \langle \frac{dL}{dy}, \Delta y \rangle$$",
            r"$$= \langle \frac{dL}{dy}, \Delta x \odot w \rangle$$",
            r"$$= \langle \Delta x, \frac{dL}{dy} \otimes w \rangle$$",
        ),
        DL7_X,
        Inner(DY_, SEQ_Y_X),
        Inner(DY_, Correlate(DX_, W_)),
        Inner(DX_, Convolve(DY_, W_)),
        note=LOSS,
    ),
    claim(
        "7.backward.delta-L[4]",
        S72,
        r"$$= \langle \frac{dL}{dy} \odot w, \Delta x \rangle$$",
        Inner(DX_, Convolve(DY_, W_)),
        Inner(Correlate(DY_, W_), DX_),
        expect=REFUTED,
        note="⊙ written for ⊗ (the next line has ⊗ again); see /corrected.",
    ),
    claim(
        "7.backward.delta-L[4]/corrected",
        S72,
        r"$$= \langle \frac{dL}{dy} \odot w, \Delta x \rangle$$",
        Inner(DX_, Convolve(DY_, W_)),
        Inner(Convolve(DY_, W_), DX_),
        note="With ⊗, as the text's next line has it.",
    ),
    claim(
        "7.backward.result",
        S72,
        r"$$\Delta L = \langle \frac{dL}{dy} \otimes w, \Delta x \rangle$$",
        DL7_X,
        Inner(Convolve(DY_, W_), DX_),
        note=LOSS,
    ),
    claim(
        "7.backward.gradient",
        S72,
        r"$$\Rightarrow \frac{dL}{dx} = \frac{dL}{dy} \otimes w$$",
        Derivative(L_corr(), x_[t]),
        Entry(Convolve(DY_, W_), t),
        note=LOSS,
    ),
    chain(
        "7.gradient.delta-y",
        S73,
        (r"$$\Delta y = x \odot (w + \Delta w) - x \odot w$$", r"$$= x \odot \Delta w$$"),
        Increment(corr(i), (w_, Δw_)),
        Entry(Correlate(X_, W_ + DW_) - Correlate(X_, W_), i),
        Entry(Correlate(X_, DW_), i),
    ),
    chain(
        "7.gradient.delta-L",
        S73,
        (
            r"$$\Delta L = \langle \frac{dL}{dy}, \Delta y \rangle \quad - \text{ def of } \Delta$$",
            r"$$= \langle \frac{dL}{dy}, x \odot \Delta w \rangle",
            r"$$= \langle \Delta w, x \odot \frac{dL}{dy} \rangle",
            r"$$= \langle x \odot \frac{dL}{dy}, \Delta w \rangle$$",
        ),
        DL7_W,
        Inner(DY_, SEQ_Y_W),
        Inner(DY_, Correlate(X_, DW_)),
        Inner(DW_, Correlate(X_, DY_)),
        Inner(Correlate(X_, DY_), DW_),
        note=LOSS,
    ),
    claim(
        "7.gradient.result",
        S73,
        r"$$\Delta L = \langle x \odot \frac{dL}{dy}, \Delta w \rangle$$",
        DL7_W,
        Inner(Correlate(X_, DY_), DW_),
        note=LOSS,
    ),
    claim(
        "7.gradient.gradient",
        S73,
        r"$$\Rightarrow \frac{dL}{dw} = x \odot \frac{dL}{dy}$$",
        Derivative(L_corr(), w_[t]),
        Entry(Correlate(X_, DY_), t),
        note=LOSS,
    ),
)

VALID_CONV = Sum(dLdy[b + k - f] * w[f], (f, 1, k))  # 'valid' dL/dy ∗ w, length m - k + 1
SECTION_7F = (
    claim(
        "7f.forward",
        S7F,
        QUESTION,
        corr_valid(a),
        Entry(Correlate(X_fin, W_fin), a - 1),
        note="'valid' correlation (numpy.correlate(x, w, 'valid')) is the text's x ⊙ w of "
        "zero-padded x ∈ R^(m+k-1) and w ∈ R^k at i = a - 1, for a = 1..m.",
    ),
    claim(
        "7f.backward.dx",
        S7F,
        QUESTION,
        Derivative(L_valid(), x[b]),
        conv_full(b),
        note="dL/dx is the 'full' convolution of dL/dy with w (dL/dy padded by k - 1 zeros on "
        "each side; numpy.convolve(dL/dy, w, 'full')), of length m + k - 1 = n.",
    ),
    claim(
        "7f.backward.dw",
        S7F,
        QUESTION,
        Derivative(L_valid(), w[f]),
        corr_valid_dw(f),
        note="dL/dw is the 'valid' correlation of x with dL/dy "
        "(numpy.correlate(x, dL/dy, 'valid')), of length n - m + 1 = k.",
    ),
    claim(
        "7f.text-dx",
        S7F,
        QUESTION,
        conv_full(b),
        Entry(Convolve(DY_fin, W_fin), b + 1),
        note="The text's dL/dy ⊗ w holds for finite input once dL/dy is zero-padded.",
    ),
    claim(
        "7f.text-dw",
        S7F,
        QUESTION,
        corr_valid_dw(f),
        Entry(Correlate(X_fin, DY_fin), f - 1),
        note="The text's x ⊙ dL/dy, restricted to the k filter positions, is 'valid'.",
    ),
    claim(
        "7f.break/valid",
        S7F,
        "breaks down with finite dimensional input",
        Increment(L_valid(), (x, Δx)),
        Sum(Δx[b] * VALID_CONV, (b, 1, m - k + 1)),
        sizes={m: (2,), k: (1, 2)},
        expect=REFUTED,
        reading="the change of variable p = i + j keeps the finite output range ('valid' mode)",
        note="Where the proof breaks: ⟨Δx, dL/dy ⊗ w⟩ needs dL/dy ⊗ w at all n inputs.",
    ),
    claim(
        "7f.break/corrected",
        S7F,
        "breaks down with finite dimensional input",
        Increment(L_valid(), (x, Δx)),
        Sum(Δx[b] * conv_full(b), (b, 1, m + k - 1)),
        reading="p runs over all m + k - 1 inputs, dL/dy zero-padded ('full' mode)",
    ),
)

DOCUMENT = document(
    "nn_library",
    "Proofs for Neural Network Library",
    Source("Proofs for Neural Network Library", "002_a6d29114e988ce87.txt"),
    inputs=(A, B, C, x, Δx, ystar, y_m, w, Δw, dLdy, A_, B_, C_, x_, w_, Δx_, Δw_, dLdy_, s, dy, L),
    definitions=(
        mse,
        linear,
        add,
        L_linear,
        L_add,
        corr,
        L_corr,
        corr_valid,
        L_valid,
        conv_full,
        corr_valid_dw,
    ),
    sizes={m: (1, 2), n: (1, 2), q: (1, 2), K: (1, 2), k: (1, 2), l_: (1, 2)},
    indices={
        r: (1, m),
        c: (1, n),
        i: (-K, K),
        t: (-K, K),
        a: (1, m),
        b: (1, m + k - 1),
        f: (1, k),
    },
    claims=(SECTION_1, SECTION_3, SECTION_4, SECTION_5, SECTION_6, SECTION_7, SECTION_7F),
    gradients=(
        gradients("grad.mse", mse(), (x, ystar), sizes={n: (2,)}),
        gradients("grad.linear", L_linear(), (x, w), sizes={m: (2,), n: (2,)}),
        gradients("grad.valid", L_valid(), (x, w), sizes={m: (2,), k: (2,)}),
    ),
    notes=(
        "Matrices, vectors and 1 × 1 products are views of 1-based tensors; a 1 × 1 matrix is "
        "read as its entry (the text's trace(s) = s). Each matrix claim is proved for all "
        "sizes by index calculus and spot-checked entrywise at concrete sizes.",
        "Sections 6–7 read sequences in R^∞ as sequences on all integers that vanish outside "
        "-K..K (tensors marked ∞): sums over all integers are exact there, and every finitely "
        "supported sequence lies in some window. 'All sizes K' covers them all; entries are "
        "claimed at i, t in -K..K, which for all K is every integer.",
        f"Losses after a layer: {LOSS}. By the chain rule dL/dx depends on L only through "
        "dL/dy, so this covers every differentiable L; ΔL is then exact.",
        "Section 2 (y_i = N_i(y_{i-1}), l = L(y_m, y*)) only names the network: no claim. "
        "Section 3.2 ('no weights in mse layer') states no formula.",
        "The lines 'y = wx', 'y = x + w', 'y = x ⊙ w' that open each pass repeat the forward "
        "pass (4.forward, 5.forward; 7's forward pass is the definition corr).",
        "Section 5 calls the add layer's output 'the output of linear layer' and the vector w "
        "'the weight matrix': naming slips, not claims.",
        "6.2 'It is very easy to verify from the definition above': 6.2.linear[1..4] do.",
        "6.2 proof of 3: 'Change of variable, putting p = i + j' is step [4]; the text sums "
        "over p where the summand needs j (encoded with Σ_j; read literally j is unbound).",
        "The text's question (where the infinite proof breaks for finite input): the change of "
        "variable p = i + j. With i over the m outputs and j over the k filter taps, p runs "
        "over all m + k - 1 inputs, so dL/dy ⊗ w must be evaluated with dL/dy zero-padded: "
        "dL/dx is a 'full' convolution, dL/dw a 'valid' correlation (7f.*).",
    ),
)
