"""Varied Vietnamese field-report text for benchmarks: sentences that do not repeat.

A handful of fixed phrases flatters gzip (a batch of 200 visits compresses to almost nothing). These
sentences are put together from many independent parts (who, what, where, how many, what went
wrong, what is asked for) with names of people, hamlets, schools, dates and figures, so no two
texts are alike and only short phrases recur, as in real reports written by different cadres.
Lengths follow what a cadre types on a phone after a visit: a one-sentence summary, findings of
two to five sentences, recommendations of one to three.
"""

from __future__ import annotations

import random

SURNAMES = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương",
            "Lý", "Nông", "Lục", "Hà", "Ma", "Triệu", "Lâm", "Chu", "Đinh", "La", "Mạc", "Lương", "Sầm")
MIDDLE = ("Văn", "Thị", "Đức", "Minh", "Thu", "Ngọc", "Quang", "Hữu", "Thanh", "Xuân", "Kim", "Bảo",
          "Mỹ", "Công", "Thế", "Diệu")
GIVEN = ("An", "Bình", "Cường", "Dung", "Giang", "Hà", "Hải", "Hạnh", "Hiếu", "Hoa", "Hùng", "Hương",
         "Khánh", "Lan", "Linh", "Long", "Mai", "Nam", "Nga", "Phong", "Phương", "Quân", "Sơn", "Tâm",
         "Thảo", "Thắng", "Trang", "Tuấn", "Vân", "Yến", "Đạt", "Lộc", "Nhung", "Tú", "Vinh", "Duyên",
         "Khoa", "Luyến", "Pao", "Seo", "Chỉnh", "Thoa", "Quyết", "Sinh", "Huệ", "Kiên")
PLACE_FIRST = ("Nà", "Bản", "Khuổi", "Pác", "Lũng", "Cốc", "Phiêng", "Bó", "Keng", "Thâm", "Nặm",
               "Khau", "Lạng", "Tổng", "Slam", "Pò", "Bó Mạ", "Co", "Nà Ngườm", "Phai")
PLACE_SECOND = ("Pàn", "Chang", "Ngòa", "Lằng", "Vài", "Mạ", "Sliến", "Khun", "Tát", "Hin", "Đoỏng",
                "Rịa", "Nưa", "Cáp", "Luông", "Mò", "Phja", "Kheo", "Lếch", "Giàng", "Tẳng", "Mu",
                "Vường", "Quân", "Ỏi", "Nọi")
PRODUCTS = ("chè Shan tuyết", "quế", "hồi", "thạch đen", "lợn đen", "gà đồi", "cá suối", "miến dong",
            "mật ong bạc hà", "cam sành", "hạt dẻ", "măng khô", "nấm hương", "bí xanh", "rau an toàn",
            "dê núi", "gạo nếp cái hoa vàng", "tinh dầu sả", "khoai môn", "lạc đỏ")
CLUBS = ("bóng chuyền", "văn nghệ dân tộc", "thanh niên làm kinh tế giỏi", "tiếng Anh", "đọc sách",
         "khởi nghiệp", "võ thuật", "hát then đàn tính", "tin học", "kỹ năng sống", "nhiếp ảnh",
         "bóng đá nữ", "thêu thổ cẩm", "lý luận trẻ")
SCHOOLS = ("Tiểu học", "THCS", "Mầm non", "Phổ thông dân tộc bán trú", "THPT", "Tiểu học và THCS")
TOPICS = ("chuyển đổi số trong nông nghiệp", "phòng chống ma túy học đường", "khởi nghiệp từ cây dược liệu",
          "an toàn giao thông cho học sinh", "bảo vệ môi trường nông thôn", "kỹ năng sơ cấp cứu",
          "phòng chống đuối nước trẻ em", "bán hàng nông sản qua mạng", "phòng chống bạo lực gia đình",
          "học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh", "phòng cháy chữa cháy rừng",
          "chăm sóc sức khỏe sinh sản vị thành niên", "giữ gìn bản sắc văn hóa dân tộc",
          "định hướng nghề nghiệp cho thanh niên nông thôn", "xây dựng nông thôn mới",
          "tảo hôn và hôn nhân cận huyết thống", "an toàn thông tin trên mạng xã hội",
          "lừa đảo việc làm qua điện thoại", "phòng chống mua bán người", "vệ sinh an toàn thực phẩm",
          "Luật Thanh niên năm 2020", "trồng và chăm sóc {product} theo hướng hữu cơ")
