import subprocess

import streamlit as st

epochs = st.number_input("Epochs", 1, 100)
if st.button("Train"):
    # ruleid: ml-serving.streamlit.management-without-auth
    subprocess.run(["python", "train.py", "--epochs", str(epochs)], check=True)
