"""Site settings and experiment files: read, validate, normalise. Every error names file and line or key."""
from __future__ import annotations

import copy
import difflib
import inspect
import itertools
import math
import re
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path

from . import citation, datasets
from .markup import read_utf8, shown as _shown, unsafe_links
from .errors import BuildError, Problem, key_line

PROFILES = ("full", "quick", "large")
# [large]: what the large profile changes, as [large.data], [large.model] and [large.train] tables of the keys those
# sections take (more seeds, the full MNIST from idx_dir, longer training); checked in every profile, applied
# only in the large profile, so the full and quick runs (and their cache keys) are those without it
LARGE_SECTIONS = ("data", "model", "train")


@dataclass(frozen=True)
class Experiment:
    """One experiment file, validated; `spec` is the normalised dict that keys the cache."""
    id: str
    path: Path
    spec: dict
    source: str = field(repr=False, compare=False)
    group: str = ""                                            # the file's stem when its [sweep] makes variants
    variant: dict = field(default_factory=dict, compare=False)  # sweep key -> this variant's value
    compare: tuple = field(default=(), compare=False)           # [[compare]] rows: our claim beside the original's


# Each key: (type, check, meaning). The check returns an error text or None.
def _positive(v):
    return None if v > 0 else "must be positive"


def _nonnegative(v):
    return None if v >= 0 else "must be zero or more"


def _widths(v):
    if not all(isinstance(w, int) and not isinstance(w, bool) and w > 0 for w in v):
        return "must be a list of positive integers"
    if len(v) > 100 or any(w > 10_000 for w in v):  # a typo (1e6 units) fails here, not out of memory in training
        return "must be at most 100 layers of at most 10,000 units"
    return None


def _up_to(most):
    """Positive and at most `most`: a typo like 1e9 steps or points fails here, not hours into training."""
    return lambda v: "must be positive" if v <= 0 else (f"must be at most {most:,}" if v > most else None)


def _choice(*options):
    return lambda v: None if v in options else f"must be one of {', '.join(map(repr, options))}"


MODEL_KEYS = {
    "kind": (str, _choice("mlp", "vector-field", "convnet-knn"),
             "mlp: tanh(Wx + b) layers; vector-field: x + F(x) layers; convnet-knn: O15's MNIST network, "
             "hidden = [channels 1, channels 2, representation width]"),
    "hidden": (list, _widths, "widths of the hidden layers, input to output (vector-field: each = input width)"),
    "anchors_per_side": (int, _up_to(100), "vector-field: Gaussian bumps on an n-by-n grid of anchors"),
    "anchor_reach": (float, _positive, "vector-field: the anchor grid spans [-reach, reach]^2"),
    "bump_width": (float, _positive, "vector-field: standard deviation of each bump"),
    "activation": (str, _choice("tanh", "relu", "sigmoid"), "activation of every hidden layer"),
    "init": (str, _choice("glorot-uniform", "normal", "zeros"), "how weights start; biases start at zero"),
    "init_std": (float, _nonnegative, "standard deviation for init = 'normal'"),
    "bias": (bool, None, "whether layers have biases"),
}
TRAIN_KEYS = {
    "optimizer": (str, _choice("adam", "sgd"), "the optimiser"),
    "learning_rate": (float, _positive, "step size"),
    "steps": (int, _up_to(10_000_000), "number of optimiser steps"),
    "batch_size": (int, _nonnegative, "examples per step; 0 means the full batch"),
    "seeds": (int, _up_to(1024), "how many seeds train together (batched)"),
    "first_seed": (int, _nonnegative, "seeds are first_seed, first_seed+1, ..."),
    "batch_seeds": (bool, None, "train the seeds together in one model (default), or one at a time where batched "
                                "matrix products would change the result (they sum every unit in one order)"),
    "snapshots": (int, _up_to(10_000), "how many weight snapshots to record, first and last included"),
    "snapshot_spacing": (str, _choice("linear", "log"),
                         "linear: evenly spaced steps; log: the distinct integers of logspace(0, log10(steps - 1), "
                         "snapshots), plus step 0 (the initial weights)"),
    "weight_decay": (float, _nonnegative, "penalty on squared weights (matrices only), times 1/2"),
    "identity_pull": (float, _nonnegative, "penalty pulling square weight matrices toward the identity"),
    "knn_k": (int, _up_to(10_000), "convnet-knn: neighbours a k-NN vote uses"),
    "contractive": (float, _nonnegative, "penalty on the squared Frobenius norm of the last hidden layer's "
                                         "Jacobian with respect to the input, at the training points"),
}
MODEL_DEFAULTS = {"kind": "mlp", "activation": "tanh", "init": "glorot-uniform", "init_std": 1e-6, "bias": True,
                  "anchors_per_side": 5, "anchor_reach": 1.0, "bump_width": 0.4}
