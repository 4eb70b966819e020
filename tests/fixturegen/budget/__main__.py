"""python -m tests.fixturegen.budget OUT_DIR [--n 30] [--seed 1] [--set option=value ...]

Writes OUT_DIR/<name>.pdf, OUT_DIR/truth/<name>.json (SCHEMA.md) and OUT_DIR/layouts.json (the options each
document was drawn with). Options are the fields of `options.Options`; `--set family=wide` fixes one,
`--set 'carry=["first","clip"]'` draws it from a list. Then, for instance:
    notices ingest OUT_DIR --warehouse sqlite:///gen.db
    python -m tests.fixturegen.budget.score sqlite:///gen.db OUT_DIR/truth -v
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import time
from pathlib import Path

from tests.fixturegen.budget import generate_corpus
from tests.fixturegen.budget.options import CHOICES, Options, UnknownOption
from tests.fixturegen.fonts import FontsMissing


def _value(text: str):
    """A --set value: JSON when it parses (true, 10.5, ["a","b"]), else the bare string."""
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text


def option_table() -> list[tuple[str, str]]:
    """(option, its values) for every option: the weighted choices, or the default when it is not drawn."""
    rows = []
    for f in dataclasses.fields(Options):
        choices = CHOICES.get(f.name)
        if choices:
            shown = ", ".join(dict.fromkeys(str(c) for c in choices))
        elif f.name == "font":
            shown = "installed CJK TrueType fonts (fc-list)"
        else:
            shown = f"default {f.default!r}"
        rows.append((f.name, shown))
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m tests.fixturegen.budget", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    ap.add_argument("out_dir", type=Path, nargs="?")
    ap.add_argument(
        "--options", action="store_true", help="list the options and the values they are drawn from"
    )
    ap.add_argument("--n", type=int, default=30, help="number of documents (default 30)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="OPTION=VALUE",
        help="fix an option, e.g. --set family=wide --set money_unit=元 (a JSON list = choices)",
    )
    args = ap.parse_args(argv)
    if args.options:
        for name, values in option_table():
            print(f"{name:18} {values}")
        return 0
    if args.out_dir is None:
        ap.error("OUT_DIR is required")
    overrides = {}
    for item in args.set:
        key, _, val = item.partition("=")
        overrides[key.strip()] = _value(val)
    t0 = time.perf_counter()
    try:
        s = generate_corpus(args.out_dir, args.n, args.seed, **overrides)
    except (FontsMissing, UnknownOption) as exc:
        print(exc, file=sys.stderr)
        return 2
    dt = time.perf_counter() - t0
    kinds = ", ".join(f"{k} {v}" for k, v in s["kinds"].items())
    print(
        f"{s['documents']} documents ({kinds}), {s['projects']} projects, {s['indicators']} indicators, "
        f"{s['pages']} pages in {dt:.1f} s ({dt / max(s['documents'], 1):.2f} s/document)"
    )
    print(f"pdf: {args.out_dir}  truth: {s['truth_dir']}  layouts: {args.out_dir / 'layouts.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
