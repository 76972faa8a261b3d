"""Signs the deliveries of `make load`'s replay run and writes them as a Lua file for
load/replay.lua: `python load/replay_sign.py OUT.lua COUNT FIRST` (inside the project venv:
hooksig's own Signer signs, as the provider would).

Delivery ``i`` (FIRST <= i < FIRST + COUNT) is Aghanim's ``player.verify`` event with id
``whevt_r<i>`` and player ``load-r<i>``, its body made by replay.lua from the same format, all
signed with one timestamp (now): only the signatures are written.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import hooksig

# The body of delivery i, in Lua's string.format and Python's % alike; "event_data" for the
# FastAPI and Express apps, "data" for the Sinatra one (as load/run.py's body()).
BODY = (
    '{"event_type":"player.verify","event_id":"whevt_r%07d",'
    '"event_data":{"player_id":"load-r%07d"},"data":{"player_id":"load-r%07d"}}'
)


def main() -> None:
    out, count, first = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    signer = hooksig.Signer("aghanim", secret=os.environ["AGHANIM_SECRET"])
    now = int(time.time())
    signatures = []
    for i in range(first, first + count):
        headers = signer.sign((BODY % (i, i, i)).encode(), timestamp=now)
        signatures.append(headers["X-Aghanim-Signature"])
    lines = [
        "return {",
        f'  body = "{BODY.replace(chr(34), chr(92) + chr(34))}",',
        f'  timestamp = "{now}",',
        f"  first = {first},",
        "  signatures = {",
        *(f'    "{s}",' for s in signatures),
        "  },",
        "}",
    ]
    out.write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
