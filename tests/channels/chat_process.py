"""Drives the real ``coachbot chat`` as a subprocess: send a line, wait for expected output."""

from __future__ import annotations

import contextlib
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
COACHBOT = str(Path(sys.executable).parent / "coachbot")


class ChatProcess:
    """One ``coachbot chat`` process with its output read in the background."""

    def __init__(self, database_url: str, *args: str) -> None:
        env = {**os.environ, "COACHBOT_DATABASE_URL": database_url, "PYTHONUNBUFFERED": "0"}
        self.process = subprocess.Popen(
            [COACHBOT, "chat", *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,  # a traceback would show up in the output tests read
            cwd=REPO,
            env=env,
            text=True,
            encoding="utf-8",
            # A suite run with SIGINT ignored (nohup, some CI runners) passes that on to its
            # children; the chat must get Ctrl-C the way a person's terminal delivers it.
            preexec_fn=_default_sigint,
        )
        self.output = ""
        self._chunks: queue.Queue[str] = queue.Queue()
        self._reader = threading.Thread(target=self._pump, daemon=True)
        self._reader.start()

    def __enter__(self) -> ChatProcess:
        return self

    def __exit__(self, *_: object) -> None:
        if self.process.poll() is None:
            self.kill()
        else:
            self._release()

    def _pump(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self._chunks.put(line)

    def expect(self, text: str, timeout: float = 15.0) -> str:
        """Wait until ``text`` appears in output not yet consumed; return that output."""
        deadline = time.monotonic() + timeout
        while text not in self.output:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"{text!r} did not appear; output so far:\n{self.output}")
            try:
                self.output += self._chunks.get(timeout=min(remaining, 0.2))
            except queue.Empty:
                continue
        seen, _, self.output = self.output.partition(text)
        return seen + text

    def send(self, line: str) -> None:
        """Type one line."""
        assert self.process.stdin is not None
        self.process.stdin.write(line + "\n")
        self.process.stdin.flush()

    def kill(self) -> None:
        """SIGKILL: no chance to clean up."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)
        self._release()

    def close(self, timeout: float = 15.0) -> int:
        """End the input and wait for a clean exit; return the exit code."""
        assert self.process.stdin is not None
        self.process.stdin.close()
        code = self.process.wait(timeout=timeout)
        self._release()
        return code

    def _release(self) -> None:
        self._reader.join(timeout=5)
        for pipe in (self.process.stdin, self.process.stdout):
            if pipe is not None and not pipe.closed:
                with contextlib.suppress(BrokenPipeError):  # the process is gone
                    pipe.close()
        while not self._chunks.empty():
            self.output += self._chunks.get()


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def run_chat(database_url: str, lines: list[str], *args: str) -> subprocess.CompletedProcess[str]:
    """Run ``coachbot chat`` with all input piped at once (a script, not a person)."""
    env = {**os.environ, "COACHBOT_DATABASE_URL": database_url}
    return subprocess.run(
        [COACHBOT, "chat", *args],
        input="".join(line + "\n" for line in lines),
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=REPO,
        env=env,
        timeout=60,
        check=False,
    )
