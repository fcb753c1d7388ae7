"""Put this folder first on PYTHONPATH and the interpreter starts with the network switched off.

Every attempt to open a network socket, connect or resolve a name raises OSError and is appended to the file named
by GSI_NETBLOCK_LOG, so a test can assert that nothing even tried (a library that swallows the error still shows
up in the log). Local AF_UNIX sockets (asyncio's self-pipe) stay allowed. At exit the offline variables as the
process left them are written to GSI_NETBLOCK_ENV.
"""

import atexit
import os
import socket

_LOG = os.environ.get("GSI_NETBLOCK_LOG")
_ENV_OUT = os.environ.get("GSI_NETBLOCK_ENV")
_WATCH = ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_DATASETS_OFFLINE", "HF_HUB_DISABLE_TELEMETRY", "DO_NOT_TRACK")


def _record(what: str) -> None:
    if _LOG:
        with open(_LOG, "a", encoding="utf-8") as fh:
            fh.write(what + "\n")


class _BlockedSocket(socket.socket):
    def __init__(self, family=-1, type=-1, proto=-1, fileno=None):
        fam = socket.AF_INET if family == -1 else family
        if fileno is None and fam != socket.AF_UNIX:
            _record(f"socket(family={fam!r})")
            raise OSError(101, "network access is disabled in this process")
        super().__init__(family, type, proto, fileno)


def _refuse(name):
    def refused(*args, **kwargs):
        _record(f"{name}{args!r}")
        raise OSError(101, "network access is disabled in this process")

    return refused


socket.socket = _BlockedSocket
socket.SocketType = _BlockedSocket
socket.create_connection = _refuse("create_connection")
socket.getaddrinfo = _refuse("getaddrinfo")
socket.gethostbyname = _refuse("gethostbyname")
socket.gethostbyname_ex = _refuse("gethostbyname_ex")


@atexit.register
def _dump_env() -> None:
    if _ENV_OUT:
        with open(_ENV_OUT, "a", encoding="utf-8") as fh:
            for key in _WATCH:
                fh.write(f"{key}={os.environ.get(key, '')}\n")
