"""The ``csskpi demo`` command: the main job on a fresh install (see :mod:`csskpi.demo`)."""

from __future__ import annotations

import argparse
import sys
from typing import TextIO

from csskpi.demo import run_demo

__all__ = ["cmd_demo"]


def cmd_demo(args: argparse.Namespace, out: TextIO) -> None:
    result = run_demo(args.out, scale=args.scale, seed=args.seed,
                      progress=lambda message: print(f"csskpi demo: {message}", file=sys.stderr, flush=True))
    out.write(
        f"Recomputed {result.months} months of the Lincolnshire CSS contract from {result.records:,} synthetic raw "
        f"records in {result.seconds:.1f} s.\n{result.summary}.\n\n"
        f"  raw data       {result.data}/\n"
        f"  measurements   {result.measurements}\n"
        f"  ledger         {result.ledger}   (csskpi ledger show {result.ledger} --period 2020-03)\n"
        f"  report (HTML)  {result.html}\n"
        f"  report (Excel) {result.xlsx}\n"
    )