ACTIVITIES = ("buổi sinh hoạt chuyên đề về {topic}", "lớp tập huấn về {topic}",
              "ngày chủ nhật xanh ở {place}", "đợt hiến máu tình nguyện", "hội thi tìm hiểu về {topic}",
              "buổi tọa đàm với thanh niên về {topic}", "đợt ra quân làm sạch đường làng ở {place}",
              "chương trình tiếp sức mùa thi", "lớp học bơi miễn phí cho {n} em thiếu nhi",
              "buổi giao lưu với cán bộ đồn biên phòng", "phiên chợ {product} của thanh niên",
              "đợt tu sửa nhà văn hóa {place}", "giải bóng chuyền thanh niên mở rộng",
              "buổi kết nạp {n} đoàn viên mới", "đợt trồng {n} cây keo trên đồi {place}",
              "buổi thăm và tặng quà gia đình chính sách", "lớp xóa mù chữ buổi tối",
              "đêm văn nghệ chào mừng ngày thành lập Đoàn", "đợt khám bệnh miễn phí cho người già",
              "cuộc thi ảnh đẹp quê hương", "buổi hướng dẫn cài đặt ứng dụng VNeID",
              "hội nghị đối thoại giữa lãnh đạo xã với thanh niên", "đợt làm {m} km đường bê tông")
PARTNERS = ("Hội Phụ nữ xã", "Hội Nông dân", "trạm y tế xã", "công an xã", "trường {school} {place}",
            "Hội Cựu chiến binh", "đồn biên phòng", "Ban quản lý rừng phòng hộ", "hợp tác xã {product}",
            "Ngân hàng Chính sách xã hội", "Mặt trận Tổ quốc xã", "Hội Chữ thập đỏ", "bưu điện văn hóa xã",
            "ban quản lý thôn {place}")
PROBLEMS = ("nhiều đoàn viên đi làm ăn xa nên sinh hoạt không đều",
            "nhà văn hóa {place} xuống cấp, mùa mưa bị dột",
            "chưa có kinh phí cho hoạt động hè của thiếu nhi",
            "sổ sách của chi đoàn ghi chép chưa đầy đủ từ tháng {month}",
            "đường vào {place} sạt lở sau đợt mưa lớn, đi lại khó khăn",
            "một số đoàn viên chưa đóng đoàn phí {k} tháng liền",
            "chi đoàn chưa xây dựng được mô hình kinh tế nào hiệu quả",
            "sóng điện thoại yếu nên việc họp trực tuyến thường bị gián đoạn",
            "thanh niên ngại phát biểu, nhất là các bạn nữ người {ethnic}",
            "tỉ lệ thanh niên tham gia bảo hiểm y tế tự nguyện còn thấp, khoảng {pct}%",
            "việc phân loại rác tại nguồn mới làm được ở {n} hộ",
            "Bí thư chi đoàn mới được bầu, còn lúng túng trong điều hành",
            "giá {product} năm nay giảm mạnh, nhiều hộ thanh niên bị lỗ",
            "còn {k} trường hợp tảo hôn chưa được xử lý dứt điểm",
            "máy chiếu của xã hỏng từ tháng {month} nên buổi tập huấn phải dùng bảng",
            "phần lớn thanh niên ở lại địa phương chưa có việc làm ổn định",
            "lịch sinh hoạt trùng mùa gặt nên chỉ {pct}% đoàn viên có mặt",
            "thôn chưa có sân chơi cho thiếu nhi, các em phải chơi ven đường")
ETHNIC = ("Tày", "Nùng", "Dao", "H'Mông", "Sán Chay", "Kinh", "Sán Dìu", "Lô Lô")
REQUESTS = ("hỗ trợ {m} triệu đồng để sửa lại mái nhà văn hóa",
            "mở thêm lớp tập huấn nghiệp vụ cho bí thư chi đoàn trong quý {quarter}",
            "cử cán bộ về hướng dẫn lập sổ sách và thu đoàn phí",
            "giới thiệu thanh niên {place} tham gia chương trình vay vốn khởi nghiệp",
            "phối hợp với {partner} tổ chức khám sức khỏe cho thanh thiếu nhi",
            "bổ sung tài liệu sinh hoạt chuyên đề bằng tiếng {ethnic}",
            "xem xét khen thưởng đồng chí {name} vì đã vận động được {k} thanh niên trở lại sinh hoạt",
            "sớm có hướng dẫn về việc sáp nhập chi đoàn {place} và {place2}",
            "tổ chức lại giải bóng chuyền vào dịp {holiday}", "cấp thêm {n} bộ sách cho tủ sách {place}",
            "kết nối đầu ra cho {product} của tổ hợp tác thanh niên",
            "lắp thêm trạm phát sóng để {place} có mạng ổn định",
            "hỗ trợ giống {product} cho {k} hộ thanh niên nghèo",
            "tuyên dương chi đoàn {place} trong dịp tổng kết năm",
            "đưa nội dung {topic} vào chương trình sinh hoạt tháng {month}",
            "bố trí phòng họp cố định cho Ban Chấp hành Đoàn xã")
