"""Real servers for the scale tests: a throw-away ``redis-server`` on loopback, local Spark.

``.ci/run`` installs Debian's ``redis-server`` (and Java for Spark) when missing; where that was
impossible the tests that need them skip, saying why.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Start ``redis-server`` on a free loopback port for the session; yield its URL."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed (Debian: apt-get install redis-server)")
    try:
        import redis  # noqa: PLC0415
    except ImportError:
        pytest.skip("redis-py is not installed: pip install -e '.[redis]'")
    workdir: Path = tmp_path_factory.mktemp("redis")
    port = _free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", str(workdir), "--logfile", str(workdir / "redis.log")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"redis://127.0.0.1:{port}/0"
    client = redis.Redis.from_url(url)
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                break
            except redis.exceptions.ConnectionError:
                if process.poll() is not None or time.monotonic() > deadline:
                    log = (workdir / "redis.log").read_text(errors="replace")[-500:]
                    pytest.skip(f"redis-server did not start: {log}")
                time.sleep(0.05)
        yield url
    finally:
        client.close()
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def redis_url(redis_server: str) -> str:
    """A fresh, empty index namespace on the session's Redis server."""
    return f"{redis_server}?prefix=test-{uuid.uuid4().hex[:12]}:"


@pytest.fixture(scope="session")
def spark() -> Iterator[Any]:
    """A local-mode SparkSession (two cores) for the session."""
    try:
        from pyspark.sql import SparkSession  # noqa: PLC0415
    except ImportError:
        pytest.skip("pyspark is not installed: pip install -e '.[spark]'")
    if shutil.which("java") is None:
        pytest.skip("Java is not installed (Debian: apt-get install openjdk-17-jre-headless)")
    # Python workers run this interpreter, which has rewrite_detect installed.
    os.environ["PYSPARK_PYTHON"] = sys.executable
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    session = (
        SparkSession.builder.master("local[2]")
        .appName("rewrite-detect-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    try:
        yield session
    finally:
        session.stop()
