# Built-in accounts created at import.
import hashlib

import bcrypt
from werkzeug.security import generate_password_hash

DEMO_USERS = {
    "admin": {
        "username": "admin",
        # ruleid: training-monitor.secret.hashed-literal-password
        "hashed_password": hashlib.sha256("admin123".encode()).hexdigest(),
    },
}
# ruleid: training-monitor.secret.hashed-literal-password
ADMIN_HASH = bcrypt.hashpw(b"s3cret-Pass!", bcrypt.gensalt())
# ruleid: training-monitor.secret.hashed-literal-password
OPERATOR = generate_password_hash("operator-2024")
# ok: training-monitor.secret.hashed-literal-password
CACHE_KEY = hashlib.sha256("model-v1".encode()).hexdigest()


def login(password: str) -> bool:
    # ok: training-monitor.secret.hashed-literal-password
    return hashlib.sha256(password.encode()).hexdigest() == DEMO_USERS["admin"]["hashed_password"]