TRAIN_DEFAULTS = {"optimizer": "adam", "batch_size": 0, "first_seed": 0, "batch_seeds": True, "snapshots": 50, "snapshot_spacing": "linear",
                  "weight_decay": 0.0, "identity_pull": 0.0, "contractive": 0.0, "knn_k": 10}
SECTIONS = {"data", "model", "train", "quick", "large", "meta", "sweep", "compare"}
# [[compare]]: one row of the claims table. key: (type, required, meaning)
COMPARE_KEYS = {
    "claim": (str, True, "our claim: a name of this experiment's claims, or scope.claim (required in a sweep file)"),
    "statement": (str, True, "the claim in words, as the table's first column"),
    "original": (str, True, "what the original says, in its own terms (e.g. 'about 80%')"),
    "source": (str, True, "the reference key of the original (site.toml [references])"),
    "value": (float, False, "the original's number in our claim's units; without it the row is 'not comparable'"),
    "relation": (str, False, "'=' (default: within tolerance), '<' or '>' (ours below or above value)"),
    "tolerance": (float, False, "how far ours may lie from value and still agree (default 0)"),
    "format": (str, False, "format of our value, e.g. '.1%' (default '.3g')"),
    "figure": (str, False, "the id of the figure that shows it (the row links there)"),
    "why": (str, False, "why the numbers cannot be compared (required when value is absent)"),
    "absent": (str, False, "what the table says when this build does not produce the claim (a jump that did not "
                           "happen); the verdict is then 'differs'. Without it, a missing claim stops the build"),
}
SWEPT_SECTIONS = ("data", "model", "train")


_TEXT = "text in quotes"
_DATE = "a date written as YYYY-MM-DD, without quotes"
# every key site.toml may hold: what its value must be (checked here, or in citation.load where noted)
SITE_KEYS = {
    "title": _TEXT, "description": _TEXT, "language": "a language tag in quotes, e.g. \"en\" or \"en-GB\"",
    "base_url": "an http(s) address in quotes", "authors": "a list of names, or [[authors]] tables",
    "references": "[references.<key>] tables", "published": _DATE, "updated": _DATE, "licence": _TEXT,
    "licence_url": "an http(s) address in quotes", "repository": "an http(s) address in quotes",
    "image": "a figure id in quotes", "bibtex_key": _TEXT,
}
REQUIRED_SITE_KEYS = ("title", "description", "authors")
# a reference's keys: (what the value must be, whether it is required)
REFERENCE_KEYS = {"authors": (_TEXT, True), "title": (_TEXT, True),
                  "year": ("a year: a whole number such as 2014, or text such as \"in press\"", True),
                  "venue": (_TEXT, False), "url": ("an http(s) address in quotes", False)}


