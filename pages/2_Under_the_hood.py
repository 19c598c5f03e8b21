"""Under the hood: one training step laid bare, gradient checks, and what a trained network has inside."""

import streamlit as st

from scratchnet.app import under_the_hood

st.set_page_config(page_title="scratchnet · Under the hood", page_icon="🔬", layout="wide")

under_the_hood.page()
