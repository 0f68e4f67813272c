"""The demo data set: real Lạng Sơn unit names, obviously invented people.

Unit codes here are illustrative (the demo does not claim to carry the official register).
"""

from __future__ import annotations

PROVINCE = ("Tỉnh đoàn Lạng Sơn", "20")

# The four wards and the communes of Lạng Sơn after the 1 July 2025 reorganisation (a selection).
WARDS = ["Tam Thanh", "Lương Văn Tri", "Kỳ Lừa", "Đông Kinh"]
COMMUNES = [
    "Đồng Đăng", "Cao Lộc", "Chi Lăng", "Hữu Lũng", "Lộc Bình", "Đình Lập", "Na Sầm", "Thất Khê",
    "Bắc Sơn", "Văn Quan", "Bình Gia", "Tràng Định", "Văn Lãng", "Mẫu Sơn", "Na Dương", "Hoàng Văn Thụ",
]
# District-level unions abolished on 1 July 2025, kept so that history keeps its shape.
FORMER_DISTRICTS = ["Cao Lộc", "Chi Lăng", "Hữu Lũng"]

TOPICS = [
    ("Chuẩn bị nhân sự đại hội Đoàn các cấp", "Congress personnel preparation"),
    ("Mô hình thanh niên phát triển kinh tế", "Youth economic models"),
    ("Tuyên truyền phòng, chống dịch bệnh", "Disease prevention propaganda"),
    ("Trồng cây trên tuyến đường thanh niên tự quản", "Tree planting on youth-managed roads"),
    ("Tập huấn công tác Đội tại trường tiểu học", "Pioneer (Đội) training at a primary school"),
    ("Sinh hoạt chi đoàn theo chủ điểm", "Themed youth branch meeting"),
    ("Công tác kết nạp đoàn viên mới", "Admitting new members"),
    ("Chuyển đổi số trong tổ chức Đoàn", "Digital transformation in the Union"),
    ("Tình nguyện mùa hè xanh", "Green summer volunteering"),
    ("Phòng, chống ma túy trong thanh thiếu niên", "Drug prevention among young people"),
]

DEMO_PASSWORD = "dicoso-demo"

ADMIN = ("admin", "Quản Trị Viên Mẫu", "Văn phòng Tỉnh đoàn")
SUPERVISORS = [
    ("giamsat", "Hoàng Văn Duyệt", "Phó Bí thư Tỉnh đoàn"),
    ("giamsat2", "Lý Thị Kiểm Tra", "Trưởng Ban Tổ chức - Kiểm tra"),
]
# What the province's documents print (admin › units › the province › documents): the committee's
# name, the Standing Committee under it, and the signer, the demo's (invented) deputy secretary.
LETTERHEAD = {"issuing_body": "BCH ĐOÀN TỈNH LẠNG SƠN", "issuing_office": "BAN THƯỜNG VỤ",
              "signer_title": "PHÓ BÍ THƯ", "signer_name": SUPERVISORS[0][1]}
# Supervisors below the province: each reviews the work of their own union's people (unit code),
# so the demo shows a scope boundary (one sees Tam Thanh's cadre, the other Đồng Đăng's).
LOCAL_SUPERVISORS = [
    ("giamsat3", "Đàm Thị Phường Mẫu", "Bí thư Đoàn phường Tam Thanh", "20-P01"),
    ("giamsat4", "Triệu Văn Xã Mẫu", "Bí thư Đoàn xã Đồng Đăng", "20-X01"),
]
FULL_TIME_CADRES = [
    ("canbo", "Nông Văn Mẫu", "Phó Ban Phong trào"),
    ("canbo2", "Lương Thị Thử", "Ủy viên Ban Tuyên giáo"),
    ("canbo3", "Hà Văn Ví Dụ", "Chuyên viên Ban Tổ chức - Kiểm tra"),
    ("canbo4", "Vi Thị Minh Họa", "Phó Chánh Văn phòng"),
    ("canbo5", "Hoàng Văn Giả Định", "Chuyên viên Ban Phong trào"),
    ("canbo6", "Lục Thị Thử Nghiệm", "Chuyên viên Ban Tuyên giáo"),
    ("canbo7", "Chu Văn Mô Phỏng", "Chủ tịch Hội đồng Đội tỉnh"),
    ("canbo8", "Đinh Thị Tạm Thời", "Chuyên viên Ban Tổ chức - Kiểm tra"),
    ("canbo9", "Lăng Văn Thí Điểm", "Phó Ban Tuyên giáo"),
    ("canbo10", "Mã Thị Mẫu Số", "Chuyên viên Văn phòng"),
]
# One cadre inside each union (wards, then communes, in the order above), part-time ("kiêm nhiệm"):
# the province's plan covers full-time cadres, so these are reviewed and heard by their union but
# do not appear in the province's year-end evaluation.
UNION_CADRE_SURNAMES = ["Nông Văn", "Lương Thị", "Hà Văn", "Vi Thị", "Hoàng Văn", "Lục Thị", "Chu Văn",
                        "Đinh Thị", "Lăng Văn", "Mã Thị"]
