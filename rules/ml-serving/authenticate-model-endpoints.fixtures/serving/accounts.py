import hashlib
import hmac
import os


def hash_password(password: str) -> str:
    # ruleid: ml-serving.auth.fast-password-hash
    return hashlib.sha256(password.encode()).hexdigest()


def check_login(user, plain_password: str) -> bool:
    # ruleid: ml-serving.auth.fast-password-hash
    return hmac.compare_digest(user.hash, hashlib.md5(plain_password.encode("utf-8")).hexdigest())


def store_api_key(api_key: str) -> str:
    # a key with the entropy of a random token: one SHA-256 is what a key store wants
    # ok: ml-serving.auth.fast-password-hash
    return hashlib.sha256(api_key.encode()).hexdigest()


def slow_hash(password: str) -> bytes:
    salt = os.urandom(16)
    # ok: ml-serving.auth.fast-password-hash
    return salt + hashlib.pbkdf2_hmac("sha256", password.encode(), salt, 600_000)


def file_digest(path: str) -> str:
    # ok: ml-serving.auth.fast-password-hash
    return hashlib.sha256(open(path, "rb").read()).hexdigest()


def legacy_store(userPassword: str) -> str:
    # ruleid: ml-serving.auth.fast-password-hash
    return hashlib.sha1(userPassword.encode()).hexdigest()
