"""Fixtures for photo tests: the photo store (each test runs on every store unless its module
says otherwise), the cadre's device token and one of their visits."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from server.extensions import db
from server.photos.storage import STORES
from tests.api.support import issue_token
from tests.factories import make_visit

S3_BUCKET = "dicoso-test-photos"


@pytest.fixture(params=STORES)
def store_name(request) -> str:
    """The photo store under test: filesystem, database, s3 (moto's in-process S3)."""
    return request.param


@pytest.fixture
def s3_bucket():
    """An empty bucket in moto's in-process S3, for the test's length."""
    boto3 = pytest.importorskip("boto3")
    moto = pytest.importorskip("moto")
    with moto.mock_aws():
        boto3.client("s3", region_name="us-east-1").create_bucket(Bucket=S3_BUCKET)
        yield S3_BUCKET


@pytest.fixture
def make_app(make_app, store_name, request):
    """The suite's app factory, with photos kept in ``store_name``."""
    store = {"PHOTO_STORE": store_name}
    if store_name == "s3":
        store |= {"S3_BUCKET": request.getfixturevalue("s3_bucket"), "S3_PREFIX": "photos/",
                  "S3_REGION": "us-east-1"}

    def factory(**config):
        return make_app(**{**store, **config})

    return factory


@pytest.fixture
def token(client, world) -> str:
    """A device token of "cadre"."""
    return issue_token(client, "cadre")


@pytest.fixture
def visit_id(app, world) -> str:
    """A submitted visit of "cadre"."""
    with app.app_context():
        visit = make_visit(world.cadre, world.commune_a1, start=date.today() - timedelta(days=5))
        db.session.commit()
        return str(visit.id)
