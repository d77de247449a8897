from airflow import DAG
from airflow.operators.bash import BashOperator
from airflow.providers.cncf.kubernetes.operators.pod import KubernetesPodOperator
from airflow.providers.docker.operators.docker import DockerOperator

with DAG("train", params={"dataset": "default", "epochs": 3}) as dag:
    BashOperator(
        task_id="fetch",
        # ruleid: training-monitor.shell.airflow-param-in-command
        bash_command="python fetch.py --dataset {{ params.dataset }}",
    )
    DockerOperator(
        task_id="ingest",
        image="pipeline-worker:1.0",
        command=[
            "bash",
            "-c",
            # ruleid: training-monitor.shell.airflow-param-in-command
            f"""python -m worker.ingest --source "{{{{ params.dataset }}}}" --out /data""",
        ],
    )
    KubernetesPodOperator(
        task_id="train",
        cmds=["sh", "-c"],
        # ruleid: training-monitor.shell.airflow-param-in-command
        arguments=["python train.py --epochs {{ dag_run.conf['epochs'] }}"],
    )
    # exec form, no shell: the value is one argument
    DockerOperator(
        task_id="evaluate",
        image="pipeline-worker:1.0",
        # ok: training-monitor.shell.airflow-param-in-command
        command=["python", "-m", "worker.evaluate", "-cpu", "--dataset", "{{ params.dataset }}"],
    )
    BashOperator(
        task_id="report",
        # a value Airflow itself fills in
        # ok: training-monitor.shell.airflow-param-in-command
        bash_command="python report.py --date {{ ds }}",
    )
