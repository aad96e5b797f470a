"""The console's views, one module per feature, each a ``web.RouteTableDef`` named
``routes``. Views stay thin: they read the request, call ``helpdesk`` or ``knowledge``, and
render a template or JSON. Errors are answered by ``errors.error_middleware`` and every
state-changing route is CSRF-checked by ``csrf.csrf_middleware``; ``app.create_app``
registers the tables below."""

from __future__ import annotations

from connectors.console.views import (
    admin_api,
    admin_checks,
    admin_checks_api,
    admin_document_import,
    admin_documents,
    admin_entries,
    admin_files,
    admin_history,
    admin_ladder,
    admin_ladder_api,
    admin_reports,
    admin_try,
    canned,
    desk,
    handoff,
    login,
    widget_proxy,
    worker_page,
)

ROUTE_TABLES = (
    worker_page.routes,
    widget_proxy.routes,
    login.routes,
    desk.routes,
    handoff.routes,
    canned.routes,
    admin_entries.routes,
    admin_document_import.routes,
    admin_documents.routes,
    admin_history.routes,
    admin_reports.routes,
    admin_api.routes,
    admin_try.routes,
    admin_files.routes,
    admin_checks.routes,
    admin_checks_api.routes,
    admin_ladder.routes,
    admin_ladder_api.routes,
)
