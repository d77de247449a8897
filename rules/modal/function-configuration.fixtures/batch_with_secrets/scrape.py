"""A batch job that holds a secret: a release swapped under an unpinned name reads it."""
import modal

app = modal.App("scraper")
# ruleid: modal.image.unpinned-pip-install
slack_image = modal.Image.debian_slim().pip_install("slack-sdk")


@app.function(image=slack_image, secrets=[modal.Secret.from_name("slack")], timeout=600)
def scrape(channel: str) -> None:
    return None
