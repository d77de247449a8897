import streamlit as st

from serving.admin import ManagementClient

client = ManagementClient("http://localhost:8081")


def load_status():
    # renders nothing a visitor can act on
    # ok: ml-serving.streamlit.management-without-auth
    return client.list_models()


# ruleid: ml-serving.streamlit.management-without-auth
def page():
    st.title("Model console")
    url = st.text_input("Model archive URL")
    if st.button("Register"):
        client.register_model(url)
    name = st.selectbox("Model", load_status())
    if st.sidebar.button("Remove"):
        client.delete_model(name)


page()


# ok: ml-serving.streamlit.management-without-auth
def report_page(rows):
    choice = st.selectbox("Format", ["csv", "json"])
    if st.button("Export"):
        export_csv(rows, choice)
        update_chart(rows)


def export_csv(rows, fmt):
    return rows


def update_chart(rows):
    return rows
