"""The Jinja2 sandbox texts run in: immutable, and unable to burn CPU or memory.

On top of Jinja's ``ImmutableSandboxedEnvironment`` (no Python internals, no changing the
answers), every way a text could grow a value or repeat work is counted or capped while it
renders: ``*``, ``**``, ``%``, ``+`` and ``~``; every filter and call, with widths and counts
checked *before* the work is done (``size_checks``, ``text_builtins``); every loop round and
macro call, weighed by the size of its body (``parse_guards`` builds the counters in); and the
output, stopped at 64 KB (``budget``). A limit hit raises ``LimitExceeded``, which the
dialogue turns into a ``RenderError``. The parse step refuses texts too big or nested too
deeply for Jinja's recursive parser and compiler, so they never reach them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from jinja2 import TemplateSyntaxError, nodes
from jinja2.environment import Template, TemplateExpression
from jinja2.sandbox import ImmutableSandboxedEnvironment

from bot.dialogue import limits, parse_guards
from bot.dialogue.budget import LimitExceeded, current
from bot.dialogue.size_checks import (
    WIDTH_METHODS,
    check_format,
    check_growth,
    check_join,
    check_width,
    repeats_too_much,
    text_size,
    too_big_power,
)
from bot.dialogue.text_builtins import argument, guarded_filters, guarded_globals

# Methods a text may call on answers and values; anything else on a str, number, list or
# dict is refused (format, translate, to_bytes, ... could build huge values unchecked).
_ALLOWED = """
    capitalize casefold center count endswith find index isalnum isalpha isdecimal isdigit
    islower isnumeric isspace istitle isupper join ljust lower lstrip partition removeprefix
    removesuffix replace rfind rindex rjust rpartition rsplit rstrip split splitlines
    startswith strip swapcase title upper zfill get items keys values copy bit_length
    is_integer striptags unescape
"""
ALLOWED_METHODS = frozenset(_ALLOWED.split())
_BUILTIN_VALUES = (str, bytes, int, float, complex, list, tuple, dict, set, frozenset, range)


class GuardedEnvironment(ImmutableSandboxedEnvironment):
    """The sandbox for dialogue texts and expressions (see the module's docstring)."""

    intercepted_binops = frozenset({"*", "**", "%", "+"})
    code_generator_class = parse_guards.GuardedCodeGenerator

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, finalize=self._finalize, **kwargs)
        self.names_read: dict[str, set[str]] = {}  # template file -> names it reads (names.py)
        self.filters = guarded_filters(self.filters)
        self.globals.update(guarded_globals())

    # -- while rendering -------------------------------------------------------------------

    @staticmethod
    def _finalize(value: Any) -> Any:
        return current().value(value)

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        """``*``, ``**``, ``%`` and ``+``, refused when the result would be too big."""
        budget = current()
        budget.step()
        if operator == "*":
            for seq, times in ((left, right), (right, left)):
                if repeats_too_much(seq, times):
                    raise LimitExceeded("'*' would repeat a value into one that is too big")
        elif operator == "**" and too_big_power(left, right):
            raise LimitExceeded("'**' would give a number that is too big")
        elif operator == "%" and isinstance(left, str):
            raise LimitExceeded("formatting texts with '%' is not allowed; join texts with ~")
        elif (
            operator == "+"
            and isinstance(left, str | list | tuple)
            and isinstance(right, str | list | tuple)
            and len(left) + len(right) > limits.MAX_VALUE_CHARS
        ):
            raise LimitExceeded("'+' would build a value that is too big")
        return budget.value(self.binop_table[operator](left, right))

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805
        """Call from a text: counted, and string methods' sizes checked first."""
        budget = current()
        budget.step()
        owner, name = getattr(__obj, "__self__", None), getattr(__obj, "__name__", "")
        if isinstance(owner, str | list | tuple | dict):
            budget.value(owner)
        if isinstance(owner, str):
            if name in WIDTH_METHODS:
                check_width(argument(args, kwargs, 0, "width"))
            elif name == "replace":
                check_growth(owner, *(list(args[:2]) + [None] * (2 - len(args[:2]))))
            elif name == "join" and args:
                items = list(args[0])
                check_join(owner, items)
                args = (items, *args[1:])
        return budget.value(super().call(__context, __obj, *args, **kwargs))

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        """Jinja's rules, plus: only the harmless methods of strings, numbers and lists."""
        if not super().is_safe_attribute(obj, attr, value):
            return False
        return not (isinstance(obj, _BUILTIN_VALUES) and callable(value)) or (
            attr in ALLOWED_METHODS
        )

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        """``"...".format(...)``, its widths and size checked first; no ``format_map``."""
        wrapped = super().wrap_str_format(value)
        if wrapped is None or value.__name__ != "format":
            return None
        spec = value.__self__

        def format(*args: Any, **kwargs: Any) -> str:
            check_format(spec, args, kwargs)
            return wrapped(*args, **kwargs)

        return format

    def guard_loop(self, iterable: Any, weight: int) -> Iterator[Any]:
        """What every ``{% for %}`` iterates: counts each round, weighed by its body."""
        budget = current()
        for item in iterable:
            budget.step(weight)
            yield item

    def guard_concat(self, parts: tuple[Any, ...]) -> tuple[Any, ...]:
        """The parts of ``a ~ b ~ ...``, if together they are not too big."""
        size = text_size(parts)
        if size > limits.MAX_VALUE_CHARS:
            raise LimitExceeded("'~' would build a text that is too big")
        current().step(1 + size // 64)
        return parts

    def charge(self, weight: int) -> str:
        """Counts one macro call, weighed by the macro's body."""
        current().step(weight)
        return ""

    # -- when parsing ----------------------------------------------------------------------

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        parse_guards.check_size(source, name, filename)
        parse_guards.check_nesting(self, source, name, filename)
        try:
            tree = super()._parse(source, name, filename)
        except RecursionError:
            raise TemplateSyntaxError("the text is nested too deeply", 1, name, filename) from None
        parse_guards.check_depth(tree, name, filename)
        parse_guards.add_guards(tree)
        return tree

    def template_from_tree(self, tree: nodes.Template) -> Template:
        """Compile a tree returned by ``parse`` (saves parsing the text a second time)."""
        return self.template_class.from_code(self, self.compile(tree), self.make_globals(None))

    def expression_from_tree(self, tree: nodes.Template) -> TemplateExpression:
        """Compile the one ``{{ expression }}`` of ``tree`` as ``compile_expression`` would."""
        [output] = tree.body
        assert isinstance(output, nodes.Output)
        body = [nodes.Assign(nodes.Name("result", "store"), output.nodes[0], lineno=1)]
        template = self.template_from_tree(nodes.Template(body, lineno=1))
        return TemplateExpression(template, undefined_to_none=False)
