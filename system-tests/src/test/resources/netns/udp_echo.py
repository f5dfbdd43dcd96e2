"""UDP echo for SlowLinkSystemTest, run inside a host's namespace: answers every datagram with itself
and prints its payload (one line each), so the test also knows which datagrams reached the host."""
import socket
import sys

sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
sock.bind(("0.0.0.0", int(sys.argv[1])))
print("READY", flush=True)
while True:
    data, sender = sock.recvfrom(2048)
    sock.sendto(data, sender)
    print(data.split(b" ", 1)[0].decode("ascii", "replace"), flush=True)
