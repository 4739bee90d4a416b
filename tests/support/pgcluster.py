"""A throwaway PostgreSQL cluster: initdb and pg_ctl in a temporary directory, on a free loopback port.

PostgreSQL refuses to run as root, so when the tests run as root the cluster runs as the
``postgres`` user that Debian's package creates (or ``nobody``).
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


class PgUnavailable(RuntimeError):
    pass


def find_bin_dir() -> Path:
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name))
    if candidates:
        return Path(candidates[-1])
    initdb = shutil.which("initdb")
    if initdb:
        return Path(initdb).resolve().parent
    raise PgUnavailable(
        "PostgreSQL server binaries (initdb, pg_ctl) are not installed: run `make test`, which installs them, "
        "or `apt-get install postgresql`."
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class PgCluster:
    bin_dir: Path = field(default_factory=find_bin_dir)
    port: int = 0
    base: Path = field(init=False)
    _counter: int = 0

    def __post_init__(self) -> None:
        self.base = Path(tempfile.mkdtemp(prefix="sathach-pg-"))
        self._run_as: dict[str, Any] = {}
        if os.geteuid() == 0:
            user = _unprivileged_user()
            os.chown(self.base, user.pw_uid, user.pw_gid)
            self._run_as = {"user": user.pw_uid, "group": user.pw_gid, "extra_groups": []}

    @property
    def data(self) -> Path:
        return self.base / "data"

    def _run(self, *argv: str) -> None:
        result = subprocess.run(
            [str(self.bin_dir / argv[0]), *argv[1:]],
            capture_output=True,
            text=True,
            check=False,
            cwd=self.base,
            **self._run_as,
        )
        if result.returncode != 0:
            log = (self.base / "server.log").read_text() if (self.base / "server.log").exists() else ""
            raise PgUnavailable(f"{' '.join(argv[:2])} failed:\n{result.stdout}\n{result.stderr}\n{log}")

    def start(self) -> PgCluster:
        self._run("initdb", "-D", str(self.data), "-U", "sathach", "--auth=trust", "-E", "UTF8", "--no-locale")
        self.port = self.port or free_port()
        options = f"-p {self.port} -k {self.base} -c listen_addresses=127.0.0.1 -c fsync=on -c max_connections=100"
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.base / "server.log"), "-w", "start")
        return self

    def stop(self, mode: str = "fast") -> None:
        if self.data.exists():
            subprocess.run(
                [str(self.bin_dir / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop"],
                capture_output=True,
                check=False,
                **self._run_as,
            )
        shutil.rmtree(self.base, ignore_errors=True)

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://sathach@127.0.0.1:{self.port}/{database}"

    def create_database(self) -> str:
        """A new empty database; returns its SQLAlchemy URL."""
        import psycopg

        self._counter += 1
        name = f"test_{os.getpid()}_{self._counter}"
        with psycopg.connect(f"host=127.0.0.1 port={self.port} user=sathach dbname=postgres", autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)


def _unprivileged_user() -> pwd.struct_passwd:
    for name in ("postgres", "nobody"):
        try:
            return pwd.getpwnam(name)
        except KeyError:
            continue
    raise PgUnavailable("running as root, and neither a 'postgres' nor a 'nobody' user exists to run PostgreSQL as")
