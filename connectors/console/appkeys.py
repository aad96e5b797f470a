"""What lives on the console's application, as typed keys (set up by ``app.create_app``)."""

from __future__ import annotations

from aiohttp import web
from sqlalchemy.orm import sessionmaker

from changai.settings import Settings
from connectors.console.login_limiter import LoginLimits
from connectors.console.rasa_client import RasaClient

SETTINGS = web.AppKey("settings", Settings)
SESSIONS = web.AppKey("sessions", sessionmaker)
LIMITER = web.AppKey("login_limiter", LoginLimits)
RASA = web.AppKey("rasa_client", RasaClient)
