"""structlog-style .bind() with later names: not a Ray graph."""
import structlog

log = structlog.get_logger()
# ok: ray-serve.pipeline.bind-forward-reference
bound = log.bind(request_id=request_id)
request_id = log.bind(x=1)


class Handler:
    def handle(self, request):
        try:
            return self.process(request)
        except Exception as e:
            # ok: ray-serve.pipeline.error-detail-leak
            return {"error": str(e)}
