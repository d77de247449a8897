import os

# ruleid: training-monitor.secret.default-credential-fallback
DB_PASSWORD = os.environ.get("DB_PASSWORD", "s3cr3t-pg")
# ruleid: training-monitor.secret.default-credential-fallback
JWT_SECRET = os.getenv("JWT_SECRET_KEY", default="dev-signing-key-2024")
# ok: training-monitor.secret.default-credential-fallback
TOKEN = os.environ["API_TOKEN"]
# ok: training-monitor.secret.default-credential-fallback
TOKEN_PATH = os.getenv("TOKEN_PATH", "/var/run/token")
# ok: training-monitor.secret.default-credential-fallback
MODEL = os.getenv("MODEL_NAME", "gpt2")
