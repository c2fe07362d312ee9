"""What the public sends the agencies: problem reports on datasets, and requests for data.

Cao Bằng 34/2024 Điều 8.1.c: users notify the owning agency when shared data is wrong;
Sơn La 20/2023 Điều 11.3: data may be requested online.
"""
