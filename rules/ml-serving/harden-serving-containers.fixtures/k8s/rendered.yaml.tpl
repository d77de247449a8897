# rendered with envsubst before kubectl apply: the manifest's risks are the template's
apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${APP_NAME}
spec:
  template:
    spec:
      containers:
        # ruleid: ml-serving.k8s.container-security-context
        - name: server
          image: ${IMAGE}
          resources:
            limits:
              memory: 4Gi
              cpu: "2"
