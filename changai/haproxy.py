"""HAProxy's configuration for N consoles, N Rasa servers and N action servers.

``python -m changai.haproxy --console 10.0.0.1:8080 --console 10.0.0.2:8080 --rasa …
--actions …`` prints it (from ``deploy/haproxy.cfg.j2``); the cluster test and the cluster
benchmark render the same template with the ports they chose (docs/deployment.md).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from dataclasses import dataclass

import jinja2

from changai.settings import PROJECT_ROOT

TEMPLATE = PROJECT_ROOT / "deploy" / "haproxy.cfg.j2"


@dataclass(frozen=True)
class Balancer:
    """Where HAProxy listens and the instances it spreads the traffic over."""

    consoles: Sequence[str]
    rasa: Sequence[str]
    actions: Sequence[str]
    public: str = "*:80"
    rasa_api: str = "127.0.0.1:5006"
    actions_api: str = "127.0.0.1:5056"
    stats: str = "127.0.0.1:8404"
    tls_cert: str = ""
    maxconn: int = 4096
    log: bool = True
    pidfile: str = ""

    def __post_init__(self) -> None:
        for name in ("consoles", "rasa", "actions"):
            addresses = getattr(self, name)
            if not addresses:
                raise ValueError(f"at least one {name} address is needed")
            for address in addresses:
                host, _, port = address.rpartition(":")
                if not host or not port.isdigit():
                    raise ValueError(f"{name}: expected host:port, got {address!r}")


def render(balancer: Balancer) -> str:
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATE.parent)),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        autoescape=False,  # a configuration file, not HTML
    )
    template = environment.get_template(TEMPLATE.name)
    return template.render(
        consoles=list(balancer.consoles),
        rasa=list(balancer.rasa),
        actions=list(balancer.actions),
        public=balancer.public,
        rasa_api=balancer.rasa_api,
        actions_api=balancer.actions_api,
        stats=balancer.stats,
        tls_cert=balancer.tls_cert,
        maxconn=balancer.maxconn,
        log=balancer.log,
        pidfile=balancer.pidfile,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--console", action="append", default=[], help="host:port (repeat)")
    parser.add_argument("--rasa", action="append", default=[], help="host:port (repeat)")
    parser.add_argument("--actions", action="append", default=[], help="host:port (repeat)")
    parser.add_argument("--public", default="*:80", help="public address (default *:80)")
    parser.add_argument("--tls-cert", default="", help="PEM (certificate + key): serve HTTPS")
    parser.add_argument("--rasa-api", default="127.0.0.1:5006")
    parser.add_argument("--actions-api", default="127.0.0.1:5056")
    parser.add_argument("--stats", default="127.0.0.1:8404")
    args = parser.parse_args(argv)
    try:
        balancer = Balancer(
            consoles=args.console,
            rasa=args.rasa,
            actions=args.actions,
            public=args.public,
            rasa_api=args.rasa_api,
            actions_api=args.actions_api,
            stats=args.stats,
            tls_cert=args.tls_cert,
        )
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    sys.stdout.write(render(balancer))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
