"""A tiny TCP relay: `python -m tests.faults.relay LISTEN_HOST:PORT=TARGET_HOST:PORT ...`.

PostgreSQL and Redis listen on 127.0.0.1 only; workers in other network namespaces reach
them through this relay on the host's side of their veth link. Prints "ready" once bound.
"""

from __future__ import annotations

import asyncio
import sys


async def _pump(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    except (ConnectionError, OSError):
        pass
    finally:
        writer.close()


async def _serve(listen: str, target: str) -> asyncio.Server:
    target_host, target_port = target.rsplit(":", 1)

    async def handle(reader, writer):
        try:
            up_reader, up_writer = await asyncio.open_connection(target_host, int(target_port))
        except OSError:
            writer.close()
            return
        await asyncio.gather(_pump(reader, up_writer), _pump(up_reader, writer))

    host, port = listen.rsplit(":", 1)
    return await asyncio.start_server(handle, host, int(port), reuse_address=True)


async def main(pairs: list[str]) -> None:
    servers = [await _serve(*pair.split("=", 1)) for pair in pairs]
    print("ready", flush=True)
    await asyncio.gather(*(server.serve_forever() for server in servers))


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1:]))
