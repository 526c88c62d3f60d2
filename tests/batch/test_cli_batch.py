"""``dualuse screen`` on the batch path (workers, streaming) writes what the whole-file path writes."""

from __future__ import annotations

from typer.testing import CliRunner

from dualuse.cli.app import app
from tests.batch.conftest import repeated_examples

runner = CliRunner()


def test_two_workers_write_the_same_csv_as_the_whole_file_path(tmp_path, examples_csv):
    whole = runner.invoke(app, ["screen", str(examples_csv), "-f", "csv", "--no-record"])
    assert whole.exit_code == 0, whole.output
    out = tmp_path / "decisions.csv"
    batch = runner.invoke(app, ["screen", str(examples_csv), "-o", str(out), "--no-record", "--workers", "2"])
    assert batch.exit_code == 0, batch.output
    assert out.read_bytes() == whole.stdout_bytes
    assert "wrote 31 decision(s)" in batch.output
    assert not list(tmp_path.glob(".*dualuse-run"))


def test_max_errors_stops_reading_and_nothing_is_written(tmp_path):
    source = repeated_examples(tmp_path / "s.csv", 2)
    lines = source.read_text(encoding="utf-8").splitlines()
    for i in (3, 30, 60):
        cells = lines[i].split(",")
        cells[1] = "2026-02-30"
        lines[i] = ",".join(cells)
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = runner.invoke(app, ["screen", str(source), "-o", str(out), "--no-record", "--max-errors", "1"])
    assert result.exit_code == 2
    assert "invalid input, nothing was screened or written" in result.output
    assert "row 4" in result.output and "row 31" not in result.output
    assert not out.exists()


def test_workers_to_standard_output_write_what_the_whole_file_path_prints(examples_csv):
    whole = runner.invoke(app, ["screen", str(examples_csv), "-f", "jsonl", "--no-record"])
    batch = runner.invoke(app, ["screen", str(examples_csv), "-f", "jsonl", "--no-record", "--workers", "2"])
    assert whole.exit_code == batch.exit_code == 0, batch.output
    assert batch.stdout_bytes == whole.stdout_bytes
    assert batch.stdout_bytes.count(b"\n") == 31