UNION_CADRES = [
    (f"coso{n:02d}", f"{UNION_CADRE_SURNAMES[(n - 1) % 10]} Cơ Sở {n}", "Phó Bí thư (kiêm nhiệm)")
    for n in range(1, len(WARDS) + len(COMMUNES) + 1)
]
PROBATIONARY_CADRES = [
    (f"tapsu{n}", f"{surname} Tập Sự {ordinal}", "Cán bộ tập sự")
    for n, (surname, ordinal) in enumerate(
        [("Nông Văn", "Một"), ("Lương Thị", "Hai"), ("Hà Văn", "Ba"), ("Vi Thị", "Bốn"),
         ("Hoàng Văn", "Năm"), ("Lục Thị", "Sáu"), ("Chu Văn", "Bảy"), ("Đinh Thị", "Tám")],
        start=1,
    )
]
PLACEMENT_TASKS = [
    "Tìm hiểu tình hình tổ chức Đoàn và thanh niên tại xã",
    "Dự sinh hoạt một chi đoàn thôn",
    "Tham gia hoạt động tình nguyện cùng Đoàn xã",
    "Khảo sát một mô hình thanh niên phát triển kinh tế",
    "Viết báo cáo thu hoạch cuối đợt",
]
MENTORS = ["Bí thư Đoàn xã (mẫu)", "Phó Bí thư Đoàn xã (mẫu)"]
CLOSING_REPORTS = [
    "Qua một tuần tập sự, em nắm được cách Đoàn xã tổ chức sinh hoạt chi đoàn thôn và theo dõi "
    "đoàn viên đi làm ăn xa. Em đã dự hai buổi sinh hoạt, cùng Đoàn xã ra quân vệ sinh môi trường "
    "và khảo sát một mô hình nuôi ong của thanh niên.\nĐề xuất: kéo dài đợt tập sự ở các xã vùng cao "
    "thêm hai ngày để kịp đến các thôn xa.",
    "Em học được cách lập kế hoạch hoạt động tình nguyện và cách làm việc với bí thư chi đoàn thôn. "
    "Khó khăn: đường vào thôn xa sạt lở nên chưa đến được hết các chi đoàn.\nĐề xuất: Tỉnh đoàn gửi "
    "tài liệu sinh hoạt chủ điểm trước đợt tập sự.",
    "Tuần tập sự bổ ích: em được giao chuẩn bị nội dung sinh hoạt chủ điểm tháng và trực tiếp trao "
    "đổi với đoàn viên. Em chưa hoàn thành phần khảo sát mô hình kinh tế do trùng lịch mùa vụ.",
]
# The demo's one monthly hearing: conclusions on the first cadres, and directions
# (cadre index, text, due: overdue | later | done, the cadre's note when done).
HEARING_CONCLUSIONS = [
    "Đồng chí đi cơ sở đều, nắm chắc tình hình hai xã phụ trách; cần chú ý báo cáo đúng hạn.",
    "Đồng chí hoàn thành kế hoạch tháng; đề nghị tăng cường khảo sát chuyên đề.",
    "Số ngày đi cơ sở trong tháng còn ít so với kế hoạch; đề nghị bố trí lịch đi cơ sở cụ thể.",
]
HEARING_DIRECTIONS = [
    (0, "Khảo sát mô hình thanh niên phát triển kinh tế tại xã phụ trách, báo cáo kết quả.", "done",
     "Đã khảo sát 2 mô hình nuôi ong và trồng hồi, gửi báo cáo về Ban Phong trào."),
    (0, "Dự sinh hoạt chi đoàn thôn xa nhất của xã, nắm tình hình đoàn viên đi làm ăn xa.", "overdue",
     None),
    (0, "Hướng dẫn Đoàn xã chuẩn bị nhân sự đại hội chi đoàn nhiệm kỳ mới.", "later", None),
    (1, "Kiểm tra sổ sách công tác Đoàn tại xã phụ trách.", "done", "Đã kiểm tra, hướng dẫn bổ sung sổ"
     " nghị quyết."),
    (2, "Phối hợp tổ chức ra quân trồng cây trên tuyến đường thanh niên tự quản.", "later", None),
]

SUMMARIES = {
    "survey": "Khảo sát tình hình đoàn viên, thanh niên và hoạt động của các chi đoàn thôn.",
    "activity": "Phối hợp tổ chức ra quân tình nguyện, trồng cây và vệ sinh môi trường.",
    "inspection": "Kiểm tra việc thực hiện nghị quyết và sổ sách công tác Đoàn.",
    "meeting": "Dự sinh hoạt chi đoàn theo chủ điểm tháng, trao đổi với đoàn viên.",
}
FINDINGS = [
    "Chi đoàn hoạt động đều, đoàn viên tham gia đông.",
    "Một số chi đoàn thôn sinh hoạt chưa đều do thanh niên đi làm ăn xa.",
    "Sổ sách lưu trữ chưa đầy đủ, cần hướng dẫn thêm.",
    "Mô hình kinh tế thanh niên có hiệu quả, cần nhân rộng.",
]
RECOMMENDATIONS = [
    "Đề nghị Tỉnh đoàn hỗ trợ tài liệu sinh hoạt chủ điểm.",
    "Đề nghị tổ chức tập huấn nghiệp vụ cho bí thư chi đoàn.",
    "Đề nghị hỗ trợ vốn vay cho mô hình thanh niên khởi nghiệp.",
    "",
]
RETURN_COMMENT = "Đề nghị bổ sung số đoàn viên tham gia và nêu kiến nghị cụ thể hơn."
