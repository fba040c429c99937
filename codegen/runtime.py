"""The generator's own copy of a self-contained runtime module (templates/runtime/).

Commands that check payloads against a catalog folder (`validate`) use the same code the
generated package ships, loaded from the template, so the two never disagree and the
generator needs no generated package to run.
"""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType

from codegen.render.env import TEMPLATES


def runtime_module(name: str) -> ModuleType:
    """templates/runtime/<name>.py as a module (it must import nothing from the runtime)."""
    qualified = f"codegen._runtime_{name}"
    if qualified in sys.modules:
        return sys.modules[qualified]
    spec = importlib.util.spec_from_file_location(qualified, TEMPLATES / "runtime" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[qualified] = module
    spec.loader.exec_module(module)
    return module
