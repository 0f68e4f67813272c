"""dicoso: an offline-first record of Youth Union cadres' visits to the grassroots."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from server import config as config_module
from server.extensions import babel, compress, csrf, db, limiter, login_manager, migrate

PACKAGE_DIR = Path(__file__).resolve().parent
PWA_DIR = PACKAGE_DIR.parent / "pwa"
MIGRATIONS_DIR = PACKAGE_DIR.parent / "migrations"


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the Flask app: config, then extensions, blueprints, error pages and CLI."""
    app = Flask(
        __name__,
        instance_path=str(config_module.instance_path()),
        static_folder=str(PWA_DIR),
        static_url_path="/static",
    )
    app.config.from_mapping(config_module.from_environment(Path(app.instance_path)))
    if config:
        app.config.from_mapping(config)
    _check_rate_limit_storage(app)
    _check_photo_store(app)

    from server import i18n, models  # noqa: F401  (models: every table known to Alembic)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS_DIR), render_as_batch=True)
    csrf.init_app(app)
    login_manager.init_app(app)
    limiter.init_app(app)
    compress.init_app(app)
    i18n.init_app(app, babel)

    if app.config["PROXIES"] > 0:
        n = app.config["PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n)  # type: ignore[method-assign]

    # before the blueprints: their routes name it (<id:hearing_id>), see server/ids.py
    from server.ids import IdConverter

    app.url_map.converters["id"] = IdConverter
    _register_blueprints(app)

    from server import cli, errors, security, transaction
    from server.audit import denials

    security.init_app(app)
    # runs after the transaction's hook (hooks run in reverse): the refused request's changes are
    # rolled back by then, and the audit entry of the refusal is committed alone
    denials.init_app(app)
    # registered last, so it runs first (Flask runs after-request hooks in reverse): a commit that
    # fails can still turn the answer into a 503, which then gets the security headers too
    transaction.init_app(app)
    errors.register(app)
    cli.register(app)
    return app


def _check_rate_limit_storage(app: Flask) -> None:
    """Refuse to start with per-process rate-limit counts when several workers serve (every limit
    would be multiplied by their number); only a warning when testing or debugging."""
    problem = config_module.rate_limit_storage_problem(app.config)
    if problem is None:
        return
    if app.testing or app.debug:
        app.logger.warning("rate limits: %s", problem)
        return
    raise RuntimeError(f"dicoso refuses to start: {problem}")


def _check_photo_store(app: Flask) -> None:
    """Refuse an unknown photo store or one without its settings; warn when photos stay on this
    machine's disk although several processes serve (another app server would not see them)."""
    problem = config_module.photo_store_problem(app.config)
    if problem is not None:
        raise RuntimeError(f"dicoso refuses to start: {problem}")
    warning = config_module.local_photos_warning(app.config)
    if warning is not None:
        app.logger.warning("photos: %s", warning)


def _register_blueprints(app: Flask) -> None:
    from server.admin.views import bp as admin_bp
    from server.api.views import bp as api_bp
    from server.audit.views import bp as audit_bp
    from server.auth.views import bp as auth_bp
    from server.devices.views import bp as devices_bp
    from server.exports.views import bp as exports_bp
    from server.hearings.views import bp as hearings_bp
    from server.home.views import bp as home_bp
    from server.photos.views import bp as photos_bp
    from server.pwa_shell.views import bp as pwa_shell_bp
    from server.regime.views import bp as regime_bp
    from server.reports.views import bp as reports_bp
    from server.review.views import bp as review_bp
    from server.sync.views import bp as sync_bp
    from server.tokens.views import bp as tokens_bp
    from server.twofactor.views import bp as twofactor_bp
    from server.visits.views import bp as visits_bp

    app.register_blueprint(auth_bp)
    app.register_blueprint(twofactor_bp)
    app.register_blueprint(home_bp)
    app.register_blueprint(api_bp)
    app.register_blueprint(tokens_bp)
    app.register_blueprint(devices_bp)
    app.register_blueprint(sync_bp)
    app.register_blueprint(photos_bp)
    app.register_blueprint(pwa_shell_bp)
    app.register_blueprint(visits_bp)
    app.register_blueprint(review_bp)
    app.register_blueprint(audit_bp)
    app.register_blueprint(reports_bp)
    app.register_blueprint(exports_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(hearings_bp)
    app.register_blueprint(regime_bp)