def load_site(path: Path) -> dict:
    """content/site.toml: title, description, authors, language, base_url, references; what citing the article
    needs (citation.load: authors as tables, dates, licence, repository, the changelog, the commit). Every key
    is a known one (SITE_KEYS, else the closest names) of the right type; every reference's too."""
    problems: list[Problem] = []
    site = _read_toml(path, problems)
    text = path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""

    def problem(message, key, line_key=None):
        line = key_line(text, line_key or key)
        if line is None and key == "references":  # written as [[references]] or [references.x] tables
            line = next((n for n, raw in enumerate(text.splitlines(), start=1)
                         if raw.strip().lstrip("[").startswith("references")), None)
        problems.append(Problem(path, message, line=line, key=key))

    for key in REQUIRED_SITE_KEYS:
        if key not in site:
            problem(f"missing required key '{key}'", key)
    for key, value in site.items():
        if key not in SITE_KEYS:
            close = difflib.get_close_matches(key, SITE_KEYS, 3, 0.6)
            problem(f"unknown key '{key}'" + (f"; did you mean {', '.join(close)}?" if close else "")
                    + f"; known: {', '.join(SITE_KEYS)}", key)
    for key in ("title", "description", "language"):
        if key in site and (not isinstance(site[key], str) or not site[key].strip()):
            problem(f"'{key}' must be {SITE_KEYS[key]}, got {_shown(site[key])}", key)
    if isinstance(site.get("language"), str) and not re.fullmatch(r"[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*",
                                                                   site["language"]):
        problem(f"'language' must be {SITE_KEYS['language']}, got {site['language']!r}", "language")
    references = site.get("references", {})
    if not isinstance(references, dict):
        problem(f"'references' must be {SITE_KEYS['references']}, got {_shown(references)}", "references")
        references = site["references"] = {}
    for ref_key, ref in references.items():
        _reference(ref_key, ref, problem)
    if "authors" in site:  # authors, dates, licence, repository, the changelog and the commit (generator/citation.py)
        site |= citation.load(path, site, problems)
    if problems:
        raise BuildError(problems)
    site.setdefault("language", "en")
    site.setdefault("base_url", "")
    site.setdefault("references", {})
    return site


def _reference(ref_key: str, ref, problem) -> None:
    """One [references.KEY] table of site.toml checked: its key, its keys (REFERENCE_KEYS) and their types, each
    wrong one said through `problem(message, key, line_key)`."""
    where = f"references.{ref_key}"
    if not re.fullmatch(r"[A-Za-z0-9_-]+", ref_key):
        problem(f"reference key '{ref_key}' must be letters, digits, '_' and '-' (cited as [@key])", where,
                f"{where}.title")
    if not isinstance(ref, dict):
        problem(f"reference '{ref_key}' must be a table: [references.{ref_key}] with authors, title, year",
                where, "references." + ref_key)
        return
    for name, value in ref.items():
        if name not in REFERENCE_KEYS:
            close = difflib.get_close_matches(name, REFERENCE_KEYS, 2, 0.6)
            problem(f"reference '{ref_key}': unknown key '{name}'" + (f"; did you mean {', '.join(close)}?"
                                                                       if close else "")
                    + f"; known: {', '.join(REFERENCE_KEYS)}", f"{where}.{name}")
            continue
        good = (isinstance(value, int) and not isinstance(value, bool) and 0 < value < 10_000
                if name == "year" and not isinstance(value, str) else isinstance(value, str) and value.strip())
        if not good:
            problem(f"reference '{ref_key}': '{name}' must be {REFERENCE_KEYS[name][0]}, got {_shown(value)}",
                    f"{where}.{name}")
        elif name == "url" and not re.match(r"https?://", value):
            problem(f"reference '{ref_key}': url must start with http:// or https://, got {value!r}",
                    f"{where}.url")
    for needed, (_, required) in REFERENCE_KEYS.items():
        if required and needed not in ref:
            problem(f"reference '{ref_key}' needs '{needed}'", where, f"{where}.title")


def load_experiments(folder: Path, profile: str = "full") -> dict[str, Experiment]:
    """Every content/experiments/*.toml, validated; all problems reported together. Two files (or two values of
    one [sweep]) that make one experiment id are refused, naming both."""
    problems: list[Problem] = []
    experiments: dict[str, Experiment] = {}
    for path in sorted(folder.glob("*.toml")):
        for found in load_variants(path, profile, problems):
            first = experiments.get(found.id)
            if first is not None:
                problems.append(_twice(found, first))
                continue
            experiments[found.id] = found
    for stem, names in groups(experiments).items():
        if stem in experiments:  # a.toml's sweep makes a-1, and a-1.toml sweeps too: `experiment: a-1` is both
            path = experiments[names[0]].path
            problems.append(Problem(path, f"the sweep's stem '{stem}' names all its variants (a figure's `experiment: "
                                          f"{stem}`), and is also the id of the experiment made by "
                                          f"{_made(experiments[stem])}: rename one file",
                                    line=table_line(path.read_text(encoding="utf-8"), "sweep"), key="sweep"))
    if problems:
        raise BuildError(problems)
    return experiments


