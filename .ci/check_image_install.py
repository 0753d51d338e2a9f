"""Checks the Docker image's install steps without Docker; ``make test`` runs it.

    python .ci/check_image_install.py [--keep]

1. Copies the build context the way ``docker build`` would see it from this work tree: the
   files git tracks or would track (uncommitted edits included), less ``.dockerignore``.
2. Replays the Dockerfile: each stage gets a folder of its own standing for its file system;
   FROM, WORKDIR, ENV and COPY (``--from`` too) are followed, and every ``RUN python ...``
   step runs in one fresh virtual environment. RUN steps that need the base image or root
   (``useradd``, ``mkdir /data``) are listed as skipped.
3. Runs the installed ``coachbot`` as the image would, in the last stage's WORKDIR with its
   ENV (``/data`` mapped to the stage's folder): ``--help``, ``validate``, ``db upgrade``,
   the HEALTHCHECK command with and without a fresh heartbeat, and the default command
   without a token.

It also fails when the code is copied before the dependencies are installed (every code edit
would then reinstall them). One difference from the image, for speed only: the pip cache is
used (PIP_NO_CACHE_DIR from the Dockerfile is left out). Exit 1 on any failure.
"""

from __future__ import annotations

import fnmatch
import json
import os
import posixpath
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
NOT_APPLIED = {"PIP_NO_CACHE_DIR"}
HEARTBEAT = "heartbeat"  # bot/ops/heartbeat.py FILE_NAME, in COACHBOT_DATA_DIR


class CheckFailed(Exception):
    """A step of the image failed; the message says which and why."""


@dataclass(frozen=True)
class Instruction:
    """One Dockerfile instruction, continuation lines joined."""

    keyword: str
    args: str
    line: int

    def __str__(self) -> str:
        return f"Dockerfile:{self.line}: {self.keyword} {self.args}"


@dataclass
class Stage:
    """A build stage: its file system is a folder here."""

    root: Path
    workdir: str = "/"
    env: dict[str, str] = field(default_factory=dict)
    installed_before_code: bool | None = None  # None until bot/ is copied

    def path(self, path: str) -> Path:
        """Where ``path`` (absolute, or relative to the WORKDIR) of the stage lies here."""
        absolute = posixpath.normpath(posixpath.join(self.workdir, path))
        return self.root / absolute.lstrip("/")


def instructions(text: str) -> Iterator[Instruction]:
    """The Dockerfile's instructions in order, comments dropped, continuations joined."""
    logical, start = "", 0
    for number, raw in enumerate(text.splitlines(), 1):
        stripped = raw.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if not logical:
            start = number
        if stripped.endswith("\\"):
            logical += stripped[:-1].strip() + " "
            continue
        keyword, _, args = (logical + stripped).partition(" ")
        yield Instruction(keyword.upper(), args.strip(), start)
        logical = ""


def context_files() -> list[str]:
    """The files a build context from this work tree holds (as git sees them)."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO,
        capture_output=True,
        check=True,
    ).stdout.decode()
    ignore = REPO / ".dockerignore"
    patterns = []
    if ignore.exists():
        lines = ignore.read_text().splitlines()
        patterns = [p.strip().rstrip("/") for p in lines if p.strip() and not p.startswith("#")]
    files = [name for name in listed.split("\0") if name and (REPO / name).is_file()]
    return [name for name in files if not _ignored(name, patterns)]


def _ignored(name: str, patterns: list[str]) -> bool:
    parts = name.split("/")
    prefixes = ["/".join(parts[: n + 1]) for n in range(len(parts))]
    for pattern in patterns:
        if pattern.startswith("**/"):
            if any(fnmatch.fnmatch(part, pattern.removeprefix("**/")) for part in parts):
                return True
        elif any(fnmatch.fnmatch(prefix, pattern) for prefix in prefixes):
            return True
    return False


def copy_into(sources: list[Path], destination: Path, into_folder: bool) -> None:
    """COPY: a folder's contents, or files, into ``destination``."""
    for source in sources:
        if not source.exists():
            raise CheckFailed(f"COPY source {source.name} does not exist in the build context")
        if source.is_dir():
            shutil.copytree(source, destination, dirs_exist_ok=True)
            continue
        target = destination / source.name if into_folder else destination
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)


