"""A real DNS server on 127.0.0.1 (UDP) answering MX queries from a small zone."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import dns.flags
import dns.message
import dns.rcode
import dns.rdatatype
import dns.rrset


@contextmanager
def dns_server(mx: dict[str, str]) -> Iterator[str]:
    """Serve MX records for the domains in ``mx``; NXDOMAIN for the rest. Yields 'ip:port'."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    sock.settimeout(0.2)
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                data, peer = sock.recvfrom(4096)
            except TimeoutError:
                continue
            query = dns.message.from_wire(data)
            response = dns.message.make_response(query)
            name = query.question[0].name.to_text().rstrip(".")
            if name in mx and query.question[0].rdtype == dns.rdatatype.MX:
                response.answer.append(
                    dns.rrset.from_text(query.question[0].name, 300, "IN", "MX", f"10 {mx[name]}.")
                )
            else:
                response.set_rcode(dns.rcode.NXDOMAIN)
            sock.sendto(response.to_wire(), peer)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"127.0.0.1:{sock.getsockname()[1]}"
    finally:
        stop.set()
        thread.join()
        sock.close()