def _made(experiment: Experiment) -> str:
    """What made an experiment: its file, or its file's [sweep] and the values of the variant."""
    if not experiment.group:
        return f"the file {experiment.path.name}"
    values = ", ".join(f"{key} = {value!r}" for key, value in experiment.variant.items())
    return f"{experiment.path.name}'s [sweep] ({values})"


def _twice(found: Experiment, first: Experiment) -> Problem:
    """Two experiments with one id: a sweep's variant beside a file of that name, or two sweep values that read
    alike in a name (1.5 and 15 both give -15)."""
    text = found.path.read_text(encoding="utf-8")
    if found.group:
        line = min((_sweep_line(text, key) or 0 for key in found.variant), default=0) or table_line(text, "sweep")
        key = "sweep"
    else:
        line, key = 1, None
    if found.path == first.path:
        why = "two of its values read alike in a variant's name: make them differ in letters or digits"
    else:
        why = "rename the file, or change the sweep's values"
    return Problem(found.path, f"experiment id '{found.id}' is made twice, by {_made(first)} and by {_made(found)}; "
                               f"{why}", line=line, key=key)


def settings(spec: dict) -> dict:
    """An experiment's settings as placeholders can name them: `train_contractive`, `data_tube`,
    `model_hidden1` (the first hidden width), so prose never types a value its experiment file holds."""
    out = {}
    for section in ("data", "model", "train"):
        for key, value in spec.get(section, {}).items():
            if isinstance(value, list):
                out |= {f"{section}_{key}{i}": v for i, v in enumerate(value, start=1)}
            elif isinstance(value, (int, float, str)):
                out[f"{section}_{key}"] = value
    return out


def groups(experiments: dict[str, Experiment]) -> dict[str, list[str]]:
    """Each sweeping file's stem -> the ids of its variants, in sweep order."""
    out: dict[str, list[str]] = {}
    for name, experiment in experiments.items():
        if experiment.group:
            out.setdefault(experiment.group, []).append(name)
    return out


def shifted(experiments: dict) -> dict:
    """Every experiment on the seeds after its own (a replica, generator/replicate.py): seeds first_seed + n ..
    first_seed + 2n - 1."""
    out = {}
    for name, experiment in experiments.items():
        train = experiment.spec["train"]
        spec = experiment.spec | {"train": train | {"first_seed": train["first_seed"] + train["seeds"]}}
        out[name] = replace(experiment, spec=spec)
    return out


def load_variants(path: Path, profile: str, problems: list[Problem]) -> list[Experiment]:
    """One experiment per combination of the file's [sweep] values (one experiment when it has none).

    [sweep] keys are "section.key" with a list of values, e.g. "model.activation" = ["tanh", "relu"];
    a variant's id is the stem followed by its values: spiralnet-2-tanh."""
    before = len(problems)
    raw = _read_toml(path, problems)
    if len(problems) > before:
        return []
    text = path.read_text()
    compare = _check_compare(raw.pop("compare", []), path, text, problems, sweeping="sweep" in raw)
    sweep = raw.pop("sweep", {})
    for key, values in sweep.items():
        section, _, name = key.partition(".")
        if section not in SWEPT_SECTIONS or not name:
            problems.append(Problem(path, f"sweep key '{key}' must be 'data.<key>', 'model.<key>' or 'train.<key>'",
                                    line=_sweep_line(text, key), key=f"sweep.{key}"))
        elif not isinstance(values, list) or not values:
            problems.append(Problem(path, f"sweep key '{key}' needs a non-empty list of values, got {values!r}",
                                    line=_sweep_line(text, key), key=f"sweep.{key}"))
    if len(problems) > before:
        return []
    if math.prod(len(values) for values in sweep.values()) > 1_000:
        problems.append(Problem(path, f"[sweep] makes {math.prod(len(v) for v in sweep.values()):,} experiments; at most "
                                      "1,000 (each one trains)", line=table_line(text, "sweep"), key="sweep"))
        return []
    if not sweep:
        found = load_experiment(path, profile, problems, raw, text)
        return [Experiment(found.id, path, found.spec, text, compare=compare)] if found else []
    variants = []
    for combination in itertools.product(*sweep.values()):
        variant = dict(zip(sweep, combination))
        chosen = copy.deepcopy(raw)
        for key, value in variant.items():
            section, _, name = key.partition(".")
            chosen.setdefault(section, {})[name] = value
        suffix = "-".join(re.sub(r"[^a-z0-9]+", "", str(v).lower()) for v in combination)
        found = load_experiment(path, profile, problems, chosen, text, swept=set(sweep))
        if found:
            variants.append(Experiment(f"{path.stem}-{suffix}", path, found.spec, text, path.stem, variant, compare))
    return variants


