"""Test settings: the same settings with a fast password hasher and an isolated media directory."""

import tempfile

from zi.config.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed only; production uses PBKDF2
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="zi-test-media-"))  # noqa: F405
DEBUG = False
