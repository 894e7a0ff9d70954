"""Where ``csskpi measure`` reaches its peak memory: the resident set sampled against csskpi's own call stack.

Runs ``csskpi measure`` in this process with every function of the ``csskpi.data`` and ``csskpi.pipeline`` modules
wrapped (whatever their names are today: the modules are walked, not listed), while a thread samples the resident
set from ``/proc/self/status`` every few milliseconds (polars releases the GIL while it works, so the samples fall
inside its calls too). It prints, for the functions the largest samples fell in, the resident set when the call
began and the most it reached inside it, with the stack at the peak. ``tracemalloc`` cannot see polars'
allocations; this can, at the cost of being Linux-only and approximate (a sample every ``--every`` ms).

    python3 benchmarks/where_memory.py DIR 2017-04 2018-03 [--missing dna]

``benchmarks/bench_bigcsv.py --where`` runs it on the folder with a 2 GiB CSV file.
"""

from __future__ import annotations

import argparse
import functools
import importlib
import inspect
import os
import pkgutil
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

MIB = 1 << 20
PACKAGES = ("csskpi.data", "csskpi.pipeline")


def resident() -> int:
    """This process's resident set in bytes (0 where /proc is not there)."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


@dataclass
class Call:
    """The biggest call of one function: resident set when it began, most reached within it (inclusive)."""

    name: str
    calls: int = 0
    entry: int = 0
    most: int = 0
    own: int = 0  # most reached while this function was the innermost wrapped one


class Probe:
    def __init__(self, every: float) -> None:
        self.every = every
        self.stack: list[str] = []
        self.entries: list[int] = []
        self.peaks: list[int] = []
        self.seen: dict[str, Call] = {}
        self.peak: tuple[int, tuple[str, ...]] = (0, ())
        self.done = threading.Event()
        self.lock = threading.Lock()  # the sampler thread and the calls share the stack

    def wrap(self, name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(function)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            rss = resident()
            with self.lock:
                self.stack.append(name)
                self.entries.append(rss)
                self.peaks.append(rss)
            try:
                return function(*args, **kwargs)
            finally:
                self.note(resident())
                with self.lock:
                    most = self.peaks.pop()
                    entry = self.entries.pop()
                    self.stack.pop()
                    if self.peaks:
                        self.peaks[-1] = max(self.peaks[-1], most)
                    call = self.seen.setdefault(name, Call(name))
                    call.calls += 1
                    if most > call.most:
                        call.most, call.entry = most, entry

        return wrapper

    def note(self, rss: int) -> None:
        """A sample: credited to the innermost call (and, as each call ends, to its callers) and to the peak."""
        with self.lock:
            stack = tuple(self.stack)
            if self.peaks:
                self.peaks[-1] = max(self.peaks[-1], rss)
                innermost = self.seen.setdefault(stack[-1], Call(stack[-1]))
                innermost.own = max(innermost.own, rss)
            if rss > self.peak[0]:
                self.peak = (rss, stack)

    def sample(self) -> None:
        while not self.done.is_set():
            self.note(resident())
            time.sleep(self.every)


def instrument(probe: Probe) -> int:
    """Wrap every function defined in the modules of ``PACKAGES``, wherever a csskpi module holds it."""
    originals: dict[int, Callable[..., Any]] = {}
    for package in PACKAGES:
        root = importlib.import_module(package)
        for info in pkgutil.iter_modules(root.__path__, package + "."):
            try:
                module = importlib.import_module(info.name)
            except ImportError:
                continue
            for name, value in vars(module).items():
                if inspect.isfunction(value) and value.__module__ == module.__name__:
                    short = f"{module.__name__.removeprefix('csskpi.')}.{name}"
                    originals[id(value)] = probe.wrap(short, value)
    for module in list(sys.modules.values()):  # `from x import f` copies: replace them too
        if getattr(module, "__name__", "").startswith("csskpi"):
            for name, value in list(vars(module).items()):
                if id(value) in originals and inspect.isfunction(value):
                    setattr(module, name, originals[id(value)])
    return len(originals)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder")
    parser.add_argument("first")
    parser.add_argument("last")
    parser.add_argument("--missing", choices=("error", "dna"), default="error")
    parser.add_argument("--every", type=float, default=5.0, help="milliseconds between samples (default 5)")
    parser.add_argument("--top", type=int, default=12)
    args = parser.parse_args()
    probe = Probe(args.every / 1000)
    wrapped = instrument(probe)
    from csskpi.cli.main import main as csskpi

    sampler = threading.Thread(target=probe.sample, daemon=True)
    sampler.start()
    started = time.perf_counter()
    with open(os.devnull, "w") as sink:
        stdout, sys.stdout = sys.stdout, sink
        try:
            code = csskpi(["measure", "--data", args.folder, "--period", args.first, "--to", args.last,
                           "--format", "csv", "--missing", args.missing, "-q"])
        finally:
            sys.stdout = stdout
    probe.done.set()
    sampler.join()
    seconds = time.perf_counter() - started
    if code:
        raise SystemExit(f"csskpi measure exited {code}")
    rss, stack = probe.peak
    print(f"# {wrapped} functions wrapped; {seconds:.1f} s; peak sampled {rss / MIB:,.0f} MiB in:")
    for depth, name in enumerate(stack):
        print(f"#   {'  ' * depth}{name}")
    if not stack:
        print("#   (no wrapped function: the peak fell between csskpi's data and pipeline calls)")
    print("| function (innermost when sampled) | calls | MiB at start of its biggest call | most MiB within it "
          "| most MiB as innermost |")
    print("|---|---:|---:|---:|---:|")
    ranked = sorted(probe.seen.values(), key=lambda c: c.own, reverse=True)[: args.top]
    for call in ranked:
        print(f"| {call.name} | {call.calls} | {call.entry / MIB:,.0f} | {call.most / MIB:,.0f} | {call.own / MIB:,.0f} |")


if __name__ == "__main__":
    main()
