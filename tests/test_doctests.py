"""Worked examples in docstrings are tests too (DESIGN §7)."""

import doctest
import importlib
import pkgutil

import pytest

import policydiff

MODULES = sorted(
    info.name for info in pkgutil.walk_packages(policydiff.__path__, prefix="policydiff.")
    if not info.name.endswith("__main__")
)


@pytest.mark.parametrize("module_name", MODULES)
def test_docstring_examples(module_name):
    module = importlib.import_module(module_name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0, f"{result.failed} doctest(s) failed in {module_name}"
