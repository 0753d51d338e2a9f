"""The Jinja2 sandbox texts run in: immutable, and unable to burn CPU or memory.

On top of Jinja's ``ImmutableSandboxedEnvironment`` (no Python internals, no changing the
answers), every way a text could grow a value or repeat work is counted or capped while it
renders: ``*``, ``**``, ``%``, ``+`` and ``~``; every filter and call, with widths and counts
checked *before* the work is done; every loop round and macro call, weighed by the size of
its body; and the output, stopped at 64 KB. A limit hit raises ``LimitExceeded``, which the
dialogue turns into a ``RenderError``. The parse step refuses texts too big or nested too
deeply for Jinja's recursive parser and compiler, so they never reach them.
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextvars import ContextVar
from functools import wraps
from typing import Any

from jinja2 import TemplateSyntaxError, nodes, pass_context
from jinja2.compiler import CodeGenerator, Frame, optimizeconst
from jinja2.environment import Template, TemplateExpression
from jinja2.exceptions import SecurityError
from jinja2.runtime import Context
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.utils import _PassArg, generate_lorem_ipsum

from bot.dialogue import dates, limits
from bot.dialogue.answer_checks import pick, pushy, short, vague, vague_plan

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
_WIDTH_METHODS = frozenset({"center", "ljust", "rjust", "zfill"})
_PERCENT_SPEC = re.compile(r"%(?:\([^)]*\))?[#0\- +]*(\*|\d+)?(?:\.(\*|\d+))?")
GUARD_LOOP, CHARGE = "guard_loop", "charge"
# Filters that take much longer per character or item than copying (measured): charged more.
_SLOW_FILTERS = {"urlize": 32, "wordwrap": 32, "pprint": 64, "xmlattr": 8, "title": 4}
_SLOW_FILTERS |= {"wordcount": 4, "striptags": 2, "tojson": 2}


class LimitExceeded(SecurityError):
    """A text tried to use more time, memory or output than content may."""


class Budget:
    """The work one rendering may still do; shared by everything it calls."""

    __slots__ = ("steps",)

    def __init__(self) -> None:
        self.steps = 0

    def step(self, weight: int = 1) -> None:
        """Count ``weight`` units of work; refuse when the rendering has done too much."""
        self.steps += weight
        if self.steps > limits.MAX_STEPS:
            raise LimitExceeded(
                "the text needs too much work to show (loops or calls over large values)"
            )

    def value(self, value: Any, rate: int = 1) -> Any:
        """Count a value built or worked on (``rate`` times for slow work); refuse a too big one.

        A text costs a unit per 64 characters, a list or mapping one per two items (sorting
        an item takes about as long as copying 64 characters). Returns the value.
        """
        if isinstance(value, str):
            size, cost = len(value), len(value) // 64
        elif isinstance(value, list | tuple | dict | set | frozenset):
            size, cost = len(value), len(value) // 2
        else:
            size, cost = 1, 0
        if size > limits.MAX_VALUE_CHARS:
            raise LimitExceeded(f"a value of {size:,} characters or items is too big")
        self.step(1 + cost * rate)
        return value


_BUDGET: ContextVar[Budget | None] = ContextVar("coachbot_render_budget", default=None)


def current() -> Budget:
    """The budget of the rendering under way (a throwaway one outside of any)."""
    return _BUDGET.get() or Budget()


def render(template: Template, context: Mapping[str, Any]) -> str:
    """Render within the budget; refuse output over ``MAX_OUTPUT_BYTES``."""
    token = _BUDGET.set(Budget())
    try:
        parts, size = [], 0
        for chunk in template.generate(context):
            size += len(chunk.encode("utf-8", "surrogatepass"))
            if size > limits.MAX_OUTPUT_BYTES:
                raise LimitExceeded(f"the text is longer than {limits.MAX_OUTPUT_BYTES:,} bytes")
            parts.append(chunk)
        return "".join(parts)
    finally:
        _BUDGET.reset(token)


def evaluate(expression: Callable[..., Any], context: Mapping[str, Any]) -> Any:
    """Evaluate a compiled expression within the budget."""
    token = _BUDGET.set(Budget())
    try:
        return current().value(expression(**context))
    finally:
        _BUDGET.reset(token)


def _width(value: Any, what: str = "width") -> None:
    if isinstance(value, int) and abs(value) > limits.MAX_WIDTH:
        raise LimitExceeded(f"a {what} of {value:,} is more than {limits.MAX_WIDTH}")


def _text_size(values: Iterable[Any]) -> int:
    return sum(len(v) if isinstance(v, str) else len(str(v)) for v in values)


def _check_growth(text: Any, old: Any, new: Any) -> None:
    """``text.replace(old, new)`` must not grow past the value limit."""
    if isinstance(text, str) and isinstance(old, str) and isinstance(new, str):
        count = len(text) + 1 if not old else text.count(old)
        if len(text) + count * max(len(new) - len(old), 0) > limits.MAX_VALUE_CHARS:
            raise LimitExceeded("replace() would build a text that is too big")


def _check_join(separator: Any, items: list[Any]) -> None:
    size = _text_size(items) + len(str(separator)) * max(len(items) - 1, 0)
    if size > limits.MAX_VALUE_CHARS:
        raise LimitExceeded("join would build a text that is too big")


def check_percent_format(spec: Any) -> None:
    """Refuse ``%`` format widths over ``MAX_WIDTH`` (``"%9999s"|format(x)``)."""
    if not isinstance(spec, str):
        return
    for match in _PERCENT_SPEC.finditer(spec):
        for number in match.groups():
            if number == "*":
                raise LimitExceeded("'*' widths are not allowed in format")
            if number is not None:
                _width(int(number))


def check_format(
    spec: str, args: Iterable[Any] = (), kwargs: Mapping[str, Any] | None = None
) -> None:
    """Refuse ``str.format`` widths over ``MAX_WIDTH``, nested fields, or a too big result."""
    fields = 0
    for _, field, format_spec, _ in string.Formatter().parse(spec):
        if field is None:
            continue
        fields += 1
        if "{" in (format_spec or ""):
            raise LimitExceeded("a format field inside a format field is not allowed")
        for number in re.findall(r"\d+", format_spec or ""):
            _width(int(number))
    values = [*args, *(kwargs or {}).values()]
    biggest = max((len(str(v)) for v in values), default=0)
    if len(spec) + fields * biggest > limits.MAX_VALUE_CHARS:
        raise LimitExceeded("format would build a text that is too big")


def repeats_too_much(seq: Any, times: Any) -> bool:
    return (
        isinstance(seq, str | list | tuple)
        and isinstance(times, int)
        and len(seq) * times > limits.MAX_VALUE_CHARS
    )


def too_big_power(left: Any, right: Any) -> bool:
    """Whether ``left ** right`` (whole numbers) has more than ``MAX_POWER_BITS`` bits."""
    return (
        isinstance(left, int)
        and isinstance(right, int)
        and right > 0
        and abs(left) > 1
        and right * abs(left).bit_length() > limits.MAX_POWER_BITS
    )


def _arg(args: tuple[Any, ...], kwargs: Mapping[str, Any], index: int, name: str) -> Any:
    return args[index] if len(args) > index else kwargs.get(name)


def _filter_check(name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[Any, ...]:
    """Check a filter's arguments (the value first) before it runs; may return new args."""
    if name in ("center", "indent"):
        width = _arg(args, kwargs, 1, "width")
        _width(len(width) if isinstance(width, str) else width)
    elif name in ("batch", "slice"):
        _width(_arg(args, kwargs, 1, "linecount" if name == "batch" else "slices"), "count")
    elif name == "wordwrap":
        wrap = _arg(args, kwargs, 4, "wrapstring") or "\n"
        text = args[0] if args else ""
        if isinstance(text, str) and len(text) * (1 + len(str(wrap))) > limits.MAX_VALUE_CHARS:
            raise LimitExceeded("wordwrap would build a text that is too big")
    elif name == "replace":
        _check_growth(*(list(args[:3]) + [None] * (3 - len(args[:3]))))
    elif name == "join":
        items = list(args[0]) if args else []
        _check_join(_arg(args, kwargs, 1, "d") or "", items)
        return (items, *args[1:])
    elif name == "format":
        check_percent_format(args[0] if args else None)
    elif name == "short":
        _width(_arg(args, kwargs, 1, "width"))
    return args


