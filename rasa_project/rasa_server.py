"""Start the Rasa server: ``python -m rasa_project.rasa_server run …`` (``rasa run …``).

Two differences from the ``rasa`` command, both for secrets:

- the HTTP API token is read from ``RASA_TOKEN`` and handed to Rasa inside the process, so it
  never appears on the command line, where ``ps`` shows it to every user of the machine
  (Rasa 3.6 reads the token only from ``--auth-token``);
- Sanic's access log hides workers' conversation ids (``changai.log_redaction``).
"""

from __future__ import annotations

import os
import sys


def main() -> None:
    args = sys.argv[1:]
    token = os.environ.get("RASA_TOKEN", "")
    if token and args[:1] == ["run"] and "--auth-token" not in args:
        args = [*args, "--auth-token", token]
    sys.argv = ["rasa", *args]  # Rasa parses sys.argv; the process's own argv is unchanged

    from rasa.__main__ import main as rasa_main

    from changai.log_redaction import redact_sanic_access_log

    redact_sanic_access_log()
    rasa_main()


if __name__ == "__main__":
    main()
