import hmac
import os

import streamlit as st

from serving.admin import ManagementClient

client = ManagementClient("http://localhost:8081")


def check_password() -> bool:
    entered = st.text_input("Password", type="password")
    return hmac.compare_digest(entered, os.environ["CONSOLE_PASSWORD"])


# ok: ml-serving.streamlit.management-without-auth
def page():
    if not check_password():
        st.stop()
    url = st.text_input("Model archive URL")
    if st.button("Register"):
        client.register_model(url)
