"""Keyword arguments to configuration keys.

A keyword names a key of config/flowfeat.yaml in one of three ways:

- its path with ``__`` between sections: ``flows__idle_timeout``, ``output__kafka__brokers``;
- its path with ``_`` between sections, or any ending of that which names one key only:
  ``flows_idle_timeout``, ``idle_timeout``, ``capture_threads``, ``kafka_brokers``;
- a section with a dict of its keys: ``flows={"idle_timeout": 60, "dpi": {"enabled": False}}``.

The values are checked by the daemon's own configuration loader.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from typing import Any

from . import _flowfeat
from ._errors import ConfigError

_KEYS: list[str] = list(_flowfeat.configuration_keys())
_SECTIONS = {key.split(".")[0] for key in _KEYS}


def _endings(key: str) -> list[str]:
    parts = key.split(".")
    return ["_".join(parts[i:]) for i in range(len(parts))]


def resolve(name: str) -> list[str]:
    """The keys (or sections) a keyword may name: one when it is clear."""
    if "__" in name:
        return [name.replace("__", ".")]
    exact = [key for key in _KEYS if key.replace(".", "_") == name]
    if exact:
        return exact
    return [key for key in _KEYS if name in _endings(key)]


def _plain(value: Any, where: str) -> Any:
    """The value as JSON can carry it, which the configuration loader reads as YAML."""
    if isinstance(value, (bool, int, float, str)) or value is None:
        return value
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    if isinstance(value, Mapping):
        return {str(k): _plain(v, f"{where}.{k}") for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v, where) for v in value]
    raise ConfigError(f"{where}: a value of type {type(value).__name__} is not a configuration value")


def _place(tree: dict, path: str, value: Any) -> None:
    parts = path.split(".")
    node = tree
    for part in parts[:-1]:
        node = node.setdefault(part, {})
        if not isinstance(node, dict):
            raise ConfigError(f"{path}: given both as a value and as a section")
    if isinstance(node.get(parts[-1]), dict) and isinstance(value, dict):
        node[parts[-1]].update(value)
    else:
        node[parts[-1]] = value


def document(settings: Mapping[str, Any]) -> str:
    """The keyword arguments as one configuration document, or "" when there are none. Raises
    ConfigError listing every keyword that names no key or several."""
    tree: dict = {}
    problems = []
    for name, value in settings.items():
        if name in _SECTIONS and isinstance(value, Mapping):
            _place(tree, name, _plain(value, name))
            continue
        keys = resolve(name)
        if not keys:
            problems.append(f"{name}: not a configuration key (flowfeat.configuration_keys() lists them)")
        elif len(keys) > 1:
            problems.append(f"{name}: names several keys, say which: " + ", ".join(k.replace(".", "__") for k in keys))
        else:
            _place(tree, keys[0], _plain(value, keys[0]))
    if problems:
        raise ConfigError("keyword arguments:\n" + "\n".join(problems))
    return json.dumps(tree) if tree else ""


def configuration_keys() -> list[str]:
    """Every key of the configuration file (config/flowfeat.yaml), dotted: ``flows.idle_timeout``."""
    return list(_KEYS)