def compare_rows(experiments: dict) -> list[tuple]:
    """Every experiment's [[compare]] rows, a sweep file's once (its variants share them), as (experiment,
    row, scope, claim): the row's claim 'scope.name' split, a bare name's scope the experiment's own."""
    found, seen = [], set()
    for name, experiment in experiments.items():
        for row in experiment.compare:
            if (experiment.path, row["index"]) not in seen:
                seen.add((experiment.path, row["index"]))
                scope, _, claim = row["claim"].rpartition(".")
                found.append((experiment, row, scope or name, claim))
    return found


def _check_compare(rows, path: Path, text: str, problems: list[Problem], sweeping: bool) -> tuple:
    """[[compare]] rows checked; each kept with the line of its header, for later errors."""
    headers = [n for n, raw in enumerate(text.splitlines(), start=1) if raw.strip() == "[[compare]]"]
    if not isinstance(rows, list):
        problems.append(Problem(path, "compare rows are written [[compare]] (an array of tables)", key="compare"))
        return ()
    out = []
    for index, row in enumerate(rows):
        line = headers[index] if index < len(headers) else None
        bad = len(problems)
        for key, value in row.items():
            if key not in COMPARE_KEYS:
                problems.append(Problem(path, f"unknown key '{key}' in [[compare]]; known: {', '.join(COMPARE_KEYS)}",
                                        line=line, key=f"compare.{key}"))
                continue
            kind = COMPARE_KEYS[key][0]
            if kind is float and isinstance(value, int) and not isinstance(value, bool):
                value = row[key] = float(value)
            if not isinstance(value, kind):
                problems.append(Problem(path, f"'{key}' in [[compare]] must be {kind.__name__}, got {value!r}",
                                        line=line, key=f"compare.{key}"))
        for key, (_, required, _) in COMPARE_KEYS.items():
            if required and key not in row:
                problems.append(Problem(path, f"[[compare]] needs '{key}'", line=line, key=f"compare.{key}"))
        if row.get("relation", "=") not in ("=", "<", ">"):
            problems.append(Problem(path, f"relation must be '=', '<' or '>', got {row['relation']!r}", line=line,
                                    key="compare.relation"))
        if row.get("tolerance", 0.0) < 0 if isinstance(row.get("tolerance", 0.0), float) else False:
            problems.append(Problem(path, "tolerance must be zero or more", line=line, key="compare.tolerance"))
        if "value" not in row and "why" not in row:
            problems.append(Problem(path, "[[compare]] without 'value' needs 'why' (the reason it is not comparable)",
                                    line=line, key="compare.why"))
        for key in ("statement", "original", "why", "absent"):
            if isinstance(row.get(key), str):
                for what in unsafe_links(row[key]):
                    problems.append(Problem(path, f"'{key}' in [[compare]]: {what}", line=line,
                                            key=f"compare.{key}"))
        if sweeping and "." not in str(row.get("claim", ".")):
            problems.append(Problem(path, "in a file with [sweep], 'claim' names its variant: e.g. spiralnet-4-tanh.claim",
                                    line=line, key="compare.claim"))
        if len(problems) == bad:
            out.append(dict(row, line=line, index=index))
    return tuple(out)


def _sweep_line(text: str, key: str) -> int | None:
    for number, raw in enumerate(text.splitlines(), start=1):
        if raw.split("=", 1)[0].strip().strip('"\'') == key and "=" in raw:
            return number
    return table_line(text, "sweep")


def table_line(text: str, name: str) -> int | None:
    """The line of a TOML text's [name] header."""
    return next((n for n, raw in enumerate(text.splitlines(), start=1) if raw.strip() == f"[{name}]"), None)


