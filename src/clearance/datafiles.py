"""The YAML data files shipped in ``clearance/data``: read once, with libyaml when it is there.

Every reference table (legal forms, nicknames, romanisations, effects, profiles, list and source
mappings) is parsed here. A file is parsed at most once per process, and the parsed value is
shared: callers build their own lookups from it and never change it.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import yaml

#: libyaml's safe loader when installed (about ten times faster), else the pure-Python one
YAML_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@cache
def load_data(name: str) -> Any:
    """Parse one YAML file of ``clearance/data`` (shared: do not modify the result)."""
    text = resources.files("clearance.data").joinpath(name).read_text(encoding="utf-8")
    return yaml.load(text, Loader=YAML_LOADER)  # a safe loader: C or pure Python
