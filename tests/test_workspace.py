"""The Numba GATv2 module's workspace: large arrays whose memory is handed out again only once
nothing refers to it (common.j2 workspace())."""

import concurrent.futures

import numpy
import pytest
from derive_kernels import gatv2_numba

from derive.kernels.harnesses.attention import SLOPE, graph_inputs

Workspace = gatv2_numba._Workspace
MIB = 2**20
ONE = (MIB // 4,)  # float32 entries of one MiB, the smallest size the workspace serves


def _shares(a, b):
    return numpy.shares_memory(a, b)


def test_an_array_in_use_is_never_handed_out_again():
    workspace = Workspace(64 * MIB)
    first = workspace.empty(ONE, numpy.float32)
    second = workspace.empty(ONE, numpy.float32)
    assert not _shares(first, second)


def test_a_view_keeps_its_block_after_the_array_is_gone():
    workspace = Workspace(64 * MIB)
    array = workspace.empty(ONE, numpy.float32)
    array[:] = 1.0
    view = array[:10].reshape(2, 5).T
    del array
    other = workspace.zeros(ONE, numpy.float32)
    other[:] = 2.0
    assert not _shares(view, other)
    assert (view == 1.0).all()


def test_memory_nothing_refers_to_is_handed_out_again():
    workspace = Workspace(64 * MIB)
    array = workspace.empty((4, MIB // 16), numpy.float32)  # one MiB, in another shape
    assert not array.flags.owndata  # a view of a workspace block
    address = array.ctypes.data
    del array
    again = workspace.empty(ONE, numpy.float64)[:10]  # another shape and dtype, as large
    assert again.ctypes.data != address  # one MiB of float64 is twice as large: a new block
    reused = workspace.empty(ONE, numpy.float32)
    assert reused.ctypes.data == address


def test_zeros_are_zero_in_a_block_used_before():
    workspace = Workspace(64 * MIB)
    array = workspace.empty(ONE, numpy.float32)
    array.fill(7.0)
    address = array.ctypes.data
    del array
    zeros = workspace.zeros(ONE, numpy.float32)
    assert zeros.ctypes.data == address
    assert not zeros.any()


def test_a_block_much_larger_than_asked_for_is_not_used():
    workspace = Workspace(64 * MIB)
    large = workspace.empty((4 * ONE[0],), numpy.float32)
    address = large.ctypes.data
    del large
    assert workspace.empty(ONE, numpy.float32).ctypes.data != address


def _unused_bytes(workspace):
    return sum(workspace.blocks[k].size for k in workspace._unused())


def test_at_most_keep_bytes_of_unused_blocks_stay():
    workspace = Workspace(3 * MIB)
    arrays = [workspace.empty(ONE, numpy.float32) for _ in range(6)]
    assert _unused_bytes(workspace) == 0
    del arrays
    held = workspace.empty(ONE, numpy.float32)
    assert _unused_bytes(workspace) <= 3 * MIB
    assert len(workspace.blocks) == 4
    assert any(block is held.base for block in workspace.blocks)


def test_at_most_watched_blocks_are_tracked_and_the_rest_stay_with_their_arrays():
    workspace = Workspace(64 * MIB)
    arrays = [workspace.empty(ONE, numpy.float32) for _ in range(Workspace.WATCHED + 3)]
    assert len(workspace.blocks) == Workspace.WATCHED
    for k, array in enumerate(arrays):
        array.fill(k)
    assert all((array == k).all() for k, array in enumerate(arrays))


def test_small_arrays_and_a_keep_of_zero_are_plain_numpy_arrays():
    assert Workspace(64 * MIB).empty((10,), numpy.float32).flags.owndata
    assert Workspace(0).empty(ONE, numpy.float32).flags.owndata
    assert not Workspace(0).zeros(ONE, numpy.float32).any()


@pytest.mark.parametrize(
    "value, expected", [(None, 512 * MIB), ("0", 0), ("1.5", int(1.5 * MIB)), ("-3", 0)]
)
def test_the_kept_bytes_come_from_the_environment(monkeypatch, value, expected):
    if value is None:
        monkeypatch.delenv("DERIVE_KERNELS_WORKSPACE_MB", raising=False)
    else:
        monkeypatch.setenv("DERIVE_KERNELS_WORKSPACE_MB", value)
    assert gatv2_numba._workspace_bytes() == expected


def test_a_bad_environment_value_raises_a_clear_error(monkeypatch):
    monkeypatch.setenv("DERIVE_KERNELS_WORKSPACE_MB", "lots")
    with pytest.raises(ValueError, match="DERIVE_KERNELS_WORKSPACE_MB: expected a number"):
        gatv2_numba._workspace_bytes()


def test_a_tensor_over_an_array_keeps_its_block():
    torch = pytest.importorskip("torch")
    workspace = Workspace(64 * MIB)
    tensor = torch.from_numpy(workspace.empty(ONE, numpy.float32))
    tensor.fill_(3.0)
    other = workspace.zeros(ONE, numpy.float32)
    assert other.ctypes.data != tensor.data_ptr()
    assert bool((tensor == 3.0).all())


def test_threads_never_get_the_same_block():
    workspace = Workspace(64 * MIB)

    def take(k):
        arrays = [workspace.empty(ONE, numpy.float32) for _ in range(4)]
        for array in arrays:
            array.fill(k)
        return arrays

    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        results = list(pool.map(take, range(8)))
    assert all((array == k).all() for k, arrays in enumerate(results) for array in arrays)


def _large_inputs(seed):
    # 4096 nodes of 64 float32 columns: xl, xr, out and the gradients are a MiB each, so
    # they come from the workspace.
    return graph_inputs(numpy.random.default_rng(seed), 4096, 8, 64, 20000, numpy.float32)


def test_results_and_saved_work_of_one_call_survive_the_next_calls():
    first, second = _large_inputs(1), _large_inputs(2)
    out, saved = gatv2_numba.gatv2_forward(*first, SLOPE, True, save=True)
    kept = out.copy()
    dout = numpy.ones_like(out)
    grads = gatv2_numba.gatv2_backward(dout, *first, SLOPE, True)
    kept_grads = [g.copy() for g in grads]
    for _ in range(2):  # the second call's arrays, freed, are reused by the third
        other, _ = gatv2_numba.gatv2_forward(*second, SLOPE, True, save=True)
        gatv2_numba.gatv2_backward(numpy.ones_like(other), *second, SLOPE, True)
    assert numpy.array_equal(out, kept)
    assert all(numpy.array_equal(g, k) for g, k in zip(grads, kept_grads, strict=True))
    # The saved work of the first call, used after the others: as computed from scratch.
    again = gatv2_numba.gatv2_backward(dout, *first, SLOPE, True, saved=saved)
    for ours, fresh in zip(again, kept_grads, strict=True):
        numpy.testing.assert_allclose(ours, fresh, rtol=1e-6, atol=1e-7)
