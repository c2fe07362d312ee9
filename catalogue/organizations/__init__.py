"""Publishing agencies (cơ quan chủ quản dữ liệu)."""
