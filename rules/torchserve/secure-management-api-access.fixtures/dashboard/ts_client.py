# A TorchServe management client: the URL is built here, the value comes from the page that calls it.
import httpx


class ManagementAPI:
    def __init__(self, address):
        self.address = address
        self.client = httpx.Client(timeout=30)

    def register_model(self, mar_path, model_name=None):
        # ok: torchserve.management.user-url-flow
        req_url = self.address + "/models?url=" + mar_path + "&synchronous=false"
        if model_name:
            req_url += "&model_name=" + model_name
        return self.client.post(req_url).json()

    def register_workflow(self, url):
        req_url = self.address + "/workflows/" + url
        return self.client.post(req_url).json()

    def delete_model(self, model_name):
        return self.client.delete(self.address + "/models/" + model_name).json()
