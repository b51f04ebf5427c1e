"""The `mockloop` console command: the library's commands (simulator.cli) plus `serve`, which runs the web app.

It sits above both packages, so the library never imports the web app; `python -m web.cli` is the same command.
"""
from __future__ import annotations

from simulator.cli import COMMANDS, make_group

SERVE = ("web.serve", "Serve the web app under a production WSGI server.")
ALL_COMMANDS = {**COMMANDS, "serve": SERVE}

main = make_group(ALL_COMMANDS)

if __name__ == "__main__":  # pragma: no cover
    main()
