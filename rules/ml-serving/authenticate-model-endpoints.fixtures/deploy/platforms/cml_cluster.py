"""Creates the head node of a Ray cluster as a Cloudera ML application."""


def create_head(cml_client, project_id: str, script: str, open_to_all: bool = False):
    return cml_client.applications.create(
        project_id=project_id,
        name="ray-cluster-head",
        script=script,
        subdomain="ray-cluster-head",
        # ruleid: ml-serving.deploy.auth-bypass-flag
        bypass_authentication=True,
    )


def create_dashboard(cml_client, project_id: str, script: str):
    return cml_client.applications.create(
        project_id=project_id,
        name="dashboard",
        script=script,
        # ok: ml-serving.deploy.auth-bypass-flag
        bypass_authentication=False,
    )


def serve(app, host: str, require_auth: bool = True):
    # ruleid: ml-serving.deploy.auth-bypass-flag
    app.run(host=host, require_auth=False)
    # ok: ml-serving.deploy.auth-bypass-flag
    app.run(host=host, require_auth=require_auth)
