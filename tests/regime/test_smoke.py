from datetime import date

from server.regime.counting import WORKING
from server.regime.days import figures, weeks_with_a_day
from tests.factories import make_visit


def test_smoke(app, world):
    with app.app_context():
        make_visit(world.cadre, world.commune_a1, date(2025, 1, 1), days=3)
        make_visit(world.cadre, world.commune_a1, date(2025, 1, 2), days=3)
        make_visit(world.cadre, world.commune_a2, date(2025, 1, 10), days=1, status="returned")
        f = figures([world.cadre, world.other_cadre], date(2025,1,1), date(2025,12,31), WORKING)
        print(f)
        print(weeks_with_a_day([world.cadre], date(2025,1,1), date(2025,12,31), WORKING))
        assert f[world.cadre].days == 4
