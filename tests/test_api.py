"""Each module's public surface is one curated, sorted, complete `__all__`."""

from __future__ import annotations

import importlib
import pkgutil

import pytest

import bulkops

MODULES = sorted(
    name
    for _, name, _ in pkgutil.walk_packages(bulkops.__path__, "bulkops.")
    if not name.endswith("__main__")
)


def _isort(name: str) -> tuple[int, str]:
    # ruff's RUF022 order: CONSTANTS, then Classes, then functions
    return (0 if name.isupper() else 1 if name[:1].isupper() else 2, name)


@pytest.mark.parametrize("name", MODULES)
def test_all_is_sorted_and_importable(name: str) -> None:
    """`__all__` exists, is sorted, and every name in it exists."""
    module = importlib.import_module(name)
    exported = getattr(module, "__all__", None)
    assert exported is not None, f"{name} has no __all__"
    assert list(exported) == sorted(exported, key=_isort), f"{name}.__all__ is not sorted"
    for item in exported:
        assert hasattr(module, item), f"{name}.__all__ names missing {item}"


@pytest.mark.parametrize("name", MODULES)
def test_all_lists_every_public_definition(name: str) -> None:
    """Every public class and function defined in a module is in its `__all__`."""
    module = importlib.import_module(name)
    exported = set(getattr(module, "__all__", ()))
    for attribute, value in vars(module).items():
        if attribute.startswith("_") or getattr(value, "__module__", None) != name:
            continue
        if callable(value):
            assert attribute in exported, f"{name}.{attribute} is public but not in __all__"