HOLIDAYS = ("26/3", "Tết Trung thu", "Quốc khánh 2/9", "Tết Nguyên đán", "hè", "Ngày hội Đại đoàn kết",
            "1/6", "khai giảng năm học mới")
WHO = ("Huyện đoàn", "Tỉnh đoàn", "Đảng ủy xã", "Ủy ban nhân dân xã", "Ban Thường vụ Đoàn xã",
       "Trung tâm Hoạt động thanh thiếu nhi tỉnh", "Ban Tổ chức Tỉnh đoàn", "Phòng Văn hóa - Xã hội",
       "Hội đồng Đội xã")
SUBJECTS = ("Chi đoàn {place}", "Đồng chí {name}, Bí thư chi đoàn {place},", "Ban Chấp hành Đoàn xã",
            "Câu lạc bộ {club} của xã", "Tổ thanh niên tình nguyện {place}",
            "Liên đội trường {school} {place}",
            "Chi hội thanh niên {place}", "Đoàn viên chi đoàn {place}", "Nhóm thanh niên trồng {product}",
            "Đồng chí {name}, Phó Bí thư Đoàn xã,", "Các đoàn viên là học sinh về nghỉ hè",
            "Chi đoàn trường {school} {place}")
CLOSERS = ("", "", ", đông hơn kỳ trước", ", phần lớn là học sinh nghỉ hè", ", trong đó {pct}% là nữ",
           ", dù trời mưa to suốt buổi", ", có cả {k} người ở thôn bên sang dự",
           ", ít hơn kế hoạch vì trùng phiên chợ", " và được bà con ủng hộ nhiệt tình")
FINDINGS = (
    "{subject} đã tổ chức {activity}, có {n} đoàn viên tham gia{closer}.",
    "Trong tháng {month}, {subject_lower} tổ chức được {k} {activity_plural}{closer}.",
    "{subject} phối hợp với {partner} duy trì {activity} mỗi tháng một lần, kinh phí khoảng {m} triệu "
    "đồng.",
    "Tuy nhiên, {problem}.", "Khó khăn lớn nhất là {problem}.",
    "Theo phản ánh của đồng chí {name}, {problem}.",
    "Qua trao đổi với {n} thanh niên, nhiều bạn mong muốn được học nghề {trade} tại chỗ.",
    "Mô hình {product} của tổ hợp tác thanh niên {place} cho thu nhập khoảng {m} triệu đồng mỗi hộ một "
    "năm.",
    "Chi đoàn đã lập nhóm Zalo để báo lịch sinh hoạt, khoảng {pct}% đoàn viên thường xuyên theo dõi.",
    "Đồng chí {name} báo cáo kết quả thực hiện nghị quyết {half}, đạt {pct}% chỉ tiêu.",
    "Hiện {place} có {n} đoàn viên, {k} người đang làm việc ở {far}.",
    "Buổi {activity_short} diễn ra từ {hour} giờ đến {hour2} giờ, không khí sôi nổi, nhiều ý kiến thẳng "
    "thắn.",
    "Kiểm tra sổ sách cho thấy {subject_lower} đã thu đoàn phí đến tháng {month}, còn nợ {k} người.",
)
TRADES = ("may công nghiệp", "sửa xe máy", "điện dân dụng", "nấu ăn", "chăm sóc cây {product}",
          "làm đồ mây tre", "hàn xì", "lái máy cày", "thú y")
FAR = ("Bắc Ninh", "Thái Nguyên", "Hà Nội", "Bình Dương", "Hàn Quốc", "Nhật Bản", "khu công nghiệp Đình Trám",
       "Đài Loan", "thành phố")


def _name(rng: random.Random) -> str:
    return f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"


