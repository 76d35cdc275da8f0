"""The client's address: the one function every rate limit, lockout and integrity flag uses.

Behind a reverse proxy ``REMOTE_ADDR`` is the proxy, so every visitor would look like one client (one counter for
the whole country). The proxy appends the address it saw to ``X-Forwarded-For`` (nginx:
``$proxy_add_x_forwarded_for``); everything left of that was written by the client or by proxies we do not know
and can be forged. So the header is read only when the direct peer is a trusted proxy (``ZI_TRUSTED_PROXIES``,
CIDRs), from the right, skipping trusted proxies: the first address that is not one of ours is the client.
With no trusted proxies configured, or a peer outside them, ``REMOTE_ADDR`` is the client.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(spec: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(item, strict=False) for item in spec)


def trusted_proxies() -> tuple[Network, ...]:
    """``settings.ZI_TRUSTED_PROXIES`` (a list of CIDRs or addresses) as networks."""
    return _networks(tuple(str(item).strip() for item in getattr(settings, "ZI_TRUSTED_PROXIES", ()) or ()))


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    text = text.strip()
    if text.startswith("[") and "]" in text:  # "[2001:db8::1]:443"
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # "203.0.113.7:5123"
        text = text.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    mapped = getattr(address, "ipv4_mapped", None)
    return mapped or address


def _trusted(address: ipaddress.IPv4Address | ipaddress.IPv6Address, networks: tuple[Network, ...]) -> bool:
    return any(address.version == net.version and address in net for net in networks)


def client_address(request: HttpRequest) -> str:
    """The client's IP address as text ("" when unknown). Never trusts a header the client could have written:
    ``X-Forwarded-For`` counts only when the direct peer is a trusted proxy, read right to left past trusted
    proxies; a malformed entry there stops the walk at the last address known to be good."""
    peer_text = request.META.get("REMOTE_ADDR", "") or ""
    peer = _address(peer_text)
    networks = trusted_proxies()
    if peer is None:
        return peer_text.strip()
    if not networks or not _trusted(peer, networks):
        return str(peer)
    client = peer
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    for entry in reversed([part for part in forwarded.split(",") if part.strip()]):
        hop = _address(entry)
        if hop is None:  # garbage (or a forged entry) before any untrusted address: the last proxy's peer stands
            break
        client = hop
        if not _trusted(hop, networks):
            break
    return str(client)


def axes_client_ip(request: HttpRequest) -> str | None:
    """django-axes' ``AXES_CLIENT_IP_CALLABLE``: the same address as everywhere else (None when unknown or not an
    address, as axes' own default: its records keep the address in an IP field)."""
    address = client_address(request)
    return address if _address(address) is not None else None
