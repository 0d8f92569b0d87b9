"""No lower app imports a higher one (issue 13). Layers, lowest first:

    0 shell base   portal/*.py and portal/templatetags (the Celery app, errors, amounts, health, ...)
    1 accounts     portal/accounts/
    2 applications
    3 reviews
    4 awards
    5 projects     awards/projects/ (app label "projects"): the project a confirmed award opens
    6 shell top    portal.settings, portal.urls, portal.api_urls, portal.views, portal.wsgi, portal.management
    7 tests        tests/ (tests/bench: the scale data and bench scripts)

A module imports from its own layer or lower ones (an import under `if TYPE_CHECKING:` too: a type from
above is a dependency on it); what a lower app must let a higher one do is registered
upward, in the higher app's AppConfig.ready() (the workflow's effects, visibility, the estimate, ...), and
a task is queued by its name (portal/queueing.py). The imports are read from the source, module level and
function level alike, so an import tucked into a function to dodge a cycle is found too.
"""

import ast
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCANNED = ("portal", "applications", "reviews", "awards", "tests/bench")
LAYER_NAMES = ["shell base", "accounts", "applications", "reviews", "awards", "projects", "shell top", "tests"]
SHELL_TOP = {"portal.settings", "portal.urls", "portal.api_urls", "portal.views", "portal.wsgi"}

# Where a function-level import of a project module is in order: the demo command and the bench scripts
# import what they drive when they run (they are the top of the house), and `ready()` imports what it
# registers because apps.py itself is imported before the models are loaded.
LAZY_ALLOWED_MODULES = {"portal.management.commands.load_demo"}
LAZY_ALLOWED_PREFIXES = ("tests.bench",)
# Any other function-level import of a project module that truly must stay lazy: "module": "why".
LAZY_ALLOWED: dict[str, str] = {}


def layer_of(module: str) -> int | None:
    """The layer of a project module; None for anything outside the project (Django, the standard library)."""

    def within(package: str) -> bool:
        return module == package or module.startswith(package + ".")

    if within("tests"):
        return 7
    if module in SHELL_TOP or within("portal.management"):
        return 6
    if within("awards.projects"):
        return 5
    if within("portal.accounts"):
        return 1
    if within("portal"):
        return 0
    for layer, app in ((2, "applications"), (3, "reviews"), (4, "awards")):
        if within(app):
            return layer
    return None


@dataclass(frozen=True)
class Import:
    where: str  # path:line
    source: str  # the importing module
    target: str  # the imported module
    in_function: bool
    type_checking: bool
    in_ready: bool  # inside an AppConfig's ready() in an apps.py


