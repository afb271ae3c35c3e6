"""ConfusionMatrix.all_reduce across the processes of torch.distributed (DDP).

Two CPU processes (torch.multiprocessing spawn, the gloo backend, a free
port on the loopback interface) each count their share of one dataset, call
``all_reduce``, and must then both report the dataset scores of a single
ConfusionMatrix fed all the data. The network guard of the tests stays on:
gloo talks over loopback only. The test takes a few seconds (two fresh
Python processes import torch).
"""

from __future__ import annotations

import os
import pickle
import socket
import sys
from datetime import timedelta

import numpy as np
import pytest
import torch
import torch.distributed as dist
import torch.multiprocessing as mp

from segcourse.metrics import ConfusionMatrix

pytestmark = pytest.mark.skipif(not dist.is_available() or not dist.is_gloo_available(),
                                reason="torch.distributed with gloo is not available")

WORLD_SIZE = 2


def _dataset():
    """Five images of 4 classes with void (255); the second process's share lacks class 3."""
    rng = np.random.default_rng(0)
    target = rng.integers(0, 4, size=(5, 12, 10))
    pred = np.where(rng.random(target.shape) < 0.6, target, rng.integers(0, 4, target.shape))
    target[3:] %= 3
    pred[3:] %= 3
    target[:, 0] = 255  # an unlabelled border
    target[4] = 255  # an image with every pixel ignored
    return pred, target


SHARES = {0: slice(0, 3), 1: slice(3, 5)}  # uneven on purpose


def _scores(accumulator):
    return {
        "matrix": accumulator.matrix,
        "per_image": accumulator.per_image,
        "num_images": accumulator.num_images,
        "num_classes": accumulator.num_classes,
        "iou": accumulator.iou(average="none"),
        "miou": accumulator.iou(),
        "accuracy": accumulator.accuracy(),
        "dice_mean_per_image": accumulator.dice(reduce="mean_per_image"),
    }


def _error(function):
    try:
        function()
    except ValueError as error:
        return str(error)
    return None


def _worker(rank, port, out_dir):
    # gloo picks its network interface from the host name; loopback is all a test needs
    if sys.platform.startswith("linux"):
        os.environ.setdefault("GLOO_SOCKET_IFNAME", "lo")
    dist.init_process_group("gloo", init_method=f"tcp://127.0.0.1:{port}", rank=rank,
                            world_size=WORLD_SIZE, timeout=timedelta(seconds=60))
    try:
        pred, target = _dataset()
        share = SHARES[rank]
        scores = ConfusionMatrix(ignore_index=255)
        scores.update(pred[share], target[share])
        local_classes = scores.num_classes
        result = {"local_classes": local_classes, "reduced": _scores(scores.all_reduce()),
                  # the network guard of `make test` is active in this process too
                  "guarded": socket.socket.connect.__name__ == "_guarded_connect"}
        # the counts now hold every process's pixels: adding more would count twice
        result["update_after"] = _error(lambda: scores.update(pred[:1], target[:1]))
        result["reduce_twice"] = _error(scores.all_reduce)

        # one process has seen nothing: it still ends with the dataset's counts
        masks = ConfusionMatrix()
        if rank == 0:
            masks.update(pred > 1, target == 3)
        result["masks"] = _scores(masks.all_reduce())

        # settings that cannot add up raise on every process alike (no process waits
        # forever in a collective the others left)
        mismatch = ConfusionMatrix(ignore_index=rank).update(pred[:1], target[:1] % 3)
        result["ignore_mismatch"] = _error(mismatch.all_reduce)
        keep = ConfusionMatrix(keep_per_image=rank == 0).update(pred[:1], pred[:1])
        result["keep_mismatch"] = _error(keep.all_reduce)
        kinds = ConfusionMatrix()
        if rank == 0:
            kinds.update(pred[:1] > 1, target[:1] == 3)  # boolean masks
        else:
            kinds.update(pred[:1] % 3, target[:1] % 3)  # label maps
        result["kind_mismatch"] = _error(kinds.all_reduce)
        if rank == 0:
            classes = ConfusionMatrix(num_classes=3).update(pred[:1] % 3, target[:1] % 3)
        else:
            classes = ConfusionMatrix().update(pred[:1], target[:1] % 4)  # sees 4 classes
        result["classes_mismatch"] = _error(classes.all_reduce)
        dist.barrier()
    finally:
        dist.destroy_process_group()
    with open(os.path.join(out_dir, f"rank{rank}.pkl"), "wb") as file:
        pickle.dump(result, file)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _assert_same_scores(ours, expected):
    assert ours.keys() == expected.keys()
    for key, value in expected.items():
        np.testing.assert_array_equal(ours[key], value, err_msg=key)


def test_all_reduce_over_two_gloo_processes_gives_the_dataset_scores(tmp_path):
    mp.spawn(_worker, args=(_free_port(), str(tmp_path)), nprocs=WORLD_SIZE, join=True)
    results = [pickle.loads((tmp_path / f"rank{rank}.pkl").read_bytes())
               for rank in range(WORLD_SIZE)]

    pred, target = _dataset()
    whole = ConfusionMatrix(ignore_index=255).update(pred, target)
    expected = _scores(whole)
    assert [r["local_classes"] for r in results] == [4, 3]  # grown to agree before summing
    guard_on = os.environ.get("SEGCOURSE_NETWORK_GUARD") == "1"
    for result in results:
        assert result["guarded"] == guard_on
        _assert_same_scores(result["reduced"], expected)
        assert "all_reduce was called" in result["update_after"]
        assert "all_reduce was called" in result["reduce_twice"]
        _assert_same_scores(result["masks"], _scores(ConfusionMatrix().update(pred > 1,
                                                                              target == 3)))
        assert "`ignore_index`" in result["ignore_mismatch"]
        assert "0 on rank 0 and 1 on rank 1" in result["ignore_mismatch"]
        assert "`keep_per_image`" in result["keep_mismatch"]
        assert "True on rank 0 and False on rank 1" in result["keep_mismatch"]
        # all_reduce has no argument `other`: the message names what differs, and where
        assert "`other`" not in result["kind_mismatch"]
        assert "same kind of input" in result["kind_mismatch"]
        assert "boolean masks on rank 0 and label maps on rank 1" in result["kind_mismatch"]
        assert "at least 4" in result["classes_mismatch"]
        assert "(4 on rank 1)" in result["classes_mismatch"]
        assert "fixed num_classes=3 on rank 0" in result["classes_mismatch"]
    # every process reports the same dataset score; the per-image matrices come in rank
    # order, which here is the order of the data
    assert results[0]["reduced"]["miou"] == results[1]["reduced"]["miou"] == whole.iou()
    assert not np.isnan(expected["miou"])


def test_all_reduce_is_a_no_op_without_a_process_group():
    assert not dist.is_initialized()
    pred, target = _dataset()
    scores = ConfusionMatrix(ignore_index=255).update(pred, target)
    before = scores.matrix
    scores.all_reduce()
    np.testing.assert_array_equal(scores.matrix, before)
    scores.update(pred, target)  # not marked as reduced: it keeps accumulating
    assert scores.num_images == 10


@pytest.mark.cuda
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
def test_cuda_tensors_feed_the_accumulator():
    pred, target = _dataset()
    scores = ConfusionMatrix(ignore_index=255)
    scores.update(torch.from_numpy(pred).cuda(), torch.from_numpy(target).cuda())
    np.testing.assert_array_equal(scores.matrix,
                                  ConfusionMatrix(ignore_index=255).update(pred, target).matrix)
