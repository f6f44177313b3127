"""Run `partwatch ARGS...` and report its peak memory on stderr as one `MEASURED {json}` line.

The peak is the largest resident set of this process or of any child it waited for (the
parser processes of a poll): resource.getrusage, in MB.
"""

from __future__ import annotations

import json
import resource
import sys


def _peak_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return round(max(own, children) / 1024, 1)


def run(argv: list[str]) -> int:
    from partwatch.cli import main

    try:
        main(argv, prog_name="partwatch")
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    sys.stdout.flush()
    print("MEASURED " + json.dumps({"peak_mb": _peak_mb()}), file=sys.stderr, flush=True)
    return code


if __name__ == "__main__":
    sys.exit(run(sys.argv[1:]))
