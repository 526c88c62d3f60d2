"""The same file screened on a 2-worker Dask LocalCluster and on this process gives byte-identical output."""

from __future__ import annotations

import pytest

from dualuse.batch.run import Plan, screen_file, validate

pytest.importorskip("distributed", reason="Dask (dask[distributed]) is not installed")


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_dask_local_cluster_matches_the_local_run(tmp_path, examples_csv, fmt):
    total = validate(examples_csv).shipments
    local = tmp_path / f"local.{fmt}"
    on_dask = tmp_path / f"dask.{fmt}"
    screen_file(Plan(path=examples_csv, format=fmt, output=local, workers=1), total)
    outcome, _ = screen_file(Plan(path=examples_csv, format=fmt, output=on_dask, workers=2, dask="local"), total)
    assert outcome.workers == 2
    assert on_dask.read_bytes() == local.read_bytes()
    assert sum(outcome.counts.values()) == total == 31