class Replay:
    """Builds the image's stages in folders under ``work``."""

    def __init__(self, work: Path, context: Path, venv: Path) -> None:
        self.work, self.context, self.venv = work, context, venv
        self.stages: dict[str, Stage] = {}  # by index and by name
        self.built = 0
        self.stage = Stage(work)
        self.ran_pip = False
        self.healthcheck: list[str] = []
        self.entrypoint: list[str] = []
        self.cmd: list[str] = []

    def run(self, dockerfile: Path) -> Stage:
        """Replay every instruction; the last stage."""
        for instruction in instructions(dockerfile.read_text()):
            handler = getattr(self, f"_{instruction.keyword.lower()}", None)
            if handler is not None:
                handler(instruction)
        if not self.ran_pip:
            raise CheckFailed("the Dockerfile has no `RUN python -m pip install` step")
        if self.stage.installed_before_code is False:
            raise CheckFailed(
                "bot/ is copied before the dependencies are installed: every code edit would "
                "reinstall them"
            )
        return self.stage

    def _from(self, instruction: Instruction) -> None:
        words = instruction.args.split()
        self.stage = Stage(self.work / f"stage{self.built}")
        self.stage.root.mkdir(parents=True)
        self.stages[str(self.built)] = self.stage
        self.built += 1
        if len(words) == 3 and words[1].upper() == "AS":
            self.stages[words[2]] = self.stage

    def _workdir(self, instruction: Instruction) -> None:
        self.stage.workdir = posixpath.join(self.stage.workdir, instruction.args)
        self.stage.path(".").mkdir(parents=True, exist_ok=True)

    def _env(self, instruction: Instruction) -> None:
        for pair in shlex.split(instruction.args):
            key, _, value = pair.partition("=")
            self.stage.env[key] = value

    def _copy(self, instruction: Instruction) -> None:
        words = shlex.split(instruction.args)
        flags = {w.split("=", 1)[0]: w.partition("=")[2] for w in words if w.startswith("--")}
        *names, destination = [w for w in words if not w.startswith("--")]
        if "--from" in flags:
            origin = self.stages[flags["--from"]]
            sources = [origin.path(name) for name in names]
        else:
            sources = [self.context / name for name in names]
        if any(name.rstrip("/") in {"bot", "./bot"} for name in names):
            self.stage.installed_before_code = self.ran_pip
        into = destination.endswith("/") or len(names) > 1
        copy_into(sources, self.stage.path(destination), into)

    def _run(self, instruction: Instruction) -> None:
        command = instruction.args
        if not command.startswith("python "):
            print(f"  skipped (base image and root only): {instruction}", flush=True)
            return
        self.ran_pip = self.ran_pip or "pip install" in command
        run_step(str(instruction), ["sh", "-c", command], self.stage.path("."), self.env())

    def _healthcheck(self, instruction: Instruction) -> None:
        self.healthcheck = json.loads(instruction.args.split(" CMD ", 1)[1])

    def _entrypoint(self, instruction: Instruction) -> None:
        self.entrypoint = json.loads(instruction.args)

    def _cmd(self, instruction: Instruction) -> None:
        self.cmd = json.loads(instruction.args)

    def env(self, **more: str) -> dict[str, str]:
        """The stage's ENV over a clean environment, with the virtual environment first."""
        # The machine's pip settings (index, certificates) stay: they are how pip gets here.
        leave_out = ("COACHBOT_", "PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")
        inherited = {k: v for k, v in os.environ.items() if not k.startswith(leave_out)}
        stage = {k: v for k, v in self.stage.env.items() if k not in NOT_APPLIED}
        path = f"{self.venv / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}"
        venv = {"PATH": path, "VIRTUAL_ENV": str(self.venv)}
        return {**inherited, **stage, **venv, **more}


def run_step(name: str, command: list[str], cwd: Path, env: dict[str, str], expect: int = 0) -> str:
    """Run one step; its output, or ``CheckFailed`` with the output's tail."""
    started = time.monotonic()
    done = subprocess.run(
        command, cwd=cwd, env=env, capture_output=True, text=True, timeout=900, check=False
    )
    output = done.stdout + done.stderr
    took = time.monotonic() - started
    print(f"  {'ok' if done.returncode == expect else 'FAILED'} ({took:.1f} s): {name}", flush=True)
    if done.returncode != expect:
        tail = "\n".join(output.splitlines()[-40:])
        raise CheckFailed(f"{name}: exit code {done.returncode}, expected {expect}\n{tail}")
    return output


def check_the_image(replay: Replay, stage: Stage) -> None:
    """Run what the image runs, as the image would."""
    data = stage.path(stage.env.get("COACHBOT_DATA_DIR", "/data"))
    data.mkdir(parents=True, exist_ok=True)
    url = stage.env.get("COACHBOT_DATABASE_URL", "")
    if url.startswith("sqlite:///"):
        url = f"sqlite:///{stage.path(url.removeprefix('sqlite:///'))}"
    env = replay.env(COACHBOT_DATA_DIR=str(data), COACHBOT_DATABASE_URL=url)
    coachbot = replay.entrypoint
    here = stage.path(".")
    run_step("coachbot --help", [*coachbot, "--help"], here, env)
    run_step("coachbot validate", [*coachbot, "validate"], here, env)
    run_step("coachbot db upgrade", [*coachbot, "db", "upgrade"], here, env)
    health = " ".join(replay.healthcheck)
    run_step(f"HEALTHCHECK {health}, no heartbeat: 1", replay.healthcheck, here, env, expect=1)
    (data / HEARTBEAT).touch()
    run_step(f"HEALTHCHECK {health}, fresh heartbeat: 0", replay.healthcheck, here, env)
    default = [*coachbot, *replay.cmd]
    said = run_step(f"{' '.join(default)} without a token: 2", default, here, env, expect=2)
    if "COACHBOT_TELEGRAM_TOKEN is not set" not in said:
        raise CheckFailed(f"{' '.join(default)} did not explain the missing token:\n{said}")


def main() -> int:
    """Build the image's install in a temporary folder and run it; 0 if all went well."""
    keep = "--keep" in sys.argv[1:]
    work = Path(tempfile.mkdtemp(prefix="coachbot-image-"))
    started = time.monotonic()
    try:
        context = work / "context"
        for name in context_files():
            (context / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, context / name)
        venv = work / "venv"
        print(f"image check in {work}", flush=True)
        base = getattr(sys, "_base_executable", sys.executable)
        run_step("a fresh virtual environment", [base, "-m", "venv", str(venv)], work, {})
        replay = Replay(work, context, venv)
        check_the_image(replay, replay.run(context / "Dockerfile"))
    except CheckFailed as failure:
        print(f"image check FAILED: {failure}", file=sys.stderr)
        return 1
    finally:
        if not keep:
            shutil.rmtree(work, ignore_errors=True)
    print(f"image check passed in {time.monotonic() - started:.0f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
