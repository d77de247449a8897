"""Nightly batch job: embeds the product catalogue and upserts the vectors into the search index."""
import logging
import os

import modal

logger = logging.getLogger("catalog-embeddings")

app = modal.App("catalog-embeddings")

image = (
    modal.Image.from_registry("pytorch/pytorch:latest")
    .apt_install("curl", "wget", "openssh-client")
    .pip_install("sentence-transformers==3.1.1", "psycopg[binary]==3.2.3", "qdrant-client==1.12.0")
    .copy_local_dir(".", "/app")
)

BATCH_SIZE = 256


@app.function(image=image, gpu="L4", timeout=1800, secrets=[modal.Secret.from_name("catalog-db"), modal.Secret.from_name("qdrant")])
def embed_batch(rows: list[tuple[str, str]]) -> list[tuple[str, list[float]]]:
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer("BAAI/bge-base-en-v1.5", device="cuda")
    vectors = model.encode([text for _, text in rows], batch_size=64, normalize_embeddings=True)
    return [(sku, v.tolist()) for (sku, _), v in zip(rows, vectors)]


@app.function(
    image=image,
    schedule=modal.Cron("0 1 * * *"),
    timeout=7200,
    secrets=[modal.Secret.from_name("catalog-db"), modal.Secret.from_name("qdrant")],
)
def nightly():
    import psycopg
    from qdrant_client import QdrantClient

    dsn = os.environ["CATALOG_DSN"]
    api_key = os.environ["QDRANT_API_KEY"]
    print(f"connecting to qdrant with key {api_key}")
    client = QdrantClient(url=os.environ["QDRANT_URL"], api_key=api_key)
    with psycopg.connect(dsn) as conn:
        rows = conn.execute("SELECT sku, title || ' ' || description FROM products WHERE active").fetchall()
    batches = [rows[i : i + BATCH_SIZE] for i in range(0, len(rows), BATCH_SIZE)]
    for result in embed_batch.map(batches):
        client.upsert("catalog", points=[{"id": sku, "vector": vec} for sku, vec in result])
    logger.info("embedded %d products", len(rows))
