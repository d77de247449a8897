# A Streamlit page driving the management API with what the visitor types.
import streamlit as st

from ts_client import ManagementAPI

api = ManagementAPI("http://localhost:8081")
stored = ["resnet.mar", "bert.mar"]

placeholder = st.empty()
mar_path = placeholder.selectbox("Choose mar file", stored)
if st.checkbox("manually enter location"):
    mar_path = placeholder.text_input("Input mar file path")
if st.button("Register"):
    # ruleid: torchserve.management.user-url-flow
    api.register_model(mar_path, "model")

url = st.text_input("Input war file path or URI")
if url:
    # ruleid: torchserve.management.user-url-flow
    api.register_workflow(url)

name = st.selectbox("Model to delete", stored)
if st.button("Delete"):
    # ok: torchserve.management.user-url-flow
    api.delete_model(name)

choice = st.text_input("Which stored archive")
if choice in stored:
    # ok: torchserve.management.user-url-flow
    api.register_model(choice)
