"""Input stage: read shipments from JSON Lines, JSON, CSV/TSV or XLSX files.

* :func:`load_shipments` reads a file into validated
  :class:`~dualuse.models.shipment.Shipment` objects (:class:`LoadResult`);
* :class:`InputError` lists every problem as file, row, column, value and
  what was expected;
* :func:`write_rejects` writes rejected records back in the input's format
  with an ``errors`` column;
* :func:`read_text` decodes UTF-8 / GB18030 / Shift-JIS text without being
  told the encoding.

The flat-file header vocabulary (English, Chinese, Japanese) is the data file
``headers.yaml`` in this package.
"""

from dualuse.input.encoding import read_text
from dualuse.input.errors import InputError, InputIssue, RejectedRecord
from dualuse.input.loader import FORMATS, LoadResult, SourceInfo, load_shipments
from dualuse.input.rejects import write_rejects

__all__ = [
    "FORMATS",
    "InputError",
    "InputIssue",
    "LoadResult",
    "RejectedRecord",
    "SourceInfo",
    "load_shipments",
    "read_text",
    "write_rejects",
]
