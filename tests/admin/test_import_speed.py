"""An import's SQL does not grow with its rows: the dry run and the apply of 10 or 400 units (new,
then a reform merging them) or users run about the same few statements (bulk statements, never a
query per row: 5,000 units took 17-79 s that way). bench/admin_import.py times the real thing."""

from __future__ import annotations

from tests.admin.import_support import apply, upload
from tests.helpers import counting

HEADER = "code,name,kind,parent_code,valid_from,valid_until,successor\n"


def _units(districts: int, prefix: str) -> tuple[str, str]:
    """A file of ``districts`` districts of 9 communes, and the reform merging them 3 by 3."""
    rows, reform = [], []
    for n in range(districts):
        d = f"{prefix}{n}"
        rows.append(f"T1-D{d},Huyện đoàn {d},district,T1,,,")
        reform.append(f"T1-D{d},Huyện đoàn {d},district,T1,,30/06/2025,")
        for c in range(9):
            rows.append(f"T1-D{d}-{c},Đoàn xã {d}-{c},commune,T1-D{d},,,")
            reform.append(f"T1-D{d}-{c},Đoàn xã {d}-{c},commune,T1-D{d},,30/06/2025,T1-N{d}-{c // 3}")
            if c % 3 == 0:
                reform.append(f"T1-N{d}-{c // 3},Đoàn xã mới {d}-{c // 3},commune,T1,01/07/2025,,")
    return HEADER + "\n".join(rows) + "\n", HEADER + "\n".join(reform) + "\n"


def _import_counts(app, post, kind: str, content: str) -> tuple[int, int]:
    """Statements of the dry run and of the apply of ``content``."""
    with counting(app) as statements:
        page = upload(post, kind, content)
        dry = statements()
        assert page.status_code == 200, page.get_data(as_text=True)
        assert apply(post, kind, page.get_data(as_text=True)).status_code == 200
        return dry, statements() - dry


def test_units_new_and_reform_take_the_same_statements_for_10_or_400_rows(app, admin, post, world):
    counts = {}
    for districts, prefix in ((1, "S"), (40, "L")):
        new, reform = _units(districts, prefix)
        counts[districts] = (_import_counts(app, post, "units", new),
                             _import_counts(app, post, "units", reform))
    (small_new, small_reform), (big_new, big_reform) = counts[1], counts[40]
    # 400 rows against 10: a batch more here and there (1,000 rows a batch), never one per row
    for small, big in ((small_new, big_new), (small_reform, big_reform)):
        assert big[0] - small[0] <= 3 and big[1] - small[1] <= 6, counts


def test_users_take_the_same_statements_for_10_or_400_rows(app, admin, post, world):
    counts = {}
    for users, prefix in ((10, "s"), (400, "l")):
        rows = "".join(f"{prefix}canbo{i:04d},Cán Bộ {i},cadre,T1-A,yes,no,vi\n" for i in range(users))
        new = _import_counts(app, post, "users", "username,full_name,role,unit_code,full_time,probationary,"
                                                 "language\n" + rows)
        changed = _import_counts(app, post, "users", "username,full_name,role,unit_code\n" + rows.replace(
            ",cadre,T1-A,yes,no,vi", ",supervisor,T1-B"))
        counts[users] = (new, changed)
    (small_new, small_changed), (big_new, big_changed) = counts[10], counts[400]
    for small, big in ((small_new, big_new), (small_changed, big_changed)):
        assert big[0] - small[0] <= 3 and big[1] - small[1] <= 6, counts
