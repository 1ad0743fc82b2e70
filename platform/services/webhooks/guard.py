"""The SSRF guard: an endpoint URL must be https and reach only public addresses, unless allowed."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from skillbridge.platform.services.errors import InvalidInput
from skillbridge.platform.text import N_

URL_MAX = 500
#: host, port -> the addresses it resolves to (socket.getaddrinfo by default; tests pass their own).
Resolver = Callable[[str, int], list[str]]


def system_resolver(host: str, port: int) -> list[str]:
    """Every address the host resolves to now."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise InvalidInput(N_("无法解析主机名 %(host)s", host=host)) from exc
    return sorted({str(info[4][0]) for info in infos})


@dataclass(frozen=True)
class Target:
    """Where a checked URL may be reached: its parts and the addresses vetted for it."""

    scheme: str
    host: str
    port: int
    path: str
    addresses: tuple[str, ...]


def _is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def check_url(url: str, allow_private: bool, resolve: Resolver = system_resolver) -> Target:
    """The URL's target, or InvalidInput naming the field and why: not https, credentials in
    it, or an address that is loopback, private, link-local or otherwise not public."""
    url = url.strip()
    if not url or len(url) > URL_MAX:
        raise InvalidInput(N_("URL：请填写不超过 500 个字符的地址"))
    parts = urlsplit(url)
    schemes = ("https", "http") if allow_private else ("https",)
    if parts.scheme not in schemes:
        raise InvalidInput(N_("URL：只接受 https:// 地址"))
    if parts.username is not None or parts.password is not None:
        raise InvalidInput(N_("URL：地址中不能包含用户名或密码"))
    try:
        host, port = parts.hostname, parts.port
    except ValueError as exc:
        raise InvalidInput(N_("URL：端口无效")) from exc
    if not host:
        raise InvalidInput(N_("URL：缺少主机名"))
    port = port or (443 if parts.scheme == "https" else 80)
    addresses = resolve(host, port)
    if not addresses:
        raise InvalidInput(N_("无法解析主机名 %(host)s", host=host))
    if not allow_private:
        for address in addresses:
            if not _is_public(address):
                raise InvalidInput(
                    N_(
                        "URL：%(host)s 解析到非公网地址 %(address)s（回环、内网或链路本地），不予接受",
                        host=host,
                        address=address,
                    )
                )
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return Target(parts.scheme, host, port, path, tuple(addresses))