def load_experiment(path: Path, profile: str, problems: list[Problem], raw: dict, text: str,
                    swept: frozenset = frozenset()) -> Experiment | None:
    before = len(problems)

    def problem(key, message):
        line = _sweep_line(text, key) if key in swept else key_line(text, key)
        problems.append(Problem(path, message, line=line, key=f"sweep.{key}" if key in swept else key))

    for section in raw:
        if section not in SECTIONS:
            problem(section, f"unknown section [{section}]; known: {', '.join(sorted(SECTIONS))}")
    for needed in ("data", "model", "train"):
        if needed not in raw:
            problems.append(Problem(path, f"missing section [{needed}]", key=needed))
    if len(problems) > before:
        return None

    effective = copy.deepcopy(raw)
    quick = effective.pop("quick", {})
    effective.pop("meta", None)
    for key, value in quick.items():  # checked in every profile, so a typo there fails the full build too
        if key not in TRAIN_KEYS:
            problem(f"quick.{key}", f"unknown key '{key}' in [quick]; it overrides [train] keys only; known: "
                                    f"{', '.join(sorted(TRAIN_KEYS))}")
        elif profile == "quick":
            effective["train"][key] = value
    if profile != "quick" and quick:
        _check_table("quick", {k: v for k, v in quick.items() if k in TRAIN_KEYS},
                     {k: v for k, v in TRAIN_KEYS.items() if k in quick}, {}, problem)

    large = effective.pop("large", {})
    _check_large(large, effective, swept, problem)
    if profile == "large" and len(problems) == before:
        for section in LARGE_SECTIONS:
            effective[section] = effective[section] | large.get(section, {})

    data = _check_data(effective["data"], problem)
    model = _check_table("model", effective["model"], MODEL_KEYS, MODEL_DEFAULTS, problem)
    train = _check_table("train", effective["train"], TRAIN_KEYS, TRAIN_DEFAULTS, problem)
    if len(problems) > before:
        return None
    _check_widths(data, model, problem, "model.hidden")
    if profile != "large" and isinstance(large.get("model", {}), dict) and "hidden" in large.get("model", {}):
        _check_widths(data, model | {"hidden": large["model"]["hidden"]}, problem, "large.model.hidden")
    if len(problems) > before:
        return None
    spec = {"data": data, "model": model, "train": train}
    return Experiment(id=path.stem, path=path, spec=spec, source=text)


def _check_widths(data: dict, model: dict, problem, key: str) -> None:
    """What train.py's _model would refuse only once training started: a vector-field layer moves points of the
    plane (its bumps sit on a 2-D grid of anchors) and keeps the input's width, so every hidden width is the
    data's, and the data are 2-D."""
    if model["kind"] != "vector-field":
        return
    inputs = input_width(data)
    if inputs is None:
        return
    if inputs != 2:
        problem(key, f"a vector-field network moves points of the plane; the '{data['kind']}' data have {inputs} "
                     f"inputs, not 2")
    elif any(width != inputs for width in model["hidden"]):
        problem(key, f"vector-field layers keep the input's width: every hidden width must be {inputs} (the "
                     f"'{data['kind']}' data are {inputs}-D), got {model['hidden']}")


def input_width(data: dict) -> int | None:
    """How many inputs a [data] table's points have (a sample of one point per class is drawn), or None if that
    cannot be known without reading files (MNIST is 28x28 = 784)."""
    if data["kind"] == "mnist":
        return 28 * 28
    params = {k: v for k, v in data.items() if k != "kind"}
    if "points_per_class" in params:
        params["points_per_class"] = 1
    try:
        X, _ = datasets.KINDS[data["kind"]](**params)
    except Exception:  # noqa: BLE001 - parameters this sample cannot take are reported when the data are made
        return None
    return int(X.shape[1]) if getattr(X, "ndim", 0) == 2 else None


