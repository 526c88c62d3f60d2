"""``python -m dualuse.refdata.build --source ../shared/data --out src/dualuse/data``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import BuildError, build, default_paths


def main(argv: list[str] | None = None) -> int:
    defaults = default_paths()
    parser = argparse.ArgumentParser(
        prog="python -m dualuse.refdata.build",
        description="Convert the raw reference sources into the package's data files.",
    )
    parser.add_argument("--source", type=Path, default=defaults["source"], help=f"raw source directory (default {defaults['source']})")
    parser.add_argument("--out", type=Path, default=defaults["out"], help=f"output directory (default {defaults['out']})")
    parser.add_argument(
        "--curated", type=Path, default=defaults["curated"], help=f"curated CSV directory (default {defaults['curated']})"
    )
    parser.add_argument("--no-validate", action="store_true", help="skip validating the written files")
    args = parser.parse_args(argv)
    try:
        summary = build(args.source, args.out, args.curated)
    except (BuildError, FileNotFoundError) as exc:
        print(f"build failed: {exc}", file=sys.stderr)
        return 1
    print(f"data version {summary.version} written to {args.out}")
    for list_id, n in summary.counts.items():
        print(f"  {list_id:8} {n:4d} entries")
    print(f"  catalogue {summary.catalogue_entries} entries ({summary.catalogue_trusted} with trusted names)")
    print(f"  hs6       {summary.hs_codes} codes")
    print(f"  parents resolved to an entry: {summary.parents_resolved}; supplement rows applied: {summary.supplements_applied}")
    if not args.no_validate:
        from dualuse.refdata.validate import validate_data

        problems = validate_data(args.out)
        if problems:
            print(f"validation found {len(problems)} problem(s):", file=sys.stderr)
            for p in problems:
                print(f"  - {p}", file=sys.stderr)
            return 2
        print("validation: no problems")
    return 0


if __name__ == "__main__":
    sys.exit(main())
