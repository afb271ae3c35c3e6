"""Network guard for the test run: any attempt to reach another host fails.

`make test` puts this folder on PYTHONPATH, so every Python process of the
run imports it at start-up: pytest itself, the notebook kernels that nbval
and the book build start, and their children. Loopback addresses and Unix
sockets stay open, since Jupyter kernels and the browser test's local server
use them; everything else raises ``NetworkBlockedError``.
"""

import ipaddress
import os
import socket


class NetworkBlockedError(RuntimeError):
    """Raised when code under test tries to reach the network."""


_LOCAL_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", ""}


def _is_local(host) -> bool:
    if host is None:
        return True
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    host = str(host).split("%")[0]
    if host in _LOCAL_NAMES:
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_unspecified


def _check(address):
    if isinstance(address, tuple) and address and not _is_local(address[0]):
        raise NetworkBlockedError(
            f"network access blocked during tests: tried to reach {address[0]!r}")


_original_connect = socket.socket.connect
_original_connect_ex = socket.socket.connect_ex
_original_sendto = socket.socket.sendto
_original_getaddrinfo = socket.getaddrinfo


def _guarded_connect(self, address):
    if self.family in (socket.AF_INET, socket.AF_INET6):
        _check(address)
    return _original_connect(self, address)


def _guarded_connect_ex(self, address):
    if self.family in (socket.AF_INET, socket.AF_INET6):
        _check(address)
    return _original_connect_ex(self, address)


def _guarded_sendto(self, data, *args):
    address = args[-1] if args else None
    if self.family in (socket.AF_INET, socket.AF_INET6):
        _check(address)
    return _original_sendto(self, data, *args)


def _guarded_getaddrinfo(host, *args, **kwargs):
    if not _is_local(host):
        raise NetworkBlockedError(f"network access blocked during tests: tried to resolve {host!r}")
    return _original_getaddrinfo(host, *args, **kwargs)


if os.environ.get("SEGCOURSE_ALLOW_NETWORK") != "1":
    socket.socket.connect = _guarded_connect
    socket.socket.connect_ex = _guarded_connect_ex
    socket.socket.sendto = _guarded_sendto
    socket.getaddrinfo = _guarded_getaddrinfo
    os.environ["SEGCOURSE_NETWORK_GUARD"] = "1"
