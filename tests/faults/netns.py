"""Network namespaces joined to the host by a veth pair each, for workers on "other hosts"."""

from __future__ import annotations

import subprocess
import uuid
from dataclasses import dataclass


@dataclass
class Host:
    """One namespace: `host_ip` is the host's end of its /30 link, `ns_ip` the namespace's."""

    name: str
    host_veth: str
    ns_veth: str
    host_ip: str
    ns_ip: str

    def exec_prefix(self) -> list[str]:
        return ["ip", "netns", "exec", self.name]

    def cut(self) -> None:
        """Take the host's end of the link down: the namespace is cut off, mid-conversation."""
        _ip("link", "set", self.host_veth, "down")


def _ip(*args: str) -> None:
    subprocess.run(["ip", *args], check=True, capture_output=True, text=True)


def netns_available() -> tuple[bool, str]:
    """Try to create and delete a namespace (needs root or CAP_NET_ADMIN)."""
    name = f"regprobe-{uuid.uuid4().hex[:6]}"
    try:
        _ip("netns", "add", name)
    except FileNotFoundError:
        return False, "the ip command (iproute2) is not installed"
    except subprocess.CalledProcessError as exc:
        return False, f"cannot create a network namespace: {exc.stderr.strip()}"
    subprocess.run(["ip", "netns", "del", name], check=False)
    return True, ""


def create_hosts(count: int) -> list[Host]:
    """`count` namespaces, each with lo up and 10.200.N.2/30 linked to the host's 10.200.N.1."""
    tag = uuid.uuid4().hex[:4]
    base = int(tag, 16) % 200 + 20
    hosts = []
    try:
        for index in range(count):
            letter = "abcdefgh"[index]
            host = Host(
                name=f"registry-{tag}-{letter}",
                host_veth=f"vh{tag}{letter}",
                ns_veth=f"vn{tag}{letter}",
                host_ip=f"10.200.{base + index}.1",
                ns_ip=f"10.200.{base + index}.2",
            )
            hosts.append(host)
            _ip("netns", "add", host.name)
            _ip("link", "add", host.host_veth, "type", "veth", "peer", "name", host.ns_veth)
            _ip("link", "set", host.ns_veth, "netns", host.name)
            _ip("addr", "add", f"{host.host_ip}/30", "dev", host.host_veth)
            _ip("link", "set", host.host_veth, "up")
            _ip("-n", host.name, "addr", "add", f"{host.ns_ip}/30", "dev", host.ns_veth)
            _ip("-n", host.name, "link", "set", host.ns_veth, "up")
            _ip("-n", host.name, "link", "set", "lo", "up")
    except Exception:
        delete_hosts(hosts)
        raise
    return hosts


def delete_hosts(hosts: list[Host]) -> None:
    """Remove the namespaces and links; safe to call twice or after a half-made setup."""
    for host in hosts:
        subprocess.run(["ip", "link", "del", host.host_veth], check=False, capture_output=True)
        subprocess.run(["ip", "netns", "del", host.name], check=False, capture_output=True)
