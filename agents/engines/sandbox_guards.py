"""The sandbox's guards while code runs: ``getattr``, ``setattr`` and ``delattr`` as generated
code gets them (``agents.engines.sandbox_policy`` routes attribute access here), and a checked
``str.format``: its ``{0.name}`` fields are walked as ``getattr`` walks them here, so
``'{0._os.environ}'.format(random)`` no longer prints the process's environment.
"""

from __future__ import annotations

import _string
import functools
import string
from collections.abc import Callable, Mapping
from types import ModuleType
from typing import Any

from smolagents.local_python_executor import InterpreterError

from agents.engines.sandbox_policy import FORMAT_METHODS, SANDBOX_MODULE, is_private, name_problem


def made_here(obj: Any) -> bool:
    """Whether ``obj`` is a class the sandboxed code defined, or an instance of one."""
    cls = obj if isinstance(obj, type) else type(obj)
    return bool(getattr(cls, "__module__", None) == SANDBOX_MODULE)


def _what(obj: Any) -> str:
    if isinstance(obj, ModuleType):
        return f"the module {obj.__name__}"
    return f"the class {obj.__name__}" if isinstance(obj, type) else f"{type(obj).__name__} objects"


def sandbox_getattr(obj: Any, name: str, *default: Any) -> Any:
    """``getattr`` for sandboxed code: no dunders or internals, private only on its own objects."""
    problem = name_problem(name)
    if problem is None and is_private(name) and not made_here(obj):
        problem = f"'{name}' is private to {_what(obj)} and not accessible here"
    if problem:
        raise InterpreterError(problem)
    if name in FORMAT_METHODS and (checked := _checked_format_method(obj, name)):
        return checked
    return getattr(obj, name, *default)


class _CheckedFormatter(string.Formatter):
    """``str.format`` whose ``{0.name}`` fields follow the rules of ``sandbox_getattr``."""

    def get_field(self, field_name: str, args: Any, kwargs: Any) -> tuple[Any, Any]:
        first, rest = _string.formatter_field_name_split(field_name)
        value = self.get_value(first, args, kwargs)
        for is_attribute, key in rest:
            value = sandbox_getattr(value, key) if is_attribute else value[key]
        return value, first


def _format(template: str, /, *args: Any, **kwargs: Any) -> str:
    return _CheckedFormatter().vformat(template, args, kwargs)


def _format_map(template: str, mapping: Mapping[str, Any], /) -> str:
    return _CheckedFormatter().vformat(template, (), mapping)


def _checked_format_method(obj: Any, name: str) -> Callable[..., str] | None:
    """The checked stand-in for ``str.format`` or ``format_map`` (bound when ``obj`` is a str)."""
    cls = obj if isinstance(obj, type) else type(obj)
    if not issubclass(cls, str) or getattr(cls, name, None) is not getattr(str, name):
        return None  # not str's own method: a class of the code's may define its own
    method = _format if name == "format" else _format_map
    return method if isinstance(obj, type) else functools.partial(method, obj)


def _check_change(obj: Any, name: str) -> None:
    problem = name_problem(name)
    if problem is None and not made_here(obj):
        problem = f"cannot change '{name}' of {_what(obj)}: only objects this code made can change"
        if type(obj).__name__ == "Context":
            problem += "; for decimal precision use decimal.localcontext(prec=...)"
    if problem:
        raise InterpreterError(problem)


def sandbox_setattr(obj: Any, name: str, value: Any) -> None:
    """``setattr`` (and ``x.name = ...``) for sandboxed code: only on objects it created."""
    _check_change(obj, name)
    setattr(obj, name, value)


def sandbox_delattr(obj: Any, name: str) -> None:
    """``del x.name`` for sandboxed code: only on objects it created."""
    _check_change(obj, name)
    delattr(obj, name)