def _guard_filter(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    skip = 1 if _PassArg.from_obj(function) is not None else 0
    rate = _SLOW_FILTERS.get(name, 1)

    @wraps(function)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        budget = current()
        args = (*args[:skip], *_filter_check(name, args[skip:], kwargs))
        if len(args) > skip:
            budget.value(args[skip], rate)
        return budget.value(function(*args, **kwargs))

    return guarded


def _small_range(*args: int) -> range:
    result = range(*args)
    if len(result) > limits.MAX_RANGE:
        raise LimitExceeded(f"range() is limited to {limits.MAX_RANGE} items in dialogue texts")
    return result


def _counted(check: Callable[[Any], bool]) -> Callable[..., bool]:
    """An answer check such as ``vague(answer)``, its work counted like a filter's."""

    @wraps(check)
    def guarded(value: Any = None) -> bool:
        current().value(value)
        return check(value)

    return guarded


def _guarded_pick(answer: Any = None, *choices: Any) -> Any:
    """``pick(answer, example_1, example_2)`` in texts and conditions, its work counted."""
    current().value(answer)
    return pick(answer, *choices)


@pass_context
def _days_until(context: Context, value: Any) -> int:
    """``days_until(when)``: days from the user's today to a saved date (0 = today)."""
    day, today = dates.as_date(value), dates.as_date(context.get("today"))
    if day is None or today is None:
        raise LimitExceeded(f"days_until() needs a saved date, not {value!r}")
    return (day - today).days


@pass_context
def _day_filter(context: Context, value: Any) -> str:
    """``{{ when|day }}``: "vrijdag 4 december" / "Friday 4 December" in the user's language."""
    day, today = dates.as_date(value), dates.as_date(context.get("today"))
    if day is None:
        raise LimitExceeded(f"|day needs a saved date, not {value!r}")
    return dates.day_label(day, str(context.get("lang")), today)


def _small_lipsum(n: int = 5, html: bool = True, min: int = 20, max: int = 100) -> str:
    _width(max, "lipsum size")
    if n > limits.MAX_LIPSUM:
        raise LimitExceeded(f"lipsum() gives at most {limits.MAX_LIPSUM} paragraphs")
    return generate_lorem_ipsum(n, html, min, max)


class GuardedEnvironment(ImmutableSandboxedEnvironment):
    """The sandbox for dialogue texts and expressions (see the module's docstring)."""

    intercepted_binops = frozenset({"*", "**", "%", "+"})

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, finalize=self._finalize, **kwargs)
        self.names_read: dict[str, set[str]] = {}  # template file -> names it reads (names.py)
        self.filters["short"] = short
        self.filters["day"] = _day_filter
        self.filters = {name: _guard_filter(name, f) for name, f in self.filters.items()}
        self.globals["range"] = _small_range
        self.globals["lipsum"] = _small_lipsum
        for check in (vague, vague_plan, pushy):
            self.globals[check.__name__] = _counted(check)
        self.globals["pick"] = _guarded_pick
        self.globals["days_until"] = _days_until

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
            if name in _WIDTH_METHODS:
                _width(_arg(args, kwargs, 0, "width"))
            elif name == "replace":
                _check_growth(owner, *(list(args[:2]) + [None] * (2 - len(args[:2]))))
            elif name == "join" and args:
                items = list(args[0])
                _check_join(owner, items)
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
        size = _text_size(parts)
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
        if len(source) > limits.MAX_TEMPLATE_CHARS:
            raise TemplateSyntaxError(
                f"the text has {len(source):,} characters; at most "
                f"{limits.MAX_TEMPLATE_CHARS:,} are allowed",
                1,
                name,
                filename,
            )
        _check_nesting(self, source, name, filename)
        try:
            tree = super()._parse(source, name, filename)
        except RecursionError:
            raise TemplateSyntaxError("the text is nested too deeply", 1, name, filename) from None
        deepest, line = _depth(tree)
        if deepest > limits.MAX_TEMPLATE_DEPTH:
            raise TemplateSyntaxError(
                f"the text is nested more than {limits.MAX_TEMPLATE_DEPTH} levels deep "
                "(brackets, blocks or a long chain of operations or filters)",
                line,
                name,
                filename,
            )
        _add_guards(tree)
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


