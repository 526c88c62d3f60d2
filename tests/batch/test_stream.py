"""Streamed reading (big files): the same records as the whole-file reader, errors as they come, bounded cells."""

from __future__ import annotations

import pytest

from dualuse.batch.run import validate
from dualuse.input.errors import InputError
from dualuse.input.loader import load_shipments
from dualuse.input.stream import MAX_CELL_CHARS, StreamInfo, iter_records
from tests.batch.conftest import EXAMPLES, repeated_examples


def _streamed(path, **kwargs):
    info = StreamInfo(str(path), "", 0)
    records = [r for batch in iter_records(path, threshold=0, info=info, **kwargs) for r in batch]
    return records, info


def test_a_streamed_csv_gives_the_shipments_of_the_whole_file_reader(tmp_path):
    source = repeated_examples(tmp_path / "s.csv", 3)
    records, info = _streamed(source, batch_rows=7)  # small batches: cut between shipments many times
    whole = load_shipments(source)
    assert info.streamed and info.bytes_read == source.stat().st_size
    assert [r.shipment.model_dump() for r in records] == [s.model_dump() for s in whole.shipments]
    assert len(records) == 93 and not any(r.issues for r in records)


def test_a_streamed_jsonl_flags_a_repeated_id(tmp_path):
    shipments = load_shipments(EXAMPLES).shipments[:3]
    source = tmp_path / "s.jsonl"
    body = [s.model_dump_json() for s in shipments] + [shipments[0].model_dump_json()]
    source.write_text("\n".join(body) + "\n", encoding="utf-8")
    records, _ = _streamed(source)
    assert [r.shipment is not None for r in records] == [True, True, True, False]
    assert records[3].issues[0].row == 4 and "already used on row 1" in records[3].issues[0].message


def test_rows_of_a_shipment_apart_in_a_streamed_file_are_an_error_naming_both_rows(tmp_path):
    text = EXAMPLES.read_text(encoding="utf-8").splitlines()
    header, first, others = text[0], text[1], text[3:]  # EX-01 has rows 2 and 3; move row 3 to the end
    source = tmp_path / "apart.csv"
    source.write_text("\n".join([header, first, *others, text[2]]) + "\n", encoding="utf-8")
    records, _ = _streamed(source, batch_rows=2)
    bad = [r for r in records if r.issues]
    assert len(bad) == 1 and bad[0].shipment_id == "EX-01"
    message = bad[0].issues[0]
    assert "not next to each other" in message.message and "row 2" in message.message
    assert message.column == "shipment id" and message.row == len(text)


def test_an_over_long_cell_names_its_row_and_column(tmp_path):
    rows = EXAMPLES.read_text(encoding="utf-8").splitlines()
    assert "Actuator magnets" in rows[2]  # the end use of EX-01
    source = tmp_path / "long.csv"
    source.write_text("\n".join([rows[0], rows[1], rows[2].replace("Actuator magnets", "x" * (MAX_CELL_CHARS + 1), 1)]) + "\n",
                      encoding="utf-8")
    with pytest.raises(InputError) as caught:
        _streamed(source)
    issue = caught.value.issues[0]
    assert issue.row == 3 and issue.column == "end use"
    length = MAX_CELL_CHARS + 1 + len(" for flight-control systems")
    assert f"this cell is {length:,} characters long" in issue.message


def test_an_over_long_cell_in_a_small_file_names_its_row_and_column_too(tmp_path):
    rows = EXAMPLES.read_text(encoding="utf-8").splitlines()
    source = tmp_path / "long.csv"
    source.write_text("\n".join([rows[0], rows[1], rows[2].replace("Actuator magnets", "x" * 1_000_000, 1)]) + "\n",
                      encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_shipments(source)
    issue = caught.value.issues[0]
    assert (issue.row, issue.column) == (3, "end use")
    assert "1,000,027 characters long" in issue.message


def test_a_header_only_file_is_refused_when_streamed(tmp_path):
    source = tmp_path / "header.csv"
    source.write_text(EXAMPLES.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    with pytest.raises(InputError, match="only a header"):
        _streamed(source)


def test_validation_reports_each_invalid_record_as_it_is_read_and_stops_at_max_errors(tmp_path):
    source = repeated_examples(tmp_path / "s.csv", 3)
    lines = source.read_text(encoding="utf-8").splitlines()
    for i in (5, 40, 80):
        cells = lines[i].split(",")
        cells[1] = "2026-13-45"
        lines[i] = ",".join(cells)
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    seen: list[int] = []
    with pytest.raises(InputError) as caught:
        validate(source, max_errors=2, on_issues=lambda issues: seen.append(issues[0].row), threshold=0)
    assert seen == [6, 41]  # file rows, in order; the third is never read
    assert {i.row for i in caught.value.issues} == {6, 41}
    checked = validate(source, skip_invalid=True, threshold=0)
    assert [r.rows[0] for r in checked.rejected] == [6, 41, 81]
    assert checked.shipments == 93 - 3


def test_the_layout_of_a_big_file_is_read_from_its_header(tmp_path, monkeypatch):
    from dualuse.input import loader, stream

    source = repeated_examples(tmp_path / "s.csv", 2)
    whole = loader.file_layout(source)
    monkeypatch.setattr(stream, "STREAM_FROM_BYTES", 1)
    monkeypatch.setattr(loader, "read_tables", lambda *a, **k: (_ for _ in ()).throw(AssertionError("read whole")))
    assert loader.file_layout(source) == whole is not None
