"""Edge cases: `.remote (` / `.bind (` with a space, calls split over lines."""
from  ray import serve


@serve.deployment
class SpacedIngress:
    async def __call__(self, request):
        doc = await request.json()
        # ruleid: ray-serve.pipeline.unvalidated-handoff
        return await self.next_stage.remote (doc)

    async def checked(self, request):
        doc = await request.json()
        if not isinstance(doc, dict):
            return {"error": "expected an object"}
        # ok: ray-serve.pipeline.unvalidated-handoff
        return await self.next_stage.remote(doc)


@serve.deployment
class Stage:
    pass


# ruleid: ray-serve.pipeline.bind-forward-reference
head = SpacedIngress.bind (stage)
stage = Stage.bind()

# ok: ray-serve.pipeline.bind-forward-reference
first = Stage.bind()
second = SpacedIngress.bind(
    # ok: ray-serve.pipeline.bind-forward-reference
    next_stage=first,
)