def module_name(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")


def project_files() -> list[Path]:
    files = []
    for top in SCANNED:
        files += [p for p in (ROOT / top).rglob("*.py") if "migrations" not in p.parts]
    return sorted(files)


# Every module of the project, to tell `from portal import accounts` (a module) from `from portal import X`.
KNOWN_MODULES = {module_name(p) for top in (*SCANNED, "tests") for p in (ROOT / top).rglob("*.py")}


class _Imports(ast.NodeVisitor):
    def __init__(self, module: str, where: str, is_package: bool):
        self.module, self.where, self.is_package = module, where, is_package
        self.functions, self.type_checking, self.ready = 0, 0, 0
        self.found: list[Import] = []

    def _add(self, node: ast.AST, target: str) -> None:
        where = f"{self.where}:{node.lineno}"
        if any(i.where == where and i.target == target for i in self.found):
            return  # `from awards.engine import Context, compute` is one import of awards.engine
        self.found.append(
            Import(
                where=where,
                source=self.module,
                target=target,
                in_function=self.functions > 0,
                type_checking=self.type_checking > 0,
                in_ready=self.ready > 0,
            )
        )

    def _function(self, node) -> None:
        is_ready = node.name == "ready" and self.module.endswith(".apps")
        self.functions += 1
        self.ready += is_ready
        self.generic_visit(node)
        self.functions -= 1
        self.ready -= is_ready

    visit_FunctionDef = visit_AsyncFunctionDef = _function

    def visit_Lambda(self, node: ast.Lambda) -> None:
        self.functions += 1
        self.generic_visit(node)
        self.functions -= 1

    def visit_If(self, node: ast.If) -> None:
        test = node.test
        guarded = (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
            isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
        )
        self.visit(test)
        self.type_checking += guarded
        for child in node.body:
            self.visit(child)
        self.type_checking -= guarded
        for child in node.orelse:
            self.visit(child)

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            self._add(node, alias.name)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        base = node.module or ""
        if node.level:
            package = self.module.split(".") if self.is_package else self.module.split(".")[:-1]
            package = package[: len(package) - (node.level - 1)]
            base = ".".join([*package, *([base] if base else [])])
        for alias in node.names:
            submodule = f"{base}.{alias.name}"
            # `from portal import accounts` imports the module portal.accounts, not a name of portal.
            self._add(node, submodule if submodule in KNOWN_MODULES else base)

    def visit_Call(self, node: ast.Call) -> None:
        # A dotted path handed to import_string()/import_module() is an import all the same.
        name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
        if name in ("import_string", "import_module") and node.args:
            argument = node.args[0]
            if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
                path = argument.value
                target = path if name == "import_module" or path in KNOWN_MODULES else path.rpartition(".")[0]
                self._add(node, target)
        self.generic_visit(node)


def imports_in(source: str, module: str, where: str, *, is_package: bool = False) -> list[Import]:
    visitor = _Imports(module, where, is_package)
    visitor.visit(ast.parse(source))
    return visitor.found


def upward_imports(imports: list[Import]) -> list[str]:
    problems = []
    for i in imports:
        source, target = layer_of(i.source), layer_of(i.target)
        if source is not None and target is not None and target > source:
            problems.append(f"{i.where}: {i.source} ({LAYER_NAMES[source]}) imports {i.target} ({LAYER_NAMES[target]})")
    return problems


def lazy_imports(imports: list[Import]) -> list[str]:
    problems = []
    for i in imports:
        if not i.in_function or i.type_checking or i.in_ready or layer_of(i.target) is None:
            continue
        if i.source in LAZY_ALLOWED_MODULES or i.source.startswith(LAZY_ALLOWED_PREFIXES) or i.source in LAZY_ALLOWED:
            continue
        problems.append(f"{i.where}: {i.source} imports {i.target} inside a function")
    return problems


def all_imports() -> list[Import]:
    found = []
    for path in project_files():
        found += imports_in(
            path.read_text(encoding="utf-8"),
            module_name(path),
            str(path.relative_to(ROOT)),
            is_package=path.name == "__init__.py",
        )
    return found


# --- the house --------------------------------------------------------------------------------------


def test_no_module_imports_from_a_higher_layer():
    problems = upward_imports(all_imports())
    assert not problems, (
        "A lower layer imports a higher one; register the higher app's handler in its AppConfig.ready() "
        "instead, or move the piece to where it is used:\n" + "\n".join(problems)
    )


def test_no_function_level_import_of_a_project_module():
    problems = lazy_imports(all_imports())
    assert not problems, (
        "Import at module level. If that makes a cycle, one of the two modules depends the wrong way: "
        "register upward (AppConfig.ready()), queue a task by its name (portal/queueing.py), or move the "
        "piece. A lazy import that truly must stay goes into LAZY_ALLOWED with its reason:\n" + "\n".join(problems)
    )


def test_the_scan_reads_every_app_and_sees_their_imports():
    imports = all_imports()
    sources = {i.source for i in imports}
    assert {
        "applications.workflow",
        "reviews.apps",
        "awards.apps",
        "awards.projects.apps",
        "portal.accounts.outbox",
    } <= (sources)
    assert "portal.management.commands.load_demo" in sources and "tests.bench.scale_data" in sources
    # The apps register upward: their ready() imports the workflow of the app below.
    assert any(i.source == "reviews.apps" and i.target == "applications.workflow" and i.in_ready for i in imports)


# --- the checker itself ---------------------------------------------------------------------------------


def test_layers_of_modules():
    assert layer_of("portal.errors") == layer_of("portal.templatetags.portal") == 0
    assert layer_of("portal.accounts.outbox") == 1
    assert (layer_of("applications"), layer_of("reviews.routing"), layer_of("awards.tasks")) == (2, 3, 4)
    assert layer_of("awards.projects") == layer_of("awards.projects.instalments") == 5
    assert layer_of("awards.projectsx") == 4  # a module of awards that merely starts with the name
    assert layer_of("portal.urls") == layer_of("portal.management.commands.load_demo") == 6
    assert layer_of("tests.bench.scale_data") == layer_of("tests.factories") == 7
    assert layer_of("django.db") is None and layer_of("portalx") is None and layer_of("awardsy.x") is None


SYNTHETIC = """
from typing import TYPE_CHECKING

from applications.models import Application
from portal import accounts
from reviews.models import ReviewTask
import awards.engine

if TYPE_CHECKING:
    from awards.models import Award


def effect():
    from reviews import routing

    return import_string("awards.handover.queue_award")


class ReviewsConfig:
    def ready(self):
        from reviews import decisions
"""


def test_the_checker_finds_upward_imports_at_module_and_function_level():
    imports = imports_in(SYNTHETIC, "applications.fake", "applications/fake.py")
    problems = upward_imports(imports)
    assert problems == [
        "applications/fake.py:6: applications.fake (applications) imports reviews.models (reviews)",
        "applications/fake.py:7: applications.fake (applications) imports awards.engine (awards)",
        "applications/fake.py:10: applications.fake (applications) imports awards.models (awards)",
        "applications/fake.py:14: applications.fake (applications) imports reviews.routing (reviews)",
        "applications/fake.py:16: applications.fake (applications) imports awards.handover (awards)",
        "applications/fake.py:21: applications.fake (applications) imports reviews.decisions (reviews)",
    ]
    # `from portal import accounts` is the accounts app (below applications), not the shell.
    assert any(i.target == "portal.accounts" for i in imports)
    # The same source is in order one layer up.
    assert upward_imports(imports_in(SYNTHETIC, "awards.fake", "awards/fake.py")) == []
    # Awards may not import its projects; projects may import awards.
    upward = "from awards.projects import lifecycle\n"
    assert upward_imports(imports_in(upward, "awards.money", "awards/money.py")) == [
        "awards/money.py:1: awards.money (awards) imports awards.projects.lifecycle (projects)"
    ]
    assert upward_imports(imports_in("from awards import money\n", "awards.projects.x", "awards/projects/x.py")) == []


def test_the_checker_finds_lazy_imports_but_not_type_checking_or_ready():
    problems = lazy_imports(imports_in(SYNTHETIC, "reviews.apps", "reviews/apps.py"))
    assert problems == [
        "reviews/apps.py:14: reviews.apps imports reviews.routing inside a function",
        "reviews/apps.py:16: reviews.apps imports awards.handover inside a function",
    ]
    # ready() is exempt only in an apps module; the demo command and the bench scripts are exempt.
    assert len(lazy_imports(imports_in(SYNTHETIC, "reviews.services", "reviews/services.py"))) == 3
    demo = "portal.management.commands.load_demo"
    assert lazy_imports(imports_in(SYNTHETIC, demo, "load_demo.py")) == []
    assert lazy_imports(imports_in(SYNTHETIC, "tests.bench.generate", "tests/bench/generate.py")) == []


def test_relative_imports_are_resolved():
    source = "from . import routing\nfrom .models import ReviewTask\nfrom ..awards import tasks\n"
    imports = imports_in(source, "reviews.services", "reviews/services.py")
    assert [i.target for i in imports] == ["reviews.routing", "reviews.models", "awards.tasks"]
    assert upward_imports(imports) == [
        "reviews/services.py:3: reviews.services (reviews) imports awards.tasks (awards)"
    ]
