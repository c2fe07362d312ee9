"""asyncssh, imported without cryptography's DSA deprecation warnings.

asyncssh 2.24 still names cryptography's DSA key classes when it is imported, and
cryptography 46+ warns about them on every import; we never use DSA keys (key login with
the keys OpenSSH makes today), so the warning says nothing to an operator and, with
``filterwarnings = error``, fails the suite. Import asyncssh from here only.
"""

from __future__ import annotations

import warnings

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message="DSA is deprecated")
    import asyncssh as asyncssh

__all__ = ["asyncssh"]
