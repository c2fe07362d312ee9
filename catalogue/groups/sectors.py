"""The sectors the provincial regulations name (Cao Bằng 34/2024 and the others), seeded at init."""

from __future__ import annotations

# (slug, Vietnamese title, English title)
SECTORS: tuple[tuple[str, str, str], ...] = (
    ("dat-dai", "Đất đai", "Land"),
    ("tai-nguyen-nuoc", "Tài nguyên nước", "Water resources"),
    ("moi-truong", "Môi trường", "Environment"),
    ("dia-chat-khoang-san", "Địa chất và khoáng sản", "Geology and minerals"),
    ("do-dac-ban-do", "Đo đạc và bản đồ", "Surveying and mapping"),
    ("vien-tham", "Viễn thám", "Remote sensing"),
    ("khi-tuong-thuy-van", "Khí tượng thủy văn và biến đổi khí hậu",
     "Hydrometeorology and climate change"),
    ("cong-thuong", "Công thương", "Industry and trade"),
    ("van-hoa-the-thao-du-lich", "Văn hóa, thể thao và du lịch", "Culture, sports and tourism"),
    ("thong-tin-truyen-thong", "Thông tin và truyền thông", "Information and communications"),
    ("xay-dung", "Xây dựng", "Construction"),
    ("giao-thong-van-tai", "Giao thông vận tải", "Transport"),
    ("nong-nghiep", "Nông nghiệp", "Agriculture"),
    ("y-te", "Y tế", "Health"),
    ("giao-duc", "Giáo dục", "Education"),
    ("kinh-te", "Kinh tế", "Economy"),
)
