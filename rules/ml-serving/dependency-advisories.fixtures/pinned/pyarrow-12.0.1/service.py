"""A tabular model server whose DataFrame input accepts a Parquet body: pyarrow reads what the caller sends."""
import bentoml
from bentoml.io import JSON, PandasDataFrame

svc = bentoml.Service("fraud")


@svc.api(input=PandasDataFrame(), output=JSON())
def is_fraud(df):
    return {"rows": len(df)}
