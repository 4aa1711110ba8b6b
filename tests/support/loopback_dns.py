#!/usr/bin/python3
"""A loopback DNS server for tests: answers A queries for names under ZONE with 127.0.0.1 and
every other query with NXDOMAIN, over UDP on 127.0.0.1:PORT, and logs each queried name. It lets
a test check that a client applies resolv.conf (nameserver, search domains) without leaving the
machine. It stops by itself after LIFETIME seconds.

usage: loopback_dns.py ZONE PORT LOG LIFETIME
"""
import socket
import struct
import sys
import time


def query_name(packet, offset=12):
    labels = []
    for _ in range(128):  # bounded: a name has at most 127 labels
        length = packet[offset]
        offset += 1
        if length == 0:
            return ".".join(labels).lower(), offset
        labels.append(packet[offset:offset + length].decode("ascii", "replace"))
        offset += length
    raise ValueError("name too long")


def main():
    zone, port, log, lifetime = sys.argv[1].lower().strip("."), int(sys.argv[2]), sys.argv[3], float(sys.argv[4])
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", port))
    s.settimeout(0.5)
    end = time.monotonic() + lifetime
    with open(log, "a", buffering=1) as out:
        while time.monotonic() < end:
            try:
                packet, peer = s.recvfrom(512)
                ident, _flags, qdcount = struct.unpack("!HHH", packet[:6])
                if qdcount != 1:
                    continue
                name, offset = query_name(packet)
                qtype, _qclass = struct.unpack("!HH", packet[offset:offset + 4])
            except socket.timeout:
                continue
            except (ValueError, IndexError, struct.error):
                continue
            out.write(f"{name} {qtype}\n")
            question = packet[12:offset + 4]
            known = name == zone or name.endswith("." + zone)
            if known and qtype == 1:
                answer = b"\xc0\x0c" + struct.pack("!HHIH", 1, 1, 60, 4) + socket.inet_aton("127.0.0.1")
                reply = struct.pack("!HHHHHH", ident, 0x8180, 1, 1, 0, 0) + question + answer
            else:
                rcode = 0 if known else 3  # no AAAA for a known name; NXDOMAIN otherwise
                reply = struct.pack("!HHHHHH", ident, 0x8180 | rcode, 1, 0, 0, 0) + question
            s.sendto(reply, peer)


if __name__ == "__main__":
    main()
