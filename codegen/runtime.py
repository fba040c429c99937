"""The generator's own copy of the runtime (templates/runtime/), importable as a package.

Commands that check payloads against a catalog folder (`validate`) use the same code the
generated package ships, loaded from the templates, so the two never disagree and the
generator needs no generated package to run. Only stdlib-only modules are loaded this way
(`unknown`, `pointer`); the package's `__init__` imports nothing.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from types import ModuleType

from codegen.cache import TEMPLATES

PACKAGE = "codegen_templates_runtime"


def runtime_module(name: str) -> ModuleType:
    """templates/runtime/<name>.py as `codegen_templates_runtime.<name>`."""
    if PACKAGE not in sys.modules:
        folder = TEMPLATES / "runtime"
        spec = importlib.util.spec_from_file_location(
            PACKAGE, folder / "__init__.py", submodule_search_locations=[str(folder)]
        )
        assert spec is not None and spec.loader is not None
        package = importlib.util.module_from_spec(spec)
        sys.modules[PACKAGE] = package
        spec.loader.exec_module(package)
    return importlib.import_module(f"{PACKAGE}.{name}")
