"""The numeric path: what decides how a run's sums round, named before anything trains.

Two processors can train the same network from the same seed to different numbers: torch picks kernels by the
instruction set it finds (its "CPU capability": default, avx2, avx512), and MKL and oneDNN pick their matrix
products the same way. Every training process pins them (PINS, set before torch loads in the worker), so that
an AVX-512 machine computes with the AVX2 kernels an AVX2 machine uses. The path is part of every run's cache
key (runs.run_key), so a cache copied between machines never mixes results, and the build report and the
article's reproduce block name it with the processor.

`ATEN_CPU_CAPABILITY` can only lower torch's choice, never raise it: on a processor without AVX2 the pins give
way to what it has, and the path (so the key) says so. Nothing here imports torch: a cached rebuild never does;
the worker records what torch really dispatched to (`dispatched`) and the build checks it against `path()`."""
from __future__ import annotations

import os
import platform
from functools import lru_cache
from importlib import metadata

# torch's own kernels, MKL's matrix products and oneDNN's convolutions: the AVX2 code paths, on every x86-64
# processor that has AVX2 (MKL's conditional numerical reproducibility, MKL_CBWR)
PINS = {"ATEN_CPU_CAPABILITY": "avx2", "MKL_CBWR": "AVX2", "ONEDNN_MAX_CPU_ISA": "AVX2"}
# a second path of the same processor whose sums round differently (replication, generator/replicate.py): torch's
# scalar kernels (tanh, sigmoid, softmax, Adam's update) and oneDNN without AVX. Each changed the bits of a
# spiralNet and an MNIST training step on the AMD EPYC of docs/benchmarks.md (2026-12-07), at 1.3-1.4x the time a
# step; MKL_CBWR=COMPATIBLE changes the matrix products' bits too, but took 1.8-2x
ALTERNATE = {"ATEN_CPU_CAPABILITY": "default", "ONEDNN_MAX_CPU_ISA": "SSE41"}
VARIABLES = tuple(PINS)
AVX512 = {"avx512f", "avx512bw", "avx512vl", "avx512dq"}
ORDER = ("default", "avx2", "avx512")


@lru_cache(maxsize=1)
def cpu() -> tuple[str, frozenset]:
    """(model name, instruction-set flags) of this processor, from /proc/cpuinfo (Linux; elsewhere platform's)."""
    try:
        text = open("/proc/cpuinfo", encoding="utf-8", errors="replace").read()
    except OSError:
        return platform.processor() or platform.machine(), frozenset()
    model, flags = platform.machine(), frozenset()
    for line in text.splitlines():
        key, _, value = line.partition(":")
        if key.strip() == "model name" and model == platform.machine():
            model = value.strip()
        elif key.strip() == "flags" and not flags:
            flags = frozenset(value.split())
    return model, flags


def supported(flags: frozenset) -> str:
    """The highest capability torch would dispatch to on a processor with these flags."""
    if AVX512 <= flags:
        return "avx512"
    if {"avx2", "fma"} <= flags:
        return "avx2"
    return "default"


def training_environment(environ=None) -> dict[str, str]:
    """The variables a training process runs with: the pins, unless the environment already sets one (the
    replication's alternate path, or an author's choice), which then stands."""
    environ = os.environ if environ is None else environ
    return {name: environ.get(name) or value for name, value in PINS.items()}


def path(environ=None) -> dict[str, str]:
    """The numeric path training takes here: torch's capability (its pin, lowered to what the processor has) and
    the MKL and oneDNN settings. Part of every run's key."""
    settings = training_environment(environ)
    asked = settings["ATEN_CPU_CAPABILITY"].lower()
    has = supported(cpu()[1])
    capability = min(asked if asked in ORDER else has, has, key=ORDER.index)
    return {"torch_capability": capability, "mkl_cbwr": settings["MKL_CBWR"],
            "onednn_max_cpu_isa": settings["ONEDNN_MAX_CPU_ISA"], "machine": platform.machine()}


def pin(environ=None) -> None:
    """Before torch loads in a training process: the path's variables (training_environment) in its environment."""
    environ = os.environ if environ is None else environ
    environ.update(training_environment(environ))


def dispatched() -> str:
    """What torch really dispatched to in this process (imports torch: workers only)."""
    import torch
    return torch.backends.cpu.get_cpu_capability().lower()


def describe(environ=None) -> dict:
    """For the build report and the reproduce block: the processor, the path, the libraries, the threads."""
    from .threads import THREADS
    model, flags = cpu()
    return {"cpu": model, "cpu_supports": supported(flags), "numeric_path": path(environ),
            "torch": _version("torch"), "numpy": _version("numpy"), "threads_per_process": THREADS}


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"