class _GuardedCodeGenerator(CodeGenerator):
    """Jinja's code generator, with ``~`` checked before it joins."""

    @optimizeconst
    def visit_Concat(self, node: nodes.Concat, frame: Frame) -> None:  # noqa: N802 (Jinja's name)
        """``a ~ b``: the parts' total size is checked before they are joined."""
        if frame.eval_ctx.volatile:
            join = "(markup_join if context.eval_ctx.volatile else str_join)"
        elif frame.eval_ctx.autoescape:
            join = "markup_join"
        else:
            join = "str_join"
        self.write(f"{join}(environment.guard_concat((")
        for arg in node.nodes:
            self.visit(arg, frame)
            self.write(", ")
        self.write(")))")


_OPENERS, _CLOSERS = frozenset("([{"), frozenset(")]}")
_BLOCKS = frozenset({"if", "for", "macro", "call", "filter", "with", "block", "autoescape"})


GuardedEnvironment.code_generator_class = _GuardedCodeGenerator


def _check_nesting(
    env: GuardedEnvironment, source: str, name: str | None, filename: str | None
) -> None:
    """Refuse brackets or blocks nested too deeply before Jinja's recursive parser sees them."""
    depth, unary, after_block_start = 0, 0, False
    for line, kind, value in env.lexer.tokeniter(source, name, filename):
        if kind == "whitespace":
            continue
        if kind == "operator" and value in _OPENERS:
            depth += 1
        elif kind == "operator" and value in _CLOSERS:
            depth -= 1
        elif after_block_start and kind == "name":
            depth += value in _BLOCKS
            depth -= value.startswith("end") and value != "endset"  # block sets are not counted
        # "- - - x" and "not not x" nest as deeply as brackets do
        unary = unary + 1 if value in ("-", "+", "not") and kind in ("operator", "name") else 0
        after_block_start = kind == "block_begin"
        if depth + unary > limits.MAX_NESTING:
            raise TemplateSyntaxError(
                f"brackets or blocks are nested more than {limits.MAX_NESTING} levels deep",
                line,
                name,
                filename,
            )