def _place(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.15:
        return f"xóm {rng.randint(1, 24)}"
    if roll < 0.25:
        return f"tổ dân phố số {rng.randint(1, 15)}"
    return f"{rng.choice(('thôn', 'bản', 'thôn'))} {rng.choice(PLACE_FIRST)} {rng.choice(PLACE_SECOND)}"


def _fill(template: str, rng: random.Random) -> str:
    """Fill every {slot} of ``template`` (slots may hold slots: filled until none is left)."""
    values = {
        "topic": lambda: rng.choice(TOPICS), "place": lambda: _place(rng), "place2": lambda: _place(rng),
        "n": lambda: rng.randint(8, 140), "k": lambda: rng.randint(2, 12),
        "m": lambda: rng.choice((2, 3, 5, 8, 12, 15, 20, 25, 30, 40, 60)),
        "month": lambda: rng.randint(1, 12),
        "pct": lambda: rng.randint(15, 95), "quarter": lambda: rng.choice(("I", "II", "III", "IV")),
        "ethnic": lambda: rng.choice(ETHNIC), "name": lambda: _name(rng),
        "holiday": lambda: rng.choice(HOLIDAYS), "school": lambda: rng.choice(SCHOOLS),
        "partner": lambda: rng.choice(PARTNERS), "product": lambda: rng.choice(PRODUCTS),
        "club": lambda: rng.choice(CLUBS), "subject": lambda: rng.choice(SUBJECTS),
        "subject_lower": lambda: _lower_first(rng.choice(SUBJECTS).rstrip(",")),
        "activity": lambda: rng.choice(ACTIVITIES),
        "activity_plural": lambda: rng.choice(("buổi sinh hoạt chuyên đề", "đợt ra quân", "buổi tập huấn",
                                              "phiên chợ thanh niên", "buổi giao lưu")),
        "activity_short": lambda: rng.choice(("sinh hoạt", "tọa đàm", "tập huấn", "đối thoại", "giao lưu")),
        "closer": lambda: rng.choice(CLOSERS), "problem": lambda: rng.choice(PROBLEMS),
        "trade": lambda: rng.choice(TRADES), "far": lambda: rng.choice(FAR),
        "half": lambda: rng.choice(("6 tháng đầu năm", "quý I", "quý III", "năm ngoái", "đại hội nhiệm kỳ")),
        "hour": lambda: rng.randint(7, 14), "hour2": lambda: rng.randint(15, 21),
    }
    while "{" in template:
        before, rest = template.split("{", 1)
        slot, after = rest.split("}", 1)
        template = f"{before}{values[slot]()}{after}"
    return template


def _lower_first(text: str) -> str:
    # "Chi đoàn" → "chi đoàn", but names and "Đoàn" inside stay as they are
    return text[0].lower() + text[1:] if not text.startswith("Đồng chí") else "đồng chí" + text[8:]


def summary(rng: random.Random) -> str:
    """One sentence: what the visit was (about 70–200 characters)."""
    verb = rng.choice(("Dự", "Kiểm tra", "Khảo sát", "Cùng tham gia", "Theo dõi", "Hướng dẫn",
                       "Làm việc về", "Đi cùng đoàn công tác dự"))
    tail = rng.choice((", cùng đồng chí {name}", ", do đồng chí {name} chủ trì", "",
                       " theo kế hoạch tháng {month}", ", có đại diện {partner}"))
    day = f"{rng.randint(1, 28)}/{rng.randint(1, 12)}"
    return _fill(f"{verb} {{activity}} ở {{place}} ngày {day}{tail}.", rng)


def finding(rng: random.Random) -> str:
    sentence = _fill(rng.choice(FINDINGS), rng)
    return sentence[0].upper() + sentence[1:]


def recommendation(rng: random.Random) -> str:
    reason = rng.choice(("", "", " vì {problem}", " để kịp {holiday}", " trước tháng {month}",
                         " như đã hứa tại buổi làm việc với đồng chí {name}"))
    return _fill(f"Đề nghị {rng.choice(WHO)} {rng.choice(REQUESTS)}{reason}.", rng)


def report(rng: random.Random) -> dict[str, str]:
    """summary, findings and recommendations of one visit."""
    return {"summary": summary(rng),
            "findings": " ".join(finding(rng) for _ in range(rng.randint(2, 5))),
            "recommendations": " ".join(recommendation(rng) for _ in range(rng.randint(1, 3)))}
