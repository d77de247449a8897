import ray
from ray import serve

# ruleid: ml-serving.runtime-env.branch-archive
ray.init(runtime_env={"working_dir": "https://github.com/example-org/serving/archive/master.zip"})
# ok: ml-serving.runtime-env.branch-archive
ray.init(runtime_env={"working_dir": "https://github.com/example-org/serving/archive/2.9.0.zip"})
serve.start()
