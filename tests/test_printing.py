"""The printer: readable arithmetic, and Piecewise branches evaluated only where selected."""

import sympy
from sympy import Piecewise, exp, log, symbols

from derive.kernels.printing import DerivePrinter, print_block

x, y = symbols("x y", real=True)


def test_reciprocal_prints_as_a_division():
    assert DerivePrinter().doprint(1 / (1 + exp(-x))) == "1/(1 + numpy.exp(-x))"


def test_scalar_piecewise_is_a_conditional_expression():
    text = DerivePrinter(scalar=True).doprint(Piecewise((x, x > 20), (log(1 + exp(x)), True)))
    f32 = "numpy.float32"
    assert text == f"(x if x > {f32}(20) else numpy.log(numpy.exp(x) + {f32}(1)))"


def test_array_piecewise_evaluates_branches_under_masks():
    text = DerivePrinter().doprint(Piecewise((x, x > 20), (log(1 + exp(x)), True)))
    assert text.startswith("_masked((x > 20,), (lambda x: x, lambda x: ")


def test_cse_never_hoists_a_branch_out_of_its_piecewise():
    # exp(-x) overflows for very negative x: it may only be computed inside its branch.
    branchy = Piecewise((exp(-x), x >= 0), (exp(x), True))
    block = print_block([("a", branchy * y), ("b", branchy + exp(-x) * y)], scalar=True)
    assert block.lines[0] == "p0 = numpy.exp(-x) if x >= numpy.float32(0) else numpy.exp(x)"
    assert [line for line in block.lines if "exp(-x)" in line and not line.startswith("p0")] == [
        "b = p0 + y*numpy.exp(-x)"
    ]


def test_temporaries_are_numbered_in_order_of_first_use():
    block = print_block([("a", exp(x) * exp(y) + exp(x)), ("b", exp(x) * exp(y))], scalar=True)
    names = [line.split(" = ")[0] for line in block.lines]
    temporaries = [n for n in names if n.startswith("t")]
    assert temporaries == [f"t{k}" for k in range(len(temporaries))]


def test_the_printer_records_its_imports():
    assert print_block([("a", sympy.exp(x))], scalar=False).imports == ("numpy",)


def test_scalar_constants_stay_in_the_data_type():
    # Numba would unify an int 1 with a float32 branch to float64, and compute 1/x or x + 1 in
    # float64 for a float32 x; 1/3 is not exact in float32, so float64 code keeps it exact.
    slope = Piecewise((1, x > 0), (y, True))
    f32 = "numpy.float32"
    assert DerivePrinter(scalar=True).doprint(slope) == f"({f32}(1) if x > {f32}(0) else y)"
    assert DerivePrinter(scalar=True).doprint(1 / (x + 1)) == f"{f32}(1)/(x + {f32}(1))"
    assert DerivePrinter(scalar=False).doprint(1 / (x + 1)) == "1/(x + 1)"
    third = DerivePrinter(scalar=True).doprint(Piecewise((sympy.Rational(1, 3), x > 0), (y, True)))
    assert third.startswith("(1/3 if")