def _depth(tree: nodes.Node) -> tuple[int, int]:
    """(depth of the deepest node, its line), without recursion."""
    deepest, line = 0, 1
    stack = [(tree, 0)]
    while stack:
        node, depth = stack.pop()
        if depth > deepest:
            deepest, line = depth, getattr(node, "lineno", line) or line
        stack.extend((child, depth + 1) for child in node.iter_child_nodes())
    return deepest, line


def weight(body: Iterable[nodes.Node]) -> int:
    """The work units one run of ``body`` is charged: its nodes and its literal text."""
    total, stack = 0, list(body)
    while stack:
        node = stack.pop()
        total += 1 + (len(node.data) // 64 if isinstance(node, nodes.TemplateData) else 0)
        stack.extend(node.iter_child_nodes())
    return total


def _add_guards(tree: nodes.Template) -> None:
    """Make every loop count its rounds and every macro its calls (done at parse time)."""
    for loop in tree.find_all(nodes.For):
        cost = weight([*loop.body, *loop.else_, *([loop.test] if loop.test else [])])
        guard = nodes.EnvironmentAttribute(GUARD_LOOP, lineno=loop.lineno)
        loop.iter = nodes.Call(
            guard, [loop.iter, nodes.Const(cost)], [], None, None, lineno=loop.lineno
        )
    for macro in tree.find_all((nodes.Macro, nodes.CallBlock)):
        assert isinstance(macro, nodes.Macro | nodes.CallBlock)
        charge = nodes.EnvironmentAttribute(CHARGE, lineno=macro.lineno)
        call = nodes.Call(charge, [nodes.Const(weight(macro.body))], [], None, None)
        macro.body.insert(0, nodes.ExprStmt(call, lineno=macro.lineno))


def loop_iterable(loop: nodes.For) -> nodes.Node:
    """The iterable a loop was written with (under the guard ``_add_guards`` put around it)."""
    guarded = loop.iter
    if (
        isinstance(guarded, nodes.Call)
        and isinstance(guarded.node, nodes.EnvironmentAttribute)
        and guarded.node.name == GUARD_LOOP
    ):
        first = guarded.args[0]
        assert isinstance(first, nodes.Expr)
        return first
    return guarded
