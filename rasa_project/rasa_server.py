"""Start the Rasa server: ``python -m rasa_project.rasa_server run …`` (``rasa run …``).

Three differences from the ``rasa`` command, two for secrets:

- the HTTP API token is read from ``RASA_TOKEN`` and handed to Rasa inside the process, so it
  never appears on the command line, where ``ps`` shows it to every user of the machine
  (Rasa 3.6 reads the token only from ``--auth-token``);
- Sanic's access log hides workers' conversation ids (``changai.log_redaction``);
- once the model is loaded, the objects it holds are frozen out of the garbage collector's
  full collections (``changai.gc_freeze``), which otherwise stopped every conversation for
  200-300 ms now and then.
"""

from __future__ import annotations

import os
import sys
from typing import Any


def freeze_after_model_load() -> None:
    """Wrap Rasa's start-up listener that loads the model so that it freezes what it loaded.

    ``rasa.core.run.serve_application`` registers ``load_agent_on_start`` by its module-level
    name when it runs, so replacing that name before ``rasa_main`` is enough."""
    import rasa.core.run as rasa_run

    from changai.gc_freeze import freeze_loaded_objects

    load = rasa_run.load_agent_on_start

    async def load_then_freeze(*args: Any, **kwargs: Any) -> Any:
        agent = await load(*args, **kwargs)
        freeze_loaded_objects()
        return agent

    rasa_run.load_agent_on_start = load_then_freeze


def main() -> None:
    args = sys.argv[1:]
    token = os.environ.get("RASA_TOKEN", "")
    if token and args[:1] == ["run"] and "--auth-token" not in args:
        args = [*args, "--auth-token", token]
    sys.argv = ["rasa", *args]  # Rasa parses sys.argv; the process's own argv is unchanged

    from rasa.__main__ import main as rasa_main

    from changai.log_redaction import redact_sanic_access_log

    redact_sanic_access_log()
    freeze_after_model_load()
    rasa_main()


if __name__ == "__main__":
    main()