def _check_large(large, effective: dict, swept, problem) -> None:
    """[large.data], [large.model], [large.train]: each key one its section takes, of the right type and range
    (a data key one the file's dataset has); a key a [sweep] varies cannot be overridden. Errors name large.*."""
    if not isinstance(large, dict):
        return problem("large", "[large] holds the tables [large.data], [large.model] and [large.train]")
    for key, table in large.items():
        if key not in LARGE_SECTIONS or not isinstance(table, dict):
            problem(f"large.{key}", f"unknown key '{key}' in [large]; it holds the tables [large.data], "
                                    f"[large.model] and [large.train] (e.g. [large.train] seeds = 32)")
    for section in LARGE_SECTIONS:
        table = large.get(section, {})
        if not isinstance(table, dict) or not table:
            continue
        for key in table:
            if f"{section}.{key}" in swept:
                problem(f"large.{section}.{key}", f"'{section}.{key}' is swept in [sweep]; [large] cannot override it")

        def named(key, message, section=section):  # data.x -> large.data.x, so the error points at [large.data]
            problem(key if key.startswith("large.") else f"large.{key}",
                    message.replace(f"[{section}]", f"[large.{section}]"))

        if section == "data":
            if "kind" in table:
                named("data.kind", "[large.data] cannot change the dataset's kind")
            _check_data({k: v for k, v in table.items() if k != "kind"} | {"kind": effective["data"].get("kind")},
                        lambda key, message: named(key, message) if key != "data.kind" else None)
        else:
            schema = MODEL_KEYS if section == "model" else TRAIN_KEYS
            _check_table(section, table, schema, dict.fromkeys(schema), named)  # no key is required here


def _check_table(name, table, schema, defaults, problem):
    out = dict(defaults)
    for key, value in table.items():
        if key not in schema:
            problem(f"{name}.{key}", f"unknown key '{key}' in [{name}]; known: {', '.join(sorted(schema))}")
            continue
        kind, check, _ = schema[key]
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            problem(f"{name}.{key}", f"'{key}' must be {kind.__name__}, got {value!r}")
            continue
        if kind is float and not math.isfinite(value):
            problem(f"{name}.{key}", f"'{key}' must be a finite number, got {value!r}")
            continue
        message = check(value) if check else None
        if message:
            problem(f"{name}.{key}", f"'{key}' {message}, got {value!r}")
            continue
        out[key] = value
    for key in schema:
        if key not in table and key not in defaults:
            problem(name, f"[{name}] is missing '{key}'")
    return out


def _check_data(table, problem):
    kind = table.get("kind")
    maker = datasets.KINDS.get(kind)
    if maker is None:
        problem("data.kind", f"unknown dataset kind {kind!r}; known: {', '.join(sorted(datasets.KINDS))}")
        return {}
    params = inspect.signature(maker).parameters
    out = {"kind": kind}
    for name, param in params.items():
        if name == "seed" or param.default is inspect.Parameter.empty:
            continue
        out[name] = param.default
    out["seed"] = 0
    for key, value in table.items():
        if key == "kind":
            continue
        if key not in out:
            known = ", ".join(sorted(k for k in out if k != "kind"))
            problem(f"data.{key}", f"dataset '{kind}' has no parameter '{key}'; known: {known}")
            continue
        default = out[key]
        if isinstance(default, float) and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if type(value) is not type(default):
            problem(f"data.{key}", f"'{key}' must be {type(default).__name__}, got {value!r}")
            continue
        message = _data_range(key, value)
        if message:
            problem(f"data.{key}", f"'{key}' {message}, got {value!r}")
            continue
        out[key] = value
    return out


def _data_range(key: str, value) -> str | None:
    """Ranges every dataset shares: counts are positive (classes at least 2), numbers finite, noise not negative."""
    if isinstance(value, float) and not math.isfinite(value):
        return "must be a finite number"
    if key == "classes" and value < 2:
        return "must be at least 2"
    if key == "classes" and value > 1_000:
        return "must be at most 1,000"
    if isinstance(value, int) and key != "seed" and value < 1:
        return "must be positive"
    if isinstance(value, int) and key != "seed" and value > 1_000_000:
        return "must be at most 1,000,000"
    if key == "seed" and value < 0:
        return "must be zero or more"
    if key.startswith("noise") and value < 0:
        return "must be zero or more"
    return None


def _read_toml(path: Path, problems: list[Problem]) -> dict:
    try:
        return tomllib.loads(read_utf8(path))
    except BuildError as err:
        problems.extend(err.problems)
    except FileNotFoundError:
        problems.append(Problem(path, "file not found"))
    except tomllib.TOMLDecodeError as err:
        found = re.search(r"line (\d+)", str(err))
        problems.append(Problem(path, f"not valid TOML: {err}", line=int(found.group(1)) if found else None))
    return {}
