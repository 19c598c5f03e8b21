"""The Playground (the home page): pick data, inputs, a network and a way to train it; watch it learn, with the
network drawn live. ``logic`` (no Streamlit), ``charts`` (the network diagram), ``view`` (the page);
``draw`` holds points drawn with the mouse,
``draw_view`` draws its panel."""
